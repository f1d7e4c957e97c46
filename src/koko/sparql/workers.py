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

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
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
            rows.append(tuple(solution[v] for v in variables))
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
        self.conn = Connection(parent.detach())
        self._killing = threading.Lock()
        self._killed = False
        self.conn.send_bytes(nquads)
        if self.conn.recv() != "ready":
            raise RuntimeError("query worker failed to start")

    def kill(self) -> None:
        """End the process and close its connection, once: a stopping pool and the thread whose query the stop
        cut off both kill the same worker, and a second close of the socket could hit a reused descriptor."""
        with self._killing:
            if self._killed:
                return
            self._killed = True
        self.process.kill()
        self.process.wait()
        self.conn.close()


class WorkerPool:
    """``size`` workers; :meth:`run` blocks its calling thread, never the others."""

    def __init__(self, nquads: bytes, size: int):
        self._nquads = nquads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
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
        except (OSError, EOFError, RuntimeError) as exc:
            print(f"koko: query worker failed to start: {exc}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        worker.kill()
        if not closed:  # a pool being closed killed this worker itself: a replacement would find the server gone
            threading.Thread(target=self._add, daemon=True).start()

    def run(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome, or :class:`PoolError` when no worker is free or the deadline passes."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise WorkersBusy("all query workers are busy; try again shortly", retry_after=max(1, round(timeout))) from None
        try:
            worker.conn.send((job, timeout))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(
                    f"the query took longer than {timeout:g} s and was stopped", retry_after=max(1, round(timeout))
                )
            outcome: Outcome = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            if self._closed:
                raise WorkersBusy("the server is stopping; try again shortly", retry_after=1) from None
            raise WorkerCrashed("the query worker stopped unexpectedly") from None
        self._idle.put(worker)
        return outcome

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, set()
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
