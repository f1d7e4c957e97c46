"""The graph built from the sources, kept between commands so that ``koko query`` need not rebuild it.

Building takes about a second and needs rdflib; reading the N-Quads it produced into pyoxigraph takes a
few milliseconds. The cache entry is named by a digest of everything the graph is built from: the data
folder (brochure, curated layer, tables), a ``--source`` file, the base IRI, the profile, and the code
that builds it (the ``koko`` package's modules), so a changed input or a changed koko never reads a stale
graph. Entries are written atomically; the newest :data:`KEEP` stay. Where no cache folder can be
written, the graph is built every time, as before.

The folder is ``$KOKO_CACHE_DIR``, else ``$XDG_CACHE_HOME/koko-kg``, else ``~/.cache/koko-kg``
(:func:`koko.config.cache_folder`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import koko
from koko.config import Config

KEEP = 4
SUFFIX = ".nq"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def digest(config: Config, source: Path | None, profile: str) -> str:
    """The name of the entry for these inputs: a SHA-256 over every file the build reads and the code."""
    sha = hashlib.sha256()
    sha.update(f"{koko.__version__}\0{config.base}\0{profile}\0".encode())
    data = config.root / "data"
    inputs = [*_files(data, "*"), *([source] if source is not None else [])]
    code = Path(koko.__file__).parent
    for path in [*inputs, *_files(code, "*.py")]:
        sha.update(str(path.relative_to(data) if path.is_relative_to(data) else path.name).encode() + b"\0")
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def built_nquads(config: Config, source: Path | None, profile: str, folder: Path | None) -> bytes:
    """The release built from the sources as N-Quads: from the entry in ``folder`` (:func:`koko.config.cache_folder`),
    or built (and then kept there; None: not kept)."""
    name = digest(config, source, profile) + SUFFIX if folder is not None else ""
    if folder is not None:
        try:
            return (folder / name).read_bytes()
        except OSError:
            pass
    data = _build(config, source, profile)
    if folder is not None:
        _store(folder, name, data)
    return data


def _build(config: Config, source: Path | None, profile: str) -> bytes:
    # rdflib and the builders load here only, on a miss.
    from koko.graph.formats import lookup, serialise
    from koko.release.build import assemble

    return serialise(assemble(config, source, profile).dataset, lookup("nq"))


def _store(folder: Path, name: str, data: bytes) -> None:
    """Write the entry atomically and drop all but the newest :data:`KEEP`; a cache that cannot be written
    is no error (the graph was built and is used)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".entry-", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / name)
        entries = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
