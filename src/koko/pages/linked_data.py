"""The pages for people and the RDF of every resource, as pure functions of the release.

Each function takes a :class:`LinkedData` (the release, the renderer and what is read from
them once), a language and, for a resource, its IRI, and returns the HTML text or the RDF
bytes. The server's handlers (:mod:`koko.web.resources`) and the static-site writer call the
same functions, so both publish the same pages.

Links keep the page's language: on an English page every link to one of our pages carries
``?lang=en`` (before any ``#fragment``); links to other people's IRIs are left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup
from rdflib import Graph

from koko.graph.format_table import RDF_FORMATS, RdfFormat, engine_serialize, file_media_type, rdf_format
from koko.graph.formats import jsonld_by_rdflib, load_context
from koko.graph.namespace import KOKO
from koko.graph.prefixes import prefix_table
from koko.graph.writers import compact, jsonld_text
from koko.pages import crumbs, inferred, overview, pictures, reader, site_page, spreadsheets
from koko.pages.backend import Backend, embedded
from koko.pages.describe import Describer, Index, Value, paragraphs, resource_quads, triples_of
from koko.pages.map import SiteMap, site_districts, site_map
from koko.pages.render import Renderer, language_query
from koko.pages.signposting import Link, landing_links, resource_links
from koko.pages.urls import Urls
from koko.pages.vocabulary import RDF, RDFS, SCHEMA, SKOS, Vocabulary, load_vocabulary
from koko.release.published import Published, Release
from koko.sparql.oxigraph import from_ox

PICTURES = {"network": "/-/pictures/network.svg", "timeline": "/-/pictures/timeline.svg", "map": "/-/pictures/map.svg"}
SVG_TYPE = "image/svg+xml"


@dataclass(frozen=True)
class LinkedData:
    """Everything the pages are built from; made once per release (see :func:`linked_data_of`).
    The data is read from ``backend`` for each page, the rest is fixed."""

    release: Release
    backend: Backend
    renderer: Renderer
    vocabulary: Vocabulary
    prefixes: tuple[tuple[str, str], ...]
    # The shipped JSON-LD context (ontology/koko.context.jsonld), which every JSON-LD answer is compacted with.
    context: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # The entailments and SHACL findings shown on resource pages, computed once when first asked (pages.inferred).
    derived: inferred.Derived | None = field(default=None, compare=False)
    # The brochure's text, for the reader and for the lines of each quote (pages.reader).
    brochure: reader.BrochureText | None = field(default=None, compare=False)

    @property
    def urls(self) -> Urls:
        return self.renderer.urls

    @property
    def base(self) -> str:
        return self.release.config.base

    def describer(self, lang: str, index: Index) -> Describer:
        return Describer(index, self.vocabulary, self.prefixes, lang, self.brochure.passage if self.brochure else None)


def linked_data_of(release: Release, renderer: Renderer, backend: Backend | None = None) -> LinkedData:
    """Read the ontology; the data comes from ``backend`` (by default the published release, indexed
    in memory in a few tens of milliseconds)."""
    if backend is None:
        assert isinstance(release, Published), "a release without its data needs a backend"
        backend = embedded(release)
    return LinkedData(
        release=release,
        backend=backend,
        renderer=renderer,
        vocabulary=load_vocabulary(release.ontology),
        prefixes=prefix_table(release.config.base),
        context=load_context(release.config.context),
        derived=inferred.derived_of(release),
        brochure=reader.text_of_release(release.config, backend.select),
    )


def with_language(path: str, lang: str) -> str:
    """A local path that keeps the page language.

    >>> with_language("/ontology#Site", "en"), with_language("/id/site/erfurt", "de")
    ('/ontology?lang=en#Site', '/id/site/erfurt')
    """
    query = language_query(lang)
    if not query:
        return path
    location, hash_, fragment = path.partition("#")
    separator = "&" if "?" in location else "?"
    return f"{location}{separator}{query[1:]}{hash_}{fragment}"


def switched(path: str, lang: str) -> str:
    """The same page in the other language, named explicitly both ways: without ``?lang=de`` a reader
    whose browser asks for English would be sent back to the English page (render.language).

    >>> switched("/ontology#Site", "de"), switched("/id/site/erfurt?lang=en", "en"), switched("/", "en")
    ('/ontology?lang=en#Site', '/id/site/erfurt?lang=de', '/?lang=de')
    """
    location, hash_, fragment = path.partition("#")
    kept = [part for part in location.partition("?")[2].split("&") if part and not part.startswith("lang=")]
    other = "de" if lang == "en" else "en"
    query = "&".join([*kept, f"lang={other}"])
    return f"{location.partition('?')[0]}?{query}{hash_}{fragment}"


def href_for(urls: Urls, lang: str) -> Callable[[str], str]:
    """Where a link to an IRI points on a page in ``lang``."""

    def href(iri: str) -> str:
        path = urls.path_of(iri)
        return with_language(path, lang) if path is not None else iri

    return href


def page_context(ld: LinkedData, lang: str, path: str) -> dict[str, object]:
    """What every page's template gets: links, the other language's address."""
    return {
        "href": href_for(ld.urls, lang),
        "local": lambda p: with_language(p, lang),
        "switch_href": switched(path, lang),
        "pictures": PICTURES,
    }


def used_prefixes(
    terms: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple], prefixes: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    """The prefixes whose namespace some IRI (or datatype) among ``terms`` is in."""
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for t in terms if isinstance(t, ox.Literal) and not t.language}
    return {p: ns for p, ns in sorted(prefixes) if any(i.startswith(ns) for i in iris)}


def serialise(
    items: tuple[ox.Quad, ...] | tuple[ox.Triple, ...],
    fmt: RdfFormat,
    prefixes: tuple[tuple[str, str], ...],
    context: Mapping[str, Any] | None = None,
) -> bytes:
    """Quads or triples in ``fmt`` with pyoxigraph; Turtle, TriG and RDF/XML get our prefixes.

    JSON-LD is compacted with ``context`` (see :func:`compact_jsonld`) where one is given, else
    written expanded (full IRIs, no context)."""
    if fmt.name == "jsonld" and context:
        return compact_jsonld([item for item in items if isinstance(item, ox.Triple)], context)
    terms = [term for item in items for term in (item.subject, item.predicate, item.object)]
    wanted = used_prefixes(terms, prefixes) if fmt.name in ("ttl", "trig", "xml") else None
    return engine_serialize(items, fmt, wanted)


def compact_jsonld(triples: Iterable[ox.Triple], context: Mapping[str, Any]) -> bytes:
    """Triples as JSON-LD compacted with ``context``, written as the release's ``koko.jsonld`` is (sorted,
    the context inline): a reader gets short names and never has to fetch a context, not even ours."""
    rules = dict(context)
    nodes = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples]  # type: ignore[arg-type]
    document = compact(nodes, rules)
    if document is not None:
        return jsonld_text(document, rules)
    graph = Graph()  # blank nodes or RDF lists: what the release, too, leaves to rdflib's writer
    for triple in nodes:
        graph.add(triple)
    return jsonld_by_rdflib(graph, rules)


def resource_rdf(ld: LinkedData, iri: str, fmt: RdfFormat, index: Index | None = None) -> bytes:
    """The RDF of a resource or a named graph (see :mod:`koko.pages.describe`) in ``fmt``;
    triple formats get the distinct triples, quad formats keep each statement's graph.
    ``index``: what the backend said about ``iri``, if the caller has asked already."""
    quads = resource_quads(index or ld.backend.about([iri]), iri)
    return serialise(quads if fmt.quads else triples_of(quads), fmt, ld.prefixes, ld.context)


def script_json(data: bytes) -> Markup:
    """JSON that can sit inside ``<script>``: ``<``, ``>`` and ``&`` (which JSON only has in
    strings) become ``\\u`` escapes, so no ``</script>`` or ``<!--`` can end the element.

    >>> str(script_json(b'[{"@value": "</script><b>&"}]'))
    '[{"@value": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}]'
    """
    text = data.decode("utf-8").replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Escaped above for the script context, where HTML escaping (&lt;) would corrupt the JSON.
    return Markup(text)


def alternates(urls: Urls, iri: str) -> tuple[tuple[str, str, str], ...]:
    """(name, media type, path) of each RDF serialisation of a resource."""
    path = urls.link(iri)
    return tuple((f.label, f.media_type, urls.with_format(path, f.extension)) for f in RDF_FORMATS)


def signposts(ld: LinkedData, iri: str, index: Index, root: str = "") -> tuple[Link, ...]:
    """The FAIR signposts of a resource (:mod:`koko.pages.signposting`); ``index``: what the backend said about it."""
    types = [t.value for t in index.values(ox.NamedNode(iri), RDF + "type") if isinstance(t, ox.NamedNode)]
    return resource_links(ld.urls, ld.vocabulary, iri, types, root)


def home_signposts(ld: LinkedData, root: str = "") -> tuple[Link, ...]:
    """The FAIR signposts of the landing page."""
    return landing_links(ld.urls, ld.release, root)


def resource_page(ld: LinkedData, iri: str, lang: str, index: Index | None = None, view: str = inferred.DEFAULT_VIEW) -> str:
    """The HTML page of a resource or a named graph of ours (callers check ``index.knows``); ``view``:
    asserted or inferred (:mod:`koko.pages.inferred`)."""
    index = index or ld.backend.about([iri])
    description = ld.describer(lang, index).describe(iri)
    site = site_page.site_view(ld.backend, ld.describer(lang, index), description)
    types = [t.value for t in index.values(ox.NamedNode(iri), RDF + "type") if isinstance(t, ox.NamedNode)]
    checks = inferred.resource_checks(
        ld.derived,
        iri,
        lang,
        view,
        ld.urls.link(iri),
        types,
        lambda iris: ld.describer(lang, ld.backend.about((), labelled=iris)),
        lambda path: with_language(path, lang),
    )
    own = tuple(q.triple for q in index.subjects.get(ox.NamedNode(iri), ()))
    jsonld = rdf_format("jsonld")
    return ld.renderer.page(
        "resource.html",
        lang,
        d=description,
        site=site,
        formats=alternates(ld.urls, iri),
        json_ld=script_json(serialise(own, jsonld, ld.prefixes, ld.context)),
        signposts=signposts(ld, iri, index),
        checks=checks,
        breadcrumbs=crumbs.resource_crumbs(
            ld.base,
            iri,
            (description.title.text, description.title.lang),
            _type_iris(index, iri),
            lang,
            with_language(ld.urls.home, lang),
            href_for(ld.urls, lang),
        ),
        # The other language shows the same view.
        **page_context(ld, lang, ld.urls.link(iri) + ("?view=inferred" if view == "inferred" else "")),
    )


def brochure_page(ld: LinkedData, lang: str, marked: tuple[int, int] | None = None) -> str:
    """The brochure's text to read, lines ``marked`` (:mod:`koko.pages.reader`)."""
    assert ld.brochure is not None, "linked_data_of reads the brochure"
    context = reader.reader_context(ld.brochure, lang, marked)
    path = ld.urls.passage(*marked) if marked else reader.PATH  # the other language marks the same lines
    return ld.renderer.page("reader.html", lang, **context, **page_context(ld, lang, path))


