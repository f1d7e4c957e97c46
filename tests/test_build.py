"""``koko build`` validates in a forked process while it serialises: the same release, the same refusals,
the errors in the order a sequential build meets them, and nothing written unless the data conforms.

A ``koko build`` process forks where the machine has a second core (koko.release.build._can_fork); in
this process the build is made sequential, so that each case compares the two.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from helpers import koko, koko_process
from koko.errors import KokoError
from koko.release import build

ROOT = Path(__file__).resolve().parents[1]
# A shape the release breaks: no site has a koko:motto in English (the brochure prints them in German).
ENGLISH_MOTTO = """
kokosh:TestSite-englishMotto a sh:NodeShape ;
  sh:targetClass koko:Site ;
  sh:property [ sh:path koko:motto ; sh:languageIn ( "en" ) ; sh:message "Test: the motto must be English."@en ] .
"""
# A SPARQL constraint that cannot be parsed: an error of the union pass, in the forked process.
BROKEN_SPARQL = """
kokosh:TestSite-brokenSparql a sh:NodeShape ;
  sh:targetClass koko:Site ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this koko:motto ?m " ; sh:message "Test."@en ] .
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the resources, which KOKO_RESOURCES points koko at."""
    copy = tmp_path / "project"
    for folder in ("data", "ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "koko.ttl").write_bytes(b"# previous release\n")
    return out


def add_shapes(project: Path, text: str) -> None:
    path = project / "shapes" / "koko.shapes.ttl"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def break_context(project: Path) -> None:
    (project / "ontology" / "koko.context.jsonld").write_text('{"@context": {"koko": 1}', encoding="utf-8")


def both_ways(monkeypatch: pytest.MonkeyPatch, project: Path, out: Path) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(exit code, stdout, stderr) of a ``koko build`` process, and of the same build here, sequentially."""
    env = {"KOKO_RESOURCES": str(project)}
    process = koko_process("build", "--out", str(out), env=env)
    monkeypatch.setattr(build, "_can_fork", lambda: False)
    here = koko("build", "--out", str(out), env=env)
    return (process.returncode, process.stdout, process.stderr), (here.exit_code, here.stdout, here.stderr)


def test_a_release_that_breaks_the_shapes_is_refused_and_nothing_is_written(monkeypatch, project, previous):
    add_shapes(project, ENGLISH_MOTTO)
    forked, sequential = both_ways(monkeypatch, project, previous)
    assert forked == sequential
    code, stdout, stderr = forked
    assert code == 1
    assert stdout == ""
    assert "Test: the motto must be English." in stderr
    assert "site/saalekreis" in stderr  # »Bildung ermöglicht Partizipation – …«
    assert stderr.endswith("the data does not conform to the shapes (27 violation(s)); no release written\n")
    assert [(p.name, p.read_bytes()) for p in previous.iterdir()] == [("koko.ttl", b"# previous release\n")]


def test_a_release_that_breaks_the_shapes_is_refused_before_a_writer_fails(monkeypatch, project, previous):
    """A broken context fails the JSON-LD writer while the union pass runs; the refusal still comes first."""
    add_shapes(project, ENGLISH_MOTTO)
    break_context(project)
    forked, sequential = both_ways(monkeypatch, project, previous)
    assert forked == sequential
    assert forked[0] == 1
    assert "no release written" in forked[2]
    assert "JSON-LD context" not in forked[2]


def test_an_error_of_the_union_pass_comes_before_an_error_of_a_writer(monkeypatch, project, previous):
    add_shapes(project, BROKEN_SPARQL)
    break_context(project)
    forked, sequential = both_ways(monkeypatch, project, previous)
    # The line in the query depends on the PREFIX lines the bridge adds: whether pyshacl bound sh: in the
    # data graph before this constraint ran (koko.checks.bridge, DataGraph.query), which varies from run to run.
    assert [re.sub(r"error at \d+:", "error at N:", str(part)) for part in forked] == [
        re.sub(r"error at \d+:", "error at N:", str(part)) for part in sequential
    ]
    code, stdout, stderr = forked
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"koko: error: {project / 'shapes' / 'koko.shapes.ttl'} (a SPARQL constraint): SPARQL syntax error")
    assert [p.name for p in previous.iterdir()] == ["koko.ttl"]


def test_a_writer_error_of_conforming_data_is_reported(monkeypatch, project, previous):
    break_context(project)
    forked, sequential = both_ways(monkeypatch, project, previous)
    assert forked == sequential
    assert forked[0] == 2
    assert "cannot parse the JSON-LD context" in forked[2]


def test_a_forked_and_a_sequential_build_write_the_same_bytes(monkeypatch, tmp_path):
    forked, sequential = tmp_path / "forked", tmp_path / "sequential"
    koko_process("build", "--out", str(forked), check=True)
    monkeypatch.setattr(build, "_can_fork", lambda: False)
    assert koko("build", "--out", str(sequential)).exit_code == 0
    assert sorted(p.name for p in forked.iterdir()) == sorted(p.name for p in sequential.iterdir())
    for path in forked.iterdir():
        assert path.read_bytes() == (sequential / path.name).read_bytes(), path.name


linux = pytest.mark.skipif(sys.platform != "linux", reason="the build forks on Linux only")


def _fail_with_a_koko_error() -> None:
    raise KokoError("the shapes cannot be used", "shapes/koko.shapes.ttl", 12, 3)


def _fail_with_a_bug() -> None:
    raise ZeroDivisionError("division by zero")


@linux
def test_a_forked_result_comes_back():
    with build._Forked(lambda: ["Görlitz", 66]) as forked:
        assert forked.result() == ["Görlitz", 66]


@linux
def test_a_koko_error_of_the_forked_process_is_raised_as_it_was():
    with build._Forked(_fail_with_a_koko_error) as forked, pytest.raises(KokoError) as error:
        forked.result()
    assert str(error.value) == "shapes/koko.shapes.ttl:12:3: the shapes cannot be used"


@linux
def test_any_other_failure_of_the_forked_process_keeps_its_traceback():
    with build._Forked(_fail_with_a_bug) as forked, pytest.raises(KokoError) as error:
        forked.result()
    assert str(error.value).startswith("the validation process failed:\nTraceback (most recent call last):")
    assert str(error.value).endswith("ZeroDivisionError: division by zero\n")


@linux
def test_a_forked_process_that_dies_is_reported_with_its_exit_code():
    with build._Forked(lambda: os._exit(3)) as forked, pytest.raises(KokoError, match=r"ended without a result \(exit code 3\)"):
        forked.result()
