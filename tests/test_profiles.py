"""The publication profiles (docs/data-protection.md): ``minimal`` publishes every post and no personal name.

The names checked are taken from the full graph itself (every ``schema:Person``), not from a list.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Literal, URIRef
from rdflib.namespace import ORG, PROV

from helpers import fetch, koko
from koko.errors import KokoError
from koko.graph.formats import FORMATS, load_context, parse_rdf, serialise
from koko.graph.model import SCHEMA
from koko.graph.namespace import KOKO
from koko.graph.profiles import MARKER, apply_profile, redact
from koko.release.build import RELEASE_NAME, check_conformance, release_files, write_atomically

ROOT = Path(__file__).resolve().parents[1]
POSTS = (KOKO.CoordinatorPost, KOKO.ConsultantPost)


@pytest.fixture(scope="module")
def full(knowledge) -> Dataset:
    return knowledge.dataset


@pytest.fixture(scope="module")
def redacted(full: Dataset):
    return redact(full)


@pytest.fixture(scope="module")
def minimal(redacted) -> Dataset:
    return redacted[0]


@pytest.fixture(scope="module")
def persons(full: Dataset) -> dict[URIRef, str]:
    found = {p: str(full.value(p, SCHEMA.name)) for p in full.subjects(RDF.type, SCHEMA.Person)}
    assert len(found) == 36  # 33 coordinators and the three consultants who signed the introductions
    return found


def name_patterns(persons: dict[URIRef, str]) -> list[re.Pattern[str]]:
    """Each full name (any whitespace between its parts), each surname as a whole word (»Sachs«, not
    »Sachsen«), and each person's IRI slug. First names alone are not personal data here (»Robert
    Bosch Stiftung«)."""
    patterns = []
    for iri, name in persons.items():
        parts = name.split()
        patterns.append(re.compile(r"\s+".join(map(re.escape, parts))))
        patterns.append(re.compile(rf"(?<!\w){re.escape(parts[-1])}(?!\w)"))
        patterns.append(re.compile(re.escape(str(iri).rsplit("/", 1)[-1])))
    return patterns


def leaks(dataset: Dataset, patterns: list[re.Pattern[str]]) -> list[str]:
    """Every term (IRI or literal, in any position, graph names included) that matches a pattern."""
    terms = {str(term) for quad in dataset.quads((None, None, None, None)) for term in quad if term is not None}
    return sorted(term[:80] for term in terms if any(p.search(term) for p in patterns))


def test_the_checks_find_the_names_in_the_full_graph(full, persons):
    found = leaks(full, name_patterns(persons))
    assert any("Andrea Sachs sieht" in term for term in found)  # the Vogtlandkreis answer names both coordinators
    assert all(any(name in term for term in found) for name in persons.values())


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_no_personal_name_in_any_format(config, minimal, persons, fmt):
    data = serialise(minimal, fmt, load_context(config.context))
    assert leaks(parse_rdf(data, fmt, load_context(config.context)), name_patterns(persons)) == []
    text = data.decode("utf-8")  # and not in the bytes either (prefixes, comments, escapes aside)
    assert not [name for name in persons.values() if name in text]


def test_every_post_is_kept_with_all_but_its_holder(full, minimal):
    def about_posts(dataset: Dataset) -> set:
        posts = {s for cls in POSTS for s in dataset.subjects(RDF.type, cls)}
        return {(s, p, o) for s in posts for p, o in dataset.predicate_objects(s) if p != ORG.heldBy}

    assert about_posts(minimal) == about_posts(full)
    assert len(set(minimal.subjects(RDF.type, KOKO.CoordinatorPost))) == 33
    assert len(set(minimal.subjects(RDF.type, KOKO.ConsultantPost))) == 3


def test_a_named_post_keeps_its_site_position_and_municipality_and_an_anonymous_holder(config, minimal):
    post = URIRef(config.base + "post/vogtlandkreis-1")
    assert minimal.value(post, KOKO.postForSite) == URIRef(config.base + "site/vogtlandkreis")
    assert minimal.value(post, ORG.postIn) == URIRef(config.base + "municipality/vogtlandkreis")
    assert minimal.value(post, KOKO.position).toPython() == 1
    holder = minimal.value(post, ORG.heldBy)
    assert holder == URIRef(config.base + "person/holder-vogtlandkreis-1")
    assert set(minimal.predicate_objects(holder)) == {
        (RDF.type, SCHEMA.Person),
        (ORG.holds, post),
        (SCHEMA.name, Literal(MARKER)),
        (URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(MARKER, lang="de")),
    }


def test_every_introduction_is_still_signed_by_the_holder_of_a_consultant_post(config, minimal):
    intro = URIRef(config.base + "brochure/chapter/sachsen/introduction")
    holder = minimal.value(intro, URIRef("http://purl.org/dc/terms/creator"))
    assert minimal.value(holder, ORG.holds) == URIRef(config.base + "post/transmit-sachsen")
    assert minimal.value(holder, SCHEMA.honorificPrefix) is None  # the printed »Dr.« goes with the name


def test_sites_and_their_facts_are_unchanged(config, full, minimal):
    sites = set(minimal.subjects(RDF.type, KOKO.Site))
    assert len(sites) == 27
    assert minimal.value(URIRef(config.base + "programme/koko"), KOKO.siteCount).toPython() == 27
    dresden = URIRef(config.base + "site/dresden")
    for prop in (KOKO.programmeStart, KOKO.motto, KOKO.printedName):
        assert minimal.value(dresden, prop) == full.value(dresden, prop) is not None
    assert str(minimal.value(dresden, KOKO.programmeStart)) == "2016-10"


def test_the_names_in_an_answer_become_the_marker(config, minimal):
    text = str(minimal.value(URIRef(config.base + "answer/vogtlandkreis/naechste-schritte"), KOKO.text))
    assert text.startswith(f"{MARKER} sieht eine Herausforderung")
    assert f"{MARKER} schätzt eine erneute Umfrage" in text


def test_nothing_else_changes(full, minimal, persons):
    """Every statement the profile drops or rewrites involves a person or a literal with a name."""
    patterns = name_patterns(persons)
    gone = set(full.quads((None, None, None, None))) - set(minimal.quads((None, None, None, None)))
    # An evidence node whose statement is about a person (the header's "Bildungskoordination: …") goes
    # whole; one whose quote names a person is minted again from the redacted quote.
    about_persons = {s for s, o in full.subject_objects(RDF.object) if o in persons} | {
        s for s, o in full.subject_objects(RDF.subject) if o in persons
    }
    about_persons |= {s for s, o in full.subject_objects(PROV.value) if any(pat.search(str(o)) for pat in patterns)}
    for s, p, o, _ in gone:
        named = isinstance(o, Literal) and any(pat.search(str(o)) for pat in patterns)
        assert s in persons or o in persons or s in about_persons or named, (s, p, o)


def test_the_figures_in_the_docs_are_the_real_ones(redacted):
    _, figures = redacted
    text = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert f"{figures.persons} persons" in text
    assert f"{figures.dropped} statement" in text
    assert f"{figures.rewritten} statements" in text
    assert f"{figures.names_replaced} occurrences" in text


def test_the_minimal_graph_conforms_to_the_unchanged_shapes(config, minimal):
    report = check_conformance(config, minimal)
    assert report.conforms, report.counts()


def test_the_profile_is_idempotent_and_leaves_its_input_alone(config, full, minimal):
    before = len(full)
    again, figures = redact(minimal)
    assert serialise(again, FORMATS[0], load_context(config.context)) == serialise(
        minimal, FORMATS[0], load_context(config.context)
    )
    assert (figures.dropped, figures.rewritten, figures.names_replaced) == (0, 0, 0)
    assert len(full) == before
    assert apply_profile(full, "full") is full


def test_an_evidence_node_whose_quote_names_a_person_is_renamed(config, full, persons):
    """No such quote is curated today; its IRI, a digest of the quote, would let a guessed name be confirmed."""
    evidence = min(full.subjects(RDF.type, KOKO.Evidence))
    copy = Dataset(default_union=True)
    for s, p, o, g in full.quads((evidence, None, None, None)):
        copy.graph(g).add((s, p, Literal("Laut Frau Sachs gut.", lang="de") if p == PROV.value else o))
    person = next(p for p, name in persons.items() if name == "Andrea Sachs")
    for s, p, o, g in full.quads((person, None, None, None)):
        copy.graph(g).add((s, p, o))
    out, figures = redact(copy)
    assert figures.evidence_renamed == 1
    assert (evidence, None, None) not in out
    renamed = next(out.subjects(RDF.type, KOKO.Evidence))
    assert str(renamed).rsplit("/", 1)[0] == str(evidence).rsplit("/", 1)[0]
    assert out.value(renamed, PROV.value) == Literal(f"Laut {MARKER} gut.", lang="de")


def test_unknown_profile_is_an_error_naming_the_option(full):
    with pytest.raises(KokoError, match="--profile 'anonymous'"):
        apply_profile(full, "anonymous")


@pytest.mark.parametrize("command", [["export"], ["build"], ["serve"], ["site", "out"]], ids=lambda c: c[0])
def test_unknown_profile_on_the_command_line_exits_2(command):
    result = koko(*command, "--profile", "anonymous")
    assert result.exit_code == 2
    assert "--profile" in result.output


def test_export_minimal_has_no_name(persons):
    result = koko("export", "--profile", "minimal", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert b"person/holder-dresden-1" in result.stdout_bytes
    assert not [name for name in persons.values() if name.encode("utf-8") in result.stdout_bytes]


@pytest.fixture(scope="module")
def minimal_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("minimal") / "dist"
    result = koko("build", "--profile", "minimal", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "(profile minimal)" in result.output
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_minimal_release_is_byte_identical_from_build_to_build_and_validates(tmp_path, minimal_release):
    result = koko("build", "--profile", "minimal", "--out", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    assert files_of(tmp_path / "again") == files_of(minimal_release)
    validation = koko("validate", str(minimal_release / f"{RELEASE_NAME}.trig"))
    assert validation.exit_code == 0, validation.output


def test_a_full_release_folder_served_minimal_is_the_minimal_release(config, knowledge, tmp_path, minimal_release):
    from koko.release.published import publish_from_release

    full_release = tmp_path / "full"
    write_atomically(full_release, release_files(config, knowledge.dataset))
    served = publish_from_release(config, full_release, "minimal")
    assert dict(served.files) == files_of(minimal_release)
    # A minimal release served minimal again is the same, too.
    assert dict(publish_from_release(config, minimal_release, "minimal").files) == files_of(minimal_release)


def test_serve_refuses_the_minimal_profile_on_a_remote_store():
    result = koko("serve", "--store", "http://127.0.0.1:9/sparql", "--profile", "minimal")
    assert result.exit_code == 2
    assert "--store" in result.output
    assert "koko publish" in result.output


@pytest.fixture(scope="module")
def minimal_published(config, knowledge, minimal):
    from koko.release.published import publish_knowledge

    return publish_knowledge(config, replace(knowledge, dataset=minimal))


def test_the_server_with_the_minimal_profile_serves_a_site_page_without_the_names(minimal_published, persons):
    from koko.web.config import load_server_config
    from koko.web.serve import running

    settings = load_server_config({"port": 0, "workers": 1}, {})
    with running(minimal_published, settings) as url:
        answer = fetch(url, "id/site/vogtlandkreis", "text/html")
    assert answer.status == 200
    page = answer.text
    assert "Vogtlandkreis" in page
    assert MARKER in page  # the coordinators are there, as posts without names
    assert not [name for name in persons.values() if name in page]


def test_the_static_site_of_the_minimal_profile_names_no_one(minimal_published, persons):
    from koko.site.static_site import site_files

    files, _ = site_files(minimal_published)
    assert MARKER.encode("utf-8") in files["id/site/vogtlandkreis.html"]
    patterns = [re.compile(p.pattern.encode("utf-8")) for p in name_patterns(persons)]
    assert not [name for name, data in files.items() if any(p.search(name.encode("utf-8")) or p.search(data) for p in patterns)]
