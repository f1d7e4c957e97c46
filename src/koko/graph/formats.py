"""The release's RDF writers and readers; the formats are those of :mod:`koko.graph.format_table`.

The release, ``koko export`` and ``koko infer`` write with :func:`serialise` and :func:`serialise_all`
(the server writes with pyoxigraph). Every writer returns the same bytes for the same graph, whatever
Python's hash seed, and keeps each literal's lexical form; how each format is written is told in
:mod:`koko.graph.writers`. Reading is rdflib's, with errors that name the file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef

from koko.errors import KokoError, decode_strictly
from koko.graph import writers
from koko.graph.format_table import RDF_FORMATS, TURTLE, RdfFormat
from koko.graph.format_table import guess as guess  # re-exported for the release and the command line
from koko.graph.format_table import lookup as lookup
from koko.graph.untrusted import check_safe, read_checked

#: The table's RDF formats, by the name the release and the command line import them.
FORMATS = RDF_FORMATS


def union(dataset: Dataset, graph: Graph | None = None) -> Graph:
    """All triples of all named graphs in one graph (a new one, or ``graph``, a plain Graph), with the
    dataset's prefixes."""
    graph = Graph(bind_namespaces="none") if graph is None else graph
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    # Graph by graph, into the store: what Graph.add does without its checks, and without the contexts
    # of every triple that Dataset.quads looks up (a fifth less time; the validation waits for this).
    add = graph.store.add
    for named in dataset.graphs():
        for triple in named:
            add(triple, graph)
    return graph


def load_context(path: Path) -> dict[str, Any]:
    """The ``@context`` of a JSON-LD context file; a syntax error names its line and column.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "koko.context.jsonld"
    ...     _ = path.write_text('{"@context": {\\n  "koko": "https://w3id.org/koko-kg/"\\n  "org": ""}}\\n', encoding="utf-8")
    ...     try:
    ...         load_context(path)
    ...     except KokoError as exc:
    ...         print(exc.line, exc.column, exc.message)
    3 3 cannot parse the JSON-LD context: Expecting ',' delimiter
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KokoError(f"cannot read the JSON-LD context: {exc.strerror}", path) from exc
    try:
        document = json.loads(decode_strictly(raw, path, "a JSON-LD context file"))
    except json.JSONDecodeError as exc:
        raise KokoError(f"cannot parse the JSON-LD context: {exc.msg}", path, exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise KokoError("cannot parse the JSON-LD context: nested too deeply", path) from exc
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        raise KokoError("a JSON-LD context file must be an object with an '@context' object", path)
    context: dict[str, Any] = document["@context"]
    return context


def read_turtle(graph: Graph, path: Path, what: str) -> Graph:
    """Parse the Turtle file ``path`` into ``graph``: ``what`` it holds ("shapes", "ontology") names it in errors,
    which give the file, the line and, where the parser tells, the column."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KokoError(f"{what} file not found", path) from exc
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", path) from exc
    decode_strictly(raw, path, "a Turtle file")  # rdflib would only say 'utf-8' codec can't decode, without a line
    try:
        graph.parse(path, format="turtle")  # from the path, so that relative IRIs resolve against the file as before
    except Exception as exc:  # rdflib's Turtle parser raises BadSyntax and friends
        raise turtle_error(exc, path, what) from exc
    return graph


def turtle_error(exc: Exception, path: Path, what: str) -> KokoError:
    """rdflib's Turtle parse error, short: its reason at file:line:column, without the dump of the bytes around.

    >>> try:
    ...     Graph().parse(data="@prefix sh <http://www.w3.org/ns/shacl#> .\\n", format="turtle")
    ... except Exception as exc:
    ...     print(turtle_error(exc, Path("broken.ttl"), "shapes"))
    broken.ttl:1:8: cannot parse the shapes: Turtle syntax error: expected qname after @prefix
    """
    why = getattr(exc, "_why", None)  # BadSyntax keeps its reason apart from the message it builds
    line = _error_line(exc, b"", TURTLE)
    if not isinstance(why, str):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return KokoError(f"cannot parse the {what}: {first}", path, line)
    return KokoError(f"cannot parse the {what}: Turtle syntax error: {why}", path, line, _bad_syntax_column(exc, line))


