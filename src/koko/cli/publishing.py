"""The publishing commands: ``koko serve``, ``koko site`` and ``koko publish``.

Thin wrappers, like the rest of the CLI (:mod:`koko.cli.commands` registers them on the ``koko`` group):
each parses its options and calls :mod:`koko.web.serve`, :mod:`koko.site.static_site` or
:mod:`koko.store.publish`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from koko.cli.common import BASE, DATA, PROFILE, SOURCE, fail, refuse
from koko.config import DEFAULT_PROFILE, Config, check_base, load_config
from koko.errors import KokoError
from koko.graph.profiles import check_profile
from koko.release.build import NotConforming
from koko.release.published import Published, publish_from_release, publish_from_source, release_of
from koko.site import static_site
from koko.store import publish as publishing
from koko.store.credentials import credentials_from_env
from koko.store.http import Client, Retry, redact
from koko.web import serve as serving
from koko.web.config import load_server_config

T = TypeVar("T")


def release_to_publish(config: Config, data: Path | None, source: Path | None, profile: str = DEFAULT_PROFILE) -> Published:
    if data is not None and source is not None:
        raise KokoError("--data and --source exclude each other: serve a release folder or build from a source")
    if data is not None:
        return publish_from_release(config, data, profile)
    return publish_from_source(config, source, profile)


@click.command()
@click.option("--host", default=None, help="Interface to listen on [default: 127.0.0.1, or $KOKO_HOST].")
@click.option("--port", default=None, help="Port to listen on [default: 8000, or $KOKO_PORT].")
@click.option(
    "--timeout", default=None, help="Seconds a SPARQL query may run before it is stopped [default: 10, or $KOKO_TIMEOUT]."
)
@click.option(
    "--max-rows", default=None, help="Most rows (or triples) in one result; more are cut off and marked [default: 10000]."
)
@click.option(
    "--max-body",
    default=None,
    metavar="BYTES",
    help="Largest request body (a POSTed query); larger ones get 413 [default: 1048576, or $KOKO_MAX_BODY].",
)
@click.option(
    "--workers",
    default=None,
    help="SPARQL queries evaluated at once by a serving process, in threads sharing its store [default: 2].",
)
@click.option(
    "--processes",
    default=None,
    help="Serving processes, each with its own copy of the data: more use more cores [default: one per core, at most 4, "
    "for a release under 100,000 quads; else 1].",
)
@click.option(
    "--allow-service",
    "service_allow",
    multiple=True,
    metavar="ENDPOINT",
    help="A SPARQL endpoint that queries may reach with SERVICE (repeatable). Without it, SERVICE is refused.",
)
@click.option(
    "--store",
    default=None,
    metavar="URL",
    help="Serve from this remote SPARQL endpoint (loaded with koko publish) instead of the embedded store; "
    "--data then only supplies the downloads [default: $KOKO_STORE]. Credentials: as for koko publish.",
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="Where clients reach the server (e.g. behind a proxy), ending in '/': the root of every absolute URL it "
    "writes [default: $KOKO_PUBLIC_URL, else the request's Host when it is a plain host[:port]].",
)
@DATA
@PROFILE
@SOURCE
@BASE
def serve(
    host: str | None,
    port: str | None,
    timeout: str | None,
    max_rows: str | None,
    max_body: str | None,
    workers: str | None,
    processes: str | None,
    service_allow: tuple[str, ...],
    store: str | None,
    public_url: str | None,
    data: Path | None,
    profile: str,
    source: Path | None,
    base: str | None,
) -> None:
    """Build and validate the release (or load --data, or use the remote --store) and serve it as linked data.

    Pages for people at /, every IRI of the data at its own path (under /id/ for the default
    base; HTML or RDF by content negotiation), the SPARQL 1.1 endpoint at /sparql (read-only),
    canned queries at /-/queries, the ontology at /ontology and the dataset description at
    /.well-known/void. Nothing else needs to run: this process serves through serving processes of
    its own, each replaced when a query runs past the timeout; Ctrl-C stops them all.
    """
    try:
        settings = load_server_config(
            {
                "host": host,
                "port": port,
                "timeout": timeout,
                "max_rows": max_rows,
                "max_body": max_body,
                "workers": workers,
                "processes": processes,
                "service_allow": service_allow,
                "store": store,
                "public_url": public_url,
            }
        )
        config = load_config(base)
        if settings.store is not None and source is not None:
            raise KokoError("--store and --source exclude each other: the store holds the data (--data may add downloads)")
        release = (
            # A release folder is loaded by the serving process (koko.web.serving), not here.
            release_of(config, data, profile)
            if settings.store is not None or (data is not None and source is None and check_profile(profile) == DEFAULT_PROFILE)
            else release_to_publish(config, data, source, profile)
        )
    except NotConforming as exc:
        refuse(exc)
    except KokoError as exc:
        fail(exc)
    try:
        serving.serve(
            release,
            settings,
            lambda url, triples: click.echo(
                f"koko: serving {triples} triples{_from(settings.store)} at {url} (SPARQL at {url}sparql); Ctrl-C stops",
                err=True,
            ),
        )
    except KokoError as exc:
        fail(exc)
    except KeyboardInterrupt:
        # Ctrl-C: the serving processes are stopped by then.
        pass
    # Here after Ctrl-C or SIGTERM (systemd, docker stop): serving.serve returns only once stopped.
    click.echo("koko: stopped", err=True)


def _from(store: str | None) -> str:
    return f" from {redact(store)}" if store else ""


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Where the site will be hosted, for the absolute links of its dataset description [default: the base IRI without id/].",
)
@DATA
@PROFILE
@SOURCE
@BASE
def site(out: Path, url: str | None, data: Path | None, profile: str, source: Path | None, base: str | None) -> None:
    """Write the pages and RDF files of koko serve as a static site into OUT.

    Every IRI becomes an HTML page in German and English and a file per RDF format; beside
    them, .htaccess (Apache) and nginx.conf hold the content-negotiation rules. A static site
    has no SPARQL endpoint; canned queries show the result of their default parameters.
    OUT is replaced as a whole, or left as it was on error.
    """
    try:
        config = load_config(base)
        root = check_base(url, "--url") if url else None
        summary = static_site.write_site(release_to_publish(config, data, source, profile), out, root)
    except NotConforming as exc:
        refuse(exc)
    except KokoError as exc:
        fail(exc)
    click.echo(f"{summary.files} files ({summary.pages} pages, {summary.resources} resources) written to {out}/")


def _with_progress(total: int, send: Callable[[Callable[[int], None] | None], T]) -> T:
    """A progress bar of triples sent, on stderr and only on a terminal (logs and tests stay clean)."""
    if not sys.stderr.isatty():
        return send(None)
    with click.progressbar(length=total, label="koko: publishing", file=sys.stderr) as bar:
        return send(bar.update)


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's SPARQL query endpoint; a root URL ending in '/' means Oxigraph's query, update and store below it.",
)
@click.option(
    "--update",
    "update_url",
    default=None,
    metavar="URL",
    help="SPARQL 1.1 Update endpoint [default: ROOT/update for a root URL, else the --endpoint URL].",
)
@click.option(
    "--graph-store",
    default=None,
    metavar="URL",
    help="Graph Store Protocol endpoint [default: ROOT/store for a root URL, else none: SPARQL Update is used].",
)
@click.option(
    "--named-graphs/--default-graph",
    default=True,
    show_default=True,
    help="Load each named graph of the release as such, or all triples into the store's default graph.",
)
@click.option(
    "--replace", is_flag=True, help="Load each graph into a staging graph, then MOVE it onto its target: no half-loaded graph."
)
@click.option(
    "--bulk/--per-graph",
    default=True,
    show_default=True,
    help="Send many named graphs per request (N-Quads to the Graph Store endpoint, or one update), or one graph at a "
    "time; bulk falls back to one at a time when the store refuses it. --replace is always one at a time.",
)
@click.option(
    "--chunk-size", type=click.IntRange(min=1), default=publishing.DEFAULT_CHUNK, show_default=True, help="Triples per request."
)
@click.option(
    "--retries", type=click.IntRange(min=1), default=5, show_default=True, help="Tries per request on 5xx and connection errors."
)
@click.option(
    "--retry-delay",
    type=click.FloatRange(min=0),
    default=0.5,
    show_default=True,
    help="Seconds before the first retry; doubled after each.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True, help="Seconds per HTTP request."
)
@DATA
@SOURCE
@BASE
def publish(
    endpoint: str,
    update_url: str | None,
    graph_store: str | None,
    named_graphs: bool,
    replace: bool,
    bulk: bool,
    chunk_size: int,
    retries: int,
    retry_delay: float,
    timeout: float,
    data: Path | None,
    source: Path | None,
    base: str | None,
) -> None:
    """Load the release into a remote triplestore and verify every graph's triple count.

    Many graphs go in one request: N-Quads POSTed to the Graph Store endpoint (our graphs
    that exist are dropped first), or SPARQL 1.1 Update where the store has no Graph Store
    endpoint; a store that refuses gets one graph at a time (PUT replaces it). Credentials come
    from KOKO_STORE_USER and KOKO_STORE_PASSWORD (basic auth, or HTTP Digest with
    KOKO_STORE_AUTH=digest) or KOKO_STORE_TOKEN (bearer), never from the command line. Exit 0
    when every count matches, 1 on a mismatch (each graph named), 2 on errors. See
    docs/triplestores.md.
    """
    try:
        config = load_config(base)
        ends = publishing.derive_endpoints(endpoint, update_url, graph_store)
        client = Client(credentials_from_env(), Retry(tries=retries, delay=retry_delay), timeout)
        graphs = publishing.local_graphs(release_to_publish(config, data, source).nquads, named_graphs)
        report = _with_progress(
            sum(len(g.lines) for g in graphs),
            lambda step: publishing.publish(
                graphs, ends, client, replace=replace, chunk_size=chunk_size, progress=step, bulk=bulk
            ),
        )
    except NotConforming as exc:
        refuse(exc)
    except KokoError as exc:
        fail(exc)
    if report.bulk_refused:
        click.echo(f"koko: no bulk load ({report.bulk_refused}): loaded graph by graph", err=True)
    if report.fallback:
        click.echo(f"koko: no Graph Store endpoint ({report.fallback}): used SPARQL 1.1 Update", err=True)
    for wrong in report.mismatches:
        where = " in the staging graph; the target was left as it was" if wrong.staged else ""
        click.echo(f"koko: mismatch: {wrong.graph.label}: {wrong.local} triples here, {wrong.remote} remote{where}", err=True)
    click.echo(f"published {report.triples} triples in {len(report.counts)} graph(s) to {redact(ends.query)} ({report.method})")
    if report.mismatches:
        click.echo(f"koko: error: {len(report.mismatches)} of {len(report.counts)} graph(s) differ from the release", err=True)
        sys.exit(1)
    click.echo("verified: every graph's triple count matches the release")
