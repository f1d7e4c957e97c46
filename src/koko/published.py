"""What the server and the static site publish: the release, loaded once, read-only.

Either built from the source exactly as ``koko build`` does (validated; a release that
does not conform is refused) or read from a release folder that ``koko build`` wrote.
The N-Quads file is the one the SPARQL workers load; pages ask their own fixed queries
of ``store`` in the serving process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .build import RELEASE_NAME, Knowledge, NotConforming, assemble, check_conformance, release_files
from .config import Config
from .errors import KokoError
from .query import CannedQuery, list_canned

QUADS_FILE = f"{RELEASE_NAME}.nq"


@dataclass(frozen=True)
class Published:
    config: Config
    files: Mapping[str, bytes]
    store: ox.Store
    graphs: frozenset[str]
    canned: tuple[CannedQuery, ...]
    triples: int

    @property
    def nquads(self) -> bytes:
        return self.files[QUADS_FILE]

    @property
    def ontology(self) -> bytes:
        return self.config.ontology.read_bytes()

    def canned_query(self, name: str) -> CannedQuery | None:
        return next((q for q in self.canned if q.name == name), None)


def load_store(nquads: bytes) -> ox.Store:
    """An in-memory Oxigraph store holding the release's named graphs."""
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def _published(config: Config, files: Mapping[str, bytes]) -> Published:
    store = load_store(files[QUADS_FILE])
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return Published(config, dict(files), store, graphs, tuple(list_canned(config.queries)), len(store))


def publish_from_source(config: Config, source: Path | None = None) -> Published:
    """Build and validate the release in memory, as ``koko build`` does, without writing it."""
    return publish_knowledge(config, assemble(config, source))


def publish_knowledge(config: Config, knowledge: Knowledge) -> Published:
    """The release of an assembled graph, refused unless it conforms to the shapes."""
    report = check_conformance(config, knowledge.dataset)
    if not report.conforms:
        raise NotConforming(report, config.shapes)
    return _published(config, release_files(config, knowledge.dataset))


def publish_from_release(config: Config, folder: Path) -> Published:
    """Serve a release folder written by ``koko build`` (its N-Quads file is what is loaded)."""
    if not (folder / QUADS_FILE).is_file():
        raise KokoError(f"not a release folder: {QUADS_FILE} is missing (run koko build --out {folder})", folder)
    files = {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name.startswith((RELEASE_NAME, "context"))
    }
    try:
        return _published(config, files)
    except (SyntaxError, ValueError, OSError) as exc:
        raise KokoError(f"cannot load: {exc}", folder / QUADS_FILE) from exc
