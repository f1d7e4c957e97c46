"""``koko site OUT/``: the server's pages and RDF as files that any web server can host.

Every IRI of ours becomes ``id/PATH.html`` (German), ``id/PATH.en.html`` (English) and one file
per RDF format (``id/PATH.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.trig``, ``.nq``), under the path
its IRI resolves at (``id/`` for the default base; :func:`koko.pages.urls.resource_prefix`); the home
page, the ontology, the canned queries (with the result of their default parameters), the
downloads and the dataset description likewise. Beside them, ``.htaccess`` (Apache) and
``nginx.conf`` hold the content-negotiation rules that make ``/id/site/erfurt`` answer with
HTML or RDF as ``koko serve`` does. The pages link with root-relative paths, so the site is
hosted at the root of its domain.

A static site has no SPARQL endpoint: its SPARQL page says so and points to ``koko serve``,
and a canned query shows the result of its default parameters only.

The folder is written like a release: in full into a staging folder, then renamed into place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from koko.config import resource_prefix
from koko.errors import KokoError
from koko.graph.format_table import RDF_FORMATS, TRIPLE_FORMATS, offered, result_format
from koko.pages import browse, spreadsheets
from koko.pages.backend import indexed
from koko.pages.dataset_description import dataset_iri, serialise_description, statistics
from koko.pages.dataset_description import describe_dataset as describe
from koko.pages.dataset_page import description_page
from koko.pages.describe import Index
from koko.pages.inferred import VIEW_SUFFIX
from koko.pages.linked_data import (
    PICTURES,
    LinkedData,
    brochure_page,
    downloads_page,
    home_page,
    linked_data_of,
    map_picture,
    network_picture,
    resource_page,
    resource_rdf,
    spreadsheet,
    timeline_picture,
)
from koko.pages.ontology_page import ontology_page as ontology_html
from koko.pages.ontology_page import ontology_rdf
from koko.pages.query_forms import load_choices
from koko.pages.query_pages import Link, ResultView, canned_job, label_lookup, queries_page, query_page, sparql_page
from koko.pages.render import LANGUAGES, STATIC, make_renderer
from koko.pages.search import INDEX_SCRIPT, build_index, index_script, search_page
from koko.pages.urls import VOID_PATH, Urls
from koko.release.build import write_atomically
from koko.release.published import Published
from koko.sparql.execution import Outcome, execute

SUFFIX = {"de": "", "en": ".en"}
#: The result files of each canned query (the last one's outcome is what its page shows): ``.csv`` and ``.srj``.
RESULT_FILES = (result_format("csv"), result_format("json"))
NO_ENDPOINT = {
    "de": "Diese statische Kopie hat keinen SPARQL-Endpunkt. Mit »koko serve« läuft dieselbe Seite mit Endpunkt unter /sparql.",
    "en": "This static copy has no SPARQL endpoint. »koko serve« runs the same site with an endpoint at /sparql.",
}
NOT_FOUND = {
    "de": "Diese Seite gibt es hier nicht.",
    "en": "There is no such page here.",
}


@dataclass(frozen=True)
class SiteSummary:
    files: int
    resources: int
    pages: int


def default_root(base: str) -> str:
    """Where the site lives when no URL is given: the server root that the base's IRIs resolve under
    (:func:`koko.pages.urls.resource_prefix`), since the pages link to paths from that root.

    >>> default_root("https://w3id.org/koko-kg/id/"), default_root("https://example.org/data/")
    ('https://w3id.org/koko-kg/', 'https://example.org/')
    >>> default_root("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/'
    """
    return base[: len(base) - len(resource_prefix(base))] + "/"


def file_of(path: str) -> str:
    """The file name of a server path (``/id/site/erfurt`` → ``id/site/erfurt``)."""
    name = unquote(path).lstrip("/")
    if not name or ".." in name.split("/"):
        raise KokoError(f"cannot write {path!r} as a file of the static site")
    return name


def resources(ld: LinkedData, index: Index) -> list[str]:
    """Every IRI of ours the site answers for: subjects, objects and named graphs of the release."""
    nodes = {*index.subjects, *index.objects, *index.graphs}
    return sorted(n.value for n in nodes if getattr(n, "value", "").startswith(ld.base) and ld.urls.path_of(n.value))


def _pages(files: dict[str, bytes], name: str, lang: str, html: str) -> None:
    files[f"{name}{SUFFIX[lang]}.html"] = html.encode("utf-8")


def _query_pages(files: dict[str, bytes], published: Published, ld: LinkedData, lang: str, outcomes: dict[str, Outcome]) -> None:
    renderer = ld.renderer
    _pages(files, file_of(ld.urls.queries), lang, queries_page(published, renderer, lang))
    # Every row on one page: a static host ignores ?page=N, and no default result has more than a few hundred;
    # shown="all": no ?view= either, so the chart and timeline a result offers are on its page, one below the other.
    view = ResultView(page_size=None, labels=label_lookup(ld, lang), shown="all")
    choices = load_choices(ld.backend.select, published.config.base)  # the forms' lists, as on the server
    for canned in published.canned:
        outcome = outcomes[canned.name]
        downloads = tuple(Link(f.name.upper(), f"{ld.urls.query(canned.name)}.{f.extension}") for f in RESULT_FILES)
        _pages(
            files,
            file_of(ld.urls.query(canned.name)),
            lang,
            query_page(published, renderer, canned, lang, {}, outcome, downloads=downloads, view=view, choices=choices),
        )
    _pages(files, file_of(ld.urls.sparql_page), lang, sparql_page(published, renderer, lang, error=NO_ENDPOINT[lang]))


def _query_results(files: dict[str, bytes], published: Published, urls: Urls) -> dict[str, Outcome]:
    """Each canned query run once per format with its default parameters: its ``.csv`` and ``.srj``
    files, and the JSON outcomes (name → outcome) that both languages' pages show."""
    outcomes = {}
    for canned in published.canned:
        for fmt in RESULT_FILES:
            outcome = execute(published.store, canned_job(published, canned, {}, max_rows=10_000, result_format=fmt.name))
            files[f"{file_of(urls.query(canned.name))}.{fmt.extension}"] = outcome.body
        outcomes[canned.name] = outcome
    return outcomes


def site_files(published: Published, root_url: str | None = None) -> tuple[dict[str, bytes], SiteSummary]:
    """File name → bytes for the whole static site; ``root_url`` is where it will be hosted
    (absolute links in the dataset description), by default :func:`default_root` of the base."""
    root = root_url or default_root(published.config.base)
    urls = Urls(published.config.base)
    renderer = make_renderer(urls)
    backend = indexed(published)
    ld = linked_data_of(published, renderer, backend)
    files: dict[str, bytes] = {}
    iris = resources(ld, backend.index)
    stats = statistics(backend.select, published.config.base)
    outcomes = _query_results(files, published, urls)
    for lang in LANGUAGES:
        _pages(files, "index", lang, home_page(ld, lang))
        _pages(files, file_of(urls.ontology), lang, ontology_html(ld, lang))
        _pages(files, file_of(urls.downloads), lang, downloads_page(ld, lang))
        if ld.brochure is not None:  # koko-reader.js marks ?from=&to=
            _pages(files, file_of(urls.brochure), lang, brochure_page(ld, lang))
        _pages(files, file_of(VOID_PATH), lang, description_page(published, renderer, root, stats, lang, endpoint=False))
        _pages(files, "404", lang, browse.not_found_page(ld, lang, "", None, static=True))  # koko-not-found.js suggests
        for list_path, html in browse.static_pages(ld, lang).items():  # a segment's list is its folder's index
            _pages(files, file_of(list_path), lang, html)
        _pages(files, file_of(urls.search), lang, search_page(ld, None, lang, ""))
        _query_pages(files, published, ld, lang, outcomes)
        for iri in iris:
            _pages(files, file_of(urls.link(iri)), lang, resource_page(ld, iri, lang))
            # ?view=inferred: a file of its own, which the rules pick as they pick .en.html (pages.inferred).
            _pages(files, file_of(urls.link(iri)) + VIEW_SUFFIX, lang, resource_page(ld, iri, lang, view="inferred"))
    files[file_of(INDEX_SCRIPT)] = index_script(build_index(backend.select, published.config.base), ld)
    files[file_of(PICTURES["network"])] = network_picture(ld, "de").encode("utf-8")
    files[file_of(PICTURES["timeline"])] = timeline_picture(ld, "de").encode("utf-8")
    files[file_of(PICTURES["map"])] = map_picture(ld, "de").encode("utf-8")
    for iri in iris:
        for fmt in RDF_FORMATS:
            files[f"{file_of(urls.link(iri))}.{fmt.extension}"] = resource_rdf(ld, iri, fmt)
    for fmt in TRIPLE_FORMATS:
        files[f"{file_of(urls.ontology)}.{fmt.extension}"] = ontology_rdf(ld, fmt)
    description = describe(published, root, stats, endpoint=False)
    for fmt in TRIPLE_FORMATS:
        files[f"{file_of(VOID_PATH)}.{fmt.extension}"] = serialise_description(description, fmt)
    for name, data in published.files.items():
        files[file_of(urls.download(name))] = data
    for name in spreadsheets.files():
        table = spreadsheet(ld, name)
        assert table is not None
        files[file_of(urls.download(name))] = table
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        files[file_of(urls.static(path.relative_to(STATIC).as_posix()))] = path.read_bytes()
    dataset = urls.link(dataset_iri(published.config.base))
    for template, name in (("site/htaccess", ".htaccess"), ("site/nginx.conf", "nginx.conf")):
        rules = renderer.environment.get_template(template)
        text = rules.render(
            formats=RDF_FORMATS, accepted=_accepted(), listen="80", root="/srv/koko-kg", dataset=dataset, void=VOID_PATH
        )
        files[name] = text.encode("utf-8")
    pages = sum(1 for name in files if name.endswith(".html"))
    return files, SiteSummary(len(files), len(iris), pages)


def _accepted() -> list[tuple[str, str]]:
    """(media type, file extension) in the order koko serve prefers them, synonyms and generic types
    (``application/json`` for JSON-LD) included, for the web servers' rules."""
    extension = {f.name: f.extension for f in RDF_FORMATS}
    return [(media, extension[name]) for media, name in offered(RDF_FORMATS).items()]


def write_site(published: Published, out: Path, root_url: str | None = None) -> SiteSummary:
    """Write the static site into ``out`` (replaced as a whole, or left as it was on error)."""
    files, summary = site_files(published, root_url)
    write_atomically(out, files)
    return summary
