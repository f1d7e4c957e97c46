"""A remote SPARQL store as the server's backend (``koko serve --store URL``).

Our canned queries expect the union of the release's named graphs as the default graph.
:func:`connect` lists the store's graphs and their sizes once at start: the release's are those named
under ``{base}graph/``, and only they may be named in FROM and counted in the dataset description. It
then asks whether the default graph sees a triple of them. Where it does not (Oxigraph without
``--union-default-graph``), every query is sent with the release's graphs as the protocol's
``default-graph-uri`` and ``named-graph-uri`` (:attr:`RemoteStore.dataset`); a client's own dataset
(FROM, or the protocol's parameters) is sent as it is instead. Where it does, nothing is added, even if
the store holds other graphs: Virtuoso 7 answers every graph of a protocol dataset with a response
header of its own (``X-SPARQL-default-graph``), and past 100 headers no HTTP client of Python's
standard library reads the answer. (Its own system graphs, 2,496 triples in the union there, are no
koko resource: the canned queries and pages never meet them, and the counts name the release's graphs.)
``koko query --endpoint`` decides the same by :func:`query_dataset`.

Every request goes through the store client of ``koko publish`` and ``koko query --endpoint``
(:class:`koko.store.http.Client`): the same credentials (environment variables only; basic, bearer
or HTTP Digest), no redirects followed, secrets masked in any message, failures as types. The
server's policy stays in this process: a client's query has been checked by
:func:`koko.sparql.protocol.plan` (no update, no SERVICE outside the allow-list, FROM only our
graphs) before it reaches :meth:`RemoteStore.run`, so the store's own settings cannot widen what
the public endpoint allows.

- **Pages** ask two fixed queries per page (:meth:`RemoteStore.about`): one for the resources'
  statements, graph, evidence and answers, one for the labels of everything those mention.
  The resources are bound as IRIs in VALUES blocks, never pasted as text.
- **Client queries** (:meth:`RemoteStore.run`): parameters become a VALUES block
  (:mod:`koko.sparql.binding`), the base IRI a ``BASE`` declaration. The answer is read as a stream
  and written by the same writers as an embedded answer (:func:`koko.sparql.execution.outcome_of`), so
  the row cap stops reading, and the deadline covers the whole answer, not each read. At most
  ``slots`` queries are sent at once, as the embedded store evaluates that many (``--workers``).
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

import pyoxigraph as ox

from koko.errors import KokoError
from koko.graph.format_table import JSON_RESULTS
from koko.pages.about import StoreDescriber
from koko.sparql.binding import bind_values, term_text
from koko.sparql.execution import Job, NoAnswer, Outcome, QueryTimeout, WorkersBusy, malformed, outcome_of
from koko.sparql.lexer import tokens
from koko.sparql.protocol import query_form
from koko.store.credentials import Credentials, credentials_from_env
from koko.store.http import (
    Client,
    RemoteError,
    RemoteStatus,
    RemoteTimeout,
    Response,
    check_url,
)
from koko.store.query import GRAPH_ACCEPT, REMOTE_GRAPHS, REMOTE_RESULTS, RESULTS_ACCEPT, endpoint_client

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # an IRI with a scheme: BASE leaves it as it is
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# One triple of IRIs and literals from a graph of the release, to ask the default graph for.
SAMPLE_QUERY = "SELECT ?s ?p ?o WHERE { GRAPH $GRAPH { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) } LIMIT 1"
# Where the release's graphs are, when the default graph does not see them (koko query --endpoint).
RELEASE_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), $PREFIX)) }"
# Virtuoso 7 answers ASK in SPARQL JSON as one solution binding this variable to 1 (xsd:integer), none for false.
ASK_VARIABLE = "__ASK_RETVAL"
_TRUE, _FALSE = (
    cast(ox.QueryBoolean, ox.parse_query_results(f'{{"head": {{}}, "boolean": {value}}}'.encode(), format=JSON_RESULTS.engine))
    for value in ("true", "false")
)


class StoreUnavailable(KokoError):
    """A page's query failed at the store: 502 Bad Gateway (:mod:`koko.web.app`)."""


class MalformedAnswer(StoreUnavailable):
    """The store answered a page's query, but not with SPARQL results koko can read."""


class StoreTimedOut(StoreUnavailable):
    """The store did not answer a page's query within the timeout."""


class StoreError(NoAnswer):
    """The store failed or could not be reached: 502 Bad Gateway for the client."""

    status = 502


