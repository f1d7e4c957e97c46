"""The dataset description at /.well-known/void, fetched over HTTP from the running server.

Every figure it states is checked against the release itself, counted independently with
rdflib from the N-Triples and N-Quads files.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef

from asgi_call import asgi_call
from helpers import call, fetch
from koko.graph.formats import FORMATS, lookup
from koko.pages.dataset_description import dataset_iri, describe_dataset, serialise_description

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
KOKO = Namespace("https://w3id.org/koko-kg/ontology#")
BROCHURE_TITLE = "Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FILE_TYPES = {
    "koko.ttl": "RDF_TURTLE",
    "koko.jsonld": "JSON_LD",
    "koko.nt": "RDF_N_TRIPLES",
    "koko.trig": "RDF_TRIG",
    "koko.nq": "RDF_N_QUADS",
    "koko.rdf": "RDF_XML",
}
DATA_FILES = {f"koko.{f.extension}": f for f in FORMATS}


@pytest.fixture(scope="module")
def void_url(server: str) -> str:
    return server + ".well-known/void"


@pytest.fixture(scope="module")
def turtle(void_url: str) -> bytes:
    answer = fetch(void_url)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    return answer.body


@pytest.fixture(scope="module")
def description(turtle: bytes) -> Graph:
    return Graph().parse(data=turtle, format="turtle")


@pytest.fixture(scope="module")
def dataset(description: Graph, published) -> URIRef:
    node = URIRef(dataset_iri(published.config.base))
    assert (node, RDF.type, VOID.Dataset) in description
    return node


@pytest.fixture(scope="module")
def release_triples(published) -> Graph:
    """The union of all graphs, as the N-Triples file has it, read by rdflib."""
    return Graph().parse(data=published.files["koko.nt"], format="nt")


@pytest.fixture(scope="module")
def release_quads(published) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=published.files["koko.nq"], format="nquads")
    return dataset


def number(graph: Graph, subject: URIRef, predicate: URIRef) -> int:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    assert isinstance(values[0], Literal)
    return int(values[0])


def partitions(description: Graph, dataset: URIRef, link: URIRef, key: URIRef, figure: URIRef) -> dict[URIRef, int]:
    return {description.value(p, key): number(description, p, figure) for p in description.objects(dataset, link)}


def on_server(url: str, server: str) -> str:
    """A URL the description gives, checked to point at the server under test."""
    assert url.startswith(server), url
    return url


# --- the figures -----------------------------------------------------------------------


def test_triples_are_the_distinct_triples_of_the_release(description, dataset, release_triples, release_quads):
    distinct = {(s, p, o) for s, p, o, _ in release_quads.quads((None, None, None, None))}
    assert number(description, dataset, VOID.triples) == len(release_triples) == len(distinct) == 17858


@pytest.mark.parametrize(
    ("figure", "count"),
    [
        (VOID.distinctSubjects, lambda g: len(set(g.subjects()))),
        (VOID.distinctObjects, lambda g: len(set(g.objects()))),
        (VOID.properties, lambda g: len(set(g.predicates()))),
        (VOID.classes, lambda g: len(set(g.objects(None, RDF.type)))),
        (VOID.entities, lambda g: len({s for s in g.subjects() if str(s).startswith("https://w3id.org/koko-kg/id/")})),
    ],
    ids=["distinctSubjects", "distinctObjects", "properties", "classes", "entities"],
)
def test_dataset_figures_match_the_release(description, dataset, release_triples, figure, count):
    assert number(description, dataset, figure) == count(release_triples)


@pytest.mark.parametrize(("cls", "instances"), [("Site", 27), ("Answer", 81), ("CoordinatorPost", 33), ("FederalState", 3)])
def test_class_partitions_count_the_brochure(description, dataset, cls, instances):
    assert partitions(description, dataset, VOID.classPartition, VOID["class"], VOID.entities)[KOKO[cls]] == instances


def test_every_class_partition_counts_its_instances(description, dataset, release_triples):
    expected = Counter(o for _, o in set(release_triples.subject_objects(RDF.type)))
    assert partitions(description, dataset, VOID.classPartition, VOID["class"], VOID.entities) == dict(expected)


def test_every_property_partition_counts_its_triples(description, dataset, release_triples):
    expected = Counter(p for _, p, _ in release_triples)
    assert partitions(description, dataset, VOID.propertyPartition, VOID.property, VOID.triples) == dict(expected)


@pytest.mark.parametrize(("figure", "position"), [(VOID.distinctSubjects, 0), (VOID.distinctObjects, 2)])
def test_property_partitions_count_distinct_subjects_and_objects(description, dataset, release_triples, figure, position):
    seen: dict[URIRef, set] = defaultdict(set)
    for triple in release_triples:
        seen[triple[1]].add(triple[position])
    assert partitions(description, dataset, VOID.propertyPartition, VOID.property, figure) == {p: len(v) for p, v in seen.items()}


def test_one_subset_per_named_graph_with_its_triples(description, dataset, release_quads, published):
    expected = {g.identifier: len(g) for g in release_quads.graphs() if len(g)}
    subsets = {s: number(description, s, VOID.triples) for s in description.objects(dataset, VOID.subset)}
    assert subsets == expected
    assert len(subsets) == len(published.graphs) == 62


@pytest.mark.parametrize("lang", ["de", "en"])
def test_subsets_are_titled_as_the_graphs_are_labelled(description, dataset, release_triples, lang):
    def texts(graph: Graph, subject, predicate) -> set[str]:
        return {str(o) for o in graph.objects(subject, predicate) if o.language == lang}

    subsets = list(description.objects(dataset, VOID.subset))
    titles = {s: texts(description, s, DCTERMS.title) for s in subsets}
    assert titles == {s: texts(release_triples, s, RDFS.label) for s in subsets}
    assert all(len(t) == 1 for t in titles.values())


def test_vocabularies_are_those_of_the_predicates_and_classes(description, dataset, release_triples):
    terms = set(release_triples.predicates()) | set(release_triples.objects(None, RDF.type))
    namespaces = {str(t)[: max(str(t).rfind("#"), str(t).rfind("/")) + 1] for t in terms}
    expected = {"https://w3id.org/koko-kg/ontology" if ns == str(KOKO) else ns for ns in namespaces}
    assert {str(v) for v in description.objects(dataset, VOID.vocabulary)} == expected
    assert "https://schema.org/" in expected
    assert "http://www.w3.org/ns/prov#" in expected


def test_example_resources_are_sites(description, dataset, release_triples):
    examples = set(description.objects(dataset, VOID.exampleResource))
    assert len(examples) == 3  # one per federal state
    assert all((e, RDF.type, KOKO.Site) in release_triples for e in examples)


def test_uri_space_is_the_data_base(description, dataset, published):
    assert description.value(dataset, VOID.uriSpace) == Literal(published.config.base)


# --- what DCAT-AP asks for ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["de", "en"])
def test_titled_and_described_in_german_and_english(description, dataset, lang):
    titles = [str(t) for t in description.objects(dataset, DCTERMS.title) if t.language == lang]
    descriptions = [str(d) for d in description.objects(dataset, DCTERMS.description) if d.language == lang]
    assert len(titles) == 1
    assert "KoKo" in titles[0]
    assert len(descriptions) == 1
    assert f"»{BROCHURE_TITLE}«" in descriptions[0]
    assert "TransMit, 2020" in descriptions[0]
    assert "27" in descriptions[0]
    assert "2016–2020" in descriptions[0]


def test_publisher_is_a_named_agent_and_the_licence_cc_by(description, dataset):
    publisher = description.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in description
    assert description.value(publisher, FOAF.name) == Literal("koko-kg contributors")
    assert description.value(dataset, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    )


def test_source_is_the_brochure_of_the_data(description, dataset, release_triples):
    source = description.value(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert (source, RDF.type, KOKO.Brochure) in release_triples
    assert str(release_triples.value(source, DCTERMS.title)).startswith(BROCHURE_TITLE)


@pytest.mark.parametrize(
    ("cls", "required"),
    [
        (DCAT.Dataset, [DCTERMS.title, DCTERMS.description]),
        (DCAT.Distribution, [DCAT.accessURL]),
        (DCAT.DataService, [DCAT.endpointURL, DCTERMS.title]),
        (DCAT.Catalog, [DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset]),
        (FOAF.Agent, [FOAF.name]),
    ],
    ids=["Dataset", "Distribution", "DataService", "Catalog", "Agent"],
)
def test_dcat_ap_mandatory_properties(description, cls, required):
    instances = set(description.subjects(RDF.type, cls))
    assert instances
    missing = [(i, p) for i in instances for p in required if description.value(i, p) is None]
    assert missing == []


def test_no_blank_nodes(description):
    assert not [t for t in description if any(isinstance(term, BNode) for term in t)]


# --- distributions and the endpoint -----------------------------------------------------


@pytest.fixture(scope="module")
def distributions(description, dataset) -> dict[str, URIRef]:
    found = {}
    for node in description.objects(dataset, DCAT.distribution):
        url = str(description.value(node, DCAT.downloadURL))
        found[url.rsplit("/", 1)[1]] = node
    return found


def test_one_distribution_per_data_file(distributions, published):
    assert set(distributions) == set(DATA_FILES) == {n for n in published.files if n != "context.jsonld"}


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_distribution_states_size_type_format_and_checksum(description, distributions, published, name):
    node, data = distributions[name], published.files[name]
    assert number(description, node, DCAT.byteSize) == len(data)
    assert description.value(node, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/" + DATA_FILES[name].media_type
    )
    assert description.value(node, DCTERMS["format"]) == URIRef(EU_FILE_TYPE + EU_FILE_TYPES[name])
    assert description.value(node, DCAT.accessURL) == description.value(node, DCAT.downloadURL)
    checksum = description.value(node, SPDX.checksum)
    assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_every_download_url_downloads_the_release_file(description, distributions, server, published, name):
    url = on_server(str(description.value(distributions[name], DCAT.downloadURL)), server)
    answer = fetch(url)
    assert answer.status == 200
    assert answer.body == published.files[name]
    assert answer.headers["content-type"].split(";")[0] == DATA_FILES[name].media_type


def test_data_dump_is_the_n_triples_download(description, dataset, server):
    assert description.value(dataset, VOID.dataDump) == URIRef(server + "-/downloads/koko.nt")


def test_sparql_endpoint_answers_over_the_union(description, dataset, server):
    endpoint = str(description.value(dataset, VOID.sparqlEndpoint))
    service = description.value(predicate=DCAT.servesDataset, object=dataset)
    assert description.value(service, DCAT.endpointURL) == URIRef(endpoint)
    query = "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/koko-kg/ontology#Site> }"
    answer = fetch(
        on_server(endpoint, server) + "?" + urllib.parse.urlencode({"query": query}), accept="application/sparql-results+json"
    )
    assert answer.status == 200, answer.body
    assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "27"


def test_absolute_urls_follow_the_host_the_client_asked(void_url):
    answer = fetch(void_url, Host="koko.example:8080")
    assert answer.status == 200
    graph = Graph().parse(data=answer.body, format="turtle")
    endpoints = list(graph.objects(None, VOID.sparqlEndpoint))
    assert endpoints == [URIRef("http://koko.example:8080/sparql")]
    assert all(str(u).startswith("http://koko.example:8080/-/downloads/") for u in graph.objects(None, DCAT.downloadURL))


def _asgi_get(app, host: bytes, query: bytes = b"", path: str = "/.well-known/void") -> tuple[int, dict[str, str], bytes]:
    """One GET straight into the ASGI app (by default of the description), with the Host header given."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": [(b"host", host), (b"accept", b"text/turtle")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
    }
    return asgi_call(app, scope)


