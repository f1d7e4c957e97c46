"""SHACL validation of the release and of users' own data, with a deterministic report.

Two passes, because SHACL sees one graph at a time:

* the **data contract** (``shapes/koko.shapes.ttl``) runs on the union of all graphs, so
  that constraints can follow links across named graphs (a site to its state, every node
  back to the programme);
* the **graph contract** (``shapes/graphs.shapes.ttl``) runs on each named graph alone, so
  that it can require what each graph must carry by itself (its own provenance).

The findings model is :mod:`koko.checks.findings`; pyshacl's SPARQL is answered by Oxigraph through
:mod:`koko.checks.bridge`. A result of severity Warning or Info is reported but leaves the data conforming; any other
severity (Violation, or a shapes file's own, kept as its IRI) makes it non-conforming.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.sparql import Query

from koko.checks.bridge import DataGraph, NamingGraph, QueryKey, declared_prefixes
from koko.checks.findings import Finding, Report, findings_of
from koko.errors import KokoError
from koko.graph.formats import read_turtle, union

INFERENCE = ("none", "rdfs", "owlrl")

__all__ = ["INFERENCE", "Finding", "Report", "graph_findings", "load_shapes", "union_findings", "validate_dataset"]


def load_shapes(path: Path, *more: Path) -> Graph:
    """A shapes file, and ``more`` merged into the same graph (one pyshacl run for all of them);
    syntax errors name the file, the line and the column."""
    graph = NamingGraph(URIRef(path.resolve().as_uri()))  # so that errors in its SPARQL can name the file
    for each in (path, *more):
        read_turtle(graph, each, "shapes")
    return graph


def _shapes_file(shapes: Graph) -> str:
    name = str(shapes.identifier)
    return url2pathname(urlparse(name).path) if name.startswith("file:") else "the shapes"


def _run(data: DataGraph, shapes: Graph, inference: str, ontology: Graph | None) -> Graph:
    data.shapes_file = _shapes_file(shapes)
    data.shapes_prefixes = declared_prefixes(shapes)
    try:
        _, report, _ = _shacl(data, shapes, inference, ontology)
    except KokoError:
        raise
    except Exception as exc:  # pyshacl crashes on some odd inputs (a comparison of unlike literals)
        raise KokoError(f"pyshacl failed on this data and these shapes: {type(exc).__name__}: {exc}", data.shapes_file) from exc
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure when the shapes are unusable
        raise KokoError(f"the shapes cannot be used: {getattr(report, 'message', report)}", data.shapes_file)
    for prefix, namespace in data.namespaces():  # so that paths print as koko:site, not full IRIs
        report.bind(prefix, namespace, override=False)
    return report


def _shacl(data: DataGraph, shapes: Graph, inference: str, ontology: Graph | None) -> tuple[bool, object, str]:
    # pyshacl is untyped; it returns conforms, the report graph (or a ValidationFailure) and the report text.
    outcome: tuple[bool, object, str] = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology if inference != "none" else None,
        inference=inference,
        advanced=True,  # SPARQL-based constraints and targets
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
        inplace=True,  # data is always a DataGraph of our own: no need for pyshacl to copy it
    )
    return outcome


def union_findings(
    dataset: Dataset,
    shapes: Graph,
    inference: str = "none",
    ontology: Graph | None = None,
    prepared: dict[QueryKey, Query] | None = None,
) -> list[Finding]:
    """The data contract's pass: ``shapes`` on the union of all graphs of ``dataset``."""
    if inference not in INFERENCE:
        raise KokoError(f"--inference: {inference!r} must be one of {', '.join(INFERENCE)}")
    data = DataGraph({} if prepared is None else prepared)
    union(dataset, data)  # fills data itself
    return findings_of(_run(data, shapes, inference, ontology), shapes, None)


def graph_findings(dataset: Dataset, graph_shapes: Graph, prepared: dict[QueryKey, Query] | None = None) -> list[Finding]:
    """The graph contract's pass: each named graph validated alone, so that nothing one graph says helps another."""
    prepared = {} if prepared is None else prepared
    found: list[Finding] = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        if graph.identifier == dataset.default_graph.identifier:
            continue
        alone = DataGraph(prepared)
        for triple in graph:
            alone.add(triple)
        found += findings_of(_run(alone, graph_shapes, "none", None), graph_shapes, graph.identifier)
    return found


def validate_dataset(
    dataset: Dataset,
    shapes: Graph,
    graph_shapes: Graph | None = None,
    inference: str = "none",
    ontology: Graph | None = None,
) -> Report:
    """Validate the union of ``dataset`` against ``shapes`` and each named graph against ``graph_shapes``."""
    prepared: dict[QueryKey, Query] = {}  # SHACL rules (CONSTRUCT) that rdflib answers, parsed once
    findings = union_findings(dataset, shapes, inference, ontology, prepared)
    if graph_shapes is not None:
        findings += graph_findings(dataset, graph_shapes, prepared)
    return Report.of(findings)
