"""The curated facts as triples: one named graph per curated file, each fact with its evidence.

The evidence pattern (documented in docs/curation.md): a curated fact is asserted directly
(``site:goerlitz koko:organised event:integrationsmesse-goerlitz-2019``) so that queries stay
simple, and described once more by a ``koko:Evidence`` node, a reified ``rdf:Statement`` that
is a ``prov:Entity``::

    evidence:goerlitz/1a2b3c4d a koko:Evidence ;
        rdf:subject site:goerlitz ; rdf:predicate koko:organised ; rdf:object event:… ;
        prov:value "Die Integrationsmesse 2019 wurde federführend …"@de ;
        prov:wasQuotedFrom answer:goerlitz/projekt-wiederholen ;
        prov:wasDerivedFrom answer:goerlitz/projekt-wiederholen .

The answer leads to its site (``koko:answerOf``) and its lines in the source text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from koko.graph.model import Iris, de_en, decimal_literal, graph_provenance, integer_literal
from koko.graph.namespace import KOKO
from koko.source.curated import Curation, Entity, Fact
from koko.source.text import slugify

SCHEMA_FUNDER = URIRef("https://schema.org/funder")
SCHEMA_START = URIRef("https://schema.org/startDate")

CLASSES = {
    "programme": KOKO.Initiative,
    "network": KOKO.Network,
    "project": KOKO.Project,
    "event": KOKO.Event,
    "product": KOKO.Product,
    "organisation": KOKO.PartnerOrganisation,
    "unit": KOKO.AdministrativeUnit,
    "role": KOKO.Role,
    "award": KOKO.Award,
}
PATHS = {"organisation": "org"}  # the IRI folder of each kind; the kind's own name otherwise

PROPERTIES = {
    "participatesIn": KOKO.participatesIn,
    "presentInState": KOKO.presentInState,
    "memberOf": KOKO.memberOf,
    "founded": KOKO.initiated,
    "runs": KOKO.runs,
    "organised": KOKO.organised,
    "produced": KOKO.produced,
    "partner": KOKO.partner,
    "postIn": KOKO.postInUnit,
    "withinUnit": KOKO.withinUnit,
    "reportsTo": KOKO.reportsTo,
    "colleagueRole": KOKO.colleagueRole,
    "received": KOKO.received,
    "funder": SCHEMA_FUNDER,
    "madePermanent": KOKO.madePermanent,
    "staffMovedOn": KOKO.staffMovedOn,
    "level": KOKO.level,
    "scope": KOKO.scope,
    "unitType": KOKO.unitType,
    "productType": KOKO.productType,
    "amount": KOKO.prizeMoney,
    "exhibitors": KOKO.exhibitorCount,
    "visitors": KOKO.visitorCount,
    "participants": KOKO.participantCount,
    "registrations": KOKO.registrationCount,
}
SECTION_IRIS = {
    "foreword": "brochure/foreword",
    "summary": "brochure/summary",
    "sachsen-introduction": "brochure/chapter/sachsen/introduction",
    "sachsen-anhalt-introduction": "brochure/chapter/sachsen-anhalt/introduction",
    "thueringen-introduction": "brochure/chapter/thueringen/introduction",
}


def entity_iri(iri: Iris, entity: Entity) -> URIRef:
    return iri(f"{PATHS.get(entity.kind, entity.kind)}/{entity.id}")


class _Terms:
    """References of the curated format (ids, site:…, state:…) as IRIs, and their German labels."""

    def __init__(self, iri: Iris, curation: Curation, dataset: Dataset):
        self.iri, self.curation, self.dataset = iri, curation, dataset
        self.entities = {entity_iri(iri, e): e for e in curation.entities.values()}

    def node(self, ref: str, relation: str | None = None) -> URIRef:
        if ref in self.curation.entities:
            return entity_iri(self.iri, self.curation.entities[ref])
        prefix, _, local = ref.partition(":")
        node = self.iri(f"{prefix}/{local}")
        if prefix == "site" and relation == "withinUnit":  # the top of a unit hierarchy is the municipality
            municipality = self.dataset.value(node, KOKO.municipality)
            assert isinstance(municipality, URIRef), ref
            return municipality
        return node

    def label(self, node: URIRef) -> str:
        for label in self.dataset.objects(node, RDFS.label):
            if isinstance(label, Literal) and label.language == "de":
                return str(label)
        entity = self.entities.get(node)
        return entity.de if entity else str(node)

    def part(self, fact: Fact) -> URIRef:
        return self.iri(f"answer/{fact.site}/{fact.part}" if fact.site else SECTION_IRIS[fact.part])


def _value(fact: Fact) -> Literal:
    if fact.relation == "madePermanent":
        return Literal(True)
    if fact.relation == "staffMovedOn":
        return Literal(str(fact.value), lang="de")
    # The value's type is the relation's: koko.source.curated._check_value let nothing else through.
    if fact.relation == "amount":  # canonical: 10000 euros are "10000", as Oxigraph writes them back
        assert isinstance(fact.value, (int, float))
        return decimal_literal(fact.value)
    if fact.relation in ("exhibitors", "visitors", "participants", "registrations"):  # >= 0 is in the shapes
        assert isinstance(fact.value, int)
        return integer_literal(fact.value)
    if fact.relation == "date":
        text = str(fact.value)
        return Literal(text, datatype={4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date))
    return Literal(str(fact.value))


def _date_property(terms: _Terms, fact: Fact) -> URIRef:
    kind = terms.curation.entities[fact.subject].kind
    return SCHEMA_START if kind == "event" else DCTERMS.date


def _evidence_iri(iri: Iris, key: str, subject: Node, predicate: Node, obj: Node, quote: str) -> URIRef:
    digest = hashlib.sha256("\n".join(map(str, (subject, predicate, obj, quote))).encode("utf-8")).hexdigest()[:10]
    return iri(f"evidence/{key}/{digest}")


def _describe(graph: Graph, node: URIRef, entity: Entity) -> None:
    graph.add((node, RDF.type, CLASSES[entity.kind]))
    de_en(graph, node, entity.de, entity.en)
    for alias in entity.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias, lang="de")))


def _source_file(graph: Graph, iri: Iris, path: Path) -> URIRef:
    relative = f"{path.parent.name}/{path.name}" if path.parent.name in ("sites", "sections") else path.name
    node = iri(f"source/curated/{relative}")
    graph.add((node, RDF.type, PROV.Entity))
    de_en(graph, node, f"Kuratierte Datei {relative}", f"Curated file {relative}")
    graph.add((node, DCTERMS.format, Literal("application/yaml")))
    return node


def add_curation(dataset: Dataset, curation: Curation, base: str, folder: Path) -> None:
    """Add a named graph per curated file (and one for the shared entities) to ``dataset``."""
    iri = Iris(base)
    terms = _Terms(iri, curation, dataset)
    shared_name = iri("graph/curated/shared")
    shared = dataset.graph(shared_name)
    declared_in: dict[Path, list[Entity]] = {}
    for entity in curation.entities.values():
        declared_in.setdefault(entity.file, []).append(entity)
    for entity in declared_in.get(folder / "shared.yaml", []):
        _describe(shared, entity_iri(iri, entity), entity)
    if (folder / "shared.yaml").exists():
        source = _source_file(shared, iri, folder / "shared.yaml")
        # The shared entries are curated from the brochure as a whole.
        graph_provenance(
            shared, shared_name, "Benannter Graph: gemeinsame Einträge", "Named graph: shared entries", [source, iri("brochure")]
        )

    for cfile in curation.files:
        key = cfile.site or slugify(cfile.section or "")
        name = iri(f"graph/curated/{key}")
        graph = dataset.graph(name)
        for entity in declared_in.get(cfile.path, []):
            _describe(graph, entity_iri(iri, entity), entity)
        parts = set()
        for fact in cfile.facts:
            part = terms.part(fact)
            parts.add(part)
            subject = terms.node(fact.subject)
            predicate = _date_property(terms, fact) if fact.relation == "date" else PROPERTIES[fact.relation]
            obj: Node = terms.node(fact.object, fact.relation) if fact.object is not None else _value(fact)
            graph.add((subject, predicate, obj))
            for node in (subject, obj):
                if node in terms.entities:
                    graph.add((node, PROV.wasDerivedFrom, part))
            evidence = _evidence_iri(iri, key, subject, predicate, obj, fact.quote)
            graph.add((evidence, RDF.type, KOKO.Evidence))
            said = f"{terms.label(subject)} – {fact.relation} – {terms.label(obj) if isinstance(obj, URIRef) else obj}"
            de_en(graph, evidence, f"Beleg: {said}", f"Evidence: {said}")
            graph.add((evidence, RDF.subject, subject))
            graph.add((evidence, RDF.predicate, predicate))
            graph.add((evidence, RDF.object, obj))
            graph.add((evidence, PROV.value, Literal(fact.quote, lang="de")))
            graph.add((evidence, PROV.wasQuotedFrom, part))
            graph.add((evidence, PROV.wasDerivedFrom, part))
            if fact.approximate:
                graph.add((evidence, KOKO.approximate, Literal(True)))
        source = _source_file(graph, iri, cfile.path)
        what = f"Standort {key}" if cfile.site else f"Abschnitt {key}"
        graph_provenance(
            graph,
            name,
            f"Benannter Graph: kuratierte Fakten, {what}",
            f"Named graph: curated facts, {key}",
            [source, *sorted(parts)],
        )
