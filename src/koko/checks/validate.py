"""SHACL validation of the release and of users' own data, with a deterministic report.

Two passes, because SHACL sees one graph at a time:

* the **data contract** (``shapes/koko.shapes.ttl``) runs on the union of all graphs, so
  that constraints can follow links across named graphs (a site to its state, every node
  back to the programme);
* the **graph contract** (``shapes/graphs.shapes.ttl``) runs on each named graph alone, so
  that it can require what each graph must carry by itself (its own provenance).

A result of severity Warning or Info is reported but leaves the data conforming; any other
severity (Violation, or a shapes file's own, kept as its IRI) makes it non-conforming.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
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
from koko.sparql.lexer import tokens
from koko.sparql.oxigraph import answer, store_of, to_ox, with_prefixes
from koko.sparql.prepare import prepare

INFERENCE = ("none", "rdfs", "owlrl")
# Keywords that make a SPARQL engine fetch from elsewhere; refused wherever they are code in a shapes query.
REMOTE = frozenset({"service", "from"})
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Severities that leave the data conforming; SHACL lets a shapes file define others, which do not.
LENIENT = frozenset({"Warning", "Info"})
# Braces after these open a template or data, not a group graph pattern.
_NOT_A_GROUP = frozenset({"values", "construct", "insert", "delete", "data"})

# A SHACL rule's text and the namespaces it was parsed with: what a parsed query is kept under.
_QueryKey = tuple[str, tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for reports and tests."""

    severity: str  # Violation, Warning or Info; the full IRI of a shapes file's own severity
    focus: Node
    path: Node | None
    value: Node | None
    component: str  # local name, e.g. MinCountConstraintComponent; the full IRI of a shapes file's own
    shape: Node
    path_text: str  # the path in SPARQL property-path syntax, e.g. ^koko:site
    message: str  # English message (German in message_de when the shape gives one)
    message_de: str
    graph: IdentifiedNode | None  # the named graph (an IRI, or a blank node in a TriG file), for results of the per-graph pass
    # sh:detail: the results that caused this one (of the shape an sh:node names), not results of their own
    details: tuple[Finding, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, str, str, str, str, str, str]:
        return (
            str(self.focus),
            SEVERITY_ORDER.get(self.severity, 9),
            self.severity,
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
        return all(f.severity in LENIENT for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Top-level results per severity: the three of SHACL always, a shapes file's own where used."""
        counts = {severity: 0 for severity in SEVERITY_ORDER}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
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


def load_shapes(path: Path, *more: Path) -> Graph:
    """A shapes file, and ``more`` merged into the same graph (one pyshacl run for all of them);
    syntax errors name the file, the line and the column."""
    graph = NamingGraph(URIRef(path.resolve().as_uri()))  # so that errors in its SPARQL can name the file
    for each in (path, *more):
        read_turtle(graph, each, "shapes")
    return graph


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


def sh_name(node: Node | None) -> str:
    """A term of SHACL's namespace by its local name (Violation, MinCountConstraintComponent), any other
    (a shapes file's own severity or constraint component) by its full IRI.

    >>> sh_name(SH.Warning), sh_name(URIRef("http://example.org/MySeverity"))
    ('Warning', 'http://example.org/MySeverity')
    """
    text = str(node)
    return text.removeprefix(str(SH)) if text.startswith(str(SH)) else text


def sh_iri(name: str) -> URIRef:
    """The IRI of an :func:`sh_name` (a local name has no colon; an IRI always has one)."""
    return URIRef(name) if ":" in name else SH[name]


def _findings(report: Graph, shapes: Graph, graph_name: IdentifiedNode | None) -> list[Finding]:
    """The report's top-level results, each with its sh:detail results nested inside it."""
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    return [_finding(report, shapes, result, graph_name) for result in report.objects(root, SH.result)]


def _finding(report: Graph, shapes: Graph, result: Node, graph_name: IdentifiedNode | None) -> Finding:
    severity = _required(report, result, SH.resultSeverity)
    component = _required(report, result, SH.sourceConstraintComponent)
    details = [_finding(report, shapes, detail, graph_name) for detail in report.objects(result, SH.detail)]
    return Finding(
        severity=sh_name(severity),
        focus=_required(report, result, SH.focusNode),
        path=report.value(result, SH.resultPath),
        value=report.value(result, SH.value),
        component=sh_name(component),
        shape=_required(report, result, SH.sourceShape),
        path_text=path_text(report, report.value(result, SH.resultPath)),
        message=_message(report, shapes, result, "en"),
        message_de=_message(report, shapes, result, "de"),
        graph=graph_name,
        details=tuple(sorted(details, key=Finding.sort_key)),
    )


@dataclass(frozen=True)
class _Scanned:
    """What a shapes query's tokens say: whether it would fetch from elsewhere, its variables, its groups."""

    remote: bool
    variables: frozenset[str]
    groups: tuple[int, ...]  # the offsets just after each "{" that opens a group graph pattern


@lru_cache(maxsize=512)  # pyshacl asks the same texts for every focus node
def _scan(text: str) -> _Scanned:
    remote, variables, groups, previous = False, set(), [], ""
    for token in tokens(text, "urn:koko:shapes"):  # the lexer, so that an IRI or string holding "from" is no keyword
        word = token.text.lower() if token.kind == "word" else token.text
        remote = remote or (token.kind == "word" and word in REMOTE)
        if token.kind == "var":
            variables.add(token.text[1:])
        elif word == "{" and previous not in _NOT_A_GROUP:
            groups.append(token.start + 1)
        elif word == "select" and previous == "{":  # a sub-select: its own WHERE group takes the values
            groups.pop()
        elif word == "values":  # its "{" opens data, after the variables
            previous = word
            continue
        if previous != "values" or word == "{":
            previous = word
    return _Scanned(remote, frozenset(variables), tuple(groups))


def prebound(text: str, bindings: Mapping[str, object]) -> str | None:
    """The query with each pre-bound variable bound at the start of every group, as SHACL pre-binding
    requires (BIND, FILTER and nested groups see the value too). None when a value cannot be written
    as SPARQL text (a blank node).

    Oxigraph's substitutions only give a query an initial solution, which a FILTER or BIND in a
    nested group never sees, and they refuse a variable missing from the projection. SHACL forbids
    VALUES, MINUS and sub-selects that drop a pre-bound variable in these queries, so that one
    VALUES per group is the same as replacing the variable everywhere.

    >>> prebound("SELECT $this WHERE { { FILTER ($this = <urn:x>) } }", {"this": URIRef("urn:x")})
    'SELECT $this WHERE { VALUES ?this { <urn:x> } { VALUES ?this { <urn:x> } FILTER ($this = <urn:x>) } }'
    """
    scanned = _scan(text)
    values = []
    for name, value in sorted(bindings.items()):
        if str(name) not in scanned.variables:
            continue
        if not isinstance(value, URIRef | Literal):
            return None
        values.append(f" VALUES ?{name} {{ {to_ox(value)} }}")
    block, pieces, last = "".join(values), [], 0
    for offset in scanned.groups if block else ():
        pieces += [text[last:offset], block]
        last = offset
    return "".join(pieces) + text[last:]


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    """Every prefix the shapes graph declares (sh:declare, then its own bindings), for queries that use
    a prefix of another node's sh:prefixes (through owl:imports, say) without declaring it."""
    declared = sorted(
        (str(prefix), str(namespace))
        for declaration in shapes.objects(None, SH.declare)
        for prefix in shapes.objects(declaration, SH.prefix)
        for namespace in shapes.objects(declaration, SH.namespace)
    )
    found: dict[str, str] = {}
    for prefix, namespace in [*declared, *sorted((str(p), str(n)) for p, n in shapes.namespaces())]:
        found.setdefault(prefix, namespace)
    return found


class _DataGraph(NamingGraph):
    """The data graph handed to pyshacl: its SPARQL is answered by Oxigraph, and SERVICE refused.

    pyshacl asks rdflib for SHACL-SPARQL constraints and targets (and a few core checks) as
    query text. rdflib parses the text anew for every focus node and evaluates it in pure
    Python; the whole-graph rules alone took a second on the release. This graph answers
    SELECT and ASK queries with an Oxigraph copy of itself instead, the pre-bound values written
    into the text (:func:`prebound`); rdflib answers what Oxigraph cannot be given (a blank node
    pre-bound, a rule's CONSTRUCT). Only this validation is affected; rdflib stays untouched.
    A user's shapes file is data: a query that names a SERVICE or FROM would make a SPARQL
    engine connect to it, so it is refused before it runs. pyshacl 0.40 can validate an
    Oxigraph store itself, but did not finish the release in 300 s (issue 18).
    """

    def __init__(self, prepared: dict[_QueryKey, Query]) -> None:
        super().__init__()
        self._prepared = prepared  # rdflib's parsed queries, for what Oxigraph does not answer
        self._store: tuple[int, ox.Store] | None = None
        self.shapes_file = "the shapes"  # named in errors; set by _run
        self.shapes_prefixes: dict[str, str] = {}  # set by _run

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
            if _scan(query_object).remote:
                raise KokoError(
                    "SERVICE, FROM and FROM NAMED are refused in shapes; koko never connects to other endpoints", where
                )
            namespaces = dict(initNs) if initNs else {**self.shapes_prefixes, **dict(self.namespaces())}
            bound = prebound(query_object, initBindings or {})
            if bound is not None:
                try:
                    return answer(self._oxigraph(), with_prefixes(bound, namespaces), {})
                except SyntaxError:
                    try:  # the shapes' own error, where they have one; else the VALUES were misplaced: rdflib binds
                        ox.Store().query(with_prefixes(query_object, namespaces))
                    except SyntaxError as exc:
                        raise KokoError(f"SPARQL syntax error: {exc}", where) from exc
                except ValueError:  # CONSTRUCT or UPDATE (SHACL rules)
                    pass
            key = (query_object, tuple(sorted(namespaces.items())))
            if key not in self._prepared:  # rdflib: parsed once
                self._prepared[key] = prepare(query_object, where, namespaces)
            query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _shapes_file(shapes: Graph) -> str:
    name = str(shapes.identifier)
    return url2pathname(urlparse(name).path) if name.startswith("file:") else "the shapes"


def _run(data: _DataGraph, shapes: Graph, inference: str, ontology: Graph | None) -> Graph:
    data.shapes_file = _shapes_file(shapes)
    data.shapes_prefixes = declared_prefixes(shapes)
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
