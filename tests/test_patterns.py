"""The model's patterns (docs/model.md, "Patterns"), each checked with facts from the brochure."""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from koko.graph.namespace import KOKO
from koko.sparql.canned import load_canned
from koko.sparql.reference import run

SCHEMA = "https://schema.org/"
TIME = "http://www.w3.org/2006/time#"
EDTF = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")


def _iri(config, path: str) -> URIRef:
    return URIRef(config.base + path)


def _value(ds, node, predicate):
    values = list(ds.objects(node, predicate))
    assert len(values) == 1, (node, predicate, values)
    return values[0]


def _rows(knowledge, config, name: str, **params: str) -> list[dict[str, str]]:
    result = run(knowledge.dataset, load_canned(config.queries, name), params, config.base)
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in result]


# --- W3C ORG: posts, units, administrations ------------------------------------------------------


def test_goerlitz_posts_sit_in_the_sachgebiet_integration_of_the_district(knowledge, config):
    ds = knowledge.dataset
    unit = _iri(config, "unit/sachgebiet-integration-goerlitz")
    for post in ("post/goerlitz-1", "post/goerlitz-2"):
        assert set(ds.objects(_iri(config, post), ORG.postIn)) == {unit}  # not the municipality as well
    assert (unit, ORG.unitOf, _iri(config, "municipality/goerlitz")) in ds
    assert (unit, ORG.subOrganizationOf, _iri(config, "unit/abteilung-asyl-auslaenderrecht-goerlitz")) in ds
    assert (unit, KOKO.unitKind, _iri(config, "vocabulary/unit-kind/sachgebiet")) in ds
    assert Literal("Integration Section", lang="en") in set(ds.objects(unit, RDFS.label))


def test_a_post_sits_in_one_unit_or_else_in_its_municipality(knowledge):
    ds = knowledge.dataset
    in_units = 0
    for site in ds.subjects(RDF.type, KOKO.Site):
        municipality = _value(ds, site, KOKO.municipality)
        for post in ds.objects(site, KOKO.coordinatorPost):
            where = _value(ds, post, ORG.postIn)
            if (where, RDF.type, KOKO.AdministrativeUnit) in ds:
                in_units += 1
                assert (where, ORG.unitOf, municipality) in ds
            else:
                assert where == municipality
    assert in_units >= 25


def test_every_unit_belongs_to_its_administration(knowledge):
    ds = knowledge.dataset
    units = set(ds.subjects(RDF.type, KOKO.AdministrativeUnit))
    assert len(units) > 40
    for unit in units:
        (municipality,) = ds.objects(unit, ORG.unitOf)
        assert (municipality, ORG.hasUnit, unit) in ds


# --- memberships and tenure ---------------------------------------------------------------------------


def test_hildburghausen_coordinator_took_over_in_the_second_half_of_2019(knowledge, config):
    ds = knowledge.dataset
    membership = _iri(config, "membership/hildburghausen-1")
    assert (membership, RDF.type, ORG.Membership) in ds
    person = _value(ds, _iri(config, "post/hildburghausen-1"), ORG.heldBy)
    assert (membership, ORG.member, person) in ds
    assert (membership, URIRef(SCHEMA + "startDate"), Literal("2019", datatype=XSD.gYear)) in ds
    tenure = _value(ds, membership, ORG.memberDuring)
    begins = _value(ds, tenure, URIRef(TIME + "hasBeginning"))
    assert _value(ds, begins, KOKO.edtf) == Literal("2019-41", datatype=EDTF)
    assert Literal("second half of 2019", lang="en") in set(ds.objects(begins, RDFS.label))
    attested = _value(ds, tenure, URIRef(TIME + "inside"))
    assert _value(ds, attested, URIRef(TIME + "inXSDgYear")) == Literal("2020", datatype=XSD.gYear)


def test_a_coordinator_without_a_stated_start_has_no_beginning(knowledge, config):
    ds = knowledge.dataset
    tenure = _value(ds, _iri(config, "membership/dresden-1"), ORG.memberDuring)
    assert list(ds.objects(tenure, URIRef(TIME + "hasBeginning"))) == []


def test_post_holders_lists_the_start_where_the_brochure_says_it(knowledge, config):
    rows = {r["post"]: r for r in _rows(knowledge, config, "post-holders")}
    assert len(rows) == 33
    assert rows[str(_iri(config, "post/hildburghausen-1"))]["sinceAsWritten"] == "2019-41"
    assert "since" not in rows[str(_iri(config, "post/dresden-1"))]
    assert rows[str(_iri(config, "post/goerlitz-1"))]["unitName"] == "Sachgebiet Integration"