def _bad_syntax_column(exc: Exception, line: int | None) -> int | None:
    """The column of a BadSyntax error: it keeps the whole text and the offset where the parser stopped."""
    text, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if not isinstance(text, bytes) or not isinstance(offset, int):
        return None
    text = text.decode("utf-8", "replace")
    if text.count("\n", 0, offset) + 1 != line:  # at the end of the file the offset can run past the line it counts
        return None
    return offset - (text.rfind("\n", 0, offset) + 1) + 1


def jsonld_by_rdflib(graph: Graph, context: dict[str, Any]) -> bytes:
    """rdflib's compacted JSON-LD of ``graph``, sorted: what the release wrote before :func:`koko.graph.writers.compact`,
    which the tests hold it to, and what writes the graphs that one leaves to rdflib."""
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    return writers.jsonld_text(document, context)


#: The writer of every format but JSON-LD, which needs the context.
WRITERS: dict[str, Callable[[writers.Statements], bytes]] = {
    "ttl": writers.turtle,
    "nt": writers.ntriples,
    "trig": writers.trig,
    "nq": writers.nquads,
    "xml": writers.rdfxml,
}


def serialise_all(dataset: Dataset, formats: Iterable[RdfFormat], context: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The dataset in each of ``formats`` (by format name), its statements read once for all of them;
    triple formats get the union of all named graphs."""
    statements = writers.Statements(dataset)
    written: dict[str, bytes] = {}
    for fmt in formats:
        if fmt.name == "jsonld":
            if context is None:
                raise KokoError("JSON-LD needs the context file ontology/koko.context.jsonld")
            document = writers.compact(statements.rdflib_triples(), context)
            written[fmt.name] = (
                writers.jsonld_text(document, context) if document is not None else jsonld_by_rdflib(union(dataset), context)
            )
        else:
            written[fmt.name] = WRITERS[fmt.name](statements)
    return written


def serialise(dataset: Dataset, fmt: RdfFormat, context: dict[str, Any] | None = None) -> bytes:
    """The dataset in ``fmt``; triple formats get the union of all named graphs."""
    return serialise_all(dataset, [fmt], context)[fmt.name]


def parse_rdf(data: bytes, fmt: RdfFormat, context: dict[str, Any] | None = None) -> Dataset:
    """Read back a serialisation (used by tests and by `koko query --data`)."""
    check_safe(data, fmt)
    dataset = Dataset(default_union=True)
    if fmt.name == "jsonld":
        dataset.default_graph.parse(data=data, format="json-ld")
    elif fmt.quads:
        dataset.parse(data=data, format=fmt.rdflib)
    else:
        dataset.default_graph.parse(data=data, format=fmt.rdflib)
    return dataset


def _error_line(exc: Exception, data: bytes, fmt: RdfFormat) -> int | None:
    """The 1-based line of a parse error, from whatever the parser reported."""
    lines, lineno, sax_line = getattr(exc, "lines", None), getattr(exc, "lineno", None), getattr(exc, "getLineNumber", None)
    if isinstance(lines, int):  # Turtle/TriG BadSyntax: 0-based
        return lines + 1
    if isinstance(lineno, int):  # JSON
        return lineno
    if sax_line is not None:  # RDF/XML SAX
        reported = sax_line()
        return reported if isinstance(reported, int) else None
    if fmt.name in ("nt", "nq"):  # the line-based parsers only quote the bad line
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            try:
                Graph().parse(data=line, format="nt" if fmt.name == "nt" else "nquads")
            except Exception:
                return number
    return None


def read_rdf_file(path: Path, fmt: RdfFormat | None = None) -> Dataset:
    """Parse an RDF file into a dataset; triple formats land in a graph named after the file.

    Errors name the file and, where the parser tells, the line.
    """
    fmt = fmt or guess(path)
    data = read_checked(path, fmt)
    dataset = Dataset(default_union=True)
    try:
        if fmt.quads:
            dataset.parse(data=data, format=fmt.rdflib)
        else:
            target = dataset.graph(URIRef(path.resolve().as_uri()))
            target.parse(data=data, format=fmt.rdflib)
    except Exception as exc:  # every rdflib parser has its own exception types
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise KokoError(f"cannot parse as {fmt.name}: {message}", path, _error_line(exc, data, fmt)) from exc
    return dataset
