"""The `koko` command line: thin wrappers that parse options and call one library function.

Every command reports bad input as ``file:line: message`` on stderr and exits with 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rdflib import Dataset
from rdflib.namespace import NamespaceManager

from . import __version__, static_site
from . import coverage as curated_coverage
from . import infer as reasoning
from . import report as reports
from . import serve as serving
from .build import NotConforming, assemble, build_release
from .config import Config, check_base, load_config
from .errors import KokoError
from .formats import FORMATS, load_context, lookup, read_rdf_file, serialise
from .model import bind_prefixes
from .published import Published, publish_from_release, publish_from_source
from .query import RESULT_FORMATS, list_canned, render, resolve, run
from .server_config import load_server_config
from .stats import as_dict, compute, summary_lines
from .validate import INFERENCE, load_shapes, validate_dataset

SOURCE = click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="Brochure text file [default: data/source/koko-brochure-2020.txt].",
)
OUT = click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file; '-' or absent for stdout.")
BASE = click.option(
    "--base", default=None, metavar="IRI", help="Base IRI of the data [default: https://w3id.org/koko-kg/id/, or $KOKO_BASE]."
)


def _fail(exc: KokoError) -> None:
    click.echo(f"koko: error: {exc}", err=True)
    sys.exit(2)


def _refuse(exc: NotConforming) -> None:
    """The data breaks the shapes: print the report and exit 1, having written nothing."""
    click.echo(reports.render_text(exc.report), err=True, nl=False)
    click.echo(f"koko: error: {exc}", err=True)
    sys.exit(1)


def _write(data: bytes, out: Path | None) -> None:
    """Write to a file atomically, or to stdout when no file (or '-') is given."""
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KokoError(f"cannot write: {exc.strerror}", out) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="koko")
def main() -> None:
    """koko-kg: the KoKo brochure (TransMit, 2020) as a linked-data knowledge graph."""


@main.command()
@SOURCE
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Release folder to (re)write."
)
@click.option("--infer", is_flag=True, help="Also write the OWL 2 RL entailments (koko-inferred.ttl, koko-inferred.trig).")
@BASE
def build(source: Path | None, out: Path, infer: bool, base: str | None) -> None:
    """Parse the brochure, build and validate the graph, and write the release folder.

    Writes koko.ttl, koko.jsonld (with its context inline), koko.nt, koko.trig (one named
    graph per site, per curated file and for the programme), koko.nq, koko.rdf and context.jsonld.
    The data must conform to the shapes (shapes/*.shapes.ttl): otherwise the report is
    printed and nothing is written (exit 1). The folder is replaced in one step; on any
    other error nothing is written either (exit 2).
    """
    try:
        config = load_config(base)
        knowledge, report = build_release(config, out, source, infer=infer)
    except NotConforming as exc:
        _refuse(exc)
    except KokoError as exc:
        _fail(exc)
    for line in summary_lines(compute(knowledge.dataset, knowledge.brochure)):
        click.echo(line)
    curation = knowledge.curation
    click.echo(f"curated: {len(curation.facts)} facts about {len(curation.entities)} things, each with its quote")
    counts = report.counts()
    click.echo(f"validation: conforms ({counts['Warning']} warning(s), {counts['Info']} info(s))")
    click.echo(f"release written to {out}/")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@SOURCE
def coverage(fmt: str, source: Path | None) -> None:
    """Curated facts per site and section by kind, and every answer without any.

    An answer may stay without a fact only with a comment in its site's file saying why
    ("# question-slug: no curatable fact — reason"); it is listed with that reason.
    """
    try:
        knowledge = assemble(load_config(), source)
    except KokoError as exc:
        _fail(exc)
    click.echo(curated_coverage.render(curated_coverage.compute(knowledge.curation, knowledge.brochure), fmt), nl=False)


@main.command()
@click.option(
    "--format", "fmt", default="ttl", show_default=True, help=f"One of {', '.join(f.name for f in FORMATS)} (or a media type)."
)
@OUT
@SOURCE
@BASE
def export(fmt: str, out: Path | None, source: Path | None, base: str | None) -> None:
    """Write the graph in one RDF format."""
    try:
        config = load_config(base)
        rdf_format = lookup(fmt)
        knowledge = assemble(config, source)
        _write(serialise(knowledge.dataset, rdf_format, load_context(config.context)), out)
    except KokoError as exc:
        _fail(exc)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@SOURCE
@BASE
def stats(fmt: str, source: Path | None, base: str | None) -> None:
    """Counts per class and per property, and the brochure's headline figures."""
    try:
        knowledge = assemble(load_config(base), source)
    except KokoError as exc:
        _fail(exc)
    figures = compute(knowledge.dataset, knowledge.brochure)
    if fmt == "json":
        click.echo(json.dumps(as_dict(figures), indent=2, ensure_ascii=False))
        return
    for line in summary_lines(figures):
        click.echo(line)
    for title, rows in (("classes", figures.classes), ("properties", figures.properties)):
        click.echo(f"\n{title}:")
        width = max(len(name) for name, _ in rows)
        for name, count in rows:
            click.echo(f"  {name.ljust(width)}  {count:>5}")


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise KokoError(f"--param {value!r}: expected name=value")
        params[name.strip()] = text
    return params


def _load_data(config: Config, data: Path | None, source: Path | None):
    if data is None:
        return assemble(config, source).dataset
    return read_rdf_file(data / "koko.trig" if data.is_dir() else data)


@main.command()
@click.argument("query", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help=f"SELECT/ASK: {', '.join(RESULT_FORMATS)}; CONSTRUCT/DESCRIBE: an RDF format ({', '.join(f.name for f in FORMATS)}).",
)
@OUT
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=None,
    help="Query an RDF file or release folder instead of building from the source.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries with their parameters.")
@SOURCE
@BASE
def query(
    query: str | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
    data: Path | None,
    list_queries: bool,
    source: Path | None,
    base: str | None,
) -> None:
    """Run SPARQL: a canned query by name, a .rq file, or inline query text.

    Parameters are bound as RDF terms of the type the query declares, never pasted into
    the query text. Examples:

        koko query sites-by-state --param state=Thüringen

        koko query 'SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/koko-kg/ontology#Site> }'
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
        canned = resolve(config.queries, query)
        dataset = _load_data(config, data, source)
        result = run(dataset, canned, _params(params), config.base)
        prefixes = {prefix: str(ns) for prefix, ns in dataset.namespaces() if prefix}
        _write(render(result, fmt, load_context(config.context), prefixes), out)
    except KokoError as exc:
        _fail(exc)


def _read_data(paths: tuple[Path, ...], config: Config, source: Path | None):
    """The user's RDF files merged into one dataset (graphs kept apart), or our release."""
    if not paths:
        return assemble(config, source).dataset
    merged = Dataset(default_union=True)
    merged.namespace_manager = NamespaceManager(merged, bind_namespaces="none")
    bind_prefixes(merged, config.base)
    for path in paths:
        for s, p, o, g in read_rdf_file(path).quads((None, None, None, None)):
            merged.graph(g.identifier if hasattr(g, "identifier") else g).add((s, p, o))
    return merged


@main.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(path_type=Path),
    default=None,
    help="Shapes for the union of all graphs [default: shapes/koko.shapes.ttl].",
)
@click.option(
    "--graph-shapes",
    type=click.Path(path_type=Path),
    default=None,
    help="Shapes for each named graph alone [default: shapes/graphs.shapes.ttl].",
)
@click.option(
    "--inference",
    type=click.Choice(INFERENCE),
    default="none",
    show_default=True,
    help="Expand a copy of the data with the ontology before validating.",
)
@click.option("--format", "fmt", type=click.Choice(reports.FORMATS), default="text", show_default=True)
@click.option(
    "--lang",
    type=click.Choice(reports.LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the messages in the text report (JSON and Turtle carry both).",
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Report file; '-' or absent for stdout.")
@SOURCE
@BASE
def validate(
    data: tuple[Path, ...],
    shapes: Path | None,
    graph_shapes: Path | None,
    inference: str,
    fmt: str,
    lang: str,
    out: Path | None,
    source: Path | None,
    base: str | None,
) -> None:
    """Validate RDF files (or, without DATA, the graph built from the brochure) with SHACL.

    DATA are Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML files, merged into one
    dataset; give our release with your additions (dist/koko.trig my-site.ttl) to check
    links into it. Exit 0 when the data conforms, 1 on violations, 2 on errors.
    """
    try:
        config = load_config(base)
        dataset = _read_data(data, config, source)
        report = validate_dataset(
            dataset,
            load_shapes(shapes or config.shapes),
            load_shapes(graph_shapes or config.graph_shapes),
            inference=inference,
            ontology=reasoning.load_ontology(config) if inference != "none" else None,
        )
        _write(reports.render(report, fmt, dataset, lang).encode("utf-8"), out)
    except KokoError as exc:
        _fail(exc)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.option(
    "--format",
    "fmt",
    default="ttl",
    show_default=True,
    help=f"RDF format ({', '.join(f.name for f in FORMATS)}); trig and nq name the graph.",
)
@OUT
@SOURCE
@BASE
def infer(fmt: str, out: Path | None, source: Path | None, base: str | None) -> None:
    """Compute the OWL 2 RL closure of ontology + data and write only the new triples.

    The entailments go in their own named graph (graph/inferred), apart from the
    asserted data. Exit 1 if the closure is inconsistent (disjoint classes share a member,
    or something is an owl:Nothing).
    """
    try:
        config = load_config(base)
        rdf_format = lookup(fmt)
        dataset = assemble(config, source).dataset
        inference = reasoning.infer(dataset, reasoning.load_ontology(config))
        if not inference.consistent:
            for problem in inference.inconsistencies:
                click.echo(f"inconsistent: {problem}", err=True)
            sys.exit(1)
        inferred = reasoning.inferred_dataset(inference, config.base, dataset)
        _write(serialise(inferred, rdf_format, load_context(config.context)), out)
        click.echo(f"{len(inference.entailed)} entailed triples", err=True)
    except KokoError as exc:
        _fail(exc)


def _publish(config: Config, data: Path | None, source: Path | None) -> Published:
    if data is not None and source is not None:
        raise KokoError("--data and --source exclude each other: serve a release folder or build from a source")
    return publish_from_release(config, data) if data is not None else publish_from_source(config, source)


DATA = click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Publish a release folder written by koko build instead of building from the source.",
)


@main.command()
@click.option("--host", default=None, help="Interface to listen on [default: 127.0.0.1, or $KOKO_HOST].")
@click.option("--port", default=None, help="Port to listen on [default: 8000, or $KOKO_PORT].")
@click.option(
    "--timeout", default=None, help="Seconds a SPARQL query may run before it is stopped [default: 10, or $KOKO_TIMEOUT]."
)
@click.option(
    "--max-rows", default=None, help="Most rows (or triples) in one result; more are cut off and marked [default: 10000]."
)
@click.option("--workers", default=None, help="Query worker processes, each with its own copy of the data [default: 2].")
@click.option(
    "--allow-service",
    "service_allow",
    multiple=True,
    metavar="ENDPOINT",
    help="A SPARQL endpoint that queries may reach with SERVICE (repeatable). Without it, SERVICE is refused.",
)
@DATA
@SOURCE
@BASE
def serve(
    host: str | None,
    port: str | None,
    timeout: str | None,
    max_rows: str | None,
    workers: str | None,
    service_allow: tuple[str, ...],
    data: Path | None,
    source: Path | None,
    base: str | None,
) -> None:
    """Build and validate the release (or load --data) and serve it as linked data.

    Pages for people at /, every IRI of the data under /id/ (HTML or RDF by content
    negotiation), the SPARQL 1.1 endpoint at /sparql (read-only), canned queries at
    /-/queries, the ontology at /ontology and the dataset description at
    /.well-known/void. Nothing but this process is needed; Ctrl-C stops it.
    """
    try:
        settings = load_server_config(
            {
                "host": host,
                "port": port,
                "timeout": timeout,
                "max_rows": max_rows,
                "workers": workers,
                "service_allow": service_allow,
            }
        )
        published = _publish(load_config(base), data, source)
    except NotConforming as exc:
        _refuse(exc)
    except KokoError as exc:
        _fail(exc)
    try:
        serving.serve(
            published,
            settings,
            lambda url: click.echo(
                f"koko: serving {published.triples} triples at {url} (SPARQL at {url}sparql); Ctrl-C stops", err=True
            ),
        )
    except KokoError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        # uvicorn re-raises the Ctrl-C it caught once it has shut down; the workers are stopped by then.
        click.echo("koko: stopped", err=True)


@main.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Where the site will be hosted, for the absolute links of its dataset description [default: the base IRI without id/].",
)
@DATA
@SOURCE
@BASE
def site(out: Path, url: str | None, data: Path | None, source: Path | None, base: str | None) -> None:
    """Write the pages and RDF files of koko serve as a static site into OUT.

    Every IRI becomes an HTML page in German and English and a file per RDF format; beside
    them, .htaccess (Apache) and nginx.conf hold the content-negotiation rules. A static site
    has no SPARQL endpoint; canned queries show the result of their default parameters.
    OUT is replaced as a whole, or left as it was on error.
    """
    try:
        config = load_config(base)
        root = check_base(url, "--url") if url else None
        summary = static_site.write_site(_publish(config, data, source), out, root)
    except NotConforming as exc:
        _refuse(exc)
    except KokoError as exc:
        _fail(exc)
    click.echo(f"{summary.files} files ({summary.pages} pages, {summary.resources} resources) written to {out}/")


if __name__ == "__main__":  # pragma: no cover
    main()
