"""The map of the sites (issue 19, item 7): the vendored outlines, the SVG over real HTTP, on the home
page, in the static site and in Chromium at a phone's width."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import fetch
from koko.errors import KokoError
from koko.pages.linked_data import PICTURES
from koko.source.identifiers import SHAPES_PACKAGE, load_shapes

SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(__file__).resolve().parents[1] / "data"
STATE_OF = {"14": "sachsen", "15": "sachsen-anhalt", "16": "thueringen"}


def map_svg(server: str, lang: str = "de") -> tuple[bytes, ET.Element]:
    answer = fetch(server, PICTURES["map"] + ("?lang=en" if lang == "en" else ""))
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "image/svg+xml"
    return answer.body, ET.fromstring(answer.body)


@pytest.fixture(scope="module")
def picture(server: str) -> tuple[bytes, ET.Element]:
    return map_svg(server)


def site_links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href"): a for a in root.iter(SVG + "a")}


def district_keys() -> dict[str, str]:
    """Site slug → district key, read from the municipality table the release is built from."""
    import csv

    from koko.source.text import site_slug

    with (DATA / "municipalities.csv").open(encoding="utf-8") as rows:
        return {site_slug(row["site_name"]): row["ags"] for row in csv.DictReader(rows)}


# --- the vendored outlines ------------------------------------------------------------------


def test_the_outlines_are_the_three_states_and_their_50_districts() -> None:
    shapes = load_shapes(DATA)
    assert sorted(k for k in shapes if len(k) == 2) == ["14", "15", "16"]
    assert len([k for k in shapes if len(k) == 5]) == 50
    assert shapes["16056"].name == "Eisenach"  # district-free until 2021: in the 2016 geometry
    assert (DATA / SHAPES_PACKAGE).stat().st_size < 200_000


def test_a_changed_outline_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / SHAPES_PACKAGE
    copy.parent.mkdir(parents=True)
    shutil.copy(DATA / SHAPES_PACKAGE, copy)
    copy.write_bytes(copy.read_bytes().replace(b'"Erfurt"', b'"Erfurd"'))
    with pytest.raises(KokoError) as caught:
        load_shapes(tmp_path)
    assert "is not that of the vendored outlines" in str(caught.value)


# --- the picture ------------------------------------------------------------------------------


def test_every_site_district_is_drawn_and_links_to_its_site(picture: tuple[bytes, ET.Element]) -> None:
    _, root = picture
    links = {href: a for href, a in site_links(root).items() if href.startswith("/id/site/")}
    assert len(links) == 27
    assert links["/id/site/erfurt"].find(SVG + "title").text == "Landeshauptstadt Erfurt"
    assert links["/id/site/dresden"].find(SVG + "title").text == "Landeshauptstadt Dresden"
    for slug, key in district_keys().items():
        assert links[f"/id/site/{slug}"].find(SVG + "path").get("id") == f"ags-{key}", slug
    assert links["/id/site/eisenach"].find(SVG + "path").get("id") == "ags-16056"
    plain = [p for p in root.iter(SVG + "path") if p.get("class") == "district"]
    assert len(plain) + len(links) == 50  # every district of the three states, no more
    assert "ags-16063" in {p.get("id") for p in plain}  # the Wartburgkreis, around Eisenach, is not a site
    assert len([p for p in root.iter(SVG + "path") if p.get("class") == "border"]) == 3


def test_site_districts_are_coloured_by_state_and_numbered(picture: tuple[bytes, ET.Element]) -> None:
    _, root = picture
    keys = district_keys()
    counts: dict[str, int] = {}
    for href, a in site_links(root).items():
        group = a.find(SVG + "path").get("class").removeprefix("site state-")
        assert group == STATE_OF[keys[href.rpartition("/")[2]][:2]], href
        counts[group] = counts.get(group, 0) + 1
    assert counts == {"sachsen": 7, "sachsen-anhalt": 9, "thueringen": 11}
    style = "".join(s.text or "" for s in root.iter(SVG + "style"))
    assert ".koko-picture .state-thueringen { fill: #009e73" in style
    legend = [t.text for t in root.iter(SVG + "text")]
    assert {"Sachsen", "Sachsen-Anhalt", "Thüringen", "ohne Standort", "Landesgrenze"} <= set(legend)
    numbers = [t.text for g in root.iter(SVG + "g") if g.get("class") == "marker" for t in g.iter(SVG + "text")]
    assert numbers == [str(n) for n in range(1, 28)]
    credit = next(t for t in root.iter(SVG + "text") if t.get("class") == "credit")
    assert "© GeoBasis-DE / BKG 2016 (Daten verändert)" in "".join(credit.itertext())


def test_markers_do_not_overlap(picture: tuple[bytes, ET.Element]) -> None:
    """Weimar and the Weimarer Land around it are both sites: their markers must stay apart."""
    _, root = picture
    circles = [(float(c.get("cx")), float(c.get("cy")), float(c.get("r"))) for c in root.iter(SVG + "circle")]
    assert len(circles) == 27
    for i, (x0, y0, r0) in enumerate(circles):
        for x1, y1, r1 in circles[i + 1 :]:
            assert (x1 - x0) ** 2 + (y1 - y0) ** 2 >= (r0 + r1) ** 2


def test_text_stays_legible_on_a_phone(picture: tuple[bytes, ET.Element]) -> None:
    """At 390 px the picture is at least 340 px wide; no text may come out below 10 px there."""
    body, root = picture
    width = float(root.get("viewBox").split()[2])
    # every text of the map has a size of its own (the pictures' 11 px default is for the wider pictures)
    sizes = [float(size) for size in re.findall(rb"\.koko-map [^{]*\{ font-size: (\d+(?:\.\d+)?)px", body)]
    assert len(sizes) == 3
    assert min(sizes) * 340 / width >= 10


def test_nothing_is_loaded_from_elsewhere(picture: tuple[bytes, ET.Element]) -> None:
    body, root = picture
    assert all(a.get("href").startswith("/") for a in root.iter(SVG + "a"))
    assert not any(e.get("{http://www.w3.org/1999/xlink}href") for e in root.iter())
    for outside in (b"url(", b"@import", b"<image", b"<script"):
        assert outside not in body
    assert b"http" not in body.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")


def test_the_map_in_english(server: str) -> None:
    _, root = map_svg(server, "en")
    assert root.get("lang") == "en"
    assert root.find(SVG + "title").text == "Map of the sites in Saxony, Saxony-Anhalt and Thuringia"
    erfurt = site_links(root)["/id/site/erfurt?lang=en"]
    assert erfurt.find(SVG + "title").text == "Landeshauptstadt Erfurt"
    assert erfurt.find(SVG + "title").get("lang") == "de"
    assert {"no site", "state border"} <= {t.text for t in root.iter(SVG + "text")}


def test_the_home_page_shows_the_map_with_the_sites_as_text(server: str) -> None:
    page = fetch(server, "/").body.decode("utf-8")
    section = page[page.index('<section class="picture" id="map">') :]
    section = section[: section.index("</section>")]
    assert 'class="koko-picture koko-map"' in section
    assert 'role="group" aria-labelledby="map-title" aria-describedby="map-desc"' in section
    items = re.findall(r'<li value="(\d+)"><a href="([^"]+)" lang="de">([^<]+)</a></li>', section)
    assert len(items) == 27
    assert ("19", "/id/site/erfurt", "Landeshauptstadt Erfurt") in items
    assert f'href="{PICTURES["map"]}"' in section


def test_the_static_site_has_the_map(published, picture: tuple[bytes, ET.Element]) -> None:
    from koko.site.static_site import site_files

    files, _ = site_files(published)
    assert files[PICTURES["map"].lstrip("/")] == picture[0]
    assert b'class="koko-picture koko-map"' in files["index.html"]


# --- in Chromium at a phone's width ---------------------------------------------------------


def test_the_map_fits_a_phone_and_its_labels_are_legible(server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    browser_tests = pytest.importorskip("test_browser")
    if not (browser_tests.CHROMIUM.is_file() and browser_tests.CHROMEDRIVER.is_file()):
        pytest.skip("needs Chromium and chromedriver")
    driver = browser_tests.start_browser(tmp_path_factory.mktemp("chromium-map"))
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
        )
        driver.get(server)
        measured = driver.execute_script(
            """
            const section = document.getElementById('map');
            section.scrollIntoView();
            const svg = section.querySelector('svg');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const texts = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
            const fill = id => getComputedStyle(svg.getElementById(id)).fill;
            return {
              viewport: document.documentElement.clientWidth,
              right: Math.max(...[...section.querySelectorAll('*')].map(e => e.getBoundingClientRect().right)),
              sectionScroll: section.scrollWidth - section.clientWidth,
              svgWidth: svg.getBoundingClientRect().width,
              smallest: Math.min(...texts),
              links: svg.querySelectorAll('a[href^="/id/site/"]').length,
              erfurt: fill('ags-16051'),
              wartburgkreis: fill('ags-16063'),
            };
            """
        )
        shot = tmp_path_factory.mktemp("screens") / "map-390.png"
        assert driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        driver.quit()
    assert measured["links"] == 27
    assert measured["right"] <= measured["viewport"]  # nothing of the map's section sticks out to the right
    assert measured["sectionScroll"] == 0
    assert measured["svgWidth"] >= 340
    assert measured["smallest"] >= 10  # the smallest text as shown, in CSS pixels
    # the picture's style applies under the page's CSP: Erfurt in Thüringen's green, a district without a site grey
    assert measured["erfurt"] == "rgb(0, 158, 115)"
    assert measured["wartburgkreis"] == "rgb(228, 231, 237)"
