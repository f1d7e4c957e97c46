"""The koko command line, driven as a user would: exit codes, outputs, error messages."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from helpers import koko, koko_process
from koko.graph.formats import union


def test_build_prints_the_summary_and_writes_the_release(tmp_path):
    result = koko("build", "--out", str(tmp_path / "dist"))
    assert result.exit_code == 0, result.output
    assert "sites: 27 (Sachsen 7, Sachsen-Anhalt 9, Thüringen 11)" in result.output
    assert "answers: 81, coordinators: 33, distinct questions: 13" in result.output
    assert (tmp_path / "dist" / "koko.trig").is_file()


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("xml", "xml"), ("jsonld", "json-ld")])
def test_export_to_stdout_parses_back(knowledge, fmt, rdflib_format):
    result = koko("export", "--format", fmt)
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout_bytes, format=rdflib_format)
    assert isomorphic(graph, union(knowledge.dataset))


def test_export_to_a_file(tmp_path):
    out = tmp_path / "graph.trig"
    result = koko("export", "--format", "trig", "--out", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").count("{\n") == 62  # programme, 27 sites, 33 curated files, vocabularies


def test_export_unknown_format_exits_2():
    result = koko("export", "--format", "yaml")
    assert result.exit_code == 2
    assert "koko: error: --format: unknown RDF format 'yaml'" in result.stderr


def test_stats_json_counts_classes_and_properties():
    result = koko("stats", "--format", "json")
    figures = json.loads(result.stdout)
    assert figures["sitesPerState"] == {"Sachsen": 7, "Sachsen-Anhalt": 9, "Thüringen": 11}
    assert figures["classes"]["koko:Site"] == 27
    assert figures["classes"]["koko:CoordinatorPost"] == 33
    assert figures["classes"]["koko:DistrictFreeCity"] == 6
    assert figures["properties"]["koko:answer"] == 81
    assert figures["graphs"] == 62


def test_stats_text():
    result = koko("stats")
    assert result.exit_code == 0
    assert "koko:Answer" in result.output
    assert "81" in result.output


def test_query_canned_with_param_as_csv():
    result = koko("query", "sites-by-state", "--param", "state=Sachsen-Anhalt", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 10
    assert any("dessau-rosslau,Stadt Dessau-Roßlau,15001,2016-09" in line for line in lines)


def test_query_inline_sparql_as_json():
    result = koko("query", "SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/koko-kg/ontology#Site> }", "--format", "json")
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "27"


def test_query_file_and_release_data(tmp_path):
    query = tmp_path / "motto.rq"
    query.write_text("SELECT ?m WHERE { <https://w3id.org/koko-kg/id/site/erfurt> <https://w3id.org/koko-kg/ontology#motto> ?m }")
    assert koko("build", "--out", str(tmp_path / "dist")).exit_code == 0
    result = koko("query", str(query), "--data", str(tmp_path / "dist"), "--format", "tsv")
    assert result.exit_code == 0
    assert '"Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"@de' in result.stdout


def test_table_view_shortens_iris_with_prefixes():
    result = koko("query", "coordinators", "--param", "state=Sachsen-Anhalt")
    assert result.exit_code == 0
    assert "site:dessau-rosslau" in result.stdout
    assert "person:toni-paetz" in result.stdout
    assert "https://" not in result.stdout
    assert result.stdout.rstrip().endswith("(10 rows)")


def test_query_list_shows_parameters():
    result = koko("query", "--list")
    assert "site-profile: Site profile" in result.output
    assert "--param site (iri) = site/dresden" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nope"], "no canned query 'nope'"),
        (["query", "sites-by-state", "--param", "land=x"], "--param land: query 'sites-by-state' has no such parameter"),
        (["query", "sites-by-state", "--param", "noequals"], "--param 'noequals': expected name=value"),
        (["query", "SELECT ?x WHERE { ?x ?y }"], "SPARQL syntax error at 1:"),
        (["query", "missing.rq"], "missing.rq: query file not found"),
        (["query"], "QUERY: give a canned query name"),
        (["build", "--base", "not an iri"], "--base: 'not an iri' is not an absolute http(s) IRI"),
        (["build", "--base", "http://example.org/id"], "must end with '/'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args, message):
    result = koko(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_query_with_base_binds_relative_iris_against_it():
    result = koko(
        "query", "site-profile", "--base", "http://127.0.0.1:8000/id/", "--param", "site=site/weimar", "--format", "csv"
    )
    assert result.exit_code == 0
    assert "http://127.0.0.1:8000/id/site/weimar,Stadt Weimar,2016-12" in result.stdout


def test_console_script_is_installed():
    done = koko_process("--help", check=True)
    for command in ("build", "export", "query", "stats"):
        assert command in done.stdout
