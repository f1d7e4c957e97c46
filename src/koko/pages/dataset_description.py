"""The dataset description: VoID statistics and a DCAT-AP 3.0.1 record of the release, as triples.

:func:`statistics` counts what the release holds; :func:`describe_dataset` turns those
counts into triples for a given root URL, because the
SPARQL endpoint, the downloads and the landing page are absolute IRIs that depend on where
the release is served — the server passes the request's base URL, the static site its
configured root. The dataset itself and what describes the data (catalogue, publisher,
distributions, partitions) are named under the data's base IRI instead, so a harvester sees one
dataset whichever host it asked. The description has no blank nodes and no build timestamp: for
the same release and root it is the same triples in the same order, byte for byte in every format.

Every figure comes from the release itself; the only fixed text is the title, the
description, the keywords and the release dates below.

DCAT-AP's range shapes expect each object to be typed (a licence a ``dcterms:LicenseDocument``, a
theme a ``skos:Concept``), and we do not ship the EU vocabularies: so the description types the few
terms of them it uses itself, as DCAT-AP asks of publishers (:data:`VOCABULARY_TERMS`).

The server answers with it at ``/.well-known/void`` (:mod:`koko.web.void`).

>>> vocabulary_of("https://schema.org/name"), vocabulary_of("https://w3id.org/koko-kg/ontology#Site")
('https://schema.org/', 'https://w3id.org/koko-kg/ontology')
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pyoxigraph as ox

from koko import __version__
from koko.graph.format_table import RDF_FORMATS, RdfFormat, engine_serialize
from koko.graph.prefixes import PREFIXES
from koko.pages.backend import union_select
from koko.pages.overview import Select
from koko.pages.urls import ONTOLOGY_IRI, ONTOLOGY_NS, Urls
from koko.release.build import RELEASE_NAME
from koko.release.published import Published, Release
from koko.source.identifiers import Area, load_areas, state_key_uri

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPDX = "http://spdx.org/rdf/terms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
PROV = "http://www.w3.org/ns/prov#"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"
DCATAP = "http://data.europa.eu/r5r/"
KOKO = ONTOLOGY_NS
IANA = "https://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
#: The licence for people (the page links it); the description names it by the EU licence authority's IRI.
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENCE = EU + "licence/CC_BY_4_0"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
LANGUAGES = (EU + "language/DEU", EU + "language/ENG")
THEMES = (EU + "data-theme/EDUC", EU + "data-theme/SOCI")
ACCESS_RIGHTS = EU + "access-right/PUBLIC"
# The brochure is a finished text; the graph changes when curators correct or add facts, at no set interval.
FREQUENCY = EU + "frequency/IRREG"
AVAILABILITY = EU + "planned-availability/STABLE"
# The contributors publish as themselves, not for an organisation.
PUBLISHER_TYPE = ADMS_PUBLISHER_TYPE + "PrivateIndividual(s)"


class Term(NamedTuple):
    """A vocabulary term as the description states it: the classes DCAT-AP's range shapes expect of it,
    its concept scheme, and our German and English label (the core shapes want a skos:prefLabel)."""

    classes: tuple[str, ...]
    scheme: str
    labels: dict[str, str]


_CONCEPT = (SKOS + "Concept",)
#: The EU (and ADMS) vocabulary terms the description uses, the file types aside (:func:`_file_type`).
VOCABULARY_TERMS: dict[str, Term] = {
    LICENCE: Term(
        (DCTERMS + "LicenseDocument", *_CONCEPT),
        EU + "licence",
        {"de": "Creative Commons Namensnennung 4.0 International", "en": "Creative Commons Attribution 4.0 International"},
    ),
    ADMS_LICENCE_TYPE + "Attribution": Term(_CONCEPT, ADMS_LICENCE_TYPE + "1.0", {"de": "Namensnennung", "en": "Attribution"}),
    PUBLISHER_TYPE: Term(_CONCEPT, ADMS_PUBLISHER_TYPE + "1.0", {"de": "Privatperson(en)", "en": "Private individual(s)"}),
    LANGUAGES[0]: Term((DCTERMS + "LinguisticSystem", *_CONCEPT), EU + "language", {"de": "Deutsch", "en": "German"}),
    LANGUAGES[1]: Term((DCTERMS + "LinguisticSystem", *_CONCEPT), EU + "language", {"de": "Englisch", "en": "English"}),
    THEMES[0]: Term(_CONCEPT, EU + "data-theme", {"de": "Bildung, Kultur und Sport", "en": "Education, culture and sport"}),
    THEMES[1]: Term(_CONCEPT, EU + "data-theme", {"de": "Bevölkerung und Gesellschaft", "en": "Population and society"}),
    ACCESS_RIGHTS: Term((DCTERMS + "RightsStatement", *_CONCEPT), EU + "access-right", {"de": "öffentlich", "en": "public"}),
    FREQUENCY: Term((DCTERMS + "Frequency", *_CONCEPT), EU + "frequency", {"de": "unregelmäßig", "en": "irregular"}),
    AVAILABILITY: Term(_CONCEPT, EU + "planned-availability", {"de": "stabil", "en": "stable"}),
}
THEME_TAXONOMY = EU + "data-theme"

#: The release's dates, as CHANGELOG.md gives them (a test compares): first published with 0.1.0, last
#: changed by the newest dated release. A build date would make identical builds differ.
ISSUED = "2026-11-25"
MODIFIED = "2026-11-25"

#: Prefixes of the description itself, and the short names of the partition IRIs (#class/koko:Site).
DESCRIPTION_PREFIXES = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "dcat": DCAT,
    "dcatap": DCATAP,
    "foaf": FOAF,
    "spdx": SPDX,
    "vcard": VCARD,
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
    "en": "The brochure on the programme »Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte« "
    "in Saxony, Saxony-Anhalt and Thuringia (TransMit, 2020) as a linked-data knowledge graph: the {sites} sites of the "
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
    state_keys: tuple[str, ...]  # their official keys (Landesschlüssel), in the same order
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


# Every count is over the release's named graphs, ``GRAPH ?g`` with ``$GRAPHS`` (a VALUES block of their IRIs,
# or nothing: every named graph), never over a store's default graph: Virtuoso's holds its own system graphs
# (2,496 triples), and a store without a union default graph would count nothing.
# Counted over distinct triples: a statement made in two named graphs is one triple of the dataset.
DISTINCT_TRIPLES = "{ SELECT DISTINCT ?s ?p ?o WHERE { $GRAPHS GRAPH ?g { ?s ?p ?o } } }"
PROPERTIES_QUERY = f"""SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE {DISTINCT_TRIPLES} GROUP BY ?p"""
CLASSES_QUERY = f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE {{ $GRAPHS GRAPH ?g {{ ?s <{RDF}type> ?class }} }} GROUP BY ?class"""
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { $GRAPHS GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Each graph describes itself inside itself (graph.model). Not GRAPH ?g { } with the label outside: Virtuoso 7
# finds no graph for an empty group pattern.
GRAPH_LABELS_QUERY = f"SELECT DISTINCT ?g ?label WHERE {{ $GRAPHS GRAPH ?g {{ ?g <{RDFS}label> ?label }} }}"


def statistics(select: Select, base: str, graphs: Collection[str] | None = None) -> Statistics:
    """Count the served triples, entities, classes, properties and graphs with SPARQL aggregates
    over the union of the named graphs (``select`` of a :mod:`koko.pages.backend`; ~0.1 s for the release).

    ``graphs``: the release's named graphs, the only ones counted (a store may hold others: Virtuoso's
    system graphs); None counts every named graph (the embedded store holds the release alone).
    Only IRIs under ``base`` count as entities: the data's own resources, not the vocabularies'."""
    values = "" if graphs is None else f"VALUES ?g {{ {' '.join(str(ox.NamedNode(g)) for g in sorted(graphs))} }}"

    def ask(query: str) -> Iterable[ox.QuerySolution]:
        return select(query.replace("$GRAPHS", values))

    graph_labels: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in ask(GRAPH_LABELS_QUERY):
        label = row["label"]
        if isinstance(label, ox.Literal):
            graph_labels[row["g"].value].add((label.value, label.language or ""))
    # Over the default graph: no graph but the release's names a subject under the base, and Virtuoso 7 took 2.8 s
    # for this FILTER inside GRAPH ?g with the graphs' VALUES, against 0.06 s over its default graph.
    entities = f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(base)})) }}"""
    return Statistics(
        triples=_count(ask, f"SELECT (COUNT(*) AS ?n) WHERE {DISTINCT_TRIPLES}"),
        entities=_count(ask, entities),
        distinct_subjects=_count(ask, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { $GRAPHS GRAPH ?g { ?s ?p ?o } }"),
        distinct_objects=_count(ask, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { $GRAPHS GRAPH ?g { ?s ?p ?o } }"),
        classes=tuple(sorted((c, int(n)) for c, n in _rows(ask, CLASSES_QUERY))),
        properties=tuple(sorted((p, int(n), int(s), int(o)) for p, n, s, o in _rows(ask, PROPERTIES_QUERY))),
        graphs=tuple((g, int(n), tuple(sorted(graph_labels[g]))) for g, n in sorted(_rows(ask, GRAPHS_QUERY))),
        **_landmarks(select),
    )


def _landmarks(select: Select) -> dict[str, Any]:
    """What the description points at: the brochure, the states, a site per state, the years."""
    examples = _rows(
        select,
        f"""SELECT ?state (MIN(STR(?site)) AS ?example) (MIN(?k) AS ?key) {{
              ?site a <{KOKO}Site> ; <{KOKO}municipality>/<{KOKO}federalState> ?state .
              OPTIONAL {{ ?state <{KOKO}landesschluessel> ?k }}
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
        "examples": tuple(site for _, site, _ in examples),
        "states": tuple(state for state, _, _ in examples),
        "state_keys": tuple(key for _, _, key in examples if key),
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


@functools.lru_cache(maxsize=4)
def _areas(data_folder: Path) -> dict[str, Area]:
    """Read and checked once per data folder: the description is built for every request (its links name
    the request's host), and the vendored file never changes while serving."""
    return load_areas(data_folder)


def dataset_iri(base: str) -> str:
    """The dataset's IRI, named under the data's base IRI so that it is the same whichever host serves
    it (a harvester that reaches two mirrors sees one dataset); what describes the data hangs off it.

    >>> dataset_iri("https://w3id.org/koko-kg/id/")
    'https://w3id.org/koko-kg/id/dataset'
    """
    return base + "dataset"


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def _vocabulary(t: _Triples, terms: dict[str, Term]) -> None:
    """Type and label the vocabulary terms used, as the shapes expect (we ship no copy of the vocabularies)."""
    for iri, term in terms.items():
        t.add(iri, RDF + "type", *term.classes)
        t.add(iri, SKOS + "prefLabel", *_texts(term.labels))
        t.add(iri, SKOS + "inScheme", term.scheme)


def _file_type(fmt: RdfFormat) -> tuple[str, Term]:
    """A release format's term of the EU file-type authority, labelled as our format table names it."""
    return EU + "file-type/" + fmt.eu_file_type, Term(
        (DCTERMS + "MediaTypeOrExtent", *_CONCEPT), EU + "file-type", {"de": fmt.label, "en": fmt.label}
    )


def _service(t: _Triples, service: str, sparql: str, dataset: str, publisher: str, contact: str) -> None:
    """The SPARQL endpoint as a DCAT data service."""
    t.add(service, RDF + "type", DCAT + "DataService")
    t.add(
        service,
        DCTERMS + "title",
        *_texts({"de": "SPARQL-Endpunkt des KoKo-Wissensgraphen", "en": "SPARQL endpoint of the KoKo knowledge graph"}),
    )
    t.add(service, DCAT + "endpointURL", sparql)
    t.add(service, DCAT + "endpointDescription", sparql)  # a GET without a query answers its service description
    t.add(service, DCAT + "servesDataset", dataset)
    t.add(service, DCAT + "contactPoint", contact)
    t.add(service, DCAT + "theme", *THEMES)
    t.add(service, DCAT + "keyword", *_keywords())
    t.add(service, DCTERMS + "conformsTo", SPARQL_PROTOCOL)
    t.add(service, DCTERMS + "license", LICENCE)
    t.add(service, DCTERMS + "publisher", publisher)
    t.add(SPARQL_PROTOCOL, RDF + "type", DCTERMS + "Standard")


def _keywords() -> list[ox.Literal]:
    return [ox.Literal(k, language=lang) for lang, words in KEYWORDS.items() for k in words]


def describe_dataset(
    published: Release, root_url: str, stats: Statistics | None = None, endpoint: bool = True
) -> list[ox.Triple]:
    """The VoID + DCAT-AP description of the release served at ``root_url`` (ending in '/');
    ``endpoint=False`` for a static copy, which has no SPARQL endpoint to announce.

    The dataset is ``<base>dataset`` (:func:`dataset_iri`), and its catalogue, publisher, contact,
    time span, distributions and partitions are fragments of it: the same IRIs under every host.
    The description document, the service and every URL to fetch (downloads, endpoint, landing
    page) are under ``root_url``; the subsets are the named graphs themselves.
    """
    if not root_url.endswith("/"):
        raise ValueError(f"the root URL must end with '/': {root_url!r}")
    if stats is None:
        assert isinstance(published, Published), "counting needs the data: pass the statistics"
        stats = statistics(functools.partial(union_select, published.store), published.config.base)
    urls = Urls(published.config.base)
    doc = root_url + urls.void.lstrip("/")
    dataset = dataset_iri(published.config.base)
    catalog, publisher, period, contact = (f"{dataset}#{n}" for n in ("catalog", "publisher", "period", "contact"))
    service = f"{doc}#sparql"
    sparql, home = root_url + urls.sparql.lstrip("/"), root_url
    spatial = [state_key_uri(key) for key in stats.state_keys]
    t = _Triples()
    a = RDF + "type"

    t.add(doc, a, VOID + "DatasetDescription")
    t.add(doc, DCTERMS + "title", *_texts({"de": "Beschreibung des KoKo-Datensatzes", "en": "Description of the KoKo dataset"}))
    t.add(doc, FOAF + "primaryTopic", dataset)

    years = {"start": stats.period[0], "end": stats.period[1], "sites": stats.instances(KOKO + "Site")}
    t.add(dataset, a, VOID + "Dataset", DCAT + "Dataset")
    t.add(dataset, DCTERMS + "title", *_texts(TITLE))
    t.add(dataset, DCTERMS + "description", *_texts({lang: text.format(**years) for lang, text in DESCRIPTION.items()}))
    t.add(dataset, DCAT + "keyword", *_keywords())
    t.add(dataset, DCAT + "version", ox.Literal(__version__))
    t.add(dataset, DCTERMS + "issued", _date(ISSUED))
    t.add(dataset, DCTERMS + "modified", _date(MODIFIED))
    t.add(dataset, DCTERMS + "publisher", publisher)
    t.add(dataset, DCTERMS + "creator", publisher)
    t.add(dataset, DCAT + "contactPoint", contact)
    t.add(dataset, DCTERMS + "license", LICENCE)
    t.add(dataset, DCTERMS + "accessRights", ACCESS_RIGHTS)
    t.add(dataset, DCTERMS + "accrualPeriodicity", FREQUENCY)
    # DCAT-AP gives dcterms:source the range dcat:Dataset; the brochure is a document, so PROV says it.
    t.add(dataset, PROV + "wasDerivedFrom", stats.source)
    t.add(dataset, DCTERMS + "conformsTo", ONTOLOGY_IRI)
    t.add(dataset, DCTERMS + "language", *LANGUAGES)
    t.add(dataset, DCAT + "theme", *THEMES)
    t.add(dataset, DCTERMS + "spatial", *spatial)
    t.add(dataset, DCTERMS + "temporal", period)
    t.add(dataset, DCAT + "landingPage", home)
    t.add(dataset, DCAT + "distribution", *[f"{dataset}#distribution/{name}" for name in dumps(published)])
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
    t.add(dataset, VOID + "classPartition", *[f"{dataset}#class/{short_name(c)}" for c, _ in stats.classes])
    t.add(dataset, VOID + "propertyPartition", *[f"{dataset}#property/{short_name(p)}" for p, *_ in stats.properties])
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
    t.add(catalog, DCTERMS + "license", LICENCE)
    t.add(catalog, DCTERMS + "language", *LANGUAGES)
    t.add(catalog, DCTERMS + "issued", _date(ISSUED))
    t.add(catalog, DCTERMS + "modified", _date(MODIFIED))
    t.add(catalog, DCTERMS + "spatial", *spatial)
    t.add(catalog, DCAT + "themeTaxonomy", THEME_TAXONOMY)
    t.add(catalog, FOAF + "homepage", home)
    t.add(catalog, DCAT + "dataset", dataset)
    if endpoint:
        t.add(catalog, DCAT + "service", service)
        _service(t, service, sparql, dataset, publisher, contact)

    t.add(publisher, a, FOAF + "Agent")
    t.add(publisher, FOAF + "name", ox.Literal(PUBLISHER_NAME))
    t.add(publisher, DCTERMS + "type", PUBLISHER_TYPE)

    # The project has no postal or mail address to give: the contact is the site that serves the data.
    t.add(contact, a, VCARD + "Kind", VCARD + "Organization")
    t.add(contact, VCARD + "fn", ox.Literal(PUBLISHER_NAME))
    t.add(contact, VCARD + "hasURL", home)

    t.add(period, a, DCTERMS + "PeriodOfTime")
    t.add(period, DCAT + "startDate", ox.Literal(stats.period[0], datatype=ox.NamedNode(XSD + "gYear")))
    t.add(period, DCAT + "endDate", ox.Literal(stats.period[1], datatype=ox.NamedNode(XSD + "gYear")))

    for name, fmt in dumps(published).items():
        node, checksum = f"{dataset}#distribution/{name}", f"{dataset}#checksum/{name}"
        url = root_url + urls.download(name).lstrip("/")
        t.add(node, a, DCAT + "Distribution")
        t.add(
            node,
            DCTERMS + "title",
            *_texts({"de": f"KoKo-Wissensgraph als {fmt.label}", "en": f"KoKo knowledge graph as {fmt.label}"}),
        )
        t.add(
            node,
            DCTERMS + "description",
            *_texts(
                {
                    "de": f"Alle Tripel des KoKo-Wissensgraphen in einer {fmt.label}-Datei ({name}).",
                    "en": f"Every triple of the KoKo knowledge graph in one {fmt.label} file ({name}).",
                }
            ),
        )
        t.add(node, DCAT + "accessURL", url)
        t.add(node, DCAT + "downloadURL", url)
        t.add(node, DCAT + "mediaType", IANA + fmt.media_type)
        t.add(node, DCTERMS + "format", EU + "file-type/" + fmt.eu_file_type)
        t.add(node, DCAT + "byteSize", _integer(published.files.size(name), "nonNegativeInteger"))
        t.add(node, DCTERMS + "license", LICENCE)
        t.add(node, DCATAP + "availability", AVAILABILITY)
        t.add(node, SPDX + "checksum", checksum)
        t.add(checksum, a, SPDX + "Checksum")
        t.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        t.add(
            checksum,
            SPDX + "checksumValue",
            ox.Literal(published.files.sha256(name), datatype=ox.NamedNode(XSD + "hexBinary")),
        )

    _vocabulary(t, VOCABULARY_TERMS | dict(_file_type(fmt) for fmt in dumps(published).values()))
    t.add(LICENCE, DCTERMS + "type", ADMS_LICENCE_TYPE + "Attribution")
    t.add(LICENCE, RDFS + "seeAlso", LICENSE)
    t.add(THEME_TAXONOMY, a, SKOS + "ConceptScheme")
    t.add(THEME_TAXONOMY, DCTERMS + "title", *_texts({"de": "Datenthemen der EU", "en": "EU data themes"}))
    for fmt in dumps(published).values():
        t.add(IANA + fmt.media_type, a, DCTERMS + "MediaType")
    t.add(ONTOLOGY_IRI, a, DCTERMS + "Standard")
    t.add(home, a, FOAF + "Document")
    areas = _areas(published.config.municipalities.parent)
    for key, location in zip(stats.state_keys, spatial, strict=True):
        # DCAT-AP recommends a box and a centroid for a location; the states' are BKG's (VG250), vendored
        t.add(location, a, DCTERMS + "Location")
        t.add(location, DCAT + "bbox", ox.Literal(areas[key].box_wkt(), datatype=ox.NamedNode(GEOSPARQL + "wktLiteral")))
        t.add(location, DCAT + "centroid", ox.Literal(areas[key].centroid_wkt(), datatype=ox.NamedNode(GEOSPARQL + "wktLiteral")))

    for cls, entities in stats.classes:
        node = f"{dataset}#class/{short_name(cls)}"
        t.add(node, VOID + "class", cls)
        t.add(node, VOID + "entities", _integer(entities))
    for prop, triples, subjects, objects in stats.properties:
        node = f"{dataset}#property/{short_name(prop)}"
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
