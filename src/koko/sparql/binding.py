"""Parameters bound into the query text, for engines that take no bindings: a remote endpoint.

A SPARQL endpoint has no ``initBindings`` or ``substitutions``, so each parameter becomes a
``VALUES ?name { term }`` block inserted as the *first* element of the outermost WHERE group:
the solutions are restricted before anything else is evaluated, FILTERs included (a VALUES
clause after the query would join after evaluation, when a FILTER has already seen the variable
unbound). The insertion point is found with :func:`koko.sparql.lexer.tokens`, which lexes as
pyoxigraph does, so braces in comments, strings and IRIs are never mistaken for code. Terms are
written in N-Triples form by pyoxigraph, whose escaping leaves every value one RDF term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib.term import BNode, Node

from koko.errors import KokoError
from koko.sparql.lexer import Token, tokens
from koko.sparql.oxigraph import to_ox
from koko.sparql.protocol import query_form

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def term_text(term: Node | ox.NamedNode | ox.Literal) -> str:
    """An RDF term (rdflib's or pyoxigraph's) in N-Triples form, which is also SPARQL syntax for the term.

    >>> from rdflib import Literal, URIRef
    >>> term_text(Literal('a "b"\\n')), term_text(URIRef("https://example.org/x"))
    ('"a \\\\"b\\\\"\\\\n"', '<https://example.org/x>')
    >>> term_text(ox.Literal("2016-10", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")))
    '"2016-10"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'
    """
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    if isinstance(term, BNode | ox.BlankNode):
        raise KokoError("a blank node cannot be bound as a parameter value")
    return str(to_ox(term))


def values_block(bindings: Mapping[str, Node | ox.NamedNode | ox.Literal]) -> str:
    """One ``VALUES ?name { term }`` per parameter.

    >>> from rdflib import Literal
    >>> values_block({"state": Literal("Sachsen")})
    'VALUES ?state { "Sachsen" }'
    """
    blocks = []
    for name, term in bindings.items():
        if not _NAME.fullmatch(name):
            raise KokoError(f"{name!r} is not a SPARQL variable name")
        blocks.append(f"VALUES ?{name} {{ {term_text(term)} }}")
    return " ".join(blocks)


def _form_index(found: Sequence[Token]) -> int:
    """The index of the query form's keyword, after BASE and PREFIX declarations."""
    index = 0
    while index < len(found) and found[index].kind == "word" and found[index].text.lower() in ("base", "prefix"):
        index += 3 if found[index].text.lower() == "prefix" else 2
    return index


def where_offset(text: str, base: str) -> int:
    """The offset just after the ``{`` that opens the outermost WHERE group.

    >>> query = 'SELECT ?x # {\\nWHERE { ?x ?p "}" }'
    >>> query[where_offset(query, "urn:x:") :]
    ' ?x ?p "}" }'
    >>> query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> query[where_offset(query, "urn:x:") :]
    ' ?s ?p ?o }'
    """
    found = list(tokens(text, base))
    form = query_form(found)
    if form is None or form == "update":
        raise KokoError("parameters can only be bound in a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    braces = parens = 0
    where_seen = template_seen = False
    for token in found[_form_index(found) + 1 :]:
        if token.kind != "other" and not (token.kind == "word" and braces == parens == 0):
            continue
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "}":
            braces -= 1
        elif token.text == "{":
            if braces == parens == 0:
                if form != "construct" or template_seen:
                    return token.start + 1
                if where_seen:  # CONSTRUCT WHERE { triples }: the group is the template, no VALUES allowed
                    raise KokoError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; write the template out")
                template_seen = True
            braces += 1
        elif token.kind == "word" and token.text.lower() == "where":
            where_seen = True
    raise KokoError("the query has no WHERE group to bind parameters in")


def bind_values(text: str, bindings: Mapping[str, Node | ox.NamedNode | ox.Literal], base: str) -> str:
    """The query text with a VALUES block for the bindings as the first element of its WHERE group.

    >>> from rdflib import Literal
    >>> bind_values("SELECT ?s WHERE { ?s ?p ?state }", {"state": Literal("} UNION {")}, "urn:x:")
    'SELECT ?s WHERE { VALUES ?state { "} UNION {" } ?s ?p ?state }'
    """
    if not bindings:
        return text
    offset = where_offset(text, base)
    return f"{text[:offset]} {values_block(bindings)}{text[offset:]}"
