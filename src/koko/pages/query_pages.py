"""The canned-query pages and the SPARQL query page, under the reserved prefix ``/-/``.

- ``/-/queries``: the canned queries of ``queries/*.rq`` with their parameters
- ``/-/queries/NAME``: one query's form, result table, text and downloads;
  ``?format=csv|tsv|json|xml`` answers with the result itself, as a file
- ``/-/sparql``: a form for any SPARQL query, checked exactly as the endpoint checks it

A result shows labels for IRIs (:mod:`koko.pages.result_table`), :data:`~koko.pages.result_table.PAGE_SIZE`
rows a page (``?page=N``), its row count and, on the server, the time the query took.

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
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from koko.errors import KokoError
from koko.graph import format_table
from koko.pages.linked_data import LinkedData
from koko.pages.query_forms import (
    KIND_NAMES,
    NO_CHOICES,
    SUGGEST,
    Choices,
    Problem,
    load_choices,
    options_for,
    problem_text,
    resolve,
)
from koko.pages.render import Renderer, language, language_query
from koko.pages.result_table import (
    PAGE_SIZE,
    Labeller,
    Table,
    iris_of,
    labeller,
    no_labels,
    page_of,
    readable,
    result_table,
    with_headers,
)
from koko.pages.result_views import result_views, view_name
from koko.pages.sparql_editor import QueryError, complete_prefixes, editor_data, readable_error
from koko.pages.sparql_examples import EXAMPLES, example_text
from koko.pages.urls import Urls
from koko.pages.vocabulary import curie
from koko.release.published import Release
from koko.sparql import jobs
from koko.sparql.canned import CannedQuery, ParameterError
from koko.sparql.execution import Job, NoAnswer, Outcome, QueryTimeout, WorkersBusy
from koko.sparql.protocol import Operation, Plan, ProtocolError, plan

RESERVED = ("lang", "format", "page", "view")
"""Query-string names that belong to the page, not to the canned query."""
DOWNLOADS = ("csv", "tsv", "json", "xml")
GRAPH_DOWNLOADS = ("ttl", "nt")
INPUT_TYPES = {"iri": "text", "string": "text", "integer": "number", "gYearMonth": "month"}
TYPE_NAMES = {
    "iri": {"de": "IRI", "en": "IRI"},
    "string": {"de": "Text", "en": "text"},
    "integer": {"de": "ganze Zahl", "en": "whole number"},
    "gYearMonth": {"de": "Monat", "en": "month"},
}
NOT_CHOSEN = {"de": "(keine Auswahl)", "en": "(none chosen)"}
PLEASE_CHOOSE = {"de": "(bitte wählen)", "en": "(please choose)"}
# Why a query got no answer, for people; the server's own message follows in English, marked as such.
NO_ANSWER = {
    "timeout": {"de": "Die Abfrage dauerte zu lange und wurde abgebrochen.", "en": "The query took too long and was stopped."},
    "busy": {
        "de": "Der Server ist gerade ausgelastet; bitte gleich noch einmal versuchen.",
        "en": "The server is busy; please try again shortly.",
    },
    "store": {
        "de": "Der Datenspeicher antwortet nicht; bitte später noch einmal versuchen.",
        "en": "The data store does not answer; please try again later.",
    },
    "failed": {"de": "Die Abfrage ist fehlgeschlagen.", "en": "The query failed."},
}
_PARAM_MESSAGE = re.compile(r"^--param (?P<name>[A-Za-z_]\w*): (?P<detail>.*)$", re.DOTALL)
PAGE_ACCEPT = f"{format_table.JSON_RESULTS.media_type}, {format_table.TURTLE.media_type}"
"""What the SPARQL page reads: results as SPARQL JSON, graphs as Turtle."""
_PREFIX_LINE = re.compile(r"^@prefix (?P<prefix>[\w.-]*): <[^>]*> \.\n", re.MULTILINE)
LabelLookup = Callable[[Sequence[str]], Labeller]
"""The labels of some IRIs (those on a result page), for the page's language."""


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class Field:
    """One input of a canned query's form: a list of ``options`` (value, label) where its parameter has a kind,
    else a typed input; ``problem`` is what is wrong with the value given, in the page's language, with
    ``suggestions`` (links to the page with a value that fits)."""

    name: str
    type: str
    input_type: str
    value: str
    default: str | None
    optional: bool
    description: str
    invalid: bool
    label: str | None = None
    description_lang: str | None = None  # "en" where the header has no German help for a German page
    type_name: str = ""
    options: tuple[tuple[str, str], ...] = ()
    problem: str | None = None
    suggest: str = ""
    suggestions: tuple[Link, ...] = ()


