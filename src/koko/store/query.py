"""Queries against a remote SPARQL endpoint (SPARQL 1.1 Protocol, through SPARQLWrapper).

The answer comes back as SPARQL JSON (SELECT, ASK) or N-Triples/Turtle (CONSTRUCT, DESCRIBE)
and is turned into an rdflib ``Result``, so :func:`koko.sparql.canned.render` writes it exactly as it
writes a local one. Parameters are bound as RDF terms in a VALUES block (:mod:`koko.sparql.binding`).

Credentials come from the environment only, never from the command line: ``KOKO_STORE_USER``
and ``KOKO_STORE_PASSWORD`` (basic auth) or ``KOKO_STORE_TOKEN`` (bearer). They are never
written anywhere; an endpoint URL with a user name or password in it is refused.

>>> endpoint_url("https://user:secret@example.org/sparql")
Traceback (most recent call last):
koko.errors.KokoError: --endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL
"""

from __future__ import annotations

import contextlib
import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node, Variable
from SPARQLWrapper import POST, SPARQLWrapper

from koko.errors import KokoError
from koko.graph.model import bind_prefixes
from koko.sparql.binding import bind_values
from koko.sparql.canned import CannedQuery, bindings_for
from koko.sparql.lexer import tokens
from koko.sparql.protocol import query_form
from koko.store.http import Credentials, credentials_from_env

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = {"application/n-triples": "nt", "text/turtle": "turtle"}
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"


def endpoint_url(url: str) -> str:
    """The endpoint URL, checked: http or https, a host, no credentials in it."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise KokoError(
            "--endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KokoError(f"--endpoint: {url!r} is not an http(s) URL")
    return url


def _first_lines(body: bytes, count: int = 5, width: int = 300) -> str:
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    clipped = [line if len(line) <= width else line[: width - 1] + "…" for line in lines[:count]]
    return "\n  ".join(clipped) + ("\n  …" if len(lines) > count else "") if clipped else "(no message)"


def _term(cell: object, where: str) -> Node:
    if not isinstance(cell, dict) or not isinstance(cell.get("value"), str):
        raise KokoError(f"{where} is not an object with a string 'value'")
    kind, value = cell.get("type"), cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language, datatype = cell.get("xml:lang"), cell.get("datatype")
        if language is not None:
            return Literal(value, lang=str(language))
        return Literal(value, datatype=URIRef(datatype) if datatype else None)
    raise KokoError(f"{where} has type {kind!r}; expected uri, literal or bnode")


def results_from_json(body: bytes) -> Result:
    """A SPARQL JSON results document as an rdflib Result; every defect is named.

    >>> results_from_json(b'{"head": {}, "boolean": true}').askAnswer
    True
    >>> results_from_json(b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}')
    Traceback (most recent call last):
    koko.errors.KokoError: solution 1, ?x is not an object with a string 'value'
    """
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KokoError(f"the body is not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("head"), dict):
        raise KokoError("the JSON has no 'head' object")
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise KokoError("'boolean' is not true or false")
        result = Result("ASK")
        result.askAnswer = document["boolean"]
        return result
    names = document["head"].get("vars")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise KokoError("'head' has no list of variable names 'vars'")
    solutions = (document.get("results") or {}).get("bindings") if isinstance(document.get("results"), dict) else None
    if not isinstance(solutions, list):
        raise KokoError("the JSON has no 'results' object with a 'bindings' list")
    rows = []
    for number, solution in enumerate(solutions, start=1):
        if not isinstance(solution, dict):
            raise KokoError(f"solution {number} is not an object")
        unknown = sorted(set(solution) - set(names))
        if unknown:
            raise KokoError(f"solution {number} binds ?{unknown[0]}, which is not in 'head'")
        rows.append({Variable(k): _term(v, f"solution {number}, ?{k}") for k, v in solution.items()})
    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = rows
    return result


def results_from_graph(body: bytes, media_type: str) -> Result:
    """An N-Triples or Turtle answer as a CONSTRUCT/DESCRIBE Result."""
    graph = Graph()
    try:
        graph.parse(data=body.decode("utf-8"), format=GRAPH_TYPES[media_type])
    except Exception as exc:  # rdflib's parsers raise many kinds of errors
        raise KokoError(f"the {media_type} body does not parse ({exc})") from None
    result = Result("CONSTRUCT")
    result.graph = graph
    return result


class EndpointError(KokoError):
    """The endpoint could not be reached, or answered with an HTTP error (``status``)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class EndpointTimeout(EndpointError):
    """The endpoint did not answer in time."""


