"""One query on the embedded engine: results as the engine reads them back, row caps, and the query threads' deadlines."""

from __future__ import annotations

import asyncio
import io
import json
import time

import pyoxigraph as ox
import pytest

from koko.graph.format_table import RESULT_FORMATS
from koko.sparql.execution import Job, QueryThreads, QueryTimeout, WorkersBusy, execute
from koko.sparql.results import write_boolean, write_solutions

KOKO = "PREFIX koko: <https://w3id.org/koko-kg/ontology#>\n"
SITES_BY_STATE = (
    KOKO
    + """SELECT ?state (COUNT(?site) AS ?sites) WHERE {
  ?site a koko:Site ; koko:municipality/koko:federalState ?s .
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?state FILTER(lang(?state) = "de")
} GROUP BY ?state ORDER BY ?state"""
)
# Every statement with every other one, twice: 15.6 million rows over the store below, about 1.5 s on this machine,
# so that a runaway in the test's own process still ends.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
OX_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}


@pytest.fixture
def threads(published):
    pool = QueryThreads(published.store, 2)
    yield pool
    pool.close()


@pytest.fixture
def small_store() -> ox.Store:
    """250 statements: the runaway query over them ends by itself after a second or two."""
    store = ox.Store()
    store.bulk_load(
        b"".join(f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g> .\n".encode() for i in range(250)), format=ox.RdfFormat.N_QUADS
    )
    return store


def test_sites_per_state_come_back_from_a_query_thread(threads) -> None:
    outcome = threads.run(Job(SITES_BY_STATE), timeout=10)
    rows = json.loads(outcome.body)["results"]["bindings"]
    assert [(r["state"]["value"], r["sites"]["value"]) for r in rows] == [
        ("Sachsen", "7"),
        ("Sachsen-Anhalt", "9"),
        ("Thüringen", "11"),
    ]


@pytest.mark.parametrize("fmt", sorted(OX_RESULTS))
def test_our_result_writers_read_back_with_oxigraph(published, fmt: str) -> None:
    """Every term kind (IRI, language-tagged and typed literal) survives the round trip through the engine's parser."""
    query = KOKO + "SELECT ?site ?motto ?start WHERE { ?site a koko:Site ; koko:motto ?motto ; koko:programmeStart ?start }"
    expected = {
        tuple(str(row[v]) for v in ("site", "motto", "start"))
        for row in published.store.query(query, use_default_graph_as_union=True)
    }
    outcome = execute(published.store, Job(query, result_format=fmt))
    parsed = ox.parse_query_results(io.BytesIO(outcome.body), format=OX_RESULTS[fmt])
    assert {tuple(str(row[v]) for v in ("site", "motto", "start")) for row in parsed} == expected
    assert len(expected) == 27


@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_boolean_reads_back(fmt: str, answer: bool) -> None:
    parsed = ox.parse_query_results(io.BytesIO(write_boolean(answer, fmt)), format=OX_RESULTS[fmt])
    assert bool(parsed) is answer


def test_csv_has_a_header_and_crlf_lines() -> None:
    body = write_solutions(["name"], [(ox.Literal('Bildung "integriert", Magdeburg'),)], "csv")
    assert body == b'name\r\n"Bildung ""integriert"", Magdeburg"\r\n'


def test_every_result_format_is_written() -> None:
    assert {f.name for f in RESULT_FORMATS} == {"json", "xml", "csv", "tsv"}


def test_rows_beyond_the_cap_are_cut_off_and_marked(published) -> None:
    outcome = execute(published.store, Job(KOKO + "SELECT ?site WHERE { ?site a koko:Site }", max_rows=10))
    assert (outcome.rows, outcome.truncated) == (10, True)
    assert len(json.loads(outcome.body)["results"]["bindings"]) == 10
    whole = execute(published.store, Job(KOKO + "SELECT ?site WHERE { ?site a koko:Site }", max_rows=27))
    assert (whole.rows, whole.truncated) == (27, False)


def test_construct_is_capped_too(published) -> None:
    outcome = execute(
        published.store, Job(KOKO + "CONSTRUCT { ?s a koko:Site } WHERE { ?s a koko:Site }", graph_format="nt", max_rows=5)
    )
    assert (outcome.kind, outcome.rows, outcome.truncated) == ("graph", 5, True)
    assert len(outcome.body.splitlines()) == 5


def test_a_syntax_error_names_line_and_column(published) -> None:
    outcome = execute(published.store, Job("SELECT ?s WHERE { ?s ?p }"))
    assert outcome.kind == "error"
    assert "1:" in outcome.error
    assert outcome.error.startswith("syntax error")


def test_substitutions_bind_a_term(published) -> None:
    query = KOKO + "SELECT ?site ?motto WHERE { ?site koko:motto ?motto }"
    erfurt = ox.NamedNode(published.config.base + "site/erfurt")
    outcome = execute(published.store, Job(query, substitutions=(("site", erfurt),)))
    mottos = [row["motto"]["value"] for row in json.loads(outcome.body)["results"]["bindings"]]
    assert mottos == ["Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"]


def test_oxigraph_substitutes_only_projected_variables(published) -> None:
    """SEP-0007 as Oxigraph implements it: a canned query must select every parameter it binds."""
    query = KOKO + "SELECT ?motto WHERE { ?site koko:motto ?motto }"
    outcome = execute(published.store, Job(query, substitutions=(("site", ox.NamedNode(published.config.base + "site/erfurt")),)))
    assert outcome.kind == "error"
    assert "?site" in outcome.error


def test_a_runaway_query_is_answered_at_its_deadline_and_reported_while_the_other_thread_answers(small_store) -> None:
    reported: list[float] = []
    pool = QueryThreads(small_store, 2, runaway=lambda: reported.append(time.monotonic()))

    async def race() -> tuple[BaseException | None, float, int]:
        started = time.monotonic()
        slow = asyncio.ensure_future(pool.arun(Job(RUNAWAY), timeout=0.3))
        light = await pool.arun(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), timeout=5)
        error = (await asyncio.gather(slow, return_exceptions=True))[0]
        return error, time.monotonic() - started, json.loads(light.body)["results"]["bindings"][0]["n"]["value"]

    try:
        error, took, statements = asyncio.run(race())
    finally:
        pool.close()
    assert isinstance(error, QueryTimeout)
    assert "longer than 0.3 s" in str(error)
    assert took < 1.0  # answered at the deadline, not when the engine ends (about 1.5 s)
    assert statements == "250"
    assert len(reported) == 1  # the serving process is told once, so that it can be replaced


