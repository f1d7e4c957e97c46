"""The question catalogue and the curated municipality table, read from data/.

Both are small CSV files a curator edits by hand; every problem is reported with the
file and line so it can be fixed there.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from koko.errors import KokoError, decode_strictly
from koko.source.records import Question
from koko.source.text import normalise_space


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", path) from exc
    # Decoded up front, so that a byte that is not UTF-8 (a table saved as Latin-1) is named by its line.
    text = decode_strictly(raw, path, "a CSV table")
    reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="": the csv module splits the lines itself
    try:
        if tuple(reader.fieldnames or ()) != columns:
            raise KokoError(f"expected columns {', '.join(columns)}, found {reader.fieldnames}", path, 1)
        rows = []
        for row in reader:
            if None in row:  # csv puts the fields beyond the header under the key None
                raise KokoError(f"more fields than the {len(columns)} columns {', '.join(columns)}", path, reader.line_num)
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
        return rows
    except csv.Error as exc:
        raise KokoError(f"malformed CSV: {exc}", path, reader.line_num or None) from exc


@dataclass(frozen=True)
class Catalogue:
    questions: tuple[Question, ...]

    def match(self, line: str) -> tuple[Question, str] | None:
        """The catalogue question a printed line asks, and the printed form, if any."""
        printed = normalise_space(line)
        for question in self.questions:
            if printed == question.de or printed in question.variants:
                return question, printed
        return None


def load_catalogue(path: Path) -> Catalogue:
    questions = []
    seen: dict[str, int] = {}
    for line, row in _read_csv(path, ("slug", "de", "en", "variant_de")):
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["slug"]):
            raise KokoError(f"slug {row['slug']!r} must be lowercase words joined by hyphens", path, line)
        if row["slug"] in seen:
            raise KokoError(f"slug {row['slug']!r} repeats line {seen[row['slug']]}", path, line)
        if not (row["de"].endswith("?") and row["en"].endswith("?")):
            raise KokoError("the German and English question must each end with '?'", path, line)
        seen[row["slug"]] = line
        variants = (normalise_space(row["variant_de"]),) if row["variant_de"] else ()
        questions.append(Question(row["slug"], normalise_space(row["de"]), row["en"], variants))
    if not questions:
        raise KokoError("the question catalogue is empty", path)
    return Catalogue(tuple(questions))


KINDS = ("landkreis", "kreisfreie-stadt")
STATES = ("sachsen", "sachsen-anhalt", "thueringen")


@dataclass(frozen=True)
class Municipality:
    printed_name: str
    official_name: str
    site_name: str  # the name the graph gives the site: the printed one, unless that is a misprint
    kind: str
    ags: str
    state: str
    valid_until: date | None
    successor_name: str | None
    successor_ags: str | None
    successor_kind: str | None
    change_date: date | None
    line: int


def _date(value: str, column: str, path: Path, line: int) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise KokoError(f"{column} {value!r} is not a date YYYY-MM-DD", path, line) from exc


def load_municipalities(path: Path) -> dict[str, Municipality]:
    """Curated official data, keyed by the name as printed in the brochure."""
    columns = (
        "printed_name",
        "official_name",
        "site_name",
        "kind",
        "ags",
        "state",
        "valid_until",
        "successor_name",
        "successor_ags",
        "successor_kind",
        "change_date",
    )
    table: dict[str, Municipality] = {}
    ags_seen: dict[str, int] = {}
    for line, row in _read_csv(path, columns):
        if row["kind"] not in KINDS:
            raise KokoError(f"kind {row['kind']!r} must be one of {', '.join(KINDS)}", path, line)
        if row["state"] not in STATES:
            raise KokoError(f"state {row['state']!r} must be one of {', '.join(STATES)}", path, line)
        for column in ("ags", "successor_ags"):
            if row[column] and not re.fullmatch(r"\d{5}", row[column]):
                raise KokoError(f"{column} {row[column]!r} must be 5 digits (Kreisschlüssel)", path, line)
        if not row["ags"]:
            raise KokoError("ags (Kreisschlüssel) is required", path, line)
        if row["ags"] in ags_seen:
            raise KokoError(f"ags {row['ags']} repeats line {ags_seen[row['ags']]}", path, line)
        if row["printed_name"] in table:
            raise KokoError(f"{row['printed_name']!r} repeats line {table[row['printed_name']].line}", path, line)
        successor = [row[c] for c in ("successor_name", "successor_ags", "successor_kind", "change_date")]
        if any(successor) and not all(successor):
            raise KokoError("successor_name, successor_ags, successor_kind and change_date go together", path, line)
        if row["successor_kind"] and row["successor_kind"] not in KINDS:
            raise KokoError(f"successor_kind {row['successor_kind']!r} must be one of {', '.join(KINDS)}", path, line)
        ags_seen[row["ags"]] = line
        table[row["printed_name"]] = Municipality(
            printed_name=row["printed_name"],
            official_name=row["official_name"],
            site_name=row["site_name"] or row["printed_name"],
            kind=row["kind"],
            ags=row["ags"],
            state=row["state"],
            valid_until=_date(row["valid_until"], "valid_until", path, line),
            successor_name=row["successor_name"] or None,
            successor_ags=row["successor_ags"] or None,
            successor_kind=row["successor_kind"] or None,
            change_date=_date(row["change_date"], "change_date", path, line),
            line=line,
        )
    return table
