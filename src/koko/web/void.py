"""The dataset description at ``/.well-known/void``, in the format the client asks for.

RDF (Turtle by default, JSON-LD, N-Triples, RDF/XML) or, for a browser, a page with the key
figures; the triples come from :mod:`koko.pages.dataset_description`, with absolute links under the configured
public URL or, without one, the root URL the client used (when its Host is plain; see
:func:`koko.web.security_headers.public_root`). ``/.well-known/void.ttl`` (``.jsonld``, ``.nt``,
``.rdf``) asks for one format without negotiation: the names the static site writes, so that a link
to one serialisation works on both. The landing page ``/`` answers an RDF client with the same
description (:func:`description_rdf`).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from koko.graph.format_table import TRIPLE_FORMATS, RdfFormat
from koko.graph.negotiate import HTML, choose_format
from koko.pages.dataset_description import describe_dataset, serialise_description
from koko.pages.dataset_page import description_page
from koko.pages.render import language
from koko.pages.urls import VOID_PATH, Urls
from koko.web.security_headers import public_root


def _negotiate(request: Request) -> RdfFormat | str | None:
    """The format to answer with: ``?format=`` (ttl, jsonld, nt, xml or html) wins over Accept.

    Raises 400 for an unknown ``format``; None means nothing the client accepts (406)."""
    requested = request.query_params.get("format")
    if requested is not None:
        if requested.lower() == "html":
            return HTML
        match = [f for f in TRIPLE_FORMATS if requested.lower() in (f.name, f.extension, f.media_type)]
        if not match:
            choices = ", ".join([f.name for f in TRIPLE_FORMATS] + ["html"])
            raise HTTPException(400, f"format: unknown format {requested!r}; choose one of {choices}")
        return match[0]
    return choose_format(request.headers.get("accept"), TRIPLE_FORMATS, html="last")


def not_acceptable(headers: dict[str, str]) -> Response:
    offered = ", ".join([*(f.media_type for f in TRIPLE_FORMATS), HTML])
    return PlainTextResponse(f"not acceptable; this resource is offered as {offered}\n", status_code=406, headers=headers)


async def description_rdf(request: Request, fmt: RdfFormat, headers: dict[str, str]) -> Response:
    """The description in ``fmt``, its links under the root the client used (or the public URL)."""
    service = request.app.state.service
    root = public_root(request, service.settings.public_url)
    triples = await run_in_threadpool(describe_dataset, service.release, root, service.statistics)
    body = serialise_description(triples, fmt)
    return Response(body, media_type=f"{fmt.media_type}; charset=utf-8", headers=headers)


def description_file(fmt: RdfFormat) -> str:
    """Where one serialisation of the description lives on its own (``/.well-known/void.ttl``)."""
    return Urls.with_format(VOID_PATH, fmt.extension)


async def dataset_description(request: Request) -> Response:
    """``GET /.well-known/void``: the VoID + DCAT-AP description in the negotiated format."""
    service = request.app.state.service
    extension = request.path_params.get("extension")
    headers = {"Access-Control-Allow-Origin": "*"}
    if extension is not None:
        choice: RdfFormat | str | None = next((f for f in TRIPLE_FORMATS if f.extension == extension), None)
        if choice is None:
            raise HTTPException(404, f"the dataset description is not offered as .{extension}")
    else:
        headers["Vary"] = "Accept"
        choice = _negotiate(request)
    if choice is None:
        return not_acceptable(headers)
    if choice == HTML:
        lang = language(request.query_params.get("lang"), request.headers.get("accept-language"))
        root = public_root(request, service.settings.public_url)
        html = await run_in_threadpool(description_page, service.release, service.renderer, root, service.statistics, lang)
        return HTMLResponse(html, headers=headers)
    assert isinstance(choice, RdfFormat)
    return await description_rdf(request, choice, headers)


ROUTES: list[BaseRoute] = [
    Route(VOID_PATH, dataset_description, methods=["GET"], name="void"),
    Route(VOID_PATH + ".{extension}", dataset_description, methods=["GET"], name="void-file"),
]
