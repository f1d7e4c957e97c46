"""SHACL validation of the release and of users' own data, with a deterministic report.

Two passes, because SHACL sees one graph at a time:

* the **data contract** (``shapes/koko.shapes.ttl``) runs on the union of all graphs, so
  that constraints can follow links across named graphs (a site to its state, every node
  back to the programme);
* the **graph contract** (``shapes/graphs.shapes.ttl``) runs on each named graph alone, so
  that it can require what each graph must carry by itself (its own provenance).

A result of severity Violation makes the data non-conforming; Warning and Info are
reported but do not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, NamespaceManager
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import Memory
from rdflib.query import Processor, Result
from rdflib.term import IdentifiedNode, Identifier, Node

from koko.errors import KokoError
from koko.graph.formats import read_turtle, union
from koko.sparql.oxigraph import answer, store_of, with_prefixes
from koko.sparql.prepare import prepare

INFERENCE = ("none", "rdfs", "owlrl")
# Words that make a SPARQL engine fetch from elsewhere; refused wherever they appear in a shapes query.
REMOTE = re.compile(r"(?<![?$\w])(SERVICE|FROM)\b", re.IGNORECASE)
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

# A SHACL rule's text and the namespaces it was parsed with: what a parsed query is kept under.
_QueryKey = tuple[str, tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for reports and tests."""

    severity: str  # Violation, Warning or Info
    focus: Node
    path: Node | None
    value: Node | None
    component: str  # local name, e.g. MinCountConstraintComponent
    shape: Node
    path_text: str  # the path in SPARQL property-path syntax, e.g. ^koko:site
    message: str  # English message (German in message_de when the shape gives one)
    message_de: str
    graph: IdentifiedNode | None  # the named graph (an IRI, or a blank node in a TriG file), for results of the per-graph pass

    def sort_key(self) -> tuple[str, int, str, str, str, str, str]:
        return (
            str(self.focus),
            SEVERITY_ORDER.get(self.severity, 9),
            self.path_text,
            self.component,
            str(self.value or ""),
            str(self.graph or ""),
            self.message,
        )


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: list[Finding]) -> Report:
        """The report of findings from any passes, in a stable order."""
        return cls(tuple(sorted(findings, key=Finding.sort_key)))

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITY_ORDER}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


class _CountingStore(Memory):
    """rdflib's in-memory store, counting the changes of its prefixes, whoever makes them."""

    def __init__(self) -> None:
        super().__init__()
        self.prefix_changes = 0

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self.prefix_changes += 1
        super().bind(prefix, namespace, override=override)


class RememberingNames(NamespaceManager):
    """A namespace manager that remembers the names it made, and the binds it did, until its store's
    prefixes change: a name is then the same, and a repeated bind changes nothing.

    pyshacl describes every result it makes in text, also the ones an sh:or discards (about ten
    thousand on the release, one per alternative a value does not match), and for each it binds
    ``sh:`` again and shortens every IRI anew: a fifth of the union pass. The data graph and the
    shapes graph name nodes with this manager; whoever changes their prefixes (a parser, pyshacl
    through its own view of the store) goes through the store, which counts.
    """

    def __init__(self, graph: Graph, store: _CountingStore) -> None:
        super().__init__(graph, bind_namespaces="none")
        self._store = store
        self._seen = store.prefix_changes
        self._names: dict[str, str] = {}
        self._binds: set[tuple[str | None, str, bool, bool]] = set()

    def _current(self) -> None:
        if self._seen != self._store.prefix_changes:
            self._names.clear()
            self._binds.clear()
            self._seen = self._store.prefix_changes

    def normalizeUri(self, rdfTerm: str) -> str:
        self._current()
        name = self._names.get(rdfTerm)
        if name is None:
            name = self._names[rdfTerm] = super().normalizeUri(rdfTerm)
        return name

    def bind(self, prefix: str | None, namespace: object, override: bool = True, replace: bool = False) -> None:
        self._current()
        call = (prefix, str(namespace), override, replace)
        if call not in self._binds:
            super().bind(prefix, namespace, override=override, replace=replace)
            self._current()
            self._binds.add(call)