@pytest.fixture(scope="module")
def public_app(published):
    """The application as `koko serve --public-url https://kg.example/koko/` builds it (no query workers: the
    description needs none)."""
    from koko.pages.backend import embedded
    from koko.web.app import create_app
    from koko.web.config import load_server_config

    return create_app(published, load_server_config({"public_url": "https://kg.example/koko/"}, {}), embedded(published))


@pytest.mark.parametrize("query", [b"", b"format=html", b"format=jsonld"])
def test_a_public_url_is_the_root_whatever_host_the_client_names(public_app, query: bytes):
    status, _, body = _asgi_get(public_app, b"evil.example", query)
    assert status == 200
    assert b"evil.example" not in body
    assert b"https://kg.example/koko/sparql" in body
    assert query == b"format=html" or b"https://kg.example/koko/-/downloads/koko.ttl" in body  # the page links them relatively


def test_a_public_url_is_the_root_of_a_redirect_too(public_app):
    status, headers, _ = _asgi_get(public_app, b"evil.example", path="/sparql/")
    assert status == 307
    assert headers["location"] == "https://kg.example/koko/sparql"


MALFORMED_HOSTS = [
    "evil.example/x",
    "evil.example/-/downloads/",
    "user@evil.example",
    "evil.example:8080@evil.example",
    "evil .example",
    "evil.example:99999",
    "evil.example:80:80",
    "[::1",
    "evil.example#",
    "evil.example?x=",
    "",
]


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
def test_a_malformed_host_never_reaches_the_description(server, host):
    """Either the HTTP layer refuses the request, or the description names the address the server is bound to."""
    answer = call(server, "GET", "/.well-known/void", Host=host, Accept="text/turtle")  # the Host sent as given
    if host:
        assert host.encode() not in answer.body
    if answer.status == 200:
        graph = Graph().parse(data=answer.body, format="turtle")
        assert list(graph.objects(None, VOID.sparqlEndpoint)) == [URIRef(server + "sparql")]
    else:
        assert answer.status == 400


