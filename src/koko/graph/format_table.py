"""The one table of RDF and SPARQL result formats: names, extensions, media types, engine formats, labels.

Export and the release writers (:mod:`koko.graph.formats`), ``koko query``, the SPARQL endpoint and
its query threads, the linked-data pages, the dataset description, the static site and the remote
store all look formats up here, so a format is named, typed and labelled the same everywhere.

Each row is built on pyoxigraph's own format (:class:`pyoxigraph.RdfFormat`,
:class:`pyoxigraph.QueryResultsFormat`): the media type, the file extension and the label of an RDF
format are the engine's, and so are the media types of the result formats. Only what pyoxigraph
does not know is written here: our short names and their aliases, rdflib's plugin names, which
formats carry named graphs, the EU file type, and the further media types a client may ask with.

This module imports nothing but pyoxigraph: ``koko query`` reads it, and starts without rdflib.

>>> [f.name for f in RDF_FORMATS], [f.name for f in TRIPLE_FORMATS]
(['ttl', 'jsonld', 'nt', 'trig', 'nq', 'xml'], ['ttl', 'jsonld', 'nt', 'xml'])
>>> [(f.extension, f.media_type, f.label) for f in (rdf_format("xml"), rdf_format("nq"))]
[('rdf', 'application/rdf+xml', 'RDF/XML'), ('nq', 'application/n-quads', 'N-Quads')]
>>> [(f.name, f.media_type) for f in RESULT_FORMATS][2:]
[('csv', 'text/csv'), ('tsv', 'text/tab-separated-values')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from koko.errors import KokoError


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialisation, as the release, the command line and the server write it."""

    name: str  # what --format, ?format= and a query's job say
    engine: ox.RdfFormat  # pyoxigraph's format: the server parses and writes with it
    rdflib: str  # rdflib's plugin name: the release writers and `koko query --data` use rdflib
    quads: bool  # written with each statement's graph; the triple formats get the union of all graphs
    eu_file_type: str  # DCAT-AP's dcterms:format, a name of the EU file-type authority
    aliases: tuple[str, ...] = ()  # further names `--format` takes (lookup)
    endpoint_names: tuple[str, ...] = ()  # what the SPARQL endpoint's format= takes for it (SPARQLWrapper's names too)
    synonyms: tuple[str, ...] = ()  # other media types of the same syntax, accepted in Accept and format=
    generic: tuple[str, ...] = ()  # generic media types (application/json) a client may ask for it by

    @property
    def media_type(self) -> str:
        return self.engine.media_type

    @property
    def extension(self) -> str:
        return self.engine.file_extension

    @property
    def label(self) -> str:
        """Its name for people (pages, DCAT titles): Turtle, JSON-LD, N-Triples …"""
        return self.engine.name


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL query results format (SELECT and ASK), as :mod:`koko.sparql.results` writes it."""

    name: str  # what ?format=, `koko query --format` and a query's job say; also a server download's suffix
    engine: ox.QueryResultsFormat
    synonyms: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        # pyoxigraph names the charset of CSV and TSV; negotiation compares bare types, and every answer gets a charset
        return self.engine.media_type.partition(";")[0]

    @property
    def extension(self) -> str:
        """pyoxigraph's file extension (``srj`` for JSON): the static site's result files."""
        return self.engine.file_extension

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every media type this format is read back from."""
        return (self.media_type, *self.synonyms, *self.generic)


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat(
        "ttl",
        ox.RdfFormat.TURTLE,
        "turtle",
        quads=False,
        eu_file_type="RDF_TURTLE",
        aliases=("turtle",),
        endpoint_names=("ttl", "turtle", "n3"),
        synonyms=("application/turtle", "application/x-turtle", "text/n3", "application/n3"),  # Turtle is N3
    ),
    RdfFormat(
        "jsonld",
        ox.RdfFormat.JSON_LD,
        "json-ld",
        quads=False,  # pyoxigraph could write graphs in it; the release writes the union, as rdflib reads it back
        eu_file_type="JSON_LD",
        aliases=("json-ld",),
        endpoint_names=("jsonld", "json-ld", "json"),
        generic=("application/json",),
    ),
    RdfFormat(
        "nt",
        ox.RdfFormat.N_TRIPLES,
        "nt",
        quads=False,
        eu_file_type="RDF_N_TRIPLES",
        aliases=("ntriples", "n-triples"),
        endpoint_names=("nt", "ntriples", "n-triples"),
        synonyms=("text/plain",),  # N-Triples' media type before application/n-triples
    ),
    RdfFormat("trig", ox.RdfFormat.TRIG, "trig", quads=True, eu_file_type="RDF_TRIG", endpoint_names=("trig",)),
    RdfFormat(
        "nq",
        ox.RdfFormat.N_QUADS,
        "nquads",
        quads=True,
        eu_file_type="RDF_N_QUADS",
        aliases=("nquads", "n-quads"),
        endpoint_names=("nq", "nquads", "n-quads"),
    ),
    RdfFormat(
        "xml",
        ox.RdfFormat.RDF_XML,
        "xml",
        quads=False,
        eu_file_type="RDF_XML",
        aliases=("rdf", "rdfxml", "rdf/xml"),
        endpoint_names=("xml", "rdf", "rdfxml", "rdf+xml", "rdf/xml"),
        generic=("application/xml",),
    ),
)
#: The formats without named graphs, in table order: what the ontology and the dataset description are offered
#: in. (CONSTRUCT and DESCRIBE are answered in every RDF format; a quads format holds their one default graph.)
TRIPLE_FORMATS: tuple[RdfFormat, ...] = tuple(f for f in RDF_FORMATS if not f.quads)
RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", ox.QueryResultsFormat.JSON, generic=("application/json",)),
    ResultFormat("xml", ox.QueryResultsFormat.XML, generic=("application/xml", "text/xml")),
    ResultFormat("csv", ox.QueryResultsFormat.CSV),
    ResultFormat("tsv", ox.QueryResultsFormat.TSV),
)
_RDF = {f.name: f for f in RDF_FORMATS}
_RESULTS = {f.name: f for f in RESULT_FORMATS}


