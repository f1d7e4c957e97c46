"""The SPARQL 1.1 Service Description of ``/sparql``: what a client learns from a GET without a query.

https://www.w3.org/TR/sparql11-service-description/ asks an endpoint to describe itself when it is
dereferenced without a query. :func:`describe_service` says what koko's endpoint does, and nothing more:

- SPARQL 1.1 Query only (updates are refused), without federation (SERVICE is refused, so no
  ``sd:BasicFederatedQuery``) and without fetching graphs (no ``sd:DereferencesURIs``);
- ``sd:UnionDefaultGraph``: a query that names no graph reads the union of the release's named graphs
  (:func:`koko.sparql.execution.execute` asks pyoxigraph for it; a remote store behind ``koko serve --store``
  must be set up so, which :func:`koko.store.backend.connect` checks);
- every format the endpoint writes (:mod:`koko.graph.format_table`), by its IRI under
  http://www.w3.org/ns/formats/;
- the default dataset, which is the release's dataset as VoID and DCAT describe it (its IRI,
  :func:`koko.pages.dataset_description.dataset_iri`): the default graph and each named graph with its
  number of triples and its labels.

The service is the DCAT data service of the dataset description (``/.well-known/void#sparql``), so the two
descriptions meet. The graph descriptions are blank nodes, as in the specification's examples, with labels
made from their order: the same release and root give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from koko.graph.format_table import RDF_FORMATS, RESULT_FORMATS, RdfFormat, engine_serialize

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}

#: The W3C format IRI of each format the endpoint writes, by its name in the format table (RDF, then results).
RDF_FORMAT_IRIS = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "trig": "TriG", "nq": "N-Quads", "xml": "RDF_XML"}
RESULT_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
}
SERVICE_LABELS = {"de": "SPARQL-Endpunkt des KoKo-Wissensgraphen", "en": "SPARQL endpoint of the KoKo knowledge graph"}
DEFAULT_GRAPH_LABELS = {
    "de": "Standardgraph: die Vereinigung aller benannten Graphen",
    "en": "Default graph: the union of all named graphs",
}

#: A named graph as :class:`koko.pages.dataset_description.Statistics` counts it: IRI, triples, (label, language).
GraphCount = tuple[str, int, tuple[tuple[str, str], ...]]


def result_formats() -> list[str]:
    """The format IRIs of what the endpoint writes: the RDF formats, then the SPARQL results formats.

    >>> [iri.removeprefix(FORMATS) for iri in result_formats()][:3]
    ['Turtle', 'JSON-LD', 'N-Triples']
    """
    names = [RDF_FORMAT_IRIS[f.name] for f in RDF_FORMATS] + [RESULT_FORMAT_IRIS[f.name] for f in RESULT_FORMATS]
    return [FORMATS + name for name in names]


def describe_service(
    service: str, endpoint: str, dataset: str, void: str, triples: int, graphs: Sequence[GraphCount]
) -> list[ox.Triple]:
    """The service description: ``service`` is the description's subject, ``endpoint`` the URL queries go to,
    ``dataset`` the dataset's IRI and ``void`` the URL of its VoID description; ``triples`` counts the
    default graph (the union), ``graphs`` the named graphs."""
    out: list[ox.Triple] = []

    def add(subject: str | ox.BlankNode, predicate: str, *objects: str | ox.BlankNode | ox.Literal) -> None:
        node = ox.NamedNode(subject) if isinstance(subject, str) else subject
        for value in objects:
            term = ox.NamedNode(value) if isinstance(value, str) else value
            out.append(ox.Triple(node, ox.NamedNode(predicate), term))

    add(service, RDF + "type", SD + "Service")
    add(service, RDFS + "label", *_texts(SERVICE_LABELS))
    add(service, SD + "endpoint", endpoint)
    add(service, SD + "supportedLanguage", SD + "SPARQL11Query")
    add(service, SD + "feature", SD + "UnionDefaultGraph")
    add(service, SD + "resultFormat", *result_formats())
    add(service, SD + "defaultDataset", dataset)
    add(service, RDFS + "seeAlso", void)

    default = ox.BlankNode("defaultGraph")
    add(dataset, RDF + "type", SD + "Dataset")
    add(dataset, SD + "defaultGraph", default)
    named = [(ox.BlankNode(f"namedGraph{i}"), ox.BlankNode(f"graph{i}"), g) for i, g in enumerate(sorted(graphs), 1)]
    add(dataset, SD + "namedGraph", *(node for node, _, _ in named))
    add(dataset, RDFS + "seeAlso", void)
    add(default, RDF + "type", SD + "Graph")
    add(default, RDFS + "label", *_texts(DEFAULT_GRAPH_LABELS))
    add(default, VOID + "triples", _integer(triples))
    for node, graph, (name, count, labels) in named:
        add(node, RDF + "type", SD + "NamedGraph")
        add(node, SD + "name", name)
        add(node, RDFS + "label", *(ox.Literal(text, language=lang) if lang else ox.Literal(text) for text, lang in labels))
        add(node, SD + "graph", graph)
        add(graph, RDF + "type", SD + "Graph")
        add(graph, VOID + "triples", _integer(count))
    return out


def serialise_service(triples: Iterable[ox.Triple], fmt: RdfFormat) -> bytes:
    """The description in ``fmt``, with its prefixes where the format has them (the quads formats write it as
    their default graph)."""
    return engine_serialize(triples, fmt, PREFIXES if fmt.name in ("ttl", "trig") else None)


def _texts(labels: Mapping[str, str]) -> list[ox.Literal]:
    return [ox.Literal(text, language=lang) for lang, text in labels.items()]


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
