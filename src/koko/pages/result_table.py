"""A query result as the pages show it: rows of cells that keep each term's kind.

The query threads answer in SPARQL 1.1 Query Results JSON; :func:`result_table` reads that
into a :class:`Table` whose cells know whether they hold an IRI (a link, via
:meth:`koko.pages.urls.Urls.link`, shown as a prefixed name like ``site:erfurt``), a literal (with
its language tag or datatype) or a blank node. Templates render the cells; nothing here
writes HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

from koko.graph.prefixes import prefix_table
from koko.pages.urls import Urls
from koko.sparql.execution import Outcome

XSD_NS = "http://www.w3.org/2001/XMLSchema#"

# One term of a SPARQL JSON result. The functional form because "xml:lang" is no identifier.
_PlainTerm = TypedDict(
    "_PlainTerm",
    {"type": Literal["uri", "bnode", "literal"], "value": str, "datatype": NotRequired[str], "xml:lang": NotRequired[str]},
)


class _TripleParts(TypedDict):
    subject: JsonTerm
    predicate: JsonTerm
    object: JsonTerm


class _TripleTerm(TypedDict):  # SPARQL 1.2's triple terms, as Oxigraph writes them
    type: Literal["triple"]
    value: _TripleParts


JsonTerm = _PlainTerm | _TripleTerm


@dataclass(frozen=True)
class Cell:
    """One bound value. ``kind`` is uri, literal, bnode or triple; ``text`` is what is shown."""

    kind: str
    value: str
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Table:
    """SELECT solutions (``variables`` and ``rows``, None for an unbound cell) or an ASK
    answer (``boolean``); ``truncated`` when the row cap cut the result short."""

    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Cell | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False


def compact(iri: str, known: tuple[tuple[str, str], ...]) -> str:
    """``prefix:local`` for an IRI in one of the ``known`` namespaces, the IRI itself otherwise.

    >>> known = prefix_table("https://w3id.org/koko-kg/id/")
    >>> compact("https://w3id.org/koko-kg/id/site/erfurt", known), compact("https://w3id.org/koko-kg/id/answer/x/y", known)
    ('site:erfurt', 'https://w3id.org/koko-kg/id/answer/x/y')
    """
    for prefix, namespace in known:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return iri


def cell(term: JsonTerm, urls: Urls, known: tuple[tuple[str, str], ...]) -> Cell:
    """The cell for one term of a SPARQL JSON result.

    >>> urls = Urls("https://w3id.org/koko-kg/id/")
    >>> known = prefix_table(urls.data_base)
    >>> cell({"type": "uri", "value": "https://w3id.org/koko-kg/id/site/erfurt"}, urls, known).href
    '/id/site/erfurt'
    >>> cell({"type": "literal", "value": "2016-12", "datatype": XSD_NS + "gYearMonth"}, urls, known).datatype
    'xsd:gYearMonth'
    """
    if term["type"] == "uri":
        return Cell("uri", term["value"], compact(term["value"], known), href=urls.link(term["value"]))
    if term["type"] == "bnode":
        return Cell("bnode", term["value"], f"_:{term['value']}")
    if term["type"] == "triple":
        triple = term["value"]
        parts = [cell(part, urls, known).text for part in (triple["subject"], triple["predicate"], triple["object"])]
        return Cell("triple", " ".join(parts), f"<< {' '.join(parts)} >>")
    datatype = term.get("datatype")
    return Cell(
        "literal",
        term["value"],
        term["value"],
        lang=term.get("xml:lang"),
        datatype=compact(datatype, known) if datatype else None,
    )


def result_table(outcome: Outcome, urls: Urls) -> Table:
    """The table of a solutions or boolean outcome whose body is SPARQL JSON."""
    document = json.loads(outcome.body)
    if "boolean" in document:
        return Table(boolean=bool(document["boolean"]))
    variables = tuple(document["head"]["vars"])
    known = prefix_table(urls.data_base)
    rows = tuple(
        tuple(cell(binding[v], urls, known) if v in binding else None for v in variables)
        for binding in document["results"]["bindings"]
    )
    return Table(variables, rows, truncated=outcome.truncated)