def rdf_format(name: str) -> RdfFormat:
    """The RDF format of that exact name (a name the code itself holds: a job's, a page's)."""
    return _RDF[name]


def result_format(name: str) -> ResultFormat:
    """The result format of that exact name."""
    return _RESULTS[name]


TURTLE = rdf_format("ttl")
JSON_RESULTS = result_format("json")


def lookup(name: str, option: str = "--format") -> RdfFormat:
    """An RDF format by a name a person gave: its name, an alias, its extension or its media type."""
    key = name.lower().strip()
    for fmt in RDF_FORMATS:
        if key in (fmt.name, fmt.extension, fmt.media_type, *fmt.aliases):
            return fmt
    choices = ", ".join(f.name for f in RDF_FORMATS)
    raise KokoError(f"{option}: unknown RDF format {name!r}; choose one of {choices}")


def guess(path: Path) -> RdfFormat:
    """The RDF format of a file, by its extension (or our name of the format)."""
    suffix = path.suffix.lstrip(".").lower()
    for fmt in RDF_FORMATS:
        if suffix == fmt.extension or suffix == fmt.name:
            return fmt
    raise KokoError(f"cannot tell the RDF format from the file name {path.name!r}; pass --format")


def file_media_type(name: str) -> str:
    """The media type a file is served with, by its extension.

    >>> file_media_type("koko.ttl"), file_media_type("context.jsonld"), file_media_type("koko.rdf"), file_media_type("x.bin")
    ('text/turtle', 'application/ld+json', 'application/rdf+xml', 'application/octet-stream')
    """
    extension = name.rpartition(".")[2]
    return next((f.media_type for f in RDF_FORMATS if f.extension == extension), "application/octet-stream")


class Negotiable(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def media_type(self) -> str: ...
    @property
    def synonyms(self) -> tuple[str, ...]: ...
    @property
    def generic(self) -> tuple[str, ...]: ...


def offered(formats: Sequence[Negotiable]) -> dict[str, str]:
    """Media type → format name, in the order content negotiation prefers them: each format's own
    media type (the first is the default), then the synonyms, then the generic types.

    >>> list(offered(RESULT_FORMATS))[3:]
    ['text/tab-separated-values', 'application/json', 'application/xml', 'text/xml']
    """
    pairs = [(f.media_type, f.name) for f in formats]
    pairs += [(media, f.name) for f in formats for media in f.synonyms]
    pairs += [(media, f.name) for f in formats for media in f.generic]
    return dict(pairs)


def engine_serialize(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: RdfFormat, prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Triples or quads in ``fmt``, written by pyoxigraph (the server's writer; the release has its own,
    :func:`koko.graph.formats.serialise`). ``prefixes`` are used where the format has them."""
    body = ox.serialize(items, format=fmt.engine, prefixes=dict(prefixes) if prefixes is not None else None)
    assert body is not None  # without an output, pyoxigraph returns the bytes
    return body
