"""``koko query``: SPARQL on the embedded engine (pyoxigraph) or a remote endpoint, answered as the server answers.

Kept apart from the other commands so that it starts without rdflib, pyshacl or the web stack: a query on
the release built before (:mod:`koko.release.cache`) or on a release folder loads pyoxigraph and little else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pyoxigraph as ox

from koko.cli.common import BASE, OUT, SOURCE, fail, write
from koko.config import DEFAULT_PROFILE, MAX_ROWS, QUERY_TIMEOUT, Config, cache_folder, load_config
from koko.errors import KokoError
from koko.graph.format_table import RDF_FORMATS
from koko.graph.prefixes import prefix_table
from koko.sparql import embedded
from koko.sparql.canned import CannedQuery, list_canned, resolve
from koko.sparql.execution import Job, NoAnswer, QueryTimeout
from koko.sparql.jobs import query_job
from koko.sparql.output import SELECT_OUTPUTS, render
from koko.sparql.protocol import FORMAT_NAMES

#: The exit status of a query stopped at its --timeout (2 is bad input, 1 a failed check).
EXIT_TIMEOUT = 3
#: What CONSTRUCT and DESCRIBE are written as: the endpoint's RDF formats (TriG and N-Quads hold the default graph).
GRAPH_OUTPUTS = tuple(f.name for f in RDF_FORMATS)
FORMATS_HELP = f"SELECT/ASK: {', '.join(SELECT_OUTPUTS)}; CONSTRUCT/DESCRIBE: table (Turtle), {', '.join(GRAPH_OUTPUTS)}."


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise KokoError(f"--param {value!r}: expected name=value")
        params[name.strip()] = text
    return params


#: What the table view asks for: SPARQL JSON, which it lays out, or Turtle for a graph.
TABLE_ACCEPT = "application/sparql-results+json, text/turtle"


def _job(
    config: Config, canned: CannedQuery, given: dict[str, str], fmt: str, graphs: frozenset[str] | None, max_rows: int
) -> Job:
    """The job, in the format ``--format`` names for the query's form, or an error naming the option."""
    table = fmt == "table"
    formats = () if table else (fmt,)
    # An unknown --format was refused before any data was read, so plan() finds none here.
    job, form = query_job(canned, given, config.base, formats, graphs, max_rows, TABLE_ACCEPT if table else None)
    results, graph = FORMAT_NAMES.get(fmt, (None, None))
    if form in ("construct", "describe") and not table and graph is None:
        raise KokoError(f"--format: {fmt!r} is a result format; a {form} query writes RDF ({', '.join(GRAPH_OUTPUTS)})")
    if form in ("select", "ask") and not table and (results is None or fmt not in SELECT_OUTPUTS):
        raise KokoError(f"--format: {fmt!r} is an RDF format; this query's results are {', '.join(SELECT_OUTPUTS)}")
    return job


def _store(config: Config, data: Path | None, source: Path | None) -> ox.Store:
    if data is not None:
        return embedded.load_file(data)
    from koko.release.cache import built_nquads  # hashing the inputs; the builders load on a miss only

    return embedded.load_nquads(built_nquads(config, source, DEFAULT_PROFILE, cache_folder()))


@click.command()
@click.argument("query", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help=FORMATS_HELP,
)
@OUT
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="Query an RDF file (any format pyoxigraph reads) or a release folder instead of the graph built from the source.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries with their parameters.")
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Query a remote SPARQL endpoint instead (credentials: $KOKO_STORE_USER and $KOKO_STORE_PASSWORD, basic or with "
    "$KOKO_STORE_AUTH=digest; or $KOKO_STORE_TOKEN).",
)
@click.option(
    "--timeout",
    type=float,
    default=QUERY_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help=f"Stop the query after this long (exit {EXIT_TIMEOUT}), as the server does.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=MAX_ROWS,
    show_default=True,
    help="Write at most this many rows or triples (a note on stderr says when the answer was cut), as the server does.",
)
@SOURCE
@BASE
def query(
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
    data: Path | None,
    list_queries: bool,
    endpoint: str | None,
    timeout: float,
    max_rows: int,
    source: Path | None,
    base: str | None,
) -> None:
    """Run SPARQL: a canned query by name, a .rq file, or inline query text.

    Queries run on pyoxigraph, as the server runs them, and the JSON, XML, CSV and TSV written are the
    bytes /sparql sends for the same query. Parameters are bound as RDF terms of the type the query
    declares, never pasted into the query text. Updates and SERVICE are refused; FROM names graphs of
    the data, never fetched. The graph built from the source is kept in the cache folder
    ($KOKO_CACHE_DIR, else ~/.cache/koko-kg) until an input changes. Examples:

        koko query sites-by-state --param state=Thüringen

        koko query 'SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/koko-kg/ontology#Site> }'

    With --endpoint the query runs on a remote SPARQL endpoint, the parameters bound as a
    VALUES block at the start of its WHERE group:

        koko query sites-by-state --param state=Sachsen --endpoint http://localhost:7878/query
    """
    try:
        config = load_config(base)
        if list_queries:
            for canned in list_canned(config.queries):
                click.echo(f"{canned.name}: {canned.title}")
                for p in canned.parameters:
                    default = f" = {p.default}" if p.default else ""
                    click.echo(f"    --param {p.name} ({p.type}{', optional' if p.optional else ''}){default}: {p.description}")
            return
        if not query:
            raise KokoError("QUERY: give a canned query name, a .rq file or SPARQL text (or --list)")
        if fmt not in SELECT_OUTPUTS and fmt not in FORMAT_NAMES:  # refused before any data is read
            raise KokoError(f"--format: {fmt!r} is not a format koko query writes; {FORMATS_HELP}")
        canned = resolve(config.queries, query)
        if endpoint is not None:
            if data is not None or source is not None:
                raise KokoError("--endpoint excludes --data and --source: query the endpoint or local data")
            from koko.store.query import run_remote  # the store client, for this path only

            job = _job(config, canned, _params(params), fmt, None, max_rows)
            outcome = run_remote(endpoint, job, config.base, timeout)
        else:
            store = _store(config, data, source)
            graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
            job = _job(config, canned, _params(params), fmt, graphs, max_rows)
            outcome = embedded.run(store, job, timeout)
        try:
            body = render(outcome, fmt == "table", prefix_table(config.base))
        except KokoError as exc:
            raise KokoError(exc.message, canned.path or None) from None
        write(body, out)
        if outcome.truncated:
            click.echo(f"koko: the answer was cut at {max_rows} rows (--max-rows)", err=True)
    except embedded.QueryStopped as exc:
        # The process ends here, and the query still running in it with it.
        click.echo(f"koko: error: {exc}", err=True)
        sys.exit(EXIT_TIMEOUT)
    except QueryTimeout:
        click.echo(f"koko: error: the SPARQL endpoint {endpoint} did not answer within {timeout:g} s (--timeout)", err=True)
        sys.exit(EXIT_TIMEOUT)
    except NoAnswer as exc:
        fail(KokoError(str(exc)))
    except KokoError as exc:
        fail(exc)
