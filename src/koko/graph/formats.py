"""The release's RDF writers and readers, over rdflib; the formats are those of :mod:`koko.graph.format_table`.

The release, ``koko export`` and ``koko query`` write with these writers (the server writes with
pyoxigraph). Every writer returns the same bytes for the same graph, whatever Python's hash seed:
N-Triples/N-Quads are sorted line by line, JSON-LD is sorted by node and key, and Turtle/TriG/RDF-XML
come from rdflib's sorted pretty-printers over a graph that has no blank nodes.

Every writer keeps each literal's lexical form: Turtle and TriG abbreviate a literal (``12.5``,
``true``) only when the abbreviation reads back as the same literal.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from koko.errors import KokoError, decode_strictly
from koko.graph.format_table import RDF_FORMATS, TURTLE, RdfFormat
from koko.graph.format_table import guess as guess  # re-exported for the release and the command line
from koko.graph.format_table import lookup as lookup

#: The table's RDF formats, by the name the release and the command line import them.
FORMATS = RDF_FORMATS


def union(dataset: Dataset, graph: Graph | None = None) -> Graph:
    """All triples of all named graphs in one graph (a new one, or ``graph``), with the dataset's prefixes."""
    graph = Graph(bind_namespaces="none") if graph is None else graph
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _sorted_lines(data: str) -> bytes:
    lines = sorted(line for line in data.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sort_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: (value[k] if k == "@list" else _sort_json(value[k])) for k in sorted(value)}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


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


class _ExactTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, except that a literal is abbreviated only when the abbreviation reads back
    as the same literal. rdflib writes ``"10000"^^xsd:decimal`` as ``10000.0``, which a reader takes for
    ``"10000.0"^^xsd:decimal``: another term than the one in the N-Quads file and in Oxigraph."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype is not None:

            def pname(datatype: URIRef) -> str | None:
                return self.get_pname(datatype, False)  # as rdflib: no generated prefixes

            short = node._literal_n3(use_plain=True, qname_callback=pname)
            if not short.startswith('"') and short != str(node):
                return node._literal_n3(use_plain=False, qname_callback=pname)
            return short
        return super().label(node, position)


def _turtle(graph: Graph) -> str:
    stream = io.BytesIO()
    _ExactTurtleSerializer(graph).serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


def _prefix_block(dataset: Dataset) -> list[str]:
    return [f"@prefix {p}: <{ns}> ." for p, ns in sorted(dataset.namespaces()) if p]


def _trig(dataset: Dataset) -> bytes:
    """TriG with graphs in IRI order; rdflib's own TriG writer orders graphs by hash."""
    used: set[str] = set()
    blocks = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        body = Graph(bind_namespaces="none")
        for prefix, namespace in dataset.namespaces():
            body.bind(prefix, namespace, override=True, replace=True)
        for triple in graph:
            body.add(triple)
        turtle = _turtle(body)
        lines: list[str] = []
        for line in turtle.splitlines():
            if line.startswith("@prefix"):
                used.add(line)
            elif line.strip() or lines:
                # No indentation: it would change the content of multi-line literals.
                lines.append(line)
        while lines and not lines[-1]:
            lines.pop()
        name = graph.identifier
        blocks.append(f"<{name}> {{\n" + "\n".join(lines) + "\n}\n")
    return ("\n".join(sorted(used)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _rdfxml(graph: Graph) -> bytes:
    """Flat RDF/XML, one rdf:Description per subject, subjects and properties sorted."""
    namespaces = sorted(((p, str(ns)) for p, ns in graph.namespaces() if p), key=lambda x: -len(x[1]))

    def qname(iri: str) -> str:
        for prefix, ns in namespaces:
            local = iri[len(ns) :]
            if iri.startswith(ns) and local and re.fullmatch(r"[A-Za-z_][\w.-]*", local):
                return f"{prefix}:{local}"
        raise KokoError(f"cannot write {iri} as an RDF/XML element name")

    out = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    out += [f'   xmlns:{p}="{escape(ns, {chr(34): "&quot;"})}"' for p, ns in sorted(namespaces)]
    out[-1] += ">"
    for subject in sorted(set(graph.subjects()), key=str):
        out.append(f'  <rdf:Description rdf:about="{escape(str(subject), {chr(34): "&quot;"})}">')
        for p, o in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), po[1].n3())):
            tag = qname(str(p))
            if isinstance(o, URIRef):
                out.append(f'    <{tag} rdf:resource="{escape(str(o), {chr(34): "&quot;"})}"/>')
            elif isinstance(o, Literal):
                attr = f' xml:lang="{o.language}"' if o.language else ""
                attr += f' rdf:datatype="{o.datatype}"' if o.datatype else ""
                out.append(f"    <{tag}{attr}>{escape(str(o))}</{tag}>")
            else:
                raise KokoError(f"blank node {o} cannot be written: the graph must use IRIs only")
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return ("\n".join(out) + "\n").encode("utf-8")


def serialise(dataset: Dataset, fmt: RdfFormat, context: dict[str, Any] | None = None) -> bytes:
    """The dataset in ``fmt``; triple formats get the union of all named graphs."""
    if fmt.name == "trig":
        return _trig(dataset)
    if fmt.name == "nq":
        return _sorted_lines(dataset.serialize(format="nquads"))
    graph = union(dataset)
    if fmt.name == "xml":
        return _rdfxml(graph)
    if fmt.name == "nt":
        return _sorted_lines(graph.serialize(format="nt"))
    if fmt.name == "jsonld":
        if context is None:
            raise KokoError("JSON-LD needs the context file ontology/koko.context.jsonld")
        document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        # The context is written inline: a reader never has to fetch anything.
        document["@context"] = context
        ordered = {"@context": context, **{k: _sort_json(v) for k, v in document.items() if k != "@context"}}
        return (json.dumps(ordered, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt.name == "ttl":
        return _turtle(graph).encode("utf-8")
    return graph.serialize(format=fmt.rdflib).encode("utf-8")


def _remote_contexts(value: object) -> list[str]:
    """Context references a JSON-LD processor would fetch: strings and @import in @context."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                found += [c for c in contexts if isinstance(c, str)]
                found += [c["@import"] for c in contexts if isinstance(c, dict) and isinstance(c.get("@import"), str)]
            found += _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            found += _remote_contexts(item)
    return found


def check_safe(data: bytes, fmt: RdfFormat) -> None:
    """Refuse input that would make a parser reach the network or expand without limit."""
    if fmt.name == "jsonld":
        try:
            remote = _remote_contexts(json.loads(data))
        except json.JSONDecodeError as exc:
            raise KokoError(f"cannot parse as jsonld: {exc.msg} (column {exc.colno})", line=exc.lineno) from exc
        if remote:
            raise KokoError(f"JSON-LD refers to the remote context {remote[0]!r}: koko never fetches contexts; put it inline")
    if fmt.name == "xml" and re.search(rb"<!(DOCTYPE|ENTITY)", data):
        raise KokoError("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")


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
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise KokoError("file not found", path) from exc
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", path) from exc
    try:
        check_safe(data, fmt)
    except KokoError as exc:
        raise KokoError(exc.message, path, exc.line) from exc
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
