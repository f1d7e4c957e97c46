"""Parse SPARQL text once, with errors that say where, and refuse what would reach the network.

Used for canned and ad-hoc queries (:mod:`koko.sparql.canned`) and for the SPARQL-based constraints
of a shapes file (:mod:`koko.checks.validate`): rdflib would follow ``SERVICE`` to any endpoint a
query names, so such a query is refused before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pyparsing import ParseException
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from koko.errors import KokoError


def prepare(text: str, where: Path | str | None, namespaces: Mapping[str, object] | None = None) -> Query:
    """The parsed and translated query, refused if it uses SERVICE.

    >>> prepare("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "q.rq")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    koko.errors.KokoError: q.rq: SERVICE <http://example.org/sparql>: federated queries are refused; ...
    """
    try:
        prepared = prepareQuery(text, initNs=dict(namespaces or {}))
    except ParseException as exc:
        raise KokoError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}", where) from exc
    except Exception as exc:  # rdflib raises plain exceptions for some algebra errors
        raise KokoError(f"SPARQL error: {exc}", where) from exc
    refuse_service(prepared, where)
    return prepared


def refuse_service(prepared: Query, where: Path | str | None) -> None:
    """Federation would make rdflib connect to any endpoint the query names: refuse it."""
    services: list[Node] = []

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            services.append(node.term)  # type: ignore[attr-defined]

    traverse(prepared.algebra, visit)
    if services:
        raise KokoError(f"SERVICE <{services[0]}>: federated queries are refused; koko never connects to other endpoints", where)
