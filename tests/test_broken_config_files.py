"""Broken ontology, JSON-LD context and shapes files: the command names file:line:column, exits 2 and writes nothing.

The curated data has its corpus in test_broken_curated.py; these are the files that other commands
read besides it (`koko build --infer` the ontology, `koko build` the context, `koko validate` the
shapes and, with ``--inference``, the ontology). Same method: a named mutation of the real file in a
copy of the project, the command pointed at the copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import koko
from koko.cli import commands
from test_broken_curated import _snapshot, latin_1, line_of, sub
from test_broken_curated import project as project  # the fixture: a copy of data/, ontology/ and shapes/

ONTOLOGY = "ontology/koko.ttl"
CONTEXT = "ontology/koko.context.jsonld"
DATA = "@prefix koko: <https://w3id.org/koko-kg/ontology#> .\n<https://example.org/x> a koko:Site .\n"

# name, file, command, mutation, message (up to the end of stderr's line), line, column or None
CASES: list[tuple[str, str, list[str], Callable[[bytes], bytes], str, Callable[[bytes], int], int | None]] = [
    (
        "ontology-turtle-prefix",
        ONTOLOGY,
        ["build", "--infer"],
        sub("@prefix owl: <", "@prefix owl <"),
        "cannot parse the ontology: Turtle syntax error: expected qname after @prefix",
        line_of("@prefix owl <"),
        8,
    ),
    (
        "ontology-turtle-statement",
        ONTOLOGY,
        ["build", "--infer"],
        sub("koko:AdministrativeUnit\n  a owl:Class ;", "koko:AdministrativeUnit\n  a owl:Class owl:Thing ;"),
        "cannot parse the ontology: Turtle syntax error: expected '.' or '}' or ']' at end of statement",
        line_of("a owl:Class owl:Thing"),
        15,
    ),
    (
        "ontology-latin-1-for-the-reasoner",
        ONTOLOGY,
        ["validate", "{data}", "--inference", "owlrl"],
        latin_1,
        "not valid UTF-8 (byte 0xFC at column 60); a Turtle file must be UTF-8 encoded",
        line_of("Bildungsangebote f"),
        None,
    ),
    (
        "context-missing-comma",
        CONTEXT,
        ["build"],
        sub('"owl": "http://www.w3.org/2002/07/owl#",\n', '"owl": "http://www.w3.org/2002/07/owl#"\n'),
        "cannot parse the JSON-LD context: Expecting ',' delimiter",
        line_of('"prov"'),
        5,
    ),
    (
        "context-truncated",
        CONTEXT,
        ["build"],
        lambda data: data[: data.index(b'"prov"')],
        "cannot parse the JSON-LD context: Expecting property name enclosed in double quotes",
        lambda data: data.count(b"\n") + 1,
        5,
    ),
    (
        "shapes-turtle-for-validate",
        "shapes/koko.shapes.ttl",
        ["validate", "{data}"],
        sub('"KoKo-Datenvertrag (SHACL)"@de', '"KoKo-Datenvertrag (SHACL)@de'),
        "cannot parse the shapes: Turtle syntax error: expected '.' or '}' or ']' at end of statement",
        line_of('"KoKo-Datenvertrag (SHACL)@de'),
        47,
    ),
]


@pytest.mark.parametrize(("name", "file", "command", "mutate", "message", "line", "column"), CASES, ids=[c[0] for c in CASES])
def test_broken_config_file_exits_2_names_file_line_column_and_keeps_the_release(
    project, tmp_path, name, file, command, mutate, message, line, column
):
    path = project / file
    broken = mutate(path.read_bytes())
    path.write_bytes(broken)
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"# previous release\n")
    before = _snapshot(out)
    args = [str(data) if arg == "{data}" else arg for arg in command]

    result = koko(*args, *(["--out", str(out)] if command[0] == "build" else []))

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # an uncaught exception would be kept here instead
    where = f"{path}:{line(broken)}" + (f":{column}" if column else "")
    assert result.stderr == f"koko: error: {where}: {message}\n"
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl", "dist", "project"]


def test_the_context_and_the_ontology_of_the_unbroken_copy_load(project):
    """Each failure above comes from its mutation alone: the copy's own files load."""
    from koko.checks.infer import load_ontology
    from koko.graph.formats import load_context

    config = commands.load_config()
    assert config.root == project
    assert "koko" in load_context(config.context)
    assert len(load_ontology(config)) > 0


def test_an_ontology_that_is_not_there_is_named(project: Path):
    (project / ONTOLOGY).unlink()
    result = koko("build", "--infer", "--out", str(project / "dist"))
    assert result.exit_code == 2
    assert result.stderr == f"koko: error: {project / ONTOLOGY}: ontology file not found\n"
    assert not (project / "dist").exists()
