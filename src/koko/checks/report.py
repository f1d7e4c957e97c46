"""Validation reports for people (text) and machines (JSON, SHACL Turtle), always sorted."""

from __future__ import annotations

import json
import re
from itertools import groupby
from typing import TypedDict

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from koko.checks.findings import Finding, Report, sh_iri

FORMATS = ("text", "json", "ttl")


def _term(node: Node | None, graph: Graph | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef) and graph is not None:
        return graph.namespace_manager.normalizeUri(node)
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager if graph is not None else None)
    return str(node)


# An IRI in a message, without the punctuation that may follow it ("…/leipzig: programme start …").
IRI_IN_TEXT = re.compile(r"https?://[^\s<>\"{}|\\^`]*[^\s<>\"{}|\\^`.,;:)]")


def _compact_iris(text: str, graph: Graph | None) -> str:
    """IRIs that SPARQL-based messages spell out, shortened like the rest of the report (site:leipzig)."""
    if graph is None:
        return text

    def compact(match: re.Match[str]) -> str:
        short = graph.namespace_manager.normalizeUri(URIRef(match.group()))
        return match.group() if short.startswith("<") else short

    return IRI_IN_TEXT.sub(compact, text)


def _detail_lines(details: tuple[Finding, ...], prefixes: Graph | None, indent: str) -> list[str]:
    """The sh:detail results under the result they explain, indented one step deeper per level."""
    lines = []
    for d in details:
        value = f" value={_term(d.value, prefixes)}" if d.value is not None else ""
        lines.append(f"{indent}  detail: {_term(d.focus, prefixes)} {d.path_text or '-'}{value} [{d.component}] {d.severity}")
        lines += _detail_lines(d.details, prefixes, indent + "  ")
    return lines


def render_text(report: Report, prefixes: Graph | None = None, lang: str = "en") -> str:
    """Grouped by focus node; severity, path, value and message on each line; counts at the end."""
    lines: list[str] = []
    for focus, group in groupby(report.findings, key=lambda f: f.focus):
        lines.append(_term(focus, prefixes))
        for f in group:
            path = f.path_text or "-"
            value = f" value={_term(f.value, prefixes)}" if f.value is not None else ""
            where = f" (graph {_term(f.graph, prefixes)})" if f.graph is not None else ""
            message = _compact_iris((f.message_de if lang == "de" else f.message) or f.message or f.message_de, prefixes)
            lines.append(f"  {f.severity:<9} {path}{value} [{f.component}]{where}\n            {message}")
            lines += _detail_lines(f.details, prefixes, "    ")
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does not conform"
    own = "".join(f", {n} {_term(URIRef(severity), prefixes)}" for severity, n in counts.items() if ":" in severity)
    lines.append(f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s){own}")
    return "\n".join(lines) + "\n"


class FindingJson(TypedDict):
    """One result as the JSON report gives it."""

    severity: str
    focusNode: str
    resultPath: str | None
    value: str | None
    constraintComponent: str
    sourceShape: str
    message: str
    messageDe: str
    graph: str | None
    details: list[FindingJson]


def _finding_json(f: Finding) -> FindingJson:
    return {
        "severity": f.severity,
        "focusNode": str(f.focus),
        "resultPath": f.path_text or None,
        "value": f.value.n3() if f.value is not None else None,
        "constraintComponent": f.component,
        "sourceShape": str(f.shape),
        "message": f.message,
        "messageDe": f.message_de,
        "graph": str(f.graph) if f.graph is not None else None,
        "details": [_finding_json(d) for d in f.details],
    }


def render_json(report: Report) -> str:
    document = {"conforms": report.conforms, "counts": report.counts(), "results": [_finding_json(f) for f in report.findings]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report) -> str:
    """A SHACL validation report graph; results get stable IRIs so the file is deterministic."""
    graph = Graph(bind_namespaces="none")
    graph.bind("sh", SH)
    root = URIRef("urn:koko:validation-report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for number, f in enumerate(report.findings, start=1):
        result = URIRef(f"urn:koko:validation-report:result-{number:05d}")
        graph.add((root, SH.result, result))
        _add_result(graph, result, f)
    return graph.serialize(format="turtle")


def _add_result(graph: Graph, result: URIRef, f: Finding) -> None:
    """One result and, under sh:detail, the results that caused it (IRIs numbered below their parent's)."""
    graph.add((result, RDF.type, SH.ValidationResult))
    graph.add((result, SH.resultSeverity, sh_iri(f.severity)))
    graph.add((result, SH.focusNode, f.focus))
    graph.add((result, SH.sourceConstraintComponent, sh_iri(f.component)))
    graph.add((result, SH.sourceShape, f.shape))
    if f.path is not None:
        graph.add((result, SH.resultPath, f.path))
    if f.value is not None:
        graph.add((result, SH.value, f.value))
    for text, lang in ((f.message, "en"), (f.message_de, "de")):
        if text:
            graph.add((result, SH.resultMessage, Literal(text, lang=lang)))
    for number, detail in enumerate(f.details, start=1):
        nested = URIRef(f"{result}-{number:03d}")
        graph.add((result, SH.detail, nested))
        _add_result(graph, nested, detail)


LANGUAGES = ("en", "de")


def render(report: Report, fmt: str, prefixes: Graph | None = None, lang: str = "en") -> str:
    """The report in ``fmt``; ``lang`` picks the messages of the text report (JSON and Turtle carry both)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "ttl":
        return render_turtle(report)
    return render_text(report, prefixes, lang)
