"""The release's writers: a dataset's statements read once, sorted, and written in every format.

rdflib's writers took three seconds for the six files of the release, most of it in building a union
graph for each file and in rdflib's pretty-printers. Here the statements are read once into pyoxigraph
terms, sorted by graph, subject, predicate (``rdf:type`` first) and object, and every writer works from
that list, so each file is the same bytes for the same graph, whatever Python's hash seed:

* N-Triples and N-Quads are pyoxigraph's, sorted line by line (the bytes rdflib's writers gave);
* Turtle and TriG are written here, subjects grouped, ``@prefix`` block sorted, a simple literal for
  ``xsd:string`` (the same term in RDF 1.1, as N-Triples has it). pyoxigraph's own
  Turtle writer escapes a slash in a prefixed name (``figure:boerde\\/0dfc8dc46b``); here an IRI whose
  local part needs an escape is written whole, as rdflib did. A literal is written bare (``12.5``,
  ``true``) only where the bare form reads back as the same literal;
* RDF/XML is pyoxigraph's, once every predicate is known to make an element name;
* JSON-LD is compacted here with rdflib's context class, exactly as rdflib's converter compacts with a
  context of prefixes (:func:`compact`); what that does not cover (blank nodes, RDF lists, term
  definitions) is left to rdflib's writer (:func:`koko.graph.formats.jsonld_by_rdflib`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

from koko.errors import KokoError

RDF_TYPE = str(RDF.type)
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
Subject = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
# One statement: its sort key (graph, subject, not-rdf:type, predicate, object), the pyoxigraph terms and
# rdflib's (for the JSON-LD writer, which follows rdflib's conversion of literals to JSON values).
_Row = tuple[tuple[str, str, bool, str, str], GraphName, Subject, ox.NamedNode, Term, tuple[Node, Node, Node]]

#: Literals Turtle writes bare when their lexical form is what the bare syntax reads back (Turtle 1.1:
#: INTEGER, DECIMAL, DOUBLE, BooleanLiteral); ``"10000"^^xsd:decimal`` keeps its quotes.
BARE = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+\Z"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    str(XSD.boolean): re.compile(r"(?:true|false)\Z"),
}
# A prefix and a local part that Turtle reads without escapes (a subset of PN_PREFIX and PN_LOCAL).
PREFIX_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9_-]*)\Z")
LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")
# The end of an IRI that RDF/XML can write as an element name (an XML NCName after the namespace).
ELEMENT_NAME = re.compile(r"[^\W\d][\w.-]*\Z")


class Statements:
    """The statements of a dataset, read once for every writer.

    ``quads`` are in graph, subject, predicate (``rdf:type`` first), object order; ``triples`` are the
    union of all graphs (a statement in two graphs once) in subject, predicate, object order; ``prefixes``
    are the dataset's bindings that Turtle and RDF/XML can write (a prefixed name's prefix, an IRI's
    namespace), sorted by name.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.prefixes = tuple(
            sorted(
                (prefix, str(namespace))
                for prefix, namespace in dataset.namespaces()
                if PREFIX_NAME.match(prefix) and str(namespace) != XML_NAMESPACE and _is_iri(namespace)
            )
        )
        terms: dict[Node, tuple[Any, str]] = {}

        def term(node: Node) -> tuple[Any, str]:
            found = terms.get(node)
            if found is None:
                found = terms[node] = _to_ox(node)
            return found

        rows: list[_Row] = []
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            graph, graph_key = (ox.DefaultGraph(), "") if name in (None, DATASET_DEFAULT_GRAPH_ID) else term(name)
            (subject, subject_key), (predicate, predicate_key), (obj, object_key) = term(s), term(p), term(o)
            if not isinstance(subject, (ox.NamedNode, ox.BlankNode)) or not isinstance(predicate, ox.NamedNode):
                raise KokoError(f"cannot write the statement {s.n3()} {p.n3()} {o.n3()}: not RDF (a literal as subject?)")
            key = (graph_key, subject_key, predicate_key != RDF_TYPE, predicate_key, object_key)
            rows.append((key, graph, subject, predicate, obj, (s, p, o)))
        rows.sort(key=itemgetter(0))
        self._rows = rows
        union: dict[tuple[str, bool, str, str], _Row] = {}
        for row in rows:
            _, subject_key, not_type, predicate_key, object_key = row[0]
            union.setdefault((subject_key, not_type, predicate_key, object_key), row)
        self._union = [union[key] for key in sorted(union)]

    @cached_property
    def quads(self) -> list[ox.Quad]:
        return [ox.Quad(s, p, o, g) for _, g, s, p, o, _ in self._rows]

    @cached_property
    def triples(self) -> list[ox.Triple]:
        return [ox.Triple(s, p, o) for _, _, s, p, o, _ in self._union]

    def rdflib_triples(self) -> list[tuple[Node, Node, Node]]:
        """The union's triples as rdflib terms, in the same order."""
        return [row[5] for row in self._union]

    def graphs(self) -> Iterator[tuple[GraphName, list[tuple[Subject, ox.NamedNode, Term]]]]:
        """Each graph (the default graph first) with its triples."""
        for graph, rows in groupby(self._rows, key=itemgetter(1)):
            yield graph, [(s, p, o) for _, _, s, p, o, _ in rows]


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _to_ox(node: Node) -> tuple[Any, str]:
    """The pyoxigraph term for an rdflib term, and the text it sorts by (the IRI, or the N-Triples form)."""
    try:
        if isinstance(node, URIRef):
            return ox.NamedNode(node), str(node)
        if isinstance(node, BNode):
            blank = ox.BlankNode(node)
            return blank, str(blank)
        if isinstance(node, Literal):
            if node.language:
                literal = ox.Literal(node, language=node.language)
            elif node.datatype is not None:
                literal = ox.Literal(node, datatype=ox.NamedNode(node.datatype))
            else:
                literal = ox.Literal(node)
            return literal, str(literal)
    except ValueError as exc:
        raise KokoError(f"cannot write {node.n3()}: {exc}") from exc
    raise KokoError(f"cannot write {node!r}: not an RDF term")


