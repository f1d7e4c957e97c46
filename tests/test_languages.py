"""Every page reads in one language: no text of the other language without its own ``lang``.

The walk takes every page type of ``tests/test_accessibility.py`` (:data:`PAGES`) in German and in
English, collects each text node and each text people are read out (``aria-label``, ``title``,
``placeholder``, ``alt``) with the language of its nearest ``lang`` ancestor, and looks for the short
words that give a language away (function words, our own UI words). Names from the brochure have none of
those words, so they pass as they are. Code (SPARQL, IRIs, prefixed names) is in no human language and is
skipped.

And: which language a page is in when the address does not say (``Accept-Language``), and that a German
page stays reachable for a browser that asks for English.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from helpers import fetch
from test_accessibility import CASES, PAGES, address
from test_browser import CHROMEDRIVER, CHROMIUM, start_browser


#: Words that give a language away: short function words and the pages' own UI words. None of them is a
#: common word of the other language (no "in", "an", "was", "also"; "die" counts as German).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WORDS = {
    "de": _words(
        "und der die das des dem den nicht mit für von zum zur ist sind auf oder eine einer einen einem "
        "wird werden auch nach bei aus wie über "
        "abfragen abfrage zeilen zeile ergebnis ergebnisse suche suchen seite startseite quelle daten beleg "
        "fehler sprache ontologie verzeichnis herunterladen"
    ),
    "en": _words(
        "the and of with for from is are or this these which where who has have been into "
        "queries query rows row result results search page source data evidence error language ontology "
        "download browse about"
    ),
}
OTHER = {"de": "en", "en": "de"}

#: What a reader of the page gets: text and the attributes read out. Code is no language.
COLLECT = """
const skipped = 'script, style, code, pre, textarea, kbd, samp, .cm-editor, [translate="no"]';
const found = [];
const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
const languageOf = e => { const tagged = e.closest('[lang]'); return tagged ? tagged.getAttribute('lang') : ''; };
const where = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '');
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (!parent || parent.closest(skipped) || !node.textContent.trim()) continue;
  found.push([languageOf(parent), node.textContent.trim(), where(parent)]);
}
for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
  if (element.closest(skipped)) continue;
  for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
    const value = element.getAttribute(name);
    if (value && value.trim()) found.push([languageOf(element), value.trim(), where(element) + '@' + name]);
  }
}
return found;
"""

#: Known text of the other language, each with where it comes from; strict, so a fix shows up here.
KNOWN: dict[tuple[str, str], str] = {}
WALK = [
    pytest.param(*case.values, id=case.id, marks=[pytest.mark.xfail(reason=KNOWN[key], strict=True)] if key in KNOWN else [])
    for case in CASES
    for key in [(case.values[0].name, case.values[1])]
]

browser_tests = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: apt install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium-languages"))
    yield driver
    driver.quit()


def giveaways(text: str, lang: str) -> set[str]:
    """The words of the other language in ``text``, which is marked as ``lang``. Quoted text (a title, a
    term cited as it stands), addresses, prefixed names and hyphenated compounds give nothing away.

    >>> sorted(giveaways("Die Abfragen und the rows", "de")), sorted(giveaways("Landeshauptstadt Erfurt", "en"))
    (['rows', 'the'], [])
    >>> sorted(giveaways('The brochure »Koordinierung der Bildung« and "über", see koko:Evidence', "en"))
    []
    >>> sorted(giveaways("als Linked-Data-Wissensgraph, /ontology, https://example.org/the", "de"))
    []
    """
    text = QUOTED.sub(" ", text)
    text = CODE_LIKE.sub(" ", text)
    words = {word.lower() for word in WORD.findall(text)}
    return words & WORDS[OTHER[lang]]


QUOTED = re.compile(r"»[^«]*«|„[^“]*“|\"[^\"]*\"|“[^”]*”")
CODE_LIKE = re.compile(r"\S*(?:://|/|:)\S*")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@browser_tests
@pytest.mark.parametrize(("page", "lang"), WALK)
def test_no_text_of_the_other_language_without_its_lang(browser, server, page, lang) -> None:
    browser.get(address(server, page, lang))
    assert browser.execute_script("return document.documentElement.getAttribute('lang')") == lang
    texts = browser.execute_script(COLLECT)
    found = []
    for tagged, text, where in texts:
        marked = (tagged or lang).split("-")[0].lower()
        if marked not in WORDS:
            continue
        words = giveaways(text, marked)
        if words:
            found.append(f"{where} [{marked}]: {sorted(words)} in {text[:160]!r}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "de"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr-FR, en;q=0.5, de;q=0.7", "de"),  # q-values, not order
        ("fr-FR, en;q=0.5", "en"),  # the first of ours
        ("en;q=0, de", "de"),
        ("fr", "de"),
    ],
)
@pytest.mark.parametrize("path", [page.path for page in PAGES if page.name in ("home", "site", "queries", "void", "search")])
def test_accept_language_chooses_the_language(server, path, header, expected) -> None:
    answer = fetch(server, path, accept="text/html", **({"Accept_Language": header} if header else {}))
    assert f'<html lang="{expected}">' in answer.text
    assert "accept-language" in answer.headers.get("vary", "").lower()


@pytest.mark.parametrize("path", [page.path for page in PAGES if page.name in ("home", "site", "queries", "void")])
def test_lang_wins_over_the_header_and_the_switch_names_its_language(server, path) -> None:
    """A German page stays reachable from a browser that asks for English: ?lang=de, and the switch
    link on the English page names German explicitly."""
    english = fetch(server, path, accept="text/html", Accept_Language="en").text
    assert '<html lang="en">' in english
    assert "lang=de" in switch_link(english)
    separator = "&" if "?" in path else "?"
    german = fetch(server, f"{path}{separator}lang=de", accept="text/html", Accept_Language="en").text
    assert '<html lang="de">' in german
    assert "lang=en" in switch_link(german)


def switch_link(html: str) -> str:
    match = re.search(r'<a [^>]*href="([^"]*)" hreflang="(?:de|en)"', html)
    match = match or re.search(r'<a [^>]*hreflang="(?:de|en)"[^>]*href="([^"]*)"', html)
    assert match, "no language switch"
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/id/site/erfurt", "/ontology", "/-/downloads", "/-/queries", "/-/queries/sites-by-state"])
def test_a_german_page_the_address_named_keeps_german_in_its_links(server, path) -> None:
    """Switched to German from a browser that asks for English, the reader stays on German pages: the
    navigation, the search form and the links to resources name the language too."""
    html = fetch(server, path + "?lang=de", accept="text/html", Accept_Language="en").text
    assert '<html lang="de">' in html
    found = re.findall(r'<a [^>]*?href="(/(?:id/|ontology|-/queries|-/sparql|-/downloads)[^"]*)"', html)
    # Pages only: the switch names English, and files (RDF, CSV, a result's formats) have no language.
    links = [
        link
        for link in found
        if "lang=en" not in link and "format=" not in link and "." not in link.split("?")[0].rsplit("/", 1)[-1]
    ]
    assert len(links) > 3
    assert [link for link in links if "lang=de" not in link] == []
    assert '<input type="hidden" name="lang" value="de">' in html


def test_the_default_german_page_keeps_its_plain_links(server) -> None:
    """Without ?lang the links stay plain (the static site's pages, the addresses people share)."""
    html = fetch(server, "/id/site/erfurt", accept="text/html").text
    assert '<html lang="de">' in html
    assert 'href="/-/queries"' in html
    assert "lang=de" not in html.replace('href="/id/site/erfurt?lang=en"', "")
