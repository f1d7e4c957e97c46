"""The SPARQL endpoint at /sparql: the protocol over real HTTP, brochure facts in every format, the limits
(timeout, row cap, body size), read-only and no federation — and the SERVICE finder it relies on."""

from __future__ import annotations

import dataclasses
import threading
import time
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper import JSONLD as SW_JSONLD

from asgi_call import asgi_call
from helpers import Answer, call, sparql_get
from koko.sparql.execution import Job, QueryTimeout, WorkersBusy, execute
from koko.sparql.lexer import tokens
from koko.sparql.protocol import ProtocolError, decode_fields, services
from koko.web.endpoint import TRUNCATED

BASE = "https://w3id.org/koko-kg/id/"
KOKO = "https://w3id.org/koko-kg/ontology#"
PREFIXES = f"PREFIX koko: <{KOKO}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SITES_PER_STATE = (
    PREFIXES
    + """SELECT ?state (COUNT(?site) AS ?sites) WHERE {
  ?site a koko:Site ; koko:municipality/koko:federalState/rdfs:label ?state .
  FILTER(lang(?state) = "de")
} GROUP BY ?state ORDER BY ?state"""
)
ERFURT_START = PREFIXES + "SELECT ?start WHERE { <site/erfurt> koko:programmeStart ?start }"
MOTTOS = PREFIXES + "CONSTRUCT { ?site koko:motto ?motto } WHERE { ?site koko:motto ?motto }"
COUNT_SITES = PREFIXES + "SELECT (COUNT(DISTINCT ?site) AS ?n) WHERE { ?site a koko:Site }"
WEIMAR_MOTTO = Literal("Entweder wir finden einen Weg oder wir schaffen einen Weg", lang="de")
STATES = {"Sachsen": 7, "Sachsen-Anhalt": 9, "Thüringen": 11}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ALLOWED = "http://127.0.0.1:1/sparql"  # pyoxigraph refuses port 1 itself: allowed, yet nothing is ever connected


def form(root: str, data: bytes, target: str = "/sparql") -> Answer:
    return call(root, "POST", target, data, Content_Type="application/x-www-form-urlencoded")


@pytest.fixture(scope="module")
def limits_server(published):
    """A server of its own with a 1 s timeout, a 4 KiB body cap and one allowed SERVICE endpoint."""
    from koko.web.config import load_server_config
    from koko.web.serve import running

    flags = {"port": 0, "timeout": 1, "max_body": 4096, "workers": 2, "service_allow": (ALLOWED,)}
    with running(published, load_server_config(flags, {})) as url:
        yield url


# --- the three ways to send a query -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda root, q: sparql_get(root, q),
        lambda root, q: form(root, urlencode({"query": q}).encode()),
        lambda root, q: call(root, "POST", "/sparql", q.encode(), Content_Type="application/sparql-query"),
        lambda root, q: call(root, "POST", "/sparql", q.encode(), Content_Type="application/sparql-query; charset=UTF-8"),
    ],
    ids=["get", "form-post", "direct-post", "direct-post-utf8"],
)
def test_each_way_of_sending_gives_the_sites_per_state(server, send):
    answer = send(server, SITES_PER_STATE)
    assert answer.status == 200, answer.body
    assert {r["state"]: int(r["sites"]) for r in answer.rows()} == STATES


def test_relative_iris_resolve_against_the_data_base(server):
    assert sparql_get(server, ERFURT_START).rows() == [{"start": "2016-12"}]


