"""Where the served data lives: the embedded store, or a remote SPARQL store (``koko serve --store``).

The pages and the endpoint ask a :class:`Backend`, never a store directly, so both kinds serve
the same pages and answers (tests/test_serve_store.py compares them byte for byte):

- ``select``: the pages' own fixed queries (no parameters), over the union of the named graphs;
- ``about``: an :class:`~koko.pages.describe.Index` holding at least what the pages show about some
  resources: their statements in both directions, a named graph's content, the evidence and
  answers they link to, and the labels of everything mentioned (:mod:`koko.pages.about`);
- ``arun``: a client's query, with the server's timeout and row cap, from the event loop.

:class:`Embedded` answers from the release's one in-memory store: the pages' queries in the request's
thread, clients' queries in :class:`~koko.sparql.execution.QueryThreads`. The remote kind is
:class:`koko.store.backend.RemoteStore`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from koko.pages.about import StoreDescriber
from koko.pages.describe import Index, index_of
from koko.release.published import Published
from koko.sparql.execution import Job, Outcome, QueryThreads


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
class Embedded(StoreDescriber):
    """The release in memory: one store for the pages and, in threads, for clients' queries."""

    published: Published
    threads: QueryThreads | None  # None: pages only (the static site)

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

    async def arun(self, job: Job, timeout: float) -> Outcome:
        if self.threads is None:
            raise RuntimeError("this backend runs no client queries")
        return await self.threads.arun(job, timeout)


def union_select(store: ox.Store, query: str) -> Sequence[ox.QuerySolution]:
    """The solutions of a fixed SELECT query over the union of the store's named graphs."""
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions), "the pages ask SELECT queries only"
    return list(answer)


def embedded(published: Published, threads: QueryThreads | None = None) -> Embedded:
    """The release's backend; clients' queries go to ``threads``."""
    return Embedded(published, threads)


@dataclass(frozen=True)
class Indexed(Embedded):
    """The release with an index of every statement, for a job that renders every page (the static site):
    each page's :meth:`about` is then free, where two queries a page would add up over thousands of pages."""

    index: Index

    def about(self, iris: Collection[str], labelled: Collection[str] = (), labels: bool = True) -> Index:
        return self.index

    def with_labels(self, index: Index) -> Index:
        return index


def indexed(published: Published, threads: QueryThreads | None = None) -> Indexed:
    """The release's backend with its whole index (a few tens of milliseconds for the release)."""
    return Indexed(published, threads, index_of(published.nquads))


#: Up to this many quads the server holds the pages' index beside the store (:func:`for_serving`).
INDEX_LIMIT = 100_000


def for_serving(published: Published, threads: QueryThreads, limit: int = INDEX_LIMIT) -> Embedded:
    """The serving process's backend. A page's two store queries cost 2-3 ms of the GIL (docs/performance.md),
    which an index of every statement answers in microseconds; the index takes about 600 bytes a quad and
    8 s a million quads to build, so a release up to ``limit`` quads has one (the KoKo release:
    18 thousand quads, 0.1 s), a larger one asks the store."""
    return indexed(published, threads) if published.triples <= limit else embedded(published, threads)
