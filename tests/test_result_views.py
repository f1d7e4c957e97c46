"""Result views beyond the table (issue 19, item 6): a bar chart of a numeric column and a timeline of a date
column, as inline SVG on the SPARQL page, the canned-query pages and the static site."""

from __future__ import annotations

import html as markup
import json
import re
import urllib.parse

import pytest

from helpers import fetch, sparql_get
from koko.pages.backend import indexed
from koko.pages.linked_data import linked_data_of
from koko.pages.literals import MONTHS
from koko.pages.query_pages import ResultView, canned_job, label_lookup, query_page
from koko.pages.render import make_renderer
from koko.pages.result_views import BAR_SPAN
from koko.pages.urls import Urls
from koko.sparql.execution import execute
from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

PER_STATE = """SELECT ?state (COUNT(?site) AS ?sites) WHERE {
  ?site a koko:Site ; koko:municipality/koko:federalState ?state .
} GROUP BY ?state ORDER BY ?state"""


def page(server: str, path: str, params: dict[str, str]) -> str:
    answer = fetch(server, f"{path}?{urllib.parse.urlencode(params)}", "text/html")
    assert answer.status == 200, answer.text[:500]
    return answer.text


def svg(html: str, view: str) -> str:
    found = re.search(rf'<figure class="result-view" id="result-{view}">(.*?)</figure>', html, re.DOTALL)
    assert found, f"no {view} on the page"
    return found[1]


def tabs(html: str) -> dict[str, str]:
    """Tab label → href of the view links."""
    found = re.search(r'<nav class="result-tabs"[^>]*>(.*?)</nav>', html, re.DOTALL)
    if not found:
        return {}
    return {label: markup.unescape(href) for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', found[1])}


def test_the_count_per_state_is_a_chart_whose_bars_follow_the_counts(server) -> None:
    counts = {
        b["state"]["value"].rsplit("/", 1)[1]: int(b["sites"]["value"])
        for b in json.loads(sparql_get(server, "PREFIX koko: <https://w3id.org/koko-kg/ontology#>\n" + PER_STATE).text)[
            "results"
        ]["bindings"]
    }
    html = page(server, "/-/sparql", {"query": PER_STATE, "view": "chart"})
    bars = re.findall(
        r'<text class="bar-label"[^>]*>([^<]*)</text>\s*<rect class="bar" [^>]*width="([\d.]+)%"', svg(html, "chart")
    )
    widths = {label: float(width) for label, width in bars}
    assert set(widths) == {"Sachsen", "Sachsen-Anhalt", "Thüringen"}
    largest = max(counts.values())
    for label, slug in (("Sachsen", "sachsen"), ("Sachsen-Anhalt", "sachsen-anhalt"), ("Thüringen", "thueringen")):
        assert widths[label] == pytest.approx(BAR_SPAN * counts[slug] / largest, abs=0.01), (label, counts)
    assert 'role="img"' in html
    assert '<title id="result-chart-title">' in html
    assert re.search(r'<table class="results"', html), "the data stays in the table"


def test_the_view_links_keep_the_query_and_the_language(server) -> None:
    html = page(server, "/-/sparql", {"query": PER_STATE, "lang": "en"})
    links = tabs(html)
    assert set(links) == {"Table", "Bar chart"}
    chart = urllib.parse.parse_qs(urllib.parse.urlsplit(links["Bar chart"]).query)
    assert (chart["view"], chart["lang"]) == (["chart"], ["en"])
    assert "COUNT(?site)" in chart["query"][0]
    assert 'id="result-chart"' not in html, "the table view draws no chart"


def test_the_start_dates_timeline_places_erfurt_at_its_start_month(server) -> None:
    rows = json.loads(fetch(server, "/-/queries/sites-by-state?format=json").body)["results"]["bindings"]
    start = next(r["start"]["value"] for r in rows if r["site"]["value"].endswith("/site/erfurt"))
    year, month = (int(part) for part in start.split("-"))
    drawn = svg(page(server, "/-/queries/sites-by-state", {"view": "timeline"}), "timeline")
    ticks = {int(year): float(x) for x, year in re.findall(r'<text class="tick-label" x="([\d.]+)%"[^>]*>(\d{4})</text>', drawn)}
    mark = re.search(
        rf'<g class="mark-row" data-value="{start}"><title>Landeshauptstadt Erfurt: [^<]*</title>'
        r'.*?<circle class="mark" cx="([\d.]+)%"',
        drawn,
        re.DOTALL,
    )
    assert mark, drawn[:2000]
    per_year = ticks[year + 1] - ticks[year]
    assert float(mark[1]) == pytest.approx(ticks[year] + per_year * (month - 1) / 12, abs=0.01)
    assert f"<title>Landeshauptstadt Erfurt: {MONTHS['de'][month - 1]} {year}</title>" in drawn


def test_a_result_without_numbers_or_dates_offers_no_chart(server) -> None:
    html = page(server, "/-/queries/coordinators", {"view": "chart"})
    assert tabs(html) == {}
    assert 'class="result-view"' not in html
    assert "Eva Eisoldt" in html


def test_a_canned_query_keeps_its_parameters_in_the_view_links(server) -> None:
    links = tabs(page(server, "/-/queries/sites-by-state", {"state": "Thüringen"}))
    assert set(links) == {"Tabelle", "Zeitleiste"}
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(links["Zeitleiste"]).query) == {
        "state": ["Thüringen"],
        "view": ["timeline"],
    }


