"""A query result as the pages show it: rows of cells that keep each term's kind, for people.

The query threads answer in SPARQL 1.1 Query Results JSON; :func:`result_table` reads that
into a :class:`Table` whose cells know whether they hold an IRI (a link, via
:meth:`koko.pages.urls.Urls.link`), a literal or a blank node. An IRI with a label (looked up in the
pages' own index, :class:`koko.pages.describe.Describer`) shows the label in the page's language, its
prefixed name (``site:erfurt``) as small print; a literal shows without its tag, a date as people write
it (``2016-10`` → "Oktober 2016"), its exact value and datatype in the title. :func:`page_of` cuts a large
result into pages. Templates render the cells; nothing here writes HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, NotRequired, TypedDict

from koko.graph.prefixes import prefix_table
from koko.pages import literals
from koko.pages.render import language_query
from koko.pages.urls import Urls
from koko.sparql.execution import Outcome

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
PLAIN = frozenset({XSD_NS + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
#: Rows a result page shows: a screenful of reading, and small enough for a phone.
PAGE_SIZE = 100
Labeller = Callable[[str], tuple[str, str | None] | None]
"""IRI → (label, its language) in the page's language, or None where the release has no label."""

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
    """One bound value. ``kind`` is uri, literal, bnode or triple; ``text`` is what is shown, in
    language ``lang``; ``name`` is an IRI's prefixed name (or the IRI) when ``text`` is its label."""

    kind: str
    value: str
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Table:
    """SELECT solutions (``variables`` and ``rows``, None for an unbound cell) or an ASK
    answer (``boolean``); ``truncated`` when the row cap cut the result short. ``total`` counts the
    rows of the whole result, ``first`` is the index of ``rows[0]`` in it (see :func:`page_of`)."""

    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Cell | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    total: int = 0
    first: int = 0
    page: int = 1
    pages: int = 1
    headers: tuple[str, ...] = ()  # the columns' names for people (a canned query's header), else the variables


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
    return Table(variables, rows, truncated=outcome.truncated, total=len(rows))


def page_of(table: Table, page: int, size: int | None = PAGE_SIZE) -> Table:
    """Page ``page`` (from 1; one past the end is the last) of ``size`` rows; all rows if ``size`` is None.

    >>> rows = tuple((None,) for _ in range(233))
    >>> [(t.first, len(t.rows), t.page, t.pages) for t in (page_of(Table(("x",), rows, total=233), n) for n in (1, 3, 9))]
    [(0, 100, 1, 3), (200, 33, 3, 3), (200, 33, 3, 3)]
    """
    if size is None or table.boolean is not None:
        return table
    pages = max(1, -(-table.total // size))
    page = min(max(page, 1), pages)
    first = (page - 1) * size
    return replace(table, rows=table.rows[first : first + size], first=first, page=page, pages=pages)


def with_headers(table: Table, labels: Mapping[str, str]) -> Table:
    """The table with its columns named for people where ``labels`` names them (variable → name).

    >>> with_headers(Table(("siteName", "x")), {"siteName": "Standort"}).headers
    ('Standort', 'x')
    """
    return replace(table, headers=tuple(labels.get(v, v) for v in table.variables)) if labels else table


def iris_of(table: Table) -> list[str]:
    """The IRIs in the table's rows, sorted, once each: what to look labels up for."""
    return sorted({c.value for row in table.rows for c in row if c is not None and c.kind == "uri"})


def readable(table: Table, labels: Labeller, lang: str) -> Table:
    """The table for people reading ``lang``: IRIs with a label show it (their prefixed name kept as
    :attr:`Cell.name`) and link to their page in ``lang``; literals are formatted (:func:`literal_text`)."""
    rows = tuple(tuple(_readable(c, labels, lang) if c is not None else None for c in row) for row in table.rows)
    return replace(table, rows=rows)


def _readable(found: Cell, labels: Labeller, lang: str) -> Cell:
    if found.kind == "literal":
        return replace(found, text=literal_text(found.value, found.datatype, lang))
    if found.kind != "uri":
        return found
    kept = language_query(lang)
    href = found.href if found.href is None or not found.href.startswith("/") or not kept else _keeping(found.href, kept)
    label = labels(found.value)
    if label is None:
        return replace(found, href=href)
    return replace(found, text=label[0], lang=label[1], name=found.text, href=href)


def _keeping(path: str, query: str) -> str:
    location, hash_, fragment = path.partition("#")
    return f"{location}{'&' if '?' in location else '?'}{query[1:]}{hash_}{fragment}"


def literal_text(value: str, datatype: str | None, lang: str) -> str:
    """A literal as people read it in ``lang``: dates written out, everything else as it is.

    >>> literal_text("2016-10", "xsd:gYearMonth", "de"), literal_text("2016-10", "xsd:gYearMonth", "en")
    ('Oktober 2016', 'October 2016')
    >>> literal_text("2019-03-05", "xsd:date", "de"), literal_text("2019-03-05", "xsd:date", "en")
    ('5. März 2019', '5 March 2019')
    >>> literal_text("1234.5", "xsd:decimal", "de"), literal_text("2016-13", "xsd:gYearMonth", "de")
    ('1234,5', '2016-13')
    """
    # Dates as the resource pages write them (pages.literals); numbers stay ungrouped in a result table.
    written = {"xsd:gYearMonth": literals.year_month, "xsd:date": literals.date}.get(datatype or "")
    if written is not None:
        return written(value, lang) or value
    if datatype == "xsd:decimal" and lang == "de":
        return value.replace(".", ",")
    return value


def labeller(label: Callable[[str], tuple[str, str | None]], name: Callable[[str], str]) -> Labeller:
    """A :data:`Labeller` from the pages' label lookup (``label``, e.g. from
    :meth:`koko.pages.describe.Describer.label`), which answers ``name(iri)`` where it knows no label."""

    def found(iri: str) -> tuple[str, str | None] | None:
        text, lang = label(iri)
        return None if text in (iri, name(iri)) and lang is None else (text, lang)

    return found


def no_labels(iri: str) -> None:
    return None
