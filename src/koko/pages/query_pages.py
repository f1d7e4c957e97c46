"""The canned-query pages and the SPARQL query page, under the reserved prefix ``/-/``.

- ``/-/queries``: the canned queries of ``queries/*.rq`` with their parameters
- ``/-/queries/NAME``: one query's form, result table, text and downloads;
  ``?format=csv|tsv|json|xml`` answers with the result itself, as a file
- ``/-/sparql``: a form for any SPARQL query, checked exactly as the endpoint checks it

Parameter values are bound as RDF terms (:func:`koko.sparql.canned.bindings_for`, then
``Job.substitutions``), never pasted into the query text; every query runs in the killable
query threads with the server's timeout and row cap.

Page building is pure: :func:`queries_page`, :func:`query_page` and :func:`sparql_page` take
the release, the renderer, the language, the parameters and an :class:`~koko.sparql.execution.Outcome`
and return HTML, so the static-site writer can call them with outcomes from
:func:`koko.sparql.execution.execute`. The handlers at the end only read the request, run the job and
wrap the page in a response.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from koko.errors import KokoError
from koko.graph import format_table
from koko.pages.render import Renderer, language
from koko.pages.result_table import Table, result_table
from koko.pages.sparql_examples import EXAMPLES, example_text
from koko.pages.urls import Urls
from koko.release.published import Release
from koko.sparql import jobs
from koko.sparql.canned import CannedQuery
from koko.sparql.execution import Job, NoAnswer, Outcome
from koko.sparql.protocol import Operation, Plan, ProtocolError, plan

RESERVED = ("lang", "format")
"""Query-string names that belong to the page, not to the canned query."""
DOWNLOADS = ("csv", "tsv", "json", "xml")
GRAPH_DOWNLOADS = ("ttl", "nt")
INPUT_TYPES = {"iri": "text", "string": "text", "integer": "number", "gYearMonth": "month"}
_PARAM_MESSAGE = re.compile(r"^--param (?P<name>[A-Za-z_]\w*): (?P<detail>.*)$", re.DOTALL)
PAGE_ACCEPT = f"{format_table.JSON_RESULTS.media_type}, {format_table.TURTLE.media_type}"
"""What the SPARQL page reads: results as SPARQL JSON, graphs as Turtle."""
_PREFIX_LINE = re.compile(r"^@prefix (?P<prefix>[\w.-]*): <[^>]*> \.\n", re.MULTILINE)


@dataclass(frozen=True)
class Field:
    """One input of a canned query's form."""

    name: str
    type: str
    input_type: str
    value: str
    default: str | None
    optional: bool
    description: str
    invalid: bool


@dataclass(frozen=True)
class Link:
    label: str
    href: str


def _lang_params(lang: str) -> dict[str, str]:
    return {"lang": "en"} if lang == "en" else {}