@dataclass
class RemoteStore(StoreDescriber):
    """A SPARQL endpoint holding the release; made by :func:`connect`."""

    url: str
    base: str
    credentials: Credentials | None
    timeout: float  # for the pages' own queries
    slots: int
    graphs: frozenset[str] = frozenset()
    triples: int = 0
    dataset: tuple[str, ...] = ()  # sent as default-graph-uri and named-graph-uri with every query that has none
    _free: threading.BoundedSemaphore = field(init=False, repr=False)
    _client: Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._free = threading.BoundedSemaphore(self.slots)
        self._client = endpoint_client(self.credentials, self.timeout)

    def _solutions(self, query: str, ask: bool = False) -> list[ox.QuerySolution] | bool:
        """The answer read to its end here: pyoxigraph's results iterator may only be dropped on the thread
        that made it, and a page's query runs in a pool thread while garbage is collected in any. ``ask``: the
        answer of an ASK query, as a boolean however the store wrote it (:func:`as_boolean`)."""
        failure = None
        kind = StoreUnavailable
        try:
            with self._client.sparql(self.url, query, RESULTS_ACCEPT, self.dataset, self.dataset) as response:
                answer = ox.parse_query_results(response.read(), format=_results_format(response.media_type))
                if ask:
                    return bool(as_boolean(answer))
                return bool(answer) if isinstance(answer, ox.QueryBoolean) else list(answer)
        except RemoteError as exc:  # its message names the endpoint, secrets masked
            failure = exc.message
            kind = StoreTimedOut if isinstance(exc, RemoteTimeout) else StoreUnavailable
        except (SyntaxError, ValueError) as exc:
            failure = f"malformed results from the SPARQL endpoint {self.url}: {self._client.scrub(str(exc))}"
            kind = MalformedAnswer
        # Raised outside the handlers, so that no traceback (holding the parser's iterator) hangs off it.
        raise kind(failure)

    def select(self, query: str) -> Sequence[ox.QuerySolution]:
        answer = self._solutions(query)
        if isinstance(answer, bool):
            raise StoreUnavailable(f"the SPARQL endpoint {self.url} answered a SELECT query with a boolean")
        return answer

    def run(self, job: Job, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout
        if not self._free.acquire(timeout=timeout):
            raise WorkersBusy("all query slots are busy; try again shortly", retry_after=max(1, round(timeout)))
        try:
            return self._run(job, timeout, deadline)
        finally:
            self._free.release()

    async def arun(self, job: Job, timeout: float) -> Outcome:
        # The store client is blocking: a thread waits for the store, the event loop goes on.
        return await asyncio.to_thread(self.run, job, timeout)

    def _run(self, job: Job, timeout: float, deadline: float) -> Outcome:
        late = QueryTimeout(f"the query took longer than {timeout:g} s and was stopped", retry_after=max(1, round(timeout)))
        substitutions: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, term in job.substitutions:
            if isinstance(term, ox.BlankNode):  # as koko.sparql.binding refuses one
                return malformed("a blank node cannot be bound as a parameter value")
            substitutions[name] = term
        try:
            text = bind_values(job.query, substitutions, job.base_iri or self.base)
            found = list(tokens(text, job.base_iri or self.base))
        except KokoError as exc:
            return malformed(exc.message)
        form = query_form(found)
        # A BASE line only where a relative IRI needs it: it would shift the lines of the store's messages.
        # A later BASE in the query's own prologue still wins.
        if job.base_iri is not None and any(t.kind == "iri" and not _ABSOLUTE.match(t.text, 1) for t in found):
            text = f"BASE <{job.base_iri}>\n{text}"
        graph = form in ("construct", "describe")
        accept = GRAPH_ACCEPT if graph else RESULTS_ACCEPT
        if job.default_graphs is None and job.named_graphs is None:
            dataset = (self.dataset, self.dataset)
        else:  # the client's own (FROM, or the protocol's parameters): the same as the embedded store is given
            dataset = (job.default_graphs or (), job.named_graphs or ())
        reader = None
        failure: Exception
        try:
            left = max(deadline - time.monotonic(), 0.001)  # waiting for a slot took some of it
            with self._client.sparql(self.url, text, accept, *dataset, timeout=left) as response:
                reader = _Deadline(response, deadline)
                return outcome_of(_answer(reader, response.media_type, graph, form == "ask"), job)
        except RemoteTimeout:
            failure = late
        except RemoteStatus as exc:
            if exc.status == 400:  # the store's parser disagrees with ours: the client's query is at fault
                return malformed(exc.message)
            failure = StoreError(exc.message)
        except RemoteError as exc:
            failure = late if reader is not None and reader.expired else StoreError(exc.message)
        except (SyntaxError, ValueError) as exc:
            if reader is not None and reader.expired:  # a parser could pass the timeout on as a parse error
                failure = late
            else:
                failure = StoreError(f"malformed results from the SPARQL endpoint {self.url}: {self._client.scrub(str(exc))}")
        # Raised outside the handlers, so that nothing links to a parser's traceback: it holds pyoxigraph's
        # results iterator, which must be dropped on this thread (pyoxigraph's iterators are not sendable).
        raise failure


class _Deadline(io.RawIOBase):
    """The answer as it arrives, never read past the deadline.

    Each read takes what one receive brings (``read1``), not a full buffer, so a store that
    sends a row now and then cannot hold the reader past the deadline; and each receive waits
    at most the time that is left."""

    def __init__(self, response: Response, deadline: float):
        self._response = response
        self._deadline = deadline
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise RemoteTimeout("the deadline has passed", self._response.url)
        self._response.wait_at_most(remaining)
        with memoryview(buffer) as view, view.cast("B") as target:
            try:
                data = self._response.read1(len(target))
            except RemoteTimeout:
                self.expired = True
                raise
            target[: len(data)] = data
        return len(data)


def _answer(
    reader: _Deadline, media_type: str, graph: bool, ask: bool
) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
    """The parsed answer, an ASK's as a boolean. In a function of its own, so that no frame of ``_run`` (which a
    failure's traceback takes along to another thread) holds pyoxigraph's results iterator."""
    answer = _parse(reader, media_type, graph)
    return as_boolean(answer) if ask else answer


def as_boolean(answer: ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple]) -> ox.QueryBoolean:
    """An ASK query's answer as a boolean, also where the store sent it as solutions: Virtuoso 7 binds
    ``__ASK_RETVAL`` to 1 (an xsd:integer) for true and sends no solution for false."""
    if isinstance(answer, ox.QueryBoolean):
        return answer
    if isinstance(answer, ox.QuerySolutions):
        values = [term for row in answer for term in row if term is not None]
        return _TRUE if any(isinstance(v, ox.Literal) and v.value not in ("0", "false") for v in values) else _FALSE
    raise ValueError("an ASK query was answered with triples")


