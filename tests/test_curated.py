"""The curated layer: every fact proven by a verbatim quote, one IRI per real thing, the
canned queries that link sites to shared initiatives, and broken curated files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV

from helpers import koko
from koko.errors import KokoError
from koko.graph.namespace import KOKO
from koko.source.coverage import KINDS
from koko.source.curated import load_curation, part_texts
from koko.source.text import normalise_space
from koko.sparql.canned import load_canned
from koko.sparql.reference import run

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "curated"
BASE = "https://w3id.org/koko-kg/id/"


def rows(knowledge, name: str, **params: str) -> list[dict[str, str]]:
    result = run(knowledge.dataset, load_canned(ROOT / "queries", name), params, BASE)
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in result]


def site(slug: str) -> str:
    return f"{BASE}site/{slug}"


# --- every fact is proven by the brochure ------------------------------------------------------


def test_every_site_and_section_has_a_curated_file(brochure):
    texts = part_texts(brochure)
    sites = {s for s, _ in texts if s}
    assert {p.stem for p in (CURATED / "sites").glob("*.yaml")} == sites
    assert {p.stem for p in (CURATED / "sections").glob("*.yaml")} == {s for _, s in texts if _ is None}


def _facts():
    from koko.config import load_config
    from koko.release.build import assemble

    return assemble(load_config(environ={})).curation.facts


@pytest.mark.parametrize("fact", _facts(), ids=lambda f: f"{f.file.parent.name}/{f.file.name}:{f.line}")
def test_quote_is_verbatim_in_the_part_it_is_attributed_to(fact, brochure):
    answers = {(s.name, a.question.slug): a.text for c in brochure.chapters for s in c.sites for a in s.answers}
    sections = {"foreword": brochure.foreword.text, "summary": brochure.summary.text}
    sections |= {f"{c.state.lower().replace('ü', 'ue')}-introduction": c.intro_text for c in brochure.chapters}
    if fact.site:
        (text,) = [t for (name, q), t in answers.items() if q == fact.part and _slug(name) == fact.site]
    else:
        text = sections[fact.part]
    assert normalise_space(fact.quote) in normalise_space(text)


def _slug(name: str) -> str:
    from koko.source.text import site_slug

    return site_slug(name)


def test_every_sentence_is_the_evidence_of_a_fact_or_has_a_reason(brochure):
    from koko.source import coverage

    curation = load_curation(CURATED, brochure)
    result = coverage.compute(curation, brochure)
    assert result.unaccounted == (), "\n".join(f"{u.site or ''}/{u.part} #{u.index + 1}: {u.text}" for u in result.unaccounted)
    assert sum(c.sentences for c in result.sentences.values()) == 476
    assert {name for name in result.sentences} == {f.site or f.section for f in curation.files}


# --- the graph: evidence and one IRI per real thing --------------------------------------------


def test_each_evidence_restates_an_asserted_triple_with_its_quote(knowledge):
    g = knowledge.dataset
    evidence = list(g.subjects(RDF.type, KOKO.Evidence))
    quotes = {normalise_space(f.quote) for f in knowledge.curation.facts}
    header = 0
    for node in evidence:
        triple = (g.value(node, RDF.subject), g.value(node, RDF.predicate), g.value(node, RDF.object))
        assert triple in g
        source = g.value(node, PROV.wasQuotedFrom)
        quote = normalise_space(str(g.value(node, PROV.value)))
        if (source, RDF.type, KOKO.SiteProfile) in g:  # the header's start, motto and coordinators
            header += 1
            continue
        assert (source, RDF.type, KOKO.Answer) in g or str(source).startswith(BASE + "brochure/")
        assert quote in normalise_space(str(g.value(source, KOKO.text)))
        assert quote in quotes
    assert header == 27 + 27 + 33
    quoted = {normalise_space(str(g.value(node, PROV.value))) for node in evidence}
    assert quotes <= quoted  # every fact has its evidence (a fact about a site's posts one per post)


def test_the_integrationsmesse_2019_had_66_exhibitors_and_about_1200_visitors(knowledge):
    found = {
        r["measure"]: r for r in rows(knowledge, "events-with-figures") if r["event"].endswith("integrationsmesse-goerlitz-2019")
    }
    assert found["exhibitors"]["value"] == "66"
    assert found["exhibitors"]["approximate"] == "false"
    assert found["visitors"]["value"] == "1200"
    assert found["visitors"]["approximate"] == "true"
    assert found["visitors"]["site"] == site("goerlitz")


def test_bildung_integriert_is_one_node_shared_by_four_sites(knowledge):
    programme = URIRef(BASE + "programme/bildung-integriert")
    linked = set(knowledge.dataset.subjects(KOKO.participatesIn, programme))
    assert linked == {URIRef(site(s)) for s in ("magdeburg", "wittenberg", "eisenach", "nordhausen")}
    assert (programme, KOKO.presentInState, URIRef(BASE + "state/sachsen-anhalt")) in knowledge.dataset


def test_local_bodies_stay_local(knowledge):
    jobcenters = {
        s
        for s, label in knowledge.dataset.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        if isinstance(label, Literal) and label.language == "de" and str(label).startswith("Jobcenter")
    }
    assert len(jobcenters) >= 2
    partners = {s: set(knowledge.dataset.subjects(KOKO.partner, s)) for s in jobcenters}
    assert all(len(sites) <= 1 for sites in partners.values()), partners


# --- canned queries ------------------------------------------------------------------------------


def test_sites_by_programme_defaults_to_bildung_integriert(knowledge):
    found = rows(knowledge, "sites-by-programme")
    assert {r["site"] for r in found if "site" in r} == {site(s) for s in ("magdeburg", "wittenberg", "eisenach", "nordhausen")}
    (state_row,) = [r for r in found if "site" not in r]
    assert state_row["federalStateName"] == "Sachsen-Anhalt"
    assert "An zahlreichen Standorten" in state_row["quote"]
    assert all(r["quote"] for r in found)


@pytest.mark.parametrize("name", ["RÜMSA", "regionales übergangsmanagement sachsen-anhalt"])
def test_sites_by_programme_matches_aliases_case_insensitively(knowledge, name):
    found = {r.get("site") for r in rows(knowledge, "sites-by-programme", programme=name)}
    assert {site("altmarkkreis-salzwedel"), site("wittenberg")} <= found


def test_shared_programmes_counts_sites(knowledge):
    counts = {r["target"].rsplit("/", 1)[-1]: int(r["sites"]) for r in rows(knowledge, "shared-programmes")}
    assert counts["koko"] == 27
    assert counts["bildung-integriert"] == 4
    assert all(n >= 2 for n in counts.values())


def test_site_links_carry_the_site_and_the_target_type(knowledge):
    found = rows(knowledge, "site-links", site="site/goerlitz")
    assert {r["site"] for r in found} == {site("goerlitz")}
    assert {"event:Event", "Event"} & {r["targetType"] for r in found}
    assert any(r["target"].endswith("integrationsmesse-goerlitz-2019") and r["relation"].endswith("organised") for r in found)


def test_evidence_lists_every_quote_that_mentions_an_entity(knowledge):
    found = rows(knowledge, "evidence", entity="programme/bildung-integriert")
    assert {r["site"] for r in found if "site" in r} == {site(s) for s in ("magdeburg", "wittenberg", "eisenach", "nordhausen")}
    assert any(r["source"].endswith("chapter/sachsen-anhalt/introduction") for r in found)


def test_networks_of_the_saalekreis(knowledge):
    found = {r["networkName"] for r in rows(knowledge, "networks-by-site", site="site/saalekreis")}
    assert "Netzwerk für Migration und Integration im Saalekreis" in found


def test_national_bodies_are_the_most_frequent_partners(knowledge):
    found = rows(knowledge, "partners-by-frequency")
    top = {r["partner"].rsplit("/", 1)[-1]: int(r["sites"]) for r in found[:2]}
    assert set(top) == {"bundesagentur-fuer-arbeit", "bamf"}  # partners, or members of the sites' networks
    assert top["bundesagentur-fuer-arbeit"] >= 4
    assert found[1]["scope"] == "national"


def test_products_of_one_type(knowledge):
    found = rows(knowledge, "products-by-type", type="info-tool")
    assert {r["productType"] for r in found} == {"info-tool"}
    assert site("wittenberg") in {r["site"] for r in found}  # the Informationsplattform


def test_posts_sit_mostly_in_staff_units_and_sections(knowledge):
    found = {r["unitLevel"]: r for r in rows(knowledge, "embedding-by-unit-type")}
    assert "Altmarkkreis Salzwedel" in found["staff-unit"]["siteNames"]  # Stabsstelle Kultur
    assert int(found["staff-unit"]["sites"]) == max(int(r["sites"]) for r in found.values())
    assert "Landkreis Görlitz" in found["division"]["siteNames"]  # Sachgebiet Integration
    assert sum(int(r["sites"]) for r in found.values()) <= 27


def test_mittelsachsen_made_its_posts_permanent(knowledge):
    found = rows(knowledge, "continuation")
    (row,) = [r for r in found if r.get("site") == site("mittelsachsen") and r["outcome"] == "made permanent"]
    assert "verstetigt" in row["quote"]


def test_search_answers_finds_the_integration_fairs(knowledge):
    found = {r["site"] for r in rows(knowledge, "search-answers", term="integrationsmesse")}
    assert found == {site("goerlitz"), site("mittelsachsen")}


# --- broken curated files --------------------------------------------------------------------------

GOERLITZ = """site: goerlitz
entities:
  - id: messe-test
    type: event
    de: Integrationsmesse 2019
    en: Integration fair 2019
