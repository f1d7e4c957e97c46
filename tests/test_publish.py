"""``koko publish``: the release loaded into a real Oxigraph server, a real Virtuoso 7, and into small fake stores
that misbehave.

The Oxigraph server is shared by the whole session (``oxigraph_server``), so these tests check counts per
graph and put what they change into graphs of their own (``urn:koko-test:…``). The fake stores are
``http.server`` instances on 127.0.0.1 in a thread, stopped by each test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pyoxigraph as ox
import pytest

import helpers
import koko.store.publish as publishing
from helpers import LocalHTTPServer, call, no_connection
from koko.store.credentials import credentials_from_env
from koko.store.http import Client, Retry
from koko.store.publish import STAGING_PREFIX, Endpoints, derive_endpoints, local_graphs, publish
from oxigraph_server import oxigraph
from tools import free_port
from virtuoso_server import Virtuoso, virtuoso

ID = "https://w3id.org/koko-kg/id/"
GRAPH = ID + "graph/"
ERFURT = GRAPH + "site/erfurt"
KOKO = "https://w3id.org/koko-kg/ontology#"
SENTINELS = ("s3cret-sentinel", "t0ken-sentinel", "us3r-sentinel")
NO_CREDENTIALS = {"KOKO_STORE_USER": None, "KOKO_STORE_PASSWORD": None, "KOKO_STORE_TOKEN": None, "KOKO_STORE_AUTH": None}
FAST = ["--retry-delay", "0.001", "--timeout", "5"]


def remote_select(root: str, query: str) -> list[dict[str, str]]:
    """Ask the store directly (not through koko), as a reader would."""
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
    answer = call(root + "query", "POST", body=urllib.parse.urlencode({"query": query}).encode(), timeout=10, **headers)
    assert answer.status == 200, answer.body
    return answer.rows()


def remote_update(root: str, update: str) -> None:
    answer = call(root + "update", "POST", body=update.encode(), timeout=10, Content_Type="application/sparql-update")
    assert 200 <= answer.status < 300, answer.body


def remote_count(root: str, graph: str) -> int:
    return int(remote_select(root, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])


def remote_counts(root: str) -> dict[str, int]:
    """Every named graph's count, as the store has it."""
    rows = remote_select(root, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def release_folder(path: Path, nquads: bytes) -> Path:
    path.mkdir()
    (path / "koko.nq").write_bytes(nquads)
    return path


def graphs_of(nquads: bytes, keep: dict[str, str]) -> bytes:
    """The quads of some graphs of the release, each moved to a graph IRI of the test's own."""
    lines = []
    for line in nquads.decode("utf-8").splitlines():
        for old, new in keep.items():
            if line.endswith(f"<{old}> ."):
                lines.append(line[: -len(f"<{old}> .")] + f"<{new}> .")
    return ("\n".join(lines) + "\n").encode("utf-8")


own_oxigraph = oxigraph  # a server of the test's own, as tests/oxigraph_server.py starts them


def koko(*args: str, env: dict[str, str | None] | None = None):
    return helpers.koko("publish", *args, env={**NO_CREDENTIALS, **(env or {})})


# --- a real Virtuoso 7 --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory):
    """A fresh Virtuoso for this module (tests/virtuoso_server.py; skipped where it is not installed)."""
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


def virtuoso_count(store: Virtuoso, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}
    answer = call(store.sparql, "POST", body=body, timeout=10, **headers)
    assert answer.status == 200, answer.body
    return int(answer.rows()[0]["n"])


def test_publish_to_virtuoso_falls_back_from_a_bulk_load_it_ignores(virtuoso_store, published, tmp_path):
    """Virtuoso answers a POST of N-Quads without ?graph= to its Graph Store endpoint with 200 and the HTML page of
    its upload form, and stores nothing: koko counts the first request's graphs, says so, and loads graph by graph.
    Published twice: the second run drops our graphs first (SPARQL Update, Digest) and ends the same."""
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    ends = ["--endpoint", virtuoso_store.sparql, "--update", virtuoso_store.update, "--graph-store", virtuoso_store.graph_store]
    for _ in range(2):
        result = koko(*ends, "--data", str(folder), env=virtuoso_store.env)
        assert result.exit_code == 0, result.output
        assert "published 17858 triples in 62 graph(s)" in result.stdout
        assert "(Graph Store Protocol, graph by graph)" in result.stdout
        assert "verified: every graph's triple count matches the release" in result.stdout
        assert re.fullmatch(
            r"koko: no bulk load \(http://127\.0\.0\.1:\d+/sparql-graph-crud-auth answered HTTP 200, text/html to POST of "
            r"N-Quads but stored none of its \d+ triples\): loaded graph by graph\n",
            result.stderr,
        ), result.stderr
        assert virtuoso_count(virtuoso_store, ERFURT) == 126


def test_publish_to_virtuoso_through_sparql_update_goes_in_bulk(virtuoso_store, published, tmp_path):
    """Without a Graph Store endpoint, one update per 2,000 triples: Virtuoso 7.2 takes them (no SP031)."""
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    ends = ["--endpoint", virtuoso_store.sparql, "--update", virtuoso_store.update]
    result = koko(*ends, "--data", str(folder), env=virtuoso_store.env)
    assert result.exit_code == 0, result.output
    assert "(SPARQL Update, in bulk)" in result.stdout
    assert "verified: every graph's triple count matches the release" in result.stdout
    assert result.stderr == ""
    assert virtuoso_count(virtuoso_store, GRAPH + "curated/erfurt") == len(
        list(published.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH + "curated/erfurt")))
    )