def given_parameters(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The form's values as :func:`koko.sparql.canned.bindings_for` takes them: without the page's own
    ``lang`` and ``format``, and without empty fields (an empty field means "not given").

    >>> given_parameters([("state", "Sachsen"), ("lang", "en"), ("site", "")])
    {'state': 'Sachsen'}
    """
    return {name: value for name, value in items if name not in RESERVED and value != ""}


def canned_job(published: Release, canned: CannedQuery, given: dict[str, str], max_rows: int, result_format: str = "json") -> Job:
    """The job for a canned query (:func:`koko.sparql.jobs.canned_job`); raises :class:`KokoError`
    naming the parameter when a value does not fit its type."""
    return jobs.canned_job(canned, given, published.config.base, max_rows, result_format)


def parameter_problem(error: KokoError) -> tuple[str | None, str]:
    """The parameter a :func:`bindings_for` error is about, and the message for a web page.

    >>> parameter_problem(KokoError("--param site: 'a b' is not a valid IRI"))
    ('site', "site: 'a b' is not a valid IRI")
    """
    match = _PARAM_MESSAGE.match(error.message)
    if not match:
        return None, error.message
    return match["name"], f"{match['name']}: {match['detail']}"


def form_fields(canned: CannedQuery, given: dict[str, str], invalid: str | None = None) -> tuple[Field, ...]:
    """One field per parameter, holding the value given or else the default."""
    return tuple(
        Field(
            name=p.name,
            type=p.type,
            input_type=INPUT_TYPES[p.type],
            value=given.get(p.name, p.default or ""),
            default=p.default,
            optional=p.optional,
            description=p.description,
            invalid=p.name == invalid,
        )
        for p in canned.parameters
    )


def example_parameters(canned: CannedQuery) -> tuple[dict[str, str], ...]:
    """The parameters of each documented example (``koko query NAME --param k=v``), once each.

    >>> from koko.sparql.canned import parse_header
    >>> header = "# title: T\\n# description: D\\n# example: koko query q --param 'a=b c' --format csv\\n"
    >>> example_parameters(parse_header(header + "SELECT * {}", None, "q"))
    ({'a': 'b c'},)
    """
    found: list[dict[str, str]] = []
    for example in canned.examples:
        words = shlex.split(example)
        if words[:3] != ["koko", "query", canned.name]:
            continue
        params = dict(value.partition("=")[::2] for flag, value in itertools.pairwise(words[3:]) if flag == "--param")
        if params not in found:
            found.append(params)
    return tuple(found)


def example_links(canned: CannedQuery, urls: Urls, lang: str) -> tuple[Link, ...]:
    """The query's documented examples as links to its page."""
    return tuple(
        Link(", ".join(f"{k} = {v}" for k, v in params.items()), urls.query(canned.name, {**params, **_lang_params(lang)}))
        for params in example_parameters(canned)
    )


def _switch(lang: str) -> dict[str, str]:
    return {} if lang == "en" else {"lang": "en"}


def queries_page(published: Release, renderer: Renderer, lang: str) -> str:
    """``/-/queries``: every canned query with its description and parameters."""
    urls = renderer.urls
    return renderer.page(
        "queries.html",
        lang,
        canned=published.canned,
        links={q.name: urls.query(q.name, _lang_params(lang)) for q in published.canned},
        switch_href=urls.queries + (f"?{urlencode(_switch(lang))}" if _switch(lang) else ""),
    )


def _outcome_view(outcome: Outcome | None, urls: Urls) -> tuple[Table | None, str | None, str | None]:
    """(table, graph text, error) of an outcome."""
    if outcome is None:
        return None, None, None
    if outcome.kind == "error":
        return None, None, outcome.error
    if outcome.kind == "graph":
        body = outcome.body.decode("utf-8")
        unused = (m for m in _PREFIX_LINE.finditer(body) if f"{m['prefix']}:" not in body[m.end() :])
        for match in sorted(unused, key=lambda m: -m.start()):
            body = body[: match.start()] + body[match.end() :]
        return None, body, None
    return result_table(outcome, urls), None, None


def query_page(
    published: Release,
    renderer: Renderer,
    canned: CannedQuery,
    lang: str,
    given: dict[str, str],
    outcome: Outcome | None = None,
    error: KokoError | str | None = None,
    downloads: tuple[Link, ...] | None = None,
) -> str:
    """``/-/queries/NAME``: the form (with ``given`` or the defaults), the result of ``outcome``
    or the ``error`` (a parameter error marks its field), the query text and the downloads
    (by default the links to this page with ``format=``)."""
    urls = renderer.urls
    invalid, message = parameter_problem(error) if isinstance(error, KokoError) else (None, error)
    table, _, failure = _outcome_view(outcome, urls)
    if downloads is None:
        downloads = tuple(Link(f.upper(), urls.query(canned.name, {**given, "format": f})) for f in DOWNLOADS)
    return renderer.page(
        "query.html",
        lang,
        canned=canned,
        fields=form_fields(canned, given, invalid),
        examples=example_links(canned, urls, lang),
        action=urls.query(canned.name),
        table=table,
        error=message or failure,
        downloads=downloads,
        switch_href=urls.query(canned.name, {**given, **_switch(lang)}),
    )


def check_query(published: Release, graphs: frozenset[str], text: str, allowed: Sequence[str]) -> Plan:
    """The endpoint's own checks (:func:`koko.sparql.protocol.plan`): an update or a SERVICE that is not
    on the ``allowed`` list is refused with :class:`~koko.sparql.protocol.ProtocolError`; FROM names
    local graphs only."""
    return plan(Operation(query=text), PAGE_ACCEPT, published.config.base, graphs, allowed)


def sparql_job(published: Release, checked: Plan, max_rows: int) -> Job:
    """The job for a checked free query, as the endpoint would run it, but answering in
    SPARQL JSON (SELECT, ASK) or Turtle with our prefixes (CONSTRUCT, DESCRIBE)."""
    page = replace(checked, result_format="json", graph_format="ttl")
    return jobs.job_of(page, published.config.base, max_rows)


def _sparql_href(urls: Urls, params: dict[str, str]) -> str:
    return urls.sparql_page + (f"?{urlencode(params)}" if params else "")


def sparql_page(
    published: Release,
    renderer: Renderer,
    lang: str,
    query: str = "",
    outcome: Outcome | None = None,
    error: str | None = None,
) -> str:
    """``/-/sparql``: the form with ``query`` (or the first example), the result of ``outcome``
    or the ``error``, download links to the endpoint and the example queries."""
    urls = renderer.urls
    base = published.config.base
    examples = tuple(
        (example.title_de if lang == "de" else example.title_en, text, _sparql_href(urls, {"query": text, **_lang_params(lang)}))
        for example in EXAMPLES
        for text in (example_text(example, base),)
    )
    table, graph, failure = _outcome_view(outcome, urls)
    formats = GRAPH_DOWNLOADS if graph is not None else DOWNLOADS if table is not None else ()
    downloads = tuple(Link(f.upper(), f"{urls.sparql}?{urlencode({'query': query, 'format': f})}") for f in formats)
    switch = {"query": query, **_switch(lang)} if query else _switch(lang)
    return renderer.page(
        "sparql.html",
        lang,
        query=query or examples[0][1],
        asked=bool(query),
        examples=examples,
        action=urls.sparql_page,
        table=table,
        graph=graph,
        error=error or failure,
        downloads=downloads,
        switch_href=_sparql_href(urls, switch),
    )


# The handlers: read the request, run the job in the pool, wrap the page.


def _retry(exc: NoAnswer) -> dict[str, str] | None:
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after else None


async def _run(request: Request, job: Job) -> Outcome:
    service = request.app.state.service
    outcome: Outcome = await service.backend.arun(job, service.settings.timeout)
    return outcome


async def queries(request: Request) -> Response:
    service = request.app.state.service
    lang = language(request.query_params.get("lang"))
    return HTMLResponse(queries_page(service.release, service.renderer, lang))


async def canned_query(request: Request) -> Response:
    service = request.app.state.service
    name = request.path_params["name"]
    canned = service.release.canned_query(name)
    if canned is None:
        raise HTTPException(404, f"no canned query {name!r}")
    lang = language(request.query_params.get("lang"))
    fmt = request.query_params.get("format", "html")
    given = given_parameters(request.query_params.multi_items())

    def page(
        status: int, outcome: Outcome | None = None, error: KokoError | str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        html = query_page(service.release, service.renderer, canned, lang, given, outcome, error)
        return HTMLResponse(html, status_code=status, headers=headers)

    if fmt != "html" and fmt not in DOWNLOADS:
        return PlainTextResponse(f"format: {fmt!r} is not one of html, {', '.join(DOWNLOADS)}\n", status_code=400)
    try:
        job = canned_job(service.release, canned, given, service.settings.max_rows, fmt if fmt in DOWNLOADS else "json")
    except KokoError as exc:
        if fmt in DOWNLOADS:
            return PlainTextResponse(parameter_problem(exc)[1] + "\n", status_code=400)
        return page(400, error=exc)
    try:
        outcome = await _run(request, job)
    except NoAnswer as exc:
        if fmt in DOWNLOADS:
            return PlainTextResponse(f"{exc}\n", status_code=exc.status, headers=_retry(exc))
        return page(exc.status, error=str(exc), headers=_retry(exc))
    if outcome.kind == "error":
        if fmt in DOWNLOADS:
            return PlainTextResponse(f"{outcome.error}\n", status_code=500)
        return page(500, outcome)
    if fmt in DOWNLOADS:
        disposition = {"Content-Disposition": f'attachment; filename="{canned.name}.{fmt}"'}
        return Response(outcome.body, media_type=format_table.result_format(fmt).media_type, headers=disposition)
    return page(200, outcome)


async def sparql_form(request: Request) -> Response:
    service = request.app.state.service
    lang = language(request.query_params.get("lang"))
    text = request.query_params.get("query", "")

    def page(
        status: int, outcome: Outcome | None = None, error: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        html = sparql_page(service.release, service.renderer, lang, text, outcome, error)
        return HTMLResponse(html, status_code=status, headers=headers)

    if not text.strip():
        return page(200)
    try:
        checked = await run_in_threadpool(
            check_query, service.release, service.backend.graphs, text, service.settings.service_allow
        )
    except ProtocolError as exc:
        return page(exc.status, error=exc.message)
    try:
        outcome = await _run(request, sparql_job(service.release, checked, service.settings.max_rows))
    except NoAnswer as exc:
        return page(exc.status, error=str(exc), headers=_retry(exc))
    if outcome.kind == "error":
        return page(400 if outcome.malformed else 500, outcome)
    return page(200, outcome)


ROUTES: list[BaseRoute] = [
    Route(Urls.queries, queries, methods=["GET"]),
    Route(Urls.queries + "/{name}", canned_query, methods=["GET"]),
    Route(Urls.sparql_page, sparql_form, methods=["GET"]),
]
