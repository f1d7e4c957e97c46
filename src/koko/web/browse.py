"""The list pages (:mod:`koko.pages.browse`): ``/-/classes``, ``/-/classes/NAME`` and the namespace path of
each IRI segment (``/id/site/`` for the default base), and the 404 page's suggestions.

A list is a page for people. An RDF client that asks for one gets 406 naming where the data is: the
members' own IRIs, the release files and ``/sparql``; a list as RDF would mint statements about a path
that is no resource of the data.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from koko.graph.negotiate import HTML, choose_format
from koko.pages import browse
from koko.pages.linked_data import LinkedData
from koko.pages.render import language
from koko.web import search

NOT_ACCEPTABLE = (
    "not acceptable: a list is offered as text/html only; its members' IRIs answer as RDF, "
    "and all of the data is at /-/downloads and /sparql\n"
)


def _ld(request: Request) -> LinkedData:
    linked_data: LinkedData = request.app.state.service.linked_data
    return linked_data


def _lang(request: Request) -> str:
    return language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _html_only(request: Request) -> Response | None:
    if choose_format(request.headers.get("accept"), ()) != HTML:
        return PlainTextResponse(NOT_ACCEPTABLE, status_code=406, headers={"Vary": "Accept"})
    return None


async def classes(request: Request) -> Response:
    refused = _html_only(request)
    if refused is not None:
        return refused
    return HTMLResponse(await run_in_threadpool(browse.index_page, _ld(request), _lang(request)), headers={"Vary": "Accept"})


async def class_list(request: Request) -> Response:
    ld, lang = _ld(request), _lang(request)

    def page() -> str | None:
        found = browse.catalogue(ld)
        kind = found.by_name(request.path_params["name"])
        return browse.class_page(ld, kind, lang, found) if kind is not None else None

    html = await run_in_threadpool(page)
    if html is None:
        raise HTTPException(404, f"no list of a class named {request.path_params['name']!r}")
    return _html_only(request) or HTMLResponse(html, headers={"Vary": "Accept"})


async def segment_list(request: Request) -> Response:
    ld, lang = _ld(request), _lang(request)
    segment = request.path_params["segment"]
    html = await run_in_threadpool(lambda: browse.segment_page(ld, segment, lang, browse.catalogue(ld)))
    if html is None:
        raise HTTPException(404, f"no resource of this knowledge graph has an IRI under {ld.base}{segment}/")
    return _html_only(request) or HTMLResponse(html, headers={"Vary": "Accept"})


ROUTES: list[BaseRoute] = [
    Route(browse.CLASSES, classes, methods=["GET"]),
    Route(browse.CLASSES + "/{name}", class_list, methods=["GET"]),
]


class _Segment(Convertor[str]):
    """An IRI segment of the data (``site``, ``person`` …). Narrower than Starlette's ``str``: a path that
    matches no route is otherwise offered, with a slash added, to the segment route, and Starlette's
    slash redirect would answer ``/id/<CR LF …>`` with a 307 instead of a 404."""

    regex = "[A-Za-z0-9._~-]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("koko_segment", _Segment())


def segment_route(prefix: str) -> Route:
    """The namespace path of each IRI segment under ``prefix``; before the resource route, which it
    would otherwise reach (no IRI of the data ends in ``/``)."""
    return Route(prefix + "{segment:koko_segment}/", segment_list, methods=["GET"])


def not_found_page(request: Request, detail: str | None = None) -> str:
    """The 404 page in the request's language, with the pages whose path or name is closest, and what the
    server knows beyond "not found" (``detail``: "not offered" for an unknown format, say)."""
    ld, lang = _ld(request), _lang(request)
    path = request.url.path
    found = browse.suggestions(ld, search._index(request), path, lang)
    return browse.not_found_page(ld, lang, path, found, detail=detail)
