"""``koko serve --store``: the same server in front of a real Oxigraph server instead of the embedded store.

The release is loaded into ``oxigraph serve --union-default-graph`` (tests/oxigraph_server.py, on a free
port of 127.0.0.1, stopped by its PID) and served twice: embedded (the session's ``server``) and from the
store. Every page, every resource's RDF, the dataset description and the canned queries must be byte for
byte the same from both, and the endpoint must give the same answers with the same limits. An Oxigraph
server without the union default graph and a Virtuoso 7 (tests/virtuoso_server.py) must give the same
canned queries, dataset description, pages and answers too. Then the failures: a store that is
unreachable, empty, that goes away while serving, or that answers too slowly.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from helpers import LocalHTTPServer, fetch, koko_process, sparql_get
from koko.pages.backend import indexed
from koko.release.published import release_of
from koko.site.static_site import resources
from koko.sparql.execution import Job, QueryTimeout
from koko.store.backend import RemoteStore, StoreError, StoreUnavailable, connect
from koko.store.credentials import credentials_from_env
from koko.store.http import Client
from koko.store.publish import Endpoints, local_graphs, publish
from koko.web.config import load_server_config
from koko.web.serve import running
from oxigraph_server import load, oxigraph
from test_publish import AUTH_KINDS, DIGEST_ENV, FakeStore
from tools import free_port
from virtuoso_server import virtuoso

BASE = "https://w3id.org/koko-kg/id/"
KOKO = "https://w3id.org/koko-kg/ontology#"
SETTINGS = {"port": 0, "timeout": 3, "max_rows": 2000, "workers": 2}  # as the session's embedded server


@pytest.fixture(scope="module")
def release_folder(tmp_path_factory: pytest.TempPathFactory, published) -> Path:
    """The release files as koko build writes them, for the downloads."""
    folder = tmp_path_factory.mktemp("release")
    for name, data in published.files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, published) -> Iterator[str]:
    """The query URL of an Oxigraph server holding the release; its own timeout stops what we abandon."""
    with oxigraph(tmp_path_factory.mktemp("store"), "--union-default-graph", "--timeout-s", "6") as root:
        load(root, published.nquads)
        yield root + "query"


@pytest.fixture(scope="module")
def from_store(config, store: str, release_folder: Path) -> Iterator[str]:
    settings = load_server_config({**SETTINGS, "store": store}, {})
    with running(release_of(config, release_folder), settings) as url:
        yield url


def both(server: str, from_store: str, path: str, accept: str | None = None):
    """The embedded and the store's answer; the store's absolute links (VoID) moved to the embedded server's root."""
    answer = fetch(from_store, path, accept)
    answer.body = answer.body.replace(from_store.encode(), server.encode())
    return fetch(server, path, accept), answer


# --- the same pages and RDF ----------------------------------------------------------------------------------


def test_every_resource_has_the_same_rdf_and_page_from_the_store(published, server, from_store) -> None:
    iris = resources(linked_data_stub(published), indexed(published).index)
    assert len(iris) == 2108

    def compare(iri: str) -> str | None:
        path = "/id/" + iri.removeprefix(BASE)
        for suffix in (".nq", "?lang=en" if iri.endswith(("site/erfurt", "state/sachsen")) else ""):
            embedded_answer, store_answer = both(server, from_store, path + suffix, accept="text/html")
            if embedded_answer.status != 200 or (embedded_answer.body, store_answer.status) != (store_answer.body, 200):
                return path + suffix
        return None

    with ThreadPoolExecutor(4) as pool:
        differing = [path for path in pool.map(compare, iris) if path is not None]
    assert differing == []


def linked_data_stub(published):
    """resources() reads only the base and URLs of a LinkedData."""
    from koko.pages.linked_data import linked_data_of
    from koko.pages.render import make_renderer
    from koko.pages.urls import Urls

    return linked_data_of(published, make_renderer(Urls(published.config.base)))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lang=en",
        "/-/pictures/network.svg",
        "/-/pictures/timeline.svg?lang=en",
        "/ontology",
        "/ontology.ttl",
        "/-/downloads",
        "/-/downloads/koko.trig",
        "/.well-known/void",
        "/.well-known/void?format=html&lang=en",
        "/-/queries",
        "/-/sparql",
        "/id/site/nowhere",
    ],
)
def test_the_pages_are_the_same_from_the_store(server, from_store, path: str) -> None:
    embedded_answer, store_answer = both(server, from_store, path, accept="text/html")
    assert (store_answer.status, store_answer.headers.get("content-type")) == (
        embedded_answer.status,
        embedded_answer.headers.get("content-type"),
    )
    assert store_answer.body == embedded_answer.body


