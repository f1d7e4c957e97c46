"""How much of the brochure the curated layer covers: facts per kind, and every sentence.

A fact counts for the kind of the thing it is about: its object when that is an entity,
otherwise its subject; a site's outcomes (posts made permanent, staff moved on, awards)
count as ``outcome``. A sentence is accounted for when a fact's quote overlaps it or the
curated file lists it with a reason (data/curated/README.md); the rest are listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from koko.source.curated import CORE, Curation, Fact, evidenced, part_texts
from koko.source.records import Brochure
from koko.source.sentences import split

KINDS = ("programme", "network", "project", "event", "product", "organisation", "unit", "role", "outcome", "other")
OUTCOMES = {"madePermanent", "staffMovedOn", "received"}


@dataclass(frozen=True)
class Gap:
    site: str
    question: str
    reason: str | None  # the reasons of its sentences (data/curated/README.md), "general, opinion"; None if not all have one


@dataclass(frozen=True)
class Unaccounted:
    """A sentence that no fact quotes and no reason explains."""

    site: str | None
    part: str
    index: int  # the sentence's position in its part, from 0
    text: str


@dataclass(frozen=True)
class SentenceCount:
    sentences: int
    evidence: int  # quoted by at least one fact
    reasoned: int  # listed with a reason
    unaccounted: int


@dataclass(frozen=True)
class Coverage:
    counts: dict[str, dict[str, int]]  # part (site slug or section) → kind → number of facts
    gaps: tuple[Gap, ...]
    sentences: dict[str, SentenceCount]  # site slug or section → its sentences' accounting
    unaccounted: tuple[Unaccounted, ...]


def _kind(fact: Fact, curation: Curation) -> str:
    if fact.relation in OUTCOMES:
        return "outcome"
    for ref in (fact.object, fact.subject):
        kind = curation.entities[ref].kind if ref in curation.entities else CORE.get(str(ref))
        if kind in KINDS or kind == "award":
            return "outcome" if kind == "award" else kind
    return "other"  # a figure of a state, a post's start: about nothing of the kinds above


def compute(curation: Curation, brochure: Brochure) -> Coverage:
    counts: dict[str, dict[str, int]] = {}
    for cfile in curation.files:
        row = counts.setdefault(cfile.site or cfile.section or "", dict.fromkeys(KINDS, 0))
        for fact in cfile.facts:
            row[_kind(fact, curation)] += 1
    answers = sorted((site, question) for site, question in part_texts(brochure) if site)
    for site, _ in answers:
        counts.setdefault(site, dict.fromkeys(KINDS, 0))
    covered = {(f.site, f.part) for f in curation.facts if f.site}
    sentences, unaccounted = _sentences(curation, brochure)
    reasons: dict[tuple[str | None, str], set[str]] = {}
    for cfile in curation.files:
        for reason in cfile.reasons:
            reasons.setdefault((reason.site, reason.part), set()).add(reason.reason)
    open_parts = {(u.site, u.part) for u in unaccounted}
    gaps = tuple(
        Gap(site, q, None if (site, q) in open_parts else ", ".join(sorted(reasons.get((site, q), set()))) or None)
        for site, q in answers
        if (site, q) not in covered
    )
    return Coverage(dict(sorted(counts.items())), gaps, sentences, unaccounted)


def _sentences(curation: Curation, brochure: Brochure) -> tuple[dict[str, SentenceCount], tuple[Unaccounted, ...]]:
    texts = part_texts(brochure)
    split_texts = {key: split(text) for key, text in texts.items()}
    quoted = evidenced(curation.facts, split_texts, texts)
    listed = {
        (r.site, r.part, s.index)
        for f in curation.files
        for r in f.reasons
        for s in split_texts[(r.site, r.part)]
        if s.text.startswith(r.starts)
    }
    counts: dict[str, list[int]] = {}
    missing: list[Unaccounted] = []
    for (site, part), sentences in split_texts.items():
        row = counts.setdefault(site or part, [0, 0, 0, 0])
        for sentence in sentences:
            key = (site, part, sentence.index)
            row[0] += 1
            if key in quoted:
                row[1] += 1
            elif key in listed:
                row[2] += 1
            else:
                row[3] += 1
                missing.append(Unaccounted(site, part, sentence.index, sentence.text))
    table = {name: SentenceCount(*row) for name, row in sorted(counts.items())}
    return table, tuple(missing)


def render(coverage: Coverage, fmt: str = "text") -> str:
    if fmt == "json":
        document = {
            "facts": coverage.counts,
            "answersWithoutFacts": [{"site": g.site, "question": g.question, "reason": g.reason} for g in coverage.gaps],
            "sentences": {name: vars(count) for name, count in coverage.sentences.items()},
            "unaccountedSentences": [
                {"site": u.site, "part": u.part, "sentence": u.index + 1, "text": u.text} for u in coverage.unaccounted
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    width = max(len(name) for name in coverage.counts)
    totals = {k: sum(row[k] for row in coverage.counts.values()) for k in KINDS}

    def line(name: str, row: dict[str, int]) -> str:
        return f"{name:<{width}}  " + "  ".join(f"{row[k]:>{len(k)}}" for k in KINDS) + f"  {sum(row.values()):>5}"

    lines = [f"{'part':<{width}}  " + "  ".join(KINDS) + "  total"]
    lines += [line(name, row) for name, row in coverage.counts.items()]
    lines.append(line("all", totals))
    lines.append("")
    lines.append(f"answers without a curated fact: {len(coverage.gaps)}")
    for gap in coverage.gaps:
        lines.append(f"  {gap.site}/{gap.question}: {gap.reason or 'no reason given'}")
    lines.append("")
    total = [
        sum(getattr(c, k) for c in coverage.sentences.values()) for k in ("sentences", "evidence", "reasoned", "unaccounted")
    ]
    lines.append(f"sentences: {total[0]}, evidence of a fact: {total[1]}, with a reason: {total[2]}, unaccounted for: {total[3]}")
    return "\n".join(lines) + "\n"


def render_sentences(coverage: Coverage, only: str | None = None) -> str:
    """Each part's sentence accounting, then every unaccounted sentence (of the site or section ``only``)."""
    lines = [f"{'part':<36}  sentences  evidence  reasoned  unaccounted"]
    for name, c in coverage.sentences.items():
        if only in (None, name):
            lines.append(f"{name:<36}  {c.sentences:>9}  {c.evidence:>8}  {c.reasoned:>8}  {c.unaccounted:>11}")
    lines.append("")
    for u in coverage.unaccounted:
        if only in (None, u.site or u.part):
            where = f"{u.site}/{u.part}" if u.site else u.part
            lines.append(f"{where} #{u.index + 1}: {u.text}")
    return "\n".join(lines) + "\n"
