"""Two pictures drawn on the server as SVG: who shares which initiative, and when each site started.

Only positions are computed here; the markup is in ``templates/network.svg`` and
``templates/timeline.svg``. Layouts are deterministic (no randomness, no physics that
depends on iteration order), so the same release gives the same bytes, and nothing is
loaded from the network or needs JavaScript: every node is a link with a ``<title>``.

- **Network**: the 27 sites on a circle, grouped by state (chapter order) and coloured by
  state; inside, every programme, network and partner organisation that two or more sites
  are linked to, placed near its sites. An edge per link, drawn by relation.
- **Timeline**: one row per state, a dot per site at its programme start month. Labels
  that would overlap go to a lower lane of the row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from koko.pages.literals import MONTHS
from koko.pages.overview import Shared, SiteRow, month_label

Label = Callable[[str], tuple[str, str | None]]  # IRI → (text, language)
Href = Callable[[str], str]  # IRI → where a link to it points

CHAR_WIDTH = 7.0  # average advance of the 11px sans-serif labels, for overlap tests only
RELATIONS = {
    "participatesIn": "takes-part",
    "memberOf": "member",
    "initiated": "founder",
    "contributedTo": "member",
    "partner": "partner",
}


@dataclass(frozen=True)
class Node:
    iri: str
    href: str
    text: str
    lang: str | None
    title: str
    x: float
    y: float
    group: str  # the state's slug for sites, the kind for initiatives
    angle: float = 0.0  # rotation of a site's label, degrees
    anchor: str = "start"
    lines: tuple[str, ...] = ()  # an initiative's label, wrapped
    members: tuple[tuple[str, str], ...] = ()  # an initiative's sites: (href, name)


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    group: str  # the site's state
    relation: str  # a CSS class: takes-part, member, founder, partner
    title: str


@dataclass(frozen=True)
class Network:
    size: float
    sites: tuple[Node, ...]
    hubs: tuple[Node, ...]
    edges: tuple[Edge, ...]
    states: tuple[tuple[str, str], ...]  # (slug, label) for the legend
    kinds: tuple[str, ...]  # the kinds of initiative present, for the legend


@dataclass(frozen=True)
class Row:
    slug: str
    text: str
    y: float
    height: float


@dataclass(frozen=True)
class Tick:
    x: float
    month: str
    year: str  # only where the year changes


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    axis_y: float
    left: float
    right: float
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    dots: tuple[Node, ...]


def slug_of(iri: str) -> str:
    """The last path segment of an IRI, used as a CSS class (``sachsen-anhalt``)."""
    return iri.rstrip("/").rpartition("/")[2]


def wrap(text: str, width: int = 22) -> tuple[str, ...]:
    """Words on lines of at most ``width`` characters (a longer word gets its own line).

    >>> wrap("Regionales Übergangsmanagement Sachsen-Anhalt")
    ('Regionales', 'Übergangsmanagement', 'Sachsen-Anhalt')
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def _states(sites: tuple[SiteRow, ...], label: Label) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for site in sites:
        seen.setdefault(site.state, label(site.state)[0])
    return tuple((slug_of(state), text) for state, text in seen.items())


def network(sites: tuple[SiteRow, ...], shared: tuple[Shared, ...], label: Label, href: Href, lang: str) -> Network:
    """Sites on a circle (an empty slot between states), shared initiatives inside."""
    radius, margin = 290.0, 215.0
    centre = radius + margin
    slots: list[SiteRow | None] = []
    for row in sites:
        if slots and slots[-1] is not None and slots[-1].state != row.state:
            slots.append(None)  # an empty slot between two states
        slots.append(row)
    slots.append(None)  # and one between the last state and the first
    step = 2 * math.pi / len(slots)
    nodes: dict[str, Node] = {}
    for position, site in enumerate(slots):
        if site is None:
            continue
        angle = -math.pi / 2 + position * step
        degrees = math.degrees(angle)
        left = math.cos(angle) < -1e-9
        nodes[site.iri] = Node(
            iri=site.iri,
            href=href(site.iri),
            text=site.short,
            lang="de",
            title=f"{site.name} ({label(site.state)[0]})",
            x=round(centre + radius * math.cos(angle), 1),
            y=round(centre + radius * math.sin(angle), 1),
            group=slug_of(site.state),
            angle=round(degrees + 180 if left else degrees, 1),
            anchor="end" if left else "start",
        )
    hubs = _place_hubs(shared, nodes, centre, radius, label, href)
    edges = []
    for initiative in shared:
        hub = hubs[initiative.iri]
        for site_iri, relation in initiative.links:
            node = nodes[site_iri]
            relation_name = relation.rpartition("#")[2]
            edges.append(
                Edge(node.x, node.y, hub.x, hub.y, node.group, RELATIONS.get(relation_name, "other"), f"{node.text} – {hub.text}")
            )
    kinds = tuple(k for k in ("programme", "network", "organisation") if any(s.kind == k for s in shared))
    return Network(2 * centre, tuple(nodes.values()), tuple(hubs.values()), tuple(edges), _states(sites, label), kinds)