def test_an_invalid_iri_is_not_found_on_either_server(server, from_store) -> None:
    for root in (server, from_store):
        answer = fetch(root, "/id/site/a%20b%3Ec.ttl")
        assert answer.status == 404
        assert "is not a resource of this knowledge graph" in answer.text


def test_the_home_page_from_the_store_names_the_sites_and_their_mottos(from_store) -> None:
    page = fetch(from_store, "/").text
    assert "Landeshauptstadt Dresden" in page
    assert "Oktober 2016" in page
    assert "27" in page


def test_every_canned_query_page_and_download_is_the_same_from_the_store(published, server, from_store) -> None:
    for canned in published.canned:
        for target in (f"/-/queries/{canned.name}", f"/-/queries/{canned.name}?format=csv"):
            embedded_answer, store_answer = both(server, from_store, target)
            assert store_answer.status == embedded_answer.status == 200, target
            assert without_timing(store_answer.body) == without_timing(embedded_answer.body), target
    answer = fetch(from_store, "/-/queries/sites-by-state?state=Th%C3%BCringen&format=csv")
    assert answer.text.count("\n") == 12  # a header and Thüringen's 11 sites


def test_a_parameter_that_tries_to_escape_its_binding_finds_nothing(from_store) -> None:
    value = urllib.parse.quote('Kita" } UNION { ?site ?p ?o } #')
    answer = fetch(from_store, f"/-/queries/search-answers?term={value}&format=csv")
    assert answer.status == 200
    assert answer.text.count("\n") == 1
    # A parameter with choices takes nothing else: refused before any query is sent.
    escape = urllib.parse.quote('Sachsen" } UNION { ?site ?p ?o } #')
    refused = fetch(from_store, f"/-/queries/sites-by-state?state={escape}&format=csv")
    assert refused.status == 400


# --- the endpoint ----------------------------------------------------------------------------------------------

ORDERED = f"""PREFIX koko: <{KOKO}>
SELECT ?site ?start WHERE {{ ?site a koko:Site ; koko:programmeStart ?start }} ORDER BY ?start ?site"""
CONSTRUCT = f"PREFIX koko: <{KOKO}> CONSTRUCT {{ ?site koko:programmeStart ?start }} WHERE {{ ?site koko:programmeStart ?start }}"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"])
def test_select_answers_are_the_same_from_the_store(server, from_store, accept: str) -> None:
    embedded_answer, store_answer = sparql_get(server, ORDERED, accept), sparql_get(from_store, ORDERED, accept)
    assert store_answer.status == 200
    assert store_answer.body == embedded_answer.body
    assert store_answer.media_type == embedded_answer.media_type


def test_construct_answers_are_the_same_triples_from_the_store(server, from_store) -> None:
    def triples(root: str) -> set[str]:
        answer = sparql_get(root, CONSTRUCT, "application/n-triples")
        assert answer.status == 200
        assert answer.media_type == "application/n-triples"
        return set(answer.text.splitlines())

    found = triples(from_store)
    assert found == triples(server)
    assert f'<{BASE}site/dresden> <{KOKO}programmeStart> "2016-10"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .' in found


def test_the_row_cap_and_the_dataset_parameters_hold_for_the_store(server, from_store) -> None:
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    embedded_answer, store_answer = sparql_get(server, everything, "text/csv"), sparql_get(from_store, everything, "text/csv")
    assert store_answer.headers.get("koko-result-truncated") == "2000"
    assert store_answer.body == embedded_answer.body
    assert store_answer.text.count("\r\n") == 2001
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    erfurt = {"default-graph-uri": BASE + "graph/site/erfurt"}
    one_graph = sparql_get(from_store, count, "text/csv", **erfurt)
    assert one_graph.body == sparql_get(server, count, "text/csv", **erfurt).body
    assert 0 < int(one_graph.text.split()[1]) < 1000
    ask = f"ASK FROM NAMED <{BASE}graph/site/erfurt> {{ GRAPH ?g {{ <{BASE}site/erfurt> ?p ?o }} }}"
    assert json.loads(sparql_get(from_store, ask, "application/sparql-results+json").body)["boolean"] is True


