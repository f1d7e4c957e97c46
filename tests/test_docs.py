"""The documentation is complete and current: generated pages, README commands, every query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import koko
from koko.cli.docgen import targets
from koko.cli.main import commands

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(targets(ROOT)), ids=lambda p: p.name)
def test_generated_docs_are_current(path):
    assert path.read_text(encoding="utf-8") == targets(ROOT)[path], f"run python -m koko.cli.docgen to refresh {path.name}"


def test_readme_starts_with_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block
    assert first_block.group(1).strip().splitlines() == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(commands()))
def test_every_command_is_in_the_readme(command):
    assert f"koko {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_source_folder_has_a_provenance_readme():
    text = (ROOT / "data" / "source" / "README.md").read_text(encoding="utf-8")
    assert "TransMit" in text
    assert "2020" in text
    assert "PDF" in text


def test_the_validation_report_in_the_docs_is_what_koko_prints(tmp_path, monkeypatch):
    """docs/validation.md shows a real report; it must change when the shapes or messages do."""
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    shown = re.search(r"koko validate dist/koko\.trig docs/examples/my-additions\.ttl.*?```text\n(.*?)```", text, re.S)
    assert shown, "the example report is missing from docs/validation.md"
    monkeypatch.chdir(ROOT)
    assert koko("build", "--out", str(tmp_path / "dist")).exit_code == 0
    result = koko("validate", str(tmp_path / "dist" / "koko.trig"), "docs/examples/my-additions.ttl")
    assert result.exit_code == 1
    assert result.stdout == shown.group(1)


def test_shape_catalogue_renders_what_the_shapes_files_do_not_use_yet(tmp_path):
    """sh:property, complex paths and the class count are not in the real files; the rows must still be right."""
    from koko.cli.docgen import render_shape_catalogue

    shapes = tmp_path / "extra.shapes.ttl"
    shapes.write_text(
        """
        @prefix ex: <http://example.org/> .
        @prefix kokosh: <https://w3id.org/koko-kg/shapes#> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        kokosh:AShape a sh:NodeShape ; sh:targetClass ex:B , ex:A ; sh:targetSubjectsOf ex:p ;
          sh:property kokosh:A-path ;
          sh:description "A | B"@en , "A | B auf Deutsch"@de .
        kokosh:CShape a sh:NodeShape ; sh:targetClass ex:C ; sh:property kokosh:A-path ;
          sh:not [ sh:class ex:D ; sh:nodeKind sh:IRI ] ; sh:closed true .
        kokosh:A-path a sh:PropertyShape ; sh:path ( ex:p [ sh:inversePath ex:q ] [ sh:zeroOrMorePath ex:r ] ) ;
          sh:in ( 1 "x" ex:E ) ; sh:minInclusive "2020"^^xsd:gYear ; sh:severity sh:Warning ;
          sh:description "  spread\\n  over lines "@en .
        kokosh:Many-alt a sh:PropertyShape ; sh:targetClass ex:A , ex:B , ex:C , ex:D , ex:E ;
          sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:or ( [ sh:datatype xsd:string ] [ sh:class ex:A ; sh:maxCount 1 ] ) .
        """,
        encoding="utf-8",
    )
    rows = [line for line in render_shape_catalogue([shapes]).splitlines() if line.startswith("| `")]
    assert rows == [
        "| `A-path` | ex:A, ex:B, ex:C; subjects of ex:p | ex:p/^ex:q/(ex:r)* | in (1 'x' ex:E), "
        "minInclusive '2020'^^xsd:gYear | Warning | spread over lines |",
        "| `AShape` | ex:A, ex:B; subjects of ex:p | — | — | Violation | A \\| B |",
        "| `CShape` | ex:C | — | closed, not (class ex:D, nodeKind sh:IRI) | Violation |  |",
        "| `Many-alt` | 5 classes | (ex:p\\|ex:q) | or (xsd:string \\| (class ex:A, maxCount 1)) | Violation |  |",
    ]
