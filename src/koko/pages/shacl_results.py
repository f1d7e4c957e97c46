"""The SHACL results that concern one resource, for its page.

A release is validated when it is built, but the report is not kept in the release folder: the
server and the static site validate the release they publish once more (:mod:`koko.pages.inferred`
computes it once per process) and each resource page shows the results whose focus node is the
resource or whose value is the resource (a shape on the programme that names a site as its value
concerns that site too), or, where there are none, a "validated" mark with the names of the shapes
that target the resource by its class.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from koko.checks.findings import Finding

SEVERITY_LABELS = {
    "Violation": {"de": "Verstoß", "en": "Violation"},
    "Warning": {"de": "Warnung", "en": "Warning"},
    "Info": {"de": "Hinweis", "en": "Note"},
}


@dataclass(frozen=True)
class ShapeName:
    de: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


@dataclass(frozen=True)
class Shown:
    """One result as a page shows it."""

    severity: str  # Violation, Warning, Info (or a shapes file's own severity IRI)
    severity_label: str
    message: str
    message_lang: str  # the message's language: the page's, or English where a shape gives no German one
    path: str  # SPARQL property-path text, "" for a node shape's own result
    focus: str  # the focus node's IRI (another resource when the resource is the value)
    value: str  # the value's text, "" without one


@dataclass(frozen=True)
class Validation:
    """The release's findings by the IRIs they concern, and the shapes that target each class."""

    by_iri: Mapping[str, tuple[Finding, ...]]
    shapes_by_class: Mapping[str, tuple[ShapeName, ...]]
    shape_files: tuple[str, ...]

    def findings(self, iri: str) -> tuple[Finding, ...]:
        return self.by_iri.get(iri, ())

    def shown(self, iri: str, lang: str) -> tuple[Shown, ...]:
        return tuple(shown(f, lang) for f in self.findings(iri))

    def shapes_for(self, types: Iterable[str], lang: str) -> tuple[str, ...]:
        """The names of the node shapes that target any of ``types`` (asserted and inferred: a shape's
        sh:targetClass reaches the instances of its subclasses), sorted."""
        names = {name.text(lang) for t in types for name in self.shapes_by_class.get(t, ())}
        return tuple(sorted(names, key=str.casefold))


def concerning(findings: Iterable[Finding]) -> dict[str, tuple[Finding, ...]]:
    """IRI → the findings whose focus node or value is that IRI, in the report's order.

    >>> from rdflib import URIRef
    >>> f = Finding("Violation", URIRef("urn:p"), None, URIRef("urn:s"), "SPARQLConstraintComponent", URIRef("urn:sh"),
    ...             "", "too many", "zu viele", None)
    >>> sorted(concerning([f]))
    ['urn:p', 'urn:s']
    """
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for node in dict.fromkeys((finding.focus, finding.value)):
            if isinstance(node, URIRef):
                found[str(node)].append(finding)
    return {iri: tuple(items) for iri, items in found.items()}


def shown(finding: Finding, lang: str) -> Shown:
    labels = SEVERITY_LABELS.get(finding.severity)
    german = lang == "de" and bool(finding.message_de)
    return Shown(
        severity=finding.severity,
        severity_label=labels[lang] if labels else finding.severity,
        message=finding.message_de if german else finding.message,
        message_lang="de" if german else "en",
        path=finding.path_text,
        focus=str(finding.focus),
        value="" if finding.value is None else str(finding.value),
    )


def _name(shapes: Graph, shape: URIRef, lang: str) -> str:
    for predicate in (SH.name, RDFS.label):
        for text in sorted(str(o) for o in shapes.objects(shape, predicate) if isinstance(o, Literal) and o.language == lang):
            return text
    return shapes.namespace_manager.normalizeUri(shape)


def shapes_by_class(*shapes: Graph) -> dict[str, tuple[ShapeName, ...]]:
    """Class IRI → the node shapes that target it (sh:targetClass, or a shape that is itself an rdfs:Class)."""
    found: dict[str, set[ShapeName]] = defaultdict(set)
    for graph in shapes:
        for shape, target in graph.subject_objects(SH.targetClass):
            if isinstance(shape, URIRef) and isinstance(target, URIRef):
                found[str(target)].add(ShapeName(_name(graph, shape, "de"), _name(graph, shape, "en")))
        for shape in graph.subjects(RDF.type, SH.NodeShape):
            if isinstance(shape, URIRef) and (shape, RDF.type, RDFS.Class) in graph:
                found[str(shape)].add(ShapeName(_name(graph, shape, "de"), _name(graph, shape, "en")))
    return {iri: tuple(sorted(names, key=lambda n: (n.de.casefold(), n.en))) for iri, names in found.items()}


def validation(findings: Iterable[Finding], shapes: Iterable[Graph], files: Iterable[str]) -> Validation:
    ordered = sorted(findings, key=Finding.sort_key)
    return Validation(
        MappingProxyType(concerning(ordered)),
        MappingProxyType(shapes_by_class(*shapes)),
        tuple(files),
    )