def test_updates_service_and_unknown_graphs_are_refused_before_the_store(from_store, listener) -> None:
    assert sparql_get(from_store, f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }}").status == 403
    assert fetch(from_store, "/sparql?" + urllib.parse.urlencode({"update": "DROP ALL"})).status == 403
    assert sparql_get(from_store, "SELECT * FROM <https://example.org/other> WHERE { ?s ?p ?o }").status == 400
    assert sparql_get(from_store, "SELECT ?s WHERE { ?s ").status == 400
    assert fetch(from_store, "/id/site/dresden.nq").status == 200  # nothing was dropped


def test_a_query_longer_than_the_timeout_gets_503_while_pages_are_served(from_store) -> None:
    runaway = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(CONCAT(STR(?c), STR(?f), STR(?i)) = "x") }'
    found: dict[str, tuple[int, float]] = {}

    def ask() -> None:
        started = time.monotonic()
        found["runaway"] = (sparql_get(from_store, runaway).status, time.monotonic() - started)

    thread = threading.Thread(target=ask)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert fetch(from_store, "/id/site/erfurt").status == 200
    found["page"] = (200, time.monotonic() - started)
    thread.join(30)
    status, took = found["runaway"]
    assert status == 503
    assert 2.5 < took < 6
    assert found["page"][1] < 2.5


# --- other stores: Oxigraph without the union default graph, Virtuoso 7 --------------------------------------------