def test_virtuoso_wants_digest_and_koko_says_so(virtuoso_store, published, tmp_path):
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    env = {**virtuoso_store.env, "KOKO_STORE_AUTH": None}
    result = koko("--endpoint", virtuoso_store.sparql, "--update", virtuoso_store.update, "--data", str(folder), env=env)
    assert result.exit_code == 2
    assert "KOKO_STORE_AUTH=digest" in result.output
    assert "dba" not in result.output


# --- the real Oxigraph server ------------------------------------------------------------------


def test_publish_the_release_to_oxigraph_and_query_a_fact(oxigraph_server, published, tmp_path):
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    result = koko("--endpoint", oxigraph_server, "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "published 17858 triples in 62 graph(s)" in result.stdout
    assert "(Graph Store Protocol, in bulk)" in result.stdout
    assert "verified: every graph's triple count matches the release" in result.stdout
    assert result.stderr == ""
    assert len(published.graphs) == 62
    for graph in (ERFURT, GRAPH + "curated/erfurt", GRAPH + "programme"):
        local = published.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        assert remote_count(oxigraph_server, graph) == len(list(local))
    start = remote_select(
        oxigraph_server, f"SELECT ?start WHERE {{ GRAPH ?g {{ <{ID}site/erfurt> <{KOKO}programmeStart> ?start }} }}"
    )
    assert start == [{"start": "2016-12"}]
    thuringia = remote_select(
        oxigraph_server,
        f"""SELECT (COUNT(DISTINCT ?site) AS ?n) WHERE {{
              GRAPH ?g1 {{ ?site a <{KOKO}Site> ; <{KOKO}municipality> ?m }}
              GRAPH ?g2 {{ ?m <{KOKO}federalState> ?state }}
              GRAPH ?g3 {{ ?state <http://www.w3.org/2000/01/rdf-schema#label> "Thüringen"@de }} }}""",
    )
    assert thuringia == [{"n": "11"}]


@pytest.mark.parametrize("replace", [False, True], ids=["plain", "replace"])
def test_the_whole_release_goes_through_sparql_update_too(oxigraph_server, published, replace):
    """Every literal of the release, written into INSERT DATA, comes back with the same counts."""
    ends = derive_endpoints(oxigraph_server)
    update_only = Endpoints(ends.query, ends.update, None)
    report = publish(local_graphs(published.files["koko.nq"]), update_only, Client(), replace=replace, chunk_size=100)
    assert report.protocol == "SPARQL Update"
    assert report.bulk is not replace  # many graphs per INSERT DATA, except with --replace
    assert len(report.counts) == 62
    assert report.mismatches == ()


def test_publish_in_chunks_into_the_default_graph_of_a_store_of_our_own(published, tmp_path):
    """--default-graph writes the store's default graph, so it gets an Oxigraph of its own (with a union
    default graph for queries: the count must still be that of the default graph alone)."""
    with own_oxigraph(tmp_path / "store", "--union-default-graph") as root:
        graphs = local_graphs(graphs_of(published.files["koko.nq"], {ERFURT: "urn:koko-test:erfurt"}), named_graphs=True)
        publish(graphs, derive_endpoints(root), Client())
        folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
        result = koko("--endpoint", root, "--data", str(folder), "--default-graph", "--chunk-size", "500")
        assert result.exit_code == 0, result.output
        assert "published 17858 triples in 1 graph(s)" in result.stdout
        rows = remote_select(root, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0]["n"]) > 17858  # a query sees the union with the Erfurt copy; koko counted the default graph alone


