"""``koko publish``: the release loaded into a real Oxigraph server, and into small fake stores that misbehave.

The Oxigraph server is shared by the whole session (``oxigraph_server``), so these tests check counts per
graph and put what they change into graphs of their own (``urn:koko-test:…``). The fake stores are
``http.server`` instances on 127.0.0.1 in a thread, stopped by each test.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from koko.cli import main
from koko.publish import STAGING_PREFIX, Endpoints, derive_endpoints, local_graphs, publish
from koko.remote_http import Client, Retry, credentials_from_env
from oxigraph_server import oxigraph

ID = "https://w3id.org/koko-kg/id/"
GRAPH = ID + "graph/"
ERFURT = GRAPH + "site/erfurt"
KOKO = "https://w3id.org/koko-kg/ontology#"
SENTINELS = ("s3cret-sentinel", "t0ken-sentinel", "us3r-sentinel")
NO_CREDENTIALS = {"KOKO_STORE_USER": None, "KOKO_STORE_PASSWORD": None, "KOKO_STORE_TOKEN": None}
FAST = ["--retry-delay", "0.001", "--timeout", "5"]


def remote_select(root: str, query: str) -> list[dict[str, str]]:
    """Ask the store directly (not through koko), as a reader would."""
    request = urllib.request.Request(
        root + "query",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        bindings = json.load(response)["results"]["bindings"]
    return [{name: value["value"] for name, value in row.items()} for row in bindings]


def remote_update(root: str, update: str) -> None:
    request = urllib.request.Request(root + "update", data=update.encode(), headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(request, timeout=10).close()


def remote_count(root: str, graph: str) -> int:
    return int(remote_select(root, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])


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
    return CliRunner().invoke(main, ["publish", *args], env={**NO_CREDENTIALS, **(env or {})})


# --- the real Oxigraph server ------------------------------------------------------------------


def test_publish_the_release_to_oxigraph_and_query_a_fact(oxigraph_server, published, tmp_path):
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    result = koko("--endpoint", oxigraph_server, "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "published 8041 triples in 61 graph(s)" in result.stdout
    assert "(Graph Store Protocol)" in result.stdout
    assert "verified: every graph's triple count matches the release" in result.stdout
    assert result.stderr == ""
    assert len(published.graphs) == 61
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
    assert len(report.counts) == 61
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
        assert "published 8031 triples in 1 graph(s)" in result.stdout
        rows = remote_select(root, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0]["n"]) > 8031  # a query sees the union with the Erfurt copy; koko counted the default graph alone


def test_replace_swaps_a_graph_so_that_readers_see_old_or_new_never_half(oxigraph_server, published, request):
    nquads = published.files["koko.nq"]
    target = "urn:koko-test:replace:erfurt"
    old = local_graphs(graphs_of(nquads, {GRAPH + "curated/erfurt": target}))
    new = local_graphs(graphs_of(nquads, {ERFURT: target}))
    old_count, new_count = len(old[0].lines), len(new[0].lines)
    assert (old_count, new_count) == (182, 85)
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
    assert seen == ([0, 0, 0] if replace else [40, 80, 85])


def test_replace_through_the_command_line_republishes_the_release(oxigraph_server, published, tmp_path):
    folder = release_folder(tmp_path / "dist", published.files["koko.nq"])
    result = koko("--endpoint", oxigraph_server, "--data", str(folder), "--replace")
    assert result.exit_code == 0, result.output
    assert remote_count(oxigraph_server, ERFURT) == 85


# --- fake stores that misbehave ------------------------------------------------------------------


class FakeStore(ThreadingHTTPServer):
    """A tiny store: Graph Store PUT/POST at /store, INSERT DATA and DROP at /update, counts at /query.

    ``script`` gives the status of the next requests (then normal service); ``lie`` adds to a graph's
    count, ``lie_staging`` to a staging graph's; ``gsp_status`` answers every request to /store; ``auth`` is
    the Authorization it expects (and a refusal echoes what it got, as careless servers do)."""

    def __init__(self, script=(), lie=None, gsp_status=None, auth=None, lie_staging=0):
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.script = list(script)
        self.lie = lie or {}
        self.lie_staging = lie_staging
        self.gsp_status = gsp_status
        self.auth = auth
        self.graphs: dict[str, set[str]] = {}
        self.log: list[tuple[str, str]] = []

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class FakeHandler(BaseHTTPRequestHandler):
    server: FakeStore

    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, status: int, body: bytes = b"", kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        store = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        url = urllib.parse.urlsplit(self.path)
        store.log.append((self.command, url.path))
        if store.script:
            return self._answer(store.script.pop(0), b"temporarily overloaded")
        if store.auth and self.headers.get("Authorization") != store.auth:
            return self._answer(401, f"refused: {self.headers.get('Authorization')}".encode())
        if url.path == "/store":
            if store.gsp_status:
                return self._answer(store.gsp_status, b"no graph store here")
            graph = urllib.parse.parse_qs(url.query)["graph"][0]
            lines = {line for line in body.splitlines() if line.strip()}
            store.graphs[graph] = lines | (store.graphs.get(graph, set()) if self.command == "POST" else set())
            return self._answer(204)
        if url.path == "/update":
            for graph in re.findall(r"DROP SILENT GRAPH <([^>]+)>", body):
                store.graphs.pop(graph, None)
            for graph, data in re.findall(r"GRAPH <([^>]+)> \{\n(.*?)\n\}\n\}", body, re.S):
                store.graphs.setdefault(graph, set()).update(data.splitlines())
            return self._answer(204)
        query = urllib.parse.parse_qs(body)["query"][0]
        graph = re.search(r"GRAPH <([^>]+)>", query).group(1)
        n = len(store.graphs.get(graph, ())) + store.lie.get(graph, 0)
        n += store.lie_staging if graph.startswith(STAGING_PREFIX) else 0
        result = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": str(n)}}]}}
        return self._answer(200, json.dumps(result).encode(), "application/sparql-results+json")

    do_GET = do_PUT = do_POST = _handle


@pytest.fixture
def small_release(published, tmp_path) -> Path:
    """Two graphs of the release: Erfurt's site graph and its curated facts (85 + 182 triples)."""
    keep = {ERFURT: ERFURT, GRAPH + "curated/erfurt": GRAPH + "curated/erfurt"}
    return release_folder(tmp_path / "small", graphs_of(published.files["koko.nq"], keep))


