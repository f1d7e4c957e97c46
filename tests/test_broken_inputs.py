"""Broken sources: each gives a clear error naming file and line, exit 2, and writes nothing.

Each case is a small, named mutation of the real brochure, so the fixture stays in step
with the source and shows exactly what it breaks. Broken curated files, programme facts, shapes
and tables are in test_broken_curated.py; random mutations of the brochure in test_source_fuzz.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import SOURCE
from helpers import koko
from koko.errors import KokoError
from koko.source.parse import parse_file

REAL = SOURCE.read_text(encoding="utf-8")


def _replace_line(old: str, new: str, occurrence: int = 1) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        hits = [i for i, line in enumerate(lines) if line.strip() == old.strip()]
        lines[hits[occurrence - 1]] = new
        return "\n".join(lines)

    return mutate


def _delete_lines(first: str, count: int) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        start = next(i for i, line in enumerate(lines) if line.strip() == first.strip())
        del lines[start : start + count]
        return "\n".join(lines)

    return mutate


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if needle in line]
    return hits[occurrence - 1]


def _exact_line(text: str, needle: str, occurrence: int = 1) -> int:
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if line.strip() == needle]
    return hits[occurrence - 1]


def _duplicate_meissen(text: str) -> str:
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Informationen weiter und sorgen für Transparenz«")) + 1
    end = next(i for i, ln in enumerate(lines) if ln.startswith("»Bildung gemeinsam gestalten"))
    return "\n".join(lines[: end + 1] + lines[start : end + 1] + lines[end + 1 :])


def _profile_in_foreword(text: str) -> str:
    return text.replace(
        "Wir wünschen Ihnen viel Freude beim Lesen!", "Wir wünschen Ihnen viel Freude beim Lesen!\n\nProgrammstart: 10 / 2016", 1
    )


# name, mutation, expected message fragment, expected line (computed on the mutated text)
CASES: list[tuple[str, Callable[[str], str], str, Callable[[str], int]]] = [
    (
        "unknown-question",
        _replace_line("Was hat Ihre Arbeit erleichtert?", "Was hat Ihre Arbeit erschwert?"),
        "unknown question 'Was hat Ihre Arbeit erschwert?'",
        lambda t: _line_of(t, "Was hat Ihre Arbeit erschwert?"),
    ),
    (
        "missing-header",
        _delete_lines("Landkreis Görlitz", 7),
        "header block (name, Programmstart, Bildungskoordination, motto) is missing",
        lambda t: _exact_line(t, "Was war ein Schlüsselmoment in Ihrer Arbeit?"),
    ),
    (
        "impossible-month",
        _replace_line("Programmstart: 10\u2009/\u20092016", "Programmstart: 13\u2009/\u20092016"),
        "impossible Programmstart 13 / 2016: month must be 01–12",
        lambda t: _line_of(t, "Programmstart: 13"),
    ),
    (
        "impossible-month-zero",
        _replace_line("Programmstart: 07\u2009/\u20092016", "Programmstart: 00\u2009/\u20092016"),
        "impossible Programmstart 00 / 2016: month must be 01–12",
        lambda t: _line_of(t, "Programmstart: 00"),
    ),
    (
        "implausible-year",
        _replace_line("Programmstart: 10\u2009/\u20092016", "Programmstart: 10\u2009/\u20091016"),
        "implausible Programmstart year 1016",
        lambda t: _line_of(t, "Programmstart: 10\u2009/\u20091016"),
    ),
    (
        "start-not-month-year",
        _replace_line("Programmstart: 10\u2009/\u20092016", "Programmstart: Oktober 2016"),
        "is not 'MM / YYYY'",
        lambda t: _line_of(t, "Programmstart: Oktober"),
    ),
    (
        "site-not-in-chapter-list",
        _replace_line("Landkreis Görlitz", "Landkreis Bautzen"),
        "site 'Landkreis Bautzen' is not in the site list of chapter 'Sachsen'",
        lambda t: _line_of(t, "Landkreis Bautzen"),
    ),
    (
        "profile-before-first-chapter",
        _profile_in_foreword,
        "every site must be inside a state chapter",
        lambda t: _line_of(t, "Programmstart: 10 / 2016"),
    ),
    (
        "listed-site-without-profile",
        _replace_line("XX Vogtlandkreis", "XX Vogtlandkreis\nXX Landkreis Bautzen"),
        "lists 'Landkreis Bautzen' but has no profile",
        lambda t: _line_of(t, "XX Landkreis Bautzen"),
    ),
    (
        "duplicated-site",
        _duplicate_meissen,
        "site 'Landkreis Meißen' has a second profile",
        lambda t: _exact_line(t, "Landkreis Meißen", 2),
    ),
    (
        "motto-without-closing-quote",
        _replace_line("»Bildung gemeinsam gestalten« ", "»Bildung gemeinsam gestalten "),
        "the motto opened here has no closing '«'",
        lambda t: _line_of(t, "»Bildung gemeinsam gestalten"),
    ),
    (
        "missing-coordination-line",
        _delete_lines("Bildungskoordination: Henry Sonntag", 1),
        "missing 'Bildungskoordination:' line after Programmstart",
        lambda t: _line_of(t, "Programmstart: 07\u2009/\u20092016"),
    ),
    (
        "missing-signature",
        _delete_lines("Dr.  Anne Walde, Kommunalberatung Sachsen (TransMit)", 1),
        "has no signature line",
        lambda t: _line_of(t, "Was war der größte Erfolg"),
    ),
    (
        "question-answered-twice",
        _replace_line("Was hat Ihre Arbeit erleichtert?", "Was war der größte Erfolg, der durch Ihre Arbeit erzielt wurde?"),
        "answers a question twice",
        lambda t: _exact_line(t, "Landkreis Mittelsachsen"),
    ),
    (
        "truncated-before-summary",
        lambda t: t[: t.index(" Zusammenfassung und Ausblick")],
        "the summary 'Zusammenfassung und Ausblick' is missing (truncated file?)",
        lambda t: len(t.split("\n")),
    ),
    (
        "truncated-mid-profile",
        lambda t: t[: t.index("Landkreis Schmalkalden-Meiningen \n")],
        "truncated",
        lambda t: len(t.split("\n")),
    ),
    (
        "missing-chapter",
        lambda t: t[: t.index(" Thüringen\n")] + t[t.index(" Zusammenfassung und Ausblick") :],
        "expected the state chapters Sachsen, Sachsen-Anhalt, Thüringen in this order, found Sachsen, Sachsen-Anhalt",
        lambda t: _line_of(t, "Zusammenfassung und Ausblick"),
    ),
    (
        "missing-foreword-heading",
        lambda t: t.replace(" Hintergrund der Broschüre", "", 1),
        "expected the foreword heading 'Hintergrund der Broschüre'",
        lambda t: 3,
    ),
]


@pytest.mark.parametrize(("name", "mutate", "message", "line"), CASES, ids=[c[0] for c in CASES])
def test_broken_source_names_file_and_line(tmp_path, catalogue, name, mutate, message, line):
    text = mutate(REAL)
    assert text != REAL
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KokoError) as error:
        parse_file(path, catalogue)
    assert message in error.value.message
    assert error.value.path == str(path)
    assert error.value.line == line(text)


BYTE_CASES = [
    ("empty", b"", "source file is empty", 1),
    ("blank-lines-only", b" \n\t\n\n", "source file is empty", 1),
    ("latin-1", REAL.encode("latin-1", errors="replace"), "not valid UTF-8 (byte 0xFC at column", 1),
    ("double-encoded", REAL.encode("utf-8").decode("latin-1").encode("utf-8"), "looks double-encoded", 1),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", 3),
]


@pytest.mark.parametrize(("name", "data", "message", "line"), BYTE_CASES, ids=[c[0] for c in BYTE_CASES])
def test_unreadable_source_names_file_and_line(tmp_path, catalogue, name, data, message, line):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    with pytest.raises(KokoError) as error:
        parse_file(path, catalogue)
    assert message in error.value.message
    assert (error.value.path, error.value.line) == (str(path), line)


@pytest.mark.parametrize(("name", "data", "message", "line"), BYTE_CASES, ids=[c[0] for c in BYTE_CASES])
def test_build_refuses_an_unreadable_source_with_exit_2_and_keeps_the_release(tmp_path, name, data, message, line):
    source = tmp_path / f"{name}.txt"
    source.write_bytes(data)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"previous release\n")
    result = koko("build", "--source", str(source), "--out", str(out))
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"koko: error: {source}:{line}: ")
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert [(p.name, p.read_bytes()) for p in out.iterdir()] == [("koko.ttl", b"previous release\n")]


def test_a_folder_given_as_source_is_refused_without_a_traceback(tmp_path, catalogue):
    with pytest.raises(KokoError) as error:
        parse_file(tmp_path, catalogue)
    assert (error.value.path, error.value.line) == (str(tmp_path), None)
    assert error.value.message == "cannot read source: Is a directory"
    result = koko("build", "--source", str(tmp_path), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2
    assert result.stderr == f"koko: error: {tmp_path}: cannot read source: Is a directory\n"
    assert not (tmp_path / "dist").exists()


def test_missing_source_file(tmp_path, catalogue):
    with pytest.raises(KokoError, match="source file not found"):
        parse_file(tmp_path / "nope.txt", catalogue)


def test_wrong_encoding_points_at_the_first_bad_line(tmp_path, catalogue):
    lines = REAL.split("\n")
    lines[199] = lines[199] + " Gr\xfc\xdfe"
    path = tmp_path / "one-bad-line.txt"
    path.write_bytes("\n".join(lines).encode("utf-8").replace("Gr\xfc\xdfe".encode(), b"Gr\xfc\xdfe"))
    with pytest.raises(KokoError) as error:
        parse_file(path, catalogue)
    assert error.value.line == 200


@pytest.mark.parametrize("case", ["unknown-question", "impossible-month", "truncated-before-summary"])
def test_build_exits_2_and_leaves_the_previous_release_untouched(tmp_path, case):
    mutate = next(c[1] for c in CASES if c[0] == case)
    broken = tmp_path / "broken.txt"
    broken.write_text(mutate(REAL), encoding="utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_text("previous release\n")
    result = koko("build", "--source", str(broken), "--out", str(out))
    assert result.exit_code == 2
    assert f"{broken}:" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert [p.name for p in out.iterdir()] == ["koko.ttl"]
    assert (out / "koko.ttl").read_text() == "previous release\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.txt", "dist"]


def test_build_with_broken_source_creates_no_output_folder(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(REAL.replace("Programmstart: 10\u2009/\u20092016", "Programmstart: 13 / 2016", 1), encoding="utf-8")
    result = koko("build", "--source", str(broken), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2
    assert not (tmp_path / "dist").exists()
