"""The pages in a real browser: Debian's headless Chromium, driven by its own chromedriver.

Selenium is given both binaries, so selenium-manager never looks for (or downloads) a
browser; Chromium's own background traffic is switched off, and every test checks
against the server on 127.0.0.1 only. The module is skipped only when Chromium or
chromedriver is not installed (CI installs both with apt).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ERFURT_MOTTO = "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: apt install chromium chromium-driver)",
)

ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def start_browser(profile: Path, javascript: bool = True, console: bool = False) -> WebDriver:
    """Chromium through ChromeDriver; ``console``: keep the browser's console log (CSP violations, errors)."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (*ARGUMENTS, f"--user-data-dir={profile}"):
        options.add_argument(argument)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The browser asks for German, as the pages' readers mostly do: its own default (en-US) would make
    # every page without ?lang English (Accept-Language chooses, koko.pages.render.language).
    prefs: dict[str, object] = {"intl.accept_languages": "de-DE,de"}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser_without_javascript(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium-nojs"), javascript=False)
    yield driver
    driver.quit()


def result_rows(driver: WebDriver) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    ]


def result_column(driver: WebDriver, name: str) -> list[str]:
    # A canned query's columns have names for people; they are found by their variable.
    header = [
        cell.get_attribute("data-variable") or cell.text
        for cell in driver.find_elements(By.CSS_SELECTOR, "table.results thead th")
    ]
    return [row[header.index(name)] for row in result_rows(driver)]


def replaced(page: WebElement):
    """A wait condition: ``page`` has gone from the document. While Chromium is swapping documents,
    chromedriver may answer "Node with given id does not belong to the document" instead of
    Selenium's stale-element error (seen in CI); it means the same thing."""

    def gone(_driver: WebDriver) -> bool:
        try:
            page.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True
        return False

    return gone


