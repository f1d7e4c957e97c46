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

from koko.checks import infer as reasoning
from koko.checks.validate import Report, load_shapes, validate_dataset
from koko.config import Config
from koko.errors import KokoError
from koko.graph.concepts import add_vocabularies
from koko.graph.curated_graph import add_curation
from koko.graph.formats import FORMATS, load_context, lookup, serialise
from koko.graph.model import Iris, build_dataset
from koko.graph.profiles import DEFAULT_PROFILE, apply_profile
from koko.source.catalogue import load_catalogue, load_municipalities
from koko.source.curated import Curation, load_curation
from koko.source.identifiers import load_nuts
from koko.source.parse import parse_file
from koko.source.programme import load_programme
from koko.source.records import Brochure
from koko.source.vocabulary import load_vocabularies

RELEASE_NAME = "koko"


@dataclass(frozen=True)
class Knowledge:
    brochure: Brochure
    dataset: Dataset
    curation: Curation


class NotConforming(KokoError):
    """The data breaks the shapes: the release is not written."""

    def __init__(self, report: Report, shapes: Path):
        counts = report.counts()
        super().__init__(
            f"the data does not conform to the shapes ({counts['Violation']} violation(s)); no release written",
            shapes,
        )
        self.report = report


def check_conformance(config: Config, dataset: Dataset) -> Report:
    """Both validation passes with the project's shapes, without inference."""
    return validate_dataset(dataset, load_shapes(config.shapes), load_shapes(config.graph_shapes))


def inferred_files(config: Config, dataset: Dataset) -> dict[str, bytes]:
    """The OWL 2 RL entailments, apart from the asserted data: Turtle and a TriG named graph."""
    inference = reasoning.infer(dataset, reasoning.load_ontology(config))
    if not inference.consistent:
        raise KokoError("the data is inconsistent with the ontology: " + "; ".join(inference.inconsistencies), config.ontology)
    inferred = reasoning.inferred_dataset(inference, config.base, dataset)
    return {f"{RELEASE_NAME}-inferred.{fmt.extension}": serialise(inferred, fmt, None) for fmt in (lookup("ttl"), lookup("trig"))}


def read_curation(config: Config, source: Path | None = None) -> tuple[Brochure, Curation]:
    """The parsed brochure and the curated layer checked against it, without building the graph."""
    brochure = parse_file(source or config.source, load_catalogue(config.questions))
    return brochure, load_curation(config.curated, brochure)


def assemble(config: Config, source: Path | None = None, profile: str = DEFAULT_PROFILE) -> Knowledge:
    """Parse the source and the curated tables and build the dataset as ``profile`` publishes it
    (:mod:`koko.graph.profiles`; the default is all of it); writes nothing."""
    catalogue = load_catalogue(config.questions)
    brochure = parse_file(source or config.source, catalogue)
    municipalities = load_municipalities(config.municipalities)
    programme = load_programme(config.programme, brochure.foreword.text)
    nuts = load_nuts(config.municipalities.parent)
    dataset = build_dataset(config, brochure, catalogue, municipalities, programme, nuts)
    add_vocabularies(dataset, load_vocabularies(config.vocabularies), Iris(config.base))
    curation = load_curation(config.curated, brochure)
    add_curation(dataset, curation, config.base, config.curated)
    # Last: the curated layer needs the persons' labels, and the profile must see every statement.
    return Knowledge(brochure, apply_profile(dataset, profile), curation)


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
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)  # the static site has folders
            target.write_bytes(data)
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


def build_release(
    config: Config, out: Path, source: Path | None = None, infer: bool = False, profile: str = DEFAULT_PROFILE
) -> tuple[Knowledge, Report]:
    """Parse, validate, serialise and write; refuses (writes nothing) when the data does not conform."""
    knowledge = assemble(config, source, profile)
    report = check_conformance(config, knowledge.dataset)
    if not report.conforms:
        raise NotConforming(report, config.shapes)
    files = release_files(config, knowledge.dataset)
    if infer:
        files.update(inferred_files(config, knowledge.dataset))
    write_atomically(out, files)
    return knowledge, report
