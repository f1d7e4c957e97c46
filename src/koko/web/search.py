"""``/-/search?q=…``: the search page (:mod:`koko.pages.search`).

The index is built on the first search a serving process answers (a fraction of a second for the KoKo
release, from the backend's own queries, so a remote store is searched too) and kept on the app;
building it needs no request data, so two requests that race build the same index and one is kept.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from koko.pages.render import language
from koko.pages.search import MAX_QUERY, SearchIndex, build_index, search_page
from koko.pages.urls import Urls


def _index(request: Request) -> SearchIndex:
    state = request.app.state  # koko.web.app.Service in state.service (not imported: app imports this module)
    index = getattr(state, "search_index", None)
    if index is None:
        index = build_index(state.service.backend.select, state.service.release.config.base)
        state.search_index = index
    assert isinstance(index, SearchIndex)
    return index


async def search(request: Request) -> Response:
    lang = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    # Cut before anything reads it: a query string may be as long as the server lets a request line be.
    query = request.query_params.get("q", "")[: MAX_QUERY + 1]

    def page() -> str:
        return search_page(request.app.state.service.linked_data, _index(request), lang, query)

    return HTMLResponse(await run_in_threadpool(page))


ROUTES: list[BaseRoute] = [Route(Urls.search, search, methods=["GET"])]