def sparql_request(
    url: str,
    text: str,
    accept: str,
    timeout: float,
    credentials: Credentials | None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
) -> SPARQLWrapper:
    """A POSTed query (with the protocol's default-graph-uri and named-graph-uri) as SPARQLWrapper builds it."""
    wrapper = SPARQLWrapper(url, agent="koko-kg (SPARQLWrapper)")
    wrapper.setMethod(POST)
    wrapper.setOnlyConneg(True)  # no format=/output= parameters: Accept says it
    wrapper.setTimeout(timeout)  # type: ignore[arg-type]
    wrapper.setQuery(text)
    wrapper.addCustomHttpHeader("Accept", accept)
    for graph in default_graphs:
        wrapper.addDefaultGraph(graph)
    for graph in named_graphs:
        wrapper.addNamedGraph(graph)
    if credentials is not None:
        wrapper.addCustomHttpHeader("Authorization", credentials.header())
    return wrapper


def _request(url: str, text: str, form: str, timeout: float, credentials: Credentials | None) -> SPARQLWrapper:
    accept = RESULTS_JSON if form in ("select", "ask") else GRAPH_ACCEPT
    return sparql_request(url, text, accept, timeout, credentials)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answered as errors: urllib would send the Authorization header on to any host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@contextlib.contextmanager
def answer_of(wrapper: SPARQLWrapper, url: str, timeout: float) -> Iterator[http.client.HTTPResponse]:
    """The endpoint's answer, open for reading; transport and HTTP failures as :class:`EndpointError`.

    SPARQLWrapper builds the request (form encoding, headers); it is sent here, so that
    redirects are not followed and the status and body of an HTTP error are both kept.
    """
    request = wrapper._createRequest()  # its query() follows redirects, drops the status
    late = f"the SPARQL endpoint {url} did not answer within {timeout:g} s (--timeout)"
    try:
        with urllib.request.build_opener(_NoRedirect()).open(request, timeout=timeout) as response:
            yield response
    except urllib.error.HTTPError as exc:
        where = f" (to {exc.headers.get('Location')})" if 300 <= exc.code < 400 else ""
        message = f"the SPARQL endpoint {url} answered HTTP {exc.code}{where}: {_first_lines(exc.read())}"
        raise EndpointError(message, exc.code) from None
    except TimeoutError:
        raise EndpointTimeout(late) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise EndpointTimeout(late) from None
        raise EndpointError(f"cannot reach the SPARQL endpoint {url}: {exc.reason}") from None
    except (OSError, http.client.HTTPException) as exc:  # a connection dropped mid-answer, a broken status line
        raise EndpointError(f"cannot read the answer of the SPARQL endpoint {url}: {exc!r}") from None


def media_type_of(response: http.client.HTTPResponse) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _fetch(wrapper: SPARQLWrapper, url: str, timeout: float) -> tuple[bytes, str]:
    """The body and media type of the answer."""
    with answer_of(wrapper, url, timeout) as response:  # a failure while reading is the endpoint's too
        return response.read(), media_type_of(response)


def table_prefixes(base: str) -> dict[str, str]:
    """The prefixes the table view shortens IRIs with: ours, as for a local query (site:dresden)."""
    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, base)
    return {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}


def run_remote(
    url: str,
    query: CannedQuery,
    given: dict[str, str],
    base: str,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """Run a canned or ad-hoc query on the endpoint at ``url``, parameters bound as RDF terms."""
    url = endpoint_url(url)
    if not timeout > 0:
        raise KokoError("--timeout: give a number of seconds greater than 0")
    credentials = credentials_from_env(environ)  # the same variables and rules as koko publish
    where = query.path or query.name
    text = query.text
    bindings = bindings_for(query, given, base)
    try:
        form = query_form(list(tokens(text, base)))
        text = bind_values(text, bindings, base)
    except KokoError as exc:
        raise KokoError(exc.message, where) from None
    if form not in ("select", "ask", "construct", "describe"):
        raise KokoError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query (an endpoint is queried read-only)", where)
    try:
        body, media_type = _fetch(_request(url, text, form, timeout, credentials), url, timeout)
        return _result(form, body, media_type, url)
    except KokoError as exc:  # a server may echo what it was sent: never pass a secret on
        message = exc.message
        for secret in credentials.secrets() if credentials else ():
            message = message.replace(secret, "***")
        raise KokoError(message) from None


def _result(form: str, body: bytes, media_type: str, url: str) -> Result:
    try:
        if form in ("select", "ask"):
            if media_type not in (RESULTS_JSON, "application/json"):
                raise KokoError(f"the answer is {media_type or 'untyped'}, not {RESULTS_JSON}")
            return results_from_json(body)
        if media_type not in GRAPH_TYPES:
            raise KokoError(f"the answer is {media_type or 'untyped'}, not N-Triples or Turtle")
        return results_from_graph(body, media_type)
    except KokoError as exc:
        raise KokoError(f"malformed results from the SPARQL endpoint {url}: {exc.message}") from None
