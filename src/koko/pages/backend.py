"""Where the served data lives: the embedded store, or a remote SPARQL store (``koko serve --store``).

The pages and the endpoint ask a :class:`Backend`, never a store directly, so both kinds serve
the same pages and answers (tests/test_serve_store.py compares them byte for byte):

- ``select``: the pages' own fixed queries (no parameters), over the union of the named graphs;
- ``about``: an :class:`~koko.pages.describe.Index` holding at least what the pages show about some
  resources: their statements in both directions, a named graph's content, the evidence and
  answers they link to, and the labels of everything mentioned;
- ``arun``: a client's query, with the server's timeout and row cap, from the event loop.

:class:`Embedded` answers from memory: ``about`` is the index of the whole release, built
once, and queries run in the killable worker processes (:mod:`koko.sparql.workers`). The remote kind
is :class:`koko.store.backend.RemoteStore`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from koko.pages.describe import Index, index_of
from koko.release.published import Published
from koko.sparql.workers import Job, Outcome, WorkerPool


class Backend(Protocol):
    # Read-only here: Embedded reads them off the release, RemoteStore sets them once when it connects.
    @property
    def graphs(self) -> frozenset[str]:  # the named graphs: what FROM and default-graph-uri may name
        ...

    @property
    def triples(self) -> int:  # quads in the named graphs
        ...

    def select(self, query: str) -> Sequence[ox.QuerySolution]: ...

    def about(self, iris: Collection[str], labelled: Collection[str] = (), labels: bool = True) -> Index:
        """What the pages show about ``iris``, and the labels of ``labelled`` (e.g. a picture's nodes);
        ``labels=False``: the statements only, enough for RDF (see :meth:`with_labels`)."""
        ...

    def with_labels(self, index: Index) -> Index:
        """``index`` with the labels of everything it mentions, for a page."""
        ...

    async def arun(self, job: Job, timeout: float) -> Outcome:
        """A client's query, with the server's timeout and row cap, asked from the server's event loop."""
        ...


@dataclass(frozen=True)
class Embedded:
    """The release in memory: the serving process's store for the pages, workers for the queries."""

    published: Published
    index: Index
    pool: WorkerPool | None  # None: pages only (the static site)

    @property
    def store(self) -> ox.Store:
        return self.published.store

    @property
    def graphs(self) -> frozenset[str]:
        return self.published.graphs

    @property
    def triples(self) -> int:
        return self.published.triples

    def select(self, query: str) -> Sequence[ox.QuerySolution]:
        return union_select(self.store, query)

    def about(self, iris: Collection[str], labelled: Collection[str] = (), labels: bool = True) -> Index:
        return self.index

    def with_labels(self, index: Index) -> Index:
        return index

    async def arun(self, job: Job, timeout: float) -> Outcome:
        if self.pool is None:
            raise RuntimeError("this backend has no query workers")
        return await self.pool.arun(job, timeout)


def union_select(store: ox.Store, query: str) -> Sequence[ox.QuerySolution]:
    """The solutions of a fixed SELECT query over the union of the store's named graphs."""
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions), "the pages ask SELECT queries only"
    return list(answer)


def embedded(published: Published, pool: WorkerPool | None = None) -> Embedded:
    """Index the release (a few tens of milliseconds); queries go to ``pool``."""
    return Embedded(published, index_of(published.nquads), pool)
