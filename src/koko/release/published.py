"""What the server and the static site publish: the release, loaded once, read-only.

Either built from the source exactly as ``koko build`` does (validated; a release that
does not conform is refused) or read from a release folder that ``koko build`` wrote.
The N-Quads file is what the store is loaded from; the pages and clients' queries ask that one
store. The files offered as downloads stay on disk when they come from a folder (:class:`ReleaseFiles`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.namespace import NamespaceManager

from koko.config import Config
from koko.errors import KokoError
from koko.graph.formats import lookup, read_rdf_file
from koko.graph.model import bind_prefixes
from koko.graph.profiles import DEFAULT_PROFILE, apply_profile, check_profile
from koko.release.build import RELEASE_NAME, Knowledge, NotConforming, assemble, check_conformance, release_files
from koko.sparql.canned import CannedQuery, list_canned

QUADS_FILE = f"{RELEASE_NAME}.nq"
CHUNK = 1 << 20  # bytes a download is sent in


class ReleaseFiles(Mapping[str, bytes]):
    """A release's files by name: held in memory (built from the source), or read from a release folder
    when asked, so that a server at a million quads does not keep every format of the data in memory
    for the few who download it."""

    def __init__(self, data: Mapping[str, bytes] | None = None, folder: Path | None = None):
        self._data = dict(data or {})
        self.folder = folder
        names = self._data if folder is None else (p.name for p in folder.iterdir() if p.is_file() and _released(p.name))
        self._names = tuple(sorted(names))
        self._digests: dict[str, str] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return self._data[name] if self.folder is None else (self.folder / name).read_bytes()

    def __contains__(self, name: object) -> bool:
        # Mapping's own would read the file (through __getitem__) to answer.
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def size(self, name: str) -> int:
        return len(self._data[name]) if self.folder is None else (self.folder / name).stat().st_size

    def sha256(self, name: str) -> str:
        """The file's SHA-256 in hex, computed once (the dataset description gives it for every download)."""
        if name not in self._digests:
            sha = hashlib.sha256()
            for piece in self.chunks(name):
                sha.update(piece)
            self._digests[name] = sha.hexdigest()
        return self._digests[name]

    def chunks(self, name: str) -> Iterator[bytes]:
        """The file's bytes in pieces of :data:`CHUNK`, read as they are sent."""
        if self.folder is None:
            yield self[name]
            return
        with (self.folder / name).open("rb") as handle:
            while piece := handle.read(CHUNK):
                yield piece


def _released(name: str) -> bool:
    return name.startswith((RELEASE_NAME, "context"))


@dataclass(frozen=True)
class Release:
    """What is served besides the data: the configuration (base IRI, ontology, canned queries)
    and the release files offered as downloads (none when a remote store is served without
    a release folder)."""

    config: Config
    files: ReleaseFiles
    canned: tuple[CannedQuery, ...]

    @property
    def ontology(self) -> bytes:
        return self.config.ontology.read_bytes()

    def canned_query(self, name: str) -> CannedQuery | None:
        return next((q for q in self.canned if q.name == name), None)


@dataclass(frozen=True)
class Published(Release):
    """A release with its data loaded into an embedded Oxigraph store."""

    store: ox.Store
    graphs: frozenset[str]
    triples: int

    @property
    def nquads(self) -> bytes:
        return self.files[QUADS_FILE]


def load_store(files: ReleaseFiles) -> ox.Store:
    """An in-memory Oxigraph store holding the release's named graphs (read from the file, where there is one,
    so that the N-Quads are never held in memory beside the store)."""
    store = ox.Store()
    if files.folder is not None:
        store.bulk_load(path=files.folder / QUADS_FILE, format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(files[QUADS_FILE], format=ox.RdfFormat.N_QUADS)
    return store


def _published(config: Config, files: ReleaseFiles | Mapping[str, bytes]) -> Published:
    files = files if isinstance(files, ReleaseFiles) else ReleaseFiles(files)
    store = load_store(files)
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return Published(config, files, tuple(list_canned(config.queries)), store, graphs, len(store))


def publish_from_source(config: Config, source: Path | None = None, profile: str = DEFAULT_PROFILE) -> Published:
    """Build and validate the release in memory, as ``koko build`` does, without writing it."""
    return publish_knowledge(config, assemble(config, source, check_profile(profile)))


def publish_knowledge(config: Config, knowledge: Knowledge) -> Published:
    """The release of an assembled graph, refused unless it conforms to the shapes."""
    report = check_conformance(config, knowledge.dataset)
    if not report.conforms:
        raise NotConforming(report, config.shapes)
    return _published(config, release_files(config, knowledge.dataset))


def read_release_folder(folder: Path) -> ReleaseFiles:
    """The files of a release folder written by ``koko build``, by name, read when asked."""
    if not (folder / QUADS_FILE).is_file():
        raise KokoError(f"not a release folder: {QUADS_FILE} is missing (run koko build --out {folder})", folder)
    return ReleaseFiles(folder=folder)


def release_of(config: Config, folder: Path | None, profile: str = DEFAULT_PROFILE) -> Release:
    """The configuration and, given a release folder, its files: what a server in front of a
    remote store offers besides the store's data. The store serves what ``koko publish`` loaded,
    so no other profile can be applied here: it must be applied when publishing."""
    if check_profile(profile) != DEFAULT_PROFILE:
        raise KokoError(
            f"--profile {profile} cannot be applied to a remote --store, which serves what koko publish loaded: "
            f"load that profile into the store instead (koko build --profile {profile} --out DIR, then koko publish --data DIR)"
        )
    files = read_release_folder(folder) if folder is not None else ReleaseFiles()
    return Release(config, files, tuple(list_canned(config.queries)))


def profiled_release(config: Config, folder: Path, profile: str) -> dict[str, bytes]:
    """A release folder's data as ``profile`` publishes it, every file written anew from its N-Quads.
    Files the profile does not make (the entailments of ``koko build --infer``) are left out: they
    were inferred from the full data. A release built with the profile comes out the same."""
    parsed = read_rdf_file(folder / QUADS_FILE, lookup("nq"))
    # A fresh dataset with only our prefixes, as one built from the source has: the parser's
    # dataset already holds rdflib's defaults (brick, csvw, …), which would leak into the files.
    dataset = Dataset(default_union=True)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    bind_prefixes(dataset, config.base)
    for s, p, o, g in parsed.quads((None, None, None, None)):
        dataset.graph(g).add((s, p, o))
    return release_files(config, apply_profile(dataset, profile))


def publish_from_release(config: Config, folder: Path, profile: str = DEFAULT_PROFILE) -> Published:
    """Serve a release folder written by ``koko build`` (its N-Quads file is what is loaded), or,
    with another ``profile`` than the full one, that profile of it (not validated again, like
    the folder itself: ``koko build`` validated it, and the profile keeps the shapes)."""
    files: ReleaseFiles | dict[str, bytes] = read_release_folder(folder)
    if check_profile(profile) != DEFAULT_PROFILE:
        files = profiled_release(config, folder, profile)
    try:
        return _published(config, files)
    except (SyntaxError, ValueError, OSError) as exc:
        raise KokoError(f"cannot load: {exc}", folder / QUADS_FILE) from exc