# --- malformed requests -------------------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BAD = [  # method, target, body, Content-Type, status, part of the message
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, None, 400, "2 queries"),
    ("POST", "/sparql?query=ASK%7B%7D", b"query=ASK%7B%7D", FORM, 400, "2 queries"),
    ("POST", "/sparql?query=ASK%7B%7D", b"ASK {}", DIRECT, 400, "2 queries"),
    # Without a query, a client that takes RDF gets the service description (tests/test_service_description.py).
    ("GET", "/sparql?format=csv", None, None, 400, "no query"),
    ("GET", "/sparql?query=&format=json", None, None, 400, "no query"),
    ("POST", "/sparql", b"format=json", FORM, 400, "no query"),
    ("POST", "/sparql", b"query=ASK%20%7B%FF%7D", FORM, 400, "the form body is not UTF-8"),
    ("POST", "/sparql", b"ASK {\xff}", DIRECT, 400, "the query is not UTF-8"),
    ("GET", "/sparql?query=ASK%20%7B%FF%7D", None, None, 400, "the URL is not UTF-8"),
    ("POST", "/sparql", "ASK {}".encode("utf-16"), DIRECT + "; charset=UTF-16", 415, "charset=utf-16 is not supported"),
    ("POST", "/sparql", b"ASK {}", "text/plain", 415, "this one has Content-Type 'text/plain'"),
    ("POST", "/sparql", b"query=ASK%20%7B%7D", None, 415, "this one has no Content-Type"),
    ("PUT", "/sparql?query=ASK%7B%7D", None, FORM, 405, ""),
    ("GET", "/sparql?query=ASK%7B%7D&format=png", None, None, 400, "unknown format 'png'"),
    ("GET", "/sparql?query=ASK%7B%7D&format=csv&format=json", None, None, 400, "ask for different formats"),
]


@pytest.mark.parametrize(
    ("method", "target", "body", "content_type", "status", "message"), BAD, ids=[f"{b[4]}-{i}" for i, b in enumerate(BAD)]
)
def test_malformed_requests_are_refused_with_the_protocol_status(server, method, target, body, content_type, status, message):
    answer = call(server, method, target, body, **({"Content-Type": content_type} if content_type else {}))
    assert answer.status == status
    assert message.encode() in answer.body
    assert answer.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("accept", ["text/html,application/xhtml+xml,*/*;q=0.8", "application/xhtml+xml"])
def test_a_browser_without_a_query_is_sent_to_the_query_page(server, accept):
    answer = call(server, "GET", "/sparql", Accept=accept)
    assert (answer.status, answer.headers["location"]) == (303, "/-/sparql")


@pytest.mark.parametrize(("size", "status"), [(4096, 200), (4097, 413), (5000, 413)])
def test_request_bodies_over_max_body_are_refused(limits_server, size, status):
    query = "ASK {}\n#"
    body = (query + "x" * (size - len(query))).encode()
    assert call(limits_server, "POST", "/sparql", body, Content_Type="application/sparql-query").status == status


def test_a_chunked_body_over_max_body_is_refused_while_it_is_read(limits_server):
    chunks = iter([b"ASK {} #" + b"x" * 3000, b"x" * 3000])
    answer = call(limits_server, "POST", "/sparql", chunks, Content_Type="application/sparql-query")
    assert (answer.status, b"max_body" in answer.body) == (413, True)


# --- results: formats, negotiation, headers -----------------------------------------------------------------

