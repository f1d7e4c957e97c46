"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, time-limited, never federated.

Queries arrive as GET ``?query=``, as a form POST or as a direct ``application/sparql-query``
POST (:mod:`koko.sparql.protocol` reads and checks them) and run in the serving process's query threads
(:class:`koko.sparql.execution.QueryThreads`). The answers (docs/sparql-endpoint.md):

- 200 with SPARQL results (JSON, XML, CSV, TSV) or RDF (Turtle, JSON-LD, N-Triples, TriG, N-Quads, RDF/XML),
  chosen by ``format`` or ``Accept``; a result cut at the row cap carries
  ``Koko-Result-Truncated: <cap>``
- 200 with the SPARQL 1.1 Service Description (:mod:`koko.sparql.service_description`) for a GET without a
  query from a client that takes RDF (an RDF ``Accept`` or ``format``, ``*/*`` or no ``Accept`` at all)
- 303 to the query page for a browser (HTML preferred) that asks for ``/sparql`` without a query
- 400 malformed request or query (the parser's message with its position), unknown graph, no query where no
  service description fits either;
  403 SPARQL Update or SERVICE; 406 no acceptable format; 413 body too large; 415 media type
- 503 with ``Retry-After`` when the query outlives the timeout (its serving process is replaced, which
  ends it), every query place stays taken that long, or the server stops; 500 when the engine fails on a
  valid query

Every answer allows any origin (CORS), so that browser clients can query the data.

One function (:func:`answer`) makes every answer. A GET or POST reaches it straight from the ASGI server
(:func:`asgi`, called by :class:`koko.web.app` before Starlette's routing and middleware, which cost more
per request than a light query); OPTIONS and HEAD go through the Starlette route. Either way the answer
carries the same headers, the security headers of :mod:`koko.web.security_headers` included.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from koko.graph import format_table
from koko.graph.negotiate import accepts_html
from koko.pages.dataset_description import dataset_iri
from koko.sparql.execution import SYNTAX_ERROR, NoAnswer, Outcome
from koko.sparql.jobs import job_of
from koko.sparql.protocol import ProtocolError, description_format, plan, read_operation
from koko.sparql.service_description import GraphCount, describe_service, serialise_service
from koko.web.security_headers import RAW_HEADERS, public_root

TRUNCATED = "Koko-Result-Truncated"
INLINE_PLAN = 2_000  # characters of query text checked on the event loop itself
CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", f"{TRUNCATED}, Retry-After"))
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, POST, OPTIONS",
}
PLAIN = "text/plain; charset=utf-8"
_LOG = logging.getLogger("uvicorn.error")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of the endpoint, before any server writes it."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


def error_answer(status: int, message: str, retry_after: int | None = None) -> Answer:
    headers: tuple[tuple[str, str], ...] = (("Content-Type", PLAIN), *CORS)
    if retry_after is not None:
        headers += (("Retry-After", str(retry_after)),)
    return Answer(status, f"{message}\n".encode(), headers)


def no_answer(exc: NoAnswer) -> Answer:
    """Timeout, busy and stopping are 503 (try again later, as Retry-After says); a remote store's failure 502."""
    return error_answer(exc.status, str(exc), exc.retry_after)


def outcome_answer(outcome: Outcome, result_format: str, graph_format: str, max_rows: int) -> Answer:
    if outcome.kind == "error":
        if outcome.malformed:
            return error_answer(400, f"malformed query: {outcome.error.removeprefix(SYNTAX_ERROR)}")
        return error_answer(500, f"the query could not be evaluated: {outcome.error}")
    if outcome.kind == "graph":
        media = format_table.rdf_format(graph_format).media_type
    else:
        media = format_table.result_format(result_format).media_type
    headers: tuple[tuple[str, str], ...] = (("Content-Type", f"{media}; charset=utf-8"), *CORS, ("Vary", "Accept"))
    if outcome.truncated:
        headers += ((TRUNCATED, str(max_rows)),)
    return Answer(200, outcome.body, headers)


async def read_body(chunks: Callable[[], Awaitable[bytes | None]], length: str | None, limit: int) -> bytes:
    """The request body from ``chunks`` (None at its end), refused (413) as soon as it is longer than ``limit``."""
    too_large = ProtocolError(413, f"the request body is larger than {limit} bytes (the server's max_body)")
    if length is not None and length.isdigit() and int(length) > limit:
        raise too_large
    parts, size = [], 0
    while (chunk := await chunks()) is not None:
        size += len(chunk)
        if size > limit:
            raise too_large
        parts.append(chunk)
    return b"".join(parts)


def description_answer(service: Any, root: str, graph_format: str) -> Answer:
    """The service description of the endpoint served under ``root`` (the server's public root, ending in '/')."""
    urls = service.urls
    stats = service.statistics
    void = root + urls.void.lstrip("/")
    sparql = root + urls.sparql.lstrip("/")
    body = _description(void, sparql, dataset_iri(service.release.config.base), stats.triples, stats.graphs, graph_format)
    headers = (("Content-Type", f"{format_table.rdf_format(graph_format).media_type}; charset=utf-8"), *CORS, ("Vary", "Accept"))
    return Answer(200, body, headers)


# Written on the event loop: about 6 ms for the release's 62 graphs, so each root and format is written once. The
# root comes from the Host header where no public URL is set, hence the bound.
@functools.lru_cache(maxsize=32)
def _description(void: str, sparql: str, dataset: str, triples: int, graphs: tuple[GraphCount, ...], graph_format: str) -> bytes:
    # The service is the data service of the dataset description.
    described = describe_service(void + "#sparql", sparql, dataset, void, triples, graphs)
    return serialise_service(described, format_table.rdf_format(graph_format))


async def answer(
    service: Any,
    method: str,
    query_string: bytes,
    headers: dict[str, str],
    chunks: Callable[[], Awaitable[bytes | None]],
    root: Callable[[], str] = lambda: "/",
) -> Answer:
    """The endpoint's answer to a GET or POST: ``headers`` by lower-case name, ``chunks`` the body, ``root``
    the server's public root (:func:`koko.web.security_headers.public_root`), which the service description names
    (asked only then: a query does not pay for it)."""
    settings = service.settings
    accept = headers.get("accept")
    try:
        body = await read_body(chunks, headers.get("content-length"), settings.max_body) if method == "POST" else b""
        operation = read_operation(method, query_string, headers.get("content-type"), body)
        if operation.query is None:
            if method in ("GET", "HEAD"):
                described = description_format(operation.formats, accept)
                if described is not None:
                    return description_answer(service, root(), described)
                if accepts_html(accept):
                    return Answer(303, b"", (("Location", service.urls.sparql_page), *CORS))
            raise ProtocolError(400, f"no query: send one as ?query=… or POST it (or open {service.urls.sparql_page})")
        base = service.release.config.base
        asked = (operation, accept, base, service.backend.graphs, settings.service_allow)
        # Checking costs about 4 µs a token under the GIL: a short query is checked at once, a long one (up to
        # MAX_TOKENS) in a thread, so that the event loop goes on serving meanwhile.
        checked = plan(*asked) if len(operation.query) <= INLINE_PLAN else await run_in_threadpool(plan, *asked)
    except ProtocolError as exc:
        return error_answer(exc.status, exc.message)
    job = job_of(checked, base, settings.max_rows)
    try:
        outcome = await service.backend.arun(job, settings.timeout)
    except NoAnswer as exc:
        return no_answer(exc)
    return outcome_answer(outcome, checked.result_format, checked.graph_format, settings.max_rows)


def _response(found: Answer) -> Response:
    response = Response(found.body, status_code=found.status)
    for name, value in found.headers:
        response.headers[name] = value
    return response


async def sparql(request: Request) -> Response:
    """The Starlette route: OPTIONS and HEAD, and GET or POST where :func:`asgi` does not take them."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=PREFLIGHT)

    async def chunks() -> bytes | None:
        async for chunk in request.stream():
            if chunk:
                return chunk
        return None

    service = request.app.state.service
    found = await answer(
        service,
        request.method,
        request.scope["query_string"],
        dict(request.headers),
        chunks,
        lambda: public_root(request, service.settings.public_url),
    )
    return _response(found)


async def asgi(service: Any, scope: Scope, receive: Receive, send: Send) -> None:
    """GET and POST ``/sparql`` straight from the ASGI server: the same answer, with the security headers."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:  # the first of repeated headers, as Starlette's Headers.get reads them
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    more = True

    async def chunks() -> bytes | None:
        nonlocal more
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ProtocolError(400, "the client went away")
            more = message.get("more_body", False)
            if message.get("body"):
                return bytes(message["body"])
        return None

    try:
        found = await answer(
            service,
            scope["method"],
            scope["query_string"],
            headers,
            chunks,
            lambda: public_root(Request(scope), service.settings.public_url),
        )
    except Exception:
        _LOG.exception("the SPARQL endpoint failed")
        found = error_answer(500, "Internal Server Error")
    # ASGI header names are lower case
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in found.headers]
    raw += RAW_HEADERS
    raw.append((b"content-length", str(len(found.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": found.status, "headers": raw})
    await send({"type": "http.response.body", "body": found.body})


ROUTES: list[BaseRoute] = [Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"], name="sparql")]
