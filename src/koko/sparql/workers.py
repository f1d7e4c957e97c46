"""Killable query workers: every query a client sends runs in a process of its own.

pyoxigraph has no query timeout and no cancel (shared/design/security-notes.md): a runaway
query can only be stopped by killing the process that runs it. The pool keeps ``size``
worker processes, each with its own in-memory copy of the release; a query that outlives
its deadline gets its worker killed and replaced while the client is told at once. Other
requests go on in the other workers meanwhile.

Workers are plain ``python -m koko.sparql.workers`` processes talking over a socket pair, not
``multiprocessing`` children: they import nothing but pyoxigraph, this module, its result writers and
the format table, and they do not re-run the server's ``__main__``, so a replacement is ready in a
fraction of a second.
"""

from __future__ import annotations

import asyncio
import collections
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from koko.graph.format_table import engine_serialize, rdf_format
from koko.sparql.results import Row, write_boolean, write_solutions


@dataclass(frozen=True)
class Job:
    """One query. ``result_format`` names a SPARQL results format (json, xml, csv, tsv) used for
    SELECT and ASK and ``graph_format`` an RDF format (ttl, jsonld, nt, xml) for CONSTRUCT and
    DESCRIBE; the worker uses whichever fits the query form.

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


class PoolError(Exception):
    """The query could not be answered; ``status`` is the HTTP status to send."""

    status = 503

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(PoolError):
    status = 503


class WorkersBusy(PoolError):
    status = 503


class WorkerCrashed(PoolError):
    status = 500


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
    triples: list[ox.Triple] = []
    truncated = False
    for triple in answer:
        if len(triples) == job.max_rows:
            truncated = True
            break
        triples.append(triple)
    prefixes = dict(job.prefixes) or None
    body = engine_serialize(triples, rdf_format(job.graph_format), prefixes if job.graph_format == "ttl" else None)
    return Outcome("graph", body, len(triples), truncated)


#: Seconds a worker's query may run past its timeout before the worker ends itself: the pool, if alive,
#: has killed it by then.
ORPHAN_GRACE = 5.0


# Frames as multiprocessing.connection writes them (the worker reads and answers with a Connection): a
# big-endian signed length, or -1 and an unsigned 8-byte length, then the bytes (a pickle).
_LENGTH = struct.Struct("!i")
_LONG = struct.Struct("!Q")


def _frame(payload: bytes) -> bytes:
    if len(payload) > 0x7FFFFFFF:
        return _LENGTH.pack(-1) + _LONG.pack(len(payload)) + payload
    return _LENGTH.pack(len(payload)) + payload


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the query worker closed its socket")
        data += chunk
    return bytes(data)


async def _read_exactly_async(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytes:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        count = await loop.sock_recv_into(sock, view[got:])
        if not count:
            raise EOFError("the query worker closed its socket")
        got += count
    return bytes(data)


async def _read_frame(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    (size,) = _LENGTH.unpack(await _read_exactly_async(loop, sock, _LENGTH.size))
    if size == -1:
        (size,) = _LONG.unpack(await _read_exactly_async(loop, sock, _LONG.size))
    return await _read_exactly_async(loop, sock, size)


class _Worker:
    def __init__(self, nquads: bytes):
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "koko.sparql.workers", str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C at the server does not reach the workers; the pool ends them
        )
        child.close()
        self.sock = parent
        self._killing = threading.Lock()
        self._killed = False
        try:
            parent.sendall(_frame(nquads))
            (size,) = _LENGTH.unpack(_read_exactly(parent, _LENGTH.size))
            if pickle.loads(_read_exactly(parent, size)) != "ready":
                raise RuntimeError("query worker failed to start")
        except BaseException:
            self.kill()
            raise
        # From here on the pool reads and writes through the event loop.
        parent.setblocking(False)

    def kill(self) -> None:
        """End the process and close its socket, once: a stopping pool and the request whose query the stop
        cut off both kill the same worker, and a second close of the socket could hit a reused descriptor."""
        with self._killing:
            if self._killed:
                return
            self._killed = True
        self.process.kill()
        self.process.wait()
        self.sock.close()


class WorkerPool:
    """``size`` workers, asked from the server's event loop (:meth:`arun`): a request waits for a free worker
    and for its answer without holding a thread, and a worker that outlives the deadline is killed and
    replaced. :meth:`run` is the same for callers without an event loop (tests, scripts)."""

    def __init__(self, nquads: bytes, size: int):
        self._nquads = nquads
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiting: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()  # idle, waiting and all: replacements arrive from their starter threads
        self._closed = False
        starters = [threading.Thread(target=self._add) for _ in range(size)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        if len(self._all) != size:
            self.close()
            raise RuntimeError("query workers failed to start")

    def _add(self) -> None:
        try:
            worker = _Worker(self._nquads)
        except (OSError, EOFError, RuntimeError, pickle.UnpicklingError) as exc:
            print(f"koko: query worker failed to start: {exc}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the request waiting longest, or keep it idle (from any thread)."""
        with self._lock:
            while self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.done():
                    waiter.get_loop().call_soon_threadsafe(self._hand, waiter, worker)
                    return
            self._idle.append(worker)

    def _hand(self, waiter: asyncio.Future[_Worker], worker: _Worker) -> None:
        if waiter.done():  # its request gave up meanwhile
            self._release(worker)
        else:
            waiter.set_result(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.kill()
        if not closed:  # a pool being closed killed this worker itself: a replacement would find the server gone
            threading.Thread(target=self._add, daemon=True).start()

    async def _take(self, timeout: float) -> _Worker:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            waiter: asyncio.Future[_Worker] = loop.create_future()
            self._waiting.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise WorkersBusy("all query workers are busy; try again shortly", retry_after=max(1, round(timeout))) from None

    async def arun(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome, or :class:`PoolError` when no worker is free or the deadline passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await self._take(timeout)
        try:
            await loop.sock_sendall(worker.sock, _frame(pickle.dumps((job, timeout), protocol=pickle.HIGHEST_PROTOCOL)))
            answer = await asyncio.wait_for(_read_frame(loop, worker.sock), max(0.0, deadline - loop.time()))
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(
                f"the query took longer than {timeout:g} s and was stopped", retry_after=max(1, round(timeout))
            ) from None
        except (EOFError, OSError):
            self._replace(worker)
            if self._closed:
                raise WorkersBusy("the server is stopping; try again shortly", retry_after=1) from None
            raise WorkerCrashed("the query worker stopped unexpectedly") from None
        except BaseException:  # cancelled (the client went away, the server stops): the worker may be mid-query
            self._replace(worker)
            raise
        self._release(worker)
        outcome: Outcome = pickle.loads(answer)
        return outcome

    def run(self, job: Job, timeout: float) -> Outcome:
        """:meth:`arun` for a caller without an event loop of its own."""
        return asyncio.run(self.arun(job, timeout))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, set()
            self._idle.clear()
        for worker in workers:
            worker.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _main(fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(fd)
    store = ox.Store()
    store.bulk_load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        try:
            job, timeout = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        # The pool kills a worker whose query outlives its timeout. Should the pool's process die first
        # (killed, crashed), nobody would: the alarm's default action ends this process a little later,
        # even while the engine holds the GIL, where no Python signal handler could run.
        signal.setitimer(signal.ITIMER_REAL, timeout + ORPHAN_GRACE)
        outcome = execute(store, job)
        signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send(outcome)


if __name__ == "__main__":
    # Run from the imported module, so that what the worker pickles is koko.sparql.workers.Outcome.
    from koko.sparql import workers

    workers._main(int(sys.argv[1]))