def test_a_query_that_finds_no_free_thread_is_busy_not_a_runaway(small_store) -> None:
    reported: list[bool] = []
    pool = QueryThreads(small_store, 1, runaway=lambda: reported.append(True))

    async def queue() -> BaseException | None:
        slow = asyncio.ensure_future(pool.arun(Job(RUNAWAY), timeout=30))
        await asyncio.sleep(0.1)
        waiting = await asyncio.gather(pool.arun(Job("ASK {}"), timeout=0.3), return_exceptions=True)
        await slow  # ends by itself within its timeout
        return waiting[0]

    try:
        error = asyncio.run(queue())
    finally:
        pool.close()
    assert isinstance(error, WorkersBusy)
    assert error.retry_after == 1
    assert reported == []


def test_stopping_answers_the_waiting_requests_with_try_again(small_store) -> None:
    pool = QueryThreads(small_store, 1)

    async def stop_while_waiting() -> list[BaseException | object]:
        asked = [asyncio.ensure_future(pool.arun(Job(q), timeout=30)) for q in (RUNAWAY, "ASK {}")]
        await asyncio.sleep(0.2)
        pool.stop()
        return await asyncio.gather(*asked, return_exceptions=True)

    try:
        started = time.monotonic()
        answers = asyncio.run(stop_while_waiting())
        took = time.monotonic() - started
    finally:
        pool.close()
    assert all(isinstance(a, WorkersBusy) for a in answers)
    assert [str(a).split(";")[0] for a in answers] == ["the server stopped before the query ended", "the server is stopping"]
    assert took < 1.0


def test_a_runaway_gives_up_its_place_so_the_next_query_is_answered_at_once(small_store) -> None:
    """One place: the runaway holds it until its deadline only; its thread runs on, a spare one takes the next job."""
    pool = QueryThreads(small_store, 1)

    async def after_a_runaway() -> tuple[BaseException | None, float, bytes]:
        slow = await asyncio.gather(pool.arun(Job(RUNAWAY), timeout=0.3), return_exceptions=True)
        started = time.monotonic()
        light = await pool.arun(Job("ASK { <urn:s1> <urn:p> <urn:o1> }"), timeout=0.5)
        return slow[0], time.monotonic() - started, light.body

    try:
        error, took, body = asyncio.run(after_a_runaway())
    finally:
        pool.close()
    assert isinstance(error, QueryTimeout)
    assert json.loads(body)["boolean"] is True
    assert took < 0.5  # the runaway's engine goes on for a second more