def _lang_params(lang: str) -> dict[str, str]:
    return {"lang": lang} if language_query(lang) else {}


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


def problem_of(error: KokoError) -> Problem:
    """A :func:`~koko.sparql.canned.bindings_for` error as a :class:`~koko.pages.query_forms.Problem` of its field."""
    if isinstance(error, ParameterError):
        return Problem(error.name, error.problem, error.value or "")
    name, message = parameter_problem(error)
    return Problem(name or "", "invalid", message)


def form_fields(
    canned: CannedQuery,
    given: dict[str, str],
    invalid: str | None = None,
    lang: str = "de",
    choices: Choices = NO_CHOICES,
    problems: Sequence[Problem] = (),
    href: Callable[[dict[str, str]], str] | None = None,
) -> tuple[Field, ...]:
    """One field per parameter, holding the value given or else the default: a list of the ``choices`` of
    its kind, or an input of its type; each with its problem, in ``lang``, and the suggested values as
    links (``href`` of the parameters with that value)."""
    fields = []
    for p in canned.parameters:
        problem = next((found for found in problems if found.name == p.name), None)
        options = options_for(canned, p, choices)
        suggested = problem.suggestions if problem is not None and href is not None else ()
        links = tuple(Link(option.label(lang), href({**given, p.name: option.value})) for option in suggested if href)
        fields.append(
            Field(
                name=p.name,
                type=p.type,
                input_type=INPUT_TYPES[p.type],
                value=given.get(p.name, p.default or ""),
                default=p.default,
                optional=p.optional,
                description=p.help(lang),
                description_lang="en" if lang == "de" and p.description_de is None else None,
                invalid=p.name == invalid or problem is not None,
                label=KIND_NAMES[p.kind][lang] if p.kind else None,
                type_name=TYPE_NAMES[p.type][lang],
                options=tuple((option.value, option.label(lang)) for option in options),
                problem=problem_text(problem, lang) if problem else None,
                suggest=SUGGEST[lang] if problem and problem.code == "no-match" else "",
                suggestions=links,
            )
        )
    return tuple(fields)


def _marked(table: Table, languages: dict[str, str]) -> Table:
    """The plain literals of the columns in ``languages`` (variable → language) tagged with it, so that a page
    in another language marks them (English codes such as ``produced`` on a German page)."""
    where = {i: languages[v] for i, v in enumerate(table.variables) if v in languages}
    if not where:
        return table
    rows = tuple(
        tuple(
            replace(c, lang=where[i]) if c is not None and i in where and c.kind == "literal" and c.lang is None else c
            for i, c in enumerate(row)
        )
        for row in table.rows
    )
    return replace(table, rows=rows)


def no_answer_text(exc: NoAnswer, lang: str) -> str:
    """Why a query got no answer (too long, no worker free, the store unreachable), in ``lang``."""
    reason = "timeout" if isinstance(exc, QueryTimeout) else "busy" if isinstance(exc, WorkersBusy) else "store"
    return NO_ANSWER[reason][lang]


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
    # Explicit both ways: a plain address is the language the browser asks for (render.language).
    return {"lang": "de" if lang == "en" else "en"}


def queries_page(published: Release, renderer: Renderer, lang: str) -> str:
    """``/-/queries``: every canned query with its description and parameters."""
    urls = renderer.urls
    return renderer.page(
        "queries.html",
        lang,
        canned=published.canned,
        links={q.name: urls.query(q.name, _lang_params(lang)) for q in published.canned},
        kinds={kind: names[lang] for kind, names in KIND_NAMES.items()},
        type_names={name: names[lang] for name, names in TYPE_NAMES.items()},
        switch_href=urls.queries + (f"?{urlencode(_switch(lang))}" if _switch(lang) else ""),
    )