def test_bulk_republish_clears_our_graphs_and_leaves_foreign_ones(published, tmp_path, monkeypatch):
    """A second bulk publish over the first: a triple planted in one of our graphs is gone, one in a foreign
    graph stays, and every graph holds exactly the release's triples (counted in batches of 7 graphs)."""
    monkeypatch.setattr(publishing, "COUNT_BATCH", 7)
    release = {g.iri: len(g.lines) for g in local_graphs(published.files["koko.nq"])}
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    foreign = "urn:koko-test:foreign"
    with own_oxigraph(tmp_path / "store") as root:
        first = koko("--endpoint", root, "--data", str(folder), "--chunk-size", "500")
        assert first.exit_code == 0, first.output
        assert remote_counts(root) == release
        remote_update(
            root,
            f'INSERT DATA {{ GRAPH <{ERFURT}> {{ <urn:koko-test:s> <urn:koko-test:p> "planted" }} '
            f'GRAPH <{foreign}> {{ <urn:koko-test:s> <urn:koko-test:p> "foreign" }} }}',
        )
        assert remote_count(root, ERFURT) == 127
        again = koko("--endpoint", root, "--data", str(folder), "--chunk-size", "500")
        assert again.exit_code == 0, again.output
        assert "(Graph Store Protocol, in bulk)" in again.stdout
        assert remote_counts(root) == {**release, foreign: 1}
        assert remote_select(root, 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "planted" } }') == []
        assert remote_select(root, 'SELECT ?g WHERE { GRAPH ?g { ?s ?p "foreign" } }') == [{"g": foreign}]
        start = remote_select(
            root, f"SELECT ?start WHERE {{ GRAPH <{ERFURT}> {{ <{ID}site/erfurt> <{KOKO}programmeStart> ?start }} }}"
        )
        assert start == [{"start": "2016-12"}]


def test_replace_swaps_a_graph_so_that_readers_see_old_or_new_never_half(oxigraph_server, published, request):
    nquads = published.files["koko.nq"]
    target = "urn:koko-test:replace:erfurt"
    old = local_graphs(graphs_of(nquads, {GRAPH + "curated/erfurt": target}))
    new = local_graphs(graphs_of(nquads, {ERFURT: target}))
    old_count, new_count = len(old[0].lines), len(new[0].lines)
    assert (old_count, new_count) == (563, 126)
    ends = derive_endpoints(oxigraph_server)
    publish(old, ends, Client())
    request.addfinalizer(lambda: remote_update(oxigraph_server, f"DROP SILENT GRAPH <{target}>"))  # the store is shared
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(remote_count(oxigraph_server, target))

    def after_each_chunk(sent: int) -> None:  # deterministic: the target is read between every two chunks
        seen.add(remote_count(oxigraph_server, target))

    reader = threading.Thread(target=read)  # and all the time, to catch the moment of the move
    reader.start()
    try:
        report = publish(new, ends, Client(), replace=True, chunk_size=9, progress=after_each_chunk)
    finally:
        done.set()
        reader.join()
    assert report.mismatches == ()
    assert seen <= {old_count, new_count}
    assert old_count in seen
    assert remote_count(oxigraph_server, target) == new_count
    staging = remote_select(
        oxigraph_server, f'SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}'
    )
    assert staging == []


@pytest.mark.parametrize("replace", [False, True], ids=["plain", "replace"])
def test_a_reader_between_chunks_sees_a_partial_graph_only_without_replace(oxigraph_server, published, request, replace):
    """The check above can fail: a plain load is seen growing chunk by chunk (PUT, then POSTs)."""
    target = f"urn:koko-test:chunks:{'replace' if replace else 'plain'}"
    graphs = local_graphs(graphs_of(published.files["koko.nq"], {ERFURT: target}))
    request.addfinalizer(lambda: remote_update(oxigraph_server, f"DROP SILENT GRAPH <{target}>"))
    seen: list[int] = []
    publish(
        graphs,
        derive_endpoints(oxigraph_server),
        Client(),
        replace=replace,
        chunk_size=40,
        progress=lambda n: seen.append(remote_count(oxigraph_server, target)),
    )
    assert seen == ([0, 0, 0, 0] if replace else [40, 80, 120, 126])


def test_replace_through_the_command_line_republishes_the_release(oxigraph_server, published, tmp_path):
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    result = koko("--endpoint", oxigraph_server, "--data", str(folder), "--replace")
    assert result.exit_code == 0, result.output
    assert remote_count(oxigraph_server, ERFURT) == 126


# --- fake stores that misbehave ------------------------------------------------------------------


