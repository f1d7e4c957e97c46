"""The query workers: results as the engine reads them back, row caps, and killed runaway queries."""

from __future__ import annotations

import io
import json
import pickle
import signal
import time

import pyoxigraph as ox
import pytest

from koko.graph.format_table import RESULT_FORMATS
from koko.sparql import workers
from koko.sparql.results import write_boolean, write_solutions
from koko.sparql.workers import Job, QueryTimeout, WorkerPool, execute

KOKO = "PREFIX koko: <https://w3id.org/koko-kg/ontology#>\n"
SITES_BY_STATE = (
    KOKO
    + """SELECT ?state (COUNT(?site) AS ?sites) WHERE {
  ?site a koko:Site ; koko:municipality/koko:federalState ?s .
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?state FILTER(lang(?state) = "de")
} GROUP BY ?state ORDER BY ?state"""
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
OX_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}


@pytest.fixture(scope="module")
def pool(published):
    with WorkerPool(published.nquads, 2) as workers:
        yield workers


def test_sites_per_state_come_back_from_a_worker(pool) -> None:
    outcome = pool.run(Job(SITES_BY_STATE), timeout=10)
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


def test_a_runaway_query_is_stopped_and_its_worker_replaced(published) -> None:
    with WorkerPool(published.nquads, 1) as single:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="longer than 1 s"):
            single.run(Job(RUNAWAY), timeout=1)
        assert time.monotonic() - started < 5
        # The only worker was killed; its replacement answers.
        outcome = single.run(Job(SITES_BY_STATE), timeout=10)
        assert b"Sachsen-Anhalt" in outcome.body


def test_closing_the_pool_ends_its_processes(published) -> None:
    single = WorkerPool(published.nquads, 1)
    process = next(iter(single._all)).process
    single.close()
    assert process.poll() is not None


def test_a_worker_whose_pool_died_mid_query_ends_itself(published) -> None:
    """A killed server cannot kill its workers: one left running a runaway query (seen spinning for an hour
    after its test run was killed) ends itself once the query's timeout and ORPHAN_GRACE have passed."""
    worker = workers._Worker(published.nquads)
    worker.sock.setblocking(True)
    worker.sock.sendall(workers._frame(pickle.dumps((Job(RUNAWAY), 0.5))))
    worker.sock.close()  # the pool is gone: nothing will read the answer or kill the process
    started = time.monotonic()
    try:
        worker.process.wait(timeout=30)
    finally:
        if worker.process.poll() is None:
            worker.process.kill()
    assert worker.process.returncode == -signal.SIGALRM
    assert time.monotonic() - started < 0.5 + workers.ORPHAN_GRACE + 5
