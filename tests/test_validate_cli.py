"""`koko validate` and the build's conformance gate, driven through the CLI."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from conftest import SOURCE
from helpers import koko

BASE = "https://w3id.org/koko-kg/id/"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("validate") / "dist"
    assert koko("build", "--out", str(out)).exit_code == 0
    return out


NEW_SITE = """
@prefix koko: <https://w3id.org/koko-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/koko-kg/id/site/leipzig> a koko:Site ;
    rdfs:label "Stadt Leipzig"@de, "KoKo site Leipzig"@en ;
    koko:programmeStart "2016-13"^^xsd:string ;
    koko:programme <https://w3id.org/koko-kg/id/programme/koko> .
"""


def test_the_built_graph_conforms():
    result = koko("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("conforms: 0 violation(s)")


def test_the_release_file_conforms(release):
    assert koko("validate", str(release / "koko.trig")).exit_code == 0


@pytest.mark.parametrize("inference", ["rdfs", "owlrl"])
def test_the_release_conforms_with_inference(release, inference):
    result = koko("validate", str(release / "koko.trig"), "--inference", inference)
    assert result.exit_code == 0, result.stdout[-2000:]


def test_a_users_broken_addition_gives_violations_grouped_by_focus_node(release, tmp_path):
    addition = tmp_path / "leipzig.ttl"
    addition.write_text(NEW_SITE, encoding="utf-8")
    result = koko("validate", str(release / "koko.trig"), str(addition))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{BASE}site/leipzig" in lines or "site:leipzig" in lines
    assert any("Violation" in line and "koko:programmeStart" in line for line in lines)
    assert lines[-1].startswith("does not conform:")
    again = koko("validate", str(release / "koko.trig"), str(addition))
    assert again.stdout == result.stdout  # deterministic order


START_2015 = NEW_SITE.replace('"2016-13"^^xsd:string', '"2015-09"^^xsd:gYearMonth')


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "site:leipzig: programme start 2015-09 lies outside the funding periods (2016 to 2020)."),
        ("de", "site:leipzig: Programmstart 2015-09 liegt außerhalb der Förderperioden (2016 bis 2020)."),
    ],
)
def test_sparql_messages_name_the_values_in_the_chosen_language(release, tmp_path, lang, message):
    addition = tmp_path / "leipzig.ttl"
    addition.write_text(START_2015, encoding="utf-8")
    result = koko("validate", "--lang", lang, str(release / "koko.trig"), str(addition))
    assert result.exit_code == 1
    assert f"            {message}" in result.stdout.splitlines()


def test_info_messages_keep_their_language_apart(release):
    report = json.loads(koko("validate", "--format", "json", str(release / "koko.trig")).stdout)
    (catalogue,) = [r for r in report["results"] if r["resultPath"] == "koko:questionCount"]
    assert catalogue["message"] == "The question catalogue holds 13 questions, fewer than koko:questionCount states."
    assert catalogue["messageDe"] == "Der Fragenkatalog enthält 13 Fragen, weniger als koko:questionCount angibt."


def test_json_and_turtle_reports(release, tmp_path):
    addition = tmp_path / "leipzig.ttl"
    addition.write_text(NEW_SITE, encoding="utf-8")
    document = json.loads(koko("validate", str(release / "koko.trig"), str(addition), "--format", "json").stdout)
    assert document["conforms"] is False
    assert document["counts"]["Violation"] == sum(r["severity"] == "Violation" for r in document["results"]) > 0
    assert {r["focusNode"] for r in document["results"] if r["severity"] == "Violation"} >= {f"{BASE}site/leipzig"}
    report = Graph().parse(data=koko("validate", str(release / "koko.trig"), str(addition), "--format", "ttl").stdout)
    assert (None, SH.conforms, None) in report
    assert len(list(report.subjects(SH.focusNode, None))) == len(document["results"])


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("<http://a/x> <http://a/y> .\n", "bad.ttl", "bad.ttl:1: cannot parse as ttl"),
        (
            '<http://a/x> <http://a/y> <http://a/z> .\n<http://a/x> <http://a/y> "oops .\n',
            "bad.nt",
            "bad.nt:2: cannot parse as nt",
        ),
        ('{"@id": "http://a/x",\n "http://a/y": }', "bad.jsonld", "bad.jsonld:2: cannot parse as jsonld"),
        ("", "notes.txt", "cannot tell the RDF format from the file name 'notes.txt'"),
    ],
)
def test_unreadable_data_exits_2_with_file_and_line(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = koko("validate", str(path))
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_shapes_file_exits_2(tmp_path):
    result = koko("validate", "--shapes", str(tmp_path / "none.ttl"))
    assert result.exit_code == 2
    assert "none.ttl: shapes file not found" in result.stderr


def test_build_refuses_data_that_does_not_conform(tmp_path):
    """A start before the funding period parses fine but breaks the shapes: no release."""
    source = tmp_path / "early.txt"
    source.write_text(
        SOURCE.read_text(encoding="utf-8").replace("Programmstart: 09\u2009/\u20092016", "Programmstart: 09 / 2015")
    )
    out = tmp_path / "dist"
    result = koko("build", "--source", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert f"{BASE}site/dessau-rosslau" in result.stderr or "site:dessau-rosslau" in result.stderr
    assert "does not conform to the shapes" in result.stderr
    assert not out.exists()


def test_build_with_infer_writes_the_entailments_apart(tmp_path):
    out = tmp_path / "dist"
    result = koko("build", "--infer", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {"koko-inferred.ttl", "koko-inferred.trig"} <= {p.name for p in out.iterdir()}
    assert "graph/inferred" not in (out / "koko.trig").read_text(encoding="utf-8")
    assert f"<{BASE}graph/inferred> {{" in (out / "koko-inferred.trig").read_text(encoding="utf-8")


SHAPES_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix koko: <https://w3id.org/koko-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def _shapes_with_sparql(select: str) -> str:
    return (
        SHAPES_PREFIXES
        + f'''
<urn:x:SiteShape> a sh:NodeShape ; sh:targetClass koko:Site ;
    sh:sparql [ sh:select """{select}""" ] .
'''
    )


def _shapes_with_sparql_target(select: str) -> str:
    return (
        SHAPES_PREFIXES
        + f'''
<urn:x:AnyShape> a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select """{select}""" ] ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
'''
    )


@pytest.mark.parametrize(
    ("shapes_text", "message"),
    [
        (
            _shapes_with_sparql("SELECT $this WHERE { SERVICE <{listener}sparql> { $this ?p ?o } }"),
            "hostile.shapes.ttl: the shapes cannot be used: A SPARQL Constraint must not contain a federated query",
        ),
        (
            _shapes_with_sparql_target("SELECT ?this WHERE { SERVICE <{listener}sparql> { ?this ?p ?o } }"),
            "hostile.shapes.ttl (a SPARQL constraint): SERVICE, FROM and FROM NAMED are refused in shapes",
        ),
        (
            _shapes_with_sparql("SELECT $this FROM <{listener}data.ttl> WHERE { $this ?p ?o }"),
            "hostile.shapes.ttl (a SPARQL constraint): SERVICE, FROM and FROM NAMED are refused in shapes",
        ),
    ],
    ids=["service-in-constraint", "service-in-target", "from"],
)
def test_a_shapes_file_cannot_make_koko_connect(tmp_path, listener, shapes_text, message):
    shapes = tmp_path / "hostile.shapes.ttl"
    shapes.write_text(shapes_text.replace("{listener}", listener), encoding="utf-8")
    result = koko("validate", "--shapes", str(shapes))
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_sparql_syntax_error_in_the_shapes_names_the_file(tmp_path):
    shapes = tmp_path / "broken.shapes.ttl"
    shapes.write_text(_shapes_with_sparql("SELECT $this WHERE { $this ?p }"), encoding="utf-8")
    result = koko("validate", "--shapes", str(shapes))
    assert result.exit_code == 2
    assert "broken.shapes.ttl (a SPARQL constraint): SPARQL syntax error: " in result.stderr


def test_a_shape_that_crashes_pyshacl_is_an_error_naming_the_file(release, tmp_path):
    shapes = tmp_path / "regex.shapes.ttl"
    shapes.write_text(
        SHAPES_PREFIXES
        + '<urn:x:S> a sh:NodeShape ; sh:targetClass koko:Site ; sh:property [ sh:path koko:motto ; sh:pattern "([a-z" ] .\n',
        encoding="utf-8",
    )
    result = koko("validate", "--shapes", str(shapes), str(release / "koko.trig"))
    assert result.exit_code == 2
    assert "regex.shapes.ttl: pyshacl failed on this data and these shapes: error: unterminated character set" in result.stderr
    assert result.stdout == ""