facts:
  - relation: organised
    object: messe-test
    from: projekt-wiederholen
    quote: Die Integrationsmesse 2019 wurde federführend durch das Sachgebiet Integration organisiert
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("durch das Sachgebiet", "durch das Amt", 8, "quote not found verbatim in answer goerlitz/projekt-wiederholen"),
        ("relation: organised", "relation: organized", 8, "unknown relation 'organized'"),
        ("from: projekt-wiederholen", "from: strukturen-x", 8, "from: 'strukturen-x' is not an answer of site goerlitz"),
        ("object: messe-test", "object: messe-tset", 8, "organised: unknown object 'messe-tset'"),
        ("type: event", "type: fair", 3, "type 'fair' must be one of"),
        ("id: messe-test", "id: Messe_Test", 3, "entity id 'Messe_Test' must be lowercase"),
        ("    en: Integration fair 2019\n", "", 3, "needs a label en:"),
        ("object: messe-test", "object: messe-test\n    approximate: true", 8, "approximate: true is only for figures"),
        ("object: messe-test", "object: messe-test\n    value: 3", 8, "organised links to an object:, it takes no value:"),
        ("site: goerlitz", "site: dresden", 1, "must be the slug of a site and match the file name"),
        ("    type: event", "    type: event: fair", 4, "not valid YAML: mapping values are not allowed here"),
    ],
    ids=[
        "quote-changed",
        "unknown-relation",
        "not-an-answer",
        "unknown-object",
        "unknown-type",
        "bad-id",
        "missing-label",
        "approximate-not-a-figure",
        "value-and-object",
        "wrong-site",
        "bad-yaml",
    ],
)
def test_a_broken_curated_file_names_file_and_line(brochure, tmp_path, old, new, line, message):
    shutil.copy(CURATED / "shared.yaml", tmp_path / "shared.yaml")
    (tmp_path / "sites").mkdir()
    assert old in GOERLITZ
    (tmp_path / "sites" / "goerlitz.yaml").write_text(GOERLITZ.replace(old, new), encoding="utf-8")
    with pytest.raises(KokoError) as caught:
        load_curation(tmp_path, brochure)
    assert caught.value.path == str(tmp_path / "sites" / "goerlitz.yaml")
    assert caught.value.line == line
    assert message in caught.value.message