def _parse(answer: _Deadline, media_type: str, graph: bool) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
    """The answer as pyoxigraph reads it, lazily from the open response (which it reads as any binary file)."""
    source = cast(IO[bytes], answer)
    if graph:
        formats = {f.media_type: f.engine for f in REMOTE_GRAPHS}
        if media_type not in formats:
            raise ValueError(f"the answer is {media_type or 'untyped'}, not N-Triples or Turtle")
        return (quad.triple for quad in ox.parse(source, format=formats[media_type]))
    return ox.parse_query_results(source, format=_results_format(media_type))


def _results_format(media_type: str) -> ox.QueryResultsFormat:
    """The results format of the answer's media type: one of :data:`~koko.store.query.REMOTE_RESULTS`."""
    for candidate in REMOTE_RESULTS:
        if media_type in candidate.media_types:
            return candidate.engine
    raise ValueError(f"the answer is {media_type or 'untyped'}, not {' or '.join(f.media_type for f in REMOTE_RESULTS)}")


def release_prefix(base: str) -> str:
    """Where the release names its graphs: ``graph/site/…``, ``graph/curated/…``, ``graph/programme`` under the base."""
    return base + "graph/"


def _default_graph_sees(store: RemoteStore, graph: str) -> bool | None:
    """Whether a query without a dataset sees a triple of ``graph`` (None: the graph has no plain triple to ask for)."""
    sample = next(iter(store.select(SAMPLE_QUERY.replace("$GRAPH", term_text(ox.NamedNode(graph))))), None)
    terms = [sample[name] for name in ("s", "p", "o")] if sample is not None else []
    plain = [term for term in terms if isinstance(term, ox.NamedNode | ox.Literal)]
    if len(plain) != 3:  # an RDF-star store may answer with a quoted triple
        return None
    return store._solutions(f"ASK {{ {' '.join(map(term_text, plain))} }}", ask=True) is True


def connect(url: str, base: str, timeout: float, slots: int, environ: Mapping[str, str] | None = None) -> RemoteStore:
    """The store at ``url``, checked: reachable and holding named graphs. Its :attr:`~RemoteStore.graphs` are the
    release's (those under :func:`release_prefix`, else all); where the default graph does not see them, they
    become the :attr:`~RemoteStore.dataset` of every query."""
    store = RemoteStore(check_url(url, "--store"), base, credentials_from_env(environ), timeout, slots)
    sizes = {row["g"].value: int(row["n"].value) for row in store.select(GRAPHS_QUERY) if isinstance(row["g"], ox.NamedNode)}
    if not sizes:
        raise KokoError(f"the SPARQL endpoint {store.url} holds no named graphs: publish the release first (koko publish)")
    ours = {g: n for g, n in sizes.items() if g.startswith(release_prefix(base))} or sizes
    seen = _default_graph_sees(store, min(ours))
    if seen is None:
        raise KokoError(f"the SPARQL endpoint {store.url} gave no triple of IRIs and literals to check its default graph")
    if not seen:
        store.dataset = tuple(sorted(ours))
    store.graphs = frozenset(ours)
    store.triples = sum(ours.values())
    return store


def query_dataset(store: RemoteStore) -> tuple[str, ...]:
    """The dataset ``koko query --endpoint`` sends with a query that names none: the release's graphs where the store
    holds them and its default graph does not see them (Oxigraph without ``--union-default-graph``), else none.

    Two small queries (a triple of the release's programme graph, and ASK for it), and a third to list the
    graphs only where they are needed; a store without the release costs one query that finds nothing."""
    seen = _default_graph_sees(store, release_prefix(store.base) + "programme")
    if seen is None or seen:
        return ()
    query = RELEASE_GRAPHS_QUERY.replace("$PREFIX", term_text(ox.Literal(release_prefix(store.base))))
    return tuple(sorted(row["g"].value for row in store.select(query) if isinstance(row["g"], ox.NamedNode)))
