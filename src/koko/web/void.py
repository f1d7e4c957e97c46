"""The dataset description at ``/.well-known/void``, in the format the client asks for.

RDF (Turtle by default, JSON-LD, N-Triples, RDF/XML) or, for a browser, a page with the key
figures; the triples come from :mod:`koko.pages.dataset_description`, with absolute links under the configured
public URL or, without one, the root URL the client used (when its Host is plain; see
:func:`koko.web.security_headers.public_root`).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from koko.graph.format_table import TRIPLE_FORMATS
from koko.graph.negotiate import HTML, choose
from koko.pages.dataset_description import describe_dataset, serialise_description
from koko.pages.dataset_page import description_page
from koko.pages.render import language
from koko.pages.urls import VOID_PATH
from koko.web.security_headers import public_root


def _negotiate(request: Request) -> str | None:
    """The media type to answer with: ``?format=`` (ttl, jsonld, nt, xml or html) wins over Accept.

    Raises 400 for an unknown ``format``; None means nothing the client accepts (406)."""
    requested = request.query_params.get("format")
    if requested is not None:
        if requested.lower() == "html":
            return HTML
        match = [f.media_type for f in TRIPLE_FORMATS if requested.lower() in (f.name, f.extension, f.media_type)]
        if not match:
            choices = ", ".join([f.name for f in TRIPLE_FORMATS] + ["html"])
            raise HTTPException(400, f"format: unknown format {requested!r}; choose one of {choices}")
        return match[0]
    return choose(request.headers.get("accept"), [*(f.media_type for f in TRIPLE_FORMATS), HTML])


async def dataset_description(request: Request) -> Response:
    """``GET /.well-known/void``: the VoID + DCAT-AP description in the negotiated format."""
    service = request.app.state.service
    media = _negotiate(request)
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    if media is None:
        offered = ", ".join([*(f.media_type for f in TRIPLE_FORMATS), HTML])
        return PlainTextResponse(f"not acceptable; this resource is offered as {offered}\n", status_code=406, headers=headers)
    stats = service.statistics
    root = public_root(request, service.settings.public_url)
    if media == HTML:
        lang = language(request.query_params.get("lang"))
        html = await run_in_threadpool(description_page, service.release, service.renderer, root, stats, lang)
        return HTMLResponse(html, headers=headers)
    triples = await run_in_threadpool(describe_dataset, service.release, root, stats)
    fmt = next(f for f in TRIPLE_FORMATS if f.media_type == media)
    body = serialise_description(triples, fmt)
    return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)


ROUTES: list[BaseRoute] = [Route(VOID_PATH, dataset_description, methods=["GET"], name="void")]