NEGOTIATED = [
    (ERFURT_START, None, None, "application/sparql-results+json"),
    (ERFURT_START, "*/*", None, "application/sparql-results+json"),
    (ERFURT_START, "application/sparql-results+xml", None, "application/sparql-results+xml"),
    (ERFURT_START, "text/csv", None, "text/csv"),
    (ERFURT_START, "text/tab-separated-values", None, "text/tab-separated-values"),
    (ERFURT_START, "application/json", None, "application/sparql-results+json"),
    (ERFURT_START, "text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
    (ERFURT_START, "application/sparql-results+json", "csv", "text/csv"),
    (ERFURT_START, "text/csv", "tsv", "text/tab-separated-values"),
    (ERFURT_START, None, "application/sparql-results+xml", "application/sparql-results+xml"),
    (MOTTOS, None, None, "text/turtle"),
    (MOTTOS, "*/*", None, "text/turtle"),
    (MOTTOS, "application/ld+json", None, "application/ld+json"),
    (MOTTOS, "application/n-triples", None, "application/n-triples"),
    (MOTTOS, "application/rdf+xml", None, "application/rdf+xml"),
    (MOTTOS, "text/turtle", "xml", "application/rdf+xml"),
    (MOTTOS, None, "jsonld", "application/ld+json"),
    (MOTTOS, None, "nt", "application/n-triples"),
    (MOTTOS, "application/rdf+xml", "turtle", "text/turtle"),
    (MOTTOS, "application/trig", None, "application/trig"),
    (MOTTOS, "application/n-quads", None, "application/n-quads"),
    (MOTTOS, None, "trig", "application/trig"),
    (MOTTOS, "text/turtle", "nquads", "application/n-quads"),
]


@pytest.mark.parametrize(("query", "accept", "fmt", "media"), NEGOTIATED)
def test_the_format_follows_accept_and_the_format_parameter_overrides_it(server, query, accept, fmt, media):
    answer = sparql_get(server, query, accept, **({"format": fmt} if fmt else {}))
    assert answer.status == 200
    assert answer.headers["content-type"] == f"{media}; charset=utf-8"
    assert answer.headers["vary"] == "Accept"
    assert b"2016-12" in answer.body or b"Entweder wir finden einen Weg" in answer.body


@pytest.mark.parametrize(("query", "accept"), [(ERFURT_START, "image/png"), (ERFURT_START, "text/turtle"), (MOTTOS, "text/csv")])
def test_nothing_acceptable_is_406_with_the_offer(server, query, accept):
    answer = sparql_get(server, query, accept)
    assert answer.status == 406
    assert (b"text/turtle" if query == MOTTOS else b"text/csv") in answer.body


def test_turtle_answers_use_the_release_prefixes(server):
    answer = sparql_get(server, "DESCRIBE <site/erfurt>", "text/turtle")
    assert b"@prefix site: <https://w3id.org/koko-kg/id/site/> ." in answer.body
    graph = Graph().parse(data=answer.body, format="turtle")
    assert (URIRef(BASE + "site/erfurt"), URIRef(KOKO + "programmeStart"), Literal("2016-12", datatype=XSD.gYearMonth)) in graph


@pytest.mark.parametrize(("query", "count"), [("SELECT * WHERE { ?s ?p ?o }", 2000), ("CONSTRUCT WHERE { ?s ?p ?o }", 2000)])
def test_results_cut_at_max_rows_say_so_in_a_header(server, published, query, count):
    answer = sparql_get(server, query, "application/n-triples, application/sparql-results+json")
    assert published.triples > count
    assert answer.headers[TRUNCATED.lower()] == "2000"
    cut = len(answer.rows()) if query.startswith("SELECT") else len(answer.body.decode().splitlines())
    assert cut == count


def test_complete_results_have_no_truncation_header(server):
    answer = sparql_get(server, COUNT_SITES)
    assert answer.rows() == [{"n": "27"}]
    assert TRUNCATED.lower() not in answer.headers


# --- dataset: local graphs only -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (COUNT_SITES, {}, "27"),
        (COUNT_SITES, {"default_graph_uri": BASE + "graph/site/erfurt"}, "1"),
        (COUNT_SITES.replace("WHERE", "FROM <graph/site/erfurt> FROM <graph/site/weimar> WHERE"), {}, "2"),
        (
            COUNT_SITES.replace("WHERE", f"FROM <{BASE}graph/site/erfurt> WHERE"),
            {"default_graph_uri": BASE + "graph/programme"},
            "0",
        ),
        (
            COUNT_SITES.replace("{ ?site", "{ GRAPH ?g { ?site").replace("Site }", "Site } }"),
            {"named_graph_uri": BASE + "graph/site/erfurt"},
            "1",
        ),
        (COUNT_SITES.replace("WHERE", "FROM NAMED <graph/site/erfurt> WHERE"), {}, "0"),
    ],
    ids=["union", "default-graph-uri", "from", "protocol-overrides-from", "named-graph-uri", "from-named-empties-default"],
)
def test_graphs_select_local_named_graphs(server, query, params, expected):
    answer = sparql_get(server, query, **params)
    assert answer.rows() == [{"n": expected}]


