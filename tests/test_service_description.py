"""``GET /sparql`` without a query: the SPARQL 1.1 Service Description, in every RDF format, for the embedded store
and for ``koko serve --store`` — and the browser's redirect and the 400s that stay."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID, XSD, Namespace

from asgi_call import asgi_call
from helpers import call, fetch
from koko.graph.format_table import RDF_FORMATS, RESULT_FORMATS
from koko.sparql.service_description import result_formats

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = "http://www.w3.org/ns/formats/"
BASE = "https://w3id.org/koko-kg/id/"
DATASET = URIRef(BASE + "dataset")
ERFURT_GRAPH = URIRef(BASE + "graph/site/erfurt")


def description(root: str, accept: str = "text/turtle", fmt: str = "turtle") -> Graph:
    answer = fetch(root, "/sparql", accept)
    assert answer.status == 200, answer.body
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=answer.body, format=fmt)
        return dataset.default_graph  # the description is one graph: the quads formats hold it as the default graph
    return Graph().parse(data=answer.body, format=fmt)


def service_of(graph: Graph) -> URIRef:
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert isinstance(services[0], URIRef)
    return services[0]


@pytest.fixture(scope="module")
def turtle(server) -> Graph:
    return description(server)


def test_the_service_names_its_endpoint_language_and_features(server, turtle):
    service = service_of(turtle)
    assert service == URIRef(server + ".well-known/void#sparql")  # the DCAT data service of the dataset description
    assert set(turtle.objects(service, SD.endpoint)) == {URIRef(server + "sparql")}
    assert set(turtle.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    # The default graph is the union (execute asks pyoxigraph for it); SERVICE is refused: no federation.
    assert set(turtle.objects(service, SD.feature)) == {SD.UnionDefaultGraph}
    labels = {(str(label), label.language) for label in turtle.objects(service, RDFS.label)}
    assert {lang for _, lang in labels} == {"de", "en"}


def test_the_result_formats_are_what_the_endpoint_writes(turtle):
    expected = {
        "Turtle", "JSON-LD", "N-Triples", "TriG", "N-Quads", "RDF_XML",
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    }  # fmt: skip
    assert set(turtle.objects(service_of(turtle), SD.resultFormat)) == {URIRef(FORMATS + name) for name in expected}
    assert len(result_formats()) == len(RDF_FORMATS) + len(RESULT_FORMATS)  # a new format needs its W3C IRI


def test_the_default_dataset_is_the_voids_with_every_graph_and_its_size(published, turtle, server):
    assert set(turtle.objects(service_of(turtle), SD.defaultDataset)) == {DATASET}
    assert (DATASET, RDFS.seeAlso, URIRef(server + ".well-known/void")) in turtle
    default = turtle.value(DATASET, SD.defaultGraph)
    assert turtle.value(default, VOID.triples) == Literal(published.triples, datatype=XSD.integer)
    named = {turtle.value(node, SD.name): node for node in turtle.objects(DATASET, SD.namedGraph)}
    assert set(named) == {URIRef(g) for g in published.graphs}
    erfurt = published.store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ERFURT_GRAPH}> {{ ?s ?p ?o }} }}")
    size = int(next(iter(erfurt))["n"].value)
    assert turtle.value(turtle.value(named[ERFURT_GRAPH], SD.graph), VOID.triples) == Literal(size, datatype=XSD.integer)
    assert {label.language for label in turtle.objects(named[ERFURT_GRAPH], RDFS.label)} == {"de", "en"}


RDF_ACCEPTS = [
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("application/json", "json-ld", "application/ld+json"),  # JSON-LD is JSON
    ("application/n-triples", "nt", "application/n-triples"),
    ("application/rdf+xml", "xml", "application/rdf+xml"),
    ("application/trig", "trig", "application/trig"),
    ("application/n-quads", "nquads", "application/n-quads"),
    ("*/*", "turtle", "text/turtle"),
    ("text/turtle, text/html;q=0.5", "turtle", "text/turtle"),
]


@pytest.mark.parametrize(("accept", "fmt", "media"), RDF_ACCEPTS, ids=[a[0] for a in RDF_ACCEPTS])
def test_every_rdf_format_gives_the_same_description(server, turtle, accept, fmt, media):
    answer = fetch(server, "/sparql", accept)
    assert (answer.status, answer.media_type, answer.headers["vary"]) == (200, media, "Accept")
    assert answer.headers["access-control-allow-origin"] == "*"
    assert isomorphic(description(server, accept, fmt), turtle)


def test_without_accept_the_description_is_turtle(server, turtle):
    answer = call(server, "GET", "/sparql")
    assert answer.media_type == "text/turtle"
    assert isomorphic(Graph().parse(data=answer.body, format="turtle"), turtle)


def test_the_format_parameter_chooses_too(server, turtle):
    answer = fetch(server, "/sparql?format=nt", "text/turtle")
    assert answer.media_type == "application/n-triples"
    assert isomorphic(Graph().parse(data=answer.body, format="nt"), turtle)


def test_the_description_is_the_same_bytes_every_time(server):
    assert len({fetch(server, "/sparql", "text/turtle").body for _ in range(3)}) == 1


@pytest.mark.parametrize(
    ("method", "target", "body", "headers", "status"),
    [
        ("GET", "/sparql", None, {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, 303),
        ("GET", "/sparql", None, {"Accept": "application/xhtml+xml"}, 303),
        ("GET", "/sparql", None, {"Accept": "application/sparql-results+json"}, 400),
        ("GET", "/sparql?format=csv", None, {}, 400),
        ("POST", "/sparql", b"format=ttl", {"Accept": "text/turtle", "Content-Type": "application/x-www-form-urlencoded"}, 400),
    ],
    ids=["browser", "xhtml", "results-only", "results-format", "post"],
)
def test_where_no_description_fits_the_answer_stays(server, method, target, body, headers, status):
    answer = call(server, method, target, body, **{k.replace("-", "_"): v for k, v in headers.items()})
    assert answer.status == status
    if status == 303:
        assert answer.headers["location"] == "/-/sparql"
    else:
        assert b"no query" in answer.body


def test_a_public_url_is_the_endpoint_whatever_host_the_client_names(published):
    from koko.pages.backend import embedded
    from koko.web.app import create_app
    from koko.web.config import load_server_config

    app = create_app(published, load_server_config({"public_url": "https://kg.example/koko/"}, {}), embedded(published))
    scope = {
        "method": "GET",
        "path": "/sparql",
        "query_string": b"",
        "headers": [(b"host", b"evil.example"), (b"accept", b"text/turtle")],
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
    }
    status, _, body = asgi_call(app, scope)
    graph = Graph().parse(data=body, format="turtle")
    assert status == 200
    assert set(graph.objects(service_of(graph), SD.endpoint)) == {URIRef("https://kg.example/koko/sparql")}
    assert b"evil.example" not in body


# --- koko serve --store ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def from_store(tmp_path_factory: pytest.TempPathFactory, config, published) -> Iterator[str]:
    """``koko serve --store`` in front of ``oxigraph serve --union-default-graph`` holding the release."""
    from koko.release.published import release_of
    from koko.web.config import load_server_config
    from koko.web.serve import running
    from oxigraph_server import load, oxigraph

    folder = tmp_path_factory.mktemp("release")
    for name, data in published.files.items():
        (folder / name).write_bytes(data)
    with oxigraph(tmp_path_factory.mktemp("store"), "--union-default-graph") as root:
        load(root, published.nquads)
        with running(release_of(config, folder), load_server_config({"port": 0, "store": root + "query"}, {})) as url:
            yield url


def test_a_server_in_front_of_a_store_gives_the_same_description(server, from_store, turtle):
    """The endpoint code is shared: the same description, counted on the store, under the store server's root."""
    answer = fetch(from_store, "/sparql", "text/turtle")
    assert answer.status == 200
    moved = answer.body.replace(from_store.encode(), server.encode())
    assert isomorphic(Graph().parse(data=moved, format="turtle"), turtle)
