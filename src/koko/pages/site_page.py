"""A site's page for people: a summary box, then its facts in sections a programme officer reads in order.

A generic resource page lists every property A–Z. For a KoKo site that hides what matters, so its page
opens with the facts of the brochure's site header (kind, state, official key, programme start,
coordinators, unit, motto) and groups the rest: people and posts, where the post sits in the
administration, the printed answers, what came out of the work, links to other sites, and then
everything else. Every fact keeps its quote; a passage that supports several facts of one section is
printed once and the other facts point to it (the brochure often names three partners in one sentence).

The summary needs the municipality and the posts, which a site's own description only links to: one more
:meth:`~koko.pages.backend.Backend.about` (free on the indexed release), so this works alike on the server,
on a remote store and on the static site.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Protocol

import pyoxigraph as ox

from koko.graph.namespace import KOKO
from koko.pages import overview
from koko.pages.describe import Describer, Description, Group, Index, Quote, Value
from koko.pages.vocabulary import ORG

SITE = str(KOKO.Site)
K = str(KOKO)


class Backend(Protocol):  # the part of koko.pages.backend.Backend a site page asks
    def select(self, query: str) -> Sequence[ox.QuerySolution]: ...

    def about(self, iris: Collection[str], labelled: Collection[str] = (), labels: bool = True) -> Index: ...


# (key, German title, English title, the site's properties shown there, in reading order).
# The answers come between "administration" and "results"; what no section names goes to "more".
SECTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("people", "Personen und Stellen", "People and posts", (K + "coordinatorPost", K + "colleagueRole")),
    ("administration", "Wo in der Verwaltung", "Where in the administration", (K + "municipality",)),
    (
        "results",
        "Was daraus entstand",
        "What came out of it",
        tuple(
            K + name
            for name in (
                "initiated",
                "contributedTo",
                "produced",
                "organised",
                "runs",
                "adapted",
                "madePermanent",
                "plans",
                "figure",
                "status",
            )
        ),
    ),
    (
        "links",
        "Verbindungen zu anderen Standorten",
        "Links to other sites",
        (K + "participatesIn", K + "memberOf", K + "partner", K + "programme"),
    ),
)
MORE = ("more", "Weitere Angaben", "More details")
# What the detail lines under a post and under the municipality say, in this order.
POST_DETAILS = (ORG + "heldBy", ORG + "postIn", ORG + "reportsTo")
MUNICIPALITY_DETAILS = (K + "municipalityKind", K + "federalState", K + "kreisschluessel", ORG + "hasUnit")


@dataclass(frozen=True)
class Fact:
    """One value of a row, with the quotes printed beside it and those printed earlier in the section."""

    value: Value
    quotes: tuple[tuple[Quote, str], ...] = ()  # (quote, its anchor)
    same: tuple[tuple[Quote, str], ...] = ()  # (this fact's evidence, anchor of the passage shown above)
    details: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Row:
    iri: str  # the property
    label: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class SharedWith:
    """An initiative this site shares with other sites."""

    initiative: Value
    sites: tuple[Value, ...]


@dataclass(frozen=True)
class Summary:
    kind: Value | None
    state: Value | None
    key: Value | None
    start: Value | None
    coordinators: tuple[Value, ...]
    units: tuple[Value, ...]
    motto: Value | None


@dataclass(frozen=True)
class SiteView:
    summary: Summary
    before_answers: tuple[Section, ...]
    after_answers: tuple[Section, ...]
    shared: tuple[SharedWith, ...]


def _nodes(
    index: Index, nodes: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple], predicate: str
) -> list[ox.NamedNode]:
    return sorted(
        {v for n in nodes for v in index.values(n, predicate) if isinstance(v, ox.NamedNode)},
        key=str,
    )


def _parts(index: Index) -> tuple[Mapping[Any, tuple[Any, ...]], ...]:
    return (index.subjects, index.objects, index.graphs, index.evidence)


def _union(one: Mapping[Any, tuple[Any, ...]], other: Mapping[Any, tuple[Any, ...]]) -> Mapping[Any, tuple[Any, ...]]:
    """Two indexes' entries together; each key's items once, in the index's order (by text)."""
    if one is other:  # the indexed release answers every about() with the same index
        return one
    keys = one.keys() | other.keys()
    return MappingProxyType({k: tuple(sorted(set(one.get(k, ())) | set(other.get(k, ())), key=str)) for k in keys})


def _first(describer: Describer, node: ox.NamedNode | None, predicate: str) -> Value | None:
    found = describer.index.value(node, predicate) if node is not None else None
    return describer.value(found) if found is not None else None


def _row(describer: Describer, node: ox.NamedNode, predicate: str, details: tuple[str, ...] = ()) -> Row | None:
    """The values of ``node``'s ``predicate``, each with its quotes and, for a linked node, a line for each of ``details``."""
    objects = describer.index.values(node, predicate)
    if not objects:
        return None
    facts = []
    for obj in objects:
        triple = ox.Triple(node, ox.NamedNode(predicate), obj)
        value = describer.value(obj, describer.quotes(triple))
        lines = tuple(
            row for p in details if isinstance(obj, ox.NamedNode) for row in [_row(describer, obj, p)] if row is not None
        )
        facts.append(Fact(value, details=lines))
    facts.sort(key=lambda f: (f.value.text.casefold(), f.value.iri or "", f.value.lexical or ""))
    return Row(predicate, describer.label(ox.NamedNode(predicate))[0], tuple(facts))


