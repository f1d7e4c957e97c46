"""The dataset description: VoID statistics and a DCAT-AP 3.0 record of the release, as triples.

:func:`statistics` counts what the release holds; :func:`describe_dataset` turns those
counts into triples for a given root URL, because the
SPARQL endpoint, the downloads and the landing page are absolute IRIs that depend on where
the release is served — the server passes the request's base URL, the static site its
configured root. The description has no blank nodes and no build timestamp: for the same
release and root it is the same triples in the same order, byte for byte in every format.

Every figure comes from the release itself; the only fixed text is the title, the
description and the keywords below.

The server answers with it at ``/.well-known/void`` (:mod:`koko.web.void`).

>>> vocabulary_of("https://schema.org/name"), vocabulary_of("https://w3id.org/koko-kg/ontology#Site")
('https://schema.org/', 'https://w3id.org/koko-kg/ontology')
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from koko.graph.format_table import RDF_FORMATS, RdfFormat, engine_serialize
from koko.graph.prefixes import PREFIXES
from koko.pages.backend import union_select
from koko.pages.overview import Select
from koko.pages.urls import ONTOLOGY_IRI, ONTOLOGY_NS, VOID_PATH, Urls
from koko.release.build import RELEASE_NAME
from koko.release.published import Published, Release

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPDX = "http://spdx.org/rdf/terms#"
KOKO = ONTOLOGY_NS
IANA = "https://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"

#: Prefixes of the description itself, and the short names of the partition IRIs (#class/koko:Site).
DESCRIPTION_PREFIXES = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "dcat": DCAT,
    "foaf": FOAF,
    "spdx": SPDX,
    "void": VOID,
}
#: The dump VoID points at: one file with every triple, one line each (void:triples lines).
DUMP = f"{RELEASE_NAME}.nt"

TITLE = {
    "de": "KoKo-Wissensgraph: Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte"
    " in Sachsen, Sachsen-Anhalt und Thüringen",
    "en": "KoKo knowledge graph: municipal coordination of education offers for newly arrived migrants"
    " in Saxony, Saxony-Anhalt and Thuringia",
}
DESCRIPTION = {
    "de": "Die Broschüre »Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte« in Sachsen, "
    "Sachsen-Anhalt und Thüringen (TransMit, 2020) als Linked-Data-Wissensgraph: die {sites} Standorte des "
    "BMBF-Programms KoKo ({start}–{end}), wer dort koordinierte, seit wann, in welcher Kommune und was jeder "
    "Standort auf die Fragen der Broschüre antwortete – jede Aussage mit den Zeilen des Textes belegt, aus "
    "denen sie stammt.",
    "en": "The brochure »Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte« in Sachsen, "
    "Sachsen-Anhalt und Thüringen (TransMit, 2020) as a linked-data knowledge graph: the {sites} sites of the "
    "federal programme KoKo (BMBF, {start}–{end}), who coordinated, since when, in which municipality, and what "
    "each site answered to the brochure's questions – every fact traceable to the lines of the text it came from.",
}
KEYWORDS = {
    "de": ("Bildungskoordination", "Neuzugewanderte", "Kommunales Bildungsmanagement", "Integration", "KoKo"),
    "en": ("education coordination", "newly arrived migrants", "municipal education management", "integration", "KoKo"),
}
PUBLISHER_NAME = "koko-kg contributors"  # as the ontology's dcterms:creator


@dataclass(frozen=True)
class Statistics:
    """What the release holds, counted over the union of its named graphs (distinct triples)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[tuple[str, int], ...]  # class IRI, instances
    properties: tuple[tuple[str, int, int, int], ...]  # property IRI, triples, subjects, objects
    graphs: tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...]  # graph IRI, triples, (label, lang)
    examples: tuple[str, ...]  # one site per federal state
    states: tuple[str, ...]
    period: tuple[str, str]  # first and last year of the programme's funding periods
    source: str  # the brochure

    @property
    def vocabularies(self) -> tuple[str, ...]:
        used = [iri for iri, _ in self.classes] + [iri for iri, *_ in self.properties]
        return tuple(sorted({vocabulary_of(iri) for iri in used}))

    def instances(self, cls: str) -> int:
        return dict(self.classes).get(cls, 0)


def vocabulary_of(iri: str) -> str:
    """The vocabulary a class or property belongs to: its namespace, or our ontology's IRI."""
    namespace = iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]
    return ONTOLOGY_IRI if namespace == ONTOLOGY_NS else namespace


def _rows(select: Select, query: str) -> list[list[str]]:
    return [[term.value if term is not None else "" for term in row] for row in select(query)]


