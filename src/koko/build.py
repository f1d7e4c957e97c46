"""Build the release: parse, model, serialise every format, write the folder atomically.

Everything is computed in memory first; files are written into a temporary folder beside
the target, which then replaces the target in one rename. A failed build leaves the
previous release untouched and no half-written files behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from .catalogue import load_catalogue, load_municipalities
from .config import Config
from .errors import KokoError
from .formats import FORMATS, load_context, serialise
from .model import build_dataset
from .parse import parse_file
from .programme import load_programme
from .records import Brochure

RELEASE_NAME = "koko"


@dataclass(frozen=True)
class Knowledge:
    brochure: Brochure
    dataset: Dataset


def assemble(config: Config, source: Path | None = None) -> Knowledge:
    """Parse the source and the curated tables and build the dataset; writes nothing."""
    catalogue = load_catalogue(config.questions)
    brochure = parse_file(source or config.source, catalogue)
    municipalities = load_municipalities(config.municipalities)
    programme = load_programme(config.programme, brochure.foreword.text)
    dataset = build_dataset(config, brochure, catalogue, municipalities, programme)
    return Knowledge(brochure, dataset)


def release_files(config: Config, dataset: Dataset) -> dict[str, bytes]:
    """File name → bytes for every release file."""
    context = load_context(config.context)
    files = {f"{RELEASE_NAME}.{fmt.extension}": serialise(dataset, fmt, context) for fmt in FORMATS}
    files["context.jsonld"] = config.context.read_bytes()
    return files


def write_atomically(out: Path, files: dict[str, bytes]) -> None:
    """Replace the folder ``out`` with exactly ``files``, or leave it as it was."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise KokoError("--out exists and is not a folder", out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as exc:
        raise KokoError(f"cannot create the release folder: {exc.strerror}", out) from exc
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        for name, data in sorted(files.items()):
            (staging / name).write_bytes(data)
        staging.chmod(0o755)
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
    except OSError as exc:
        if old.exists() and not out.exists():
            os.replace(old, out)
        raise KokoError(f"cannot write the release: {exc.strerror}", out) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def build_release(config: Config, out: Path, source: Path | None = None) -> Knowledge:
    knowledge = assemble(config, source)
    write_atomically(out, release_files(config, knowledge.dataset))
    return knowledge
