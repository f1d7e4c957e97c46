"""The jobs of the embedded engine (:mod:`koko.sparql.execution`), built in one place for every door a query
comes through: the SPARQL endpoint, the canned-query pages and ``koko query``. Built alike, the same query gives
the same bytes through each.
"""

from __future__ import annotations

from collections.abc import Mapping

from koko.errors import KokoError
from koko.graph.prefixes import turtle_prefixes
from koko.sparql.canned import CannedQuery, Term, bindings_for
from koko.sparql.execution import Job
from koko.sparql.protocol import Operation, Plan, ProtocolError, plan


def job_of(checked: Plan, base: str, max_rows: int, substitutions: Mapping[str, Term] | None = None) -> Job:
    """The job for a query :func:`koko.sparql.protocol.plan` has checked: relative IRIs resolved against
    ``base``, Turtle answers with the release's prefixes, ``substitutions`` pre-bound as RDF terms."""
    return Job(
        query=checked.query,
        result_format=checked.result_format,
        graph_format=checked.graph_format,
        default_graphs=checked.default_graphs,
        named_graphs=checked.named_graphs,
        substitutions=tuple((substitutions or {}).items()),
        max_rows=max_rows,
        # Only a graph is written with prefixes; a SELECT's job carries none.
        prefixes=turtle_prefixes(base) if checked.form not in ("select", "ask") else (),
        base_iri=base,
    )


def canned_job(
    canned: CannedQuery,
    given: Mapping[str, str],
    base: str,
    max_rows: int,
    result_format: str = "json",
    graph_format: str = "ttl",
) -> Job:
    """The job for a canned query: the values bound as RDF terms of their declared types, the text unchanged.
    Raises :class:`~koko.errors.KokoError` naming the parameter when a value does not fit its type."""
    bindings = bindings_for(canned, dict(given), base)
    return job_of(Plan(canned.text, result_format, graph_format, None, None), base, max_rows, bindings)


def query_job(
    canned: CannedQuery,
    given: Mapping[str, str],
    base: str,
    formats: tuple[str, ...],
    graphs: frozenset[str] | None,
    max_rows: int,
    accept: str | None = None,
) -> tuple[Job, str | None]:
    """The job and query form (select, ask, construct, describe) for a query a person gave ``koko query``,
    checked as the endpoint checks a client's (:func:`koko.sparql.protocol.plan`): no update, no SERVICE,
    FROM only ``graphs`` of the data (None: a remote endpoint's, which it knows). ``formats`` are the
    endpoint's ``format`` values and ``accept`` its Accept header; every problem is a :class:`KokoError`
    naming the query's file."""
    where = canned.path or canned.name
    bindings = bindings_for(canned, dict(given), base)
    try:
        checked = plan(Operation(canned.text, formats=formats), accept, base, graphs, ())
    except ProtocolError as exc:
        raise KokoError(exc.message, where) from None
    return job_of(checked, base, max_rows, bindings), checked.form