class FakeStore(LocalHTTPServer):
    """A tiny store: Graph Store PUT/POST at /store (N-Quads of many graphs without ``?graph=``), INSERT DATA
    and DROP at /update, counts at /query (one graph, or ``GROUP BY ?g``).

    ``script`` gives the status of the next requests (then normal service), ``bulk_script`` that of the next
    N-Quads POSTs; ``lie`` adds to a graph's count, ``lie_staging`` to a staging graph's; ``gsp_status``
    answers every request to /store, ``bulk_status`` every N-Quads POST; ``auth`` is the Authorization it
    expects (and a refusal echoes what it got, as careless servers do); ``digest`` = (user, password) makes
    it ask for HTTP Digest (RFC 2617, MD5, qop=auth) and check every answer's hash.

    ``results`` answers the queries at /query instead of the counts: a function of the query text giving the
    media type and body, for ``koko query --endpoint`` and ``koko serve --store``. With ``keep_alive`` the store
    keeps every connection open until the client closes it (HTTP/1.1, whatever the client asked for), as some
    servers do: a connection a client leaves open then shows in ``errors`` as a handler that timed out."""

    # Closing the store joins its handlers (each waits at most FakeHandler.timeout for its client), so that a
    # connection a client left open is in ``errors`` by the time the test looks, and never blocks the exit forever.
    daemon_threads = False

    def __init__(self, script=(), lie=None, gsp_status=None, auth=None, lie_staging=0, **options):
        super().__init__(FakeHandler)
        self.script = list(script)
        self.bulk_script = list(options.get("bulk_script", ()))
        self.bulk_status = options.get("bulk_status")
        self.lie = lie or {}
        self.lie_staging = lie_staging
        self.gsp_status = gsp_status
        self.auth = auth
        self.digest: tuple[str, str] | None = options.get("digest")
        self.digest_algorithm = options.get("digest_algorithm", "MD5")
        self.nonces: set[str] = set()
        self.results = options.get("results")
        self.keep_alive = options.get("keep_alive", False)
        self.errors: list[str] = []  # what the handlers logged as errors: a timeout is a connection left open
        self.authorizations: list[str] = []  # every Authorization header received
        self.graphs: dict[str, set[str]] = {}
        self.log: list[tuple[str, str]] = []
        self.bulk: list[set[str]] = []  # the graphs of every N-Quads POST taken


DIGEST_REALM = "koko-test"


