"""The knowledge graph: identifiers, official keys, Eisenach's status, provenance per graph."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from koko.config import load_config
from koko.graph.namespace import KOKO
from koko.release.build import assemble
from koko.source.text import site_slug

BASE = "https://w3id.org/koko-kg/id/"


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def ask(knowledge, query: str, **bindings) -> list:
    prefixes = """PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
    return list(knowledge.dataset.query(prefixes + query, initBindings=bindings))


EXPECTED_SLUGS = [
    "dresden",
    "goerlitz",
    "meissen",
    "mittelsachsen",
    "nordsachsen",
    "saechsische-schweiz-osterzgebirge",
    "vogtlandkreis",
    "altmarkkreis-salzwedel",
    "boerde",
    "burgenlandkreis",
    "dessau-rosslau",
    "magdeburg",
    "saalekreis",
    "salzlandkreis",
    "stendal",
    "wittenberg",
    "eisenach",
    "erfurt",
    "hildburghausen",
    "ilm-kreis",
    "kyffhaeuserkreis",
    "nordhausen",
    "saalfeld-rudolstadt",
    "schmalkalden-meiningen",
    "unstrut-hainich-kreis",
    "weimar",
    "weimarer-land",
]


def test_site_slugs_follow_the_naming_rule(brochure):
    assert [site_slug(site.name) for site in brochure.sites] == EXPECTED_SLUGS


AGS = {
    "dresden": "14612",
    "goerlitz": "14626",
    "meissen": "14627",
    "mittelsachsen": "14522",
    "nordsachsen": "14730",
    "saechsische-schweiz-osterzgebirge": "14628",
    "vogtlandkreis": "14523",
    "altmarkkreis-salzwedel": "15081",
    "boerde": "15083",
    "burgenlandkreis": "15084",
    "dessau-rosslau": "15001",
    "magdeburg": "15003",
    "saalekreis": "15088",
    "salzlandkreis": "15089",
    "stendal": "15090",
    "wittenberg": "15091",
    "eisenach": "16056",
    "erfurt": "16051",
    "hildburghausen": "16069",
    "ilm-kreis": "16070",
    "kyffhaeuserkreis": "16065",
    "nordhausen": "16062",
    "saalfeld-rudolstadt": "16073",
    "schmalkalden-meiningen": "16066",
    "unstrut-hainich-kreis": "16064",
    "weimar": "16055",
    "weimarer-land": "16071",
}


@pytest.mark.parametrize(("slug", "key"), sorted(AGS.items()))
def test_municipality_carries_its_kreisschluessel(knowledge, slug, key):
    rows = ask(
        knowledge, "SELECT ?key WHERE { ?site koko:municipality ?m . ?m koko:kreisschluessel ?key }", site=iri(f"site/{slug}")
    )
    assert [str(r.key) for r in rows] == [key]


def test_kreisschluessel_prefix_matches_the_state(knowledge):
    rows = ask(
        knowledge,
        "SELECT ?key ?stateKey WHERE { ?m koko:kreisschluessel ?key ; koko:federalState/koko:landesschluessel ?stateKey }",
    )
    assert len(rows) == 28  # 27 sites and the Wartburgkreis
    assert all(str(r.key)[:2] == str(r.stateKey) for r in rows)


def test_eisenach_keeps_its_printed_label_but_is_a_district_free_city_until_2021(knowledge):
    g = knowledge.dataset
    muni, site = iri("municipality/eisenach"), iri("site/eisenach")
    assert (site, KOKO.printedName, Literal("Landkreis Eisenach")) in g
    assert (muni, RDF.type, KOKO.DistrictFreeCity) in g
    assert (muni, RDF.type, KOKO.RuralDistrict) not in g
    assert (muni, KOKO.validUntil, Literal("2021-06-30", datatype=XSD.date)) in g
    change = g.value(muni, ORG.changedBy)
    assert g.value(change, ORG.resultingOrganization) == iri("municipality/wartburgkreis")
    assert (iri("municipality/wartburgkreis"), KOKO.kreisschluessel, Literal("16063")) in g
    assert (iri("municipality/wartburgkreis"), SKOS.altLabel, Literal("Wartburgkreis (Landkreis)", lang="de")) in g
    assert str(g.value(change, URIRef("http://purl.org/dc/terms/date"))) == "2021-07-01"


def test_dessau_rosslau_started_in_september_2016_with_one_coordinator(knowledge):
    rows = ask(
        knowledge,
        "SELECT ?start (COUNT(?post) AS ?posts) "
        "WHERE { ?site koko:programmeStart ?start ; koko:coordinatorPost ?post } GROUP BY ?start",
        site=iri("site/dessau-rosslau"),
    )
    assert [(r.start, int(r.posts)) for r in rows] == [(Literal("2016-09", datatype=XSD.gYearMonth), 1)]


def test_saalekreis_motto_is_german_text(knowledge):
    motto = knowledge.dataset.value(iri("site/saalekreis"), KOKO.motto)
    assert motto.language == "de"
    assert str(motto).startswith("Bildung ermöglicht Partizipation – ich setze mich dafür ein")


def test_coordinators_hold_posts_in_a_unit_of_their_municipality(knowledge):
    rows = ask(
        knowledge,
        "SELECT ?name WHERE { ?post org:postIn/org:unitOf ?m ; org:heldBy ?p . ?p <https://schema.org/name> ?name } "
        "ORDER BY ?name",
        m=iri("municipality/magdeburg"),
    )
    assert [str(r.name) for r in rows] == ["Anton Gujo", "Dagmar Bremer"]
    memberships = ask(
        knowledge,
        "SELECT ?name WHERE { ?m a org:Membership ; org:organization ?org ; org:member/<https://schema.org/name> ?name } "
        "ORDER BY ?name",
        org=iri("municipality/magdeburg"),
    )
    assert [str(r.name) for r in memberships] == ["Anton Gujo", "Dagmar Bremer"]


