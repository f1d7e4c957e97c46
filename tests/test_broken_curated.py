"""Broken curated files: `koko build` names the file and the line, exits 2 and keeps the previous release.

Each case is a small, named mutation of one real file (curated YAML, the programme facts, the
SHACL shapes in Turtle, the CSV tables) in a copy of the project's data, so the corpus stays in
step with the data it breaks. The build is pointed at the copy; the previous release folder
must come out of the failed build byte for byte as it went in.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import koko, koko_process
from koko.checks.validate import load_shapes
from koko.cli import commands
from koko.config import load_config
from koko.errors import KokoError

ROOT = Path(__file__).resolve().parents[1]
GOERLITZ = "data/curated/sites/goerlitz.yaml"


def sub(old: str, new: str) -> Callable[[bytes], bytes]:
    """Replace the one occurrence of ``old`` in the UTF-8 text."""

    def mutate(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert text.count(old) == 1, old
        return text.replace(old, new).encode("utf-8")

    return mutate


def line_of(needle: str, occurrence: int = 1) -> Callable[[bytes], int]:
    """The line of the mutated file holding ``needle``."""

    def find(data: bytes) -> int:
        return [n for n, line in enumerate(data.split(b"\n"), 1) if needle.encode("utf-8") in line][occurrence - 1]

    return find


def fact_of(needle: str) -> Callable[[bytes], int]:
    """The first line (``  - …``) of the fact or entity whose mapping holds ``needle``."""

    def find(data: bytes) -> int:
        lines = data.decode("utf-8").split("\n")
        at = next(n for n, line in enumerate(lines) if needle in line)
        return next(n + 1 for n in range(at, -1, -1) if lines[n].startswith("  - "))

    return find


def fact_number(needle: str) -> Callable[[bytes], int]:
    """Which item of the ``facts:`` list (counting from 1) the line holding ``needle`` starts."""

    def count(data: bytes) -> int:
        lines = data.decode("utf-8").split("\n")
        start, at = lines.index("facts:"), next(n for n, line in enumerate(lines) if needle in line)
        return sum(line.startswith("  - ") for line in lines[start : at + 1])

    return count


def latin_1(data: bytes) -> bytes:
    return data.decode("utf-8").encode("latin-1", errors="replace")


def facts_as_text(data: bytes) -> bytes:
    text = data.decode("utf-8")
    return (text[: text.index("\nfacts:\n")] + "\nfacts: Integrationsmesse 2019\n").encode("utf-8")


UNCLOSED = 'quote: "es hatten'
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"

# name, file, mutation, message fragment (or a function of the mutated bytes giving it), line, column or None
CASES: list[tuple[str, str, Callable[[bytes], bytes], str | Callable[[bytes], str], Callable[[bytes], int], int | None]] = [
    (
        "yaml-tab-indent",
        GOERLITZ,
        sub("    value: 66\n", "\tvalue: 66\n"),
        "not valid YAML: found character '\\t' that cannot start any token",
        line_of("\tvalue: 66"),
        1,
    ),
    (
        "yaml-unclosed-quote",
        GOERLITZ,
        sub("quote: es hatten sich bereits 81 Aussteller angemeldet", 'quote: "es hatten sich bereits 81 Aussteller angemeldet'),
        lambda data: (
            f"found unexpected end of stream (while scanning a quoted scalar at line {line_of(UNCLOSED)(data)}, column 12)"
        ),
        lambda data: data.count(b"\n") + 1,
        1,
    ),
    (
        "yaml-duplicate-key",
        GOERLITZ,
        sub("    value: 66\n", "    value: 66\n    value: 67\n"),
        "key 'value' is given twice in one mapping (first at line 133): keys must be unique",
        line_of("value: 67"),
        5,
    ),
    (
        "yaml-duplicate-key-shared",
        "data/curated/shared.yaml",
        sub("    de: Bildung integriert\n", "    de: Bildung integriert\n    de: Bildung Integriert\n"),
        "key 'de' is given twice in one mapping (first at line 10)",
        line_of("de: Bildung Integriert"),
        5,
    ),
    (
        "yaml-control-character",
        GOERLITZ,
        sub("quote: mit 66 Ausstellern", "quote: mit 66\x07Ausstellern"),
        "not valid YAML: character U+0007 is not allowed",
        line_of("quote: mit 66\x07"),
        18,
    ),
    (
        "quote-not-in-text",
        GOERLITZ,
        sub("quote: mit 66 Ausstellern", "quote: mit 67 Ausstellern"),
        "quote not found verbatim in answer goerlitz/projekt-wiederholen: 'mit 67 Ausstellern'",
        fact_of("quote: mit 67 Ausstellern"),
        None,
    ),
    (
        "unknown-programme",
        "data/curated/sites/eisenach.yaml",
        sub("    object: bildung-integriert\n", "    object: bildung-integrirt\n"),
        "participatesIn: unknown object 'bildung-integrirt'",
        fact_of("object: bildung-integrirt"),
        None,
    ),
    (
        "unknown-question",
        GOERLITZ,
        sub("    value: 66\n    from: projekt-wiederholen\n", "    value: 66\n    from: projekt-wiederholung\n"),
        "from: 'projekt-wiederholung' is not an answer of site goerlitz (gut-funktioniert, projekt-wiederholen, strukturen)",
        fact_of("from: projekt-wiederholung"),
        None,
    ),
    (
        "unknown-site",
        GOERLITZ,
        sub("site: goerlitz\n", "site: goerliz\n"),
        "site: 'goerliz' must be the slug of a site and match the file name goerlitz.yaml",
        lambda data: 1,
        None,
    ),
    (
        "facts-not-a-list",
        GOERLITZ,
        facts_as_text,
        "facts: must be a list of '- relation: …, quote: …' items, found 'Integrationsmesse 2019'",
        line_of("facts: Integrationsmesse 2019"),
        None,
    ),
    (
        "fact-not-a-mapping",
        GOERLITZ,
        sub("  # --- events\n", "  # --- events\n  - organised integrationsmesse-goerlitz-2019\n"),
        lambda data: (
            f"facts: item {fact_number('- organised integrationsmesse')(data)} must be a mapping 'relation: …, quote: …', "
            "found 'organised integrationsmesse-goerlitz-2019'"
        ),
        line_of("  - organised integrationsmesse"),
        None,
    ),
    (
        "aliases-not-a-list",
        GOERLITZ,
        sub("aliases: [Integrationsmesse 2019]", "aliases: Integrationsmesse 2019"),
        "entity 'integrationsmesse-goerlitz-2019': aliases must be a list of texts",
        fact_of("aliases: Integrationsmesse 2019"),
        None,
    ),
    (
        "from-a-list",
        GOERLITZ,
        sub("    value: 66\n    from: projekt-wiederholen\n", "    value: 66\n    from: [projekt-wiederholen]\n"),
        "from: a list is not an answer of site goerlitz",
        fact_of("from: [projekt-wiederholen]"),
        None,
    ),
    (
        "yaml-latin-1",
        GOERLITZ,
        latin_1,
        "not valid UTF-8 (byte 0xE4 at column 31); a curated YAML file must be UTF-8 encoded",
        line_of("Abteilung Asyl- / Ausl"),
        None,
    ),
    ("yaml-empty", GOERLITZ, lambda data: b"", "expected a mapping with entities: and facts:", lambda data: 1, None),
    (
        "yaml-binary",
        GOERLITZ,
        lambda data: PNG,
        "contains NUL bytes: this is a binary file, not a curated YAML file",
        lambda data: 3,
        None,
    ),
    (
        "programme-yaml-syntax",
        "data/programme.yaml",
        sub("  site_count: 27\n", "  site_count: [27\n"),
        "not valid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence at line 13, column 15)",
        line_of("question_count: 14"),
        17,
    ),
    (
        "programme-duplicate-key",
        "data/programme.yaml",
        sub("  funder: bmbf\n", "  funder: bmbf\n  funder: transmit\n"),
        "not valid YAML: key 'funder' is given twice in one mapping (first at line 10): keys must be unique",
        line_of("funder: transmit"),
        3,
    ),
    (
        "programme-control-character",
        "data/programme.yaml",
        sub("  funder: bmbf\n", "  funder: bm\x1bbf\n"),
        "not valid YAML: character U+001B is not allowed",
        line_of("funder: bm\x1b"),
        13,
    ),
    (
        "programme-nul-byte",
        "data/programme.yaml",
        sub("  funder: bmbf\n", "  funder: bm\x00bf\n"),
        "contains NUL bytes: this is a binary file, not the programme YAML file",
        line_of("funder: bm\x00"),
        None,
    ),
    (
        "programme-latin-1",
        "data/programme.yaml",
        latin_1,
        "not valid UTF-8 (byte 0xBB at column 60); the programme YAML file must be UTF-8 encoded",
        lambda data: 1,
        None,
    ),
    (
        "programme-evidence-not-in-foreword",
        "data/programme.yaml",
        sub("haben alle aktuell geförderten 27 Standorte", "haben alle aktuell geförderten 28 Standorte"),
        "evidence quote not found in the foreword: 'haben alle aktuell geförderten 28 Standorte",
        line_of("28 Standorte"),
        None,
    ),
    (
        "programme-unknown-organisation",
        "data/programme.yaml",
        sub("  funder: bmbf\n", "  funder: bmbff\n"),
        "programme.funder 'bmbff' is not an id under organisations",
        line_of("funder: bmbff"),
        None,
    ),
    (
        "shapes-turtle-unclosed-string",
        "shapes/koko.shapes.ttl",
        sub('"KoKo-Datenvertrag (SHACL)"@de', '"KoKo-Datenvertrag (SHACL)@de'),
        "cannot parse the shapes: Turtle syntax error: expected '.' or '}' or ']' at end of statement\n",
        line_of('"KoKo-Datenvertrag (SHACL)@de'),
        47,
    ),
    (
        "graph-shapes-turtle-prefix",
        "shapes/graphs.shapes.ttl",
        sub("@prefix sh: <http://www.w3.org/ns/shacl#> .", "@prefix sh <http://www.w3.org/ns/shacl#> ."),
        "cannot parse the shapes: Turtle syntax error: expected qname after @prefix\n",
        line_of("@prefix sh <"),
        8,
    ),
    (
        "questions-csv-header",
        "data/questions.csv",
        sub("slug,de,en,variant_de", "slug;de;en;variant_de"),
        "expected columns slug, de, en, variant_de",
        lambda data: 1,
        None,
    ),
    (
        "questions-csv-latin-1",
        "data/questions.csv",
        latin_1,
        "not valid UTF-8 (byte 0xE4 at column 65); a CSV table must be UTF-8 encoded",
        line_of("ausgangssituation,"),
        None,
    ),
    (
        "municipalities-csv-latin-1",
        "data/municipalities.csv",
        latin_1,
        "not valid UTF-8 (byte 0xF6 at column 12); a CSV table must be UTF-8 encoded",
        line_of(",14626,"),
        None,
    ),
    (
        "municipalities-csv-extra-field",
        "data/municipalities.csv",
        sub(
            "Landkreis Görlitz,Görlitz,Landkreis Görlitz,landkreis,14626,sachsen,,,,,",
            "Landkreis Görlitz,Görlitz,Landkreis Görlitz,landkreis,14626,sachsen,,,,,,",
        ),
        "more fields than the 11 columns printed_name, official_name",
        line_of("Landkreis Görlitz,"),
        None,
    ),
    (
        "section-file-with-a-site",
        "data/curated/sections/foreword.yaml",
        sub("section: foreword\n", 'section: foreword\nsite: ""\n'),
        "site: a section file has no site; its facts are about the section (data/curated/README.md)",
        line_of('site: ""'),
        None,
    ),
    (
        "municipalities-csv-ags",
        "data/municipalities.csv",
        sub("Landkreis Görlitz,landkreis,14626,", "Landkreis Görlitz,landkreis,14 626,"),
        "ags '14 626' must be 5 digits (Kreisschlüssel)",
        line_of("Landkreis Görlitz,"),
        None,
    ),
]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's data, ontology and shapes, which `koko build` reads instead of the real ones."""
    copy = tmp_path / "project"
    for folder in ("data", "ontology", "shapes"):
        shutil.copytree(ROOT / folder, copy / folder)
    config = replace(load_config(environ={}), root=copy)
    monkeypatch.setattr(commands, "load_config", lambda base=None: config)
    return copy


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.mark.parametrize(("name", "file", "mutate", "message", "line", "column"), CASES, ids=[c[0] for c in CASES])
def test_broken_curated_file_exits_2_names_file_and_line_and_keeps_the_release(
    project, tmp_path, name, file, mutate, message, line, column
):
    path = project / file
    original = path.read_bytes()
    broken = mutate(original)
    assert broken != original
    path.write_bytes(broken)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"@prefix koko: <https://w3id.org/koko-kg/ontology#> .\n# previous release\n")
    (out / "context.jsonld").write_bytes(b'{"@context": {}}\n')
    before = _snapshot(out)

    result = koko("build", "--out", str(out))

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # an uncaught exception would be kept here instead
    where = f"{path}:{line(broken)}" + (f":{column}" if column else "")
    assert result.stderr.startswith(f"koko: error: {where}: "), result.stderr
    assert (message if isinstance(message, str) else message(broken)) in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "project"]


