"""The OWL 2 RL rules on Oxigraph (koko.checks.rules) against owlrl, the reference: the same entailments
and the same clashes on the release and on small inputs a curator could write, and owlrl itself for
an input the rules do not cover (docs/reasoning.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, PROV

from helpers import koko
from koko.checks.infer import Inference, infer
from koko.checks.rules import OutsideRules
from koko.graph.namespace import KOKO
from test_broken_curated import project as project  # the fixture: a copy of data/, ontology/ and shapes/
from test_infer import BASE, iri
from test_infer import ontology as ontology  # the fixture: the ontology with its imports

EX = Namespace("https://example.org/curator/")


def graph(*triples: tuple[URIRef | BNode, URIRef | BNode, URIRef | BNode | Literal]) -> Graph:
    data = Graph()
    for triple in triples:
        data.add(triple)
    return data


def same(fast: Inference, reference: Inference) -> None:
    assert set(fast.entailed) == set(reference.entailed)
    assert fast.inconsistencies == reference.inconsistencies


def test_the_release_gets_owlrls_entailments_from_the_rules(knowledge, ontology):
    fast = infer(knowledge.dataset, ontology, engine="rules")
    reference = infer(knowledge.dataset, ontology, engine="owlrl")
    same(fast, reference)
    assert fast.consistent
    assert fast.engine.startswith("SPARQL rules on pyoxigraph")
    assert reference.engine.startswith("owlrl")
    assert (iri("municipality/eisenach"), RDF.type, ORG.Organization) in fast.entailed


def test_auto_keeps_the_release_on_the_rules(knowledge, ontology):
    result = infer(knowledge.dataset, ontology)
    assert result.handed_over == ""
    assert result.engine.startswith("SPARQL rules")


_unit, _office = BNode(), BNode()

# name, data, what both engines must find (a clash message, or an entailment)
AGREEMENT: list[tuple[str, Callable[[], Graph], str | tuple[URIRef, URIRef, URIRef | Literal]]] = [
    (
        "eisenach-both-kinds-of-municipality",
        lambda: graph(
            (iri("municipality/eisenach"), RDF.type, KOKO.DistrictFreeCity),
            (iri("municipality/eisenach"), RDF.type, KOKO.RuralDistrict),
        ),
        f"Disjoint classes {KOKO.RuralDistrict} and {KOKO.DistrictFreeCity} have a common individual {BASE}municipality/eisenach",
    ),
    (
        "dresden-a-member-of-nothing",
        lambda: graph((iri("site/dresden"), RDF.type, OWL.Nothing)),
        f"{BASE}site/dresden is a member of owl:Nothing",
    ),
    (
        "line-number-not-an-integer",
        lambda: graph((iri("brochure/profile/dresden"), KOKO.firstLine, Literal("zwölf", datatype=XSD.integer))),
        f"Lexical value of the literal 'zwölf' does not match its datatype ({XSD.integer})",
    ),
    (
        "printed-name-a-number",  # koko:printedName has the range xsd:string, disjoint with xsd:decimal
        lambda: graph((iri("site/dresden"), KOKO.printedName, Literal("12", datatype=XSD.integer))),
        f"Disjoint classes {XSD.decimal} and {XSD.string} have a common individual 12",
    ),
    (
        "curator-own-class-and-property",
        lambda: graph(
            (EX.Beratungsstelle, RDF.type, OWL.Class),
            (EX.Beratungsstelle, RDFS.subClassOf, KOKO.AdministrativeUnit),
            (EX.teilVon, RDFS.subPropertyOf, ORG.unitOf),
            (iri("unit/migrationsberatung"), RDF.type, EX.Beratungsstelle),
            (iri("unit/migrationsberatung"), EX.teilVon, iri("municipality/dresden")),
        ),
        (iri("municipality/dresden"), ORG.hasSubOrganization, iri("unit/migrationsberatung")),
    ),
    (
        "curator-equivalences",  # the rules derive these through sub-classes and sub-properties both ways
        lambda: graph(
            (EX.Standort, OWL.equivalentClass, KOKO.Site),
            (EX.mitglied, OWL.equivalentProperty, ORG.memberOf),
            (iri("site/dresden"), RDF.type, EX.Standort),
            (iri("person/jana-traeber"), EX.mitglied, iri("network/dresden")),
        ),
        (iri("network/dresden"), ORG.hasMember, iri("person/jana-traeber")),
    ),
    (
        "unit-hierarchy-through-blank-nodes",
        lambda: graph(
            (iri("unit/office"), ORG.subOrganizationOf, _office),
            (_office, ORG.subOrganizationOf, _unit),
            (_unit, ORG.unitOf, iri("municipality/dresden")),
        ),
        (iri("unit/office"), ORG.transitiveSubOrganizationOf, iri("municipality/dresden")),
    ),
    (
        "literal-through-an-inverse",  # owlrl's generalised triple "Weimar" ex:nameOf site:weimar
        lambda: graph(
            (EX.name, OWL.inverseOf, EX.nameOf),
            (EX.nameOf, RDFS.range, KOKO.Site),
            (iri("site/weimar"), EX.name, Literal("Weimar")),
        ),
        (iri("site/weimar"), RDF.type, PROV.Activity),
    ),
    (
        "plain-and-xsd-string-label",  # one term in Oxigraph, two in rdflib and owlrl
        lambda: graph(
            (RDFS.label, RDFS.subPropertyOf, EX.name),
            (iri("site/dresden"), RDFS.label, Literal("Dresden")),
            (iri("site/dresden"), RDFS.label, Literal("Dresden", datatype=XSD.string)),
        ),
        (iri("site/dresden"), EX.name, Literal("Dresden")),
    ),
]


@pytest.mark.parametrize(("name", "data", "found"), AGREEMENT, ids=[case[0] for case in AGREEMENT])
def test_rules_and_owlrl_agree(ontology, name, data, found):
    fast = infer(data(), ontology, engine="rules")
    same(fast, infer(data(), ontology, engine="owlrl"))
    if isinstance(found, str):
        assert found in fast.inconsistencies
    else:
        assert found in fast.entailed


# name, data, the construct the rules refuse, an entailment of owlrl's
HANDED_OVER: list[tuple[str, Callable[[], Graph], str, tuple[URIRef, URIRef, URIRef | Literal]]] = [
    (
        "same-as",
        lambda: graph((EX.dresden, OWL.sameAs, iri("site/dresden")), (iri("site/dresden"), RDF.type, KOKO.Site)),
        "owl#sameAs",
        (EX.dresden, RDF.type, KOKO.Site),
    ),
    (
        "symmetric-property",
        lambda: graph((EX.partnerOf, RDF.type, OWL.SymmetricProperty), (iri("site/dresden"), EX.partnerOf, iri("site/leipzig"))),
        "owl#SymmetricProperty",
        (iri("site/leipzig"), EX.partnerOf, iri("site/dresden")),
    ),
    (
        "programme-start-twice",  # owlrl equates the two months and gives weimar the other one too
        lambda: graph(
            (iri("site/dresden"), KOKO.programmeStart, Literal("2016-09", datatype=XSD.gYearMonth)),
            (iri("site/dresden"), KOKO.programmeStart, Literal("2016-10", datatype=XSD.gYearMonth)),
            (iri("site/weimar"), KOKO.programmeStart, Literal("2016-10", datatype=XSD.gYearMonth)),
        ),
        "a functional property with two values",
        (iri("site/weimar"), KOKO.programmeStart, Literal("2016-09", datatype=XSD.gYearMonth)),
    ),
    (
        "blank-node-property",
        lambda: graph(
            (EX.leads, RDFS.subPropertyOf, _unit),
            (_unit, OWL.inverseOf, EX.ledBy),
            (iri("person/jana-traeber"), EX.leads, iri("unit/office")),
        ),
        "a property that is not an IRI",
        (iri("unit/office"), EX.ledBy, iri("person/jana-traeber")),
    ),
]


@pytest.mark.parametrize(("name", "data", "reason", "entailment"), HANDED_OVER, ids=[case[0] for case in HANDED_OVER])
def test_what_the_rules_do_not_cover_goes_to_owlrl(ontology, name, data, reason, entailment):
    with pytest.raises(OutsideRules, match=reason):
        infer(data(), ontology, engine="rules")
    result = infer(data(), ontology)
    same(result, infer(data(), ontology, engine="owlrl"))
    assert reason in result.handed_over
    assert result.engine.startswith("owlrl")
    assert entailment in result.entailed


def test_an_unknown_engine_is_refused(ontology):
    with pytest.raises(ValueError, match="unknown engine 'pellet'"):
        infer(Graph(), ontology, engine="pellet")  # type: ignore[arg-type]


def test_infer_command_exits_1_with_the_clashes_of_a_curators_ontology(project, tmp_path):
    """A curator declares answers disjoint from PROV entities, of which koko:Answer is a subclass."""
    ontology_file = project / "ontology" / "koko.ttl"
    with ontology_file.open("a", encoding="utf-8") as text:
        text.write("\nkoko:Answer owl:disjointWith prov:Entity .\n")
    out = tmp_path / "inferred.ttl"
    result = koko("infer", "--out", str(out))
    assert result.exit_code == 1, result.output
    answer = f"{BASE}answer/dresden/groesster-erfolg"
    clash = f"inconsistent: Disjoint classes {KOKO.Answer} and {PROV.Entity} have a common individual {answer}\n"
    assert clash in result.stderr
    assert result.stderr.count("inconsistent: ") == 81  # one per answer in the brochure
    assert not out.exists()