def assert_no_secrets(result) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in result.output
        assert sentinel not in result.stderr


def test_the_fake_store_takes_the_small_release(small_release):
    with FakeStore() as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "50", *FAST)
    assert result.exit_code == 0, result.output
    assert "published 267 triples in 2 graph(s)" in result.stdout
    assert store.log.count(("PUT", "/store")) == 2
    assert store.log.count(("POST", "/store")) == 1 + 3  # Erfurt: 85 in two chunks; curated: 182 in four


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
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST)
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
    assert f"{store.root}store?graph=" in result.stderr
    assert "answered HTTP 502: temporarily overloaded" in result.stderr


def test_connection_refused_is_retried_then_named(small_release):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    result = koko("--endpoint", f"http://127.0.0.1:{port}/", "--data", str(small_release), "--retries", "3", *FAST)
    assert result.exit_code == 2
    assert f"cannot reach http://127.0.0.1:{port}/store?graph=" in result.stderr
    assert "after 3 tries" in result.stderr
    assert "Traceback" not in result.output


def test_no_graph_store_falls_back_to_sparql_update(small_release):
    with FakeStore(gsp_status=405) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), "--chunk-size", "100", *FAST)
    assert result.exit_code == 0, result.output
    assert "(SPARQL Update)" in result.stdout
    assert "no Graph Store endpoint" in result.stderr
    assert store.log.count(("PUT", "/store")) == 1  # given up after the first answer
    assert store.log.count(("POST", "/update")) == 1 + 2
    assert len(store.graphs[GRAPH + "curated/erfurt"]) == 182


def test_a_store_that_lies_about_a_count_exits_1_naming_the_graph(small_release):
    with FakeStore(lie={ERFURT: -1}) as store:
        result = koko("--endpoint", store.root, "--data", str(small_release), *FAST)
    assert result.exit_code == 1
    assert f"mismatch: {ERFURT}: 85 triples here, 84 remote" in result.stderr
    assert "1 of 2 graph(s) differ" in result.stderr
    assert "curated/erfurt:" not in result.stderr


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
        (["--endpoint", "http://us3r-sentinel:s3cret-sentinel@127.0.0.1:9/"], "--endpoint: the URL holds credentials"),
        (["--endpoint", "http://127.0.0.1:9/", "--graph-store", "https://u:s3cret-sentinel@h/store"], "--graph-store: the URL"),
        (["--endpoint", "ftp://127.0.0.1/"], "--endpoint: 'ftp://127.0.0.1/' is not an absolute http(s) URL"),
        (["--endpoint", "http://127.0.0.1:9/", "--chunk-size", "0"], "Invalid value for '--chunk-size'"),
        (["--endpoint", "http://127.0.0.1:9/", "--data", "/nonexistent-release"], "not a release folder"),
    ],
)
def test_bad_options_exit_2_naming_the_option_before_anything_is_sent(args, message):
    result = koko(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert_no_secrets(result)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KOKO_STORE_USER": "us3r-sentinel"}, "KOKO_STORE_USER and KOKO_STORE_PASSWORD go together"),
        ({"KOKO_STORE_TOKEN": "t0ken-sentinel", "KOKO_STORE_PASSWORD": "s3cret-sentinel"}, "exclude each other"),
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