def sorted_lines(data: bytes) -> bytes:
    """N-Triples or N-Quads with its lines sorted."""
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def ntriples(statements: Statements) -> bytes:
    return sorted_lines(_engine(statements.triples, ox.RdfFormat.N_TRIPLES))


def nquads(statements: Statements) -> bytes:
    return sorted_lines(_engine(statements.quads, ox.RdfFormat.N_QUADS))


def rdfxml(statements: Statements) -> bytes:
    """pyoxigraph's RDF/XML with the dataset's prefixes; a predicate without an element name is refused
    (pyoxigraph would write a broken tag for it)."""
    for predicate in sorted({t.predicate.value for t in statements.triples}):
        if not ELEMENT_NAME.search(predicate):
            raise KokoError(f"cannot write {predicate} as an RDF/XML element name")
    return _engine(statements.triples, ox.RdfFormat.RDF_XML, dict(statements.prefixes))


def _engine(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    body = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert body is not None  # without an output, pyoxigraph returns the bytes
    return body


class _Names:
    """Terms as Turtle writes them: a prefixed name where the local part needs no escape (the longest
    namespace wins), else the IRI whole; a literal bare where that reads back the same, with a
    prefixed datatype otherwise."""

    def __init__(self, prefixes: Sequence[tuple[str, str]]) -> None:
        self._namespaces = sorted(prefixes, key=lambda pair: (-len(pair[1]), pair[0]))
        self._written: dict[Term, str] = {}

    def __call__(self, term: Term) -> str:
        written = self._written.get(term)
        if written is None:
            written = self._written[term] = self._write(term)
        return written

    def iri(self, iri: str) -> str:
        for prefix, namespace in self._namespaces:
            if iri.startswith(namespace) and LOCAL_NAME.match(iri, len(namespace)):
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"

    def _write(self, term: Term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.Literal) and not term.language:
            datatype = term.datatype.value
            bare = BARE.get(datatype)
            if bare is not None and bare.match(term.value):
                return term.value
            if datatype != str(XSD.string):
                quoted, _, _ = str(term).rpartition("^^")  # the N-Triples form: "lexical"^^<datatype>
                return f"{quoted}^^{self.iri(datatype)}"
        return str(term)  # N-Triples is Turtle: simple and language-tagged literals, blank nodes


def _blocks(triples: Iterable[tuple[Subject, ox.NamedNode, Term]], name: _Names) -> Iterator[str]:
    """One block per subject: ``s a C ;``, then one predicate per line and one object per line after it."""
    for subject, statements in groupby(triples, key=itemgetter(0)):
        lines = []
        for predicate, objects in groupby(statements, key=itemgetter(1)):
            verb = "a" if predicate.value == RDF_TYPE else name(predicate)
            lines.append(f"{verb} " + ",\n        ".join(name(o) for _, _, o in objects))
        yield f"{name(subject)} " + " ;\n    ".join(lines) + " .\n"


def _prefix_block(statements: Statements) -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in statements.prefixes)


