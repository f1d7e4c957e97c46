"""The curated facts as triples: one named graph per curated file, each fact with its evidence.

The evidence pattern (documented in docs/curation.md): a curated fact is asserted directly
(``site:goerlitz koko:organised event:integrationsmesse-goerlitz-2019``) so that queries stay
simple, and described once more by a ``koko:Evidence`` node (:mod:`koko.graph.evidence`)::

    evidence:goerlitz/1a2b3c4d a koko:Evidence ;
        rdf:subject site:goerlitz ; rdf:predicate koko:organised ; rdf:object event:… ;
        prov:value "Die Integrationsmesse 2019 wurde federführend …"@de ;
        prov:wasQuotedFrom answer:goerlitz/projekt-wiederholen .

Where a standard vocabulary has the term, the fact is written in it (docs/model.md): a unit's
place in its administration in W3C ORG (``org:postIn``, ``org:unitOf``,
``org:subOrganizationOf``, ``org:reportsTo``, ``org:Membership``), organisers and places in
schema.org, dates as OWL-Time instants beside their typed literal and figures as
``schema:QuantitativeValue`` (:mod:`koko.graph.values`), closed lists as SKOS concepts
(:mod:`koko.graph.concepts`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS
from rdflib.term import Node

from koko.errors import KokoError
from koko.graph.concepts import concept_iri, scheme_iri
from koko.graph.evidence import add_evidence
from koko.graph.model import COORDINATOR_ROLE, SCHEMA, Iris, de_en, decimal_literal, graph_provenance, integer_literal
from koko.graph.namespace import KOKO
from koko.graph.values import TIME, WrittenDate, instant
from koko.source.curated import Curation, Entity, Fact
from koko.source.text import slugify
from koko.source.vocabulary import SCHEME_OF

CLASSES = {
    "programme": (KOKO.Initiative,),
    "network": (KOKO.Network,),
    "project": (KOKO.Project,),
    "event": (KOKO.Event,),
    "product": (KOKO.Product,),
    "organisation": (KOKO.PartnerOrganisation,),
    "unit": (KOKO.AdministrativeUnit,),
    "role": (KOKO.Role, SKOS.Concept),
    "award": (KOKO.Award,),
    "place": (KOKO.Place,),
    "law": (SCHEMA.Legislation,),
    "measure": (SKOS.Concept,),
}
PATHS = {"organisation": "org", "measure": "vocabulary/measure"}  # the IRI folder of each kind; its own name otherwise
IN_SCHEME = {"role": "role", "measure": "measure"}  # curated entities that are concepts of a scheme
AGENTS = frozenset({"organisation", "unit", "network", "site"})  # what can be an org:member

# Relations written as one triple, subject → object, with the same predicate whatever the kinds.
DIRECT = {
    "participatesIn": KOKO.participatesIn,
    "presentInState": KOKO.presentInState,
    "founded": KOKO.initiated,
    "runs": KOKO.runs,
    "contributedTo": KOKO.contributedTo,
    "plans": KOKO.plans,
    "organised": KOKO.organised,
    "organisedBy": SCHEMA.organizer,
    "produced": KOKO.produced,
    "adapted": KOKO.adapted,
    "involves": KOKO.involves,
    "location": SCHEMA.location,
    "partner": KOKO.partner,
    "colleagueRole": KOKO.colleagueRole,
    "received": KOKO.received,
    "funder": SCHEMA.funder,
    "derivedFrom": PROV.wasDerivedFrom,
    "partOf": DCTERMS.isPartOf,
    "audience": KOKO.audience,
}
CONCEPTS = {
    "status": KOKO.status,
    "unitLevel": KOKO.unitLevel,
    "unitKind": KOKO.unitKind,
    "productType": KOKO.productType,
    "level": KOKO.level,
    "scope": KOKO.scope,
}
COUNTS = {
    "exhibitors": (KOKO.exhibitorCount, "exhibitors"),
    "visitors": (KOKO.visitorCount, "visitors"),
    "participants": (KOKO.participantCount, "participants"),
    "registrations": (KOKO.registrationCount, "registrations"),
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


def membership_interval(iri: Iris, post: str) -> URIRef:
    """The org:memberDuring interval of the coordinator membership of ``post`` (``weimar-1``)."""
    return iri(f"interval/membership/{post}")


@dataclass
class _Written:
    """What one fact adds: the statements its quote proves (each gets an evidence node), and the
    nodes that structure them (memberships, instants, values), which the same quote explains."""

    proved: list[tuple[Node, Node, Node]] = field(default_factory=list)
    structure: list[tuple[Node, Node, Node]] = field(default_factory=list)


class _Terms:
    """References of the curated format (ids, site:…, state:…, post:…) as IRIs, and their labels."""

    def __init__(self, iri: Iris, curation: Curation, dataset: Dataset):
        self.iri, self.curation, self.dataset = iri, curation, dataset
        self.entities = {entity_iri(iri, e): e for e in curation.entities.values()}

    def node(self, ref: str) -> URIRef:
        if ref in self.curation.entities:
            return entity_iri(self.iri, self.curation.entities[ref])
        prefix, _, local = ref.partition(":")
        return self.iri(f"{prefix}/{local}")

    def kind(self, ref: str) -> str:
        if ref in self.curation.entities:
            return self.curation.entities[ref].kind
        return ref.partition(":")[0]

    def municipality(self, site_ref: str) -> URIRef:
        """The municipality of ``site:<slug>``: the administration, the member, the place."""
        municipality = self.dataset.value(self.node(site_ref), KOKO.municipality)
        assert isinstance(municipality, URIRef), site_ref
        return municipality

    def posts(self, site_ref: str) -> list[URIRef]:
        return sorted(o for o in self.dataset.objects(self.node(site_ref), KOKO.coordinatorPost) if isinstance(o, URIRef))

    def label(self, node: Node, lang: str = "de") -> str:
        if not isinstance(node, URIRef):
            return str(node)
        for label in self.dataset.objects(node, RDFS.label):
            if isinstance(label, Literal) and label.language == lang:
                return str(label)
        entity = self.entities.get(node)
        if entity:
            return entity.de if lang == "de" else entity.en
        return str(node).rsplit("/", 1)[-1]

    def part(self, fact: Fact) -> URIRef:
        return self.iri(f"answer/{fact.site}/{fact.part}" if fact.site else SECTION_IRIS[fact.part])


def _digest(*parts: object) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode("utf-8")).hexdigest()[:10]


class _Writer:
    """Turns one curated file's facts into triples in that file's graph."""

    def __init__(self, terms: _Terms, graph: Graph, key: str):
        self.terms, self.graph, self.key, self.iri = terms, graph, key, terms.iri

    def fact(self, fact: Fact) -> _Written:
        method = getattr(self, f"_{fact.relation}", None)
        if method is not None:
            return method(fact)  # type: ignore[no-any-return]
        subject = self.terms.node(fact.subject)
        if fact.relation in DIRECT:
            assert fact.object is not None
            obj = self._object(fact)
            return _Written([(subject, DIRECT[fact.relation], obj)])
        if fact.relation in CONCEPTS:
            concept = concept_iri(self.iri, SCHEME_OF[fact.relation], str(fact.value))
            written = _Written([(subject, CONCEPTS[fact.relation], concept)])
            if fact.relation == "status" and fact.value == "cancelled" and self.terms.kind(fact.subject) == "event":
                written.structure.append((subject, SCHEMA.eventStatus, SCHEMA.EventCancelled))
            return written
        if fact.relation in COUNTS:
            prop, measure = COUNTS[fact.relation]
            assert isinstance(fact.value, int)
            value = integer_literal(fact.value)
            written = _Written([(subject, prop, value)])
            self._add_figure(written, subject, concept_iri(self.iri, "measure", measure), value, fact)
            return written
        raise AssertionError(f"{fact.file}:{fact.line}: relation {fact.relation} has no mapping")  # the loader's list is this one

    def _object(self, fact: Fact) -> URIRef:
        assert fact.object is not None
        if fact.object.startswith("site:") and fact.relation in ("location", "member"):
            return self.terms.municipality(fact.object)
        return self.terms.node(fact.object)

    def _madeBy(self, fact: Fact) -> _Written:
        # A project is an activity (PROV: associated with its agents); a product or network is made (DCTERMS).
        predicate = PROV.wasAssociatedWith if self.terms.kind(fact.subject) == "project" else DCTERMS.creator
        return _Written([(self.terms.node(fact.subject), predicate, self._object(fact))])

    # --- W3C ORG -------------------------------------------------------------------------
    def _postIn(self, fact: Fact) -> _Written:
        unit = self._object(fact)
        written = _Written()
        for post in self.terms.posts(fact.subject):
            written.proved.append((post, ORG.postIn, unit))
            written.structure.append((unit, ORG.hasPost, post))
        return written

    def _withinUnit(self, fact: Fact) -> _Written:
        unit = self.terms.node(fact.subject)
        assert fact.object is not None
        if fact.object.startswith("site:"):
            municipality = self.terms.municipality(fact.object)
            return _Written([(unit, ORG.unitOf, municipality)], [(municipality, ORG.hasUnit, unit)])
        parent = self.terms.node(fact.object)
        return _Written([(unit, ORG.subOrganizationOf, parent)], [(parent, ORG.hasSubOrganization, unit)])

    def _reportsTo(self, fact: Fact) -> _Written:
        target = self._object(fact)
        if fact.subject.startswith("site:"):
            return _Written([(post, ORG.reportsTo, target) for post in self.terms.posts(fact.subject)])
        return _Written([(self.terms.node(fact.subject), ORG.reportsTo, target)])

    def _memberOf(self, fact: Fact) -> _Written:
        site, network = self.terms.node(fact.subject), self._object(fact)
        written = _Written([(site, KOKO.memberOf, network)])
        role = self.terms.node(fact.role) if fact.role else self.iri(COORDINATOR_ROLE)
        self._membership(written, fact, self.terms.municipality(fact.subject), network, role)
        return written

    def _member(self, fact: Fact) -> _Written:
        network = self.terms.node(fact.subject)
        assert fact.object is not None
        member = self._object(fact)
        written = _Written()
        if self.terms.kind(fact.object) in AGENTS:
            written.proved.append((network, ORG.hasMember, member))
            written.structure.append((member, ORG.memberOf, network))
            role = self.terms.node(fact.role) if fact.role else None
            self._membership(written, fact, member, network, role)
        else:  # a role: the membership names the capacity, not the people who hold it
            membership = self._membership(written, fact, None, network, member)
            written.proved.append((membership, ORG.role, member))
        return written

    def _membership(self, written: _Written, fact: Fact, member: URIRef | None, network: URIRef, role: URIRef | None) -> URIRef:
        node = self.iri(f"membership/{self.key}/{_digest(member, network, role)}")
        written.structure += [(node, RDF.type, ORG.Membership), (node, ORG.organization, network)]
        if member is not None:
            written.structure.append((node, ORG.member, member))
        if role is not None:
            written.structure.append((node, ORG.role, role))
        who: Node = member if member is not None else role if role is not None else network
        written.structure += [
            (node, RDFS.label, Literal(f"Mitgliedschaft: {self.terms.label(who)} in {self.terms.label(network)}", lang="de")),
            (
                node,
                RDFS.label,
                Literal(f"Membership: {self.terms.label(who, 'en')} in {self.terms.label(network, 'en')}", lang="en"),
            ),
        ]
        return node

    # --- dates ---------------------------------------------------------------------------------
    def _date_of(self, fact: Fact, written: _Written, subject: URIRef, literal_property: URIRef) -> URIRef:
        date = WrittenDate(str(fact.value), fact.approximate)
        written.proved.append((subject, literal_property, date.literal()))
        # Instants are shared by every graph that names them: described once, in the programme graph.
        return instant(self.terms.dataset.graph(self.iri.graph_programme()), self.iri, date)

    def _bound(self, fact: Fact, literal_property: URIRef, bound: URIRef) -> _Written:
        written = _Written()
        if fact.subject.startswith("post:"):  # the holder's tenure: the membership's interval
            post = fact.subject.partition(":")[2]
            membership = self.iri(f"membership/{post}")
            point = self._date_of(fact, written, membership, literal_property)
            written.structure.append((membership_interval(self.iri, post), bound, point))
            return written
        subject = self.terms.node(fact.subject)
        point = self._date_of(fact, written, subject, literal_property)
        interval = self.iri(f"interval/{str(subject)[len(self.iri.base) :]}")
        written.structure += [
            (subject, TIME.hasTime, interval),
            (interval, RDF.type, TIME.ProperInterval),
            (interval, RDFS.label, Literal(f"Zeitraum: {self.terms.label(subject)}", lang="de")),
            (interval, RDFS.label, Literal(f"Period: {self.terms.label(subject, 'en')}", lang="en")),
            (interval, bound, point),
        ]
        return written

    def _start(self, fact: Fact) -> _Written:
        return self._bound(fact, SCHEMA.startDate, TIME.hasBeginning)

    def _end(self, fact: Fact) -> _Written:
        return self._bound(fact, SCHEMA.endDate, TIME.hasEnd)

    def _date(self, fact: Fact) -> _Written:
        subject = self.terms.node(fact.subject)
        written = _Written()
        prop = SCHEMA.startDate if self.terms.kind(fact.subject) == "event" else DCTERMS.date
        point = self._date_of(fact, written, subject, prop)
        written.structure.append((subject, TIME.hasTime, point))
        return written

    # --- values ----------------------------------------------------------------------------------
    def _madePermanent(self, fact: Fact) -> _Written:
        return _Written([(self.terms.node(fact.subject), KOKO.madePermanent, Literal(True))])

    def _staffMovedOn(self, fact: Fact) -> _Written:
        return _Written([(self.terms.node(fact.subject), KOKO.staffMovedOn, Literal(str(fact.value), lang="de"))])

    def _tenure(self, fact: Fact) -> _Written:
        return _Written([(self.terms.node(fact.subject), RDFS.comment, Literal(str(fact.value), lang="de"))])

    def _amount(self, fact: Fact) -> _Written:
        subject = self.terms.node(fact.subject)
        assert isinstance(fact.value, (int, float))
        value = decimal_literal(fact.value)
        written = _Written([(subject, KOKO.prizeMoney, value)])
        self._add_figure(written, subject, concept_iri(self.iri, "measure", "prize-money"), value, fact)
        return written

    def _add_figure(self, written: _Written, subject: URIRef, measure: URIRef, value: Literal, fact: Fact) -> URIRef:
        node = self.iri(f"figure/{self.key}/{_digest(subject, measure, value, fact.date, fact.period)}")
        written.structure += [(subject, KOKO.figure, node), (node, RDF.type, SCHEMA.QuantitativeValue)]
        written.structure += [(node, SCHEMA.value, value), (node, KOKO.measure, measure)]
        if fact.approximate:
            written.structure.append((node, KOKO.approximate, Literal(True)))
        if fact.date:
            written.structure.append((node, DCTERMS.date, WrittenDate(fact.date).literal()))
        if fact.period:
            written.structure.append((node, KOKO.inFundingPeriod, self.iri(f"programme/koko/period/{fact.period}")))
        when = [f"({fact.date})"] if fact.date else []
        about = {
            "de": " ".join(
                ["ca."] * fact.approximate + [str(value)] + when + [f"(Förderperiode {fact.period})"] * bool(fact.period)
            ),
            "en": " ".join(
                ["about"] * fact.approximate + [str(value)] + when + [f"(funding period {fact.period})"] * bool(fact.period)
            ),
        }
        for lang in ("de", "en"):
            written.structure.append((node, RDFS.label, Literal(f"{self.terms.label(measure, lang)}: {about[lang]}", lang=lang)))
        return node

    def _figure(self, fact: Fact) -> _Written:
        subject = self.terms.node(fact.subject)
        assert fact.measure is not None
        assert isinstance(fact.value, (int, float))
        value = integer_literal(fact.value) if isinstance(fact.value, int) else decimal_literal(fact.value)
        written = _Written()
        node = self._add_figure(written, subject, self.terms.node(fact.measure), value, fact)
        written.structure.remove((subject, KOKO.figure, node))
        written.proved.insert(0, (subject, KOKO.figure, node))
        return written


def _describe(graph: Graph, iri: Iris, node: URIRef, entity: Entity) -> None:
    for cls in CLASSES[entity.kind]:
        graph.add((node, RDF.type, cls))
    de_en(graph, node, entity.de, entity.en)
    if entity.kind in IN_SCHEME:
        de_en(graph, node, entity.de, entity.en, SKOS.prefLabel)
        scheme = scheme_iri(iri, IN_SCHEME[entity.kind])
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, node))
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
    coordinator = curation.entities.get(COORDINATOR_ROLE.partition("/")[2])
    if coordinator is None or coordinator.kind != "role":
        raise KokoError(
            f"the role {COORDINATOR_ROLE.partition('/')[2]!r} of the coordinator posts is not declared", folder / "shared.yaml"
        )
    taken = {str(s) for s in dataset.subjects(SKOS.inScheme, scheme_iri(iri, "measure"))}
    for entity in curation.entities.values():
        if entity.kind == "measure" and str(entity_iri(iri, entity)) in taken:
            raise KokoError(f"measure {entity.id!r} is already a measure of data/vocabularies.yaml", entity.file, entity.line)
    for entity in declared_in.get(folder / "shared.yaml", []):
        _describe(shared, iri, entity_iri(iri, entity), entity)
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
            node = entity_iri(iri, entity)
            _describe(graph, iri, node, entity)
            if entity.kind == "unit" and cfile.site:  # a unit of a site's file is a unit of that administration
                municipality = terms.municipality(f"site:{cfile.site}")
                graph.add((node, ORG.unitOf, municipality))
                graph.add((municipality, ORG.hasUnit, node))
        writer = _Writer(terms, graph, key)
        parts = set()
        for fact in cfile.facts:
            part = terms.part(fact)
            parts.add(part)
            written = writer.fact(fact)
            for triple in written.structure:
                graph.add(triple)
            # Every curated thing the fact names comes from the part it is quoted from.
            for ref in (fact.subject, fact.object, fact.role, fact.measure):
                if ref is not None and ref in curation.entities:
                    graph.add((terms.node(ref), PROV.wasDerivedFrom, part))
            for subject, predicate, obj in written.proved:
                graph.add((subject, predicate, obj))
                said = f"{terms.label(subject)} – {fact.relation} – {terms.label(obj)}"
                add_evidence(graph, iri, key, (subject, predicate, obj), fact.quote, part, said)
            if fact.relation == "postIn":  # the unit replaces the municipality the site graph names
                _moved_posts(dataset, terms, fact)
        _once(dataset, graph)
        source = _source_file(graph, iri, cfile.path)
        what = f"Standort {key}" if cfile.site else f"Abschnitt {key}"
        graph_provenance(
            graph,
            name,
            f"Benannter Graph: kuratierte Fakten, {what}",
            f"Named graph: curated facts, {key}",
            [source, *sorted(parts)],
        )


def _once(dataset: Dataset, graph: Graph) -> None:
    """Drop from a curated graph what another graph of the dataset already states (the foreword's facts
    about the programme, a thing's period curated from two files): a store's union of the graphs
    would otherwise give every such statement twice, and every query answer with it."""
    for triple in list(graph):
        if sum(1 for _ in dataset.quads(triple)) > 1:
            graph.remove(triple)


def _moved_posts(dataset: Dataset, terms: _Terms, fact: Fact) -> None:
    """A post sits in its unit, no longer directly in the municipality (docs/model.md, "Posts")."""
    site_graph = dataset.graph(terms.iri.graph_site(fact.subject.partition(":")[2]))
    municipality = terms.municipality(fact.subject)
    for post in terms.posts(fact.subject):
        site_graph.remove((post, ORG.postIn, municipality))
        site_graph.remove((municipality, ORG.hasPost, post))