def _place_hubs(
    shared: tuple[Shared, ...], sites: dict[str, Node], centre: float, radius: float, label: Label, href: Href
) -> dict[str, Node]:
    """Each initiative starts at the centroid of its sites, pulled towards the centre; then
    pairs closer than ``gap`` push each other apart, a fixed number of times, in a fixed order."""
    points = []
    for initiative in shared:
        xs = [sites[s].x for s in initiative.sites]
        ys = [sites[s].y for s in initiative.sites]
        x = centre + 0.6 * (sum(xs) / len(xs) - centre)
        y = centre + 0.6 * (sum(ys) / len(ys) - centre)
        points.append([x, y])
    gap, limit = 150.0, 0.68 * radius
    for _ in range(60):
        for i in range(len(points)):
            for j in range(i + 1, len(points)):
                dx, dy = points[j][0] - points[i][0], points[j][1] - points[i][1]
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-6:  # same place: separate along a direction fixed by the pair
                    dx, dy, distance = math.cos(i + j), math.sin(i + j), 1.0
                push = (gap - distance) / 2
                points[i][0] -= dx / distance * push
                points[i][1] -= dy / distance * push
                points[j][0] += dx / distance * push
                points[j][1] += dy / distance * push
        for point in points:  # stay well inside the circle of sites
            dx, dy = point[0] - centre, point[1] - centre
            distance = math.hypot(dx, dy)
            if distance > limit:
                point[0], point[1] = centre + dx / distance * limit, centre + dy / distance * limit
    hubs = {}
    for initiative, (x, y) in zip(shared, points, strict=True):
        text, lang = label(initiative.iri)
        names = ", ".join(sites[s].text for s in initiative.sites)
        hubs[initiative.iri] = Node(
            iri=initiative.iri,
            href=href(initiative.iri),
            text=text,
            lang=lang,
            title=f"{text}: {names}",
            x=round(x, 1),
            y=round(y, 1),
            group=initiative.kind,
            lines=wrap(text),
            members=tuple((sites[s].href, sites[s].text) for s in initiative.sites),
        )
    return hubs


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), inclusive.

    >>> _months("2016-11", "2017-02")
    ['2016-11', '2016-12', '2017-01', '2017-02']
    """
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def timeline(sites: tuple[SiteRow, ...], label: Label, href: Href, lang: str) -> Timeline:
    """A row per state; in each, a dot per site at its start month, in the first free lane."""
    dated = [s for s in sites if len(s.start) == 7]
    months = _months(min(s.start for s in dated), max(s.start for s in dated))
    left, column, lane_height, top = 150.0, 58.0, 20.0, 20.0
    x_of = {m: left + 20 + i * column for i, m in enumerate(months)}
    rows, dots = [], []
    y = top
    for slug, state_text in _states(tuple(dated), label):
        members = sorted((s for s in dated if slug_of(s.state) == slug), key=lambda s: (s.start, s.name.casefold()))
        lane_ends: list[float] = []
        placed = []
        for site in members:
            x = x_of[site.start]
            lane = next((i for i, end in enumerate(lane_ends) if end < x - 12), len(lane_ends))
            end = x + 10 + CHAR_WIDTH * len(site.short)
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            placed.append((site, x, lane))
        height = max(len(lane_ends), 1) * lane_height + 16
        for site, x, lane in placed:
            dots.append(
                Node(
                    iri=site.iri,
                    href=href(site.iri),
                    text=site.short,
                    lang="de",
                    title=f"{site.name}: {month_label(site.start, lang)}",
                    x=x,
                    y=y + 18 + lane * lane_height,
                    group=slug,
                )
            )
        rows.append(Row(slug, state_text, y, height))
        y += height
    names = MONTHS["en" if lang == "en" else "de"]
    ticks = tuple(
        Tick(x_of[m], names[int(m[5:7]) - 1][:3], m[:4] if i == 0 or m.endswith("-01") else "") for i, m in enumerate(months)
    )
    right = x_of[months[-1]] + 10 + CHAR_WIDTH * max(len(s.short) for s in dated) + 20
    return Timeline(right, y + 46, y, left, right, tuple(rows), ticks, tuple(dots))