def _count(select: Select, query: str) -> int:
    return int(_rows(select, query)[0][0] or 0)


# Counted over distinct triples: a statement made in two named graphs is one triple of the dataset.
DISTINCT_TRIPLES = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
PROPERTIES_QUERY = f"""SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE {DISTINCT_TRIPLES} GROUP BY ?p"""
CLASSES_QUERY = f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF}type> ?class }} GROUP BY ?class"
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
GRAPH_LABELS_QUERY = f"SELECT DISTINCT ?g ?label WHERE {{ GRAPH ?g {{ }} ?g <{RDFS}label> ?label }}"


def statistics(select: Select, base: str) -> Statistics:
    """Count the served triples, entities, classes, properties and graphs with SPARQL aggregates
    over the union of the named graphs (``select`` of a :mod:`koko.pages.backend`; ~0.1 s for the release).

    Only IRIs under ``base`` count as entities: the data's own resources, not the vocabularies'."""
    graph_labels: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in select(GRAPH_LABELS_QUERY):
        label = row["label"]
        if isinstance(label, ox.Literal):
            graph_labels[row["g"].value].add((label.value, label.language or ""))
    entities = f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(base)})) }}"""
    return Statistics(
        triples=_count(select, f"SELECT (COUNT(*) AS ?n) WHERE {DISTINCT_TRIPLES}"),
        entities=_count(select, entities),
        distinct_subjects=_count(select, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_count(select, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        classes=tuple(sorted((c, int(n)) for c, n in _rows(select, CLASSES_QUERY))),
        properties=tuple(sorted((p, int(n), int(s), int(o)) for p, n, s, o in _rows(select, PROPERTIES_QUERY))),
        graphs=tuple((g, int(n), tuple(sorted(graph_labels[g]))) for g, n in sorted(_rows(select, GRAPHS_QUERY))),
        **_landmarks(select),
    )


def _landmarks(select: Select) -> dict[str, Any]:
    """What the description points at: the brochure, the states, a site per state, the years."""
    examples = _rows(
        select,
        f"""SELECT ?state (MIN(STR(?site)) AS ?example) {{
              ?site a <{KOKO}Site> ; <{KOKO}municipality>/<{KOKO}federalState> ?state .
            }} GROUP BY ?state ORDER BY ?state""",
    )
    years = [
        _rows(
            select,
            f"SELECT ({aggregate}(?year) AS ?y) {{ ?p a <{KOKO}FundingProgramme> ; <{KOKO}fundingPeriod>/<{KOKO}{end}> ?year }}",
        )[0][0]
        for aggregate, end in (("MIN", "periodStart"), ("MAX", "periodEnd"))
    ]
    return {
        "examples": tuple(site for _, site in examples),
        "states": tuple(state for state, _ in examples),
        "period": (years[0], years[1]),
        "source": _rows(select, f"SELECT ?b {{ ?b a <{KOKO}Brochure> }} ORDER BY ?b LIMIT 1")[0][0],
    }


class _Triples:
    """Triples grouped by subject, subjects in the order first seen: a readable, stable order."""

    def __init__(self) -> None:
        self.subjects: dict[str, list[ox.Triple]] = {}

    def add(self, subject: str, predicate: str, *objects: ox.NamedNode | ox.Literal | str) -> None:
        node = ox.NamedNode(subject)
        for value in objects:
            term = ox.NamedNode(value) if isinstance(value, str) else value
            self.subjects.setdefault(subject, []).append(ox.Triple(node, ox.NamedNode(predicate), term))

    def triples(self) -> list[ox.Triple]:
        return [t for group in self.subjects.values() for t in sorted(group, key=_order)]


def _order(triple: ox.Triple) -> tuple[bool, str, str]:
    """rdf:type first, then by predicate and object."""
    return triple.predicate.value != RDF + "type", triple.predicate.value, str(triple.object)


def _integer(value: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def _texts(texts: dict[str, str]) -> list[ox.Literal]:
    return [ox.Literal(text, language=lang) for lang, text in texts.items()]


def short_name(iri: str) -> str:
    """A readable fragment for a class or property IRI: koko:Site, or the escaped IRI."""
    for prefix, namespace in sorted(DESCRIPTION_PREFIXES.items()):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{quote(iri[len(namespace) :], safe='')}"
    return quote(iri, safe="")


def dataset_iri(root_url: str) -> str:
    """The dataset's IRI: a fragment of the description served under ``root_url``.

    >>> dataset_iri("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/.well-known/void#dataset'
    """
    return root_url + VOID_PATH.lstrip("/") + "#dataset"


def _service(t: _Triples, service: str, sparql: str, dataset: str, publisher: str) -> None:
    """The SPARQL endpoint as a DCAT data service."""
    t.add(service, RDF + "type", DCAT + "DataService")
    t.add(
        service,
        DCTERMS + "title",
        *_texts({"de": "SPARQL-Endpunkt des KoKo-Wissensgraphen", "en": "SPARQL endpoint of the KoKo knowledge graph"}),
    )
    t.add(service, DCAT + "endpointURL", sparql)
    t.add(service, DCAT + "servesDataset", dataset)
    t.add(service, DCTERMS + "conformsTo", SPARQL_PROTOCOL)
    t.add(service, DCTERMS + "license", LICENSE)
    t.add(service, DCTERMS + "publisher", publisher)


def describe_dataset(
    published: Release, root_url: str, stats: Statistics | None = None, endpoint: bool = True
) -> list[ox.Triple]:
    """The VoID + DCAT-AP description of the release served at ``root_url`` (ending in '/');
    ``endpoint=False`` for a static copy, which has no SPARQL endpoint to announce.

    Dataset, catalogue, service and distributions are fragments of the description's own
    URL (``<root>.well-known/void#dataset``), so they resolve wherever the release is served;
    the subsets are the named graphs themselves.
    """
    if not root_url.endswith("/"):
        raise ValueError(f"the root URL must end with '/': {root_url!r}")
    if stats is None:
        assert isinstance(published, Published), "counting needs the data: pass the statistics"
        stats = statistics(functools.partial(union_select, published.store), published.config.base)
    urls = Urls(published.config.base)
    doc = root_url + urls.void.lstrip("/")
    dataset = dataset_iri(root_url)
    catalog, service, publisher, period = (f"{doc}#{n}" for n in ("catalog", "sparql", "publisher", "period"))
    sparql, home = root_url + urls.sparql.lstrip("/"), root_url
    t = _Triples()
    a = RDF + "type"

    t.add(doc, a, VOID + "DatasetDescription")
    t.add(doc, DCTERMS + "title", *_texts({"de": "Beschreibung des KoKo-Datensatzes", "en": "Description of the KoKo dataset"}))
    t.add(doc, FOAF + "primaryTopic", dataset)

    years = {"start": stats.period[0], "end": stats.period[1], "sites": stats.instances(KOKO + "Site")}
    t.add(dataset, a, VOID + "Dataset", DCAT + "Dataset")
    t.add(dataset, DCTERMS + "title", *_texts(TITLE))
    t.add(dataset, DCTERMS + "description", *_texts({lang: text.format(**years) for lang, text in DESCRIPTION.items()}))
    t.add(dataset, DCAT + "keyword", *[ox.Literal(k, language=lang) for lang, words in KEYWORDS.items() for k in words])
    t.add(dataset, DCTERMS + "publisher", publisher)
    t.add(dataset, DCTERMS + "creator", publisher)
    t.add(dataset, DCTERMS + "license", LICENSE)
    t.add(dataset, DCTERMS + "source", stats.source)
    t.add(dataset, DCTERMS + "conformsTo", ONTOLOGY_IRI)
    t.add(dataset, DCTERMS + "language", EU + "language/DEU", EU + "language/ENG")
    t.add(dataset, DCAT + "theme", EU + "data-theme/EDUC", EU + "data-theme/SOCI")
    t.add(dataset, DCTERMS + "spatial", *stats.states)
    t.add(dataset, DCTERMS + "temporal", period)
    t.add(dataset, DCAT + "landingPage", home)
    t.add(dataset, DCAT + "distribution", *[f"{doc}#distribution/{name}" for name in dumps(published)])
    if DUMP in published.files:  # a server in front of a remote store may offer no files
        t.add(dataset, VOID + "dataDump", root_url + urls.download(DUMP).lstrip("/"))
    if endpoint:
        t.add(dataset, VOID + "sparqlEndpoint", sparql)
    t.add(dataset, VOID + "uriSpace", ox.Literal(published.config.base))
    t.add(dataset, VOID + "vocabulary", *stats.vocabularies)
    t.add(dataset, VOID + "exampleResource", *stats.examples)
    t.add(dataset, VOID + "triples", _integer(stats.triples))
    t.add(dataset, VOID + "entities", _integer(stats.entities))
    t.add(dataset, VOID + "distinctSubjects", _integer(stats.distinct_subjects))
    t.add(dataset, VOID + "distinctObjects", _integer(stats.distinct_objects))
    t.add(dataset, VOID + "properties", _integer(len(stats.properties)))
    t.add(dataset, VOID + "classes", _integer(len(stats.classes)))
    t.add(dataset, VOID + "classPartition", *[f"{doc}#class/{short_name(c)}" for c, _ in stats.classes])
    t.add(dataset, VOID + "propertyPartition", *[f"{doc}#property/{short_name(p)}" for p, *_ in stats.properties])
    t.add(dataset, VOID + "subset", *[g for g, *_ in stats.graphs])

    t.add(catalog, a, DCAT + "Catalog")
    t.add(catalog, DCTERMS + "title", *_texts({"de": "KoKo-Datenkatalog", "en": "KoKo data catalogue"}))
    t.add(
        catalog,
        DCTERMS + "description",
        *_texts(
            {"de": "Der KoKo-Wissensgraph und sein SPARQL-Endpunkt.", "en": "The KoKo knowledge graph and its SPARQL endpoint."}
        ),
    )
    t.add(catalog, DCTERMS + "publisher", publisher)
    t.add(catalog, DCTERMS + "license", LICENSE)
    t.add(catalog, FOAF + "homepage", home)
    t.add(catalog, DCAT + "dataset", dataset)
    if endpoint:
        t.add(catalog, DCAT + "service", service)
        _service(t, service, sparql, dataset, publisher)

    t.add(publisher, a, FOAF + "Agent")
    t.add(publisher, FOAF + "name", ox.Literal(PUBLISHER_NAME))

    t.add(period, a, DCTERMS + "PeriodOfTime")
    t.add(period, DCAT + "startDate", ox.Literal(stats.period[0], datatype=ox.NamedNode(XSD + "gYear")))
    t.add(period, DCAT + "endDate", ox.Literal(stats.period[1], datatype=ox.NamedNode(XSD + "gYear")))

    for name, fmt in dumps(published).items():
        node, checksum = f"{doc}#distribution/{name}", f"{doc}#checksum/{name}"
        url = root_url + urls.download(name).lstrip("/")
        t.add(node, a, DCAT + "Distribution")
        t.add(
            node,
            DCTERMS + "title",
            *_texts(
                {
                    "de": f"KoKo-Wissensgraph als {fmt.label}",
                    "en": f"KoKo knowledge graph as {fmt.label}",
                }
            ),
        )
        t.add(node, DCAT + "accessURL", url)
        t.add(node, DCAT + "downloadURL", url)
        t.add(node, DCAT + "mediaType", IANA + fmt.media_type)
        t.add(node, DCTERMS + "format", EU + "file-type/" + fmt.eu_file_type)
        t.add(node, DCAT + "byteSize", _integer(published.files.size(name), "nonNegativeInteger"))
        t.add(node, DCTERMS + "license", LICENSE)
        t.add(node, SPDX + "checksum", checksum)
        t.add(checksum, a, SPDX + "Checksum")
        t.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        t.add(
            checksum,
            SPDX + "checksumValue",
            ox.Literal(published.files.sha256(name), datatype=ox.NamedNode(XSD + "hexBinary")),
        )

    for cls, entities in stats.classes:
        node = f"{doc}#class/{short_name(cls)}"
        t.add(node, VOID + "class", cls)
        t.add(node, VOID + "entities", _integer(entities))
    for prop, triples, subjects, objects in stats.properties:
        node = f"{doc}#property/{short_name(prop)}"
        t.add(node, VOID + "property", prop)
        t.add(node, VOID + "triples", _integer(triples))
        t.add(node, VOID + "distinctSubjects", _integer(subjects))
        t.add(node, VOID + "distinctObjects", _integer(objects))
    for graph, triples, labels in stats.graphs:
        t.add(graph, a, VOID + "Dataset")
        t.add(graph, DCTERMS + "title", *[ox.Literal(text, language=lang) if lang else ox.Literal(text) for text, lang in labels])
        t.add(graph, VOID + "triples", _integer(triples))
    return t.triples()


def dumps(published: Release) -> dict[str, RdfFormat]:
    """The release files that hold the whole dataset, by file name, in the format table's order."""
    names = {f"{RELEASE_NAME}.{fmt.extension}": fmt for fmt in RDF_FORMATS}
    return {name: fmt for name, fmt in names.items() if name in published.files}


def serialise_description(triples: Iterable[ox.Triple], fmt: RdfFormat) -> bytes:
    """The description in one RDF format, with the prefixes it uses where the format has them."""
    triples = list(triples)
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    used = {p: ns for p, ns in DESCRIPTION_PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}
    return engine_serialize(triples, fmt, used)