def _type_iris(index: Index, iri: str) -> list[str]:
    return [t.value for t in index.values(ox.NamedNode(iri), RDF + "type") if isinstance(t, ox.NamedNode)]


@dataclass(frozen=True)
class StateSites:
    state: Value
    sites: tuple[tuple[Value, str, Value | None], ...]  # (site, start month, motto)


def _values(describer: Describer, node: ox.NamedNode, predicate: str) -> tuple[Value, ...]:
    return tuple(describer.value(v) for v in describer.index.values(node, predicate))


def home_page(ld: LinkedData, lang: str) -> str:
    """The programme, its states and sites, the two pictures and the ways into the data."""
    programme = ox.NamedNode(ld.base + "programme/koko")
    foreword = ox.NamedNode(ld.base + "brochure/foreword")
    rows = overview.sites(ld.backend.select)
    shared = overview.shared(ld.backend.select)
    index = ld.backend.about(
        [programme.value, foreword.value, *(r.state for r in rows)], labelled=[s.iri for s in shared] + [r.iri for r in rows]
    )
    describer = ld.describer(lang, index)
    states = []
    for state in dict.fromkeys(r.state for r in rows):
        entries = tuple(
            (
                Value(r.name, "de", r.iri),  # the printed name: a proper name, in both languages
                overview.month_label(r.start, lang),
                Value(r.motto, r.motto_lang) if r.motto else None,
            )
            for r in rows
            if r.state == state
        )
        states.append(StateSites(describer.value(ox.NamedNode(state)), entries))
    found = index.value(foreword, str(KOKO.text))
    text = found if isinstance(found, ox.Literal) else None
    # The foreword's first real paragraph (after "Liebe Leserinnen und Leser,") says what KoKo was.
    introduction = next((p for p in (paragraphs(text.value) if text else ()) if len(p) > 200), None)
    label = describer.label
    return ld.renderer.page(
        "home.html",
        lang,
        programme=describer.value(programme),
        programme_labels={v.language: v.value for v in index.values(programme, RDFS + "label") if isinstance(v, ox.Literal)},
        short_name=_values(describer, programme, SKOS + "altLabel"),
        funders=_values(describer, programme, SCHEMA + "funder"),
        periods=_values(describer, programme, str(KOKO.fundingPeriod)),
        supported_by=_values(describer, programme, str(KOKO.supportedBy)),
        monitored_by=_values(describer, programme, str(KOKO.monitoredBy)),
        site_count=len(rows),
        figures=overview.key_figures(ld.backend.select, ld.backend.triples, lang, ld.urls, ld.base),
        introduction=Value(introduction, text.language, foreword.value) if introduction and text else None,
        states=tuple(states),
        canned=ld.release.canned,
        network=pictures.network(rows, shared, label_of(label), href_for(ld.urls, lang), lang),
        timeline=pictures.timeline(rows, label_of(label), href_for(ld.urls, lang), lang),
        site_map=_site_map(ld, rows, label_of(label), lang),
        signposts=home_signposts(ld),
        **page_context(ld, lang, ld.urls.home),
    )


