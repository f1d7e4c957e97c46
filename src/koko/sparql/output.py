"""``koko query``'s output: a query's answer written for the command line.

Graphs go through the release's writers (:mod:`koko.graph.formats`); CSV, TSV and JSON are laid out
by :mod:`koko.sparql.results`, the same code as the server's; the table view for people is here.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from koko.errors import KokoError
from koko.graph.formats import lookup as lookup_rdf_format
from koko.graph.formats import serialise
from koko.sparql.results import JsonTerm, csv_document, json_boolean, json_document, tsv_document

#: What ``koko query --format`` writes for SELECT and ASK: the table view for people, then the result
#: formats of :data:`koko.graph.format_table.RESULT_FORMATS` that the command line writes.
SELECT_OUTPUTS = ("table", "csv", "tsv", "json")


def _cell(term: Node | None) -> str:
    return "" if term is None else str(term)


def _compact(term: Node | None, prefixes: list[tuple[str, str]]) -> str:
    """An IRI as prefix:local for the table view; other terms as their text."""
    if isinstance(term, URIRef):
        for prefix, namespace in prefixes:
            local = str(term)[len(namespace) :]
            if str(term).startswith(namespace) and re.fullmatch(r"[\w.-]+", local):
                return f"{prefix}:{local}"
    return _cell(term)


def _tsv_cell(term: Node | None) -> str:
    if term is None:
        return ""
    return term.n3().replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json_term(term: Node) -> JsonTerm:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "bnode", "value": str(term)}


def _table(header: list[str], rows: list[list[str]], width: int = 60) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    clipped = [[clip(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in clipped]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render(result: Result, fmt: str, context: dict[str, Any] | None = None, prefixes: dict[str, str] | None = None) -> bytes:
    """Write a result: SELECT as table/csv/tsv/json, ASK as true/false, graphs as RDF.

    ``prefixes`` shorten IRIs in the table view only; the data formats keep full IRIs.

    The terms are rdflib's, and written as rdflib writes them, which the server's writers do not (it
    has pyoxigraph's terms): a CSV cell holds a blank node's label without ``_:``, a TSV cell is
    rdflib's N3 (a multi-line literal in triple quotes, an explicit ``^^xsd:string`` kept), JSON keeps an
    explicit ``xsd:string`` and is indented; an ASK answer is ``true`` or ``false`` in CSV and TSV.
    """
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        assert graph is not None
        rdf_format = lookup_rdf_format("ttl" if fmt == "table" else fmt)
        dataset = Dataset()
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace)
        for triple in graph:
            dataset.add(triple)
        return serialise(dataset, rdf_format, context)
    if fmt not in SELECT_OUTPUTS:
        raise KokoError(f"--format: {fmt!r} is not a result format for SELECT/ASK; choose one of {', '.join(SELECT_OUTPUTS)}")
    if result.type == "ASK":
        if fmt == "json":
            return json_boolean(bool(result.askAnswer)) + b"\n"
        return (("true" if result.askAnswer else "false") + "\n").encode()
    header = [str(v) for v in result.vars or []]
    rows = [[row[v] for v in header] for row in result if isinstance(row, ResultRow)]  # a SELECT yields rows only
    if fmt == "table":
        # Longest namespace first, so that site: wins over a shorter base prefix.
        ordered = sorted((prefixes or {}).items(), key=lambda item: -len(item[1]))
        return _table(header, [[_compact(t, ordered) for t in row] for row in rows]).encode("utf-8")
    if fmt == "csv":
        return csv_document(header, [[_cell(t) for t in row] for row in rows])
    if fmt == "tsv":
        return tsv_document(header, [[_tsv_cell(t) for t in row] for row in rows])
    bindings = [{h: _json_term(t) for h, t in zip(header, row, strict=True) if t is not None} for row in rows]
    return json_document(header, bindings, indent=2) + b"\n"