ERFURT_AND_WEIMAR = urlencode([("default-graph-uri", f"{BASE}graph/site/{s}") for s in ("erfurt", "weimar")])


@pytest.mark.parametrize(
    "send",
    [
        lambda root: form(root, f"query={quote(COUNT_SITES)}&{ERFURT_AND_WEIMAR}".encode()),
        lambda root: form(root, f"query={quote(COUNT_SITES)}".encode(), f"/sparql?{ERFURT_AND_WEIMAR}"),
        lambda root: call(
            root, "POST", f"/sparql?{ERFURT_AND_WEIMAR}", COUNT_SITES.encode(), Content_Type="application/sparql-query"
        ),
    ],
    ids=["form-body", "form-url", "direct-post-url"],
)
def test_graph_parameters_repeat_in_a_form_and_beside_a_direct_post(server, send):
    assert send(server).rows() == [{"n": "2"}]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("ASK {{}}", "default-graph-uri"),
        ("ASK {{}}", "named-graph-uri"),
        ("ASK FROM <{iri}> {{}}", None),
        ("ASK FROM NAMED <{iri}> {{}}", None),
    ],
)
def test_a_graph_we_do_not_hold_is_400_and_never_fetched(server, listener, query, param):
    answer = sparql_get(server, query.format(iri=listener), **({param.replace("-", "_"): listener} if param else {}))
    assert answer.status == 400
    assert f"{param or 'FROM'} <{listener}>".encode() in answer.body


def test_the_engine_itself_never_fetches_a_from_graph(published, listener):
    assert not published.store.query(f"ASK FROM <{listener}> {{ ?s ?p ?o }}")
    outcome = execute(published.store, Job(f"ASK FROM <{listener}> {{ ?s ?p ?o }}", default_graphs=(listener,)))
    assert outcome.body == b'{"head": {}, "boolean": false}'


# --- read-only, no federation --------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "delete where { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/>\n# a comment\nDELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "CREATE GRAPH <urn:g>",
    "DROP ALL",
    "COPY DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
]


@pytest.mark.parametrize("update", UPDATES)
def test_update_text_is_refused_with_403(server, update):
    answer = sparql_get(server, update)
    assert (answer.status, answer.headers["content-type"]) == (403, "text/plain; charset=utf-8")
    assert b"read-only" in answer.body


@pytest.mark.parametrize(
    ("method", "target", "body", "content_type"),
    [
        ("GET", "/sparql?update=CLEAR%20ALL", None, None),
        ("POST", "/sparql", b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
        ("POST", "/sparql", b"CLEAR ALL", "application/sparql-update"),
        ("POST", "/sparql?using-graph-uri=urn%3Ag", b"query=ASK%7B%7D", "application/x-www-form-urlencoded"),
    ],
    ids=["update-get", "update-form", "sparql-update-type", "using-graph-uri"],
)
def test_update_requests_are_refused_with_403(server, method, target, body, content_type):
    answer = call(server, method, target, body, **({"Content-Type": content_type} if content_type else {}))
    assert answer.status == 403
    assert b"read-only" in answer.body


def test_load_is_refused_without_connecting(server, listener):
    assert sparql_get(server, f"LOAD <{listener}>").status == 403


FEDERATED = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICESILENT<{url}>{{}} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}>\nSELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "PREFIX ep: <{url}>\nSELECT * WHERE {{ SERVICE ep:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{}} }}",
    "SELECT * WHERE {{ VALUES ?a {{ '''x' }} SERVICE <{url}> {{}} }}",
]


