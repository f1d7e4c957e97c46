"""The brochure reader (/-/brochure) and the source links that lead to it (koko.pages.reader).

Every quote and every source reference on a resource page links to the lines it cites; these tests
follow the links and check that the quoted text really lies on the marked lines, and on no fewer.
"""

from __future__ import annotations

import re
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from koko.source.text import join_lines, normalise_space
from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

ROOT = Path(__file__).resolve().parents[1]
LINES = (ROOT / "data" / "source" / "koko-brochure-2020.txt").read_text(encoding="utf-8").split("\n")
ERFURT_MOTTO = "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"
QUOTE = re.compile(r'<figure class="quote">\s*<blockquote[^>]*>»(?P<quote>.*?)«</blockquote>(?P<caption>.*?)</figure>', re.S)
PASSAGE = re.compile(r'<a class="passage" href="(?P<href>[^"]+)">')


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        text: str = answer.read().decode("utf-8")
        return text


def lines_of(href: str) -> tuple[int, int]:
    """The from/to of a passage link, which must also name the first line as its fragment."""
    parts = urlsplit(unescape(href))
    query = parse_qs(parts.query)
    first, last = int(query["from"][0]), int(query["to"][0])
    assert parts.path == "/-/brochure"
    assert parts.fragment == f"L{first}"
    return first, last


def text_of(first: int, last: int) -> str:
    """Lines first–last mended as the parser mends them (page footers and blank lines are skipped by the
    parser; the quotes on these pages cross neither)."""
    return normalise_space(join_lines(LINES[first - 1 : last]))


def line_element(html: str, number: int) -> str:
    found = re.search(rf'<(?P<tag>div|h\d) class="line[^"]*" id="L{number}" data-n="{number}">.*?</(?P=tag)>', html, re.S)
    assert found, f"no element for line {number}"
    return found.group(0)


def test_the_motto_lines_have_their_anchors_and_text(server: str) -> None:
    html = get(server + "-/brochure")
    first, second = line_element(html, 932), line_element(html, 933)
    assert "»Koordination heißt, alle Informationen" in first
    assert "motto" in first
    assert "zu bündeln und weiterzuleiten«" in second
    assert normalise_space(unescape(re.sub("<[^>]+>", " ", first + second))).startswith("»" + ERFURT_MOTTO[:20])
    assert 'id="standort-erfurt"' in html
    assert "mark" not in line_element(html, 932)


def test_a_range_is_marked_on_the_server(server: str) -> None:
    html = get(server + "-/brochure?from=932&to=933")
    assert 'class="line motto marked"' in line_element(html, 932)
    assert "<mark>" in line_element(html, 933)
    assert "<mark>" not in line_element(html, 931)
    assert "<mark>" not in line_element(html, 934)
    assert 'class="passage-note" role="status">Hervorgehoben: <a href="#L932">Zeilen 932–933</a>' in html
    assert 'href="/-/brochure?from=932&amp;to=933&amp;lang=en#L932"' in html  # the English page marks them too


@pytest.mark.parametrize("query", ["from=x", "from=99999&to=100000", "to=5"])
def test_a_range_it_cannot_mark_is_ignored(server: str, query: str) -> None:
    assert "<mark>" not in get(server + "-/brochure?" + query)


def test_the_english_page_keeps_the_brochure_german(server: str) -> None:
    html = get(server + "-/brochure?lang=en")
    assert '<html lang="en">' in html
    assert "<h1>The brochure</h1>" in html
    assert '<div class="brochure-text" lang="de">' in html
    assert '<ol lang="de">' in html


@pytest.mark.parametrize("site", ["erfurt", "dresden", "goerlitz", "ilm-kreis"])
def test_every_quote_links_to_the_lines_that_hold_it(server: str, site: str) -> None:
    quotes = QUOTE.findall(get(server + f"id/site/{site}"))
    assert len(quotes) >= 3
    for quote, caption in quotes:
        links = PASSAGE.findall(caption)
        assert len(links) == 1, caption
        first, last = lines_of(links[0])
        wanted = normalise_space(unescape(quote))
        assert wanted in text_of(first, last), (first, last, wanted)
        # The marked lines are the quote's own: one line fewer at either end and it is not all there.
        if last > first:
            assert wanted not in text_of(first + 1, last)
            assert wanted not in text_of(first, last - 1)


