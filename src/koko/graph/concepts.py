"""The controlled vocabularies as SKOS: one concept scheme per closed list, in ``graph/vocabularies``.

``vocabulary/{scheme}`` is a ``skos:ConceptScheme`` and ``vocabulary/{scheme}/{value}`` its
concepts, each with German and English ``skos:prefLabel`` and ``skos:definition`` (and the same
labels as ``rdfs:label``, which the pages and generic browsers show). Curated role and measure
entities join the schemes ``role`` and ``measure`` from their own graphs.
"""

from __future__ import annotations

from rdflib import RDF, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from koko.graph.model import Iris, de_en, graph_provenance
from koko.source.vocabulary import Scheme


def scheme_iri(iri: Iris, scheme: str) -> URIRef:
    return iri(f"vocabulary/{scheme}")


def concept_iri(iri: Iris, scheme: str, value: str) -> URIRef:
    return iri(f"vocabulary/{scheme}/{value}")


def add_vocabularies(dataset: Dataset, schemes: tuple[Scheme, ...], iri: Iris) -> None:
    name = iri("graph/vocabularies")
    graph = dataset.graph(name)
    source = iri("source/vocabularies.yaml")
    for scheme in schemes:
        node = scheme_iri(iri, scheme.id)
        graph.add((node, RDF.type, SKOS.ConceptScheme))
        de_en(graph, node, scheme.label["de"], scheme.label["en"])
        de_en(graph, node, scheme.label["de"], scheme.label["en"], SKOS.prefLabel)
        de_en(graph, node, scheme.definition["de"], scheme.definition["en"], SKOS.definition)
        # The scheme's name whatever the base IRI: shapes and queries find a scheme by it.
        graph.add((node, SKOS.notation, Literal(scheme.id)))
        graph.add((node, PROV.wasDerivedFrom, source))
        for concept in scheme.concepts:
            item = concept_iri(iri, scheme.id, concept.id)
            graph.add((item, RDF.type, SKOS.Concept))
            de_en(graph, item, concept.label["de"], concept.label["en"])
            de_en(graph, item, concept.label["de"], concept.label["en"], SKOS.prefLabel)
            de_en(graph, item, concept.definition["de"], concept.definition["en"], SKOS.definition)
            graph.add((item, SKOS.notation, Literal(concept.id)))
            graph.add((item, SKOS.inScheme, node))
            graph.add((item, SKOS.topConceptOf, node))
            graph.add((node, SKOS.hasTopConcept, item))
    graph_provenance(
        graph,
        name,
        "Benannter Graph: kontrollierte Vokabulare",
        "Named graph: controlled vocabularies",
        [source],
    )
    graph.add((source, RDF.type, PROV.Entity))
    de_en(graph, source, "Kontrollierte Vokabulare (data/vocabularies.yaml)", "Controlled vocabularies (data/vocabularies.yaml)")
    graph.add((source, DCTERMS.format, Literal("application/yaml")))
