"""Readable results (issue 19, item 4): labels instead of IRIs, formatted literals, paging, row count and
time on the canned-query and SPARQL pages; spreadsheet tables on /-/downloads; result tables that fit a phone."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

import pytest

from helpers import fetch
from koko.pages.backend import indexed
from koko.pages.linked_data import linked_data_of, spreadsheet
from koko.pages.query_pages import ResultView, canned_job, label_lookup, query_page
from koko.pages.render import make_renderer
from koko.pages.spreadsheets import files
from koko.pages.urls import Urls
from koko.sparql.execution import execute
from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

ERFURT_MOTTO = "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"


def page(server: str, path: str, params: dict[str, str] | None = None, accept: str = "text/html") -> str:
    answer = fetch(server, path + (f"?{urllib.parse.urlencode(params)}" if params else ""), accept)
    assert answer.status == 200, answer.text[:500]
    return answer.text


def cells(html: str, column: str) -> list[str]:
    """The inner HTML of the column's cells (by their variable; data-label is the column's name for people)."""
    return re.findall(rf'<td class="[a-z]+" data-label="[^"]*" data-variable="{column}"[^>]*>(.*?)</td>', html, re.DOTALL)


# Labels, literals, language


def test_a_coordinator_shows_by_name_with_the_iri_one_click_away(server) -> None:
    html = page(server, "/-/queries/coordinators", {"state": "Thüringen"})
    person = next(c for c in cells(html, "person") if "eva-eisoldt" in c)
    assert person == (
        '<a href="/id/person/eva-eisoldt" title="https://w3id.org/koko-kg/id/person/eva-eisoldt">Eva Eisoldt</a>'
        ' <small class="name">person:eva-eisoldt</small>'
    )
    assert "@de" not in html


def test_the_english_page_labels_in_english_and_marks_german_text(server) -> None:
    html = page(server, "/-/queries/coordinators", {"state": "Sachsen", "lang": "en"})
    sites = cells(html, "site")
    assert any('href="/id/site/dresden?lang=en"' in c and ">KoKo site Dresden<" in c for c in sites), sites[:2]
    assert '<td class="literal" data-label="Federal state" data-variable="federalStateName" lang="de">Sachsen</td>' in html


def test_dates_are_written_out_in_the_page_language(server) -> None:
    german = page(server, "/-/queries/site-profile", {"site": "site/dresden"})
    english = page(server, "/-/queries/site-profile", {"site": "site/dresden", "lang": "en"})
    assert set(cells(german, "start")) == {"Oktober 2016"}
    assert set(cells(english, "start")) == {"October 2016"}
    assert 'title="2016-10 (xsd:gYearMonth)"' in german
    assert "xsd:gYearMonth</" not in german


def test_a_property_in_a_result_shows_its_ontology_label(server) -> None:
    html = page(server, "/-/queries/evidence", {"entity": "programme/bildung-integriert"})
    predicates = cells(html, "predicate")
    assert predicates
    level = 'title="https://w3id.org/koko-kg/ontology#level">Ebene</a> <small class="name">koko:level</small>'
    assert f'<a href="/ontology#level" {level}' in predicates
    assert all(re.fullmatch(r'<a [^>]*>[^<:]+</a> <small class="name">\w+:\w+</small>', c) for c in predicates), predicates


# Paging, count, time


def test_a_large_result_is_paged_with_links_that_need_no_script(server) -> None:
    first = page(server, "/-/queries/site-links")
    assert "233 Zeilen, angezeigt 1–100" in first
    assert len(cells(first, "site")) == 100
    assert 'href="/-/queries/site-links?page=2" rel="next"' in first
    third = page(server, "/-/queries/site-links", {"page": "3", "lang": "en"})
    assert "233 rows, showing 201–233" in third
    assert len(cells(third, "site")) == 33
    assert 'href="/-/queries/site-links?lang=en&amp;page=2" rel="prev"' in third
    assert 'aria-current="page">3</a>' in third


def test_the_sparql_page_pages_its_result_and_shows_the_time(server) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }"
    html = page(server, "/-/sparql", {"query": query, "page": "2"})
    assert "2000 Zeilen, angezeigt 101–200" in html
    assert re.search(r'in <span class="elapsed">\d+(,\d)? (ms|s)</span>', html)
    assert f'href="/-/sparql?{urllib.parse.urlencode({"query": query, "page": "3"})}"'.replace("&", "&amp;") in html


def test_a_page_past_the_end_shows_the_last(server) -> None:
    html = page(server, "/-/queries/site-links", {"page": "99"})
    assert "angezeigt 201–233" in html


# Spreadsheet tables


def sheet(server: str, name: str) -> tuple[bytes, list[dict[str, str]]]:
    answer = fetch(server, f"/-/downloads/{name}", "*/*")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    body = answer.body
    text = body.decode("utf-8-sig")
    return body, list(csv.DictReader(io.StringIO(text), delimiter=";" if ".excel." in name else ","))


def test_the_downloads_page_offers_the_tables_in_its_language(server) -> None:
    german = page(server, "/-/downloads")
    english = page(server, "/-/downloads", {"lang": "en"})
    assert 'href="/-/downloads/koko-coordinators.csv"' in german
    assert 'href="/-/downloads/koko-facts.excel.csv"' in german
    assert 'href="/-/downloads/koko-sites.en.csv"' in english
    assert "Fakten mit Zitat" in german


def test_the_coordinators_table_names_eva_eisoldt(server) -> None:
    body, rows = sheet(server, "koko-coordinators.csv")
    assert body.startswith(b"Name,Standort,Bundesland,Stelle,IRI der Person,IRI des Standorts\r\n")
    eva = next(row for row in rows if row["Name"] == "Eva Eisoldt")
    assert (eva["Standort"], eva["Bundesland"]) == ("Ilm-Kreis", "Thüringen")
    assert eva["IRI der Person"] == "https://w3id.org/koko-kg/id/person/eva-eisoldt"
    assert len(rows) == 33


def test_the_excel_variant_has_a_bom_and_semicolons(server) -> None:
    body, rows = sheet(server, "koko-sites.excel.csv")
    assert body.startswith("\ufeffStandort;Bundesland;Kreisschlüssel;".encode())
    assert len(rows) == 27
    erfurt = next(row for row in rows if row["Standort"] == "Landeshauptstadt Erfurt")
    assert (erfurt["Motto"], erfurt["Bundesland"], erfurt["Programmstart"]) == (ERFURT_MOTTO, "Thüringen", "2016-12")


def test_the_facts_table_has_the_quotes_in_english_headers(server) -> None:
    _, rows = sheet(server, "koko-facts.en.csv")
    assert len(rows) > 1000
    bildung = [row for row in rows if row["Subject"].startswith("Bildung integriert")]
    assert bildung
    assert all(row["Quote"] and row["Source"] for row in bildung)
    assert any("»Bildung integriert«" in row["Quote"] for row in bildung)


def test_the_tables_are_the_same_bytes_from_the_server_and_the_static_site(server, published) -> None:
    ld = linked_data_of(published, make_renderer(Urls(published.config.base)), indexed(published))
    for name in sorted(files()):
        assert spreadsheet(ld, name) == fetch(server, f"/-/downloads/{name}", "*/*").body, name


def test_the_static_site_shows_every_row_of_a_default_result(published) -> None:
    """A static host ignores ?page=N: its canned-query page holds the whole default result, and no time."""
    urls = Urls(published.config.base)
    renderer = make_renderer(urls)
    ld = linked_data_of(published, renderer, indexed(published))
    canned = published.canned_query("site-links")
    outcome = execute(published.store, canned_job(published, canned, {}, max_rows=10_000))
    html = query_page(
        published, renderer, canned, "de", {}, outcome, view=ResultView(page_size=None, labels=label_lookup(ld, "de"))
    )
    assert len(cells(html, "site")) == 233
    assert "233 Zeilen</p>" in html
    assert 'class="pager"' not in html


# In a browser: nothing wider than a phone


@pytest.mark.skipif(not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()), reason="needs Chromium and chromedriver")
@pytest.mark.parametrize("width", [390, 1366])
def test_the_coordinators_table_fits_the_screen(server, tmp_path, width) -> None:
    driver = start_browser(tmp_path / "chromium", javascript=False)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        )
        driver.get(server.rstrip("/") + "/-/queries/coordinators")
        measured = driver.execute_script(
            """const cells = [...document.querySelectorAll('table.results td')];
            const root = document.documentElement;
            return {window: window.innerWidth, view: root.clientWidth, page: root.scrollWidth,
                    widest: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
                    cells: cells.length, text: document.body.innerText};"""
        )
    finally:
        driver.quit()
    assert measured["window"] == width
    assert measured["cells"] == 33 * 7
    assert measured["page"] <= measured["view"], measured["page"]
    assert measured["widest"] <= measured["view"]
    assert "Eva Eisoldt" in measured["text"]