def _passages(quotes: Iterable[Quote]) -> dict[tuple[str, str], Quote]:
    """Each quote → the longest quote of the same source that contains it (itself, if none does)."""
    found = list(quotes)
    chosen = {}
    for quote in found:
        source = quote.source.iri if quote.source and quote.source.iri else ""
        wider = [q for q in found if (q.source.iri if q.source and q.source.iri else "") == source and quote.text in q.text]
        chosen[(quote.evidence, quote.text)] = max(wider, key=lambda q: (len(q.text), q.evidence))
    return chosen


def _all_quotes(rows: Iterable[Row]) -> Iterable[Quote]:
    for row in rows:
        for fact in row.facts:
            yield from fact.value.quotes
            yield from _all_quotes(fact.details)


def once_per_section(key: str, rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """The rows with each passage printed once: at the first fact it supports, the longest quote of its source
    that contains it; later facts of the section name their own evidence and point to it."""
    passage = _passages(_all_quotes(rows))
    anchors: dict[str, str] = {}

    def fact(f: Fact) -> Fact:
        shown: list[tuple[Quote, str]] = []
        same: list[tuple[Quote, str]] = []
        for quote in f.value.quotes:
            wide = passage[(quote.evidence, quote.text)]
            if wide.evidence in anchors:
                if (quote, anchors[wide.evidence]) not in same and all(a != anchors[wide.evidence] for _, a in shown):
                    same.append((quote, anchors[wide.evidence]))
                continue
            anchors[wide.evidence] = f"{key}-quote-{len(anchors) + 1}"
            shown.append((wide, anchors[wide.evidence]))
        details = tuple(Row(r.iri, r.label, tuple(fact(d) for d in r.facts)) for r in f.details)
        return Fact(replace(f.value, quotes=()), tuple(shown), tuple(same), details)

    return tuple(Row(r.iri, r.label, tuple(fact(f) for f in r.facts)) for r in rows)


def _section(describer: Describer, node: ox.NamedNode, key: str, title: str, predicates: Iterable[str]) -> Section:
    details = {K + "coordinatorPost": POST_DETAILS, K + "municipality": MUNICIPALITY_DETAILS}
    rows = tuple(row for p in predicates for row in [_row(describer, node, p, details.get(p, ()))] if row is not None)
    return Section(key, title, once_per_section(key, rows))


def _more(describer: Describer, groups: tuple[Group, ...], placed: set[str], title: str) -> Section:
    """The properties no other section shows, A–Z as on every resource page."""
    rows = tuple(Row(g.iri, g.label, tuple(Fact(v) for v in g.values)) for g in groups if g.iri not in placed)
    return Section(MORE[0], title, once_per_section(MORE[0], rows))


def site_view(backend: Backend, describer: Describer, description: Description) -> SiteView | None:
    """The summary and sections of a site's page, or None if ``description`` is not of a site."""
    node = ox.NamedNode(description.iri)
    if not describer.index.has_type(node, SITE):
        return None
    municipality = describer.index.value(node, K + "municipality")
    posts = _nodes(describer.index, [node], K + "coordinatorPost")
    shared = [s for s in overview.shared(backend.select) if description.iri in s.sites]
    others = sorted({site for s in shared for site in s.sites if site != description.iri})
    linked = [n.value for n in [municipality, *posts] if isinstance(n, ox.NamedNode)]
    # The site's own index plus the municipality's and the posts' statements and labels.
    more = backend.about(linked, labelled=[s.iri for s in shared] + others)
    merged = Index(*(_union(a, b) for a, b in zip(_parts(describer.index), _parts(more), strict=True)))
    full = replace(describer, index=merged)
    german = describer.lang != "en"
    place = municipality if isinstance(municipality, ox.NamedNode) else None
    summary = Summary(
        kind=_first(full, place, K + "municipalityKind"),
        state=_first(full, place, K + "federalState"),
        key=_first(full, place, K + "kreisschluessel"),
        start=_first(full, node, K + "programmeStart"),
        coordinators=tuple(full.value(p) for p in _nodes(merged, posts, ORG + "heldBy")),
        units=tuple(full.value(u) for u in _nodes(merged, posts, ORG + "postIn")),
        motto=_first(full, node, K + "motto"),
    )
    sections = [_section(full, node, key, de if german else en, predicates) for key, de, en, predicates in SECTIONS]
    placed = {p for *_, predicates in SECTIONS for p in predicates}
    more_section = _more(full, description.properties, placed, MORE[1] if german else MORE[2])
    return SiteView(
        summary=summary,
        before_answers=tuple(s for s in sections[:2] if s.rows),
        after_answers=tuple(s for s in (*sections[2:], more_section) if s.rows or (s.key == "links" and shared)),
        shared=tuple(
            SharedWith(
                full.value(ox.NamedNode(s.iri)),
                tuple(full.value(ox.NamedNode(site)) for site in s.sites if site != description.iri),
            )
            for s in shared
        ),
    )