def test_the_unbroken_copy_assembles_and_its_shapes_load(project):
    """The corpus breaks a copy that works: each failure above comes from its mutation alone."""
    result = koko("stats")
    assert result.exit_code == 0, result.output
    assert "sites: 27 (Sachsen 7, Sachsen-Anhalt 9, Thüringen 11)" in result.stdout
    config = commands.load_config()
    assert config.root == project
    assert len(load_shapes(config.shapes)) > 0
    assert len(load_shapes(config.graph_shapes)) > 0


def test_a_duplicate_key_is_refused_even_where_both_values_agree(project):
    """PyYAML keeps the last of two equal keys silently; the curated loader refuses any repeat."""
    from koko.release.build import assemble

    path = project / GOERLITZ
    path.write_bytes(sub("    value: 66\n", "    value: 66\n    value: 66\n")(path.read_bytes()))
    with pytest.raises(KokoError) as error:
        assemble(commands.load_config())
    assert (error.value.path, error.value.line, error.value.column) == (str(path), 134, 5)
    assert str(error.value).startswith(f"{path}:134:5: not valid YAML: key 'value' is given twice")


def test_a_real_koko_process_reports_a_broken_curated_file_on_one_line_without_a_traceback(tmp_path):
    """The same check outside the test runner: a `koko build` process on a copy of the project (code included)."""
    copy = tmp_path / "project"
    for folder in ("data", "ontology", "shapes", "queries", "src"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / GOERLITZ
    path.write_bytes(sub("    value: 66\n", "    value: 66\n    value: 67\n")(path.read_bytes()))
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"previous release\n")
    result = koko_process("build", "--out", str(out), env={"PYTHONPATH": str(copy / "src"), "KOKO_RESOURCES": str(copy)})
    assert result.returncode == 2
    assert result.stderr == (
        f"koko: error: {path}:134:5: not valid YAML: key 'value' is given twice in one mapping (first at line 133): "
        "keys must be unique\n"
    )
    assert result.stdout == ""
    assert [(p.name, p.read_bytes()) for p in out.iterdir()] == [("koko.ttl", b"previous release\n")]