@dataclass(frozen=True)
class ResultView:
    """How a result is shown: which page of it, its labels, and how long the query took (None on the static site)."""

    page: int = 1
    page_size: int | None = PAGE_SIZE
    labels: LabelLookup = lambda iris: no_labels
    elapsed: float | None = None
    shown: str = "table"  # ?view= (koko.pages.result_views); "all" on the static site, which cannot read it


def label_lookup(ld: LinkedData, lang: str) -> LabelLookup:
    """Labels from the pages' own lookup (the backend's :meth:`~koko.pages.backend.Backend.about` and
    :class:`~koko.pages.describe.Describer`): free on the indexed release, one store query otherwise."""

    def lookup(iris: Sequence[str]) -> Labeller:
        describer = ld.describer(lang, ld.backend.about((), labelled=iris))
        return labeller(lambda iri: describer.label(ox.NamedNode(iri)), lambda iri: curie(iri, ld.prefixes))

    return lookup


def page_number(text: str | None) -> int:
    """The ``page`` parameter as a page number (1 for anything that is not a positive number).

    >>> page_number("3"), page_number("x"), page_number(None), page_number("-2")
    (3, 1, 1, 1)
    """
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


def elapsed_label(seconds: float, lang: str) -> str:
    """How long a query took, for people.

    >>> elapsed_label(0.0123, "de"), elapsed_label(1.25, "de"), elapsed_label(1.25, "en")
    ('12 ms', '1,2 s', '1.2 s')
    """
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    text = f"{seconds:.1f} s"
    return text.replace(".", ",") if lang == "de" else text


def pager(table: Table | None, href: Callable[[int], str]) -> tuple[Link, ...]:
    """A link to each page of a result of more than one page (label: the page number)."""
    if table is None or table.pages < 2:
        return ()
    return tuple(Link(str(n), href(n)) for n in range(1, table.pages + 1))


def _shown(table: Table, view: ResultView, lang: str) -> Table:
    shown = page_of(table, view.page, view.page_size)
    return readable(shown, view.labels(iris_of(shown)), lang)


def _page(number: int) -> dict[str, str]:
    return {"page": str(number)} if number > 1 else {}