def test_an_entity_declared_twice_names_both_places(brochure, tmp_path):
    shutil.copy(CURATED / "shared.yaml", tmp_path / "shared.yaml")
    (tmp_path / "sites").mkdir()
    text = GOERLITZ.replace("id: messe-test", "id: bamf")
    (tmp_path / "sites" / "goerlitz.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KokoError, match=r"entity 'bamf' is already declared in shared.yaml:\d+"):
        load_curation(tmp_path, brochure)


@pytest.mark.parametrize(
    ("relation", "value", "message"),
    [
        ("visitors", "ca. 1200", "visitors: value 'ca. 1200' must be a whole number"),
        ("date", "2019-13", "date: value '2019-13' must be a quoted date"),
        ("productType", "flyer", "productType: value 'flyer' must be list|overview"),
    ],
)
def test_values_are_checked(brochure, tmp_path, relation, value, message):
    shutil.copy(CURATED / "shared.yaml", tmp_path / "shared.yaml")
    (tmp_path / "sites").mkdir()
    subject = "messe-test" if relation != "productType" else "produkt-test"
    extra = "  - id: produkt-test\n    type: product\n    de: Liste\n    en: List\n"
    text = GOERLITZ.replace("facts:\n", extra + "facts:\n") + (
        f"  - subject: {subject}\n    relation: {relation}\n    value: '{value}'\n"
        "    from: projekt-wiederholen\n    quote: mit 66 Ausstellern\n"
    )
    (tmp_path / "sites" / "goerlitz.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KokoError, match=message.replace("|", r"\|").replace("(", r"\(")):
        load_curation(tmp_path, brochure)


@pytest.mark.parametrize("value", [".inf", "-1", "'10000'", "true"])
def test_prize_money_is_a_finite_number(brochure, tmp_path, value):
    """Anything else has no xsd:decimal form (an infinite amount once became "inf.0"^^xsd:decimal)."""
    shutil.copy(CURATED / "shared.yaml", tmp_path / "shared.yaml")
    (tmp_path / "sites").mkdir()
    extra = "  - id: preis-test\n    type: award\n    de: Preis\n    en: Prize\n"
    text = GOERLITZ.replace("facts:\n", extra + "facts:\n") + (
        f"  - subject: preis-test\n    relation: amount\n    value: {value}\n"
        "    from: projekt-wiederholen\n    quote: mit 66 Ausstellern\n"
    )
    (tmp_path / "sites" / "goerlitz.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KokoError, match=r"amount: value .* must be a number"):
        load_curation(tmp_path, brochure)


def test_coverage_counts_facts_per_kind_and_lists_answers_without_any(tmp_path):
    import json

    result = koko("coverage", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["facts"]["goerlitz"]["event"] >= 4  # the two fairs, their figures
    assert report["facts"]["sachsen-anhalt-introduction"]["programme"] >= 1
    assert len(report["facts"]) == 27 + 5
    gaps = {(g["site"], g["question"]): g["reason"] for g in report["answersWithoutFacts"]}
    assert ("dresden", "kuenftige-herausforderungen") in gaps  # challenges only, nothing named
    assert ("magdeburg", "ausgangssituation") not in gaps  # the share of foreign population is a figure now
    assert all(gaps.values()), "every answer without a fact has a reason for each sentence"
    text = koko("coverage").stdout
    assert text.splitlines()[0].split() == ["part", *KINDS, "total"]
    assert f"answers without a curated fact: {len(gaps)}" in text


def test_an_entity_no_fact_mentions_is_an_error(brochure, tmp_path):
    (tmp_path / "shared.yaml").write_text("entities: []\n", encoding="utf-8")
    (tmp_path / "sites").mkdir()
    extra = "  - id: vergessen\n    type: network\n    de: Vergessenes Netzwerk\n    en: Forgotten network\n"
    (tmp_path / "sites" / "goerlitz.yaml").write_text(GOERLITZ.replace("facts:\n", extra + "facts:\n"), encoding="utf-8")
    with pytest.raises(KokoError, match="entity 'vergessen' is declared but no fact mentions it") as caught:
        load_curation(tmp_path, brochure)
    assert caught.value.line == 7
