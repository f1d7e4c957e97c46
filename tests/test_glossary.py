"""The bilingual glossary (data/curated/glossary.csv) is used for every label of the graph and the ontology."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace

from koko.errors import KokoError
from koko.graph.namespace import KOKO
from koko.source.glossary import Term, found_terms, load_glossary, mismatches, renderings

SCHEMA = Namespace("https://schema.org/")
TERMS = (
    Term("Sachgebiet", "Section", "", 2),
    Term("Amt", "office", "", 3),
    Term("Landratsamt", "district office", "", 4),
    Term("Agentur für Arbeit", "employment agency", "", 5),
    Term("Bundesagentur für Arbeit", "Federal Employment Agency", "", 6),
    Term("Hochschule", "university of applied sciences", "", 7),
)


def _pairs(graph: Graph) -> list[tuple[str, str, str]]:
    """(node, German label, English label) of every node with exactly one of each, evidence aside."""
    found = []
    for node in sorted(set(graph.subjects(RDFS.label, None)), key=str):
        if (node, RDF.type, KOKO.Evidence) in graph:
            continue  # "Beleg: <subject> – <relation> – <object>": the relation's name, not a translation
        labels = {
            lang: [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == lang]
            for lang in ("de", "en")
        }
        if len(labels["de"]) == 1 and len(labels["en"]) == 1:
            found.append((str(node), str(labels["de"][0]), str(labels["en"][0])))
    return found


def _proper_names(knowledge) -> set[str]:
    """Names that are not translated: sites, municipalities, states, people, file names and slugs."""
    ds = knowledge.dataset
    names = {site.name for site in knowledge.brochure.sites}
    for cls in (KOKO.Site, KOKO.RuralDistrict, KOKO.DistrictFreeCity, KOKO.FederalState):
        for node in ds.subjects(RDF.type, cls):
            names |= {str(o) for o in ds.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == "de"}
    names |= {str(o) for o in ds.objects(None, SCHEMA.name)}
    names |= {f.path.name for f in knowledge.curation.files} | {f.site for f in knowledge.curation.files if f.site}
    return names


def test_the_glossary_gives_one_english_term_per_german_term(config):
    terms = load_glossary(config.curated / "glossary.csv")
    assert len({t.de.lower() for t in terms}) == len(terms)
    by_de = {t.de: t.en for t in terms}
    assert by_de["Dezernat"] == "Department"
    assert by_de["Neuzugewanderte"] == "newly arrived"
    assert by_de["Landkreis"] == "district"


def test_every_label_of_the_release_follows_the_glossary(knowledge, config):
    terms = load_glossary(config.curated / "glossary.csv")
    found = mismatches(_pairs(knowledge.dataset), terms, _proper_names(knowledge))
    assert not found, "\n".join(f"{m.node}: {m.de_label!r} / {m.en_label!r}: {m.term.de} is {m.term.en!r}" for m in found)


def test_every_label_of_the_ontology_follows_the_glossary(config):
    terms = load_glossary(config.curated / "glossary.csv")
    ontology = Graph().parse(config.ontology)
    found = mismatches(_pairs(ontology), terms)
    assert not found, "\n".join(f"{m.node}: {m.de_label!r} / {m.en_label!r}: {m.term.de} is {m.term.en!r}" for m in found)


def test_a_term_rendered_another_way_is_found():
    found = mismatches([("unit/x", "Sachgebiet Integration", "Integration division")], TERMS)
    assert [(m.node, m.term.de) for m in found] == [("unit/x", "Sachgebiet")]
    assert not mismatches([("unit/x", "Sachgebiet Integration", "Integration Section")], TERMS)


def test_compounds_plurals_and_the_longest_term():
    assert [t.de for t in found_terms("Landratsamt Görlitz", TERMS)] == ["Landratsamt"]
    assert [t.de for t in found_terms("Ausländeramt", TERMS)] == ["Amt"]
    assert [t.de for t in found_terms("Bundesagentur für Arbeit", TERMS)] == ["Bundesagentur für Arbeit"]
    assert "universities of applied sciences" in renderings("university of applied sciences")
    assert not mismatches([("org/x", "Hochschulen", "Universities of applied sciences")], TERMS)
    assert mismatches([("org/x", "Hochschulen", "Universities")], TERMS)


def test_proper_names_are_not_translated():
    # »Burgenlandkreis« holds »landkreis«, but is a name.
    labels = [("site/burgenlandkreis", "Burgenlandkreis", "KoKo site Burgenlandkreis")]
    assert mismatches(labels, (Term("Landkreis", "district", "", 2),))
    assert not mismatches(labels, (Term("Landkreis", "district", "", 2),), names={"Burgenlandkreis"})


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("de,en\nAmt,office\n", "header must be de,en,note", 1),
        ("de,en,note\nAmt,office,\namt,bureau,\n", "'amt' is already in the glossary at line 2", 3),
        ("de,en,note\nAmt,,\n", "needs a German and an English term", 2),
    ],
    ids=["header", "twice", "empty"],
)
def test_a_broken_glossary_names_its_line(tmp_path, text, message, line):
    path = tmp_path / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KokoError, match=message) as caught:
        load_glossary(path)
    assert caught.value.line == line
