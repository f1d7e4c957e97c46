"""Linked data over HTTP: every IRI of ours resolves, as a page for people or as RDF.

- ``/``: the landing page, for an RDF client the dataset description (see :func:`home`);
  ``/-/downloads`` and ``/-/downloads/NAME``: the release files;
  ``/-/pictures/network.svg``, ``/-/pictures/timeline.svg`` and ``/-/pictures/map.svg``: the pictures
- ``PREFIX/PATH`` (``/id/PATH`` for the default base, see :func:`koko.pages.urls.resource_prefix`):
  the resource ``BASE + PATH`` (a subject, an object or a named graph of the release), negotiated
  on ``Accept`` between HTML and the six RDF formats; ``PREFIX/PATH.ttl`` (``.jsonld``, ``.nt``,
  ``.rdf``, ``.trig``, ``.nq``, ``.html``) asks for one
- ``/ontology``: the ontology's documentation or the ontology as RDF; ``/ontology.ttl`` …

Negotiated answers carry ``Vary: Accept``; a client that accepts none of what is offered
gets 406 with the list. ``application/json`` is answered with JSON-LD (:func:`koko.graph.negotiate.choose_format`).
A resource's answers and the landing page carry FAIR signposting ``Link`` headers
(:mod:`koko.pages.signposting`). Unknown resources are 404 (an HTML page for browsers). The pages
themselves are built by the pure functions of :mod:`koko.pages.linked_data` and
:mod:`koko.pages.ontology_page`, in Starlette's thread pool (pyoxigraph releases the GIL).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from koko.graph.format_table import RDF_FORMATS, TRIPLE_FORMATS, RdfFormat, file_media_type
from koko.graph.negotiate import HTML, choose_format
from koko.pages.dataset_description import dataset_iri
from koko.pages.inferred import view_of
from koko.pages.linked_data import (
    PICTURES,
    SVG_TYPE,
    LinkedData,
    brochure_page,
    downloads_page,
    home_page,
    home_signposts,
    map_picture,
    network_picture,
    resource_page,
    resource_rdf,
    signposts,
    spreadsheet,
    timeline_picture,
)
from koko.pages.ontology_page import ontology_page, ontology_rdf
from koko.pages.reader import marked_range
from koko.pages.render import language
from koko.pages.signposting import link_header
from koko.pages.urls import ONTOLOGY_IRI, Urls
from koko.pages.vocabulary import OWL
from koko.web import void
from koko.web.security_headers import public_root

VARY = {"Vary": "Accept"}


def _linked_data(request: Request) -> LinkedData:
    linked_data: LinkedData = request.app.state.service.linked_data
    return linked_data


def _lang(request: Request) -> str:
    return language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _negotiate(request: Request, formats: tuple[RdfFormat, ...]) -> RdfFormat | str | Response:
    """HTML, an RDF format, or the 406 answer."""
    chosen = choose_format(request.headers.get("accept"), formats)
    if chosen is None:
        listing = ", ".join([HTML, *(f.media_type for f in formats)])
        return PlainTextResponse(f"not acceptable: this resource is offered as {listing}\n", status_code=406, headers=VARY)
    return chosen


def _split_suffix(path: str, formats: tuple[RdfFormat, ...]) -> tuple[str, RdfFormat | str] | None:
    """``site/dresden.ttl`` → (``site/dresden``, Turtle); None without a known suffix.

    >>> _split_suffix("site/dresden.nt", RDF_FORMATS)[1].name, _split_suffix("site/dresden.html", RDF_FORMATS)
    ('nt', ('site/dresden', 'text/html'))
    >>> _split_suffix("source/koko-brochure-2020.txt", RDF_FORMATS) is None
    True
    """
    stem, dot, extension = path.rpartition(".")
    if not dot or "/" in extension:
        return None
    if extension == "html":
        return stem, HTML
    fmt = next((f for f in formats if f.extension == extension), None)
    return (stem, fmt) if fmt is not None else None


async def _answer(
    request: Request,
    choice: RdfFormat | str,
    page: Callable[[str], str],
    rdf: Callable[[RdfFormat], bytes],
    negotiated: bool,
    variant: str,
    links: str | None = None,
) -> Response:
    headers = dict(VARY) if negotiated else {}
    if links:
        headers["Link"] = links
    if choice == HTML:
        return HTMLResponse(await run_in_threadpool(page, _lang(request)), headers=headers)
    assert isinstance(choice, RdfFormat)
    if negotiated:  # where this representation lives on its own
        headers["Content-Location"] = f"{variant}.{choice.extension}"
    return Response(await run_in_threadpool(rdf, choice), media_type=choice.media_type, headers=headers)


async def resource(request: Request) -> Response:
    ld = _linked_data(request)
    path = request.path_params["path"]
    iri = ld.urls.iri_of(ld.urls.resources + path)
    if iri == dataset_iri(ld.release.config.base):  # not a document: the landing page describes it (HTML or RDF)
        return RedirectResponse(ld.urls.home, status_code=303, headers=VARY)
    choice: RdfFormat | str | Response
    index = await run_in_threadpool(ld.backend.about, [iri], (), False)  # labels only for a page, below
    if index.knows(iri):
        choice, negotiated = _negotiate(request, RDF_FORMATS), True
    else:  # the exact IRI wins; only an unknown one is read as IRI + format suffix
        split = _split_suffix(path, RDF_FORMATS)
        stem = ld.urls.iri_of(ld.urls.resources + split[0]) if split is not None else None
        if stem is not None:
            index = await run_in_threadpool(ld.backend.about, [stem], (), False)
        if split is None or stem is None or not index.knows(stem):
            raise HTTPException(404, f"{iri} is not a resource of this knowledge graph")
        iri, choice, negotiated = stem, split[1], False
    if isinstance(choice, Response):
        return choice
    if choice == HTML:
        index = await run_in_threadpool(ld.backend.with_labels, index)
    links = link_header(signposts(ld, iri, index, _root(request)))
    return await _answer(
        request,
        choice,
        lambda lang: resource_page(ld, iri, lang, index, view_of(request.query_params.get("view"))),
        lambda fmt: resource_rdf(ld, iri, fmt, index),
        negotiated,
        ld.urls.link(iri),
        links,
    )


async def ontology(request: Request) -> Response:
    ld = _linked_data(request)
    extension = request.path_params.get("extension")
    if extension is None:
        choice = _negotiate(request, TRIPLE_FORMATS)
        if isinstance(choice, Response):
            return choice
    else:
        found = _split_suffix("ontology." + extension, TRIPLE_FORMATS)
        if found is None:
            raise HTTPException(404, f"the ontology is not offered as .{extension}")
        choice = found[1]
    return await _answer(
        request,
        choice,
        lambda lang: ontology_page(ld, lang),
        lambda fmt: ontology_rdf(ld, fmt),
        extension is None,
        ld.urls.ontology,
    )


async def ontology_version(request: Request) -> Response:
    """The ontology's version IRI (``/ontology/1.0.0``) is this version: the same answers as ``/ontology``."""
    ld = _linked_data(request)
    version = ONTOLOGY_IRI + "/" + request.path_params["version"]
    if version not in ld.vocabulary.header.get(OWL + "versionIRI", {}).get("", []):
        raise HTTPException(404, f"{version} is not a version of the ontology served here")
    return await ontology(request)


