"""Canned queries: documented headers, typed parameters bound as RDF terms, brochure facts."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import time
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from helpers import call, koko, koko_process
from koko.config import load_config
from koko.errors import KokoError
from koko.graph.prefixes import prefix_table
from koko.release import cache
from koko.sparql import embedded
from koko.sparql.canned import bindings_for, list_canned, load_canned, parse_header, resolve
from koko.sparql.jobs import query_job
from koko.sparql.output import render
from koko.sparql.oxigraph import from_ox
from koko.sparql.reference import run

CONFIG = load_config(environ={})
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CANNED = list_canned(CONFIG.queries)
BASE = CONFIG.base


def answer(store, query, params=None, formats=("json",)):
    """The outcome ``koko query`` writes: the job built as the endpoint builds it, run on pyoxigraph."""
    graphs = frozenset(g.value for g in store.named_graphs())
    job, _ = query_job(query, params or {}, BASE, formats, graphs, 100_000)
    return embedded.run(store, job, 60)


def solutions(store, query, params=None):
    document = json.loads(answer(store, query, params).body)
    return document["head"]["vars"], [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


def rows(store, name, **params):
    return solutions(store, load_canned(CONFIG.queries, name), params)[1]


def test_the_required_canned_queries_exist():
    assert {q.name for q in CANNED} >= {
        "sites-by-state",
        "site-profile",
        "programme-timeline",
        "answers-by-question",
        "coordinators",
    }


@pytest.mark.parametrize("query", CANNED, ids=[q.name for q in CANNED])
def test_every_canned_query_is_documented(query):
    assert query.title
    assert len(query.description) > 40
    assert query.examples
    assert all(e.startswith(f"koko query {query.name}") for e in query.examples)
    assert query.text.lstrip().startswith("# title:")


@pytest.mark.parametrize("query", CANNED, ids=[q.name for q in CANNED])
def test_every_canned_query_runs_and_site_rows_carry_the_site_iri(release_store, query):
    names, result = solutions(release_store, query)
    assert result
    if "siteName" in names:  # a row per site (not per month or per question); a state-level row has no site
        assert "site" in names
        assert all(row["site"].startswith(BASE + "site/") for row in result if "siteName" in row)


def test_sites_by_state_gives_7_9_11(release_store):
    assert [len(rows(release_store, "sites-by-state", state=s)) for s in ("Sachsen", "sachsen-anhalt", "Thuringia")] == [7, 9, 11]
    assert len(rows(release_store, "sites-by-state")) == 27


def test_site_profile_of_saalekreis(release_store):
    result = rows(release_store, "site-profile", site="site/saalekreis")
    assert len(result) == 3
    assert {str(r["start"]) for r in result} == {"2017-10"}
    assert str(result[0]["motto"]).startswith("Bildung ermöglicht Partizipation")
    assert next(str(r["questionText"]) for r in result) == "In welche Strukturen ist Ihre Stelle eingebunden?"


def test_site_profile_default_is_dresden_with_two_coordinators(release_store):
    result = rows(release_store, "site-profile")
    assert {str(r["siteName"]) for r in result} == {"Landeshauptstadt Dresden"}
    assert set(str(result[0]["coordinators"]).split(" und ")) == {"Jana Träber", "Marcus Oertel"}


def test_programme_timeline_six_sites_in_november_2016(release_store):
    timeline = {str(r["start"]): r for r in rows(release_store, "programme-timeline")}
    assert int(timeline["2016-11"]["sites"]) == 6
    assert (
        int(timeline["2016-11"]["sachsen"]),
        int(timeline["2016-11"]["sachsenAnhalt"]),
        int(timeline["2016-11"]["thueringen"]),
    ) == (2, 3, 1)
    assert sum(int(r["sites"]) for r in timeline.values()) == 27
    assert list(timeline) == sorted(timeline)


@pytest.mark.parametrize("question", ["materialien-und-berichte", "Materialien und Berichte", "which materials"])
def test_six_sites_answered_the_materials_question(release_store, question):
    result = rows(release_store, "answers-by-question", question=question)
    assert sorted(str(r["siteName"]) for r in result) == [
        "Kyffhäuserkreis",
        "Landkreis Nordhausen",
        "Landkreis Saalfeld-Rudolstadt",
        "Saalekreis",
        "Stadt Dessau-Roßlau",
        "Stadt Weimar",
    ]


def test_structures_question_counts_singular_and_plural(release_store):
    assert len(rows(release_store, "answers-by-question", question="strukturen")) == 19


def test_coordinators_33_in_total_and_two_in_magdeburg(release_store):
    everyone = rows(release_store, "coordinators")
    assert len(everyone) == 33
    magdeburg = [str(r["name"]) for r in everyone if str(r["site"]).endswith("/magdeburg")]
    assert magdeburg == ["Dagmar Bremer", "Anton Gujo"]


@pytest.mark.parametrize("evil", ['" } ; DROP ALL #', 'Sachsen" ) || true || ("', "x" * 1000, "Sachsen> <x"])
def test_string_parameters_cannot_escape_their_binding(release_store, evil):
    assert rows(release_store, "sites-by-state", state=evil) == []


def test_iri_parameter_is_bound_as_an_iri():
    query = load_canned(CONFIG.queries, "site-profile")
    assert bindings_for(query, {"site": "site/erfurt"}, BASE) == {"site": ox.NamedNode(BASE + "site/erfurt")}
    assert bindings_for(query, {}, BASE) == {"site": ox.NamedNode(BASE + "site/dresden")}
    with pytest.raises(KokoError, match=r"--param site: .* is not a valid IRI"):
        bindings_for(query, {"site": "site/a> <b"}, BASE)


@pytest.mark.parametrize("value", ["site/%", "site/%zz", "site/##", "http://[::1"])
def test_iri_parameter_is_checked_as_strictly_as_oxigraph_does(value):
    """The server binds with Oxigraph, which refuses what rdflib would take; the CLI refuses it too."""
    with pytest.raises(KokoError, match=r"--param site: .* is not a valid IRI \("):
        bindings_for(load_canned(CONFIG.queries, "site-profile"), {"site": value}, BASE)


def test_string_parameter_is_a_plain_literal():
    query = load_canned(CONFIG.queries, "sites-by-state")
    assert bindings_for(query, {"state": "Sachsen"}, BASE) == {"state": ox.Literal("Sachsen")}


def test_unknown_parameter_is_refused_with_the_accepted_ones():
    with pytest.raises(KokoError, match=r"--param land: query 'sites-by-state' has no such parameter \(it takes state\)"):
        bindings_for(load_canned(CONFIG.queries, "sites-by-state"), {"land": "x"}, BASE)


def test_unknown_canned_query_lists_the_available_ones():
    with pytest.raises(KokoError, match=r"no canned query 'nope'; available: answers-by-question, continuation, coordinators"):
        resolve(CONFIG.queries, "nope")


def test_inline_query_and_syntax_error(release_store):
    query = resolve(CONFIG.queries, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/koko-kg/ontology#Answer> }")
    assert [int(r["n"]) for r in solutions(release_store, query)[1]] == [81]
    broken = resolve(CONFIG.queries, "SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(KokoError, match=r"^SPARQL syntax error at 1:26: "):
        render(answer(release_store, broken), table=False)


HEADER_ERRORS = [
    ("# title: T\n# description: D\nSELECT * {}", "needs at least one '# example:' line", 1),
    ("# title: T\n# description: D\n# example: x\n# param: foo (date): bad type\nSELECT ?foo {}", "malformed parameter", 4),
    ("# title: T\n# description: D\n# example: x\n# param: foo (string): unused\nSELECT ?bar {}", "is not used as ?foo", 4),
    ("# title: T\n# description: D\n# colour: blue\nSELECT * {}", "unknown header line", 3),
]


@pytest.mark.parametrize(("text", "message", "line"), HEADER_ERRORS)
def test_malformed_headers_name_file_and_line(tmp_path, text, message, line):
    path = tmp_path / "bad.rq"
    with pytest.raises(KokoError) as error:
        parse_header(text, path, "bad")
    assert message in error.value.message
    assert (error.value.path, error.value.line) == (str(path), line)


def test_result_formats(release_store):
    query = load_canned(CONFIG.queries, "sites-by-state")
    thuringia = {"state": "Thüringen"}
    csv_rows = list(csv.reader(io.StringIO(answer(release_store, query, thuringia, ("csv",)).body.decode())))
    assert csv_rows[0][:3] == ["federalStateName", "site", "siteName"]
    assert len(csv_rows) == 12
    document = json.loads(answer(release_store, query, thuringia).body)
    binding = document["results"]["bindings"][0]
    assert binding["site"]["type"] == "uri"
    assert binding["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#gYearMonth"
    tsv = answer(release_store, query, thuringia, ("tsv",)).body.decode().splitlines()
    assert tsv[0].startswith("?federalStateName\t?site")
    assert '"Thüringen"@de' in tsv[1]
    table = render(answer(release_store, query, thuringia), table=True, prefixes=prefix_table(BASE)).decode()
    assert table.rstrip().endswith("(11 rows)")


def test_construct_renders_turtle(release_store):
    query = resolve(CONFIG.queries, "CONSTRUCT { ?s <https://schema.org/name> ?n } WHERE { ?s <https://schema.org/name> ?n }")
    turtle = render(answer(release_store, query), table=True).decode()
    assert '"Toni Pätz"' in turtle


def test_select_refuses_an_rdf_format_and_construct_a_result_format(tmp_path):
    select = koko("query", "coordinators", "--format", "ttl")
    assert select.exit_code == 2
    assert "--format: 'ttl' is an RDF format; this query's results are table, json, xml, csv, tsv" in select.output
    construct = koko("query", "CONSTRUCT WHERE { ?s a <https://w3id.org/koko-kg/ontology#Site> }", "--format", "csv")
    assert construct.exit_code == 2
    assert "--format: 'csv' is a result format; a construct query writes RDF" in construct.output


def test_service_is_refused_before_any_connection(release_store, knowledge, listener):
    query = resolve(CONFIG.queries, f"SELECT * WHERE {{ SERVICE <{listener}sparql> {{ ?s ?p ?o }} }}")
    with pytest.raises(KokoError, match=r"SERVICE <http://127\.0\.0\.1:.*federated queries are refused"):
        answer(release_store, query)
    with pytest.raises(KokoError, match=r"SERVICE <http://127\.0\.0\.1:.*federated queries are refused"):
        run(knowledge.dataset, query, {}, BASE)  # the reference engine refuses it too


def test_from_a_remote_graph_is_never_fetched(release_store, knowledge, listener):
    query = resolve(CONFIG.queries, f"SELECT * FROM <{listener}data.ttl> WHERE {{ ?s ?p ?o }}")
    with pytest.raises(KokoError, match="there is no such graph here; koko never fetches graphs"):
        answer(release_store, query)
    with pytest.raises(KokoError, match="the data has no such named graph"):
        run(knowledge.dataset, query, {}, BASE)


def test_from_selects_a_local_named_graph(release_store):
    query = resolve(
        CONFIG.queries,
        f"SELECT DISTINCT ?site FROM <{BASE}graph/site/weimar> WHERE {{ ?site a <https://w3id.org/koko-kg/ontology#Site> }}",
    )
    assert [r["site"] for r in solutions(release_store, query)[1]] == [BASE + "site/weimar"]


def test_from_named_limits_the_graphs(release_store):
    query = resolve(
        CONFIG.queries,
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{BASE}graph/site/erfurt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
    )
    assert [r["g"] for r in solutions(release_store, query)[1]] == [BASE + "graph/site/erfurt"]


# --- the command line: the endpoint's bytes, the timeout, the row cap, the user's data ---------------------------


def test_cli_json_csv_tsv_xml_are_the_bytes_the_endpoint_sends(server, tmp_path):
    """One engine and one writer: koko query and /sparql answer the same query with the same bytes."""
    text = (
        "PREFIX koko: <https://w3id.org/koko-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?site ?name ?start WHERE { ?site a koko:Site ; rdfs:label ?name ; koko:programmeStart ?start "
        'FILTER(lang(?name) = "de") } ORDER BY ?name'
    )
    for fmt in ("json", "xml", "csv", "tsv"):
        local = koko("query", text, "--format", fmt)
        assert local.exit_code == 0, local.output
        remote = call(server, target="/sparql?" + urlencode({"query": text, "format": fmt}))
        assert remote.status == 200
        assert local.stdout_bytes == remote.body, fmt
    assert "Landeshauptstadt Dresden" in local.stdout


START_MONTHS = (
    "PREFIX koko: <https://w3id.org/koko-kg/ontology#> "
    "CONSTRUCT { ?site koko:programmeStart ?start } WHERE { ?site a koko:Site ; koko:programmeStart ?start }"
)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads")])
def test_cli_construct_in_a_quads_format_is_the_endpoints_default_graph(server, fmt, rdflib_format):
    local = koko("query", START_MONTHS, "--format", fmt)
    assert local.exit_code == 0, local.output
    remote = call(server, target="/sparql?" + urlencode({"query": START_MONTHS, "format": fmt}))
    assert local.stdout_bytes == remote.body
    dataset = Dataset()
    dataset.parse(data=local.stdout_bytes, format=rdflib_format)
    assert [g.identifier for g in dataset.graphs() if len(g)] == [DATASET_DEFAULT_GRAPH_ID]
    start = dataset.default_graph.value(
        URIRef(BASE + "site/nordhausen"), URIRef("https://w3id.org/koko-kg/ontology#programmeStart")
    )
    assert start == Literal("2016-10", datatype=XSD.gYearMonth)
    assert len(dataset.default_graph) == 27


@pytest.mark.parametrize("site", ["dresden", "kyffhaeuserkreis"])
def test_describe_is_the_same_graph_from_the_cli_and_the_endpoint(server, published, site):
    """One DESCRIBE (docs/sparql-endpoint.md): the site's concise bounded description over the union of the graphs,
    each triple once: here every statement with the site as subject, as the release has no blank nodes."""
    query = f"DESCRIBE <site/{site}>"
    local = koko("query", query, "--format", "nt")
    assert local.exit_code == 0, local.output
    remote = call(server, target="/sparql?" + urlencode({"query": query}), Accept="application/n-triples")
    cli, endpoint = (Graph().parse(data=body, format="nt") for body in (local.stdout_bytes, remote.body))
    assert isomorphic(cli, endpoint)
    quads = published.store.quads_for_pattern(ox.NamedNode(BASE + f"site/{site}"), None, None)
    assert set(cli) == {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in quads}
    assert len(local.stdout_bytes.splitlines()) == len(cli)  # each triple once


def test_cli_canned_query_is_the_bytes_of_its_page(server):
    local = koko("query", "sites-by-state", "--param", "state=Thüringen", "--format", "csv")
    page = call(server, target="/-/queries/sites-by-state?" + urlencode({"state": "Thüringen", "format": "csv"}))
    assert local.stdout_bytes == page.body
    assert len(page.body.splitlines()) == 1 + 11


def test_cli_stops_a_runaway_query_at_its_timeout():
    started = time.monotonic()
    stopped = koko_process("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1")
    assert stopped.returncode == 3
    assert "the query took longer than 1 s and was stopped (--timeout)" in stopped.stderr
    assert time.monotonic() - started < 30


def test_cli_cuts_at_max_rows_and_says_so():
    cut = koko("query", "coordinators", "--format", "csv", "--max-rows", "5")
    assert cut.exit_code == 0, cut.output
    assert len(cut.stdout.splitlines()) == 1 + 5
    assert "the answer was cut at 5 rows (--max-rows)" in cut.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("mine.ttl", '<urn:site> <http://www.w3.org/2000/01/rdf-schema#label> "Meine Stadt"@de .\n'),
        ("mine.nt", '<urn:site> <http://www.w3.org/2000/01/rdf-schema#label> "Meine Stadt"@de .\n'),
        (
            "mine.jsonld",
            '{"@id": "urn:site", "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "Meine Stadt", "@language": "de"}}',
        ),
        (
            "mine.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
            '<rdf:Description rdf:about="urn:site"><rdfs:label xml:lang="de">Meine Stadt</rdfs:label>'
            "</rdf:Description></rdf:RDF>",
        ),
    ],
)
def test_cli_reads_a_users_file_in_any_format_into_a_graph_named_after_it(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    query = "SELECT ?g ?label WHERE { GRAPH ?g { <urn:site> ?p ?label } }"
    answer = koko("query", query, "--data", str(path), "--format", "csv")
    assert answer.exit_code == 0, answer.output
    assert answer.stdout.splitlines()[1] == f"{path.resolve().as_uri()},Meine Stadt"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("remote.jsonld", '{"@context": "https://example.org/ctx.jsonld", "@id": "urn:a"}', "koko never fetches contexts"),
        ("bomb.rdf", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r/>', "DOCTYPE or ENTITY declaration is refused"),
        ("broken.ttl", "<urn:a> <urn:b> .\n", "cannot parse as ttl"),
    ],
)
def test_cli_refuses_what_would_fetch_expand_or_not_parse_naming_the_file(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    refused = koko("query", "ASK {}", "--data", str(path))
    assert refused.exit_code == 2
    assert f"{path}" in refused.stderr
    assert message in refused.stderr


def test_the_built_graph_is_cached_under_a_digest_of_every_input(tmp_path, cache_folder):
    first = koko("query", "sites-by-state", "--format", "csv")
    assert first.exit_code == 0
    entry = cache_folder / (cache.digest(CONFIG, None, "full") + cache.SUFFIX)
    assert entry.is_file()  # the next koko query reads it instead of building
    assert b"<https://w3id.org/koko-kg/id/site/dresden>" in entry.read_bytes()
    root = tmp_path / "resources"
    shutil.copytree(CONFIG.root / "data", root / "data")
    copy = dataclasses.replace(CONFIG, root=root)
    assert cache.digest(copy, None, "full") == cache.digest(CONFIG, None, "full")
    curated = root / "data" / "curated" / "sites" / "erfurt.yaml"
    curated.write_text(curated.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.digest(copy, None, "full") != cache.digest(CONFIG, None, "full")  # any change: another entry
    assert cache.digest(CONFIG, None, "minimal") != cache.digest(CONFIG, None, "full")
    assert cache.digest(dataclasses.replace(CONFIG, base="https://example.org/id/"), None, "full") != cache.digest(
        CONFIG, None, "full"
    )