class FakeHandler(BaseHTTPRequestHandler):
    server: FakeStore
    # No handler waits forever for a client, so that server_close(), which joins them all, always returns.
    timeout = 5

    def log_message(self, *args):  # keep the test output clean
        pass

    def log_error(self, format, *args):
        self.server.errors.append(format % args)

    def setup(self) -> None:
        super().setup()
        if self.server.keep_alive:
            self.protocol_version = "HTTP/1.1"

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        if parsed and self.server.keep_alive:
            self.close_connection = False  # even after "Connection: close": only the client's close ends it
        return parsed

    def _answer(self, status: int, body: bytes = b"", kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _digest_refusal(self) -> bytes | None:
        """None if the Authorization answers one of our challenges with the right hash, else why not."""
        store = self.server
        assert store.digest is not None
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Digest "):
            return b"no digest"
        fields = {key: quoted or bare for key, quoted, bare in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header)}
        user, password = store.digest
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731 - RFC 2617's H()
        ha1, ha2 = md5(f"{user}:{DIGEST_REALM}:{password}"), md5(f"{self.command}:{self.path}")
        expected = md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        ok = (
            fields.get("username") == user
            and fields.get("realm") == DIGEST_REALM
            and fields.get("nonce") in store.nonces
            and fields.get("uri") == self.path
            and fields.get("qop") == "auth"
            and fields.get("response") == expected
        )
        return None if ok else b"wrong digest"

    def _challenge(self, why: bytes) -> None:
        nonce = secrets.token_hex(16)
        self.server.nonces.add(nonce)
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate",
            f'Digest realm="{DIGEST_REALM}", nonce="{nonce}", qop="auth", algorithm={self.server.digest_algorithm}',
        )
        self.send_header("Content-Length", str(len(why)))
        self.end_headers()
        self.wfile.write(why)

    def _handle(self) -> None:
        store = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        url = urllib.parse.urlsplit(self.path)
        store.log.append((self.command, url.path))
        if self.headers.get("Authorization"):
            store.authorizations.append(self.headers["Authorization"])
        if store.script:
            return self._answer(store.script.pop(0), b"temporarily overloaded")
        if store.auth and self.headers.get("Authorization") != store.auth:
            return self._answer(401, f"refused: {self.headers.get('Authorization')}".encode())
        if store.digest and (why := self._digest_refusal()):
            return self._challenge(why)
        if url.path == "/query" and store.results:
            kind, answer = store.results(urllib.parse.parse_qs(body)["query"][0])
            return self._answer(200, answer, kind)
        if url.path == "/store":
            return self._graph_store(url, body)
        if url.path == "/update":
            for graph in re.findall(r"DROP SILENT GRAPH <([^>]+)>", body):
                store.graphs.pop(graph, None)
            for graph, data in re.findall(r"GRAPH <([^>]+)> \{\n(.*?)\n\}\n", body, re.S):
                store.graphs.setdefault(graph, set()).update(data.splitlines())
            return self._answer(204)
        return self._count(urllib.parse.parse_qs(body)["query"][0])

    def _graph_store(self, url: urllib.parse.SplitResult, body: str) -> None:
        store = self.server
        if store.gsp_status:
            return self._answer(store.gsp_status, b"no graph store here")
        if "graph" not in urllib.parse.parse_qs(url.query):  # N-Quads of many graphs, added to the dataset
            status = store.bulk_script.pop(0) if store.bulk_script else store.bulk_status
            if status:
                return self._answer(status, b"not here")
            quads = [re.fullmatch(r"(.*) <([^>]+)> \.", line) for line in body.splitlines()]
            for quad in quads:
                store.graphs.setdefault(quad.group(2), set()).add(quad.group(1) + " .")
            store.bulk.append({quad.group(2) for quad in quads})
            return self._answer(204)
        graph = urllib.parse.parse_qs(url.query)["graph"][0]
        lines = {line for line in body.splitlines() if line.strip()}
        store.graphs[graph] = lines | (store.graphs.get(graph, set()) if self.command == "POST" else set())
        return self._answer(204)

    def _count(self, query: str) -> None:
        store = self.server

        def n(graph: str) -> int:
            lie = store.lie.get(graph, 0) + (store.lie_staging if graph.startswith(STAGING_PREFIX) else 0)
            return len(store.graphs.get(graph, ())) + lie

        if "GROUP BY ?g" in query:
            graphs = re.findall(r"<([^>]+)>", re.search(r"VALUES \?g \{(.*?)\}", query).group(1))
            rows = [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n(g))}} for g in graphs if n(g)]
        else:
            rows = [{"n": {"type": "literal", "value": str(n(re.search(r"GRAPH <([^>]+)>", query).group(1)))}}]
        result = {"head": {"vars": ["g", "n"]}, "results": {"bindings": rows}}
        return self._answer(200, json.dumps(result).encode(), "application/sparql-results+json")

    do_GET = do_PUT = do_POST = _handle


@pytest.fixture
def small_release(published, tmp_path) -> Path:
    """Two graphs of the release: Erfurt's site graph and its curated facts (126 + 563 triples)."""
    keep = {ERFURT: ERFURT, GRAPH + "curated/erfurt": GRAPH + "curated/erfurt"}
    return release_folder(tmp_path / "small", graphs_of(published.files["koko.nq"], keep))


def assert_no_secrets(result) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in result.output
        assert sentinel not in result.stderr


def test_the_fake_store_takes_the_small_release_in_bulk(small_release):
    with FakeStore() as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST)
    assert result.exit_code == 0, result.output
    assert "published 689 triples in 2 graph(s)" in result.stdout
    assert "(Graph Store Protocol, in bulk)" in result.stdout
    assert store.bulk == [{ERFURT, GRAPH + "curated/erfurt"}]  # both graphs in one request
    # which exist, load, did the first request's graphs arrive (Virtuoso ignores a bulk POST), verify
    assert store.log == [("POST", "/query"), ("POST", "/store"), ("POST", "/query"), ("POST", "/query")]
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}


def test_bulk_requests_keep_graphs_whole_when_they_fit(small_release):
    with FakeStore() as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "300", *FAST)
    assert result.exit_code == 0, result.output
    # Curated (563, first by IRI) is split only because it exceeds 300; Erfurt (126) does not fit beside its
    # last 263 triples, so it starts a request of its own rather than being split.
    assert store.bulk == [{GRAPH + "curated/erfurt"}, {GRAPH + "curated/erfurt"}, {ERFURT}]
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}


def test_per_graph_sends_one_graph_at_a_time(small_release):
    with FakeStore() as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "100", "--per-graph", *FAST)
    assert result.exit_code == 0, result.output
    assert "(Graph Store Protocol, graph by graph)" in result.stdout
    assert store.bulk == []
    assert store.log.count(("PUT", "/store")) == 2
    assert store.log.count(("POST", "/store")) == 1 + 5  # Erfurt: 126 in two chunks; curated: 563 in six
    assert store.log.count(("POST", "/query")) == 1  # every count in one query


