"""The validation names nodes with a namespace manager that remembers its names (koko.checks.bridge,
RememberingNames): the names follow every change of the prefixes, and the results, messages included,
are those found with rdflib's own namespace manager."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import NamespaceManager

from koko.checks.bridge import NamingGraph, RememberingNames
from koko.checks.validate import load_shapes, validate_dataset

SITE = Namespace("https://w3id.org/koko-kg/id/site/")


def test_a_remembered_name_follows_a_prefix_bound_later_through_another_graph():
    graph = NamingGraph()
    assert graph.namespace_manager.normalizeUri(SITE.erfurt) == f"<{SITE.erfurt}>"
    Graph(store=graph.store).bind("site", SITE)
    assert graph.namespace_manager.normalizeUri(SITE.erfurt) == "site:erfurt"


def test_a_repeated_bind_is_done_again_once_the_prefixes_changed():
    """pyshacl binds sh: for every result; after someone rebinds sh: elsewhere, its bind must run again."""
    graph = NamingGraph()
    shacl = "http://www.w3.org/ns/shacl#"
    graph.namespace_manager.bind("sh", shacl, override=False, replace=False)
    Graph(store=graph.store).bind("sh", "https://example.org/not-shacl#", override=True, replace=True)
    graph.namespace_manager.bind("sh", shacl, override=False, replace=False)
    assert dict(graph.namespaces())["sh1"] == URIRef(shacl)  # what rdflib does when sh: is taken


SHAPES = """
@prefix koko: <https://w3id.org/koko-kg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/shapes#> .

ex:Site a sh:NodeShape ;
  sh:targetClass koko:Site ;
  sh:property [ sh:path koko:municipality ; sh:minCount 1 ;
                sh:or ( [ sh:class koko:RuralDistrict ] [ sh:class koko:Network ] ) ] ;
  sh:property [ sh:path koko:printedName ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path koko:motto ; sh:pattern "^Bildung" ; sh:maxCount 1 ] ;
  sh:property [ sh:path koko:programme ; sh:in ( <https://w3id.org/koko-kg/id/programme/other> ) ] .
"""


def test_validation_finds_what_it_finds_on_rdflibs_own_graph(tmp_path, knowledge, monkeypatch):
    """Shapes without messages: pyshacl writes its own, naming nodes with the graphs' namespace managers."""
    path = tmp_path / "generic.shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    data = knowledge.dataset
    shapes = load_shapes(path)  # once: its blank nodes are the results' source shapes
    indexed_report = validate_dataset(data, shapes)
    monkeypatch.setattr(RememberingNames, "normalizeUri", NamespaceManager.normalizeUri)
    monkeypatch.setattr(RememberingNames, "bind", NamespaceManager.bind)
    plain_report = validate_dataset(data, shapes)
    assert indexed_report == plain_report
    findings = indexed_report.findings
    assert indexed_report.counts()["Violation"] == 27 + 27 + 23 + 6  # datatype, sh:in, pattern, sh:or
    assert (
        sum(f.message == "Value programme:koko not in list ['<https://w3id.org/koko-kg/id/programme/other>']" for f in findings)
        == 27
    )
    cities = sorted(f.message.split()[1] for f in findings if f.component == "OrConstraintComponent")
    # the six district-free cities (kreisfreie Städte) are neither rural districts nor networks
    assert cities == [f"municipality:{c}" for c in ("dessau-rosslau", "dresden", "eisenach", "erfurt", "magdeburg", "weimar")]
