"""The release's writers (koko.graph.writers) against rdflib's: the same graph in every format, and the
same bytes where rdflib's writers were the release's before (N-Triples, N-Quads, compacted JSON-LD)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import NamespaceManager

from koko.errors import KokoError
from koko.graph.formats import jsonld_by_rdflib, load_context, lookup, parse_rdf, serialise, union
from koko.graph.writers import sorted_lines
from koko.sparql.oxigraph import to_ox

EX = Namespace("https://example.org/")
SCHEMA = Namespace("https://schema.org/")
PREFIXES = {"ex": str(EX), "xsd": str(XSD), "schema": str(SCHEMA)}


def dataset(*triples: tuple, graph: URIRef | None = EX.graph) -> Dataset:
    """A dataset with our test prefixes only (no rdflib defaults), the triples in ``graph`` (None: the default graph)."""
    data = Dataset(default_union=True)
    data.namespace_manager = NamespaceManager(data, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        data.bind(prefix, namespace)
    target = data.default_graph if graph is None else data.graph(graph)
    for triple in triples:
        target.add(triple)
    return data


def read_back(data: bytes, name: str) -> Graph:
    triples = Graph()
    for s, p, o, _ in parse_rdf(data, lookup(name)).quads():
        triples.add((s, p, o))
    return triples


def test_ntriples_and_nquads_of_the_release_are_the_bytes_rdflib_writes_sorted(knowledge):
    assert serialise(knowledge.dataset, lookup("nt")) == sorted_lines(union(knowledge.dataset).serialize(format="nt").encode())
    assert serialise(knowledge.dataset, lookup("nq")) == sorted_lines(knowledge.dataset.serialize(format="nquads").encode())


def test_the_release_jsonld_is_the_document_rdflib_compacts(knowledge, config):
    context = load_context(config.context)
    assert serialise(knowledge.dataset, lookup("jsonld"), context) == jsonld_by_rdflib(union(knowledge.dataset), context)


def test_the_release_turtle_writes_iris_whole_where_a_prefixed_name_needs_an_escape(knowledge):
    text = serialise(knowledge.dataset, lookup("ttl")).decode("utf-8")
    # Börde's figures sit one folder below figure/: figure:boerde\/0dfc8dc46b would be valid Turtle, but unreadable.
    assert "<https://w3id.org/koko-kg/id/figure/boerde/0dfc8dc46b> a schema:QuantitativeValue ;" in text
    assert "\\/" not in text
    saalekreis = text.partition("\nsite:saalekreis a koko:Site ;\n")[2].partition(" .\n")[0]
    assert '    rdfs:label "KoKo site Saalekreis"@en,\n        "Saalekreis"@de ;' in saalekreis
    assert saalekreis.endswith('    koko:programmeStart "2017-10"^^xsd:gYearMonth')


LITERALS = [
    Literal(12),
    Literal(True),
    Literal(1.5),
    Literal("10000", datatype=XSD.decimal),
    Literal("12.5", datatype=XSD.decimal),
    Literal("2017-10", datatype=XSD.gYearMonth),
    Literal("Weimar", lang="de"),
    Literal('Zeile 1\nZeile 2 mit "Anführung" und \\'),
    Literal("plain"),
]


@pytest.mark.parametrize(
    "triples",
    [
        [(EX.erfurt, SCHEMA.value, literal) for literal in LITERALS],
        [(EX.erfurt, RDF.type, SCHEMA.Place), (EX.erfurt, RDF.type, EX.Site), (EX.erfurt, SCHEMA.name, Literal("Erfurt"))],
        [(EX.erfurt, SCHEMA.containedInPlace, EX.thueringen), (EX.thueringen, SCHEMA.name, Literal("Thüringen", lang="de"))],
        [(URIRef("https://elsewhere.example/a"), URIRef("https://elsewhere.example/p"), URIRef("https://elsewhere.example/b"))],
        [(EX.erfurt, SCHEMA.value, Literal("1", datatype=URIRef("https://elsewhere.example/type")))],
    ],
    ids=["literals", "types-one-node", "two-nodes", "no-prefix", "foreign-datatype"],
)
def test_jsonld_is_the_document_rdflib_compacts(triples):
    data = dataset(*triples)
    assert serialise(data, lookup("jsonld"), PREFIXES) == jsonld_by_rdflib(union(data), PREFIXES)


@pytest.mark.parametrize(
    ("triples", "context"),
    [
        ([(EX.erfurt, SCHEMA.member, BNode("b1")), (BNode("b1"), SCHEMA.name, Literal("x"))], PREFIXES),
        ([(EX.erfurt, SCHEMA.name, Literal("Erfurt"))], {**PREFIXES, "name": str(SCHEMA.name)}),
        ([(EX.erfurt, SCHEMA.name, Literal("Erfurt"))], {**PREFIXES, "name": {"@id": str(SCHEMA.name), "@language": "de"}}),
    ],
    ids=["blank-node", "term-for-a-predicate", "term-definition"],
)
def test_jsonld_beyond_prefixes_is_left_to_rdflib(triples, context):
    data = dataset(*triples)
    written = serialise(data, lookup("jsonld"), context)
    assert written == jsonld_by_rdflib(union(data), context)
    assert json.loads(written)["@context"] == context


def test_jsonld_keeps_a_first_value_that_rdflib_would_drop():
    """rdflib's converter overwrites a property whose first value is falsy (0, ""); every value is kept here."""
    data = dataset((EX.erfurt, SCHEMA.value, Literal(0)), (EX.erfurt, SCHEMA.value, Literal(7)))
    written = serialise(data, lookup("jsonld"), PREFIXES)
    assert json.loads(written)["schema:value"] == [0, 7]
    assert isomorphic(read_back(written, "jsonld"), union(data))