def _root(request: Request) -> str:
    """The root the signposts' local links are written under, without its trailing slash: absolute, as
    the dataset description's links are, because a client may read a header apart from the request."""
    return public_root(request, request.app.state.service.settings.public_url).rstrip("/")


async def home(request: Request) -> Response:
    """The landing page, or for an RDF client the dataset description it is the landing page of.

    Served directly rather than by a 303 to ``/.well-known/void``: ``/`` is a document, not the dataset
    (whose IRI, ``<base>dataset``, does answer 303, as httpRange-14 keeps 303 for what is not a
    document), and the description is that document for machines, so proactive negotiation (RFC 9110
    §12.1) picks a representation of it: a round trip fewer, and nothing for a client to follow.
    ``Content-Location`` names the serialisation's own URL."""
    ld = _linked_data(request)
    choice = choose_format(request.headers.get("accept"), TRIPLE_FORMATS)
    headers = {**VARY, "Link": link_header(home_signposts(ld, _root(request)))}
    if choice is None:
        return void.not_acceptable(headers)
    if choice == HTML:
        return HTMLResponse(await run_in_threadpool(home_page, ld, _lang(request)), headers=headers)
    assert isinstance(choice, RdfFormat)
    headers["Content-Location"] = void.description_file(choice)
    headers["Access-Control-Allow-Origin"] = "*"
    return await void.description_rdf(request, choice, headers)