@pytest.mark.parametrize("query", FEDERATED)
def test_service_is_refused_before_anything_connects(server, listener, query):
    answer = sparql_get(server, query.format(url=listener))
    assert answer.status == 403
    assert b"federated queries are refused" in answer.body
    assert b"allowed: none" in answer.body


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE {{ BIND('SERVICE <{url}> {{}}' AS ?service) }}",
        "SELECT * WHERE {{ BIND(<{url}SERVICE> AS ?x) }} # SERVICE <{url}> {{}}",
        "PREFIX service: <{url}>\nSELECT * WHERE {{ BIND(service:x AS ?x) BIND(<urn:x:SERVICE> AS ?y) }}",
    ],
)
def test_service_in_strings_comments_iris_and_names_is_not_federation(server, listener, query):
    assert sparql_get(server, query.format(url=listener)).status == 200


@pytest.mark.parametrize(("silent", "status"), [("SILENT", 200), ("", 500)])
def test_an_allowed_endpoint_passes_the_check(limits_server, silent, status):
    answer = sparql_get(limits_server, f"SELECT * WHERE {{ SERVICE {silent} <{ALLOWED}> {{ ?s ?p ?o }} }}")
    assert answer.status == status
    assert b"could not be evaluated" in answer.body if status == 500 else answer.rows() == [{}]


def test_the_allow_list_is_exact(limits_server):
    answer = sparql_get(limits_server, f"SELECT * WHERE {{ SERVICE <{ALLOWED}/other> {{ ?s ?p ?o }} }}")
    assert answer.status == 403
    assert f"allowed: <{ALLOWED}>".encode() in answer.body


# --- errors, CORS -------------------------------------------------------------------------------------------


def test_a_malformed_query_is_400_with_the_parsers_position(server):
    answer = sparql_get(server, "SELECT ?x WHERE { ?x ?p }")
    assert answer.status == 400
    assert answer.body.startswith(b"malformed query: error at 1:26: expected")


@pytest.mark.parametrize(
    "answer",
    [
        lambda root: sparql_get(root, "ASK {}"),
        lambda root: form(root, b"query=ASK%7B%7D"),
        lambda root: sparql_get(root, "ASK {"),
        lambda root: sparql_get(root, "CLEAR ALL"),
    ],
    ids=["get", "post", "400", "403"],
)
def test_every_answer_allows_any_origin(server, answer):
    assert answer(server).headers["access-control-allow-origin"] == "*"


def test_preflight_allows_get_post_and_the_protocol_headers(server):
    answer = call(server, "OPTIONS", "/sparql", Origin="https://example.org", Access_Control_Request_Method="POST")
    assert answer.status == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert answer.headers["access-control-allow-headers"] == "Content-Type, Accept"


class _FailingThreads:
    def __init__(self, error):
        self.error = error

    async def arun(self, job, timeout):
        raise self.error


def _asgi_get(app, target: str) -> tuple[int, dict[str, str], bytes]:
    """One GET straight into the ASGI app, for query threads that fail on purpose."""
    path, _, query = target.partition("?")
    return asgi_call(app, {"method": "GET", "path": path, "query_string": query.encode(), "headers": []})


@pytest.mark.parametrize(
    ("error", "status", "retry"),
    [
        (QueryTimeout("the query took longer than 3 s and was stopped", 3), 503, "3"),
        (WorkersBusy("all query workers are busy", 3), 503, "3"),
        (WorkersBusy("the server is stopping; try again shortly", 1), 503, "1"),
    ],
)
def test_unanswered_queries_are_503_with_retry_after(published, error, status, retry):
    from koko.pages.backend import embedded
    from koko.web.app import create_app
    from koko.web.config import ServerConfig

    failing = dataclasses.replace(embedded(published), threads=_FailingThreads(error))
    answer = _asgi_get(create_app(published, ServerConfig(), failing), "/sparql?query=ASK%7B%7D")
    assert answer[0] == status
    assert answer[1].get("retry-after") == retry
    assert str(error).encode() in answer[2]


# --- the timeout: the query's process is replaced, other queries go on ------------------------------------------