def turtle(statements: Statements) -> bytes:
    name = _Names(statements.prefixes)
    triples = ((t.subject, t.predicate, t.object) for t in statements.triples)
    return (_prefix_block(statements) + "\n" + "\n".join(_blocks(triples, name))).encode("utf-8")  # type: ignore[arg-type]


def trig(statements: Statements) -> bytes:
    """TriG: the default graph's triples first, then each named graph in IRI order."""
    name = _Names(statements.prefixes)
    parts = []
    for graph, triples in statements.graphs():
        body = "\n".join(_blocks(triples, name))
        parts.append(body if isinstance(graph, ox.DefaultGraph) else f"{name(graph)} {{\n{body}}}\n")
    return (_prefix_block(statements) + "\n" + "\n".join(parts)).encode("utf-8")


# JSON-LD


def _plain_prefixes(context: dict[str, Any]) -> bool:
    """A context of prefixes and plain IRI terms only: what :func:`compact` follows rdflib for."""
    return bool(context) and all(
        isinstance(value, str) and not key.startswith("@") and ":" not in key for key, value in context.items()
    )


def compact(triples: Sequence[tuple[Node, Node, Node]], context: dict[str, Any]) -> dict[str, Any] | None:
    """The compacted JSON-LD document of ``triples`` with ``context``, as rdflib's converter builds it
    (``auto_compact``), before sorting; None where that takes more than prefixes (blank nodes, RDF lists,
    a predicate that is a term of the context).

    rdflib's converter drops the first value of a property when it is falsy (``0``, ``""``); here every
    value is kept.
    """
    if not _plain_prefixes(context):
        return None
    rules = Context(context)
    terms = {term.id for term in rules.terms.values()}
    shrunk: dict[str, str] = {}
    symbols: dict[str, str] = {}

    def shrink(iri: str) -> str:
        found = shrunk.get(iri)
        if found is None:
            found = shrunk[iri] = rules.shrink_iri(iri)
        return found

    def symbol(iri: str) -> str:
        found = symbols.get(iri)
        if found is None:
            found = symbols[iri] = rules.to_symbol(iri) or iri
        return found

    nodes: dict[Node, dict[str, Any]] = {}
    for s, p, o in triples:
        if not isinstance(s, URIRef) or isinstance(o, BNode) or p == RDF.first or o == RDF.nil or str(p) in terms:
            return None
        node = nodes.get(s)
        if node is None:
            node = nodes[s] = {"@id": shrink(s)}
        value: object
        if p == RDF.type:
            if not isinstance(o, URIRef):
                return None
            key, value = "@type", symbol(o)
        else:
            key, value = symbol(str(p)), _value(o, shrink, symbol)
        if key not in node:
            node[key] = value
        elif isinstance(node[key], list):
            node[key].append(value)
        else:
            node[key] = [node[key], value]
    found = list(nodes.values())
    return found[0] if len(found) == 1 else {"@graph": found}


# rdflib writes these as JSON numbers, booleans and strings (rdflib.plugins.serializers.jsonld).
NATIVE = {XSD.boolean, XSD.integer, XSD.double, XSD.string}


def _value(term: Node, shrink: Callable[[str], str], symbol: Callable[[str], str]) -> object:
    if isinstance(term, URIRef):
        return {"@id": shrink(term)}
    assert isinstance(term, Literal)
    if term.datatype in NATIVE:
        return term.toPython()
    if term.datatype is not None:
        return {"@type": symbol(term.datatype), "@value": str(term)}
    if term.language:
        return {"@language": term.language, "@value": str(term)}
    return str(term)


def sort_json(value: object) -> object:
    """Keys sorted, and every list but an ``@list`` sorted by its items' JSON text."""
    if isinstance(value, dict):
        return {k: (value[k] if k == "@list" else sort_json(value[k])) for k in sorted(value)}
    if isinstance(value, list):
        items = [sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_text(document: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The document with its context inline (a reader never has to fetch anything), sorted, indented."""
    ordered = {"@context": context, **{k: sort_json(document[k]) for k in sorted(document) if k != "@context"}}
    return (json.dumps(ordered, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
