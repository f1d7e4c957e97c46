"""The W3C SPARQL 1.1 Protocol tests (tests/fixtures/sparql11-protocol/), run against a real server.

The manifest is data: every test's requests are read from it and sent as written, with ``/sparql/``
replaced by our ``/sparql``. The graphs the tests name are loaded locally under their IRIs into a server
of their own (koko never fetches a graph). The endpoint is read-only, so each update request must be
refused with a 4xx, never a 2xx or a 5xx, and the requests that would check its effect are not sent.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from helpers import call

HERE = Path(__file__).parent / "fixtures" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RESULTS = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}

# Tests koko does not pass, with the reason; strict, so a test that starts to pass must leave the table.
KNOWN_GAPS: dict[str, str] = {}


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # StatusCode2xx, …
    format: str | None  # boolean, tabular or RDF
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        params = parse_qsl(urlsplit(self.target).query) + parse_qsl((self.body or b"").decode("utf-8", "replace"))
        return self.headers.get("content-type", "").startswith("application/sparql-update") or any(
            k == "update" for k, _ in params
        )


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    requests: tuple[Request, ...]
    data: tuple[tuple[str, str], ...]  # (file, graph IRI)


def _request(graph: Graph, node) -> Request:
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
    headers = {}
    if (header_list := graph.value(node, HT.headers)) is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        target=str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
        headers=headers,
        body=body,
        statuses=frozenset(str(s).rpartition("#")[2] for s in graph.objects(response, MF.expectedStatus)),
        format=str(graph.value(response, MF.expectedFormat)) if graph.value(response, MF.expectedFormat) else None,
        boolean=None if boolean is None else bool(boolean.toPython()),
    )


def read_manifest(path: Path) -> list[Case]:
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = tuple(_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests)))
        data = tuple(
            sorted(
                (Path(str(graph.value(d, UT.graph))).name, str(graph.value(d, RDFS.label)))
                for d in graph.objects(test, UT.graphData)
            )
        )
        cases.append(Case(str(test).rpartition("#")[2], str(graph.value(test, MF.name)), requests, data))
    return cases


CASES = read_manifest(HERE / "manifest.ttl")


def _graphs_named_without_data(cases: list[Case]) -> set[str]:
    """Graphs the requests name in default-graph-uri/named-graph-uri that the suite gives no data for."""
    named = {
        value
        for case in cases
        for request in case.requests
        for key, value in parse_qsl(urlsplit(request.target).query)
        if key in ("default-graph-uri", "named-graph-uri")
    }
    return named - {iri for case in cases for _, iri in case.data}


@pytest.fixture(scope="module")
def conformance_server(published):
    """The release plus the suite's graphs under their IRIs. data0.rdf, which the suite gives no data, holds one
    placeholder statement: the serving process loads N-Quads, which cannot name an empty graph, and the requests
    that name it ask ``ASK {}``, ``SELECT (1 AS ?value) {}``, a constant CONSTRUCT or DESCRIBE <http://example.org/>,
    none of which the placeholder changes."""
    from koko.release.published import QUADS_FILE, _published
    from koko.web.config import load_server_config
    from koko.web.serve import running

    data = sorted({d for case in CASES for d in case.data})
    extra = "".join(
        f"{line.removesuffix(' .')} <{iri}> .\n"
        for name, iri in data
        for line in (HERE / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    extra += "".join(
        f'<urn:x-koko:placeholder> <urn:x-koko:placeholder> "no data" <{iri}> .\n'
        for iri in sorted(_graphs_named_without_data(CASES))
    )
    files = {**published.files, QUADS_FILE: published.nquads + extra.encode()}
    conformance = _published(published.config, files)
    with running(conformance, load_server_config({"port": 0, "timeout": 5, "workers": 2}, {})) as url:
        yield url


def boolean_of(media: str, body: bytes) -> bool | None:
    if media == "application/sparql-results+json":
        return json.loads(body).get("boolean")
    if media == "application/sparql-results+xml":
        found = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return None if found is None else found.text == "true"
    return None


def check_format(expected: str, media: str, body: bytes) -> None:
    if expected == "boolean":
        assert boolean_of(media, body) is not None, media
    elif expected == "tabular":
        assert media in RESULTS, media
        if media == "application/sparql-results+json":
            assert "bindings" in json.loads(body)["results"]
    else:
        assert media in RDF_TYPES, media
        Graph().parse(data=body, format=RDF_TYPES[media])


def test_the_manifest_has_34_tests_of_which_7_update():
    assert len(CASES) == 34
    assert sum(1 for c in CASES if c.requests[0].is_update and "StatusCode2xx" in c.requests[0].statuses) == 7
    assert _graphs_named_without_data(CASES) == {"http://kasei.us/2009/09/sparql/data/data0.rdf"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_GAPS[c.name], strict=True)) if c.name in KNOWN_GAPS else c
        for c in CASES
    ],
    ids=[c.name for c in CASES],
)
def test_w3c_protocol(conformance_server, case):
    for request in case.requests:  # the requests of one test run in order
        answer = call(conformance_server, request.method, request.target, request.body, **request.headers)
        status, media, body = answer.status, answer.media_type, answer.body
        if request.is_update:  # read-only: refused, and the checks of its effect do not apply
            assert status // 100 == 4, (status, body)
            return
        assert f"StatusCode{status // 100}xx" in request.statuses, (status, body)
        if request.format:
            check_format(request.format, media, body)
        if request.boolean is not None:
            assert boolean_of(media, body) is request.boolean
