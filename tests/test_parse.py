"""The parser against the real brochure: counts, facts, and the proof that no text is lost."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import SHARED_SOURCE, SOURCE, site_named
from koko.source.text import BULLET, join_lines


def test_source_copy_is_byte_identical_to_the_shared_source():
    if not SHARED_SOURCE.exists():
        pytest.skip("../shared is not beside this checkout")
    assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


def test_the_brochure_has_27_sites_in_three_chapters(brochure):
    assert [(c.state, len(c.sites)) for c in brochure.chapters] == [("Sachsen", 7), ("Sachsen-Anhalt", 9), ("Thüringen", 11)]


def test_81_answers_33_coordinators_13_distinct_questions(brochure):
    assert len(brochure.answers) == 81
    assert sum(len(site.coordinators) for site in brochure.sites) == 33
    assert len({answer.question.slug for answer in brochure.answers}) == 13


def test_each_site_answers_three_distinct_questions(brochure):
    assert {len({a.question.slug for a in site.answers}) for site in brochure.sites} == {3}


def test_chapter_site_lists_match_the_profiles_in_order(brochure):
    for chapter in brochure.chapters:
        assert [name for name, _ in chapter.listed_sites] == [site.name for site in chapter.sites]


@pytest.mark.parametrize(
    ("name", "start", "coordinators"),
    [
        ("Stadt Dessau-Roßlau", "2016-09", ("Toni Pätz",)),
        ("Landeshauptstadt Dresden", "2016-10", ("Jana Träber", "Marcus Oertel")),
        ("Landkreis Saalfeld-Rudolstadt", "2016-10", ("Anna Vella Wallbank",)),
        ("Saalekreis", "2017-10", ("Kathrin Pellinger",)),
        ("Landkreis Eisenach", "2017-01", ("Heidrun Sachse",)),
        ("Vogtlandkreis", "2016-08", ("Andrea Sachs", "Anett Gräf")),
    ],
)
def test_site_header_facts(brochure, name, start, coordinators):
    site = site_named(brochure, name)
    assert site.start == start
    assert site.coordinators == coordinators


def test_six_sites_started_in_november_2016(brochure):
    started = sorted(site.name for site in brochure.sites if site.start == "2016-11")
    assert started == [
        "Landeshauptstadt Magdeburg",
        "Landkreis Nordsachsen",
        "Landkreis Stendal",
        "Landkreis Sächsische Schweiz-Osterzgebirge",
        "Landkreis Weimarer Land",
        "Landkreis Wittenberg",
    ]


def test_six_sites_answered_the_materials_question(brochure):
    counts = Counter(answer.question.de for answer in brochure.answers)
    assert counts["Welche Materialien und Berichte sind im Projekt entstanden und zugänglich?"] == 6


def test_multi_line_motto_is_joined(brochure):
    assert site_named(brochure, "Saalekreis").motto == (
        "Bildung ermöglicht Partizipation – ich setze mich dafür ein, dass sie für jede und jeden zugänglich ist"
    )


def test_plural_question_variant_is_the_same_catalogue_question(brochure):
    site = site_named(brochure, "Landkreis Sächsische Schweiz-Osterzgebirge")
    first = site.answers[0]
    assert first.question.slug == "strukturen"
    assert first.printed_question == "In welche Strukturen sind Ihre Stellen eingebunden?"


def test_question_with_thin_spaces_is_recognised(brochure):
    slugs = [a.question.slug for a in site_named(brochure, "Landeshauptstadt Dresden").answers]
    assert slugs == ["groesster-erfolg", "veraenderte-schwerpunkte", "kuenftige-herausforderungen"]
    görlitz = [a.question.slug for a in site_named(brochure, "Landkreis Görlitz").answers]
    assert görlitz[-1] == "projekt-wiederholen"


def test_page_footer_is_noise_and_not_in_any_text(brochure, source_lines):
    footer = next(i + 1 for i, line in enumerate(source_lines) if line.rstrip().endswith("Seite 17"))
    assert footer in brochure.noise_lines
    assert footer - 1 in brochure.noise_lines
    assert all("Seite 17" not in a.text for a in brochure.answers)


def test_words_broken_without_hyphen_are_joined(brochure):
    görlitz = site_named(brochure, "Landkreis Görlitz").answers
    text = " ".join(a.text for a in görlitz)
    assert "Die Erstellung der monatlichen Sprachkurslisten sowie der Liste aller aktuellen Sprachkursträger" in text
    assert "Sachgebiet Integration des Landratsamtes" in text  # "Landrats- " + "amtes"


def test_suspended_hyphen_keeps_its_conjunction(brochure):
    eisenach = " ".join(a.text for a in site_named(brochure, "Landkreis Eisenach").answers)
    assert "mit der Integrationsmanagerin sowie dem Sprach- und Kulturmittler" in eisenach


def test_bullets_become_list_items_and_page_broken_items_are_rejoined(brochure):
    answer = site_named(brochure, "Kyffhäuserkreis").answers[2]
    items = [line for line in answer.text.split("\n") if line.startswith(BULLET)]
    assert len(items) == 8
    assert f"{BULLET} Erstellung und Aktualisierung von Informationsmaterial für Bürger/innen und Netzwerkpartner" in items


def test_chapter_introductions_and_signatures(brochure):
    sachsen, anhalt, thueringen = brochure.chapters
    assert sachsen.intro_title == "Integration durch Netzwerkarbeit weiter voranbringen"
    assert (sachsen.signature.honorific, sachsen.signature.name) == ("Dr.", "Anne Walde")
    assert anhalt.signature.name == "Norbert Blauig-Schaaf"
    assert thueringen.signature.role == "Kommunalberatung Thüringen"
    assert "»Bildung integriert«" in anhalt.intro_text


def test_foreword_and_summary(brochure):
    assert brochure.foreword.title == "Hintergrund der Broschüre"
    assert brochure.foreword.text.startswith("Liebe Leserinnen und Leser,\n\nim Jahr 2016 startete")
    assert brochure.summary.title == "Zusammenfassung und Ausblick"
    assert brochure.summary.text.endswith("eine wichtige und bereits erprobte Grundlage.")


def test_every_line_is_noise_or_owned_by_exactly_one_record(brochure, source_lines):
    owned = Counter(n for _, lines in brochure.owned_lines() for n in lines)
    assert max(owned.values()) == 1
    noise = set(brochure.noise_lines)
    assert not noise & set(owned)
    assert set(owned) | noise == set(range(1, len(source_lines) + 1))
    assert all(
        source_lines[n - 1].strip() == "" or "Seite 17" in source_lines[n] or "Seite 17" in source_lines[n - 1] for n in noise
    )


def _letters(text: str) -> str:
    """Text without white space, hyphens, bullets and bullet marks: what joining may change."""
    return re.sub(r"[\s\-" + BULLET + "]", "", text)


def test_no_text_is_lost_or_duplicated_in_running_text(brochure, source_lines):
    def raw(lines):
        return "".join(re.sub(r"^\s*XX ", "", source_lines[n - 1]) for n in lines)

    records = [
        (brochure.foreword.title + brochure.foreword.text, brochure.foreword.lines),
        (brochure.summary.title + brochure.summary.text, brochure.summary.lines),
    ]
    records += [(a.printed_question + a.text, a.lines) for a in brochure.answers]
    records += [(c.intro_title + c.intro_text, c.intro_lines[:-1]) for c in brochure.chapters]
    for text, lines in records:
        assert _letters(text) == _letters(raw(lines))


def test_join_lines_rule_from_the_issue():
    assert join_lines(["Sprachkurs", "träger sind"]) == "Sprachkursträger sind"
    assert join_lines(["Ende. ", "Neuer Satz"]) == "Ende. Neuer Satz"
