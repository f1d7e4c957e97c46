"""The two SVG pictures, over real HTTP and as layouts: the timeline of programme starts and the
network of shared initiatives, checked against the brochure."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest

from helpers import fetch
from koko.pages.backend import embedded
from koko.pages.overview import SiteRow, shared, sites
from koko.pages.pictures import network, timeline, wrap

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://w3id.org/koko-kg/id/"


def get(server: str, path: str) -> tuple[str, bytes]:
    """The media type and the body of a page that must be there."""
    answer = fetch(server, path)
    assert answer.status == 200, answer.body
    return answer.headers["content-type"], answer.body


def svg(server: str, name: str, lang: str = "de") -> ET.Element:
    media_type, body = get(server, f"/-/pictures/{name}.svg" + ("?lang=en" if lang == "en" else ""))
    assert media_type == "image/svg+xml"
    return ET.fromstring(body)


def links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href"): a for a in root.iter(SVG + "a")}


def title(element: ET.Element) -> str:
    return element.find(SVG + "title").text


def centre(link: ET.Element) -> tuple[float, float]:
    """The centre of the marker inside a link (circle, square or diamond)."""
    circle = link.find(SVG + "circle")
    if circle is not None:
        return float(circle.get("cx")), float(circle.get("cy"))
    rect = link.find(SVG + "rect")
    if rect is not None:
        return float(rect.get("x")) + float(rect.get("width")) / 2, float(rect.get("y")) + float(rect.get("height")) / 2
    points = [tuple(map(float, p.split(","))) for p in link.find(SVG + "polygon").get("points").split()]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


@pytest.fixture(scope="module")
def timeline_svg(server: str) -> ET.Element:
    return svg(server, "timeline")


@pytest.fixture(scope="module")
def network_svg(server: str) -> ET.Element:
    return svg(server, "network")


# --- timeline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "months_after_july_2016", "state", "title_text"),
    [
        ("erfurt", 5, "Thüringen", "Landeshauptstadt Erfurt: Dezember 2016"),
        ("meissen", 0, "Sachsen", "Landkreis Meißen: Juli 2016"),
        ("dresden", 3, "Sachsen", "Landeshauptstadt Dresden: Oktober 2016"),
        ("saalekreis", 15, "Sachsen-Anhalt", "Saalekreis: Oktober 2017"),
        ("goerlitz", 9, "Sachsen", "Landkreis Görlitz: April 2017"),
    ],
)
def test_timeline_puts_a_site_at_its_start_month_in_its_state(
    timeline_svg: ET.Element, site: str, months_after_july_2016: int, state: str, title_text: str
) -> None:
    dot = links(timeline_svg)[f"/id/site/{site}"]
    assert title(dot) == title_text
    x, y = centre(dot)
    ticks = [t for t in timeline_svg.iter(SVG + "text") if t.get("text-anchor") == "middle" and t.get("class") != "muted"]
    assert [t.text for t in ticks[:2]] == ["Jul", "Aug"]  # the axis starts at the first start, July 2016
    assert x == float(ticks[months_after_july_2016].get("x"))
    bands = [r for r in timeline_svg.iter(SVG + "rect") if r.get("class", "").startswith("band")]
    labels = [t.text for t in timeline_svg.iter(SVG + "text") if t.get("class") == "row-label"]
    assert labels == ["Sachsen", "Sachsen-Anhalt", "Thüringen"]
    band = bands[labels.index(state)]
    assert float(band.get("y")) < y < float(band.get("y")) + float(band.get("height"))
    assert dot.find(SVG + "circle").get("class") == "state-" + {"Sachsen": "sachsen", "Sachsen-Anhalt": "sachsen-anhalt"}.get(
        state, "thueringen"
    )


def test_timeline_has_one_labelled_dot_per_site(timeline_svg: ET.Element) -> None:
    dots = {href: a for href, a in links(timeline_svg).items() if href.startswith("/id/site/")}
    assert len(dots) == 27
    assert all(a.find(SVG + "text").text and title(a) for a in dots.values())
    assert dots["/id/site/saechsische-schweiz-osterzgebirge"].find(SVG + "text").text == "Sächsische Schweiz-Osterzgebirge"


def test_timeline_sites_of_one_month_get_separate_lanes(timeline_svg: ET.Element) -> None:
    """Ilm-Kreis, Nordhausen and Saalfeld-Rudolstadt (Thüringen) all started in October 2016."""
    found = links(timeline_svg)
    points = [centre(found[f"/id/site/{s}"]) for s in ("ilm-kreis", "nordhausen", "saalfeld-rudolstadt")]
    assert len({x for x, _ in points}) == 1
    assert len({y for _, y in points}) == 3


def test_timeline_in_english(server: str) -> None:
    root = svg(server, "timeline", "en")
    assert root.get("lang") == "en"
    assert title(links(root)["/id/site/erfurt?lang=en"]) == "Landeshauptstadt Erfurt: December 2016"
    assert root.find(SVG + "title").text == "Programme start of the sites by federal state"


# --- network ---------------------------------------------------------------------------------


def edges_to(root: ET.Element, hub: ET.Element) -> list[ET.Element]:
    x, y = centre(hub)
    return [line for line in root.iter(SVG + "line") if (float(line.get("x2")), float(line.get("y2"))) == (x, y)]


@pytest.mark.parametrize(
    ("initiative", "members", "relation"),
    [
        ("programme/bildung-integriert", {"magdeburg", "wittenberg", "eisenach", "nordhausen"}, {"takes-part"}),
        ("programme/ruem-sachsen-anhalt", {"wittenberg", "altmarkkreis-salzwedel"}, {"takes-part"}),
        # Eisenach is a member; the Kyffhäuserkreis works with it (»Zusammenarbeit«)
        ("network/thueringer-netzwerk-bildungskoordination", {"eisenach", "kyffhaeuserkreis"}, {"member", "partner"}),
        (
            "org/bundesagentur-fuer-arbeit",
            {"dessau-rosslau", "hildburghausen", "nordhausen", "saechsische-schweiz-osterzgebirge"},
            {"partner"},
        ),
    ],
)
def test_network_links_sites_to_what_they_share(
    network_svg: ET.Element, initiative: str, members: set[str], relation: set[str]
) -> None:
    found = links(network_svg)
    hub = found[f"/id/{initiative}"]
    edges = edges_to(network_svg, hub)
    ends = {(float(e.get("x1")), float(e.get("y1"))) for e in edges}
    assert ends == {centre(found[f"/id/site/{m}"]) for m in members}
    assert {e.get("class").split()[1] for e in edges} == relation


def test_network_hub_titles_name_their_sites(network_svg: ET.Element) -> None:
    hub = links(network_svg)["/id/programme/bildung-integriert"]
    assert title(hub) == "Bildung integriert: Eisenach, Magdeburg, Nordhausen, Wittenberg"


def test_network_shows_only_shared_initiatives_and_not_koko(network_svg: ET.Element) -> None:
    found = links(network_svg)
    assert "/id/programme/koko" not in found
    hubs = [a for href, a in found.items() if not href.startswith("/id/site/")]
    assert len(hubs) == 5
    assert all(len(edges_to(network_svg, hub)) >= 2 for hub in hubs)


def test_network_puts_all_sites_on_one_circle_coloured_by_state(network_svg: ET.Element) -> None:
    found = links(network_svg)
    site_links = {href: a for href, a in found.items() if href.startswith("/id/site/")}
    assert len(site_links) == 27
    size = float(network_svg.get("viewBox").split()[2])
    radii = {round(math.dist(centre(a), (size / 2, size / 2)), 0) for a in site_links.values()}
    assert len(radii) == 1
    assert site_links["/id/site/dresden"].find(SVG + "circle").get("class") == "state-sachsen"
    assert site_links["/id/site/magdeburg"].find(SVG + "circle").get("class") == "state-sachsen-anhalt"
    assert site_links["/id/site/erfurt"].find(SVG + "circle").get("class") == "state-thueringen"


@pytest.mark.parametrize("name", ["network", "timeline"])
def test_pictures_are_accessible_self_contained_and_stable(server: str, name: str) -> None:
    root = svg(server, name)
    # a group, not an image: an image's children (the links) would be hidden from screen readers
    assert root.get("role") == "group"
    assert root.find(SVG + "title").get("id") == root.get("aria-labelledby")
    assert root.find(SVG + "desc").get("id") == root.get("aria-describedby")
    assert root.find(SVG + "title").text
    assert root.find(SVG + "desc").text
    assert all(a.find(SVG + "title") is not None for a in root.iter(SVG + "a"))
    assert all(a.get("href").startswith("/id/") for a in root.iter(SVG + "a"))
    assert not [e for e in root.iter() if e.tag in (SVG + "script", SVG + "image", SVG + "foreignObject")]
    assert get(server, f"/-/pictures/{name}.svg") == get(server, f"/-/pictures/{name}.svg")


def test_home_page_shows_both_pictures_and_the_shared_list(server: str) -> None:
    _, body = get(server, "/")
    html = body.decode()
    assert html.count('class="koko-picture koko-timeline"') == 1
    assert html.count('class="koko-picture koko-network"') == 1
    assert 'href="/-/pictures/network.svg"' in html
    assert '<a href="/id/programme/ruem-sachsen-anhalt" lang="de">Regionales Übergangsmanagement Sachsen-Anhalt</a>' in html


# --- layouts as pure functions ---------------------------------------------------------------


def label(iri: str) -> tuple[str, str | None]:
    return iri.rpartition("/")[2], None


def row(slug: str, start: str, state: str = "thueringen") -> SiteRow:
    return SiteRow(BASE + "site/" + slug, slug.title(), start, None, None, BASE + "state/" + state, "16")


def test_hubs_keep_their_distance(published) -> None:
    select = embedded(published).select
    picture = network(sites(select), shared(select), label, lambda iri: iri, "de")
    distances = [math.dist((a.x, a.y), (b.x, b.y)) for a, b in combinations(picture.hubs, 2)]
    assert min(distances) >= 140


def test_a_lane_is_reused_once_a_label_has_ended() -> None:
    rows = (row("a", "2016-01"), row("b", "2016-01"), row("c", "2016-12"))
    dots = {d.text: d for d in timeline(rows, label, lambda iri: iri, "de").dots}
    assert dots["A"].x == dots["B"].x
    assert dots["A"].y != dots["B"].y
    assert dots["C"].y == dots["A"].y  # eleven months later, the first lane is free again


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Bildung integriert", ("Bildung integriert",)),
        ("Bundesamt für Migration und Flüchtlinge", ("Bundesamt für", "Migration und", "Flüchtlinge")),
    ],
)
def test_wrap(text: str, lines: tuple[str, ...]) -> None:
    assert wrap(text) == lines