@pytest.mark.parametrize("status", [400, 404, 405, 415, 501])
def test_a_store_that_refuses_bulk_gets_one_graph_at_a_time(small_release, status):
    with FakeStore(bulk_status=status) as store:
        store.graphs[ERFURT] = {"<urn:koko-test:s> <urn:koko-test:p> <urn:koko-test:o> ."}  # an old triple: PUT replaces it
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST)
    assert result.exit_code == 0, result.output
    assert f"no bulk load ({store.root}store answered HTTP {status} to POST of N-Quads): loaded graph by graph" in result.stderr
    assert "(Graph Store Protocol, graph by graph)" in result.stdout
    assert store.log.count(("PUT", "/store")) == 2
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}


def test_a_bulk_request_that_fails_with_503_is_retried(small_release):
    with FakeStore(bulk_script=[503, 503]) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "300", *FAST)
    assert result.exit_code == 0, result.output
    assert store.log.count(("POST", "/store")) == 2 + 3  # the first request three times, then two more
    assert len(store.bulk) == 3
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}


def test_without_a_graph_store_one_update_carries_many_graphs(small_release):
    with FakeStore() as store:
        store.graphs[ERFURT] = {"<urn:koko-test:s> <urn:koko-test:p> <urn:koko-test:o> ."}  # DROP SILENT clears it
        args = ["--endpoint", store.root + "query", "--update", store.root + "update", "--data", str(small_release)]
        result = koko(*args, *FAST)
    assert result.exit_code == 0, result.output
    assert "(SPARQL Update, in bulk)" in result.stdout
    assert store.log == [("POST", "/update"), ("POST", "/query"), ("POST", "/query")]  # load, arrived?, verify
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}


@pytest.mark.parametrize(
    "env",
    [
        {"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"},
        {"KOKO_STORE_TOKEN": "t0ken-sentinel"},
        {},
    ],
    ids=["basic", "bearer", "none"],
)
def test_a_refusal_exits_2_and_never_shows_the_credentials(small_release, env):
    with FakeStore(auth="Basic c29tZW9uZS1lbHNl") as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=env)
    assert result.exit_code == 2
    assert "answered HTTP 401" in result.stderr
    assert "KOKO_STORE_USER and KOKO_STORE_PASSWORD" in result.stderr
    assert ("refused the credentials" if env else "wants credentials") in result.stderr
    assert len(store.log) == 1  # a refusal is not retried
    assert_no_secrets(result)


def test_the_right_credentials_are_sent_from_the_environment(small_release):
    with FakeStore(auth="Bearer t0ken-sentinel") as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env={"KOKO_STORE_TOKEN": "t0ken-sentinel"})
    assert result.exit_code == 0, result.output
    assert_no_secrets(result)


def test_503_twice_then_success_is_retried(small_release):
    with FakeStore(script=[503, 503]) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--per-graph", *FAST)
    assert result.exit_code == 0, result.output
    assert store.log[:3] == [("PUT", "/store")] * 3


def test_the_back_off_doubles_up_to_its_ceiling():
    waits: list[float] = []
    with FakeStore(script=[503, 500, 502, 504]) as store:
        client = Client(retry=Retry(tries=5, delay=0.01, max_delay=0.03), sleep=waits.append)
        answer = client.request("PUT", store.root + "store?graph=urn:x", b"", {})
    assert answer.status == 204
    assert waits == [0.01, 0.02, 0.03, 0.03]


def test_a_store_that_keeps_failing_is_given_up_after_the_retries(small_release):
    with FakeStore(script=[502] * 10) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--retries", "3", *FAST)
    assert result.exit_code == 2
    assert len(store.log) == 3
    assert f"counting 2 graph(s): {store.root}query answered HTTP 502: temporarily overloaded" in result.stderr


def test_connection_refused_is_retried_then_named(small_release):
    port = free_port()  # nothing listens there
    result = koko("--endpoint", f"http://127.0.0.1:{port}/", "--data", str(small_release), "--retries", "3", *FAST)
    assert result.exit_code == 2
    assert f"cannot reach http://127.0.0.1:{port}/query after 3 tries" in result.stderr
    assert "after 3 tries" in result.stderr
    assert "Traceback" not in result.output