def _timed(send, into: dict, key: str) -> threading.Thread:
    def run():
        started = time.monotonic()
        into[key] = (send(), time.monotonic() - started, time.monotonic())

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _race(root: str) -> tuple:
    """A runaway query, and a light one sent while it runs; each answer with when it arrived."""
    answers: dict = {}
    slow = _timed(lambda: sparql_get(root, SLOW), answers, "slow")
    time.sleep(0.2)  # the slow query holds a query thread now
    light = _timed(lambda: sparql_get(root, SITES_PER_STATE), answers, "light")
    slow.join(30)
    light.join(30)
    return answers["slow"], answers["light"]


def test_a_runaway_query_is_stopped_while_light_ones_are_answered(limits_server):
    for (slow, slow_took, slow_done), (light, _, light_done) in (_race(limits_server), _race(limits_server)):
        assert slow.status == 503
        assert slow.headers["retry-after"] == "1"
        assert b"took longer than 1 s and was stopped" in slow.body
        assert 1 <= slow_took < 5
        assert light.status == 200
        assert {r["state"]: int(r["sites"]) for r in light.rows()} == STATES
        assert light_done < slow_done  # answered while the runaway still ran: in the second race, by the replacement
    assert sparql_get(limits_server, COUNT_SITES).rows() == [{"n": "27"}]


# --- SPARQLWrapper, a real client ---------------------------------------------------------------------------


