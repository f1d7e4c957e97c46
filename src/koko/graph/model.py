"""Turn parsed records and curated tables into an RDF dataset.

One named graph per site (its profile, municipality, posts, people and answers) and one
for the programme-level content (programme, brochure and its sections, states, chapters,
question catalogue). Every graph says what it was derived from: the brochure sections
with their line spans in the source file, and the curated table where one was used.
All nodes are IRIs, never blank nodes, so that serialisations are stable.

Literals are written the way Oxigraph, which serves the release, writes them back: integers
as xsd:integer, never a derived type such as xsd:positiveInteger (the store keeps those as
xsd:integer; the bounds are in the shapes), and decimals in their canonical form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, NamespaceManager

from koko.config import ONTOLOGY_IRI, Config
from koko.errors import KokoError
from koko.graph.evidence import add_evidence
from koko.graph.namespace import KOKO
from koko.graph.prefixes import DATA_PREFIXES, PREFIXES
from koko.graph.values import TIME, WrittenDate, instant
from koko.source.catalogue import Catalogue, Municipality
from koko.source.identifiers import NutsTable, district_key_uri, state_key_uri
from koko.source.programme import ProgrammeFacts
from koko.source.records import Brochure, Chapter, Site
from koko.source.text import site_slug, slugify

SCHEMA = Namespace("https://schema.org/")
LANG_DE = URIRef("http://id.loc.gov/vocabulary/iso639-1/de")

STATE_INFO = {
    "Sachsen": ("sachsen", "14", "Saxony", "Freistaat Sachsen"),
    "Sachsen-Anhalt": ("sachsen-anhalt", "15", "Saxony-Anhalt", "Land Sachsen-Anhalt"),
    "Thüringen": ("thueringen", "16", "Thuringia", "Freistaat Thüringen"),
}
KIND_CLASS = {"landkreis": KOKO.RuralDistrict, "kreisfreie-stadt": KOKO.DistrictFreeCity}
KIND_LABEL = {"landkreis": ("Landkreis", "district"), "kreisfreie-stadt": ("kreisfreie Stadt", "district-free city")}
# The role of every coordinator post and membership: the curated role of data/curated/shared.yaml
# (koko.release.build checks that it is there), whose aliases are the brochure's »KoKos«, »Bikos«.
COORDINATOR_ROLE = "role/bildungskoordination"
# The date of the brochure: the headers name the coordinators who held the posts then.
BROCHURE_YEAR = "2020"


def bind_prefixes(graph: Graph, base: str) -> None:
    """Our prefixes, and readable ones for the data IRIs under ``base`` (site:dresden)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for path in DATA_PREFIXES:
        graph.bind(path.replace("/", "-"), Namespace(base + path + "/"), override=True, replace=True)


