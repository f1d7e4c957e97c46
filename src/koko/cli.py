"""The `koko` command line: thin wrappers that parse options and call one library function.

Every command reports bad input as ``file:line: message`` on stderr and exits with 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .build import assemble, build_release
from .config import Config, load_config
from .errors import KokoError
from .formats import FORMATS, guess, load_context, lookup, parse_rdf, serialise
from .query import RESULT_FORMATS, list_canned, render, resolve, run
from .stats import as_dict, compute, summary_lines

SOURCE = click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="Brochure text file [default: data/source/koko-brochure-2020.txt].",
)
BASE = click.option(
    "--base", default=None, metavar="IRI", help="Base IRI of the data [default: https://w3id.org/koko-kg/id/, or $KOKO_BASE]."
)


def _fail(exc: KokoError) -> None:
    click.echo(f"koko: error: {exc}", err=True)
    sys.exit(2)


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
@BASE
def build(source: Path | None, out: Path, base: str | None) -> None:
    """Parse the brochure, build the graph and write the release folder.

    Writes koko.ttl, koko.jsonld (with its context inline), koko.nt, koko.trig (one named
    graph per site plus one for the programme), koko.nq, koko.rdf and context.jsonld.
    The folder is replaced in one step; on any error nothing is written.
    """
    try:
        config = load_config(base)
        knowledge = build_release(config, out, source)
    except KokoError as exc:
        _fail(exc)
    for line in summary_lines(compute(knowledge.dataset, knowledge.brochure)):
        click.echo(line)
    click.echo(f"release written to {out}/")


@main.command()
@click.option(
    "--format", "fmt", default="ttl", show_default=True, help=f"One of {', '.join(f.name for f in FORMATS)} (or a media type)."
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file; '-' or absent for stdout.")
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
    if data.is_dir():
        data = data / "koko.trig"
    try:
        return parse_rdf(data.read_bytes(), guess(data))
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", data) from exc
    except KokoError:
        raise
    except Exception as exc:  # rdflib parsers raise many types; all mean bad syntax here
        raise KokoError(f"cannot parse as RDF: {exc}", data) from exc


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
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file; '-' or absent for stdout.")
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


if __name__ == "__main__":  # pragma: no cover
    main()