async def downloads(request: Request) -> Response:
    ld = _linked_data(request)
    return HTMLResponse(await run_in_threadpool(downloads_page, ld, _lang(request)))


async def download(request: Request) -> Response:
    """A release file by its exact name, or a spreadsheet table built from the data; nothing else is ever read."""
    files = request.app.state.service.release.files
    name = request.path_params["name"]
    if name not in files:
        table = await run_in_threadpool(spreadsheet, _linked_data(request), name)
        if table is None:
            raise HTTPException(404, f"no release file named {name!r}")
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(table, media_type="text/csv; charset=utf-8", headers=disposition)
    # Streamed from the release folder as it is sent: at a million quads the N-Quads alone are 228 MiB.
    headers = {"Content-Length": str(files.size(name))}
    return StreamingResponse(iterate_in_threadpool(files.chunks(name)), media_type=file_media_type(name), headers=headers)


async def brochure(request: Request) -> Response:
    """The brochure reader, ``?from=&to=`` marking lines (:mod:`koko.pages.reader`)."""
    ld = _linked_data(request)
    if ld.brochure is None:
        raise HTTPException(404, "the brochure text this release was built from is not installed here")
    marked = marked_range(request.query_params.get("from"), request.query_params.get("to"), len(ld.brochure.lines))
    return HTMLResponse(await run_in_threadpool(brochure_page, ld, _lang(request), marked))


async def network(request: Request) -> Response:
    ld = _linked_data(request)
    return Response(await run_in_threadpool(network_picture, ld, _lang(request)), media_type=SVG_TYPE)


async def timeline(request: Request) -> Response:
    ld = _linked_data(request)
    return Response(await run_in_threadpool(timeline_picture, ld, _lang(request)), media_type=SVG_TYPE)


async def site_map(request: Request) -> Response:
    ld = _linked_data(request)
    return Response(await run_in_threadpool(map_picture, ld, _lang(request)), media_type=SVG_TYPE)


ROUTES: list[BaseRoute] = [
    Route("/", home, methods=["GET"], name="home"),
    Route("/ontology", ontology, methods=["GET"], name="ontology"),
    Route("/ontology.{extension}", ontology, methods=["GET"], name="ontology-file"),
    Route("/ontology/{version}", ontology_version, methods=["GET"], name="ontology-version"),
    Route("/-/downloads", downloads, methods=["GET"], name="downloads"),
    Route("/-/downloads/{name}", download, methods=["GET"], name="download"),
    Route(Urls.brochure, brochure, methods=["GET"], name="brochure"),
    Route(PICTURES["network"], network, methods=["GET"], name="network"),
    Route(PICTURES["timeline"], timeline, methods=["GET"], name="timeline"),
    Route(PICTURES["map"], site_map, methods=["GET"], name="map"),
]


def resource_route(prefix: str) -> Route:
    """The route of the data's IRIs under ``prefix`` (:func:`koko.pages.urls.resource_prefix`); last in
    the table, since a base at the server's root makes it match every path the others leave."""
    return Route(prefix + "{path:path}", resource, methods=["GET"], name="resource")
