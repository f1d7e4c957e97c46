"""External identifiers of the municipalities and states, never typed by hand.

Two kinds of link out (docs/linking.md):

- derived from the official key by a published rule: the DCAT-AP.de political-geocoding URIs
  (DCAT-AP.de 3.0, "Political Geocoding URI": ``…/districtKey/{Kreisschlüssel}`` and
  ``…/stateKey/{Landesschlüssel}``);
- read from a pinned, vendored data package: NUTS-3 codes from the npm package
  ``landkreise-deutschland`` 3.0.0 (Destatis, territorial status 31 December 2018), whose file is
  checked against the sha256 recorded here before a single code is used.

Wikidata, GND and GeoNames identifiers are not linked: no package on PyPI or npm ships them for
district keys, and none is written from memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from koko.errors import KokoError

POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
NUTS = "http://data.europa.eu/nuts/code/"
NUTS_PACKAGE = Path("external") / "landkreise-deutschland-3.0.0" / "districts.csv"
NUTS_SHA256 = "681b163fd00e7336f7f9286a50d460b59848d07851603d6b6354997c0bfe480a"


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


def load_nuts(data_folder: Path) -> NutsTable:
    path = data_folder / NUTS_PACKAGE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KokoError(f"cannot read the vendored NUTS table: {exc.strerror}", path) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != NUTS_SHA256:
        raise KokoError(f"sha256 {digest} is not that of landkreise-deutschland 3.0.0's districts.csv ({NUTS_SHA256})", path)
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")), delimiter=";")
    return NutsTable(path, {row["AGS"].zfill(5): row["NUTS3"] for row in rows})
