"""The bridge to pyoxigraph: rdflib terms in and out, and SPARQL answered as rdflib results.

rdflib's SPARQL engine is pure Python; on the release with its curated layer, the two
whole-graph SHACL rules (a German label on every node, every node reachable from the
programme) took about a second in it. pyoxigraph evaluates the same queries in Rust, so
:class:`koko.checks.validate` hands it the SPARQL that pyshacl asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import overload

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

PREFIX_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


@overload
def to_ox(term: URIRef) -> ox.NamedNode: ...
@overload
def to_ox(term: BNode) -> ox.BlankNode: ...
@overload
def to_ox(term: Literal) -> ox.Literal: ...
@overload
def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term.

    >>> to_ox(Literal("16063")).value, to_ox(Literal("Weimar", lang="de")).language
    ('16063', 'de')
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """The rdflib term for a pyoxigraph term.

    >>> from_ox(to_ox(Literal("2016-10", datatype=XSD.gYearMonth))) == Literal("2016-10", datatype=XSD.gYearMonth)
    True
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # rdflib keeps simple literals untyped
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def store_of(triples: Iterable[tuple[Node, Node, Node]]) -> ox.Store:
    """An in-memory store holding the triples in its default graph.

    Generalised triples (a literal as subject, as RDFS and OWL 2 RL reasoners write them)
    are not RDF and cannot be stored; they are left out.
    """
    store = ox.Store()
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())
        for s, p, o in triples
        if isinstance(s, (URIRef, BNode)) and isinstance(p, URIRef)
    )
    return store


def with_prefixes(text: str, namespaces: Mapping[str, object]) -> str:
    """The query with PREFIX declarations for the namespaces it uses but does not declare
    (rdflib resolves those from the graph; Oxigraph needs them in the text)."""
    declared = {m.group(1) or "" for m in PREFIX_DECLARATION.finditer(text)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(namespaces.items()) if p not in declared]
    return "\n".join([*missing, text])


def answer(store: ox.Store, text: str, bindings: Mapping[str, Node]) -> Result:
    """A SELECT or ASK query as an rdflib :class:`Result`; ``bindings`` pre-bind variables
    the way SHACL-SPARQL pre-binding requires (inside nested SELECTs too)."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(str(name)): to_ox(value) for name, value in bindings.items()
    }
    solutions = store.query(text, substitutions=substitutions)
    if isinstance(solutions, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(solutions)
        return result
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("only SELECT and ASK queries are answered by Oxigraph here")
    names = [v.value for v in solutions.variables]
    result = Result("SELECT")
    result.vars = [Variable(name) for name in names]
    result.bindings = [{Variable(name): from_ox(row[name]) for name in names if row[name] is not None} for row in solutions]
    return result
