"""Search (issue 19, item 1): the index and its ranking, the server's /-/search page, the static site's
index searched by koko-search.js in Chromium, and the search box in the header of every page."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import LocalHTTPServer, fetch
from koko.pages.backend import embedded
from koko.pages.search import MAX_HITS, SearchIndex, build_index, fold, query_words, search, stem
from koko.pages.urls import Urls
from web_servers import site_folder

ID = "https://w3id.org/koko-kg/id/"


@pytest.fixture(scope="module")
def index(published) -> SearchIndex:
    return build_index(embedded(published).select, published.config.base)


def first_hits(index: SearchIndex, query: str, lang: str = "de", n: int = 3) -> list[str]:
    return [h.document.iri.removeprefix(ID) for h in search(index, query_words(query), lang)[:n]]


# --- words ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [("Roßlau", "Rosslau"), ("Träber", "traeber"), ("Kitaplätze", "kitaplatze")])
def test_spellings_of_one_word_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_folding_drops_case_umlauts_and_sharp_s() -> None:
    assert fold("Dessau-ROSSLAU") == fold("dessau-roßlau") == "dessau-rosslau"


def test_a_query_is_cut_to_its_first_words() -> None:
    assert len(query_words(" ".join(f"wort{i}" for i in range(50)))) == 8
    assert query_words("x" * 10_000)[0].form == "x" * 200
    assert query_words("'; DROP TABLE --") != ()  # words, nothing else: no SQL or SPARQL is ever built
    assert query_words("!!! ??? ---") == ()


# --- ranking ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Erfurt", "site/erfurt"),
        ("erfurt", "site/erfurt"),
        ("Dresden", "site/dresden"),
        ("Träber", "person/jana-traeber"),
        ("Traeber", "person/jana-traeber"),
        ("Eva Eisoldt", "person/eva-eisoldt"),
        ("Bildung integriert", "programme/bildung-integriert"),
        ("Roßlau", "site/dessau-rosslau"),
        ("Rosslau", "site/dessau-rosslau"),
    ],
)
def test_a_name_finds_its_resource_first(index: SearchIndex, query: str, first: str) -> None:
    assert first_hits(index, query, n=1) == [first]


def test_rosslau_and_rossslau_find_the_same(index: SearchIndex) -> None:
    assert first_hits(index, "Roßlau", n=100) == first_hits(index, "Rosslau", n=100)


def test_kita_finds_kitas(index: SearchIndex) -> None:
    words = query_words("Kita")
    texts = [seg.text for h in search(index, words, "de") for seg in h.passage(words) if seg.marked]
    assert "Kitas" in texts
    assert "Kita" in texts


def test_a_name_ranks_above_a_quote(index: SearchIndex) -> None:
    hits = search(index, query_words("Träber"), "de")
    kinds = [h.rank[0] for h in hits]
    assert kinds == sorted(kinds)
    assert kinds[0] == 0
    assert 2 in kinds
    post = next(h for h in hits if h.document.iri == ID + "post/dresden-1")
    assert "".join(s.text for s in post.passage(query_words("Träber"))) == "Bildungskoordination: Jana Träber und Marcus Oertel"


def test_every_word_must_be_found(index: SearchIndex) -> None:
    assert first_hits(index, "Eisoldt Dresden") == []


def test_evidence_nodes_are_no_hits(index: SearchIndex) -> None:
    assert all("/evidence/" not in d.iri for d in index.documents)


def test_the_passage_marks_the_match_within_an_answer(index: SearchIndex) -> None:
    words = query_words("Studienkolleg")
    hits = search(index, words, "de")
    assert hits[0].document.iri == ID + "org/studienkolleg-hochschule-anhalt"  # by its name, then the answer
    hit = hits[1]
    assert hit.document.iri == ID + "answer/dessau-rosslau/groesster-erfolg"
    marked = [s.text for s in hit.passage(words) if s.marked]
    assert marked == ["Studienkolleg"]


# --- the server ---------------------------------------------------------------------------------------------------


def hit_links(html: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="([^"]+)"', html)


def test_the_search_page_links_the_site_first_with_the_match_marked(server: str) -> None:
    answer = fetch(server, "/-/search?q=Erfurt")
    assert answer.status == 200
    assert answer.media_type == "text/html"
    assert hit_links(answer.text)[0] == "/id/site/erfurt"
    assert "<mark>Erfurt</mark>" in answer.text
    assert 'value="Erfurt"' in answer.text


def test_the_english_page_keeps_the_language_and_marks_german_passages(server: str) -> None:
    html = fetch(server, "/-/search?q=Studienkolleg&lang=en").text
    assert hit_links(html)[:2] == [
        "/id/org/studienkolleg-hochschule-anhalt?lang=en",
        "/id/answer/dessau-rosslau/groesster-erfolg?lang=en",
    ]
    assert '<q lang="de">' in html
    assert "results" in html
    assert 'name="lang" value="en"' in html


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Geben Sie einen Namen oder ein Wort ein"),
        ("!!! ???", "steht kein Wort"),
        ("xyzzyq", "Nichts gefunden für »xyzzyq«"),
        ("SELECT * WHERE { ?s ?p ?o }", "Nichts gefunden"),
        ("'; DROP TABLE sites; --", "Nichts gefunden"),
        ("Erfurt " * 400, "Nur die ersten 200 Zeichen"),
    ],
)
def test_empty_and_absurd_input_gets_a_hint_not_an_error(server: str, query: str, says: str) -> None:
    answer = fetch(server, "/-/search?q=" + quote(query))
    assert answer.status == 200
    assert says in answer.text


def test_many_hits_are_cut_to_the_first_page(server: str) -> None:
    html = fetch(server, "/-/search?q=in").text
    assert len(hit_links(html)) == MAX_HITS
    assert f"die ersten {MAX_HITS}" in html


@pytest.mark.parametrize("path", ["/", "/id/site/erfurt", "/-/queries", "/ontology?lang=en", "/-/search"])
def test_every_page_has_the_search_box(server: str, path: str) -> None:
    html = fetch(server, path, accept="text/html").text
    assert re.search(r'<form class="site-search" action="/-/search" method="get" role="search">', html)
    assert ('name="lang" value="en"' in html) == path.endswith("lang=en")


# --- the static site --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(published) -> Iterator[Path]:
    with site_folder(published) as folder:
        yield folder


def test_the_static_site_has_the_page_the_script_and_the_index(site: Path) -> None:
    page = (site / "-" / "search.html").read_text(encoding="utf-8")
    assert '<script src="/-/static/koko-search.js" defer></script>' in page
    assert "<noscript>" in page
    assert "koko serve" in page
    assert (site / "-" / "search.en.html").is_file()
    script = (site / "-" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.KOKO_SEARCH = {")
    assert '"traber":"trab"' in script
    assert (site / "-" / "static" / "koko-search.js").is_file()


# --- in Chromium ----------------------------------------------------------------------------------------------------

browser_tests = pytest.importorskip("test_browser")


@pytest.fixture(scope="module")
def static_root(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    with LocalHTTPServer(handler) as http:  # type: ignore[arg-type]
        yield http.root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (browser_tests.CHROMIUM.is_file() and browser_tests.CHROMEDRIVER.is_file()):
        pytest.skip("needs Chromium and chromedriver")
    driver = browser_tests.start_browser(tmp_path_factory.mktemp("chromium-search"))
    yield driver
    driver.quit()


def page_hits(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [a.get_attribute("href").split("/", 3)[3] for a in driver.find_elements(By.CSS_SELECTOR, "ol.search-hits > li > a")]


def test_the_header_box_searches_on_the_server(browser, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "id/site/dresden")
    box = browser.find_element(By.ID, "site-search-q")
    box.send_keys("Träber", Keys.ENTER)
    browser_tests.WebDriverWait(browser, 10).until(lambda d: "/-/search" in d.current_url)
    assert page_hits(browser)[0] == "id/person/jana-traeber"
    assert browser.find_element(By.CSS_SELECTOR, "ol.search-hits mark").text == "Träber"


@pytest.mark.parametrize("query", ["Erfurt", "Träber", "Kita", "Roßlau", "Rosslau", "Bildung integriert", "Eva Eisoldt", "in"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_static_site_finds_what_the_server_finds(
    browser, static_root: str, index: SearchIndex, published, query: str, lang: str
) -> None:
    page = "-/search.html" if lang == "de" else "-/search.en.html"
    browser.get(f"{static_root}{page}?q={quote(query)}")
    browser_tests.WebDriverWait(browser, 10).until(lambda d: d.find_elements("css selector", "#search-results > *"))
    urls = Urls(published.config.base)
    suffix = "?lang=en" if lang == "en" else ""
    expected = [urls.link(h.document.iri).lstrip("/") + suffix for h in search(index, query_words(query), lang)[:MAX_HITS]]
    assert page_hits(browser) == expected


def test_the_static_box_without_a_query_shows_the_hint(browser, static_root: str) -> None:
    browser.get(static_root + "-/search.html")
    browser_tests.WebDriverWait(browser, 10).until(lambda d: d.find_elements("css selector", "#search-results > *"))
    assert "Geben Sie einen Namen" in browser.find_element("id", "search-results").text