def test_programme_facts_from_the_foreword(knowledge):
    g, p = knowledge.dataset, iri("programme/koko")
    assert g.value(p, URIRef("https://schema.org/funder")) == iri("org/bmbf")
    assert g.value(p, KOKO.supportedBy) == iri("org/transmit")
    assert g.value(p, KOKO.monitoredBy) == iri("org/minor")
    assert int(g.value(p, KOKO.siteCount)) == 27
    assert int(g.value(iri("question-catalogue"), KOKO.questionCount)) == 14
    periods = ask(
        knowledge,
        "SELECT ?n ?start ?end WHERE { ?p koko:fundingPeriod ?x . ?x koko:periodOrdinal ?n ; koko:periodEnd ?end "
        "OPTIONAL { ?x koko:periodStart ?start } } ORDER BY ?n",
        p=p,
    )
    assert [(int(r.n), r.start and str(r.start), str(r.end)) for r in periods] == [(1, "2016", "2017"), (2, None, "2020")]


def test_chapter_introductions_are_signed_by_transmit_consultants(knowledge):
    rows = ask(
        knowledge,
        """SELECT ?title ?name WHERE { ?chapter koko:introduction ?intro . ?intro dcterms:title ?title ; dcterms:creator ?p .
               ?p <https://schema.org/name> ?name ;
                  org:holds/org:postIn <https://w3id.org/koko-kg/id/org/transmit> } ORDER BY ?name""",
    )
    assert [(str(r.title), str(r.name)) for r in rows] == [
        ("Lösungswege auf regionale Bedingungen abstimmen", "Alexander Lorenz"),
        ("Integration durch Netzwerkarbeit weiter voranbringen", "Anne Walde"),
        ("Zielgruppenspezifische Bildungsangebote schaffen", "Norbert Blauig-Schaaf"),
    ]


def test_one_named_graph_per_site_plus_the_programme_and_the_curated_files(knowledge):
    names = {str(g.identifier) for g in knowledge.dataset.graphs() if len(g)}
    sections = {"foreword", "summary", "sachsen-introduction", "sachsen-anhalt-introduction", "thueringen-introduction"}
    assert names == (
        {BASE + "graph/programme", BASE + "graph/curated/shared", BASE + "graph/vocabularies"}
        | {BASE + f"graph/site/{slug}" for slug in EXPECTED_SLUGS}
        | {BASE + f"graph/curated/{key}" for key in (*EXPECTED_SLUGS, *sections)}
    )


@pytest.mark.parametrize("slug", EXPECTED_SLUGS)
def test_each_site_graph_carries_provenance_with_line_span(knowledge, brochure, slug):
    graph = knowledge.dataset.graph(iri(f"graph/site/{slug}"))
    profile = iri(f"brochure/profile/{slug}")
    assert (graph.identifier, PROV.wasDerivedFrom, profile) in graph
    site = next(s for s in brochure.sites if site_slug(s.name) == slug)
    assert int(graph.value(profile, KOKO.firstLine)) == site.first_line
    assert int(graph.value(profile, KOKO.lastLine)) == site.last_line
    assert graph.value(profile, URIRef("http://purl.org/dc/terms/source")) == iri("source/koko-brochure-2020.txt")


def test_answer_line_spans_point_at_the_question_line(knowledge, source_lines):
    rows = ask(
        knowledge,
        "SELECT ?first ?q WHERE { ?a koko:firstLine ?first ; koko:printedQuestion ?q }",
        a=iri("answer/dessau-rosslau/materialien-und-berichte"),
    )
    assert len(rows) == 1
    assert source_lines[int(rows[0].first) - 1].strip() == str(rows[0].q)


def test_source_node_records_the_file_digest(knowledge, brochure):
    import hashlib

    from conftest import SOURCE

    digest = knowledge.dataset.value(iri("source/koko-brochure-2020.txt"), KOKO.sha256)
    assert str(digest) == hashlib.sha256(SOURCE.read_bytes()).hexdigest() == brochure.sha256


def test_no_blank_nodes(knowledge):
    assert not any(isinstance(t, BNode) for quad in knowledge.dataset.quads() for t in quad[:3])


def test_every_node_has_a_german_label(knowledge):
    rows = ask(
        knowledge,
        """SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s))
        FILTER NOT EXISTS { ?s rdfs:label ?l FILTER(lang(?l) = "de") } }""",
    )
    assert rows == []


def test_all_terms_used_are_declared_in_the_ontology(knowledge, config):
    from rdflib import Graph

    ontology = Graph().parse(config.ontology)
    used = {t for s, p, o, _ in knowledge.dataset.quads() for t in (p, o) if str(t).startswith(str(KOKO._NS))}
    declared = set(ontology.subjects(RDF.type, None))
    assert used <= declared, used - declared


def test_base_iri_is_configurable():
    knowledge = assemble(load_config(base="http://127.0.0.1:8000/id/", environ={}))
    subjects = {str(s) for s in knowledge.dataset.subjects()}
    assert "http://127.0.0.1:8000/id/site/weimar" in subjects
    assert not any(s.startswith(BASE) for s in subjects)
