"""Every page type, in both languages, in headless Chromium: axe-core finds nothing, nothing is wider
than a phone, and the pictures' text stays legible there.

axe-core is a test tool, vendored from the npm registry into ``tests/vendor/`` (docs/third-party.md)
and injected into the page with ``execute_script``: the browser fetches nothing for it, and the
pages' CSP (``script-src 'self'``) does not apply to scripts the driver runs.

:data:`PAGES` is the one table of page types; ``tests/test_languages.py`` walks the same table. A new
page type is one more row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: apt install chromium chromium-driver)",
)

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


@dataclass(frozen=True)
class Page:
    """A page type: its name in test ids and its path below the server's root (query string allowed)."""

    name: str
    path: str


SPARQL_SITES = "SELECT ?site ?name WHERE { ?site <https://w3id.org/koko-kg/ontology#printedName> ?name } ORDER BY ?name"

#: Every page type once. Each page is asked for in German (no ?lang, the browser asks for German) and
#: in English (?lang=en).
PAGES = (
    Page("home", ""),
    Page("site", "id/site/erfurt"),
    Page("site-inferred", "id/site/erfurt?view=inferred"),
    Page("site-with-finding", "id/site/eisenach"),
    Page("person", "id/person/eva-eisoldt"),
    Page("programme", "id/programme/bildung-integriert"),
    Page("evidence", "id/evidence/magdeburg/2ab6a0a596"),
    Page("ontology", "ontology"),
    Page("list-sites", "id/site/"),
    Page("list-grouped", "id/org/"),
    Page("classes", "-/classes"),
    Page("class-list", "-/classes/Concept"),
    Page("reader", "-/brochure?from=932&to=933#L932"),
    Page("void", ".well-known/void"),
    Page("downloads", "-/downloads"),
    Page("queries", "-/queries"),
    Page("query-results", "-/queries/sites-by-state?state=" + quote("Thüringen")),
    Page("query-form-error", "-/queries/site-profile?site=" + quote("not an iri")),
    Page("query-did-you-mean", "-/queries/site-profile?site=Erfurd"),
    Page("query-chart", "-/queries/partners-by-frequency?view=chart"),
    Page("query-timeline", "-/queries/sites-by-state?view=timeline"),
    Page("sparql-results", "-/sparql?query=" + quote(SPARQL_SITES)),
    Page("sparql-parse-error", "-/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p }")),
    Page("search", "-/search?q=Erfurt"),
    Page("map", "-/pictures/map.svg"),
    Page("not-found", "id/site/atlantis"),
)
LANGUAGES = ("de", "en")
CASES = [pytest.param(page, lang, id=f"{page.name}-{lang}") for page in PAGES for lang in LANGUAGES]

PHONE = 390
DESKTOP = 1366
#: The smallest text in a picture, in CSS pixels as rendered.
SMALLEST_TEXT = 9


def address(server: str, page: Page, lang: str) -> str:
    if lang == "de":
        return server + page.path
    path, hash_, fragment = page.path.partition("#")
    return server + path + ("&" if "?" in path else "?") + "lang=en" + hash_ + fragment


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium-axe"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def open_at(driver: WebDriver, url: str, width: int) -> None:
    driver.set_window_size(width, 900)
    driver.get(url)


def axe_violations(driver: WebDriver, source: str) -> list[dict]:
    driver.execute_script(source)
    # axe.run is asynchronous; the async script hands its result back through the callback.
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}})
           .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' | ' + n.failureSummary)}))),
                 e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
        """
    )
    assert isinstance(result, list)
    return result


@pytest.mark.parametrize(("page", "lang"), CASES)
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_axe_finds_no_violation(browser, axe_source, server, page, lang, width) -> None:
    browser.set_script_timeout(60)
    open_at(browser, address(server, page, lang), width)
    violations = axe_violations(browser, axe_source)
    assert not violations, "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations)


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_nothing_is_wider_than_a_phone(browser, server, page, lang) -> None:
    open_at(browser, address(server, page, lang), PHONE)
    inner = browser.execute_script("return window.innerWidth")
    assert inner == PHONE  # the window really is a phone's width (Chromium keeps a minimum for some sizes)
    wider = browser.execute_script(
        """
        const edge = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > edge + 0.5 && e.getClientRects().length)
          .slice(0, 5)
          .map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
        """
    )
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE, wider


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_text_in_pictures_is_legible_on_a_phone(browser, server, page, lang) -> None:
    open_at(browser, address(server, page, lang), PHONE)
    small = browser.execute_script(
        """
        const limit = arguments[0];
        return [...document.querySelectorAll('svg text')]
          .filter(t => t.textContent.trim() && t.getClientRects().length)
          .map(t => {
            const svg = t.ownerSVGElement;
            const box = svg.getBoundingClientRect();
            const view = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : null;
            const scale = view ? Math.min(box.width / view.width, box.height / view.height) : 1;
            return [t.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(t).fontSize) * scale];
          })
          .filter(([, size]) => size < limit - 0.01)
          .slice(0, 5);
        """,
        SMALLEST_TEXT,
    )
    assert small == []