def test_the_static_site_shows_every_view_below_its_tabs_the_same_each_time(published) -> None:
    urls = Urls(published.config.base)
    renderer = make_renderer(urls)
    ld = linked_data_of(published, renderer, indexed(published))
    canned = published.canned_query("programme-timeline")
    outcome = execute(published.store, canned_job(published, canned, {}, max_rows=10_000))
    view = ResultView(page_size=None, labels=label_lookup(ld, "de"), shown="all")
    html = query_page(published, renderer, canned, "de", {}, outcome, view=view)
    assert tabs(html) == {"Tabelle": "#result", "Balkendiagramm": "#result-chart", "Zeitleiste": "#result-timeline"}
    assert "Oktober 2016" in svg(html, "chart")
    assert "Oktober 2016" in svg(html, "timeline")
    assert query_page(published, renderer, canned, "de", {}, outcome, view=view) == html


@pytest.mark.skipif(not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()), reason="needs Chromium and chromedriver")
@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize(
    ("path", "params"),
    [("/-/queries/sites-by-state", {"view": "timeline"}), ("/-/sparql", {"query": PER_STATE, "view": "chart"})],
)
def test_the_pictures_fit_a_phone_with_legible_text(server, tmp_path, width, path, params) -> None:
    driver = start_browser(tmp_path / "chromium", javascript=False)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        )
        driver.get(server.rstrip("/") + f"{path}?{urllib.parse.urlencode(params)}")
        measured = driver.execute_script(
            """const texts = [...document.querySelectorAll('.result-view svg text')];
            const box = document.querySelector('.result-view-box');
            const root = document.documentElement;
            return {view: root.clientWidth, page: root.scrollWidth, texts: texts.length,
                    box: box.getBoundingClientRect().right, boxScroll: box.scrollWidth - box.clientWidth,
                    // the font size as drawn: the computed size times the picture's scale on screen
                    smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)),
                    widestText: Math.max(...texts.map(t => t.getBoundingClientRect().right))};"""
        )
    finally:
        driver.quit()
    assert measured["texts"] > 3
    assert measured["page"] <= measured["view"], measured
    assert measured["box"] <= measured["view"], measured
    assert measured["boxScroll"] == 0, measured
    assert measured["widestText"] <= measured["box"], measured
    assert measured["smallest"] >= 9, measured
