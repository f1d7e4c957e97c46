"""Beyond the asserted statements: a resource page's OWL 2 RL entailments and SHACL results.

The release's store and the pages' index hold the asserted data only (``koko.nq``); the
entailments of ``koko build --infer`` are a separate file that a release folder may or may not
have, and the validation report is not kept at all. So both are computed here from the release's
N-Quads, once per process (:class:`Derived`, on first use; the serving process starts it in a
thread as soon as it listens): the data read into rdflib once (about 0.5 s for the KoKo release),
the entailments with :func:`koko.checks.infer.infer` (the SPARQL rules, about 0.4 s), the SHACL
report with the project's shapes, both passes (about 2 s). The result depends only on the
release, so every page built from it is deterministic.

A page has two views: ``asserted`` (the default, what it always showed) and ``inferred`` (the
asserted statements and, in their own section, the entailments about the resource, each marked).
The server picks one with ``?view=``; the static site writes the inferred view as a file of its own
(:data:`VIEW_SUFFIX`), which its Apache and nginx rules answer ``?view=inferred`` with, as they answer
``?lang=en`` with the ``.en.html`` file, so that every URL gets the same bytes from both.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import NamespaceManager

from koko.config import Config
from koko.pages.describe import Describer, Group, Value, valid_iri
from koko.pages.shacl_results import Shown, Validation, validation
from koko.pages.vocabulary import RDF
from koko.release.published import QUADS_FILE, Release
from koko.sparql.oxigraph import from_ox, to_ox

VIEWS = ("asserted", "inferred")
DEFAULT_VIEW = "asserted"
VIEW_SUFFIX = ".inferred"  # the static site's file of the inferred view: PATH.inferred.html, PATH.inferred.en.html


def view_of(value: str | None) -> str:
    """The view a ``view`` parameter asks for: the inferred one, else the asserted one."""
    return "inferred" if value == "inferred" else DEFAULT_VIEW


@dataclass(frozen=True)
class Checked:
    """What the release entails and how it validates, computed once."""

    entailed: Mapping[ox.NamedNode, tuple[ox.Triple, ...]]  # subject → its entailed triples, sorted
    engine: str  # what computed them, with its version
    validation: Validation


def release_dataset(config: Config, nquads: bytes) -> Dataset:
    """The release's N-Quads as an rdflib dataset with only our prefixes (for readable SHACL paths)."""
    from koko.graph.model import bind_prefixes

    dataset = Dataset(default_union=True)
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    bind_prefixes(dataset, config.base)
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name
        key = name.value if isinstance(name, ox.NamedNode) else ""
        if key not in graphs:
            graphs[key] = dataset.graph(URIRef(key)) if key else dataset.default_graph
        graphs[key].add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return dataset


def compute(config: Config, nquads: bytes) -> Checked:
    """The entailments (by subject) and the SHACL findings (by the IRIs they concern) of a release."""
    from koko.checks import infer as reasoning  # rdflib, owlrl and pyshacl: only when a page asks
    from koko.checks.validate import load_shapes, validate_dataset

    dataset = release_dataset(config, nquads)
    inference = reasoning.infer(dataset, reasoning.load_ontology(config))
    by_subject: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
    for s, p, o in inference.entailed:
        subject = to_ox(s)
        if isinstance(subject, ox.NamedNode) and isinstance(p, URIRef):
            by_subject[subject].append(ox.Triple(subject, to_ox(p), to_ox(o)))
    data_shapes, graph_shapes = load_shapes(*config.data_shapes), load_shapes(config.graph_shapes)
    report = validate_dataset(dataset, data_shapes, graph_shapes)
    files = [p.name for p in (*config.data_shapes, config.graph_shapes)]
    return Checked(
        MappingProxyType({s: tuple(sorted(ts, key=str)) for s, ts in by_subject.items()}),
        inference.engine,
        validation(report.findings, (data_shapes, graph_shapes), files),
    )


_MEMO: OrderedDict[tuple[str, ...], Checked] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_KEEP = 4