def test_a_malformed_host_never_reaches_a_redirect(server):
    """Starlette answers /sparql/ with an absolute redirect to /sparql, written from the Host header."""
    answer = call(server, "GET", "/sparql/", Host="evil.example/x", Accept="text/turtle")
    assert answer.status == 307
    assert answer.headers["location"] == server + "sparql"


def test_static_root_gives_the_same_description_moved(published, description, server):
    nt = serialise_description(describe_dataset(published, "https://koko.example/static/"), lookup("nt"))
    moved = Graph().parse(data=nt, format="nt")
    assert len(moved) == len(description)
    assert URIRef("https://koko.example/static/-/downloads/koko.ttl") in set(moved.objects(None, DCAT.downloadURL))
    assert server not in nt.decode("utf-8")


def test_root_url_must_end_in_a_slash(published):
    with pytest.raises(ValueError, match="must end with '/'"):
        describe_dataset(published, "http://127.0.0.1:8000")


# --- negotiation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("*/*", "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/rdf+xml;q=0.5, application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_every_format_says_the_same(void_url, description, accept, media_type, rdflib_format):
    answer = fetch(void_url, accept=accept)
    assert answer.status == 200
    assert answer.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    assert Graph().parse(data=answer.body, format=rdflib_format).isomorphic(description)


