"""Browsing: a list page for every class that has members, the index of those lists, and the
suggestions of the page that answers 404.

Where a list lives: the members of a class whose IRIs all share one segment that no other class uses
(``{base}site/…`` holds the sites, and nothing else) are listed at that segment's own path, the IRI
namespace (``/id/site/`` for the default base); every other class (``skos:Concept``, spread over
``vocabulary/`` and ``role/``; ``koko:Brochure``, which has no segment) at ``/-/classes/NAME``. A segment
that holds several classes (``org/``, ``municipality/`` …) lists its members grouped by class, so every
namespace path of the data answers. ``/-/classes`` is the index of all of them with their counts.

The classes and counts come from the release (``?s a ?class``), their names from the ontology (plurals
from :mod:`koko.pages.crumbs`); members are sorted by label in the page's language, with German
collation (DIN 5007-1: »ä« as »a«, »ß« as »ss«, case ignored). The questions are fixed SPARQL text asked
through the backend's ``select``, so a remote store is browsed alike; nothing from a request goes into them.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

import pyoxigraph as ox

from koko.config import ONTOLOGY_PATH, RESERVED
from koko.pages import overview
from koko.pages.crumbs import DIRECTORY, HOME, SEGMENTS, Crumb, class_title, local_name, pick, segment_of
from koko.pages.linked_data import LinkedData, href_for, page_context, with_language
from koko.pages.search import INDEX_SCRIPT, SearchIndex, fold
from koko.pages.urls import Urls
from koko.pages.vocabulary import curie

CLASSES = Urls.classes
MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 0.6  # difflib ratio below which a path or name is not offered

TYPES_QUERY = "SELECT DISTINCT ?s ?class WHERE { ?s a ?class FILTER(isIRI(?s) && isIRI(?class)) }"
# What a member's line says besides its name: the sites it belongs to (a site links to its products,
# projects, networks …; a person holds a membership in the site's municipality).
SITES_OF_QUERY = """
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?x ?site WHERE {
  { ?site a koko:Site ; ?p ?x FILTER(isIRI(?x)) }
  UNION
  { ?membership org:member ?x ; org:organization ?m . ?site a koko:Site ; koko:municipality ?m }
}
"""


@dataclass(frozen=True)
class Kind:
    """A class with members in the release, and where its list is."""

    iri: str
    name: str  # the page's name under /-/classes, or the segment
    count: int
    path: str  # the list's path on the server

    def title(self, ld: LinkedData, lang: str) -> str:
        return class_title(self.iri, ld.vocabulary.label(self.iri, lang) or curie(self.iri, ld.prefixes), lang)


@dataclass(frozen=True)
class Catalogue:
    kinds: tuple[Kind, ...]  # sorted by IRI
    members: dict[str, tuple[str, ...]]  # class IRI → member IRIs
    segments: dict[str, tuple[str, ...]]  # segment → the classes with members there

    def kind(self, iri: str) -> Kind | None:
        return next((k for k in self.kinds if k.iri == iri), None)

    def by_name(self, name: str) -> Kind | None:
        """The class listed at ``/-/classes/NAME``."""
        return next((k for k in self.kinds if k.path == CLASSES + "/" + name), None)


def catalogue(ld: LinkedData) -> Catalogue:
    """Every class with members under the data's base, and where each is listed."""
    base = ld.base
    members: dict[str, set[str]] = defaultdict(set)
    for row in ld.backend.select(TYPES_QUERY):
        if row["s"].value.startswith(base):
            members[row["class"].value].add(row["s"].value)
    in_segment: dict[str, set[str]] = defaultdict(set)
    for cls, found in members.items():
        for iri in found:
            segment = segment_of(base, iri)
            if segment is not None:
                in_segment[segment].add(cls)
    names = _page_names(sorted(members), ld.prefixes)
    kinds = []
    for cls in sorted(members):
        segments = {segment_of(base, iri) for iri in members[cls]}
        only = next(iter(segments)) if len(segments) == 1 else None
        own = only is not None and in_segment[only] == {cls}  # the segment holds this class only
        path = ld.urls.link(f"{base}{only}/") if own else f"{CLASSES}/{names[cls]}"
        kinds.append(Kind(cls, names[cls], len(members[cls]), path))
    return Catalogue(
        tuple(kinds),
        {c: tuple(sorted(m)) for c, m in sorted(members.items())},
        {s: tuple(sorted(c)) for s, c in sorted(in_segment.items())},
    )


