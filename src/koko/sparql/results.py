"""SPARQL results written from pyoxigraph terms: JSON, XML, CSV and TSV, capped at a row limit.

pyoxigraph's own writers take the whole iterator, so a result cannot be cut at the row cap
with them; these writers take the rows already read (at most the cap) and produce the W3C
formats (SPARQL 1.1 Query Results JSON, XML, CSV/TSV) of :data:`koko.graph.format_table.RESULT_FORMATS`.

The layout of a CSV, TSV or JSON result (:func:`csv_document`, :func:`tsv_document`,
:func:`json_document`) is written here only: ``koko query`` (:func:`koko.sparql.output.render`) lays
out its rdflib terms with the same functions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: A term as SPARQL JSON writes it: ``{"type": "uri", "value": …}``.
JsonTerm = Mapping[str, object]


def csv_document(variables: Sequence[str], cells: Iterable[Sequence[str]]) -> bytes:
    """SPARQL 1.1 CSV: the variable names, then a line per row of ``cells``; CRLF, quoted where RFC 4180 asks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows(cells)
    return buffer.getvalue().encode("utf-8")


def tsv_document(variables: Sequence[str], cells: Iterable[Sequence[str]]) -> bytes:
    """SPARQL 1.1 TSV: the ``?variables``, then a line per row of ``cells`` (terms in Turtle syntax, no tab or newline)."""
    lines = ["\t".join(f"?{v}" for v in variables)] + ["\t".join(row) for row in cells]
    return ("\n".join(lines) + "\n").encode("utf-8")


def json_document(variables: Sequence[str], bindings: Iterable[Mapping[str, JsonTerm]], indent: int | None = None) -> bytes:
    """SPARQL 1.1 JSON: the head, then one object of bound variables per row."""
    document = {"head": {"vars": list(variables)}, "results": {"bindings": list(bindings)}}
    return json.dumps(document, ensure_ascii=False, indent=indent).encode("utf-8")


def json_boolean(answer: bool) -> bytes:
    """An ASK result in SPARQL 1.1 JSON."""
    return json.dumps({"head": {}, "boolean": answer}).encode()


def _json_term(term: Term) -> JsonTerm:
    if isinstance(term, ox.Literal):
        language = term.language
        if language:
            return {"type": "literal", "value": term.value, "xml:lang": language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}


def _json_bindings(variables: Sequence[str], rows: Sequence[Row]) -> list[dict[str, JsonTerm]]:
    """Each row's bound variables as SPARQL JSON terms. A term met before is written once: predicates, classes
    and grouped values repeat across rows, and an answer's dicts are only read (by json.dumps)."""
    seen: dict[Term, JsonTerm] = {}
    bindings = []
    for row in rows:
        binding = {}
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                cell = seen.get(term)
                if cell is None:
                    cell = seen[term] = _json_term(term)
                binding[name] = cell
        bindings.append(binding)
    return bindings


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = "".join(f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
        return f"<triple>{parts}</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _tsv_cell(term: Term | None) -> str:
    return "" if term is None else str(term)


def write_solutions(variables: Sequence[str], rows: Sequence[Row], fmt: str) -> bytes:
    r"""A SELECT result in one of :data:`koko.graph.format_table.RESULT_FORMATS`, by its name.

    >>> rows = [(ox.NamedNode("https://w3id.org/koko-kg/id/site/erfurt"), ox.Literal("Erfurt", language="de"))]
    >>> write_solutions(["site", "name"], rows, "csv")
    b'site,name\r\nhttps://w3id.org/koko-kg/id/site/erfurt,Erfurt\r\n'
    >>> write_solutions(["site", "name"], rows, "tsv").decode().splitlines()[1]
    '<https://w3id.org/koko-kg/id/site/erfurt>\t"Erfurt"@de'
    """
    if fmt == "json":
        return json_document(variables, _json_bindings(variables, rows))
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in rows
        )
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>\n"
        ).encode()
    if fmt == "csv":
        return csv_document(variables, ([_csv_cell(t) for t in row] for row in rows))
    if fmt == "tsv":
        return tsv_document(variables, ([_tsv_cell(t) for t in row] for row in rows))
    raise ValueError(f"not a result format: {fmt!r}")


def write_boolean(answer: bool, fmt: str) -> bytes:
    """An ASK result; CSV and TSV carry it as a one-cell table, as Jena and Oxigraph do."""
    if fmt == "json":
        return json_boolean(answer)
    if fmt == "xml":
        value = "true" if answer else "false"
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{value}</boolean></sparql>\n'.encode()
    if fmt in ("csv", "tsv"):
        return ("_askResult\r\n" if fmt == "csv" else "?_askResult\n").encode() + (b"true\n" if answer else b"false\n")
    raise ValueError(f"not a result format: {fmt!r}")