def _wrapper(server: str, query: str, fmt: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(server + "sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


def _states_from(fmt: str, converted) -> dict[str, int]:
    if fmt == JSON:
        return {b["state"]["value"]: int(b["sites"]["value"]) for b in converted["results"]["bindings"]}
    if fmt == XML:
        results = converted.getElementsByTagName("result")
        cells = [
            {
                b.getAttribute("name"): b.getElementsByTagName("literal")[0].firstChild.data
                for b in r.getElementsByTagName("binding")
            }
            for r in results
        ]
        return {c["state"]: int(c["sites"]) for c in cells}
    lines = converted.decode("utf-8").splitlines()[1:]
    if fmt == CSV:
        return {line.split(",")[0]: int(line.split(",")[1]) for line in lines}
    return {line.split('"')[1]: int(line.split('"')[3]) for line in lines}  # "Sachsen"@de <TAB> "7"^^xsd:integer


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(server, fmt):
    assert _states_from(fmt, _wrapper(server, SITES_PER_STATE, fmt).query().convert()) == STATES


@pytest.mark.parametrize("fmt", [JSON, XML])
@pytest.mark.parametrize(("start", "expected"), [("2016-12", True), ("2017-01", False)])
def test_sparqlwrapper_ask_whether_erfurt_started_then(server, fmt, start, expected):
    query = PREFIXES + f'ASK {{ <{BASE}site/erfurt> koko:programmeStart "{start}"^^<{XSD.gYearMonth}> }}'
    converted = _wrapper(server, query, fmt).query().convert()
    answer = converted["boolean"] if fmt == JSON else converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert answer is expected


GRAPH_FORMATS = [
    (TURTLE, None, "turtle"),
    (SW_JSONLD, None, "json-ld"),
    (N3, "application/n-triples", "nt"),
    (RDFXML, None, "xml"),
]


def _graph(server: str, query: str, fmt: str, accept: str | None, rdflib_format: str) -> Graph:
    wrapper = _wrapper(server, query, fmt)
    if accept:
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", accept)
    response = wrapper.query().response
    assert response.headers["content-type"].endswith("; charset=utf-8")
    return Graph().parse(data=response.read(), format=rdflib_format)


@pytest.mark.parametrize(("fmt", "accept", "rdflib_format"), GRAPH_FORMATS)
def test_sparqlwrapper_construct_in_every_rdf_format(server, fmt, accept, rdflib_format):
    graph = _graph(server, MOTTOS, fmt, accept, rdflib_format)
    assert len(graph) == 27
    assert (URIRef(BASE + "site/weimar"), URIRef(KOKO + "motto"), WEIMAR_MOTTO) in graph


@pytest.mark.parametrize(("fmt", "accept", "rdflib_format"), GRAPH_FORMATS)
def test_sparqlwrapper_describe_in_every_rdf_format(server, fmt, accept, rdflib_format):
    graph = _graph(server, f"DESCRIBE <{BASE}site/erfurt>", fmt, accept, rdflib_format)
    assert graph.value(URIRef(BASE + "site/erfurt"), URIRef(KOKO + "programmeStart")) == Literal(
        "2016-12", datatype=XSD.gYearMonth
    )
    assert str(graph.value(URIRef(BASE + "site/erfurt"), URIRef(KOKO + "printedName"))) == "Landeshauptstadt Erfurt"


START_MONTHS = (
    PREFIXES + "CONSTRUCT { ?site koko:programmeStart ?start } WHERE { ?site a koko:Site ; koko:programmeStart ?start }"
)


@pytest.mark.parametrize(("accept", "fmt", "rdflib_format"), [("application/trig", None, "trig"), (None, "nq", "nquads")])
def test_construct_in_a_quads_format_is_one_default_graph(server, accept, fmt, rdflib_format):
    answer = sparql_get(server, START_MONTHS, accept, **({"format": fmt} if fmt else {}))
    assert answer.status == 200, answer.body
    dataset = Dataset()
    dataset.parse(data=answer.body, format=rdflib_format)
    assert [g.identifier for g in dataset.graphs() if len(g)] == [DATASET_DEFAULT_GRAPH_ID]
    months = {
        str(s).removeprefix(BASE): str(o) for s, o in dataset.default_graph.subject_objects(URIRef(KOKO + "programmeStart"))
    }
    assert len(months) == 27
    assert (months["site/erfurt"], months["site/weimar"]) == ("2016-12", "2016-12")


def test_describe_gives_each_triple_once_whatever_graphs_hold_it(published):
    """pyoxigraph's DESCRIBE over the union yields a triple once per named graph holding it; a graph is a set."""
    store = ox.Store()
    store.bulk_load(published.nquads, ox.RdfFormat.N_QUADS)
    erfurt = ox.NamedNode(BASE + "site/erfurt")
    start = ox.Quad(
        erfurt, ox.NamedNode(KOKO + "programmeStart"), ox.Literal("2016-12", datatype=ox.NamedNode(str(XSD.gYearMonth)))
    )
    store.add(ox.Quad(start.subject, start.predicate, start.object, ox.NamedNode(BASE + "graph/copy")))
    job = Job(f"DESCRIBE <{erfurt.value}>", graph_format="nt")
    lines = execute(store, job).body.decode().splitlines()
    assert len(lines) == len(set(lines)) == len(list(store.quads_for_pattern(erfurt, None, None))) - 1
    assert f"{start.triple} ." in lines


# --- the SERVICE finder and the parameter decoder, on their own -------------------------------------------------


def _found(query: str) -> list[str]:
    return [call.endpoint for call in services(list(tokens(query, BASE)))]


@given(content=st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=40))
def test_service_inside_a_string_or_a_comment_is_not_found(content):
    literal = '"' + content.replace("\\", "\\\\").replace('"', '\\"') + '"'
    long_literal = "'''" + content.replace("\\", "\\\\").replace("'", "\\'") + "'''"
    query = f"SELECT * WHERE {{ BIND({literal} AS ?a) BIND({long_literal} AS ?b) }} # {content} SERVICE <x> {{}}"
    assert _found(query) == []


@given(path=st.text(st.sampled_from("abcSERVICEservice/#-._~!$&'()*+,;=:@%20"), max_size=30))
def test_service_inside_an_iri_is_not_found(path):
    assert _found(f"SELECT * WHERE {{ <http://example.org/{path}> ?p ?o }}") == []


@given(keyword=st.sampled_from(["SERVICE", "service", "Service", "sErViCe"]), silent=st.sampled_from(["", " SILENT", " silent"]))
def test_the_keyword_is_found_in_any_case(keyword, silent):
    assert _found(f"SELECT * WHERE {{ {keyword}{silent} <http://example.org/sparql> {{ ?s ?p ?o }} }}") == [
        "http://example.org/sparql"
    ]


# Pieces the differential test assembles; none has a colon, so no query it builds can name a reachable endpoint.
BEFORE = [
    "",
    "{} ",
    "?s ?p ?o . ",
    "?s ?p 1",
    "?s ?p 'a'",
    '?s ?p "#"',
    "?s ?p '''a'",
    "VALUES ?v { '''x' } ",
    "BIND(<a#> AS ?i) ",
]
BEFORE += ["# comment\n", "#\r", "?s ?p <x#y> .", "FILTER(1<2)", "?s ?p true", 'BIND("""a"""" AS ?q)', "?s ?p ?o.", "OPTIONAL{}"]
BEFORE += [
    "BIND('a\\'#' AS ?e) ",
    "BIND(<a\\u0023> AS ?u) ",
    "FILTER(?s<?p)#>\n",
    "?s ?p _:b.",
    "?s ?p 'a'@en-",
    "?s ?p 1e",
    "?s ?p .5",
]
BEFORE += ["?s ?p x.", "?s ?p ?o . ?o ?q 'ü'", "FILTER(?a < 1 && ?b > 2)", "BIND('''a''' AS ?l)", "{ ?s ?p ?o } UNION {}"]
KEYWORDS = ["SERVICE", "service", "SERVICESILENT", "SERVICE SILENT", "SeRvIcE"]
SEPARATORS = ["", " ", "\n", " # c\n", "\t"]


def _engine_runs_service(query: str) -> bool:
    """pyoxigraph as the oracle: an unbound SERVICE variable is an error only when SERVICE runs."""
    try:
        answer = ox.Store().query(query, base_iri=BASE)
        if isinstance(answer, ox.QuerySolutions):
            list(answer)
    except RuntimeError as exc:
        return "service name is unbound" in str(exc)
    except SyntaxError:
        return False
    return False


def test_the_oracle_sees_a_service_run():
    assert _engine_runs_service("SELECT * WHERE { SERVICE ?x {} }")
    assert not _engine_runs_service("SELECT * WHERE { SERVICE SILENT ?x {} }")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(st.sampled_from(BEFORE), max_size=3).map("".join),
    keyword=st.sampled_from(KEYWORDS),
    separator=st.sampled_from(SEPARATORS),
    after=st.sampled_from(["?x {}", "?x{ }", "$x {?s ?p ?o}"]),
)
def test_every_service_the_engine_runs_is_found(before, keyword, separator, after):
    query = f"SELECT * WHERE {{ {before}{keyword}{separator}{after} }}"
    if _engine_runs_service(query):
        assert _found(query), query


@pytest.mark.parametrize(
    "text",
    [
        "a." * 100_000,
        "'''" + "x" * 200_000,
        "<a" * 100_000,
        "_:a" + "." * 200_000,
        '"a' * 100_000,
        "'\\q" * 70_000,
        "ex:a.b" * 35_000,
    ],
    ids=["names", "long-string", "less-than", "blank-node", "short-strings", "escapes", "prefixed-names"],
)
def test_the_service_check_takes_linear_time(text):
    started = time.monotonic()
    services(list(tokens(text, BASE)))
    assert time.monotonic() - started < 5  # about 1 s here; with backtracking regular expressions, minutes


@given(st.lists(st.tuples(st.text(max_size=10), st.text(max_size=20)), max_size=5))
def test_parameters_decode_from_their_url_encoding(pairs):
    assert decode_fields(urlencode(pairs).encode(), "the URL") == pairs


@pytest.mark.parametrize("raw", [b"query=%C3", b"%FF=1", b"query=\xe4"])
def test_parameters_that_are_not_utf8_are_a_400(raw):
    with pytest.raises(ProtocolError) as caught:
        decode_fields(raw, "the form body")
    assert caught.value.status == 400