def _labels(ld: LinkedData, lang: str, iris: set[str]) -> Callable[[ox.NamedNode], tuple[str, str | None]]:
    return ld.describer(lang, ld.backend.about((), labelled=sorted(iris))).label


def label_of(label: Callable[[ox.NamedNode], tuple[str, str | None]]) -> Callable[[str], tuple[str, str | None]]:
    return lambda iri: label(ox.NamedNode(iri))


def network_picture(ld: LinkedData, lang: str) -> str:
    """The network of shared initiatives as a standalone SVG document."""
    rows = overview.sites(ld.backend.select)
    shared = overview.shared(ld.backend.select)
    label = label_of(_labels(ld, lang, {r.state for r in rows} | {s.iri for s in shared}))
    network = pictures.network(rows, shared, label, href_for(ld.urls, lang), lang)
    return ld.renderer.page("network.svg", lang, network=network)


def timeline_picture(ld: LinkedData, lang: str) -> str:
    """The programme starts by state as a standalone SVG document."""
    rows = overview.sites(ld.backend.select)
    timeline = pictures.timeline(rows, label_of(_labels(ld, lang, {r.state for r in rows})), href_for(ld.urls, lang), lang)
    return ld.renderer.page("timeline.svg", lang, timeline=timeline)


def _site_map(ld: LinkedData, rows: tuple[overview.SiteRow, ...], label: pictures.Label, lang: str) -> SiteMap:
    folder = ld.release.config.municipalities.parent  # where data/external lives, as for dcat:bbox
    return site_map(rows, site_districts(ld.backend.select), folder, label, href_for(ld.urls, lang))