def test_no_graph_store_falls_back_to_sparql_update(small_release):
    with FakeStore(gsp_status=405) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "300", *FAST)
    assert result.exit_code == 0, result.output
    assert "(SPARQL Update, graph by graph)" in result.stdout
    assert "no bulk load" in result.stderr
    assert "no Graph Store endpoint" in result.stderr
    assert store.log.count(("POST", "/store")) == 1  # bulk given up after the first answer
    assert store.log.count(("PUT", "/store")) == 1  # and graph by graph too
    assert store.log.count(("POST", "/update")) == 1 + 2
    assert len(store.graphs[GRAPH + "curated/erfurt"]) == 563


def test_a_store_that_lies_about_a_count_exits_1_naming_the_graph(small_release):
    with FakeStore(lie={ERFURT: -1}) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST)
    assert result.exit_code == 1
    assert f"mismatch: {ERFURT}: 126 triples here, 125 remote" in result.stderr
    assert "1 of 2 graph(s) differ" in result.stderr
    assert "curated/erfurt:" not in result.stderr
    assert store.log.count(("POST", "/query")) == 3  # which graphs exist, did the bulk request arrive, all counts


def test_a_staging_graph_with_a_wrong_count_is_dropped_and_the_target_kept(small_release):
    old = local_graphs((small_release / "koko.nq").read_bytes())
    new = [type(g)(g.iri, g.lines[1:]) for g in old]  # one triple less in each graph
    with FakeStore() as store:
        publish(old, derive_endpoints(store.root), Client(retry=Retry(delay=0.001)))
        before = {g: set(lines) for g, lines in store.graphs.items()}
        store.lie_staging = -1
        report = publish(new, derive_endpoints(store.root), Client(retry=Retry(delay=0.001)), replace=True)
    assert [c.graph.iri for c in report.mismatches] == sorted(before)
    assert all(c.staged for c in report.mismatches)
    assert store.graphs == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint", "http://us3r-sentinel:s3cret-sentinel@{listener}"], "--endpoint: the URL holds credentials"),
        (["--endpoint", "http://{listener}", "--graph-store", "https://u:s3cret-sentinel@h/store"], "--graph-store: the URL"),
        (["--endpoint", "ftp://127.0.0.1/"], "--endpoint: 'ftp://127.0.0.1/' is not an absolute http(s) URL"),
        (["--endpoint", "http://{listener}", "--chunk-size", "0"], "Invalid value for '--chunk-size'"),
        (["--endpoint", "http://{listener}", "--data", "/nonexistent-release"], "not a release folder"),
    ],
)
def test_bad_options_exit_2_naming_the_option_before_anything_is_sent(args, message, listener):
    result = koko(*(arg.replace("{listener}", listener.removeprefix("http://")) for arg in args))
    assert result.exit_code == 2
    assert message in result.stderr
    assert_no_secrets(result)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KOKO_STORE_USER": "us3r-sentinel"}, "KOKO_STORE_USER and KOKO_STORE_PASSWORD go together"),
        ({"KOKO_STORE_TOKEN": "t0ken-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"}, "exclude each other"),
        ({"KOKO_STORE_TOKEN": "t0ken-sentinel", "KOKO_STORE_AUTH": "digest"}, "KOKO_STORE_AUTH applies to"),
        (
            {"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel", "KOKO_STORE_AUTH": "ntlm"},
            "KOKO_STORE_AUTH: 'ntlm' is not one of basic, digest",
        ),
    ],
)
def test_half_set_credentials_are_refused(env, message, small_release):
    result = koko("--endpoint", "http://127.0.0.1:9/", "--data", str(small_release), env=env)
    assert result.exit_code == 2
    assert message in result.stderr
    assert_no_secrets(result)


def test_credentials_never_show_in_a_repr():
    credentials = credentials_from_env({"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"})
    assert "sentinel" not in repr(credentials)
    assert "sentinel" not in repr(Client(credentials).credentials)


# --- HTTP Digest (Virtuoso's -auth endpoints) ------------------------------------------------------

DIGEST_ENV = {"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel", "KOKO_STORE_AUTH": "digest"}
# The three kinds of credentials, for every command that talks to a store (publish here, query --endpoint in
# test_remote_query.py, serve --store in test_serve_store.py): koko's environment, and the FakeStore that demands them.
AUTH_KINDS = {
    "basic": (
        {"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"},
        {"auth": "Basic " + base64.b64encode(b"us3r-sentinel:s3cret-sentinel").decode()},
    ),
    "bearer": ({"KOKO_STORE_TOKEN": "t0ken-sentinel"}, {"auth": "Bearer t0ken-sentinel"}),
    "digest": (DIGEST_ENV, {"digest": ("us3r-sentinel", "s3cret-sentinel")}),
}


