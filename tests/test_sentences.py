"""Sentence-level coverage: the brochure split into sentences, and every sentence accounted for.

The splitter is checked on the brochure's own traps (German quotes, abbreviations, a list after
»u. a.:«); the curated files' ``sentences:`` reasons are checked against a small curated folder
with one Görlitz fact, broken in the ways a curator would break it.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers import koko
from koko.errors import KokoError
from koko.source import coverage
from koko.source.curated import load_curation, part_texts
from koko.source.sentences import overlapped, split


def test_german_quotes_do_not_swallow_sentences(brochure):
    # pysbd reads »A« … »B« as one quotation; the Saxon introduction came out as one sentence.
    sentences = split(part_texts(brochure)[(None, "sachsen-introduction")])
    assert len(sentences) == 16
    assert sentences[0].text.startswith("In Sachsen haben seit 2016 acht Landkreise")
    assert sentences[0].text.endswith("teilgenommen.")


def test_abbreviations_and_lists_stay_in_their_sentence(brochure):
    texts = part_texts(brochure)
    kyffhaeuser = [s.text for s in split(texts[("kyffhaeuserkreis", "groesster-erfolg")])]
    assert any(s.startswith("Hierzu zählen u. a.: • Bildungsbericht zu Neuzugewanderten") for s in kyffhaeuser)
    assert not any(s.startswith((":", "«")) or s[:1].islower() for s in kyffhaeuser)


def test_spans_are_the_text_itself(brochure):
    for text in part_texts(brochure).values():
        for sentence in split(text):
            assert text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()


def test_a_quote_covers_the_sentences_it_overlaps(brochure):
    text = part_texts(brochure)[("goerlitz", "projekt-wiederholen")]
    sentences = split(text)
    assert overlapped(sentences, text, "mit 66 Ausstellern") == (1,)
    assert overlapped(sentences, text, "ein großer Erfolg. Im März 2020") == (1, 2)
    assert overlapped(sentences, text, "nicht im Text") == ()


def test_the_brochure_has_476_sentences_all_accounted_for(brochure):
    result = koko("coverage", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    counts = report["sentences"]
    assert sum(c["sentences"] for c in counts.values()) == 476
    assert report["unaccountedSentences"] == []
    assert counts["foreword"]["sentences"] == 17
    assert counts["goerlitz"]["evidence"] + counts["goerlitz"]["reasoned"] == counts["goerlitz"]["sentences"]
    assert koko("coverage", "--sentences").exit_code == 0


# --- reasons in a curated file ---------------------------------------------------------------------

GOERLITZ = """site: goerlitz
entities:
  - id: messe-test
    type: event
    de: Integrationsmesse 2019
    en: Integration fair 2019
facts:
  - subject: messe-test
    relation: exhibitors
    value: 66
    from: projekt-wiederholen
    quote: mit 66 Ausstellern
sentences:
  - from: projekt-wiederholen
    starts: Leider musste die Messe
    reason: general
"""


def _folder(tmp_path, text):
    (tmp_path / "shared.yaml").write_text("entities: []\n", encoding="utf-8")
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "goerlitz.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_reason_accounts_for_its_sentence(brochure, tmp_path):
    curation = load_curation(_folder(tmp_path, GOERLITZ), brochure)
    result = coverage.compute(curation, brochure)
    goerlitz = result.sentences["goerlitz"]
    assert (goerlitz.evidence, goerlitz.reasoned) == (1, 1)
    missing = {(u.part, u.index) for u in result.unaccounted if u.site == "goerlitz"}
    assert ("projekt-wiederholen", 1) not in missing  # the figure's sentence
    assert ("projekt-wiederholen", 3) not in missing  # the reasoned one
    assert ("projekt-wiederholen", 0) in missing  # nothing says anything about the first


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("starts: Leider musste die Messe", "starts: Leider nicht", "no sentence of goerlitz/projekt-wiederholen start"),
        ("starts: Leider musste die Messe", "starts: Leider", "at least two"),
        ("starts: Leider musste die Messe", "starts: Zur Freude aller", "already the evidence of the fact at line 8"),
        ("reason: general", "reason: boring", "reason 'boring' must be one of opinion, general, repeats, address"),
        ("  - from: projekt-wiederholen\n    starts: Leider", "  - from: strukturen-x\n    starts: Leider", "not an answer"),
        ("    reason: general\n", "    reason: general\n    note: x\n", "sentences: unknown key(s) note"),
    ],
    ids=["no-such-sentence", "too-short", "already-evidence", "unknown-reason", "not-an-answer", "unknown-key"],
)
def test_a_broken_reason_names_file_and_line(brochure, tmp_path, old, new, message):
    assert old in GOERLITZ
    with pytest.raises(KokoError, match=re.escape(message)) as caught:
        load_curation(_folder(tmp_path, GOERLITZ.replace(old, new)), brochure)
    assert caught.value.line == 14
    assert str(caught.value).startswith(f"{tmp_path / 'sites' / 'goerlitz.yaml'}:14: ")


def test_a_sentence_listed_twice_is_an_error(brochure, tmp_path):
    twice = GOERLITZ + "  - from: projekt-wiederholen\n    starts: Leider musste\n    reason: opinion\n"
    with pytest.raises(KokoError, match="already listed at line 14") as caught:
        load_curation(_folder(tmp_path, twice), brochure)
    assert caught.value.line == 17


def test_coverage_sentences_exits_1_and_lists_what_is_unaccounted(tmp_path):
    import shutil

    from koko.config import resource_root

    root = tmp_path / "resources"
    shutil.copytree(resource_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "data" / "curated" / "sites" / "goerlitz.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("sentences:")
    path.write_text(text[:start], encoding="utf-8")  # the file's reasons gone
    result = koko("coverage", "--sentences", "--part", "goerlitz", env={"KOKO_RESOURCES": str(root)})
    assert result.exit_code == 1
    assert "goerlitz/gut-funktioniert #5: Eine Perspektive für die Integrationsvorhaben" in result.stdout
    assert "dresden/" not in result.stdout