def _computed(config: Config, nquads: bytes) -> Checked:
    """:func:`compute`, shared by every app of one process that serves the same release with the same
    shapes and ontology: the test suite and the static site build several apps per release, and each
    would otherwise pay the seconds again. The result holds only immutable values."""
    inputs = (config.ontology, config.imports, *config.data_shapes, config.graph_shapes)
    key = (
        config.base,
        hashlib.sha256(nquads).hexdigest(),
        *(f"{path}:{hashlib.sha256(path.read_bytes()).hexdigest()}" for path in inputs),
    )
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    checked = compute(config, nquads)
    with _MEMO_LOCK:
        _MEMO[key] = checked
        while len(_MEMO) > _MEMO_KEEP:
            _MEMO.popitem(last=False)
    return checked


class Derived:
    """:func:`compute` of a release, done once on first use (or by :meth:`warm` ahead of it);
    request threads that ask meanwhile wait for the one computation."""

    def __init__(self, config: Config, nquads: Callable[[], bytes]):
        self._config = config
        self._nquads = nquads
        self._lock = threading.Lock()
        self._checked: Checked | None = None

    @classmethod
    def of(cls, checked: Checked, config: Config) -> Derived:
        """Already computed (a test's own findings, say)."""
        derived = cls(config, lambda: b"")
        derived._checked = checked
        return derived

    def get(self) -> Checked:
        with self._lock:
            if self._checked is None:
                self._checked = _computed(self._config, self._nquads())
            return self._checked

    def warm(self) -> None:
        """Compute now, in a thread of its own, so that the first page need not wait for it."""
        threading.Thread(target=self.get, name="koko-derived", daemon=True).start()


def derived_of(release: Release) -> Derived | None:
    """The entailments and findings of a release that has its N-Quads (None for a remote store
    served without a release folder: then its pages show neither)."""
    if QUADS_FILE not in release.files:
        return None
    files = release.files
    return Derived(release.config, lambda: files[QUADS_FILE])


@dataclass(frozen=True)
class ResourceChecks:
    """What the partial ``_inferred.html`` shows for one resource."""

    view: str  # asserted or inferred
    asserted_href: str
    inferred_href: str
    inferred: tuple[Group, ...]  # the entailments about the resource, by property
    inferred_count: int
    engine: str
    findings: tuple[tuple[Shown, Value | None], ...]  # each with its focus node where that is another resource
    shapes: tuple[str, ...]  # the shapes that target the resource by class (for the "validated" mark)
    shape_files: tuple[str, ...]


def resource_checks(
    derived: Derived | None,
    iri: str,
    lang: str,
    view: str,
    link: str,
    asserted_types: Collection[str],
    describer_of: Callable[[list[str]], Describer],
    local: Callable[[str], str],
) -> ResourceChecks | None:
    """The entailments and findings of ``iri`` for its page in ``view``; ``link``: the page's path,
    ``local``: a path in the page's language; ``describer_of``: a describer holding the labels of some IRIs."""
    if derived is None:
        return None
    checked = derived.get()
    node = ox.NamedNode(iri)
    triples = checked.entailed.get(node, ())
    groups: tuple[Group, ...] = ()
    if triples and view != DEFAULT_VIEW:
        mentioned = sorted(
            {t.predicate.value for t in triples} | {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        )
        describer = describer_of(mentioned)
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in triples:
            grouped[triple.predicate.value].append(describer.value(triple.object))
        groups = tuple(
            sorted(
                (Group(p, describer.label(ox.NamedNode(p))[0], tuple(vs)) for p, vs in grouped.items()),
                key=lambda g: (g.label.casefold(), g.iri),
            )
        )
    types = {
        *asserted_types,
        *(t.object.value for t in triples if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode)),
    }
    return ResourceChecks(
        view=view,
        asserted_href=local(link),
        inferred_href=local(link + "?view=inferred"),
        inferred=groups,
        inferred_count=len(triples),
        engine=checked.engine,
        findings=_with_focus(checked.validation.shown(iri, lang), iri, describer_of),
        shapes=checked.validation.shapes_for(types, lang),
        shape_files=checked.validation.shape_files,
    )


def _with_focus(
    findings: tuple[Shown, ...], iri: str, describer_of: Callable[[list[str]], Describer]
) -> tuple[tuple[Shown, Value | None], ...]:
    # A focus node may be a blank node (a finding found by its value): shown without a link.
    others = {f.focus: node for f in findings if f.focus != iri and (node := valid_iri(f.focus)) is not None}
    describer = describer_of(sorted(others)) if others else None
    return tuple((f, describer.value(others[f.focus]) if describer and f.focus in others else None) for f in findings)
