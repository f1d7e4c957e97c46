"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, time-limited, never federated.

Queries arrive as GET ``?query=``, as a form POST or as a direct ``application/sparql-query``
POST (:mod:`koko.sparql.protocol` reads and checks them) and run in the killable query workers
(:mod:`koko.sparql.workers`). The answers (docs/sparql-endpoint.md):

- 200 with SPARQL results (JSON, XML, CSV, TSV) or RDF (Turtle, JSON-LD, N-Triples, RDF/XML),
  chosen by ``format`` or ``Accept``; a result cut at the row cap carries
  ``Koko-Result-Truncated: <cap>``
- 303 to the query page for a browser that asks for ``/sparql`` without a query
- 400 malformed request or query (the parser's message with its position), unknown graph;
  403 SPARQL Update or SERVICE; 406 no acceptable format; 413 body too large; 415 media type
- 503 with ``Retry-After`` when the query outlives the timeout (its worker is killed) or all
  workers are busy; 500 when the engine fails on a valid query or a worker dies

Every answer allows any origin (CORS), so that browser clients can query the data.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from koko.graph import format_table
from koko.graph.negotiate import accepts_html
from koko.sparql.jobs import job_of
from koko.sparql.protocol import ProtocolError, plan, read_operation
from koko.sparql.workers import SYNTAX_ERROR, Outcome, PoolError

TRUNCATED = "Koko-Result-Truncated"
INLINE_PLAN = 2_000  # characters of query text checked on the event loop itself
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": f"{TRUNCATED}, Retry-After"}
PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, POST, OPTIONS",
}


def error_response(status: int, message: str, retry_after: int | None = None) -> Response:
    headers = dict(CORS)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return PlainTextResponse(f"{message}\n", status_code=status, headers=headers)


def pool_error_response(exc: PoolError) -> Response:
    """Timeout and busy workers are 503 (try again later, as Retry-After says), a dead worker 500."""
    return error_response(exc.status, str(exc), exc.retry_after)


def outcome_response(outcome: Outcome, result_format: str, graph_format: str, max_rows: int) -> Response:
    if outcome.kind == "error":
        if outcome.malformed:
            return error_response(400, f"malformed query: {outcome.error.removeprefix(SYNTAX_ERROR)}")
        return error_response(500, f"the query could not be evaluated: {outcome.error}")
    if outcome.kind == "graph":
        media = format_table.rdf_format(graph_format).media_type
    else:
        media = format_table.result_format(result_format).media_type
    headers = {**CORS, "Vary": "Accept"}
    if outcome.truncated:
        headers[TRUNCATED] = str(max_rows)
    return Response(outcome.body, media_type=f"{media}; charset=utf-8", headers=headers)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is longer than ``limit`` bytes."""
    too_large = ProtocolError(413, f"the request body is larger than {limit} bytes (the server's max_body)")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def sparql(request: Request) -> Response:
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=PREFLIGHT)
    service = request.app.state.service
    settings = service.settings
    accept = request.headers.get("accept")
    try:
        body = await _body(request, settings.max_body) if request.method == "POST" else b""
        operation = read_operation(request.method, request.scope["query_string"], request.headers.get("content-type"), body)
        if operation.query is None:
            if request.method in ("GET", "HEAD") and accepts_html(accept):
                return RedirectResponse(service.urls.sparql_page, status_code=303, headers=CORS)
            raise ProtocolError(400, f"no query: send one as ?query=… or POST it (or open {service.urls.sparql_page})")
        base = service.release.config.base
        asked = (operation, accept, base, service.backend.graphs, settings.service_allow)
        # Checking costs about 4 µs a token under the GIL: a short query is checked at once, a long one (up to
        # MAX_TOKENS) in a thread, so that the event loop goes on serving meanwhile.
        checked = plan(*asked) if len(operation.query) <= INLINE_PLAN else await run_in_threadpool(plan, *asked)
    except ProtocolError as exc:
        return error_response(exc.status, exc.message)
    job = job_of(checked, base, settings.max_rows)
    try:
        outcome = await service.backend.arun(job, settings.timeout)
    except PoolError as exc:
        return pool_error_response(exc)
    return outcome_response(outcome, checked.result_format, checked.graph_format, settings.max_rows)


ROUTES: list[BaseRoute] = [Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"], name="sparql")]
