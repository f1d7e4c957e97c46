"""The commands that build and check the graph: build, coverage, export, stats, validate, infer.

Thin wrappers that parse options and call one library function; :mod:`koko.cli.main` loads this module
when one of them is called. Every command reports bad input as ``file:line: message`` on stderr and
exits with 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager

from koko.checks import infer as reasoning
from koko.checks import report as reports
from koko.checks.validate import INFERENCE, load_shapes, validate_dataset
from koko.cli.common import BASE, OUT, PROFILE, SOURCE, fail, refuse, write
from koko.config import Config, load_config
from koko.errors import KokoError
from koko.graph.formats import FORMATS, load_context, lookup, read_rdf_file, serialise
from koko.graph.model import bind_prefixes
from koko.graph.stats import as_dict, compute, summary_lines
from koko.release.build import NotConforming, assemble, build_release, read_curation
from koko.source import coverage as curated_coverage


@click.command()
@SOURCE
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Release folder to (re)write."
)
@click.option("--infer", is_flag=True, help="Also write the OWL 2 RL entailments (koko-inferred.ttl, koko-inferred.trig).")
@PROFILE
@BASE
def build(source: Path | None, out: Path, infer: bool, profile: str, base: str | None) -> None:
    """Parse the brochure, build and validate the graph, and write the release folder.

    Writes koko.ttl, koko.jsonld (with its context inline), koko.nt, koko.trig (one named
    graph per site, per curated file and for the programme), koko.nq, koko.rdf and context.jsonld.
    The data must conform to the shapes (shapes/*.shapes.ttl): otherwise the report is
    printed and nothing is written (exit 1). The folder is replaced in one step; on any
    other error nothing is written either (exit 2). With --profile minimal the release keeps
    every post but not the names of the people who held them (docs/data-protection.md).
    """
    try:
        config = load_config(base)
        knowledge, report = build_release(config, out, source, infer=infer, profile=profile)
    except NotConforming as exc:
        refuse(exc)
    except KokoError as exc:
        fail(exc)
    for line in summary_lines(compute(knowledge.dataset, knowledge.brochure)):
        click.echo(line)
    curation = knowledge.curation
    click.echo(f"curated: {len(curation.facts)} facts about {len(curation.entities)} things, each with its quote")
    counts = report.counts()
    click.echo(f"validation: conforms ({counts['Warning']} warning(s), {counts['Info']} info(s))")
    click.echo(f"release written to {out}/" + ("" if profile == "full" else f" (profile {profile})"))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--sentences", "by_sentence", is_flag=True, help="List every sentence no fact quotes and no reason explains.")
@click.option("--part", default=None, help="With --sentences: only this site (slug) or section.")
@SOURCE
def coverage(fmt: str, by_sentence: bool, part: str | None, source: Path | None) -> None:
    """Curated facts per site and section by kind, and the sentences no fact accounts for.

    Every sentence of the brochure is the evidence of a fact or is listed in its curated file
    with a reason (data/curated/README.md); the exit code is 1 while any is unaccounted for.
    """
    try:
        brochure, curation = read_curation(load_config(), source)
    except KokoError as exc:
        fail(exc)
    result = curated_coverage.compute(curation, brochure)
    if by_sentence and fmt == "text":
        click.echo(curated_coverage.render_sentences(result, part), nl=False)
    else:
        click.echo(curated_coverage.render(result, fmt), nl=False)
    if by_sentence and result.unaccounted:
        sys.exit(1)


@click.command()
@click.option(
    "--format", "fmt", default="ttl", show_default=True, help=f"One of {', '.join(f.name for f in FORMATS)} (or a media type)."
)
@OUT
@PROFILE
@SOURCE
@BASE
def export(fmt: str, out: Path | None, profile: str, source: Path | None, base: str | None) -> None:
    """Write the graph in one RDF format (with --profile minimal, without personal names)."""
    try:
        config = load_config(base)
        rdf_format = lookup(fmt)
        knowledge = assemble(config, source, profile)
        write(serialise(knowledge.dataset, rdf_format, load_context(config.context)), out)
    except KokoError as exc:
        fail(exc)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@SOURCE
@BASE
def stats(fmt: str, source: Path | None, base: str | None) -> None:
    """Counts per class and per property, and the brochure's headline figures."""
    try:
        knowledge = assemble(load_config(base), source)
    except KokoError as exc:
        fail(exc)
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


def _read_data(paths: tuple[Path, ...], config: Config, source: Path | None) -> Dataset:
    """The user's RDF files merged into one dataset (graphs kept apart), or our release."""
    if not paths:
        return assemble(config, source).dataset
    merged = Dataset(default_union=True)
    merged.namespace_manager = NamespaceManager(merged, bind_namespaces="none")
    bind_prefixes(merged, config.base)
    for path in paths:
        for s, p, o, g in read_rdf_file(path).quads((None, None, None, None)):
            merged.graph(g.identifier if isinstance(g, Graph) else g).add((s, p, o))
    return merged


@click.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(path_type=Path),
    default=None,
    help="Shapes for the union of all graphs [default: shapes/koko.shapes.ttl with shapes/plausibility.shapes.ttl].",
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
            load_shapes(shapes) if shapes else load_shapes(*config.data_shapes),
            load_shapes(graph_shapes or config.graph_shapes),
            inference=inference,
            ontology=reasoning.load_ontology(config) if inference != "none" else None,
        )
        write(reports.render(report, fmt, dataset, lang).encode("utf-8"), out)
    except KokoError as exc:
        fail(exc)
    sys.exit(0 if report.conforms else 1)


@click.command()
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
        write(serialise(inferred, rdf_format, load_context(config.context)), out)
        click.echo(f"{len(inference.entailed)} entailed triples", err=True)
    except KokoError as exc:
        fail(exc)