@pytest.fixture(scope="module", params=["oxigraph-without-union", "virtuoso"])
def other_store(request, tmp_path_factory: pytest.TempPathFactory, published) -> Iterator[str]:
    """The query URL of a store whose default graph is not the release's union: Oxigraph's own default graph
    (empty), or Virtuoso's union of every graph, its system graphs included (published by koko publish)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "virtuoso":
        with virtuoso(folder) as store:
            ends = Endpoints(store.sparql, store.update, store.graph_store)
            assert not publish(local_graphs(published.nquads), ends, Client(credentials_from_env(store.env))).mismatches
            yield store.sparql
    else:
        with oxigraph(folder) as root:
            load(root, published.nquads)
            yield root + "query"


@pytest.fixture(scope="module")
def from_other(config, other_store: str, release_folder: Path) -> Iterator[str]:
    settings = load_server_config({**SETTINGS, "store": other_store}, {})
    with running(release_of(config, release_folder), settings) as url:
        yield url


def test_the_release_is_served_from_another_store_with_the_same_queries_and_pages(published, server, from_other) -> None:
    # Not the queries that GROUP_CONCAT: SPARQL leaves the order of the parts to the engine, and Virtuoso joins
    # DISTINCT parts in its own order; tests/test_canned_engines.py compares their parts as multisets there.
    listed = [c for c in published.canned if "GROUP_CONCAT" not in c.text]
    targets = [f"/-/queries/{c.name}{suffix}" for c in listed for suffix in ("", "?format=csv")]
    for target in [*targets, "/", "/id/site/dresden", "/id/graph/site/erfurt", "/.well-known/void"]:
        embedded_answer, store_answer = both(server, from_other, target)
        assert store_answer.status == embedded_answer.status == 200, target
        assert without_timing(store_answer.body) == without_timing(embedded_answer.body), target
    assert fetch(from_other, "/-/queries/coordinators?format=csv").text.count("\n") == 34  # a header and 33 coordinators


def test_the_dataset_description_counts_the_release_alone(published, from_other) -> None:
    void = ox.Store()
    void.load(fetch(from_other, "/.well-known/void", "application/n-triples").body, ox.RdfFormat.N_TRIPLES)
    triples = {t.object.value for t in void.quads_for_pattern(None, ox.NamedNode("http://rdfs.org/ns/void#triples"), None)}
    assert str(published.triples) in triples == {str(n) for n in triples}
    assert published.triples == 17858


def test_the_endpoint_answers_alike_from_another_store(server, from_other) -> None:
    for query, accept in ((ORDERED, "text/csv"), (ORDERED, "application/sparql-results+xml")):
        assert sparql_get(from_other, query, accept).body == sparql_get(server, query, accept).body
    ask = f"ASK FROM NAMED <{BASE}graph/site/erfurt> {{ GRAPH ?g {{ <{BASE}site/erfurt> ?p ?o }} }}"
    assert json.loads(sparql_get(from_other, ask, "application/sparql-results+json").body)["boolean"] is True
    no = f'ASK {{ <{BASE}site/erfurt> <{KOKO}programmeStart> "1999" }}'
    assert json.loads(sparql_get(from_other, no, "application/sparql-results+json").body)["boolean"] is False


# --- failures ----------------------------------------------------------------------------------------------------


def test_an_empty_or_unreachable_store_is_refused_at_start(tmp_path: Path) -> None:
    with oxigraph(tmp_path, "--union-default-graph") as root:
        empty = koko_process("serve", "--store", root + "query", "--port", str(free_port()))
    assert empty.returncode == 2
    assert "holds no named graphs" in empty.stderr
    assert "koko publish" in empty.stderr
    gone = koko_process("serve", "--store", f"http://127.0.0.1:{free_port()}/query", "--port", str(free_port()))
    assert gone.returncode == 2
    assert "cannot reach the SPARQL endpoint" in gone.stderr
    assert "Traceback" not in empty.stderr + gone.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "http://user:pw@127.0.0.1:1/query"], "--store: the URL holds credentials"),
        (["--store", "ftp://127.0.0.1/query"], "--store: 'ftp://127.0.0.1/query' is not an absolute http(s) URL"),
        (["--store", "http://127.0.0.1:1/query", "--source", "x.txt"], "--store and --source exclude each other"),
    ],
)
def test_bad_store_options_are_named(args: list[str], message: str) -> None:
    done = koko_process("serve", *args, "--port", str(free_port()))
    assert done.returncode == 2
    assert message in done.stderr
    assert "pw" not in done.stderr.replace("pw@", "")


def test_a_store_that_goes_away_gives_502_not_a_traceback(tmp_path: Path, config, published) -> None:
    with contextlib.ExitStack() as store:
        root = store.enter_context(oxigraph(tmp_path, "--union-default-graph"))
        load(root, published.nquads)
        settings = load_server_config({**SETTINGS, "workers": 1, "store": root + "query"}, {})
        with running(release_of(config, None), settings) as url:
            assert fetch(url, "/id/site/erfurt").status == 200
            assert "keine Dateien zum Herunterladen" in fetch(url, "/-/downloads").text  # no --data: no downloads
            store.close()  # the Oxigraph server stops; koko goes on serving
            answers = [fetch(url, path) for path in ("/id/site/erfurt", "/", "/sparql?query=ASK%7B%7D")]
    assert [a.status for a in answers] == [502, 502, 502]
    assert all("cannot reach the SPARQL endpoint" in a.text for a in answers)
    assert not any("Traceback" in a.text for a in answers)


class _Dripping(http.server.BaseHTTPRequestHandler):
    """A store that answers at once, then sends one solution every 0.4 s until the test ends."""

    stop = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["n"]}, "results": {"bindings": [')
        try:
            for n in range(1000):
                self.wfile.write(b"," * (n > 0) + b'{"n": {"type": "literal", "value": "%d"}}' % n)
                self.wfile.flush()
                if self.stop.wait(0.4):
                    return
        except OSError:
            return

    def log_message(self, *args: object) -> None:
        pass


class _Failing(_Dripping):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"store exploded, token s3cr3t echoed")


@pytest.fixture
def fake_store(request) -> Iterator[str]:
    with LocalHTTPServer(request.param) as server:
        request.param.stop.clear()
        yield server.root + "query"
        request.param.stop.set()  # a dripping answer ends before its server is shut down


@pytest.mark.parametrize("fake_store", [_Dripping], indirect=True)
def test_the_deadline_covers_the_whole_answer_not_each_read(fake_store: str) -> None:
    store = RemoteStore(fake_store, BASE, None, timeout=5, slots=1)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 1\.5 s"):
        store.run(Job("SELECT ?n WHERE { ?s ?p ?n }"), timeout=1.5)
    assert time.monotonic() - started < 2.5  # every read came within 0.4 s; the deadline still held


@pytest.mark.parametrize("fake_store", [_Dripping], indirect=True)
def test_the_row_cap_stops_reading_a_long_answer(fake_store: str) -> None:
    store = RemoteStore(fake_store, BASE, None, timeout=5, slots=1)
    outcome = store.run(Job("SELECT ?n WHERE { ?s ?p ?n }", result_format="csv", max_rows=3), timeout=10)
    assert (outcome.kind, outcome.rows, outcome.truncated) == ("solutions", 3, True)
    assert outcome.body.decode().split("\r\n")[:4] == ["n", "0", "1", "2"]


@pytest.mark.parametrize("fake_store", [_Failing], indirect=True)
def test_a_failing_store_is_a_502_with_its_message_and_no_secret(fake_store: str) -> None:
    from koko.store.credentials import Credentials

    store = RemoteStore(fake_store, BASE, Credentials("bearer", secret="s3cr3t"), timeout=5, slots=1)
    with pytest.raises(StoreError) as caught:
        store.run(Job("ASK {}"), timeout=5)
    assert caught.value.status == 502
    assert "HTTP 500" in str(caught.value)
    assert "store exploded" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)


def test_parameters_reach_the_store_as_one_term(published, store: str) -> None:
    remote = RemoteStore(store, BASE, None, timeout=10, slots=1)
    canned = published.canned_query("sites-by-state")
    for value, rows in (("Sachsen-Anhalt", 9), ('" } ?site ?p ?o { "', 0)):
        job = Job(canned.text, result_format="csv", substitutions=(("state", ox.Literal(value)),))
        assert remote.run(job, timeout=10).rows == rows


# --- the store client of koko publish: every kind of credentials, HTTP Digest, connections closed ----------------

GRAPH = BASE + "graph/site/x"


def _one_graph(query: str) -> tuple[str, bytes]:
    """What a store holding two triples in one named graph answers to connect()'s three questions and a SELECT."""

    def iri(value: str) -> dict[str, str]:
        return {"type": "uri", "value": value}

    def literal(value: str) -> dict[str, str]:
        return {"type": "literal", "value": value}

    if query.lstrip().startswith("ASK"):
        document: dict[str, object] = {"head": {}, "boolean": True}
    elif "COUNT(*)" in query:
        document = {"head": {"vars": ["g", "n"]}, "results": {"bindings": [{"g": iri(GRAPH), "n": literal("2")}]}}
    else:
        rows = [{"s": iri(BASE + "site/x"), "p": iri(KOKO + "printedName"), "o": literal(name)} for name in "XY"]
        document = {"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": rows}}
    return "application/sparql-results+json", json.dumps(document).encode()