def test_the_weimar_alliance_was_founded_in_june_2017_with_its_members(knowledge, config):
    ds = knowledge.dataset
    alliance = _iri(config, "network/weimarer-buendnis-fuer-sprache-und-integration")
    assert (alliance, URIRef(SCHEMA + "startDate"), Literal("2017-06", datatype=XSD.gYearMonth)) in ds
    members = set(ds.objects(alliance, ORG.hasMember))
    assert len(members) >= 2
    for member in members:
        assert (member, ORG.memberOf, alliance) in ds
        memberships = [m for m in ds.subjects(ORG.member, member) if (m, ORG.organization, alliance) in ds]
        assert len(memberships) == 1


# --- what a site did, and status ----------------------------------------------------------------------


def test_dessau_rosslau_adapted_the_welcome_folder_made_in_the_iq_programme(knowledge, config):
    ds = knowledge.dataset
    folder = _iri(config, "product/ordner-willkommen-in-sachsen-anhalt-dessau-rosslau")
    site = _iri(config, "site/dessau-rosslau")
    assert (site, KOKO.adapted, folder) in ds
    assert (site, KOKO.produced, folder) not in ds
    assert (folder, URIRef("http://purl.org/dc/terms/creator"), None) in ds


def test_eisenachs_kindergarten_brochure_is_a_plan(knowledge, config):
    ds = knowledge.dataset
    brochure = _iri(config, "product/kindergarten-broschuere-eisenach")
    assert (_iri(config, "site/eisenach"), KOKO.plans, brochure) in ds
    assert (brochure, KOKO.status, _iri(config, "vocabulary/status/planned")) in ds
    found = {r["product"] for r in _rows(knowledge, config, "products-by-type")}
    assert str(brochure) not in found  # what exists, by default
    planned = {r["product"] for r in _rows(knowledge, config, "products-by-type", status="planned")}
    assert str(brochure) in planned


def test_no_label_carries_a_status(knowledge):
    words = ("(geplant)", "(abgesagt)", "(in Vorbereitung)", "(im Aufbau)", "(konzipiert)", "(planned)", "(cancelled)")
    for _, label in knowledge.dataset.subject_objects(RDFS.label):
        assert not any(word in str(label) for word in words), label


def test_goerlitz_2020_fair_was_cancelled(knowledge, config):
    ds = knowledge.dataset
    fair = _iri(config, "event/integrationsmesse-goerlitz-2020")
    assert (fair, KOKO.status, _iri(config, "vocabulary/status/cancelled")) in ds
    assert (fair, URIRef(SCHEMA + "eventStatus"), URIRef(SCHEMA + "EventCancelled")) in ds
    cancelled = {r["thing"] for r in _rows(knowledge, config, "plans", status="cancelled")}
    assert str(fair) in cancelled


# --- figures and dates ---------------------------------------------------------------------------------


def test_about_1200_visitors_is_approximate_on_the_value(knowledge, config):
    ds = knowledge.dataset
    fair = _iri(config, "event/integrationsmesse-goerlitz-2019")
    figures = {_value(ds, f, KOKO.measure): f for f in ds.objects(fair, KOKO.figure)}
    visitors = figures[_iri(config, "vocabulary/measure/visitors")]
    exhibitors = figures[_iri(config, "vocabulary/measure/exhibitors")]
    assert _value(ds, visitors, URIRef(SCHEMA + "value")) == Literal("1200", datatype=XSD.integer)
    assert (visitors, KOKO.approximate, Literal(True)) in ds
    assert (exhibitors, KOKO.approximate, None) not in ds
    assert (fair, KOKO.visitorCount, Literal("1200", datatype=XSD.integer)) in ds
    assert not list(ds.subjects(KOKO.approximate, None)) or all(
        (s, RDF.type, URIRef(SCHEMA + "QuantitativeValue")) in ds for s in ds.subjects(KOKO.approximate, None)
    )


def test_the_foreign_population_of_sachsen_anhalt_rose_from_1_8_to_5_1_per_cent(knowledge, config):
    ds = knowledge.dataset
    measure = _iri(config, "vocabulary/measure/share-of-foreign-population")
    figures = {
        str(_value(ds, f, URIRef("http://purl.org/dc/terms/date"))): str(_value(ds, f, URIRef(SCHEMA + "value")))
        for f in ds.objects(_iri(config, "state/sachsen-anhalt"), KOKO.figure)
        if (f, KOKO.measure, measure) in ds
    }
    assert figures == {"2009": "1.8", "2015": "5.1"}


