"""The bilingual glossary (``data/curated/glossary.csv``): one English term for each German one.

Every German label that contains a glossary term must carry its English term in the English
label of the same node ("Sachgebiet Integration" → "Integration section"), so that one German
word is never rendered three ways. A German term is found inside compounds too, as German
builds words (»Landratsamt« holds »Amt«; »Kreisvolkshochschule« holds »Volkshochschule«), so
the longest term found at a place wins (»Bundesagentur für Arbeit« over »Agentur für Arbeit«).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from koko.errors import KokoError


@dataclass(frozen=True)
class Term:
    de: str
    en: str
    note: str
    line: int


@dataclass(frozen=True)
class Mismatch:
    """A node whose English label lacks the English term of a German term in its German label."""

    node: str
    de_label: str
    en_label: str
    term: Term


def load_glossary(path: Path) -> tuple[Term, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KokoError(f"cannot read the glossary: {exc}", path) from None
    rows = csv.DictReader(io.StringIO(text))
    if rows.fieldnames != ["de", "en", "note"]:
        raise KokoError("the glossary's header must be de,en,note", path, 1)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        de, en = (row.get("de") or "").strip(), (row.get("en") or "").strip()
        if not de or not en:
            raise KokoError("each glossary line needs a German and an English term", path, line)
        if de.lower() in seen:
            raise KokoError(f"{de!r} is already in the glossary at line {seen[de.lower()]}", path, line)
        seen[de.lower()] = line
        terms.append(Term(de, en, (row.get("note") or "").strip(), line))
    return tuple(terms)


def found_terms(german: str, terms: Iterable[Term]) -> list[Term]:
    """The glossary terms in a German label, the longest at each place (compounds included)."""
    text = german.lower()
    spans: list[tuple[int, int, Term]] = []
    for term in sorted(terms, key=lambda t: -len(t.de)):
        key = term.de.lower()
        start = text.find(key)
        while start >= 0:
            end = start + len(key)
            if not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, term))
            start = text.find(key, start + 1)
    return [term for _, _, term in sorted(spans, key=lambda s: s[0])]


def _plural(word: str) -> set[str]:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return {word[:-1] + "ies"}
    if word.endswith(("s", "x", "ch", "sh")):
        return {word + "es"}
    return {word + "s"}


def renderings(english: str) -> set[str]:
    """The term and its plurals: any one word of it in the plural (»offices«, »universities of
    applied sciences«, »language course providers«), as a German plural label needs."""
    words = english.lower().split()
    found = {" ".join(words)}
    for index, word in enumerate(words):
        for plural in _plural(word):
            found.add(" ".join([*words[:index], plural, *words[index + 1 :]]))
    return found


def mismatches(labels: Iterable[tuple[str, str, str]], terms: tuple[Term, ...], names: Iterable[str] = ()) -> list[Mismatch]:
    """For (node, German label, English label) triples: where a German term's English is missing.

    ``names`` are proper names, which are not translated (»Burgenlandkreis«, »Landkreis Görlitz« as
    the site's name): they are taken out of the German label before its terms are looked for.
    """
    proper = sorted(set(names), key=len, reverse=True)
    found: list[Mismatch] = []
    for node, de, en in labels:
        german = de
        for name in proper:
            german = german.replace(name, " ")
        for term in found_terms(german, terms):
            if not any(form in en.lower() for form in renderings(term.en)):
                found.append(Mismatch(node, de, en, term))
    return found