@dataclass(frozen=True)
class Iris:
    """The one place where data IRIs are minted from the base."""

    base: str

    def __call__(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def graph_programme(self) -> URIRef:
        return self("graph/programme")

    def graph_site(self, slug: str) -> URIRef:
        return self(f"graph/site/{slug}")


def de_en(graph: Graph, node: URIRef, de: str, en: str, prop: URIRef = RDFS.label) -> None:
    graph.add((node, prop, Literal(de, lang="de")))
    graph.add((node, prop, Literal(en, lang="en")))


def integer_literal(value: int) -> Literal:
    """An xsd:integer. Never a derived type (xsd:positiveInteger, xsd:nonNegativeInteger …): Oxigraph
    keeps those as xsd:integer, and the endpoint would serve another literal than the release has.
    The bounds the derived type would carry are sh:minInclusive in the shapes."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return Literal(str(value), datatype=XSD.integer)


def decimal_literal(value: int | float | Decimal | str) -> Literal:
    """An xsd:decimal in its canonical form (XSD 1.1), the form Oxigraph writes back: no exponent, no
    leading "+" or zeros, no trailing zeros after the point, and no point at all for a whole number
    (``10000``, ``12.5``, ``0.5``, ``-3.25``)."""
    if isinstance(value, bool):
        raise ValueError(f"not a decimal number: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a decimal number: {value!r}")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal("0" if text == "-0" else text, datatype=XSD.decimal)


def _lines(graph: Graph, node: URIRef, first: int, last: int, source: URIRef) -> None:
    graph.add((node, KOKO.firstLine, integer_literal(first)))
    graph.add((node, KOKO.lastLine, integer_literal(last)))
    graph.add((node, DCTERMS.source, source))


def graph_provenance(graph: Graph, name: URIRef, de: str, en: str, derived_from: list[URIRef]) -> None:
    graph.add((name, RDF.type, PROV.Entity))
    de_en(graph, name, de, en)
    for origin in derived_from:
        graph.add((name, PROV.wasDerivedFrom, origin))


class _Builder:
    def __init__(
        self,
        config: Config,
        brochure: Brochure,
        catalogue: Catalogue,
        municipalities: dict[str, Municipality],
        programme: ProgrammeFacts,
        nuts: NutsTable,
    ):
        self.iri = Iris(config.base)
        self.nuts = nuts
        self.config = config
        self.brochure = brochure
        self.catalogue = catalogue
        self.municipalities = municipalities
        self.facts = programme
        self.dataset = Dataset(default_union=True)
        # Only our prefixes: rdflib's defaults (brick, csvw, …) would leak into every file.
        self.dataset.namespace_manager = NamespaceManager(self.dataset, bind_namespaces="none")
        bind_prefixes(self.dataset, config.base)
        self.source_file = self.iri("source/koko-brochure-2020.txt")
        self.municipality_table = self.iri("source/municipalities.csv")
        self.programme = self.iri(f"programme/{programme.programme.id}")

    def build(self) -> Dataset:
        missing = [s.name for s in self.brochure.sites if s.name not in self.municipalities]
        if missing:
            raise KokoError(f"no row for {', '.join(missing)}", self.config.municipalities)
        unused = sorted(set(self.municipalities) - {s.name for s in self.brochure.sites})
        if unused:
            raise KokoError(f"rows for sites the brochure does not have: {', '.join(unused)}", self.config.municipalities)
        self.programme_graph()
        for chapter in self.brochure.chapters:
            for site in chapter.sites:
                self.site_graph(chapter, site)
        return self.dataset

    # --- programme-level graph ---------------------------------------------------------
    def programme_graph(self) -> None:
        name = self.iri.graph_programme()
        g = self.dataset.graph(name)
        b, f = self.brochure, self.facts
        brochure = self.iri("brochure")
        g.add((brochure, RDF.type, KOKO.Brochure))
        title = "Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte in Sachsen, Sachsen-Anhalt und Thüringen"
        de_en(
            g,
            brochure,
            title,
            "Municipal coordination of education offers for newly arrived migrants in Saxony, Saxony-Anhalt and Thuringia",
        )
        g.add((brochure, DCTERMS.title, Literal(title, lang="de")))
        g.add((brochure, DCTERMS.publisher, self.iri(f"org/{f.supported_by}")))
        g.add((brochure, DCTERMS.issued, Literal("2020", datatype=XSD.gYear)))
        g.add((brochure, DCTERMS.language, LANG_DE))
        g.add((brochure, DCTERMS.subject, self.programme))

        src = self.source_file
        g.add((src, RDF.type, PROV.Entity))
        de_en(g, src, "Textebene der Broschüre (aus dem PDF extrahiert)", "Text layer of the brochure (extracted from the PDF)")
        g.add((src, DCTERMS.format, Literal("text/plain; charset=utf-8")))
        g.add((src, PROV.wasDerivedFrom, brochure))
        g.add((src, KOKO.sha256, Literal(b.sha256, datatype=XSD.hexBinary)))

        table = self.municipality_table
        g.add((table, RDF.type, PROV.Entity))
        de_en(g, table, "Kuratierte Kreisdaten (Kreisschlüssel, Status)", "Curated district data (district keys, status)")
        g.add((table, DCTERMS.format, Literal("text/csv")))

        sections = []
        for key, section, cls in (("foreword", b.foreword, KOKO.Foreword), ("summary", b.summary, KOKO.Summary)):
            node = self.iri(f"brochure/{key}")
            sections.append(node)
            g.add((node, RDF.type, cls))
            de_en(g, node, section.title, "Foreword" if key == "foreword" else "Summary and outlook")
            g.add((node, DCTERMS.title, Literal(section.title, lang="de")))
            g.add((node, KOKO.text, Literal(section.text, lang="de")))
            g.add((node, DCTERMS.isPartOf, brochure))
            g.add((brochure, DCTERMS.hasPart, node))
            _lines(g, node, section.first_line, section.last_line, src)

        self.organisations(g)
        self.programme_node(g)
        self.catalogue_nodes(g)
        for chapter in b.chapters:
            sections.extend(self.chapter(g, chapter, brochure))
        graph_provenance(
            g, name, "Benannter Graph: Programm, Broschüre und Kapitel", "Named graph: programme, brochure and chapters", sections
        )

    def organisations(self, g: Graph) -> None:
        for org in self.facts.organisations:
            node = self.iri(f"org/{org.id}")
            g.add((node, RDF.type, ORG.FormalOrganization))
            de_en(g, node, org.de, org.en)
            if org.alt_label:
                g.add((node, SKOS.altLabel, Literal(org.alt_label, lang="de")))
            g.add((node, PROV.wasDerivedFrom, self.iri("brochure/foreword")))

    def programme_node(self, g: Graph) -> None:
        f, p = self.facts, self.programme
        g.add((p, RDF.type, KOKO.FundingProgramme))
        de_en(g, p, f.programme.de, f.programme.en)
        if f.programme.alt_label:
            g.add((p, SKOS.altLabel, Literal(f.programme.alt_label, lang="de")))
        g.add((p, SCHEMA.funder, self.iri(f"org/{f.funder}")))
        g.add((p, KOKO.supportedBy, self.iri(f"org/{f.supported_by}")))
        g.add((p, KOKO.monitoredBy, self.iri(f"org/{f.monitored_by}")))
        g.add((p, KOKO.siteCount, integer_literal(f.site_count)))
        g.add((p, KOKO.questionsPerSite, integer_literal(f.questions_per_site)))
        g.add((p, PROV.wasDerivedFrom, self.iri("brochure/foreword")))
        for period in f.periods:
            node = self.iri(f"programme/{f.programme.id}/period/{period.ordinal}")
            g.add((p, KOKO.fundingPeriod, node))
            g.add((node, RDF.type, KOKO.FundingPeriod))
            de_en(g, node, period.de, period.en)
            g.add((node, KOKO.periodOrdinal, integer_literal(period.ordinal)))
            if period.start is not None:
                g.add((node, KOKO.periodStart, Literal(f"{period.start:04d}", datatype=XSD.gYear)))
            g.add((node, KOKO.periodEnd, Literal(f"{period.end:04d}", datatype=XSD.gYear)))
        for site in self.brochure.sites:
            g.add((p, KOKO.site, self.iri(f"site/{site_slug(site.name)}")))

    def catalogue_nodes(self, g: Graph) -> None:
        scheme = self.iri("question-catalogue")
        g.add((scheme, RDF.type, KOKO.QuestionCatalogue))
        de_en(g, scheme, "Fragenkatalog der Standortbeschreibungen", "Question catalogue of the site profiles")
        de_en(g, scheme, "Fragenkatalog der Standortbeschreibungen", "Question catalogue of the site profiles", SKOS.prefLabel)
        g.add((scheme, KOKO.questionCount, integer_literal(self.facts.question_count)))
        g.add((scheme, PROV.wasDerivedFrom, self.iri("brochure/foreword")))
        for question in self.catalogue.questions:
            node = self.iri(f"question/{question.slug}")
            g.add((node, RDF.type, KOKO.Question))
            de_en(g, node, question.de, question.en)
            de_en(g, node, question.de, question.en, SKOS.prefLabel)
            for variant in question.variants:
                g.add((node, SKOS.altLabel, Literal(variant, lang="de")))
            g.add((node, SKOS.notation, Literal(question.slug)))
            g.add((node, SKOS.inScheme, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
            g.add((node, SKOS.topConceptOf, scheme))

    def chapter(self, g: Graph, chapter: Chapter, brochure: URIRef) -> list[URIRef]:
        slug, key, state_en, official = STATE_INFO[chapter.state]
        state = self.iri(f"state/{slug}")
        g.add((state, RDF.type, KOKO.FederalState))
        de_en(g, state, chapter.state, state_en)
        g.add((state, SKOS.altLabel, Literal(official, lang="de")))
        g.add((state, KOKO.landesschluessel, Literal(key)))
        g.add((state, SCHEMA.areaServed, URIRef(state_key_uri(key))))

        node = self.iri(f"brochure/chapter/{slug}")
        g.add((node, RDF.type, KOKO.StateChapter))
        de_en(g, node, f"Länderkapitel {chapter.state}", f"State chapter {state_en}")
        g.add((node, DCTERMS.title, Literal(chapter.state, lang="de")))
        g.add((node, DCTERMS.isPartOf, brochure))
        g.add((brochure, DCTERMS.hasPart, node))
        g.add((node, KOKO.aboutState, state))
        _lines(g, node, chapter.first_line, chapter.last_line, self.source_file)
        for name, _ in chapter.listed_sites:
            g.add((node, KOKO.listedSite, self.iri(f"site/{site_slug(name)}")))

        intro = self.iri(f"brochure/chapter/{slug}/introduction")
        g.add((intro, RDF.type, KOKO.ChapterIntroduction))
        # The title is the section's own (dcterms:title); the label says what the node is, in both languages.
        de_en(g, intro, f"Einleitung zum Länderkapitel {chapter.state}", f"Introduction to the chapter {state_en}")
        g.add((intro, DCTERMS.title, Literal(chapter.intro_title, lang="de")))
        g.add((intro, KOKO.text, Literal(chapter.intro_text, lang="de")))
        g.add((intro, DCTERMS.isPartOf, node))
        g.add((node, KOKO.introduction, intro))
        _lines(g, intro, chapter.intro_first_line, chapter.intro_last_line, self.source_file)

        sig = chapter.signature
        person = self.iri(f"person/{slugify(sig.name)}")
        post = self.iri(f"post/transmit-{slug}")
        g.add((intro, DCTERMS.creator, person))
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, RDFS.label, Literal(sig.name, lang="de")))
        g.add((person, SCHEMA.name, Literal(sig.name)))
        if sig.honorific:
            g.add((person, SCHEMA.honorificPrefix, Literal(sig.honorific)))
        g.add((person, ORG.holds, post))
        g.add((post, RDF.type, KOKO.ConsultantPost))
        de_en(g, post, f"{sig.role} (TransMit)", f"Municipal advisory service {state_en} (TransMit)")
        g.add((post, ORG.heldBy, person))
        g.add((post, ORG.postIn, self.iri(f"org/{self.facts.supported_by}")))
        g.add((post, PROV.wasDerivedFrom, intro))
        return [node, intro]

    # --- one graph per site --------------------------------------------------------------
    def site_graph(self, chapter: Chapter, site: Site) -> None:
        slug = site_slug(site.name)
        g = self.dataset.graph(self.iri.graph_site(slug))
        row = self.municipalities[site.name]
        state_slug, _, _state_en, _ = STATE_INFO[chapter.state]
        if row.state != state_slug:
            raise KokoError(
                f"{site.name!r} is in state {row.state!r} here but in chapter {chapter.state!r} of the brochure",
                self.config.municipalities,
                row.line,
            )
        node = self.iri(f"site/{slug}")
        muni = self.iri(f"municipality/{slug}")
        profile = self.iri(f"brochure/profile/{slug}")
        chapter_node = self.iri(f"brochure/chapter/{state_slug}")

        g.add((profile, RDF.type, KOKO.SiteProfile))
        de_en(g, profile, f"Standortbeschreibung {row.site_name}", f"Site profile {row.official_name}")
        g.add((profile, DCTERMS.isPartOf, chapter_node))
        _lines(g, profile, site.first_line, site.last_line, self.source_file)

        g.add((node, RDF.type, KOKO.Site))
        de_en(g, node, row.site_name, f"KoKo site {row.official_name}")
        g.add((node, KOKO.printedName, Literal(site.name)))
        g.add((node, KOKO.programme, self.programme))
        g.add((node, KOKO.municipality, muni))
        g.add((node, KOKO.chapter, chapter_node))
        g.add((node, KOKO.profile, profile))
        start = Literal(site.start, datatype=XSD.gYearMonth)
        g.add((node, KOKO.programmeStart, start))
        motto = Literal(site.motto, lang="de")
        g.add((node, KOKO.motto, motto))
        g.add((node, PROV.wasDerivedFrom, profile))
        said = f"{row.site_name} – "
        add_evidence(
            g, self.iri, slug, (node, KOKO.programmeStart, start), site.start_text, profile, said + f"Programmstart {site.start}"
        )
        add_evidence(g, self.iri, slug, (node, KOKO.motto, motto), site.motto_text, profile, said + "Motto")

        self.municipality(g, muni, row, state_slug, site)
        for position, name in enumerate(site.coordinators, start=1):
            post = self.iri(f"post/{slug}-{position}")
            person = self.iri(f"person/{slugify(name)}")
            g.add((node, KOKO.coordinatorPost, post))
            g.add((post, RDF.type, KOKO.CoordinatorPost))
            de_en(
                g,
                post,
                f"Bildungskoordination {row.site_name} (Stelle {position})",
                f"Education coordination post {row.official_name} ({position})",
            )
            g.add((post, KOKO.postForSite, node))
            g.add((post, KOKO.position, integer_literal(position)))
            g.add((post, ORG.postIn, muni))
            g.add((muni, ORG.hasPost, post))
            g.add((post, ORG.heldBy, person))
            g.add((post, PROV.wasDerivedFrom, profile))
            g.add((post, ORG.role, self.iri(COORDINATOR_ROLE)))
            g.add((person, RDF.type, SCHEMA.Person))
            g.add((person, RDFS.label, Literal(name, lang="de")))
            g.add((person, SCHEMA.name, Literal(name)))
            g.add((person, ORG.holds, post))
            add_evidence(
                g, self.iri, slug, (post, ORG.heldBy, person), site.coordination_text, profile, f"{row.site_name} – {name}"
            )
            self.membership(g, f"{slug}-{position}", person, muni, name, row, profile)

        for answer in site.answers:
            a = self.iri(f"answer/{slug}/{answer.question.slug}")
            g.add((node, KOKO.answer, a))
            g.add((a, RDF.type, KOKO.Answer))
            de_en(g, a, f"{row.site_name}: {answer.question.de}", f"{row.official_name}: {answer.question.en}")
            g.add((a, KOKO.answerOf, node))
            g.add((a, KOKO.question, self.iri(f"question/{answer.question.slug}")))
            g.add((a, KOKO.position, integer_literal(answer.position)))
            g.add((a, KOKO.printedQuestion, Literal(answer.printed_question, lang="de")))
            g.add((a, KOKO.text, Literal(answer.text, lang="de")))
            g.add((a, PROV.wasDerivedFrom, profile))
            _lines(g, a, answer.first_line, answer.last_line, self.source_file)

        graph_provenance(
            g,
            self.iri.graph_site(slug),
            f"Benannter Graph: {row.site_name}",
            f"Named graph: KoKo site {row.official_name}",
            [profile, self.municipality_table],
        )

    def membership(
        self, g: Graph, post: str, person: URIRef, muni: URIRef, name: str, row: Municipality, profile: URIRef
    ) -> None:
        """The coordinator's org:Membership of the administration, during an interval that holds
        the brochure's year; when it began is curated where an answer says it (post:<slug>-<n>)."""
        node = self.iri(f"membership/{post}")
        interval = self.iri(f"interval/membership/{post}")
        site_name, official_name = row.site_name, row.official_name
        # Instants are shared by every graph that names them: described once, in the programme graph.
        year = instant(self.dataset.graph(self.iri.graph_programme()), self.iri, WrittenDate(BROCHURE_YEAR))
        g.add((node, RDF.type, ORG.Membership))
        de_en(g, node, f"{name}, Bildungskoordination {site_name}", f"{name}, education coordination {official_name}")
        g.add((node, ORG.member, person))
        g.add((node, ORG.organization, muni))
        g.add((node, ORG.role, self.iri(COORDINATOR_ROLE)))
        g.add((node, ORG.memberDuring, interval))
        g.add((node, PROV.wasDerivedFrom, profile))
        g.add((interval, RDF.type, TIME.ProperInterval))
        de_en(
            g,
            interval,
            f"Amtszeit: {name}, Bildungskoordination {site_name}",
            f"Term of office: {name}, education coordination {official_name}",
        )
        g.add((interval, TIME.inside, year))

    def municipality(self, g: Graph, muni: URIRef, row: Municipality, state_slug: str, site: Site) -> None:
        kind_de, kind_en = KIND_LABEL[row.kind]
        g.add((muni, RDF.type, KIND_CLASS[row.kind]))
        de_en(g, muni, row.official_name, f"{row.official_name} ({kind_en})")
        g.add((muni, SKOS.altLabel, Literal(f"{row.official_name} ({kind_de})", lang="de")))
        g.add((muni, KOKO.printedName, Literal(site.name)))
        g.add((muni, KOKO.kreisschluessel, Literal(row.ags)))
        g.add((muni, KOKO.municipalityKind, self.iri(f"vocabulary/municipality-kind/{row.kind}")))
        g.add((muni, SCHEMA.areaServed, URIRef(district_key_uri(row.ags))))
        g.add((muni, SCHEMA.areaServed, URIRef(self.nuts.uri(row.ags))))
        g.add((muni, KOKO.federalState, self.iri(f"state/{state_slug}")))
        g.add((muni, KOKO.participation, self.iri(f"site/{site_slug(site.name)}")))
        g.add((muni, PROV.wasDerivedFrom, self.municipality_table))
        if row.valid_until:
            g.add((muni, KOKO.validUntil, Literal(row.valid_until.isoformat(), datatype=XSD.date)))
        if row.successor_name and row.successor_ags and row.change_date and row.successor_kind:
            successor = self.iri(f"municipality/{slugify(row.successor_name)}")
            change = self.iri(f"change/{slugify(row.official_name)}-{row.change_date.year}")
            s_de, s_en = KIND_LABEL[row.successor_kind]
            g.add((successor, RDF.type, KIND_CLASS[row.successor_kind]))
            de_en(g, successor, row.successor_name, f"{row.successor_name} ({s_en})")
            g.add((successor, SKOS.altLabel, Literal(f"{row.successor_name} ({s_de})", lang="de")))
            g.add((successor, KOKO.kreisschluessel, Literal(row.successor_ags)))
            g.add((successor, KOKO.municipalityKind, self.iri(f"vocabulary/municipality-kind/{row.successor_kind}")))
            # The key outlived the merger; the NUTS-3 code of 2018 describes the district before it.
            g.add((successor, SCHEMA.areaServed, URIRef(district_key_uri(row.successor_ags))))
            g.add((successor, KOKO.federalState, self.iri(f"state/{state_slug}")))
            g.add((successor, PROV.wasDerivedFrom, self.municipality_table))
            g.add((change, RDF.type, ORG.ChangeEvent))
            day = row.change_date
            de_en(
                g,
                change,
                f"Eingliederung von {row.official_name} ({kind_de}) in den {row.successor_name} "
                f"am {day.day}.{day.month}.{day.year}",
                f"{row.official_name} ({kind_en}) joins the {row.successor_name} on {day.isoformat()}",
            )
            g.add((change, DCTERMS.date, Literal(day.isoformat(), datatype=XSD.date)))
            g.add((change, ORG.originalOrganization, muni))
            g.add((change, ORG.resultingOrganization, successor))
            g.add((change, PROV.wasDerivedFrom, self.municipality_table))
            g.add((muni, ORG.changedBy, change))
            g.add((successor, ORG.resultedFrom, change))


def build_dataset(
    config: Config,
    brochure: Brochure,
    catalogue: Catalogue,
    municipalities: dict[str, Municipality],
    programme: ProgrammeFacts,
    nuts: NutsTable,
) -> Dataset:
    """The whole knowledge graph as a dataset of named graphs."""
    return _Builder(config, brochure, catalogue, municipalities, programme, nuts).build()


def ontology_iri() -> URIRef:
    return URIRef(ONTOLOGY_IRI)