def test_thuringia_had_14_municipalities_in_the_first_period_and_11_in_the_second(knowledge, config):
    ds = knowledge.dataset
    measure = _iri(config, "vocabulary/measure/participating-municipalities")
    by_period = {
        str(_value(ds, f, KOKO.inFundingPeriod)).rsplit("/", 1)[-1]: int(_value(ds, f, URIRef(SCHEMA + "value")))
        for f in ds.objects(_iri(config, "state/thueringen"), KOKO.figure)
        if (f, KOKO.measure, measure) in ds
    }
    assert by_period == {"1": 14, "2": 11}


def test_an_instant_says_the_season_in_edtf(knowledge, config):
    ds = knowledge.dataset
    autumn = _iri(config, "date/2016-23")
    assert (autumn, RDF.type, URIRef(TIME + "Instant")) in ds
    assert _value(ds, autumn, URIRef(TIME + "inXSDgYear")) == Literal("2016", datatype=XSD.gYear)
    assert Literal("Herbst 2016", lang="de") in set(ds.objects(autumn, RDFS.label))


# --- controlled vocabularies, the header, Eisenach ------------------------------------------------------------


def test_every_status_is_a_concept_with_labels_and_definitions_in_both_languages(knowledge, config):
    ds = knowledge.dataset
    scheme = _iri(config, "vocabulary/status")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ds
    concepts = set(ds.objects(scheme, SKOS.hasTopConcept))
    assert {str(_value(ds, c, SKOS.notation)) for c in concepts} == {
        "planned",
        "in-preparation",
        "ongoing",
        "completed",
        "discontinued",
        "cancelled",
        "continued",
    }
    for concept in concepts:
        for prop in (SKOS.prefLabel, SKOS.definition):
            assert {o.language for o in ds.objects(concept, prop)} == {"de", "en"}


def test_every_concept_value_is_a_concept_of_its_scheme(knowledge):
    ds = knowledge.dataset
    schemes = {
        KOKO.status: "status",
        KOKO.unitLevel: "unit-level",
        KOKO.unitKind: "unit-kind",
        KOKO.productType: "product-type",
        KOKO.level: "programme-level",
        KOKO.scope: "scope",
        KOKO.municipalityKind: "municipality-kind",
    }
    for prop, notation in schemes.items():
        values = set(ds.objects(None, prop))
        assert values, prop
        for value in values:
            scheme = _value(ds, value, SKOS.inScheme)
            assert _value(ds, scheme, SKOS.notation) == Literal(notation)


def test_the_header_is_the_evidence_of_start_motto_and_coordinators(knowledge, config):
    ds = knowledge.dataset
    site = _iri(config, "site/weimar")
    quotes = {
        _value(ds, e, RDF.predicate): str(_value(ds, e, PROV.value))
        for e in ds.subjects(RDF.subject, site)
        if (e, PROV.wasQuotedFrom, _iri(config, "brochure/profile/weimar")) in ds
    }
    assert quotes[KOKO.programmeStart] == "Programmstart: 12 / 2016"
    assert quotes[KOKO.motto] == "»Entweder wir finden einen Weg oder wir schaffen einen Weg«"
    post = _iri(config, "post/weimar-1")
    (held,) = [e for e in ds.subjects(RDF.subject, post) if _value(ds, e, RDF.predicate) == ORG.heldBy]
    assert str(_value(ds, held, PROV.value)) == "Bildungskoordination: Solveig Schwennicke"


def test_eisenach_is_labelled_with_its_official_name(knowledge, config):
    ds = knowledge.dataset
    site = _iri(config, "site/eisenach")
    assert Literal("Stadt Eisenach", lang="de") in set(ds.objects(site, RDFS.label))
    assert (site, KOKO.printedName, Literal("Landkreis Eisenach")) in ds
    municipality = _iri(config, "municipality/eisenach")
    assert (municipality, KOKO.municipalityKind, _iri(config, "vocabulary/municipality-kind/kreisfreie-stadt")) in ds
    assert (municipality, KOKO.validUntil, Literal("2021-06-30", datatype=XSD.date)) in ds
    change = _value(ds, municipality, ORG.changedBy)
    assert _value(ds, change, ORG.resultingOrganization) == _iri(config, "municipality/wartburgkreis")
    names = {r["siteName"] for r in _rows(knowledge, config, "sites-by-state", state="Thüringen")}
    assert "Stadt Eisenach" in names
    assert "Landkreis Eisenach" not in names
