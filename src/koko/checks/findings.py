"""Validation results as the rest of koko reads them: pyshacl's report graph flattened into findings,
with their messages in both languages and their nested sh:detail results, in a stable order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import IdentifiedNode, Node

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Severities that leave the data conforming; SHACL lets a shapes file define others, which do not.
LENIENT = frozenset({"Warning", "Info"})


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


def findings_of(report: Graph, shapes: Graph, graph_name: IdentifiedNode | None) -> list[Finding]:
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
