"""OWL 2 RL reasoning: concrete entailments by name, consistency, and only-new-triples output."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from helpers import koko
from koko.checks.infer import infer, load_ontology
from koko.graph.formats import union
from koko.graph.namespace import KOKO

BASE = "https://w3id.org/koko-kg/id/"
SCHEMA = Namespace("https://schema.org/")


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


@pytest.fixture(scope="module")
def ontology(config) -> Graph:
    return load_ontology(config)


@pytest.fixture(scope="module")
def inference(knowledge, ontology):
    return infer(knowledge.dataset, ontology)


ENTAILMENTS = [
    # Sub-classes up to W3C ORG, PROV and SKOS classes
    ("site/dresden", RDF.type, PROV.Activity),
    ("municipality/eisenach", RDF.type, KOKO.Municipality),
    ("municipality/eisenach", RDF.type, ORG.FormalOrganization),
    ("municipality/eisenach", RDF.type, ORG.Organization),
    ("municipality/wartburgkreis", RDF.type, ORG.Organization),
    ("post/dresden-1", RDF.type, ORG.Post),
    ("post/transmit-sachsen", RDF.type, ORG.Post),
    ("question/strukturen", RDF.type, SKOS.Concept),
    ("question-catalogue", RDF.type, SKOS.ConceptScheme),
    ("brochure/profile/saalekreis", RDF.type, KOKO.BrochureSection),
    ("brochure/profile/saalekreis", RDF.type, SCHEMA.CreativeWork),
    ("answer/saalekreis/strukturen", RDF.type, PROV.Entity),
    ("programme/koko", RDF.type, PROV.Entity),
    ("change/eisenach-2021", RDF.type, PROV.Activity),
    # Sub-properties: a chapter's introduction is one of its parts
    ("brochure/chapter/sachsen", DCTERMS.hasPart, "brochure/chapter/sachsen/introduction"),
    # Inverse properties from W3C ORG: TransMit has the consultants' posts
    ("org/transmit", ORG.hasPost, "post/transmit-thueringen"),
]


@pytest.mark.parametrize(("s", "p", "o"), ENTAILMENTS, ids=[f"{s} {p.n3()}" for s, p, _ in ENTAILMENTS])
def test_concrete_entailment(inference, knowledge, s, p, o):
    obj = o if isinstance(o, URIRef) else iri(o)
    triple = (iri(s), p, obj)
    assert triple in inference.entailed
    assert triple not in union(knowledge.dataset), "an entailment must be new, not asserted"


def test_only_new_informative_triples(inference, knowledge):
    asserted = union(knowledge.dataset)
    assert len(inference.entailed) > 300
    assert not any(t in asserted for t in inference.entailed)
    assert not list(inference.entailed.triples((None, OWL.sameAs, None)))
    assert not list(inference.entailed.triples((None, RDF.type, OWL.Thing)))
    assert all(isinstance(s, URIRef) for s in inference.entailed.subjects())


def test_release_closure_is_consistent(inference):
    assert inference.consistent, inference.inconsistencies
    assert not list(inference.entailed.subjects(RDF.type, OWL.Nothing))
    both = set(inference.entailed.subjects(RDF.type, KOKO.RuralDistrict)) & set(
        inference.entailed.subjects(RDF.type, KOKO.DistrictFreeCity)
    )
    assert not both


def test_disjoint_classes_sharing_a_member_are_reported(knowledge, ontology):
    data = union(knowledge.dataset)
    data.add((iri("municipality/eisenach"), RDF.type, KOKO.RuralDistrict))
    result = infer(data, ontology)
    assert not result.consistent
    assert any("Disjoint classes" in p and "municipality/eisenach" in p for p in result.inconsistencies)


def test_user_addition_gets_inverse_and_transitive_unit_hierarchy(ontology):
    """A curator adds units in W3C ORG terms only; ORG's axioms climb to the administration."""
    data = Graph()
    office, department, district = iri("unit/office"), iri("unit/department"), iri("municipality/dresden")
    data.add((office, ORG.subOrganizationOf, department))
    data.add((department, ORG.unitOf, district))
    data.add((iri("post/extra"), ORG.postIn, office))
    for node in (office, department):
        data.add((node, RDF.type, KOKO.AdministrativeUnit))
        data.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Einheit", lang="de")))
    entailed = infer(data, ontology).entailed
    assert (office, ORG.transitiveSubOrganizationOf, district) in entailed  # transitive, through org:unitOf
    assert (department, ORG.subOrganizationOf, district) in entailed  # org:unitOf ⊑ org:subOrganizationOf
    assert (district, ORG.hasUnit, department) in entailed  # inverse
    assert (department, ORG.hasSubOrganization, office) in entailed
    assert (office, ORG.hasPost, iri("post/extra")) in entailed
    assert (office, RDF.type, ORG.Organization) in entailed


def test_standard_clients_get_prov_from_koko_terms(inference, knowledge):
    """What a PROV client reads without knowing koko: (docs/reasoning.md)."""
    entailed = inference.entailed
    assert (iri("product/kindergarten-broschuere-eisenach"), RDF.type, PROV.Entity) in entailed
    assert (iri("product/sprachkurslisten-goerlitz"), PROV.wasGeneratedBy, iri("site/goerlitz")) in entailed
    partners = list(knowledge.dataset.subject_objects(KOKO.partner))
    assert partners
    assert all((site, PROV.wasAssociatedWith, partner) in entailed for site, partner in partners)


# Every OWL term the ontology and the imported axioms use; all are allowed in OWL 2 RL.
OWL_2_RL_CONSTRUCTS = {
    OWL.Ontology,
    OWL.versionIRI,
    OWL.versionInfo,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.FunctionalProperty,
    OWL.TransitiveProperty,
    OWL.inverseOf,
    OWL.disjointWith,
}


def test_ontology_uses_only_owl_2_rl_constructs(ontology):
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(str(OWL))}
    assert used <= OWL_2_RL_CONSTRUCTS, used - OWL_2_RL_CONSTRUCTS


def test_infer_command_writes_the_named_graph(tmp_path):
    out = tmp_path / "inferred.trig"
    result = koko("infer", "--format", "trig", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("{\n") == 1
    assert f"<{BASE}graph/inferred> {{" in text
    assert "entailed triples" in result.stderr


def test_inferred_output_is_deterministic(tmp_path):
    first = koko("infer").stdout_bytes
    assert first == koko("infer").stdout_bytes