def map_picture(ld: LinkedData, lang: str) -> str:
    """The map of the sites' districts as a standalone SVG document."""
    rows = overview.sites(ld.backend.select)
    map_ = _site_map(ld, rows, label_of(_labels(ld, lang, {r.state for r in rows})), lang)
    return ld.renderer.page("map.svg", lang, site_map=map_)


@dataclass(frozen=True)
class Download:
    name: str
    extension: str
    media_type: str
    size: int
    href: str


def size_label(size: int, lang: str) -> str:
    """A file size for people.

    >>> size_label(636702, "de"), size_label(1887851, "en"), size_label(492, "de")
    ('622 KB', '1.8 MB', '492 Bytes')
    """
    if size < 1024:
        return f"{size} {'Bytes' if lang == 'de' else 'bytes'}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    text = f"{size / 1024 / 1024:.1f} MB"
    return text.replace(".", ",") if lang == "de" else text


def downloads(ld: LinkedData) -> tuple[Download, ...]:
    return tuple(
        Download(name, name.rpartition(".")[2], file_media_type(name), ld.release.files.size(name), ld.urls.download(name))
        for name in ld.release.files
    )


@dataclass(frozen=True)
class SheetLinks:
    title: str
    description: str
    csv: str
    excel: str


def sheet_links(ld: LinkedData, lang: str) -> tuple[SheetLinks, ...]:
    """The spreadsheet tables, with headers in ``lang``."""
    return tuple(
        SheetLinks(
            s.title(lang),
            s.description(lang),
            ld.urls.download(spreadsheets.file_name(s, lang, "csv")),
            ld.urls.download(spreadsheets.file_name(s, lang, "excel")),
        )
        for s in spreadsheets.SHEETS
    )


def spreadsheet(ld: LinkedData, name: str) -> bytes | None:
    """The spreadsheet table file ``name`` (:mod:`koko.pages.spreadsheets`), built from the backend, or None."""
    found = spreadsheets.files().get(name)
    if found is None:
        return None
    sheet, lang, variant = found

    def labels(iris: Sequence[str]) -> Callable[[str], str]:
        describer = ld.describer(lang, ld.backend.about((), labelled=iris))
        return lambda iri: describer.label(ox.NamedNode(iri))[0]

    return spreadsheets.table_file(sheet, lang, variant, spreadsheets.rows(sheet, ld.backend.select, labels))


def downloads_page(ld: LinkedData, lang: str) -> str:
    """The release files with their sizes and media types, and the spreadsheet tables."""
    return ld.renderer.page(
        "downloads.html",
        lang,
        files=downloads(ld),
        sheets=sheet_links(ld, lang),
        size_label=size_label,
        **page_context(ld, lang, ld.urls.downloads),
    )
