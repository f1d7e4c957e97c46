"""The terms pages talk about: the KoKo ontology, read once, and labels for the reused vocabularies.

``ontology/koko.ttl`` is parsed with pyoxigraph into frozen dataclasses when the pages are set
up, so request threads share nothing mutable (no rdflib graph crosses a thread). Terms of
the vocabularies we reuse (rdfs:label, prov:wasDerivedFrom, schema:name …) are not defined
in our ontology, so the few the data uses get German and English labels here; anything else
is shown as a prefixed name.

>>> from koko.config import Config
>>> vocabulary = load_vocabulary(Config().ontology.read_bytes())
>>> site = "https://w3id.org/koko-kg/ontology#Site"
>>> vocabulary.label(site, "de"), vocabulary.label(site, "en")
('Standort', 'site')
>>> vocabulary.label("http://www.w3.org/ns/prov#wasDerivedFrom", "de")
'abgeleitet von'
>>> vocabulary.label("http://example.org/unknown", "de") is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
VANN = "http://purl.org/vocab/vann/"

KINDS = {OWL + "Class": "class", OWL + "ObjectProperty": "object", OWL + "DatatypeProperty": "datatype"}
CHARACTERISTICS = (OWL + "FunctionalProperty", OWL + "TransitiveProperty")

# Reused terms that appear in the data: (German, English). Kept short; they label table rows.
FOREIGN_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        RDF + "type": ("Typ", "type"),
        RDF + "subject": ("Subjekt der Aussage", "statement subject"),
        RDF + "predicate": ("Eigenschaft der Aussage", "statement predicate"),
        RDF + "object": ("Objekt der Aussage", "statement object"),
        RDFS + "label": ("Bezeichnung", "label"),
        SKOS + "altLabel": ("andere Bezeichnung", "alternative label"),
        SKOS + "prefLabel": ("bevorzugte Bezeichnung", "preferred label"),
        SKOS + "notation": ("Kürzel", "notation"),
        SKOS + "inScheme": ("in Begriffssystem", "in scheme"),
        SKOS + "hasTopConcept": ("hat Spitzenbegriff", "has top concept"),
        SKOS + "topConceptOf": ("Spitzenbegriff von", "top concept of"),
        DCTERMS + "creator": ("Verfasser", "creator"),
        DCTERMS + "date": ("Datum", "date"),
        DCTERMS + "format": ("Format", "format"),
        DCTERMS + "hasPart": ("hat Teil", "has part"),
        DCTERMS + "isPartOf": ("ist Teil von", "is part of"),
        DCTERMS + "issued": ("erschienen", "issued"),
        DCTERMS + "language": ("Sprache", "language"),
        DCTERMS + "publisher": ("Herausgeber", "publisher"),
        DCTERMS + "source": ("Quelle", "source"),
        DCTERMS + "subject": ("Thema", "subject"),
        DCTERMS + "title": ("Titel", "title"),
        PROV + "value": ("Zitat", "quotation"),
        PROV + "wasDerivedFrom": ("abgeleitet von", "derived from"),
        PROV + "wasQuotedFrom": ("zitiert aus", "quoted from"),
        PROV + "Entity": ("Entität (PROV)", "entity (PROV)"),
        ORG + "changedBy": ("geändert durch", "changed by"),
        ORG + "hasPost": ("hat Stelle", "has post"),
        ORG + "heldBy": ("besetzt von", "held by"),
        ORG + "holds": ("hat Stelle inne", "holds"),
        ORG + "originalOrganization": ("ursprüngliche Organisation", "original organisation"),
        ORG + "postIn": ("Stelle in", "post in"),
        ORG + "resultedFrom": ("hervorgegangen aus", "resulted from"),
        ORG + "resultingOrganization": ("daraus hervorgegangene Organisation", "resulting organisation"),
        ORG + "ChangeEvent": ("Organisationsänderung", "change event"),
        ORG + "FormalOrganization": ("Organisation", "formal organisation"),
        SCHEMA + "funder": ("Förderer", "funder"),
        SCHEMA + "honorificPrefix": ("Titel (Anrede)", "honorific prefix"),
        SCHEMA + "name": ("Name", "name"),
        SCHEMA + "startDate": ("Beginn", "start date"),
        SCHEMA + "Person": ("Person", "person"),
        SKOS + "definition": ("Definition", "definition"),
        SKOS + "Concept": ("Begriff", "concept"),
        SKOS + "ConceptScheme": ("Begriffssystem", "concept scheme"),
        RDFS + "comment": ("Anmerkung", "comment"),
        ORG + "unitOf": ("Einheit von", "unit of"),
        ORG + "hasUnit": ("hat Einheit", "has unit"),
        ORG + "subOrganizationOf": ("Teil von", "part of"),
        ORG + "hasSubOrganization": ("hat Teil", "has part"),
        ORG + "reportsTo": ("untersteht", "reports to"),
        ORG + "role": ("Rolle", "role"),
        ORG + "member": ("Mitglied", "member"),
        ORG + "memberOf": ("Mitglied von", "member of"),
        ORG + "hasMember": ("hat Mitglied", "has member"),
        ORG + "organization": ("Organisation", "organisation"),
        ORG + "memberDuring": ("Mitglied während", "member during"),
        ORG + "Membership": ("Mitgliedschaft", "membership"),
        PROV + "wasAssociatedWith": ("verbunden mit", "associated with"),
        SCHEMA + "endDate": ("Ende", "end date"),
        SCHEMA + "organizer": ("Veranstalter", "organiser"),
        SCHEMA + "location": ("Ort", "location"),
        SCHEMA + "areaServed": ("Gebiet", "area served"),
        SCHEMA + "value": ("Wert", "value"),
        SCHEMA + "eventStatus": ("Stand der Veranstaltung", "event status"),
        SCHEMA + "QuantitativeValue": ("Zahlenangabe", "figure"),
        SCHEMA + "Legislation": ("Rechtsvorschrift", "legislation"),
        TIME + "Instant": ("Zeitpunkt", "instant"),
        TIME + "ProperInterval": ("Zeitraum", "period"),
        TIME + "hasTime": ("Zeit", "time"),
        TIME + "hasBeginning": ("Beginn", "beginning"),
        TIME + "hasEnd": ("Ende", "end"),
        TIME + "inside": ("umfasst", "includes"),
        TIME + "inXSDgYear": ("Jahr", "year"),
        TIME + "inXSDgYearMonth": ("Monat", "month"),
        TIME + "inXSDDate": ("Tag", "day"),
        TIME + "unitType": ("Genauigkeit", "precision"),
    }
)


def curie(iri: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    """``prefix:local`` where a prefix fits and the local part is a plain name, else the IRI.

    >>> from koko.graph.prefixes import prefix_table
    >>> curie("https://w3id.org/koko-kg/id/site/erfurt", prefix_table("https://w3id.org/koko-kg/id/"))
    'site:erfurt'
    """
    for prefix, namespace in prefixes:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return iri


@dataclass(frozen=True)
class Term:
    """One class or property of the KoKo ontology, as the documentation shows it."""

    iri: str
    name: str
    kind: str  # "class", "object" or "datatype"
    labels: Mapping[str, str]
    definitions: Mapping[str, str]
    parents: tuple[str, ...]  # rdfs:subClassOf / rdfs:subPropertyOf
    domains: tuple[str, ...]
    ranges: tuple[str, ...]
    inverses: tuple[str, ...]
    disjoint: tuple[str, ...]
    characteristics: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The ontology's header (predicate → language → values) and its terms, sorted by name."""

    iri: str
    header: Mapping[str, Mapping[str, tuple[str, ...]]]
    terms: tuple[Term, ...]
    by_iri: Mapping[str, Term]

    def label(self, iri: str, lang: str) -> str | None:
        """The label of a term of ours or of a reused term we know, in ``lang``; None otherwise."""
        term = self.by_iri.get(iri)
        if term is not None:
            return term.labels.get(lang) or next(iter(term.labels.values()), None)
        if iri in FOREIGN_LABELS:
            return FOREIGN_LABELS[iri][0 if lang == "de" else 1]
        return None

    def of_kind(self, kind: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.kind == kind)