class NamingGraph(Graph):
    """An empty rdflib graph, on a store of its own, that names nodes with :class:`RememberingNames`."""

    def __init__(self, identifier: URIRef | None = None) -> None:
        store = _CountingStore()
        super().__init__(store=store, identifier=identifier, bind_namespaces="none")
        self.namespace_manager = RememberingNames(self, store)


def load_shapes(path: Path) -> Graph:
    """A shapes file; syntax errors name the file, the line and the column."""
    graph = NamingGraph(URIRef(path.resolve().as_uri()))  # so that errors in its SPARQL can name the file
    return read_turtle(graph, path, "shapes")


def _template(message: Literal) -> re.Pattern[str]:
    """A SHACL message template ({?value}, {$this}) as a pattern matching its filled-in text."""
    parts = re.split(r"\{[?$]\w+\}", str(message))
    return re.compile(".*?".join(re.escape(part) for part in parts) + r"\Z", re.DOTALL)


def _message(report: Graph, shapes: Graph, result: Node, lang: str) -> str:
    """The result's message in ``lang``.

    pyshacl drops the language tag when it fills in the variables of a SPARQL-based
    constraint's message, so an untagged message is matched back to the tagged template
    it came from: the constraint's own templates first (they name the values), then the shape's.
    """
    messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for message in messages:
        if message.language == lang:
            return str(message)
    untagged = sorted(str(m) for m in messages if not m.language)
    for source in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape)):
        templates = [t for t in shapes.objects(source, SH.message) if isinstance(t, Literal) and t.language == lang]
        for template in sorted(templates):
            filled = [m for m in untagged if _template(template).match(m)]
            if filled:
                return filled[0]
    return untagged[0] if untagged else (str(messages[0]) if messages else "")