@pytest.mark.parametrize("name", ["ttl", "trig", "xml", "nt", "nq", "jsonld"])
def test_every_literal_reads_back_as_the_same_term(name):
    data = dataset(*[(EX.erfurt, SCHEMA.value, literal) for literal in LITERALS])
    assert isomorphic(read_back(serialise(data, lookup(name), PREFIXES), name), union(data))


def test_turtle_writes_a_literal_bare_only_where_that_reads_back_the_same():
    data = dataset(*[(EX.erfurt, SCHEMA.value, literal) for literal in LITERALS])
    text = serialise(data, lookup("ttl")).decode("utf-8")
    values = text.partition("schema:value ")[2].rstrip(" .\n").split(",\n        ")
    assert {"12", "true", "12.5"} < set(values)
    assert {'"10000"^^xsd:decimal', '"1.5"^^xsd:double', '"2017-10"^^xsd:gYearMonth', '"Weimar"@de'} < set(values)
    assert '"Zeile 1\\nZeile 2 mit \\"Anführung\\" und \\\\"' in values
    store = ox.Store()  # pyoxigraph reads the same terms back
    store.load(text.encode("utf-8"), ox.RdfFormat.TURTLE)
    assert sorted(str(q.object) for q in store) == sorted(str(to_ox(literal)) for literal in LITERALS)


def test_an_xsd_string_literal_is_written_as_the_simple_literal_it_equals():
    data = dataset((EX.erfurt, SCHEMA.name, Literal("Erfurt", datatype=XSD.string)))
    assert serialise(data, lookup("nt")) == b'<https://example.org/erfurt> <https://schema.org/name> "Erfurt" .\n'
    assert serialise(data, lookup("ttl")).endswith(b'ex:erfurt schema:name "Erfurt" .\n')


def test_trig_writes_the_default_graph_first_and_named_graphs_by_iri():
    data = dataset((EX.b, SCHEMA.name, Literal("b")), graph=EX.second)
    data.graph(EX.first).add((EX.a, SCHEMA.name, Literal("a")))
    data.default_graph.add((EX.c, SCHEMA.name, Literal("c")))
    text = serialise(data, lookup("trig")).decode("utf-8")
    body = text.partition("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n")[2]
    assert body == 'ex:c schema:name "c" .\n\nex:first {\nex:a schema:name "a" .\n}\n\nex:second {\nex:b schema:name "b" .\n}\n'
    parsed = parse_rdf(text.encode("utf-8"), lookup("trig"))
    assert {str(g.identifier) for g in parsed.graphs() if len(g)} == {str(EX.first), str(EX.second), "urn:x-rdflib:default"}


def test_rdfxml_refuses_a_predicate_that_is_no_element_name():
    data = dataset((EX.erfurt, URIRef("https://example.org/p/"), Literal("x")))
    with pytest.raises(KokoError, match=r"cannot write https://example.org/p/ as an RDF/XML element name"):
        serialise(data, lookup("xml"))


def test_a_literal_as_subject_is_refused_with_its_terms():
    data = dataset((Literal("Erfurt"), SCHEMA.name, Literal("x")))
    with pytest.raises(KokoError, match=r'cannot write the statement "Erfurt" <https://schema.org/name> "x": not RDF'):
        serialise(data, lookup("nt"))


def test_a_prefix_turtle_cannot_declare_is_left_out():
    data = dataset((EX.erfurt, SCHEMA.name, Literal("Erfurt")))
    data.bind("bad", "not an iri")
    text = serialise(data, lookup("ttl"))
    assert b"@prefix bad:" not in text
    assert isomorphic(read_back(text, "ttl"), union(data))