@pytest.mark.parametrize("kind", sorted(AUTH_KINDS))
def test_each_kind_of_credentials_serves_from_the_store(kind: str) -> None:
    """connect() as koko serve --store calls it, then a client's query read as a stream up to the row cap: with the
    credentials and auth kinds of koko publish (test_publish.AUTH_KINDS), against the same fake store."""
    env, demands = AUTH_KINDS[kind]
    with FakeStore(results=_one_graph, keep_alive=True, **demands) as fake:
        remote = connect(fake.root + "query", BASE, timeout=5, slots=1, environ=env)
        outcome = remote.run(Job("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", result_format="csv", max_rows=1), timeout=5)
    assert (remote.graphs, remote.triples) == (frozenset({GRAPH}), 2)
    assert (outcome.rows, outcome.truncated) == (1, True)
    assert outcome.body.decode().splitlines() == ["s,p,o", f"{BASE}site/x,{KOKO}printedName,X"]
    assert len(fake.log) == (2 if kind == "digest" else 1) * 4  # three questions at start, one query
    assert not any("s3cret-sentinel" in a for a in fake.authorizations if a.startswith("Digest "))
    assert fake.errors == []  # every answer, read whole or in part, was closed with its connection


def test_a_wrong_digest_password_is_refused_at_start_and_a_502_later() -> None:
    with FakeStore(results=_one_graph, digest=("us3r-sentinel", "another-password")) as fake:
        with pytest.raises(StoreUnavailable) as at_start:
            connect(fake.root + "query", BASE, timeout=5, slots=1, environ=DIGEST_ENV)
        remote = RemoteStore(fake.root + "query", BASE, credentials_from_env(DIGEST_ENV), timeout=5, slots=1)
        with pytest.raises(StoreError) as later:
            remote.run(Job("ASK {}"), timeout=5)
    assert f"the SPARQL endpoint {fake.root}query answered HTTP 401: wrong digest" in str(at_start.value)
    assert "the store refused the credentials" in str(at_start.value)
    assert later.value.status == 502
    assert "answered HTTP 401" in str(later.value)
    assert len(fake.log) == 2 * 2  # each: the challenge and one answer, not asked again
    for message in (str(at_start.value), str(later.value)):
        assert "s3cret-sentinel" not in message


def test_answers_from_a_store_carry_no_release_tag(server, from_store):
    """The store can change while the server runs: only the embedded release's answers are tagged (koko.web.etag)."""
    assert "etag" in fetch(server, "id/site/dresden", "text/turtle").headers
    answer = fetch(from_store, "id/site/dresden", "text/turtle", If_None_Match="*")
    assert answer.status == 200
    assert "etag" not in answer.headers


def without_timing(page: bytes) -> bytes:
    """A page without the query's time, the one part that differs from run to run."""
    return re.sub(rb'<span class="elapsed">[^<]*</span>', b"", page)