def _objects(quads: Sequence[ox.Quad], subject: ox.NamedNode, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    # Only IRIs and literals: a blank node (an OWL restriction) or a triple term is nothing a term's page shows.
    return [
        q.object
        for q in quads
        if q.subject == subject and q.predicate.value == predicate and isinstance(q.object, (ox.NamedNode, ox.Literal))
    ]


def _by_language(values: list[ox.NamedNode | ox.Literal]) -> dict[str, str]:
    return {v.language: v.value for v in values if isinstance(v, ox.Literal) and v.language}


def _iris(values: list[ox.NamedNode | ox.Literal]) -> tuple[str, ...]:
    return tuple(sorted(v.value for v in values if isinstance(v, ox.NamedNode)))


def load_vocabulary(turtle: bytes) -> Vocabulary:
    """The ontology's terms and header from its Turtle text."""
    triples = [t for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE) if isinstance(t.subject, ox.NamedNode)]
    ontology = next(t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == OWL + "Ontology")
    header: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        if t.subject == ontology and t.predicate.value != RDF + "type":
            language = t.object.language if isinstance(t.object, ox.Literal) and t.object.language else ""
            header.setdefault(t.predicate.value, {}).setdefault(language, []).append(t.object.value)
    terms = []
    for subject in sorted({t.subject for t in triples if t.subject != ontology}, key=lambda s: s.value):
        types = {o.value for o in _objects(triples, subject, RDF + "type")}
        kind = next((KINDS[k] for k in KINDS if k in types), None)
        if kind is None:
            continue
        parent = RDFS + ("subClassOf" if kind == "class" else "subPropertyOf")
        terms.append(
            Term(
                iri=subject.value,
                name=subject.value.rpartition("#")[2],
                kind=kind,
                labels=MappingProxyType(_by_language(_objects(triples, subject, RDFS + "label"))),
                definitions=MappingProxyType(_by_language(_objects(triples, subject, SKOS + "definition"))),
                parents=_iris(_objects(triples, subject, parent)),
                domains=_iris(_objects(triples, subject, RDFS + "domain")),
                ranges=_iris(_objects(triples, subject, RDFS + "range")),
                inverses=_iris(_objects(triples, subject, OWL + "inverseOf")),
                disjoint=_iris(_objects(triples, subject, OWL + "disjointWith")),
                characteristics=tuple(c for c in CHARACTERISTICS if c in types),
            )
        )
    frozen_header = {p: MappingProxyType({lang: tuple(v) for lang, v in langs.items()}) for p, langs in header.items()}
    return Vocabulary(
        iri=ontology.value,
        header=MappingProxyType(frozen_header),
        terms=tuple(sorted(terms, key=lambda t: t.name.casefold())),
        by_iri=MappingProxyType({t.iri: t for t in terms}),
    )