def _page_names(classes: Sequence[str], prefixes: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The local name (``Site``), or the prefixed name with a hyphen where two vocabularies share one."""
    count: dict[str, int] = defaultdict(int)
    for cls in classes:
        count[local_name(cls)] += 1
    return {c: local_name(c) if count[local_name(c)] == 1 else curie(c, prefixes).replace(":", "-") for c in classes}


def collation_key(text: str) -> tuple[str, str]:
    """German dictionary order (DIN 5007-1): umlauts as their base letter, »ß« as »ss«, case ignored.

    >>> sorted(["Zwickau", "Ärzte", "Anhalt", "ostalb"], key=collation_key)
    ['Anhalt', 'Ärzte', 'ostalb', 'Zwickau']
    """
    return fold(text), text


@dataclass(frozen=True)
class Entry:
    href: str
    label: str
    lang: str | None
    line: str  # the short line after the name; empty when there is nothing to say


@dataclass(frozen=True)
class Listing:
    title: str
    href: str  # the class's documentation in the ontology, or its list
    entries: tuple[Entry, ...]


def _lines(ld: LinkedData, iris: Iterable[str], lang: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Member → the sites it belongs to; site → »state · since month«."""
    wanted = set(iris)
    sites: dict[str, set[str]] = defaultdict(set)
    for row in ld.backend.select(SITES_OF_QUERY):
        if row["x"].value in wanted and row["x"].value != row["site"].value:
            sites[row["x"].value].add(row["site"].value)
    facts = {}
    since = "seit" if lang == "de" else "since"
    rows = overview.sites(ld.backend.select)
    states = ld.describer(lang, ld.backend.about((), labelled=sorted({r.state for r in rows})))
    for r in rows:
        facts[r.iri] = f"{states.label(ox.NamedNode(r.state))[0]} · {since} {overview.month_label(r.start, lang)}"
    return {iri: tuple(sorted(s)) for iri, s in sites.items()}, facts


def listings(ld: LinkedData, groups: Sequence[tuple[str, str, Sequence[str]]], lang: str) -> tuple[Listing, ...]:
    """(title, link, members) → the lists as the page shows them, each sorted by label."""
    everyone = sorted({iri for _, _, found in groups for iri in found})
    sites_of, facts = _lines(ld, everyone, lang)
    named = sorted(set(everyone) | {s for found in sites_of.values() for s in found})
    describer = ld.describer(lang, ld.backend.about((), labelled=named))
    href = href_for(ld.urls, lang)

    def label(iri: str) -> tuple[str, str | None]:
        return describer.label(ox.NamedNode(iri))

    out = []
    for title, link, found in groups:
        entries = []
        for iri in found:
            text, text_lang = label(iri)
            line = facts.get(iri) or ", ".join(label(s)[0] for s in sites_of.get(iri, ()))
            entries.append(Entry(href(iri), text, text_lang, line))
        entries.sort(key=lambda e: (*collation_key(e.label), e.href))
        out.append(Listing(title, link, tuple(entries)))
    return tuple(out)


def _crumbs(ld: LinkedData, lang: str, title: str | None) -> tuple[Crumb, ...]:
    local = _local(lang)
    crumbs = [Crumb(pick(HOME, lang), local(ld.urls.home))]
    if title is None:
        return (*crumbs, Crumb(pick(DIRECTORY, lang), None))
    return (*crumbs, Crumb(pick(DIRECTORY, lang), local(CLASSES)), Crumb(title, None))


def _local(lang: str) -> Callable[[str], str]:
    return lambda path: with_language(path, lang)


def index_page(ld: LinkedData, lang: str, found: Catalogue | None = None) -> str:
    """``/-/classes``: every class with members, its count and its list, sorted by name."""
    found = found or catalogue(ld)
    rows = sorted(
        ((k.title(ld, lang), with_language(k.path, lang), k.count, ld.urls.link(k.iri)) for k in found.kinds),
        key=lambda r: (*collation_key(r[0]), r[1]),
    )
    return ld.renderer.page(
        "browse.html",
        lang,
        rows=tuple(rows),
        breadcrumbs=_crumbs(ld, lang, None),
        active_page="browse",
        **page_context(ld, lang, CLASSES),
    )


def class_page(ld: LinkedData, kind: Kind, lang: str, found: Catalogue) -> str:
    """The list of one class's members."""
    title = kind.title(ld, lang)
    ontology = href_for(ld.urls, lang)(kind.iri)
    return _list_page(ld, lang, title, kind.path, listings(ld, [(title, ontology, found.members[kind.iri])], lang))


def segment_page(ld: LinkedData, segment: str, lang: str, found: Catalogue) -> str | None:
    """The list of the members under ``{base}SEGMENT/``: one class's list, or a list per class; None when
    no member of any class is there."""
    classes = found.segments.get(segment)
    if not classes:
        return None
    path = ld.urls.link(ld.base + segment + "/")
    kinds = [k for k in (found.kind(c) for c in classes) if k is not None]
    if len(kinds) == 1 and kinds[0].path == path:
        return class_page(ld, kinds[0], lang, found)
    prefix = ld.base + segment + "/"
    groups = [
        (k.title(ld, lang), with_language(k.path, lang), [m for m in found.members[k.iri] if m.startswith(prefix)]) for k in kinds
    ]
    groups.sort(key=lambda g: collation_key(g[0]))
    title = pick(SEGMENTS[segment], lang) if segment in SEGMENTS else segment
    return _list_page(ld, lang, title, path, listings(ld, groups, lang))


def _list_page(ld: LinkedData, lang: str, title: str, path: str, lists: tuple[Listing, ...]) -> str:
    return ld.renderer.page(
        "browse_list.html",
        lang,
        title=title,
        lists=lists,
        count=sum(len(li.entries) for li in lists),
        breadcrumbs=_crumbs(ld, lang, title),
        active_page="browse",
        **page_context(ld, lang, path),
    )


def list_paths(ld: LinkedData, found: Catalogue) -> tuple[str, ...]:
    """Every list page's path: each class's, and each segment's."""
    segments = (ld.urls.link(ld.base + s + "/") for s in found.segments)
    return tuple(sorted({*(k.path for k in found.kinds), *segments}))


@dataclass(frozen=True)
class Suggestion:
    href: str
    title: str
    lang: str | None


def suggestions(
    ld: LinkedData, index: SearchIndex, path: str, lang: str, found: Catalogue | None = None
) -> tuple[Suggestion, ...]:
    """At most :data:`MAX_SUGGESTIONS` pages whose path or name is close to ``path`` (``/id/site/erfrut`` →
    Landeshauptstadt Erfurt): difflib's ratio against each resource's path, the last segment against the
    last segment of each path and against each name, best first."""
    asked = unquote(path).lower().rstrip("/")
    tail = fold(asked.rpartition("/")[2].replace("-", " "))
    candidates: dict[str, tuple[str, str | None]] = {}
    graphs = ld.base + "graph/"
    for doc in index.documents:
        if doc.iri.startswith(graphs):  # a resource's named graph would stand beside the resource itself
            continue
        title = doc.title(lang)
        candidates[ld.urls.link(doc.iri)] = (
            title,
            "de" if lang == "en" and title == doc.titles.get("de") != doc.titles.get("en") else None,
        )
    found = found or catalogue(ld)
    for kind in found.kinds:
        candidates[kind.path] = (kind.title(ld, lang), None)
    for segment in found.segments:
        candidates.setdefault(
            ld.urls.link(ld.base + segment + "/"), (pick(SEGMENTS.get(segment, (segment, segment)), lang), None)
        )
    scored = []
    for target, (title, title_lang) in candidates.items():
        score = _ratio(asked, target.lower().rstrip("/"))
        if tail:
            score = max(
                score, _ratio(tail, fold(target.rstrip("/").rpartition("/")[2].replace("-", " "))), _ratio(tail, fold(title))
            )
        if score >= SUGGESTION_CUTOFF:
            scored.append((-score, *collation_key(title), target, title_lang))
    scored.sort()
    return tuple(Suggestion(with_language(t, lang), title, tl) for _, _, title, t, tl in scored[:MAX_SUGGESTIONS])


def _ratio(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SUGGESTION_CUTOFF or matcher.quick_ratio() < SUGGESTION_CUTOFF:
        return 0.0
    return matcher.ratio()


NOT_FOUND = {
    "de": ("Diese Seite gibt es hier nicht.", "Die Ressource {} gibt es in diesem Wissensgraphen nicht."),
    "en": ("There is no such page here.", "The resource {} is not in this knowledge graph."),
}


def not_found_page(
    ld: LinkedData,
    lang: str,
    path: str,
    found: tuple[Suggestion, ...] | None,
    static: bool = False,
    detail: str | None = None,
) -> str:
    """The 404 page in ``lang``; ``found=None``: the static site's, whose script looks for suggestions;
    ``detail``: the server's own reason, in English, shown as a technical note unless it says no more than 404."""
    generic, resource = NOT_FOUND[lang]
    ours = path.startswith(ld.urls.resources) and not path.startswith(RESERVED) and path != ONTOLOGY_PATH  # a data IRI's path
    message = resource.format(f"»{path}«") if path and ours else generic
    words = fold(unquote(path).rstrip("/").rpartition("/")[2].replace("-", " ")) if path else ""
    search = (
        ld.urls.search + "?" + urlencode({"q": words, **({"lang": "en"} if lang == "en" else {})})
        if words
        else with_language(ld.urls.search, lang)
    )
    return ld.renderer.page(
        "not_found.html",
        lang,
        message=message,
        # A data path's message says it all; elsewhere the server's reason ("not offered") tells more.
        detail=None if ours or detail is None or detail.strip().lower() in ("not found", "") else detail,
        suggestions=found or (),
        static=static,
        search_href=search,
        index_script=INDEX_SCRIPT,
        breadcrumbs=(),
        **page_context(ld, lang, path or ld.urls.home),
    )


def static_pages(ld: LinkedData, lang: str) -> dict[str, str]:
    """Every list page and the index, by path, for the static site (a segment's at ``…/SEGMENT/index``)."""
    found = catalogue(ld)
    pages = {CLASSES: index_page(ld, lang, found)}
    for kind in found.kinds:
        if kind.path.startswith(CLASSES + "/"):
            pages[kind.path] = class_page(ld, kind, lang, found)
    for segment in found.segments:
        html = segment_page(ld, segment, lang, found)
        assert html is not None
        pages[ld.urls.link(ld.base + segment + "/") + "index"] = html
    return pages
