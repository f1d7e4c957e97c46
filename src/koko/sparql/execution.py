"""One query on the embedded engine: the job that describes it, its evaluation and its written outcome.

Every door a query comes through (the endpoint, the canned-query pages, ``koko query``, the static site)
builds a :class:`Job` and gets an :class:`Outcome`: the answer already written in the format asked for,
so the same query gives the same bytes everywhere. Where the job runs is the caller's business:
:class:`QueryThreads` in the server (:mod:`koko.pages.backend`), a thread of its own in ``koko query``
(:mod:`koko.sparql.embedded`), a remote store (:mod:`koko.store.backend`).
"""

from __future__ import annotations

import asyncio
import collections
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from koko.graph.format_table import engine_serialize, rdf_format
from koko.sparql.results import Row, write_boolean, write_solutions


@dataclass(frozen=True)
class Job:
    """One query. ``result_format`` names a SPARQL results format (json, xml, csv, tsv) used for
    SELECT and ASK and ``graph_format`` an RDF format (ttl, jsonld, nt, trig, nq, xml) for CONSTRUCT and
    DESCRIBE (in TriG and N-Quads, the answer's one graph is the default graph); the worker uses whichever
    fits the query form.

    ``default_graphs``/``named_graphs`` are the protocol's default-graph-uri/named-graph-uri
    (None: not given). Without either, the default graph is the union of all named graphs.
    ``substitutions`` pre-bind variables to RDF terms; the query text is never changed.
    ``base_iri`` resolves the query's relative IRIs (None: relative IRIs are an error)."""

    query: str
    result_format: str = "json"
    graph_format: str = "ttl"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: tuple[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode], ...] = ()
    max_rows: int = 10_000
    prefixes: tuple[tuple[str, str], ...] = ()
    base_iri: str | None = None


@dataclass(frozen=True)
class Outcome:
    """``kind`` is solutions, boolean or graph, or error (``error`` holds the engine's message).

    ``malformed`` tells an error whose cause is the query text (the parser refused it: the client's
    fault, 400) from one the engine met while evaluating (500); nothing reads that from the message."""

    kind: str
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    error: str = ""
    variables: tuple[str, ...] = field(default=())
    malformed: bool = False


#: How a parser's message begins in :attr:`Outcome.error`, for people; code reads :attr:`Outcome.malformed`.
SYNTAX_ERROR = "syntax error: "


def malformed(message: str) -> Outcome:
    """The outcome of a query the parser refused."""
    return Outcome("error", error=SYNTAX_ERROR + message, malformed=True)


class NoAnswer(Exception):
    """The query got no answer (it ran too long, no thread was free, a remote store failed); ``status`` is the
    HTTP status to send."""

    status = 503

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(NoAnswer):
    status = 503


class WorkersBusy(NoAnswer):
    status = 503


