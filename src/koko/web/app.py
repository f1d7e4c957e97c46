"""The web application: one route table over the modules that answer each part.

- :mod:`koko.web.endpoint`: the SPARQL 1.1 Protocol at ``/sparql``
- :mod:`koko.web.resources`: the data's IRIs (``/id/...`` for the default base) and ``/ontology``
  with content negotiation, the home page and the downloads
- :mod:`koko.pages.query_pages`: canned-query pages and the SPARQL query page under ``/-/``
- :mod:`koko.web.void`: the dataset description at ``/.well-known/void``

Around all of it, :class:`koko.web.security_headers.SecurityHeaders` adds the security headers to every
answer and keeps malformed Host headers out.

Handlers find what they need in :class:`Service` (``request.app.state.service``); nothing is
module-level state, so tests build as many apps as they like.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from koko.graph.negotiate import accepts_html
from koko.pages import query_pages
from koko.pages.backend import Backend, Embedded
from koko.pages.dataset_description import Statistics, statistics
from koko.pages.linked_data import LinkedData, linked_data_of
from koko.pages.render import STATIC, Renderer, make_renderer
from koko.pages.urls import Urls
from koko.release.published import Release
from koko.store.backend import StoreUnavailable
from koko.web import browse, endpoint, etag, resources, search, void
from koko.web.config import ServerConfig
from koko.web.security_headers import RAW_HEADERS, SecurityHeaders


@dataclass(frozen=True)
class Service:
    """What every handler reads; made once when the app is created, never changed after."""

    release: Release
    settings: ServerConfig
    backend: Backend  # the data: pages, canned queries and /sparql all ask it
    urls: Urls
    renderer: Renderer
    linked_data: LinkedData
    statistics: Statistics


def service_of(request: Request) -> Service:
    service = request.app.state.service  # Starlette types its app and state as Any
    assert isinstance(service, Service)  # set by create_app, before any request
    return service


async def _not_found(request: Request, exc: Exception) -> Response:
    detail = getattr(exc, "detail", None) or "not found"
    if accepts_html(request.headers.get("accept")):
        # In the page's language, with suggestions (koko.web.browse); the detail, in English, as a technical note.
        return HTMLResponse(await run_in_threadpool(browse.not_found_page, request, detail), status_code=404)
    return PlainTextResponse(f"{detail}\n", status_code=404)


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    headers = getattr(exc, "headers", None)
    return PlainTextResponse(f"{getattr(exc, 'detail', 'method not allowed')}\n", status_code=405, headers=headers)


class _App(Starlette):
    def __init__(
        self,
        public_url: str | None,
        routes: Sequence[BaseRoute],
        exception_handlers: Mapping[int | type[Exception], ExceptionHandler],
    ) -> None:
        super().__init__(routes=routes, exception_handlers=exception_handlers)
        self.public_url = public_url
        self.release_tag: str | None = None  # an embedded release's (koko.web.etag); a remote store's answers get none

    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's own stack, so that its 500 answer carries the security headers too.
        return SecurityHeaders(super().build_middleware_stack(), self.public_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.release_tag is not None:
            tag = etag.tag_of(self.release_tag, scope)
            if tag is not None:
                if etag.matches(scope, tag):
                    await _not_modified(send, tag)
                    return
                send = etag.tagging(send, tag)
        # The endpoint's GET and POST skip the routing and middleware layers: for a light query they cost
        # more than the query (docs/performance.md). endpoint.asgi sends the same headers itself.
        if scope["type"] == "http" and scope["path"] == "/sparql" and scope["method"] in ("GET", "POST"):
            await endpoint.asgi(self.state.service, scope, receive, send)
            return
        await super().__call__(scope, receive, _varying_by_language(send) if scope["type"] == "http" else send)


def _varying_by_language(send: Send) -> Send:
    """``send`` that names Accept-Language in the Vary of every page: without ``?lang`` the header chose
    its language (koko.pages.render.language), so a cache must not hand it to a reader of the other."""

    async def send_varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/html"):
                headers.add_vary_header("Accept-Language")
        await send(message)

    return send_varying


async def _not_modified(send: Send, tag: str) -> None:
    headers = [(b"etag", tag.encode("ascii")), *RAW_HEADERS]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def create_app(release: Release, settings: ServerConfig, backend: Backend) -> Starlette:
    urls = Urls(release.config.base)
    routes = [
        *endpoint.ROUTES,
        *void.ROUTES,
        *query_pages.ROUTES,
        *search.ROUTES,
        *browse.ROUTES,
        *resources.ROUTES,
        Mount("/-/static", app=StaticFiles(directory=STATIC), name="static"),
        browse.segment_route(urls.resources),
        resources.resource_route(urls.resources),
    ]
    handlers: dict[int | type[Exception], ExceptionHandler] = {
        404: _not_found,
        405: _method_not_allowed,
        HTTPException: _http_error,
        StoreUnavailable: _store_unavailable,
    }
    app = _App(settings.public_url, routes=routes, exception_handlers=handlers)
    renderer = make_renderer(urls)
    pages = linked_data_of(release, renderer, backend)
    # A store may hold other graphs than the release's (Virtuoso's system graphs): count the release's only.
    stats = statistics(backend.select, release.config.base, None if isinstance(backend, Embedded) else backend.graphs)
    app.state.service = Service(release, settings, backend, urls, renderer, pages, stats)
    if isinstance(backend, Embedded):
        app.release_tag = etag.release_tag(backend.published.files)
    return app


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    """A remote store that fails a page's query: the gateway's error, with the store's message."""
    return PlainTextResponse(f"the data store failed: {exc}\n", status_code=502)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=exc.headers)