def submit(driver: WebDriver, form: str) -> None:
    """Submit the form and wait until the answer has replaced the page."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"{form} button[type=submit]").click()
    WebDriverWait(driver, 30).until(replaced(page))


def test_the_home_page_links_the_27_sites(browser, server) -> None:
    browser.get(server)
    assert "KoKo" in browser.title
    sites = {
        urlsplit(a.get_attribute("href")).path
        for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")
        if urlsplit(a.get_attribute("href")).path.startswith("/id/site/")
        and urlsplit(a.get_attribute("href")).path != "/id/site/"  # the list of the sites, from the key figures
    }
    assert len(sites) == 27
    assert "/id/site/erfurt" in sites


def test_submitting_the_form_lists_the_11_thuringian_sites(browser, server) -> None:
    browser.get(server + "-/queries/sites-by-state")
    assert len(result_rows(browser)) == 27
    Select(browser.find_element(By.ID, "param-state")).select_by_value("Thüringen")  # a list of the 3 states
    submit(browser, "form.query-form")
    assert urlsplit(browser.current_url).query == "state=Th%C3%BCringen"
    assert set(result_column(browser, "federalStateName")) == {"Thüringen"}
    names = result_column(browser, "siteName")
    assert len(names) == 11
    assert {"Landeshauptstadt Erfurt", "Kyffhäuserkreis", "Stadt Weimar"} <= set(names)


def test_the_site_profile_form_shows_erfurts_motto(browser, server) -> None:
    browser.get(server + "-/queries/site-profile?lang=en")
    field = Select(browser.find_element(By.ID, "param-site"))  # a list of the 27 sites
    assert field.first_selected_option.get_attribute("value") == "site/dresden"
    field.select_by_value("site/erfurt")
    submit(browser, "form.query-form")
    assert "lang=en" in browser.current_url  # the hidden field keeps the language
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert set(result_column(browser, "motto")) == {ERFURT_MOTTO}
    assert set(result_column(browser, "coordinators")) == {"Birgit Schuster"}


def test_a_bad_value_keeps_the_form_and_names_the_parameter(browser, server) -> None:
    browser.get(server + "-/queries/evidence")
    field = browser.find_element(By.ID, "param-entity")
    field.clear()
    field.send_keys("not an iri")
    submit(browser, "form.query-form")
    assert browser.find_element(By.ID, "problem-entity").text == "»not an iri« ist keine gültige IRI."
    assert browser.find_element(By.ID, "param-entity").get_attribute("aria-invalid") == "true"
    assert not result_rows(browser)


def test_a_link_in_the_result_leads_to_the_resource_page(browser, server) -> None:
    browser.get(server + "-/queries/sites-by-state?" + "state=" + quote("Thüringen"))
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/id/site/erfurt"]').click()  # its label, "Landeshauptstadt Erfurt"
    WebDriverWait(browser, 30).until(replaced(page))
    assert urlsplit(browser.current_url).path == "/id/site/erfurt"
    assert "Erfurt" in browser.find_element(By.TAG_NAME, "h1").text
    assert ERFURT_MOTTO in browser.find_element(By.TAG_NAME, "main").text


def test_the_sparql_page_runs_a_typed_query(browser_without_javascript, server) -> None:
    browser_without_javascript.get(server + "-/sparql")
    area = browser_without_javascript.find_element(By.ID, "query")
    area.clear()
    area.send_keys(
        "PREFIX koko: <https://w3id.org/koko-kg/ontology#>\n"
        "SELECT ?name ?start WHERE { ?site koko:printedName ?name ; koko:programmeStart ?start . "
        'FILTER(STR(?start) = "2016-11") } ORDER BY ?name'
    )
    submit(browser_without_javascript, "form.sparql-form")
    names = result_column(browser_without_javascript, "name")
    assert len(names) == 6  # six sites started in November 2016
    assert "Landkreis Nordsachsen" in names
    assert browser_without_javascript.find_element(By.ID, "query").get_attribute("value").startswith("PREFIX koko:")
    download = browser_without_javascript.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert urlsplit(download).path == "/sparql"


def test_a_syntax_error_is_shown_with_the_query(browser_without_javascript, server) -> None:
    browser_without_javascript.get(server + "-/sparql")
    area = browser_without_javascript.find_element(By.ID, "query")
    area.clear()
    area.send_keys("SELECT ?s WHERE { ?s ?p }")
    submit(browser_without_javascript, "form.sparql-form")
    assert "1:" in browser_without_javascript.find_element(By.ID, "error").text
    assert browser_without_javascript.find_element(By.ID, "query").get_attribute("value") == "SELECT ?s WHERE { ?s ?p }"


PAGES = ("", "-/queries", "-/queries/site-profile?site=site/erfurt", "-/sparql", "id/site/erfurt")


NOT_LOADED = ("alternate", "canonical", "cite-as", "describedby", "type", "license", "item")


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_nothing_from_elsewhere(browser, server, page) -> None:
    browser.get(server + page)
    here = urlsplit(server).netloc
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in loaded if urlsplit(url).netloc != here] == []
    assert any(urlsplit(url).path == "/-/static/koko.css" for url in loaded)
    embedded = browser.find_elements(By.CSS_SELECTOR, "script[src], link[href], img[src], iframe[src], object[data]")
    for element in embedded:
        if element.tag_name == "link" and element.get_attribute("rel") in NOT_LOADED:
            continue  # links to other representations, and FAIR signposts, name things; a browser loads none
        source = element.get_attribute("src") or element.get_attribute("href") or element.get_attribute("data")
        assert urlsplit(source).netloc == here, source


def test_the_form_works_without_javascript(browser_without_javascript, server) -> None:
    driver = browser_without_javascript
    driver.get(server + "-/queries/sites-by-state")
    Select(driver.find_element(By.ID, "param-state")).select_by_visible_text("Sachsen")
    submit(driver, "form.query-form")
    assert len(result_rows(driver)) == 7
    assert "Vogtlandkreis" in result_column(driver, "siteName")


def test_javascript_is_really_off_in_that_browser(browser_without_javascript, server) -> None:
    """The control for the test above: a page script would not run."""
    driver = browser_without_javascript
    driver.get("data:text/html,<p id=p>static</p><script>document.getElementById('p').textContent='script'</script>")
    assert driver.find_element(By.ID, "p").text == "static"


@pytest.mark.parametrize(("lang", "skip"), [("de", "Zum Inhalt"), ("en", "Skip to content")])
def test_the_first_tab_reaches_the_skip_link_and_it_leads_to_the_content(browser, server, lang, skip) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server}-/queries?lang={lang}")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert (focused.get_attribute("class"), focused.text) == ("skip-link", skip)
    assert focused.rect["y"] >= 0  # shown once focused
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineWidth", focused)
    assert outline == "3px"  # the visible focus ring
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("-/queries", "queries"),
        ("-/queries/coordinators", "queries"),
        ("-/sparql", "sparql"),
        ("ontology", "ontology"),
        ("-/downloads", "downloads"),
        (".well-known/void", "void"),
        ("id/site/erfurt", None),
    ],
)
def test_the_navigation_marks_the_current_page(browser, server, page, current) -> None:
    browser.get(server + page)
    marked = browser.find_elements(By.CSS_SELECTOR, 'nav a[aria-current="page"]')
    expected = {
        "queries": "/-/queries",
        "sparql": "/-/sparql",
        "ontology": "/ontology",
        "downloads": "/-/downloads",
        "void": "/.well-known/void",
    }
    assert [urlsplit(a.get_attribute("href")).path for a in marked] == ([expected[current]] if current else [])
