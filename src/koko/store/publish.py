"""``koko publish``: load the release into a remote triplestore and prove it arrived whole.

By default the named graphs go **in bulk**: N-Quads of many graphs per request, ``POST``ed to the
Graph Store endpoint itself (no ``?graph=``: Oxigraph's ``/store``, Fuseki's dataset URL), after one
``DROP SILENT GRAPH`` update for those of our graphs that the store already holds. A store that
refuses that route (400, 404, 405, 415, 501 to the first request), or accepts the first request but
stores none of it (Virtuoso 7: 200 and an HTML page), gets one graph at a time through the
SPARQL 1.1 Graph Store HTTP Protocol (the first chunk with PUT, which replaces the graph, the rest
with POST, which adds). Without a Graph Store endpoint, SPARQL 1.1 Update does it (``DROP SILENT``
then ``INSERT DATA``, several graphs per request in bulk). Then the triple counts of all graphs are
asked of the query endpoint in one ``GROUP BY ?g`` query (per thousand graphs) and compared with the
local counts; the caller exits non-zero on any difference.

With ``replace``, a graph is loaded into a staging graph (``urn:uuid:…``), counted there and
only then moved onto its target with one ``MOVE`` update: a reader sees the old graph or the new
one, never a half-loaded one, on stores that run an update as one transaction (Oxigraph does).

>>> ends = derive_endpoints("http://127.0.0.1:7878/")
>>> ends.query, ends.update, ends.graph_store
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> derive_endpoints("http://localhost:3030/koko").graph_store is None
True
>>> [len(part) for part in chunked(["a", "b", "c"], 2)]
[2, 1]
>>> small, big = LocalGraph("urn:a", ("1", "2")), LocalGraph("urn:b", ("3", "4", "5", "6", "7"))
>>> [[(p.graph.iri, len(p.lines), p.first) for p in chunk] for chunk in packed([small, big, small], 3)]
[[('urn:a', 2, True)], [('urn:b', 3, True)], [('urn:b', 2, False)], [('urn:a', 2, True)]]
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from koko.errors import KokoError
from koko.graph.format_table import JSON_RESULTS, rdf_format
from koko.store.http import FORM, Answer, Client, Retry, check_url, redact, sparql_form

DEFAULT_CHUNK = 2000  # triples per request: a few hundred kB, well under the body limits of common stores
STAGING_PREFIX = "urn:uuid:"
NTRIPLES = {"Content-Type": rdf_format("nt").media_type}
NQUADS = {"Content-Type": rdf_format("nq").media_type}
UPDATE = {"Content-Type": "application/sparql-update"}
# A Graph Store endpoint that is not there: not found, method not allowed, not implemented.
NO_GRAPH_STORE = frozenset({404, 405, 501})
# No quads at the Graph Store endpoint itself: the same, a media type it does not take, or (400) an
# endpoint that insists on ?graph= or ?default. Only the first bulk request is judged by these
# (then nothing is written yet); graph by graph, PUT replaces every graph, so falling back is safe,
# and data a store really rejects is then reported for the graph it is in.
NO_BULK = frozenset({400, 404, 405, 415, 501})
# An update the store does not take at all (a 400 there would be our syntax: an error, not a fallback).
NO_UPDATE = frozenset({404, 405, 415, 501})
# Graphs per count query: 1000 IRIs make a form body of about 100 kB, under the 200 kB that
# Jetty (Fuseki's server) accepts by default, and one query for a release of 61 graphs.
COUNT_BATCH = 1000


@dataclass(frozen=True)
class Endpoints:
    """Where to query, update and (if the store has one) use the Graph Store Protocol."""

    query: str
    update: str
    graph_store: str | None


def derive_endpoints(endpoint: str, update: str | None = None, graph_store: str | None = None) -> Endpoints:
    """``endpoint`` is the SPARQL query endpoint; a root URL (path ending in '/') is Oxigraph's layout.

    For a root, the query, update and Graph Store endpoints are ``query``, ``update`` and ``store``
    below it. Otherwise updates go to the query URL (as Fuseki's dataset URL and Virtuoso's
    ``/sparql`` allow) and the Graph Store Protocol is used only when ``graph_store`` is given."""
    check_url(endpoint, "--endpoint")
    for url, option in ((update, "--update"), (graph_store, "--graph-store")):
        if url is not None:
            check_url(url, option)
    parts = urlsplit(endpoint)
    if parts.path in ("", "/") or (parts.path.endswith("/") and not parts.query):
        root = endpoint if endpoint.endswith("/") else endpoint + "/"
        return Endpoints(root + "query", update or root + "update", graph_store or root + "store")
    return Endpoints(endpoint, update or endpoint, graph_store)


@dataclass(frozen=True)
class LocalGraph:
    """One graph of the release: its IRI (None for the default graph) and its distinct N-Triples lines, sorted."""

    iri: str | None
    lines: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.iri or "(default graph)"


def local_graphs(nquads: bytes, named_graphs: bool = True) -> list[LocalGraph]:
    """The release's graphs, or with ``named_graphs=False`` all its triples as one default graph.

    Lines are distinct, as a store keeps a set of triples: the counts compare like for like."""
    try:
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise KokoError(f"cannot read the release's N-Quads: {exc}") from exc
    graphs: dict[str | None, set[str]] = {}
    for quad in quads:
        name = quad.graph_name.value if named_graphs and isinstance(quad.graph_name, ox.NamedNode) else None
        graphs.setdefault(name, set()).add(f"{quad.subject} {quad.predicate} {quad.object} .")
    return [LocalGraph(iri, tuple(sorted(lines))) for iri, lines in sorted(graphs.items(), key=lambda kv: kv[0] or "")]


def chunked(lines: Sequence[str], size: int) -> list[Sequence[str]]:
    """Lines in chunks of at most ``size`` (always at least one chunk, so an empty graph is still written).

    A graph with blank nodes is sent whole: a blank node label means one node only within one request."""
    if size < 1:
        raise KokoError(f"--chunk-size: {size} must be at least 1")
    if any("_:" in line for line in lines):
        return [lines]
    return [lines[i : i + size] for i in range(0, len(lines), size)] or [lines]


@dataclass(frozen=True)
class Piece:
    """Some lines of one graph inside a bulk request; ``first`` when the graph starts here (it is cleared before)."""

    graph: LocalGraph
    lines: Sequence[str]
    first: bool


def packed(graphs: Sequence[LocalGraph], size: int) -> list[list[Piece]]:
    """The graphs in requests of at most ``size`` triples: a graph that fits into one request is never
    split, and a larger one (or one with blank nodes, which is sent whole) starts a request of its own."""
    requests: list[list[Piece]] = []
    current: list[Piece] = []
    room = size
    for graph in graphs:
        for i, part in enumerate(chunked(graph.lines, size)):
            if current and min(len(part), size) > room:  # (a graph with blank nodes is one part, of any length)
                requests.append(current)
                current, room = [], size
            current.append(Piece(graph, part, i == 0))
            room -= len(part)
    return [*requests, current] if current else requests


@dataclass(frozen=True)
class GraphCount:
    """The local and remote triple counts of one graph; ``staged`` when the staging graph was counted
    (and, on a mismatch, the target left as it was)."""

    graph: LocalGraph
    remote: int
    staged: bool = False

    @property
    def local(self) -> int:
        return len(self.graph.lines)

    @property
    def ok(self) -> bool:
        return self.local == self.remote


@dataclass(frozen=True)
class PublishReport:
    endpoints: Endpoints
    protocol: str  # "Graph Store Protocol" or "SPARQL Update"
    fallback: str | None  # why the Graph Store Protocol was given up, if it was
    counts: tuple[GraphCount, ...]
    bulk: bool = False  # many graphs per request (else one graph at a time)
    bulk_refused: str | None = None  # why the bulk route was given up, if it was

    @property
    def method(self) -> str:
        return f"{self.protocol}, {'in bulk' if self.bulk else 'graph by graph'}"

    @property
    def triples(self) -> int:
        return sum(c.local for c in self.counts)

    @property
    def mismatches(self) -> tuple[GraphCount, ...]:
        return tuple(c for c in self.counts if not c.ok)


def _ref(iri: str | None) -> str:
    """A graph in SPARQL Update syntax; the IRIs come from a parsed N-Quads file, so they are valid."""
    return f"GRAPH <{iri}>" if iri else "DEFAULT"


class _Remote:
    """One publishing run: the client, the endpoints, and whether the Graph Store Protocol still applies."""

    def __init__(self, client: Client, ends: Endpoints, chunk_size: int, progress: Callable[[int], None] | None):
        self.client = client
        self.ends = ends
        self.chunk_size = chunk_size
        self.progress = progress or (lambda n: None)
        self.use_gsp = ends.graph_store is not None
        self.fallback: str | None = None
        self.bulk = False
        self.bulk_refused: str | None = None
        self._sent: tuple[str, str, Answer] = ("", "", Answer(0, b""))  # the last bulk request: what, where, its answer

    def _check(self, answer: Answer, what: str, url: str) -> None:
        if not 200 <= answer.status < 300:
            raise self.client.fail(answer, what, url)

    def _gsp_url(self, iri: str | None) -> str:
        assert self.ends.graph_store is not None
        sep = "&" if "?" in self.ends.graph_store else "?"
        return self.ends.graph_store + sep + (f"graph={quote(iri, safe='')}" if iri else "default")

    def update(self, text: str, what: str) -> None:
        self._check(self._send_update(text), what, self.ends.update)

    def _send_update(self, text: str) -> Answer:
        return self.client.request("POST", self.ends.update, text.encode("utf-8"), UPDATE)

    def load_bulk(self, graphs: Sequence[LocalGraph]) -> list[LocalGraph]:
        """Load named graphs many per request; returns those left to load graph by graph: none, or all of
        them when the store refused the bulk route at its first request, or ignored it (nothing was written then):
        the graphs of the first request are counted before the next one goes out."""
        self.bulk = True
        existing = self._existing(graphs) if self.use_gsp else set()
        for n, request in enumerate(packed(graphs, self.chunk_size)):
            refused = self._send_bulk(request, existing) if self.use_gsp else self._update_bulk(request)
            if refused is None and n == 0:
                refused = self._ignored(request)
            if refused is not None:
                if n > 0:  # the route worked before: this is a failure, not a missing feature
                    raise refused[1]
                self.bulk, self.bulk_refused = False, refused[0]
                return list(graphs)
            self.progress(sum(len(piece.lines) for piece in request))
        return []

    def _existing(self, graphs: Sequence[LocalGraph]) -> set[str]:
        """Those of our graphs the store holds triples in: a bulk POST adds, so they must be cleared first."""
        return {iri for iri, n in self.counts([g.iri for g in graphs if g.iri]).items() if n}

    def _send_bulk(self, request: list[Piece], existing: set[str]) -> tuple[str, KokoError] | None:
        """Clear the graphs that start here and exist, then POST the request's quads to the Graph Store endpoint.

        Returns (why, error) if the store refused the route, for the caller to fall back or fail."""
        assert self.ends.graph_store is not None
        drops = [p.graph.iri for p in request if p.first and p.graph.iri in existing]
        if drops:
            answer = self._send_update(" ;\n".join(f"DROP SILENT GRAPH <{iri}>" for iri in drops))
            if answer.status in NO_UPDATE:
                return self._refused(answer, "DROP", self.ends.update)
            self._check(answer, f"clearing {drops[0]} and {len(drops) - 1} more graph(s)", self.ends.update)
        body = "".join(f"{line[:-1]}<{p.graph.iri}> .\n" for p in request for line in p.lines).encode("utf-8")
        answer = self.client.request("POST", self.ends.graph_store, body, NQUADS)
        self._sent = ("POST of N-Quads", self.ends.graph_store, answer)
        if answer.status in NO_BULK:
            return self._refused(answer, "POST of N-Quads", self.ends.graph_store)
        self._check(answer, f"loading {request[0].graph.label} and {len(request) - 1} more graph(s)", self.ends.graph_store)
        return None

    def _update_bulk(self, request: list[Piece]) -> tuple[str, KokoError] | None:
        """One update per request: DROP SILENT of the graphs that start here, INSERT DATA of every piece.
        On a store that runs an update as one transaction, a reader never sees these graphs emptied."""
        drops = "".join(f"DROP SILENT GRAPH <{p.graph.iri}> ;\n" for p in request if p.first)
        blocks = "".join(f"GRAPH <{p.graph.iri}> {{\n{chr(10).join(p.lines)}\n}}\n" for p in request if p.lines)
        answer = self._send_update(f"{drops}INSERT DATA {{\n{blocks}}}" if blocks else drops.rstrip(" ;\n"))
        self._sent = ("an update", self.ends.update, answer)
        if answer.status in NO_UPDATE:
            return self._refused(answer, "an update", self.ends.update)
        self._check(answer, f"loading {request[0].graph.label} and {len(request) - 1} more graph(s)", self.ends.update)
        return None

    def _ignored(self, request: list[Piece]) -> tuple[str, KokoError] | None:
        """(why, error) when the store accepted the first bulk request but holds none of its triples.

        Virtuoso 7 answers a POST of N-Quads without ``?graph=`` to its Graph Store endpoint with 200 and the
        HTML page of its upload form, and stores nothing: only counting tells that from a load."""
        sent = sorted({p.graph.iri for p in request if p.lines and p.graph.iri})
        if not sent or any(self.counts(sent).values()):
            return None
        what, url, answer = self._sent
        kind = f", {answer.media_type}" if answer.media_type else ""
        triples = sum(len(p.lines) for p in request)
        answered = f"{redact(url.split('?')[0])} answered HTTP {answer.status}{kind} to {what}"
        why = f"{answered} but stored none of its {triples} triples"
        return why, KokoError(f"loading in bulk: {why}")

    def _refused(self, answer: Answer, what: str, url: str) -> tuple[str, KokoError]:
        why = f"{redact(url.split('?')[0])} answered HTTP {answer.status} to {what}"
        return why, self.client.fail(answer, f"loading in bulk ({what})", url)

    def load(self, dest: str | None, lines: Sequence[str]) -> None:
        """Write ``lines`` as the whole content of graph ``dest`` (replacing what it held)."""
        parts = chunked(lines, self.chunk_size)
        if self.use_gsp:
            url = self._gsp_url(dest)
            for i, part in enumerate(parts):
                body = "".join(line + "\n" for line in part).encode("utf-8")
                answer = self.client.request("PUT" if i == 0 else "POST", url, body, NTRIPLES)
                if i == 0 and answer.status in NO_GRAPH_STORE:
                    self.use_gsp = False
                    self.fallback = f"{redact(url.split('?')[0])} answered HTTP {answer.status} to PUT"
                    break
                self._check(answer, f"loading {dest or 'the default graph'}", url)
                self.progress(len(part))
            else:
                return
        for i, part in enumerate(parts):
            clear = f"DROP SILENT {_ref(dest)} ;\n" if i == 0 else ""
            data = "\n".join(part)
            inner = f"GRAPH <{dest}> {{\n{data}\n}}" if dest else data
            self.update(f"{clear}INSERT DATA {{\n{inner}\n}}", f"loading {dest or 'the default graph'}")
            self.progress(len(part))

    def _select(self, query: str, what: str) -> list[dict[str, Any]]:
        """The bindings of a SELECT, asked with POST so that no HTTP cache answers."""
        headers = {"Content-Type": FORM, "Accept": JSON_RESULTS.media_type}
        answer = self.client.request("POST", self.ends.query, sparql_form(query), headers)
        self._check(answer, what, self.ends.query)
        try:
            bindings = json.loads(answer.body)["results"]["bindings"]
            if not isinstance(bindings, list):
                raise TypeError("bindings")
            return bindings
        except (ValueError, KeyError, TypeError) as exc:
            raise KokoError(f"{what}: {redact(self.ends.query)} gave no SPARQL results") from exc

    def counts(self, iris: Sequence[str]) -> dict[str, int]:
        """The triple count of every named graph in ``iris`` (0 for one the store does not have), with one
        ``GROUP BY ?g`` query per :data:`COUNT_BATCH` graphs instead of one query per graph.

        ``VALUES`` keeps the count to our graphs: on a store shared with other data, counting every
        graph would cost a scan of all of it."""
        found = dict.fromkeys(iris, 0)
        for start in range(0, len(iris), COUNT_BATCH):
            values = " ".join(f"<{iri}>" for iri in iris[start : start + COUNT_BATCH])
            query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            for row in self._select(query, f"counting {len(iris)} graph(s)"):
                try:
                    iri, n = row["g"]["value"], int(row["n"]["value"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise KokoError(f"counting graphs: {redact(self.ends.query)} gave a row without a count") from exc
                if iri in found:
                    found[iri] = n
        return found

    def count(self, iri: str | None) -> int:
        """The remote graph's triple count, asked of the query endpoint (POST, so no cache answers).

        The default graph is read whole through the Graph Store Protocol where there is one, since
        a query's default graph is the union of all graphs on some stores (Oxigraph --union-default-graph)."""
        if iri is None and self.use_gsp:
            url = self._gsp_url(None)
            answer = self.client.request("GET", url, None, {"Accept": rdf_format("nt").media_type})
            self._check(answer, "counting the default graph", url)
            return sum(1 for line in answer.body.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))
        pattern = f"GRAPH <{iri}> {{ ?s ?p ?o }}" if iri else "?s ?p ?o"
        what = f"counting {iri or 'the default graph'}"
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", what)
        try:
            return int(rows[0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise KokoError(f"{what}: {redact(self.ends.query)} gave no count") from exc

    def drop_quietly(self, iri: str) -> str:
        """Drop a staging graph after a failure, with one try; say so if even that fails."""
        once = Client(self.client.credentials, Retry(tries=1), self.client.timeout)
        try:
            answer = once.request("POST", self.ends.update, f"DROP SILENT GRAPH <{iri}>".encode(), UPDATE)
        except KokoError:
            answer = Answer(0, b"")
        return "" if 200 <= answer.status < 300 else f" (the staging graph <{iri}> may remain: drop it by hand)"


def _swap(remote: _Remote, graph: LocalGraph, staging: str) -> GraphCount | None:
    """Load into the staging graph, count it, then MOVE it onto the target in one update.

    Returns the staging count if it is wrong (the target is then left as it was), else None."""
    if not graph.lines:
        remote.update(f"CLEAR SILENT {_ref(graph.iri)}", f"replacing {graph.label}")
        return None
    try:
        remote.load(staging, graph.lines)
        staged = remote.count(staging)
        if staged != len(graph.lines):
            remote.update(f"DROP SILENT GRAPH <{staging}>", f"dropping the staging graph of {graph.label}")
            return GraphCount(graph, staged, staged=True)
        remote.update(f"MOVE GRAPH <{staging}> TO {_ref(graph.iri)}", f"moving the staging graph onto {graph.label}")
    except KokoError as exc:
        raise KokoError(exc.message + remote.drop_quietly(staging), exc.path, exc.line) from None
    except BaseException:
        remote.drop_quietly(staging)  # Ctrl-C: leave no staging graph behind if we can help it
        raise
    return None


def publish(
    graphs: Sequence[LocalGraph],
    ends: Endpoints,
    client: Client,
    *,
    replace: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    bulk: bool = True,
) -> PublishReport:
    """Load every graph (from :func:`local_graphs`) into the store, then compare each remote count with the local one.

    With ``bulk`` (and without ``replace``) the named graphs go many per request; the default graph,
    if any, always goes on its own (PUT ``?default`` replaces it, where a bulk POST could only add).
    Raises KokoError when the store cannot be reached or refuses a request; a count that differs
    is not an error here but a :class:`GraphCount` that is not ``ok``."""
    chunked([], chunk_size)  # check the chunk size before anything is sent
    remote = _Remote(client, ends, chunk_size, progress)
    staged: dict[str | None, GraphCount] = {}
    if replace:
        for graph in graphs:
            wrong = _swap(remote, graph, f"{STAGING_PREFIX}{uuid.uuid4()}")
            if wrong is not None:
                staged[graph.iri] = wrong
    else:
        named = [g for g in graphs if g.iri]
        one_by_one = [g for g in graphs if not g.iri] + (remote.load_bulk(named) if bulk and named else named)
        for graph in one_by_one:
            remote.load(graph.iri, graph.lines)
    protocol = "Graph Store Protocol" if remote.use_gsp else "SPARQL Update"
    return PublishReport(ends, protocol, remote.fallback, _verify(remote, graphs, staged), remote.bulk, remote.bulk_refused)


def _verify(remote: _Remote, graphs: Sequence[LocalGraph], staged: dict[str | None, GraphCount]) -> tuple[GraphCount, ...]:
    """Every graph's remote count, in the release's order: named graphs in batches, the default graph on its own
    (see :meth:`_Remote.count`), staging counts that were already wrong as they were."""
    named = remote.counts([g.iri for g in graphs if g.iri and g.iri not in staged])
    return tuple(staged.get(g.iri) or GraphCount(g, named[g.iri] if g.iri else remote.count(None)) for g in graphs)