def _dataset_options(job: Job) -> dict[str, Any]:
    if job.default_graphs is None and job.named_graphs is None:
        return {"use_default_graph_as_union": True}
    options: dict[str, Any] = {"default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()]}
    options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    return options


def execute(store: ox.Store, job: Job) -> Outcome:
    """Run one job on a store and write its result, at most ``max_rows`` rows or triples."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): term for name, term in job.substitutions
    }
    try:
        answer = store.query(job.query, substitutions=substitutions, base_iri=job.base_iri, **_dataset_options(job))
        return outcome_of(answer, job)
    except SyntaxError as exc:
        return malformed(str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return Outcome("error", error=f"query failed: {exc}")


def outcome_of(answer: ox.QueryBoolean | ox.QuerySolutions | Iterable[ox.Triple], job: Job) -> Outcome:
    """An answer written as the job asks, at most ``max_rows`` rows or triples: an embedded store's
    answer, or a remote store's parsed back into pyoxigraph terms (:mod:`koko.store.backend`)."""
    if isinstance(answer, ox.QueryBoolean):
        return Outcome("boolean", write_boolean(bool(answer), job.result_format), rows=1)
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        rows: list[Row] = []
        for solution in answer:
            if len(rows) == job.max_rows:
                return Outcome(
                    "solutions", write_solutions(variables, rows, job.result_format), len(rows), True, variables=variables
                )
            rows.append(tuple(solution))  # the values in the order of the variables; a third of solution[name]'s cost
        return Outcome("solutions", write_solutions(variables, rows, job.result_format), len(rows), variables=variables)
    # A graph is a set: pyoxigraph's DESCRIBE over the union default graph yields a triple once for each named
    # graph that holds it, so the same description would differ with how the data is split into graphs.
    triples: dict[ox.Triple, None] = {}
    truncated = False
    for triple in answer:
        if triple in triples:
            continue
        if len(triples) == job.max_rows:
            truncated = True
            break
        triples[triple] = None
    fmt = rdf_format(job.graph_format)
    prefixes = dict(job.prefixes) if job.prefixes and fmt.name in _PREFIXED else None
    # A triple format or a quads one alike: pyoxigraph writes triples into the default graph of TriG and N-Quads.
    body = engine_serialize(triples, fmt, prefixes)
    return Outcome("graph", body, len(triples), truncated)


#: The graph formats written with the release's prefixes.
_PREFIXED = frozenset(("ttl", "trig"))


#: Threads beyond ``size`` for the queries past their deadline, which go on until their process ends.
SPARE_THREADS = 8


class QueryThreads:
    """At most ``size`` jobs evaluated at once on one store, each in a thread, asked from an event loop (:meth:`arun`).

    pyoxigraph releases the GIL while it evaluates, so the queries run beside each other and beside the
    event loop, on the one store the pages read too. A thread cannot be stopped, and pyoxigraph has no
    cancel (shared/design/security-notes.md): a job past its deadline is answered with
    :class:`QueryTimeout` at once, its place goes to the next job (its thread runs on, one of
    :data:`SPARE_THREADS`), and ``runaway`` is called, which in ``koko serve`` has the serving process
    replaced (:mod:`koko.web.supervisor`); the old process, and the query with it, ends once the new one
    serves. A job that got no place by its deadline never ran: :class:`WorkersBusy`."""

    def __init__(self, store: ox.Store, size: int, runaway: Callable[[], None] = lambda: None):
        self._store = store
        self._size = size
        self._threads = ThreadPoolExecutor(size + SPARE_THREADS, thread_name_prefix="koko-query")
        self._runaway = runaway
        self._lock = threading.Lock()  # _running and _queue: places are given back from the query threads
        self._running = 0
        self._queue: collections.deque[asyncio.Future[None]] = collections.deque()
        self._stops: set[asyncio.Future[None]] = set()  # one per request in arun: resolved by stop()

    async def arun(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome, or :class:`NoAnswer` when no place is free, the deadline passes or :meth:`stop` is called."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        retry_after = max(1, round(timeout))
        stopped = loop.create_future()
        self._stops.add(stopped)
        try:
            if not await self._enter(stopped, timeout):
                if stopped.done():
                    raise WorkersBusy("the server is stopping; try again shortly", retry_after=1)
                raise WorkersBusy("all query workers are busy; try again shortly", retry_after=retry_after)
            leave = self._leaver()
            future = self._threads.submit(execute, self._store, job)
            future.add_done_callback(lambda _: leave())
            try:
                remaining = max(0.0, deadline - loop.time())
                await asyncio.wait((asyncio.wrap_future(future), stopped), timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                # The client went away or the server stops: a job still running is a runaway if it outlives its deadline.
                if not future.cancel():
                    loop.call_later(max(0.0, deadline - loop.time()), self._check, future, leave)
                raise
            if future.done() and not future.cancelled():
                return future.result()
            if stopped.done():
                future.cancel()
                raise WorkersBusy("the server stopped before the query ended; try again shortly", retry_after=1)
            if future.cancel():  # every spare thread is held by a runaway query: it never started
                raise WorkersBusy("all query workers are busy; try again shortly", retry_after=retry_after)
            self._ran_away(leave)
            raise QueryTimeout(f"the query took longer than {timeout:g} s and was stopped", retry_after=retry_after)
        finally:
            self._stops.discard(stopped)

    def _check(self, future: Future[Outcome], leave: Callable[[], None]) -> None:
        if not future.done():
            self._ran_away(leave)

    def _ran_away(self, leave: Callable[[], None]) -> None:
        leave()  # its place goes to the next job; its thread runs on
        self._runaway()

    async def _enter(self, stopped: asyncio.Future[None], timeout: float) -> bool:
        """Take one of the ``size`` places, waiting up to ``timeout`` (False: none came, or the server stops)."""
        with self._lock:
            if self._running < self._size:
                self._running += 1
                return True
            turn = asyncio.get_running_loop().create_future()
            self._queue.append(turn)
        try:
            await asyncio.wait((turn, stopped), timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            if not turn.cancel():  # a place came with the cancel
                self._leave()
            raise
        if turn.cancel():  # no place came; one handed to it after this passes on (_hand)
            return False
        if stopped.done():
            self._leave()
            return False
        return True

    def _leaver(self) -> Callable[[], None]:
        """A job's way out of its place, which gives it up once, whichever comes first: the end or the deadline."""
        guard = threading.Lock()

        def leave() -> None:
            if guard.acquire(blocking=False):  # never released: the first call takes the lock, any later one finds it taken
                self._leave()

        return leave

    def _leave(self) -> None:
        """Hand the place to the request waiting longest, or free it (from any thread)."""
        with self._lock:
            while self._queue:
                turn = self._queue.popleft()
                if turn.done():
                    continue
                try:
                    turn.get_loop().call_soon_threadsafe(self._hand, turn)
                    return
                except RuntimeError:  # its event loop has closed
                    continue
            self._running -= 1

    def _hand(self, turn: asyncio.Future[None]) -> None:
        if turn.done():  # its request gave up meanwhile
            self._leave()
        else:
            turn.set_result(None)

    def stop(self) -> None:
        """Answer every request still waiting with :class:`WorkersBusy` (on the event loop's thread): a stopping
        server tells its clients to try again, where ending would close their connections unanswered."""
        for stopped in self._stops:
            if not stopped.done():
                stopped.set_result(None)

    def run(self, job: Job, timeout: float) -> Outcome:
        """:meth:`arun` for a caller without an event loop of its own (tests, scripts)."""
        return asyncio.run(self.arun(job, timeout))

    def close(self) -> None:
        """Drop the jobs that wait; running ones go on until they end (or the process does)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
