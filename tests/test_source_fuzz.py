"""Property-based tests: the parser never crashes on a mutated brochure.

Hypothesis mutates the real source (delete, duplicate or swap lines, truncate, insert random
text, replace a character) and the parser must either succeed with every line of the mutated
text accounted for, or stop with a KokoError naming the file and a line of that file — never
with any other exception. The runs are derandomised, so CI sees the same examples every time.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SOURCE
from helpers import koko
from koko.errors import KokoError
from koko.source.parse import parse_file
from koko.source.records import Brochure

REAL = SOURCE.read_text(encoding="utf-8")
LINES = REAL.split("\n")


# Each mutation changes the lines in place, given a line index, a second number (another line's index,
# or a column taken modulo the line's length) and a random text.
def delete_line(lines: list[str], at: int, _: int, __: str) -> None:
    del lines[at]


def duplicate_line(lines: list[str], at: int, _: int, __: str) -> None:
    lines.insert(at, lines[at])


def swap_lines(lines: list[str], at: int, other: int, _: str) -> None:
    lines[at], lines[other] = lines[other], lines[at]


def truncate(lines: list[str], at: int, column: int, _: str) -> None:
    kept = lines[at][: column % (len(lines[at]) + 1)]
    del lines[at:]
    lines.append(kept)


def insert_text(lines: list[str], at: int, column: int, text: str) -> None:
    column %= len(lines[at]) + 1
    lines[at : at + 1] = (lines[at][:column] + text + lines[at][column:]).split("\n")


def replace_character(lines: list[str], at: int, column: int, text: str) -> None:
    if lines[at]:
        column %= len(lines[at])
        lines[at : at + 1] = (lines[at][:column] + (text or "?")[0] + lines[at][column + 1 :]).split("\n")


MUTATIONS: tuple[Callable[[list[str], int, int, str], None], ...] = (
    delete_line,
    duplicate_line,
    swap_lines,
    truncate,
    insert_text,
    replace_character,
)
# Random text, weighted towards what matters to this parser: its marks, its keywords, line breaks.
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["»", "«", "XX ", "?", "\n", "\r", "\u2009", "\x00", "Programmstart: ", "Bildungskoordination: ", "Ã¼"]),
)


@st.composite
def mutated_sources(draw) -> tuple[str, list[str]]:
    lines = list(LINES)
    applied = []
    for _ in range(draw(st.integers(1, 3))):
        mutation = draw(st.sampled_from(MUTATIONS))
        at = draw(st.integers(0, len(lines) - 1))
        other = draw(st.integers(0, len(lines) - 1))
        text = draw(TEXT)
        mutation(lines, at, other, text)
        lines = lines or [""]  # an empty file is one empty line
        applied.append(f"{mutation.__name__}(line {at + 1}, {other}, {text!r})")
    return "\n".join(lines), applied


def _check(path: Path, text: str, catalogue) -> str:
    """Parse ``path`` (holding ``text``); return 'parsed' or 'refused', failing on anything else."""
    path.write_bytes(text.encode("utf-8"))
    line_count = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    outcome = _parse(path, catalogue)  # any other exception than KokoError fails the test
    if isinstance(outcome, KokoError):
        assert outcome.path == str(path)
        assert outcome.line is not None, outcome
        assert 1 <= outcome.line <= line_count, outcome
        assert outcome.message
        return "refused"
    brochure = outcome
    # Every line is noise or owned by exactly one record: the accounting the parser proves, checked again here.
    owned = [number for _, lines in brochure.owned_lines() for number in lines]
    assert len(owned) == len(set(owned))
    assert sorted([*owned, *brochure.noise_lines]) == list(range(1, brochure.line_count + 1))
    assert brochure.line_count == line_count
    assert len(brochure.sites) == len({site.name for site in brochure.sites})
    # ... and no letter is lost or doubled when the lines are joined into running text.
    source = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    records = [(s.title + s.text, s.lines) for s in (brochure.foreword, brochure.summary)]
    records += [(a.printed_question + a.text, a.lines) for a in brochure.answers]
    records += [(c.intro_title + c.intro_text, c.intro_lines[:-1]) for c in brochure.chapters]
    for joined, lines in records:
        assert _letters(joined) == _letters("".join(re.sub(r"^\s*XX ", "", source[n - 1]) for n in lines))
    return "parsed"


def _parse(path: Path, catalogue) -> Brochure | KokoError:
    try:
        return parse_file(path, catalogue)
    except KokoError as error:
        return error


def _letters(text: str) -> str:
    """Text without white space, hyphens, bullets and bullet marks: what joining lines may change."""
    return re.sub(r"[\s\-•]", "", text)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "mutated.txt"


@settings(max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_a_mutated_source_parses_with_every_line_accounted_for_or_is_refused_cleanly(scratch, catalogue, case):
    text, _ = case
    _check(scratch, text, catalogue)


def test_the_unmutated_source_parses_and_owns_all_its_lines(scratch, catalogue):
    assert _check(scratch, REAL, catalogue) == "parsed"


def _seeded_mutations(catalogue, folder: Path, count: int) -> list[tuple[Path, list[str]]]:
    """The first ``count`` single mutations from a fixed seed that the parser refuses, written to files."""
    rng = random.Random(20200)
    found: list[tuple[Path, list[str]]] = []
    while len(found) < count:
        lines = list(LINES)
        mutation = MUTATIONS[len(found) % len(MUTATIONS)]
        at, other = rng.randrange(len(lines)), rng.randrange(len(lines))
        mutation(lines, at, other, rng.choice(["»", "?", "XX ", "\x00", "Programmstart: 1"]))
        path = folder / f"{len(found) + 1}-{mutation.__name__}.txt"
        if _check(path, "\n".join(lines), catalogue) == "refused":
            found.append((path, [mutation.__name__, str(at + 1)]))
    return found


def test_koko_build_refuses_mutated_sources_with_exit_2_and_keeps_the_release(tmp_path, catalogue):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"previous release\n")
    cases = _seeded_mutations(catalogue, tmp_path, 6)
    assert {name for _, (name, _) in cases} == {m.__name__ for m in MUTATIONS}
    for path, _ in cases:
        with pytest.raises(KokoError) as expected:
            parse_file(path, catalogue)
        result = koko("build", "--source", str(path), "--out", str(out))
        assert result.exit_code == 2, (path.name, result.output)
        assert isinstance(result.exception, SystemExit)
        assert result.stderr == f"koko: error: {expected.value}\n"
        assert result.stderr.startswith(f"koko: error: {path}:{expected.value.line}: ")
        assert "Traceback" not in result.output
        assert [p.name for p in out.iterdir()] == ["koko.ttl"]
        assert (out / "koko.ttl").read_bytes() == b"previous release\n"