def test_erfurts_motto_links_to_its_two_lines(server: str) -> None:
    html = get(server + "id/site/erfurt")
    motto = next(caption for quote, caption in QUOTE.findall(html) if quote == f"»{ERFURT_MOTTO}«")
    assert lines_of(PASSAGE.findall(motto)[0]) == (932, 933)


def test_the_site_page_names_its_profile_and_header(server: str) -> None:
    html = get(server + "id/site/erfurt?lang=en")
    sources = re.search(r'<p class="sources">.*?</p>', html, re.S)
    assert sources
    links = [lines_of(href) for href in PASSAGE.findall(sources.group(0))]
    assert (927, 933) in links  # the header: name, Programmstart, coordination, motto
    assert "header of the site profile" in sources.group(0)
    assert "lang=en" in sources.group(0)
    assert any(first < 927 and last == 933 for first, last in links)  # the whole profile


def test_a_coordinator_page_shows_where_the_name_is_printed(server: str) -> None:
    html = get(server + "id/person/eva-eisoldt")
    sources = re.search(r'<p class="sources">.*?</p>', html, re.S)
    assert sources
    [(first, last)] = [lines_of(href) for href in PASSAGE.findall(sources.group(0))]
    assert first == last
    assert normalise_space(LINES[first - 1]) == "Bildungskoordination: Eva Eisoldt"


def test_an_answer_page_links_to_its_own_lines(server: str) -> None:
    html = get(server + "id/answer/erfurt/strukturen")
    sources = re.search(r'<p class="sources">.*?</p>', html, re.S)
    assert sources
    first, last = lines_of(PASSAGE.findall(sources.group(0))[0])
    assert normalise_space(LINES[first - 1]) == "In welche Strukturen ist Ihre Stelle eingebunden?"
    assert "Bildungsstadt Erfurt" in text_of(first, last)


@pytest.fixture(scope="module")
def site_files(published):
    from koko.site.static_site import site_files

    return site_files(published)[0]


def test_the_static_site_has_the_reader_and_its_script(site_files) -> None:
    german, english = site_files["-/brochure.html"].decode("utf-8"), site_files["-/brochure.en.html"].decode("utf-8")
    assert "»Koordination heißt, alle Informationen" in line_element(german, 932)
    assert '<html lang="en">' in english
    assert "<mark>" not in german
    assert b"hashchange" in site_files["-/static/koko-reader.js"]
    assert '<script src="/-/static/koko-reader.js" defer></script>' in german


browser_only = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()), reason="needs Debian's chromium and chromium-driver"
)


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    driver = start_browser(tmp_path_factory.mktemp("chromium-reader"))
    driver.set_window_size(390, 844)
    yield driver
    driver.quit()


@browser_only
@pytest.mark.parametrize("path", ["-/brochure?from=932&to=933#L932", "-/brochure?lang=en", "id/site/erfurt"])
def test_nothing_overflows_a_phone(phone, server: str, path: str) -> None:
    phone.get(server + path)
    width = phone.execute_script("return document.documentElement.clientWidth")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= width


@browser_only
def test_the_script_marks_a_range_from_the_fragment(phone, server: str) -> None:
    """What the static site relies on: no server marks the lines, the script does."""
    phone.get(server + "-/brochure#L932-L933")
    marked = phone.execute_script("return Array.from(document.querySelectorAll('.line.marked')).map(e => e.id)")
    assert marked == ["L932", "L933"]
    note = phone.execute_script("return document.querySelector('.passage-note').textContent")
    assert note == "Hervorgehoben: Zeilen 932–933"


@browser_only
def test_the_first_line_is_marked_without_javascript(tmp_path_factory, server: str) -> None:
    driver = start_browser(tmp_path_factory.mktemp("chromium-reader-nojs"), javascript=False)
    try:
        driver.get(server + "-/brochure#L932")
        colour = driver.execute_script("return getComputedStyle(document.getElementById('L932')).backgroundColor")
        other = driver.execute_script("return getComputedStyle(document.getElementById('L931')).backgroundColor")
        assert colour != other
    finally:
        driver.quit()


@browser_only
@pytest.mark.parametrize("query", ["from=932&to=933", "from=932&to=933&lang=en"])
def test_axe_finds_no_violation_in_the_reader(phone, server: str, query: str) -> None:
    from test_accessibility import AXE, axe_violations

    phone.get(server + "-/brochure?" + query)
    assert axe_violations(phone, AXE.read_text(encoding="utf-8")) == []
