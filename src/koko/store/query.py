"""Queries against a remote SPARQL endpoint (``koko query --endpoint``, SPARQL 1.1 Protocol).

The answer comes back as SPARQL JSON (SELECT, ASK) or N-Triples/Turtle (CONSTRUCT, DESCRIBE)
and is turned into an rdflib ``Result``, so :func:`koko.sparql.output.render` writes it exactly as it
writes a local one. Parameters are bound as RDF terms in a VALUES block (:mod:`koko.sparql.binding`).

The request goes through the store client of ``koko publish`` (:class:`koko.store.http.Client`), with
its credentials from the environment only (``KOKO_STORE_USER`` and ``KOKO_STORE_PASSWORD`` as basic
auth or, with ``KOKO_STORE_AUTH=digest``, HTTP Digest; or ``KOKO_STORE_TOKEN``), no redirects, masked
secrets and typed errors. An endpoint URL with a user name or password in it is refused.

Not through SPARQLWrapper: its public ``query()`` sends with urllib's process-wide opener, so it
follows redirects and takes the ``Authorization`` header along; it answers Digest by installing a new
opener for the whole process at every request; ``setTimeout`` keeps whole seconds (0.5 s becomes no
timeout at all); its errors keep the body but not the headers (no ``WWW-Authenticate``, no
``Location``); and its answer offers no public way to bound each read by a deadline. Only its private
``_createRequest`` would let us send its request ourselves. It stays the tests' independent client
of our own endpoint (tests/test_endpoint.py).

>>> endpoint_url("https://user:secret@example.org/sparql")
Traceback (most recent call last):
koko.errors.KokoError: --endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Variable

from koko.errors import KokoError
from koko.graph.format_table import JSON_RESULTS, TURTLE, rdf_format
from koko.graph.model import bind_prefixes
from koko.sparql.binding import bind_values
from koko.sparql.canned import CannedQuery, bindings_for
from koko.sparql.lexer import tokens
from koko.sparql.protocol import query_form
from koko.store.credentials import Credentials, credentials_from_env
from koko.store.http import ONCE, Client, check_port

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = JSON_RESULTS.media_type
#: What a remote endpoint may answer CONSTRUCT and DESCRIBE with: N-Triples, else Turtle.
REMOTE_GRAPHS = (rdf_format("nt"), TURTLE)
GRAPH_TYPES = {f.media_type: f.rdflib for f in REMOTE_GRAPHS}
GRAPH_ACCEPT = f"{REMOTE_GRAPHS[0].media_type}, {REMOTE_GRAPHS[1].media_type};q=0.9"


def endpoint_url(url: str) -> str:
    """The endpoint URL, checked: http or https, a host, no credentials in it."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise KokoError(
            "--endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KokoError(f"--endpoint: {url!r} is not an http(s) URL")
    check_port(parts, "--endpoint")
    return url


def endpoint_client(credentials: Credentials | None, timeout: float) -> Client:
    """The store client for SPARQL queries: tried once, and named in messages as "the SPARQL endpoint"."""
    return Client(credentials, ONCE, timeout, name="the SPARQL endpoint")


def _term(cell: object, where: str) -> Identifier:
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
    rows: list[Mapping[Variable, Identifier]] = []
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
    client = endpoint_client(credentials, timeout)
    with client.sparql(url, text, RESULTS_JSON if form in ("select", "ask") else GRAPH_ACCEPT) as response:
        body, media_type = response.read(), response.media_type  # a failure while reading is the endpoint's too
    try:
        return _result(form, body, media_type, url)
    except KokoError as exc:  # a parser quotes the body, and a server may echo what it was sent
        raise KokoError(client.scrub(exc.message)) from None


def _result(form: str, body: bytes, media_type: str, url: str) -> Result:
    try:
        if form in ("select", "ask"):
            if media_type not in JSON_RESULTS.media_types:
                raise KokoError(f"the answer is {media_type or 'untyped'}, not {RESULTS_JSON}")
            return results_from_json(body)
        if media_type not in GRAPH_TYPES:
            raise KokoError(f"the answer is {media_type or 'untyped'}, not N-Triples or Turtle")
        return results_from_graph(body, media_type)
    except KokoError as exc:
        raise KokoError(f"malformed results from the SPARQL endpoint {url}: {exc.message}") from None
