"""SHACL validation of the release and of users' own data, with a deterministic report.

Two passes, because SHACL sees one graph at a time:

* the **data contract** (``shapes/koko.shapes.ttl``) runs on the union of all graphs, so
  that constraints can follow links across named graphs (a site to its state, every node
  back to the programme);
* the **graph contract** (``shapes/graphs.shapes.ttl``) runs on each named graph alone, so
  that it can require what each graph must carry by itself (its own provenance).

A result of severity Violation makes the data non-conforming; Warning and Info are
reported but do not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from .errors import KokoError
from .formats import union

INFERENCE = ("none", "rdfs", "owlrl")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for reports and tests."""

    severity: str  # Violation, Warning or Info
    focus: Node
    path: Node | None
    value: Node | None
    component: str  # local name, e.g. MinCountConstraintComponent
    shape: Node
    path_text: str  # the path in SPARQL property-path syntax, e.g. ^koko:site
    message: str  # English message (German in message_de when the shape gives one)
    message_de: str
    graph: URIRef | None  # the named graph, for results of the per-graph pass

    def sort_key(self) -> tuple:
        return (
            str(self.focus),
            SEVERITY_ORDER.get(self.severity, 9),
            self.path_text,
            self.component,
            str(self.value or ""),
            str(self.graph or ""),
            self.message,
        )


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITY_ORDER}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


def load_shapes(path: Path) -> Graph:
    """A shapes file; syntax errors name the file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError as exc:
        raise KokoError("shapes file not found", path) from exc
    except Exception as exc:  # rdflib's Turtle parser raises BadSyntax and friends
        line = getattr(exc, "lines", None)
        raise KokoError(f"cannot parse the shapes: {exc}", path, line + 1 if isinstance(line, int) else None) from exc
    return graph


def _message(report: Graph, result: Node, lang: str) -> str:
    messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for message in messages:
        if message.language == lang:
            return str(message)
    untagged = sorted(str(m) for m in messages if not m.language)
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


def _findings(report: Graph, graph_name: URIRef | None) -> list[Finding]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        found.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=report.value(result, SH.focusNode),
                path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                component=str(component).rsplit("#", 1)[-1],
                shape=report.value(result, SH.sourceShape),
                path_text=path_text(report, report.value(result, SH.resultPath)),
                message=_message(report, result, "en"),
                message_de=_message(report, result, "de"),
                graph=graph_name,
            )
        )
    return found


def _run(data: Graph, shapes: Graph, inference: str, ontology: Graph | None) -> Graph:
    _, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology if inference != "none" else None,
        inference=inference,
        advanced=True,  # SPARQL-based constraints and targets
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
    )
    for prefix, namespace in data.namespaces():  # so that paths print as koko:site, not full IRIs
        report.bind(prefix, namespace, override=False)
    return report


def _graph_pass(dataset: Dataset, graph_shapes: Graph) -> list[Finding]:
    """Each named graph validated alone, so that nothing one graph says helps another pass."""
    found: list[Finding] = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        if graph.identifier == dataset.default_graph.identifier:
            continue
        alone = Graph()
        for triple in graph:
            alone.add(triple)
        found += [replace(f, graph=graph.identifier) for f in _findings(_run(alone, graph_shapes, "none", None), None)]
    return found


def validate_dataset(
    dataset: Dataset,
    shapes: Graph,
    graph_shapes: Graph | None = None,
    inference: str = "none",
    ontology: Graph | None = None,
) -> Report:
    """Validate the union of ``dataset`` against ``shapes`` and each named graph against ``graph_shapes``."""
    if inference not in INFERENCE:
        raise KokoError(f"--inference: {inference!r} must be one of {', '.join(INFERENCE)}")
    findings = _findings(_run(union(dataset), shapes, inference, ontology), None)
    if graph_shapes is not None:
        findings += _graph_pass(dataset, graph_shapes)
    return Report(tuple(sorted(findings, key=Finding.sort_key)))
