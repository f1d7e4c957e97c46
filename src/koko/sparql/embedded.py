"""``koko query`` on the embedded engine: data in a pyoxigraph store, each query run as the server runs it.

One engine for the command line and the server: the command builds the same
:class:`~koko.sparql.execution.Job` as the endpoint (:mod:`koko.sparql.jobs`), runs it with the server's
:func:`~koko.sparql.execution.execute` and so writes the same bytes. Only the process differs. The server
replaces its serving process to end a runaway query; a command is one process already, so the query runs in a
thread of its own and, past the timeout, the command reports it and ends, and the query ends with it
(pyoxigraph has no cancel; it releases the GIL while it evaluates, so the waiting thread wakes on time).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox

from koko.errors import KokoError
from koko.graph.format_table import RdfFormat, guess
from koko.graph.untrusted import read_checked
from koko.sparql.execution import Job, Outcome, execute

#: The release file ``--data FOLDER`` reads, quickest to parse first.
RELEASE_FILES = ("koko.nq", "koko.trig")


class QueryStopped(KokoError):
    """The query ran past its timeout; the command ends (and the query with it)."""

    def __init__(self, timeout: float):
        super().__init__(f"the query took longer than {timeout:g} s and was stopped (--timeout)")


def load_file(path: Path, fmt: RdfFormat | None = None) -> ox.Store:
    """A store holding an RDF file in any format pyoxigraph reads; the triples of a triple format land in a
    graph named after the file, as :func:`koko.graph.formats.read_rdf_file` reads them. A release folder
    is read from its N-Quads (or TriG) file. Nothing is fetched: no remote JSON-LD context, no entities."""
    if path.is_dir():
        found = [path / name for name in RELEASE_FILES if (path / name).is_file()]
        if not found:
            raise KokoError(f"not a release folder: it has none of {', '.join(RELEASE_FILES)}", path)
        path = found[0]
    fmt = fmt or guess(path)
    data = read_checked(path, fmt)
    store = ox.Store()
    graph = None if fmt.quads else ox.NamedNode(path.resolve().as_uri())
    try:
        store.bulk_load(data, fmt.engine, base_iri=path.resolve().as_uri(), to_graph=graph)
    except SyntaxError as exc:
        message = str(exc).splitlines()[0]
        raise KokoError(f"cannot parse as {fmt.name}: {message}", path, exc.lineno) from None
    return store


def load_nquads(data: bytes) -> ox.Store:
    """A store holding N-Quads that koko wrote itself (the release built from the sources)."""
    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_QUADS)
    return store


def run(store: ox.Store, job: Job, timeout: float) -> Outcome:
    """The job's outcome, or :class:`QueryStopped` once ``timeout`` seconds have passed.

    The query's thread is a daemon: the caller is expected to end the process on :class:`QueryStopped`,
    which stops the query; a library caller that goes on leaves it running to its end.
    """
    if not timeout > 0:
        raise KokoError("--timeout: give a number of seconds greater than 0")
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(execute(store, job)), name="koko-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcomes:
        raise QueryStopped(timeout)
    return outcomes[0]