def path_text(report: Graph, path: Node | None) -> str:
    """A SHACL path as SPARQL property-path text (inverse, sequence, alternative, repetition)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return report.namespace_manager.normalizeUri(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(report, inverse)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(report, p) for p in Collection(report, alternatives)) + ")"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = report.value(path, predicate)
        if inner is not None:
            return f"({path_text(report, inner)}){suffix}"
    if report.value(path, RDF.first) is not None:
        return "/".join(path_text(report, p) for p in Collection(report, path))
    return str(path)


def _required(report: Graph, result: Node, predicate: URIRef) -> Node:
    """A value that every validation result has (SHACL 3.6.2: exactly one focus node and source shape)."""
    value = report.value(result, predicate)
    assert value is not None, f"pyshacl wrote a validation result without {predicate}"
    return value


def _findings(report: Graph, shapes: Graph, graph_name: IdentifiedNode | None) -> list[Finding]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        found.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_required(report, result, SH.focusNode),
                path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                component=str(component).rsplit("#", 1)[-1],
                shape=_required(report, result, SH.sourceShape),
                path_text=path_text(report, report.value(result, SH.resultPath)),
                message=_message(report, shapes, result, "en"),
                message_de=_message(report, shapes, result, "de"),
                graph=graph_name,
            )
        )
    return found


class _DataGraph(NamingGraph):
    """The data graph handed to pyshacl: its SPARQL is answered by Oxigraph, and SERVICE refused.

    pyshacl asks rdflib for SHACL-SPARQL constraints and targets (and a few core checks) as
    query text. rdflib parses the text anew for every focus node and evaluates it in pure
    Python; the whole-graph rules alone took a second on the release. This graph answers
    SELECT and ASK queries with an Oxigraph copy of itself instead, with SHACL pre-binding
    done by Oxigraph's substitutions. Only this validation is affected; rdflib stays untouched.
    A user's shapes file is data: a query that names a SERVICE or FROM would make a SPARQL
    engine connect to it, so it is refused before it runs.
    """

    def __init__(self, prepared: dict[_QueryKey, Query]) -> None:
        super().__init__()
        self._prepared = prepared  # rdflib's parsed queries, for what Oxigraph does not answer
        self._store: tuple[int, ox.Store] | None = None
        self.shapes_file = "the shapes"  # named in errors; set by _run

    def _oxigraph(self) -> ox.Store:
        # pyshacl may add inferred triples before it queries: rebuild when the graph grew.
        if self._store is None or self._store[0] != len(self):
            self._store = (len(self), store_of(self))
        return self._store[1]

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, object] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: object,
    ) -> Result:
        if isinstance(query_object, str):
            where = f"{self.shapes_file} (a SPARQL constraint)"
            if REMOTE.search(query_object):
                raise KokoError(
                    "SERVICE, FROM and FROM NAMED are refused in shapes; koko never connects to other endpoints", where
                )
            namespaces = dict(initNs or self.namespaces())
            text = with_prefixes(query_object, namespaces)
            try:
                return answer(self._oxigraph(), text, initBindings or {})
            except SyntaxError as exc:
                raise KokoError(f"SPARQL syntax error: {exc}", where) from exc
            except ValueError:  # CONSTRUCT or UPDATE (SHACL rules): rdflib, parsed once
                key = (query_object, tuple(sorted(namespaces.items())))
                if key not in self._prepared:
                    self._prepared[key] = prepare(query_object, where, namespaces)
                query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _shapes_file(shapes: Graph) -> str:
    name = str(shapes.identifier)
    return url2pathname(urlparse(name).path) if name.startswith("file:") else "the shapes"


def _run(data: _DataGraph, shapes: Graph, inference: str, ontology: Graph | None) -> Graph:
    data.shapes_file = _shapes_file(shapes)
    try:
        _, report, _ = _shacl(data, shapes, inference, ontology)
    except KokoError:
        raise
    except Exception as exc:  # pyshacl crashes on some odd inputs (a comparison of unlike literals)
        raise KokoError(f"pyshacl failed on this data and these shapes: {type(exc).__name__}: {exc}", data.shapes_file) from exc
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure when the shapes are unusable
        raise KokoError(f"the shapes cannot be used: {getattr(report, 'message', report)}", data.shapes_file)
    for prefix, namespace in data.namespaces():  # so that paths print as koko:site, not full IRIs
        report.bind(prefix, namespace, override=False)
    return report


def _shacl(data: _DataGraph, shapes: Graph, inference: str, ontology: Graph | None) -> tuple[bool, object, str]:
    # pyshacl is untyped; it returns conforms, the report graph (or a ValidationFailure) and the report text.
    outcome: tuple[bool, object, str] = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology if inference != "none" else None,
        inference=inference,
        advanced=True,  # SPARQL-based constraints and targets
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
        inplace=True,  # data is always a _DataGraph of our own: no need for pyshacl to copy it
    )
    return outcome


def union_findings(
    dataset: Dataset,
    shapes: Graph,
    inference: str = "none",
    ontology: Graph | None = None,
    prepared: dict[_QueryKey, Query] | None = None,
) -> list[Finding]:
    """The data contract's pass: ``shapes`` on the union of all graphs of ``dataset``."""
    if inference not in INFERENCE:
        raise KokoError(f"--inference: {inference!r} must be one of {', '.join(INFERENCE)}")
    data = _DataGraph({} if prepared is None else prepared)
    union(dataset, data)  # fills data itself
    return _findings(_run(data, shapes, inference, ontology), shapes, None)


def graph_findings(dataset: Dataset, graph_shapes: Graph, prepared: dict[_QueryKey, Query] | None = None) -> list[Finding]:
    """The graph contract's pass: each named graph validated alone, so that nothing one graph says helps another."""
    prepared = {} if prepared is None else prepared
    found: list[Finding] = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        if graph.identifier == dataset.default_graph.identifier:
            continue
        alone = _DataGraph(prepared)
        for triple in graph:
            alone.add(triple)
        found += _findings(_run(alone, graph_shapes, "none", None), graph_shapes, graph.identifier)
    return found


def validate_dataset(
    dataset: Dataset,
    shapes: Graph,
    graph_shapes: Graph | None = None,
    inference: str = "none",
    ontology: Graph | None = None,
) -> Report:
    """Validate the union of ``dataset`` against ``shapes`` and each named graph against ``graph_shapes``."""
    prepared: dict[_QueryKey, Query] = {}  # SHACL rules (CONSTRUCT) that rdflib answers, parsed once
    findings = union_findings(dataset, shapes, inference, ontology, prepared)
    if graph_shapes is not None:
        findings += graph_findings(dataset, graph_shapes, prepared)
    return Report.of(findings)