@pytest.mark.parametrize(
    ("value", "media_type"), [("nt", "application/n-triples"), ("jsonld", "application/ld+json"), ("html", "text/html")]
)
def test_format_parameter_overrides_accept(void_url, value, media_type):
    answer = fetch(f"{void_url}?format={value}", accept="text/turtle")
    assert (answer.status, answer.headers["content-type"].split(";")[0]) == (200, media_type)


@pytest.mark.parametrize(("query", "accept", "status"), [("?format=pdf", None, 400), ("", "image/png", 406)])
def test_refuses_what_it_cannot_give(void_url, query, accept, status):
    assert fetch(void_url + query, accept=accept).status == status


def test_same_bytes_on_every_request(void_url, turtle):
    assert fetch(void_url).body == turtle


@pytest.mark.parametrize("seed", ["1", "2"])
def test_same_bytes_whatever_the_hash_seed(published, server, turtle, tmp_path: Path, seed):
    for name, data in published.files.items():
        (tmp_path / name).write_bytes(data)
    script = """
import sys
from pathlib import Path
from koko.config import load_config
from koko.pages.dataset_description import describe_dataset, serialise_description
from koko.graph.formats import lookup
from koko.release.published import publish_from_release

published = publish_from_release(load_config(environ={}), Path(sys.argv[1]))
sys.stdout.buffer.write(serialise_description(describe_dataset(published, sys.argv[2]), lookup("ttl")))
"""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path), server], capture_output=True, env=env, check=True).stdout
    assert out == turtle


# --- the HTML page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "heading"), [("de", "Kennzahlen"), ("en", "Key figures")])
def test_html_page_shows_the_figures(void_url, lang, heading):
    answer = fetch(f"{void_url}?lang={lang}", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    page = answer.body.decode("utf-8")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<html lang="{lang}">' in page
    assert f"<h2>{heading}</h2>" in page
    assert '<td data-figure="triples">17858</td>' in page
    assert '<td data-figure="sites">27</td>' in page
    assert '<td data-figure="graphs">62</td>' in page
    assert all(f'href="/-/downloads/{name}"' in page for name in DATA_FILES)


def test_html_page_embeds_the_dataset_as_json_ld(void_url, description, dataset):
    page = fetch(void_url, accept="text/html").body.decode("utf-8")
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    embedded = Graph().parse(data=script, format="json-ld")
    assert set(embedded.objects(dataset, DCTERMS.title)) == set(description.objects(dataset, DCTERMS.title))
    assert set(embedded) <= set(description)
