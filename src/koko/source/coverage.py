"""How much of each site the curated layer covers: facts per kind, and answers without any.

A fact counts for the kind of the thing it is about: its object when that is an entity,
otherwise its subject; a site's outcomes (posts made permanent, staff moved on, awards)
count as ``outcome``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from koko.source.curated import CORE, Curation, Fact, part_texts
from koko.source.records import Brochure

KINDS = ("programme", "network", "project", "event", "product", "organisation", "unit", "role", "outcome")
OUTCOMES = {"madePermanent", "staffMovedOn", "received"}


@dataclass(frozen=True)
class Gap:
    site: str
    question: str
    reason: str | None  # the curator's comment "# question: no curatable fact — reason", if any


@dataclass(frozen=True)
class Coverage:
    counts: dict[str, dict[str, int]]  # part (site slug or section) → kind → number of facts
    gaps: tuple[Gap, ...]


def _kind(fact: Fact, curation: Curation) -> str:
    if fact.relation in OUTCOMES:
        return "outcome"
    for ref in (fact.object, fact.subject):
        kind = curation.entities[ref].kind if ref in curation.entities else CORE.get(str(ref))
        if kind in KINDS or kind == "award":
            return "outcome" if kind == "award" else kind
    raise AssertionError(f"{fact.file}:{fact.line}: a fact about nothing curated")  # the loader prevents it


def _reasons(path: Path) -> dict[str, str]:
    pattern = re.compile(r"^#\s*([a-z0-9-]+):\s*no curatable fact\s*[—-]\s*(.+)$", re.MULTILINE)
    return {m.group(1): m.group(2).strip() for m in pattern.finditer(path.read_text(encoding="utf-8"))}


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
    reasons = {f.site: _reasons(f.path) for f in curation.files if f.site}
    gaps = tuple(Gap(site, q, reasons.get(site, {}).get(q)) for site, q in answers if (site, q) not in covered)
    return Coverage(dict(sorted(counts.items())), gaps)


def render(coverage: Coverage, fmt: str = "text") -> str:
    if fmt == "json":
        document = {
            "facts": coverage.counts,
            "answersWithoutFacts": [{"site": g.site, "question": g.question, "reason": g.reason} for g in coverage.gaps],
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
    return "\n".join(lines) + "\n"