def _viewed(name: str) -> dict[str, str]:
    return {"view": name} if name not in ("table", "all") else {}


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
    view: ResultView = ResultView(),
    choices: Choices = NO_CHOICES,
    problems: Sequence[Problem] = (),
) -> str:
    """``/-/queries/NAME``: the form (with ``given`` or the defaults; a list of ``choices`` for a parameter
    of a kind), the result of ``outcome`` (the page and labels of ``view``) or the ``error`` (a parameter
    error, like each of ``problems``, is shown at its field), the query text and the downloads (by
    default the links to this page with ``format=``). ``error`` as text is already in ``lang``."""
    urls = renderer.urls
    problems = tuple(problems)
    message = error if isinstance(error, str) else None
    if isinstance(error, KokoError):
        found = problem_of(error)
        if found.name in {p.name for p in canned.parameters}:
            problems += (found,)
        else:
            message = problem_text(found, lang)
    table, _, failure = _outcome_view(outcome, urls)
    table = _shown(table, view, lang) if table is not None else None
    table = with_headers(_marked(table, canned.value_languages()), canned.column_labels(lang)) if table is not None else None
    if downloads is None:
        downloads = tuple(Link(f.upper(), urls.query(canned.name, {**given, "format": f})) for f in DOWNLOADS)
    return renderer.page(
        "query.html",
        lang,
        canned=canned,
        fields=form_fields(
            canned, given, None, lang, choices, problems, lambda params: urls.query(canned.name, {**params, **_lang_params(lang)})
        ),
        not_chosen=NOT_CHOSEN[lang],
        please_choose=PLEASE_CHOOSE[lang],
        examples=example_links(canned, urls, lang),
        action=urls.query(canned.name),
        table=table,
        pages=pager(table, lambda n: urls.query(canned.name, {**given, **_lang_params(lang), **_page(n), **_viewed(view.shown)})),
        views=result_views(
            table,
            view.shown,
            lambda v: urls.query(canned.name, {**given, **_lang_params(lang), **_page(view.page), **_viewed(v)}),
            lang,
        ),
        elapsed=elapsed_label(view.elapsed, lang) if view.elapsed is not None else None,
        error=message or (NO_ANSWER["failed"][lang] if failure else None),
        error_detail=failure,
        downloads=downloads,
        switch_href=urls.query(canned.name, {**given, **_switch(lang), **_page(view.page), **_viewed(view.shown)}),
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
    error: str | QueryError | None = None,
    view: ResultView = ResultView(),
) -> str:
    """``/-/sparql``: the form with ``query`` (or the first example), the result of ``outcome``
    or the ``error`` (a parse error with its position), download links to the endpoint, the example
    queries and the canned queries, and the terms the editor completes."""
    urls = renderer.urls
    base = published.config.base
    examples = tuple(
        (example.title_de if lang == "de" else example.title_en, text, _sparql_href(urls, {"query": text, **_lang_params(lang)}))
        for example in EXAMPLES
        for text in (example_text(example, base),)
    )
    table, graph, failure = _outcome_view(outcome, urls)
    table = _shown(table, view, lang) if table is not None else None
    if isinstance(error, str) or (error is None and failure is not None):
        problem: QueryError | None = QueryError(error) if isinstance(error, str) else readable_error(failure or "", query, lang)
    else:
        problem = error
    formats = GRAPH_DOWNLOADS if graph is not None else DOWNLOADS if table is not None else ()
    downloads = tuple(Link(f.upper(), f"{urls.sparql}?{urlencode({'query': query, 'format': f})}") for f in formats)
    switch = {"query": query, **_switch(lang), **_page(view.page), **_viewed(view.shown)} if query else _switch(lang)
    return renderer.page(
        "sparql.html",
        lang,
        query=query or examples[0][1],
        asked=bool(query),
        examples=examples,
        canned=tuple((canned.title_in(lang), canned.text) for canned in published.canned),
        action=urls.sparql_page,
        table=table,
        pages=pager(
            table, lambda n: _sparql_href(urls, {"query": query, **_lang_params(lang), **_page(n), **_viewed(view.shown)})
        ),
        views=result_views(
            table,
            view.shown,
            lambda v: _sparql_href(urls, {"query": query, **_lang_params(lang), **_page(view.page), **_viewed(v)}),
            lang,
        ),
        elapsed=elapsed_label(view.elapsed, lang) if view.elapsed is not None else None,
        graph=graph,
        error=problem,
        downloads=downloads,
        switch_href=_sparql_href(urls, switch),
        editor=editor_data(published.ontology, base, lang),
    )


# The handlers: read the request, run the job in the pool, wrap the page.


def _retry(exc: NoAnswer) -> dict[str, str] | None:
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after else None


async def _run(request: Request, job: Job) -> tuple[Outcome, float]:
    """The outcome and the seconds it took (queued time included: what the reader waited)."""
    service = request.app.state.service
    started = time.perf_counter()
    outcome: Outcome = await service.backend.arun(job, service.settings.timeout)
    return outcome, time.perf_counter() - started


def _view(request: Request, lang: str, elapsed: float | None = None) -> ResultView:
    ld: LinkedData = request.app.state.service.linked_data
    shown = view_name(request.query_params.get("view"))
    return ResultView(page_number(request.query_params.get("page")), PAGE_SIZE, label_lookup(ld, lang), elapsed, shown)


async def queries(request: Request) -> Response:
    service = request.app.state.service
    lang = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    return HTMLResponse(queries_page(service.release, service.renderer, lang))


def _choices(select: Callable[[str], Sequence[ox.QuerySolution]], canned: CannedQuery, base: str) -> Choices:
    """The lists for the query's form; none when no parameter has a kind, or when the store does not answer
    (plain fields then, and the query itself says what is wrong)."""
    if not any(p.kind for p in canned.parameters):
        return NO_CHOICES
    try:
        return load_choices(select, base)
    except (KokoError, NoAnswer):
        return NO_CHOICES