@pytest.mark.parametrize("kind", sorted(AUTH_KINDS))
def test_each_kind_of_credentials_loads_the_release(small_release, kind):
    env, demands = AUTH_KINDS[kind]
    with FakeStore(keep_alive=True, **demands) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=env)
    assert result.exit_code == 0, result.output
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}
    assert not any("s3cret-sentinel" in a for a in store.authorizations if a.startswith("Digest "))
    assert store.errors == []  # koko closed every connection, though the store would have kept them open
    assert_no_secrets(result)


@pytest.mark.parametrize(
    ("env", "demands"),
    [
        (AUTH_KINDS["basic"][0], {"auth": "Basic c29tZW9uZS1lbHNl"}),
        (AUTH_KINDS["bearer"][0], {"auth": "Basic c29tZW9uZS1lbHNl"}),
        ({}, {"auth": "Basic c29tZW9uZS1lbHNl"}),
        (DIGEST_ENV, {"digest": ("us3r-sentinel", "another-password")}),
        (DIGEST_ENV, {"digest": ("us3r-sentinel", "s3cret-sentinel"), "digest_algorithm": "SHA-256"}),
    ],
    ids=["basic", "bearer", "none", "digest", "digest-unanswerable"],
)
def test_a_refusal_leaves_no_connection_open(small_release, env, demands):
    """A store that keeps every connection open until its client closes it: after a 401 (for Digest, after the
    challenge too) each of its handlers ended because koko closed the connection, none by timing out. A
    connection left open would also keep the store's shutdown waiting, which is how such a leak hangs a test."""
    with FakeStore(keep_alive=True, **demands) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=env)
    assert result.exit_code == 2
    assert "answered HTTP 401" in result.stderr or "asks for HTTP Digest with" in result.stderr
    assert store.errors == []
    assert_no_secrets(result)


def test_digest_answers_each_challenge_and_never_sends_the_password(small_release):
    with FakeStore(digest=("us3r-sentinel", "s3cret-sentinel")) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=DIGEST_ENV)
    assert result.exit_code == 0, result.output
    assert {g: len(lines) for g, lines in store.graphs.items()} == {ERFURT: 126, GRAPH + "curated/erfurt": 563}
    assert len(store.log) == 2 * 4  # each of the four requests: refused with a challenge, then answered
    assert len(store.authorizations) == 4
    assert all(a.startswith("Digest ") and 'username="us3r-sentinel"' in a for a in store.authorizations)
    assert not any("s3cret-sentinel" in a for a in store.authorizations)
    assert_no_secrets(result)


def test_digest_with_a_wrong_password_is_answered_once_then_refused(small_release):
    with FakeStore(digest=("us3r-sentinel", "another-password")) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=DIGEST_ENV)
    assert result.exit_code == 2
    assert "answered HTTP 401 (the store refused the credentials" in result.stderr
    assert len(store.log) == 2  # the challenge and one answer: a wrong password is not tried again
    assert_no_secrets(result)


def test_a_digest_challenge_koko_cannot_answer_exits_2_naming_it(small_release):
    with FakeStore(digest=("us3r-sentinel", "s3cret-sentinel"), digest_algorithm="SHA-256") as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=DIGEST_ENV)
    assert result.exit_code == 2
    assert f"{store.root}query asks for HTTP Digest with algorithm=SHA-256" in result.stderr
    assert len(store.log) == 1  # not answered, not retried
    assert_no_secrets(result)


def test_basic_auth_against_a_digest_store_says_which_variable_to_set(small_release):
    env = {"KOKO_STORE_USER": "us3r-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"}
    with FakeStore(digest=("us3r-sentinel", "s3cret-sentinel")) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST, env=env)
    assert result.exit_code == 2
    assert "asks for HTTP Digest: KOKO_STORE_AUTH=digest" in result.stderr
    assert len(store.log) == 1
    assert_no_secrets(result)


def test_digest_credentials_are_not_sent_as_a_header_anywhere():
    credentials = credentials_from_env(DIGEST_ENV)
    with FakeStore() as store:  # asks for nothing: a digest client then sends nothing either
        answer = Client(credentials).request("PUT", store.root + "store?graph=urn:x", b"", {})
    assert answer.status == 204
    assert store.authorizations == []


def test_digest_credentials_never_follow_a_redirect_to_another_host():
    """A store that redirects is reported (3xx), and the host it names gets no connection at all."""
    with no_connection() as other:

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self):
                self.send_response(302)  # urllib alone would follow a 302 with a GET
                self.send_header("Location", other + "store")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        with LocalHTTPServer(Redirect) as server:
            client = Client(credentials_from_env(DIGEST_ENV), Retry(tries=1))
            answer = client.request("POST", server.root + "store", b"x", {})
    assert answer.status == 302
