"""The dataset description at ``/.well-known/void``, in the format the client asks for.

RDF (Turtle by default, JSON-LD, N-Triples, RDF/XML) or, for a browser, a page with the key
figures; the triples come from :mod:`koko.dataset_description`, with absolute links under the configured
public URL or, without one, the root URL the client used (when its Host is plain; see
:func:`koko.security_headers.public_root`).

>>> [f.name for f in DESCRIPTION_FORMATS]
['ttl', 'jsonld', 'nt', 'xml']
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from .dataset_description import (
    DESCRIPTION,
    FORMAT_NAMES,
    KOKO,
    LICENSE,
    TITLE,
    VOID,
    Statistics,
    dataset_iri,
    describe_dataset,
    dumps,
    serialise_description,
    short_name,
)
from .formats import RdfFormat, lookup
from .negotiate import choose
from .published import Release
from .render import Renderer, language
from .security_headers import public_root
from .urls import VOID_PATH, Urls

#: The formats the description is offered in; Turtle is the default.
DESCRIPTION_FORMATS: tuple[RdfFormat, ...] = tuple(lookup(name) for name in ("ttl", "jsonld", "nt", "xml"))
HTML = "text/html"
#: The long lists left out of the JSON-LD embedded in the HTML page (the RDF formats have them).
PAGE_OMITS = frozenset(VOID + p for p in ("classPartition", "propertyPartition", "subset"))


def _negotiate(request: Request) -> str | None:
    """The media type to answer with: ``?format=`` (ttl, jsonld, nt, xml or html) wins over Accept.

    Raises 400 for an unknown ``format``; None means nothing the client accepts (406)."""
    requested = request.query_params.get("format")
    if requested is not None:
        if requested.lower() == "html":
            return HTML
        match = [f.media_type for f in DESCRIPTION_FORMATS if requested.lower() in (f.name, f.extension, f.media_type)]
        if not match:
            choices = ", ".join([f.name for f in DESCRIPTION_FORMATS] + ["html"])
            raise HTTPException(400, f"format: unknown format {requested!r}; choose one of {choices}")
        return match[0]
    return choose(request.headers.get("accept"), [*(f.media_type for f in DESCRIPTION_FORMATS), HTML])


def _page(
    published: Release, root_url: str, stats: Statistics, triples: list[ox.Triple], lang: str, endpoint: bool = True
) -> dict:
    """What void.html shows: the key figures, the downloads, the partitions and the subsets."""
    urls = Urls(published.config.base)
    dataset = ox.NamedNode(dataset_iri(root_url))
    core = [t for t in triples if t.subject == dataset and t.predicate.value not in PAGE_OMITS]
    embedded = serialise_description(core, lookup("jsonld")).decode("utf-8").replace("</", "<\\/")
    graphs = [(graph, n, next((text for text, tag in labels if tag == lang), graph)) for graph, n, labels in stats.graphs]
    return {
        "title": TITLE[lang],
        "description": DESCRIPTION[lang].format(start=stats.period[0], end=stats.period[1], sites=stats.instances(KOKO + "Site")),
        "stats": stats,
        "sites": stats.instances(KOKO + "Site"),
        "dumps": [
            {
                "name": name,
                "format": FORMAT_NAMES[fmt.name],
                "media_type": fmt.media_type,
                "size": len(data),
                "url": urls.download(name),
            }
            for name, (fmt, data) in dumps(published).items()
        ],
        "sparql_iri": root_url + urls.sparql.lstrip("/") if endpoint else None,
        "formats": [(f.name, FORMAT_NAMES[f.name], f.media_type) for f in DESCRIPTION_FORMATS],
        "classes": [(cls, short_name(cls), n) for cls, n in stats.classes],
        "graphs": graphs,
        "license": LICENSE,
        "embedded": embedded,
    }


def description_page(
    published: Release, renderer: Renderer, root_url: str, stats: Statistics, lang: str, endpoint: bool = True
) -> str:
    """The description as a page for people (also written by the static site, without an endpoint)."""
    triples = describe_dataset(published, root_url, stats, endpoint)
    return renderer.page("void.html", lang, **_page(published, root_url, stats, triples, lang, endpoint))


async def dataset_description(request: Request) -> Response:
    """``GET /.well-known/void``: the VoID + DCAT-AP description in the negotiated format."""
    service = request.app.state.service
    media = _negotiate(request)
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    if media is None:
        offered = ", ".join([*(f.media_type for f in DESCRIPTION_FORMATS), HTML])
        return PlainTextResponse(f"not acceptable; this resource is offered as {offered}\n", status_code=406, headers=headers)
    stats = service.statistics
    root = public_root(request, service.settings.public_url)
    if media == HTML:
        lang = language(request.query_params.get("lang"))
        html = await run_in_threadpool(description_page, service.release, service.renderer, root, stats, lang)
        return HTMLResponse(html, headers=headers)
    triples = await run_in_threadpool(describe_dataset, service.release, root, stats)
    fmt = next(f for f in DESCRIPTION_FORMATS if f.media_type == media)
    body = serialise_description(triples, fmt)
    return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)


ROUTES: list[BaseRoute] = [Route(VOID_PATH, dataset_description, methods=["GET"], name="void")]