async def canned_query(request: Request) -> Response:
    service = request.app.state.service
    name = request.path_params["name"]
    canned = service.release.canned_query(name)
    if canned is None:
        raise HTTPException(404, f"no canned query {name!r}")
    lang = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    fmt = request.query_params.get("format", "html")
    base = service.release.config.base
    choices = await run_in_threadpool(_choices, service.backend.select, canned, base)
    given, problems = resolve(canned, given_parameters(request.query_params.multi_items()), choices, base)

    async def page(
        status: int,
        outcome: Outcome | None = None,
        error: KokoError | str | None = None,
        headers: dict[str, str] | None = None,
        elapsed: float | None = None,
    ) -> Response:
        view = _view(request, lang, elapsed)
        # In the pool: the labels may be a store query (a remote one over HTTP).
        html = await run_in_threadpool(
            query_page, service.release, service.renderer, canned, lang, given, outcome, error, None, view, choices, problems
        )
        return HTMLResponse(html, status_code=status, headers=headers)

    if fmt != "html" and fmt not in DOWNLOADS:
        return PlainTextResponse(f"format: {fmt!r} is not one of html, {', '.join(DOWNLOADS)}\n", status_code=400)
    if problems:
        if fmt in DOWNLOADS:
            lines = (f"{p.name}: {problem_text(p, 'en')}" for p in problems)
            return PlainTextResponse("\n".join(lines) + "\n", status_code=400)
        return await page(400)
    try:
        job = canned_job(service.release, canned, given, service.settings.max_rows, fmt if fmt in DOWNLOADS else "json")
    except KokoError as exc:
        if fmt in DOWNLOADS:
            return PlainTextResponse(parameter_problem(exc)[1] + "\n", status_code=400)
        return await page(400, error=exc)
    try:
        outcome, elapsed = await _run(request, job)
    except NoAnswer as exc:
        if fmt in DOWNLOADS:
            return PlainTextResponse(f"{exc}\n", status_code=exc.status, headers=_retry(exc))
        return await page(exc.status, error=no_answer_text(exc, lang), headers=_retry(exc))
    if outcome.kind == "error":
        if fmt in DOWNLOADS:
            return PlainTextResponse(f"{outcome.error}\n", status_code=500)
        return await page(500, outcome)
    if fmt in DOWNLOADS:
        disposition = {"Content-Disposition": f'attachment; filename="{canned.name}.{fmt}"'}
        return Response(outcome.body, media_type=format_table.result_format(fmt).media_type, headers=disposition)
    return await page(200, outcome, elapsed=elapsed)


async def sparql_form(request: Request) -> Response:
    service = request.app.state.service
    lang = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    # Our prefixes are declared for the reader: the page then shows (and the download links send) the
    # query as it ran, and a parse error's line and column point into that text.
    text = complete_prefixes(request.query_params.get("query", ""), service.release.config.base)

    async def page(
        status: int,
        outcome: Outcome | None = None,
        error: str | QueryError | None = None,
        headers: dict[str, str] | None = None,
        elapsed: float | None = None,
    ) -> Response:
        view = _view(request, lang, elapsed)
        html = await run_in_threadpool(sparql_page, service.release, service.renderer, lang, text, outcome, error, view)
        return HTMLResponse(html, status_code=status, headers=headers)

    if not text.strip():
        return await page(200)
    try:
        checked = await run_in_threadpool(
            check_query, service.release, service.backend.graphs, text, service.settings.service_allow
        )
    except ProtocolError as exc:
        return await page(exc.status, error=readable_error(exc.message, text, lang))
    try:
        outcome, elapsed = await _run(request, sparql_job(service.release, checked, service.settings.max_rows))
    except NoAnswer as exc:
        return await page(exc.status, error=str(exc), headers=_retry(exc))
    if outcome.kind == "error":
        return await page(400 if outcome.malformed else 500, outcome)
    return await page(200, outcome, elapsed=elapsed)


ROUTES: list[BaseRoute] = [
    Route(Urls.queries, queries, methods=["GET"]),
    Route(Urls.queries + "/{name}", canned_query, methods=["GET"]),
    Route(Urls.sparql_page, sparql_form, methods=["GET"]),
]
