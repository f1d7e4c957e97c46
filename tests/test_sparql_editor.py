"""The SPARQL page's editor (/-/sparql): our prefixes declared for the reader, readable parse errors with their
position, the terms to complete, the examples, and, in Chromium, the CodeMirror editor itself under the page's
Content-Security-Policy, and the same page without JavaScript."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from helpers import fetch
from koko.pages.render import STATIC
from koko.pages.sparql_editor import complete_prefixes, missing_prefixes, readable_error
from test_browser import CHROMEDRIVER, CHROMIUM, ERFURT_MOTTO, replaced, result_column, result_rows, start_browser, submit

BASE = "https://w3id.org/koko-kg/id/"
BUNDLE = STATIC / "vendor" / "codemirror-6.0.2" / "codemirror-sparql.js"
MOTTO_QUERY = "SELECT ?motto WHERE { site:erfurt koko:motto ?motto }"


def page(server: str, params: dict[str, str]) -> tuple[int, str]:
    answer = fetch(server, "-/sparql?" + urllib.parse.urlencode(params), "text/html")
    return answer.status, answer.text


@pytest.mark.parametrize(
    ("query", "missing"),
    [
        (MOTTO_QUERY, ["koko", "site"]),
        ("PREFIX koko: <https://w3id.org/koko-kg/ontology#>\nSELECT * { ?s a koko:Site }", []),
        ('SELECT * { ?s rdfs:label "koko:Site" } # schema:name', ["rdfs"]),
        ("SELECT * { ?s a <https://w3id.org/koko-kg/ontology#Site> ; foo:bar ?x }", []),
        ("SELECT ?x WHERE { ?x a koko:Site } ORDER BY ?x", ["koko"]),
    ],
    ids=["two", "declared", "in-string-and-comment", "unknown-and-iri", "variable"],
)
def test_missing_prefixes_are_the_known_ones_used_outside_strings(query: str, missing: list[str]) -> None:
    from koko.graph.prefixes import prefix_table

    assert missing_prefixes(query, dict(prefix_table(BASE))) == missing


def test_the_prefix_lines_go_after_the_leading_comments() -> None:
    completed = complete_prefixes("# title: Motto\n" + MOTTO_QUERY, BASE)
    assert completed.split("\n") == [
        "# title: Motto",
        "PREFIX koko: <https://w3id.org/koko-kg/ontology#>",
        f"PREFIX site: <{BASE}site/>",
        MOTTO_QUERY,
    ]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("de", "Zeile 1, Spalte 17 (1:17): das Präfix »foo:« ist nicht deklariert."),
        ("en", "Line 1, column 17 (1:17): the prefix foo: is not declared."),
    ],
)
def test_an_unknown_prefix_is_named_at_its_start(lang: str, message: str) -> None:
    error = readable_error(
        "syntax error: error at 1:25: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9']",
        "SELECT * { ?s a foo:Site }",
        lang,
    )
    assert (error.message, error.line, error.column) == (message, 1, 17)


def test_a_query_without_prefix_lines_finds_erfurts_motto(server: str) -> None:
    status, html = page(server, {"query": MOTTO_QUERY})
    assert status == 200
    assert ERFURT_MOTTO in html
    textarea = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', html, re.DOTALL)
    assert textarea
    assert textarea[1].startswith("PREFIX koko: &lt;https://w3id.org/koko-kg/ontology#&gt;\nPREFIX site:")


def test_a_parse_error_is_readable_and_carries_its_position(server: str) -> None:
    status, html = page(server, {"query": "SELECT ?s WHERE {\n  ?s ?p\n}", "lang": "en"})
    assert status == 400
    error = re.search(r'<p class="error" id="error" role="alert" data-line="(\d+)" data-column="(\d+)">(.*?)</p>', html)
    assert error
    assert (error[1], error[2]) == ("3", "1")  # at the brace where the object should be
    assert error[3].startswith("Error: Line 3, column 1 (3:1)")
    assert "syntax error, expected one of:" in error[3]
    assert '<pre class="error-context" aria-hidden="true"><code>}\n^</code></pre>' in html


def test_the_page_embeds_the_terms_and_loads_only_its_own_scripts(server: str) -> None:
    status, html = page(server, {})
    assert status == 200
    block = re.search(r'<script type="application/json" id="sparql-editor-data">(.*?)</script>', html, re.DOTALL)
    assert block
    data = json.loads(block[1])
    terms = {term["label"]: term for term in data["terms"]}
    assert terms["koko:Site"]["type"] == "class"
    assert terms["koko:Site"]["detail"] == "Standort"
    assert terms["koko:motto"]["type"] == "property"
    assert data["prefixes"]["koko"] == "https://w3id.org/koko-kg/ontology#"
    assert re.findall(r'<script src="([^"]+)"', html) == [
        "/-/static/vendor/codemirror-6.0.2/codemirror-sparql.js",
        "/-/static/koko-sparql.js",
    ]
    assert "<option value=" in html
    assert "Das Motto jedes Standorts" in html


def test_the_bundle_is_served_and_needs_no_eval() -> None:
    text = BUNDLE.read_text(encoding="utf-8")
    assert not re.search(r"\beval\(|new Function\(|\bFunction\(", text)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text.replace("http://www.w3.org/", "")), "no other host"
    assert (BUNDLE.parent / "LICENSE-codemirror").is_file()


# In Chromium


needs_chromium = pytest.mark.skipif(not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()), reason="needs Chromium and chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium"), javascript=True, console=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def plain_browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium-nojs"), javascript=False, console=True)
    yield driver
    driver.quit()


def editor(driver: WebDriver) -> WebElement:
    """The editor's content element, inside the shadow root of #query-editor."""
    host = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "query-editor"))
    return host.shadow_root.find_element(By.CSS_SELECTOR, ".cm-content")


def editor_text(driver: WebDriver) -> str:
    return str(driver.execute_script("return document.getElementById('query').value"))


def policy_violations(driver: WebDriver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]


@needs_chromium
def test_typing_with_completion_declares_the_prefix_and_runs(browser: WebDriver, server: str) -> None:
    browser.get(server + "-/sparql")
    content = editor(browser)
    content.click()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.DELETE).perform()
    ActionChains(browser).send_keys("SELECT ?site WHERE { ?site a koko:Sit").perform()
    host = browser.find_element(By.ID, "query-editor")
    option = WebDriverWait(browser, 10).until(
        lambda d: next(
            (
                o
                for o in host.shadow_root.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")
                if o.text.startswith("koko:Site")
            ),
            None,
        )
    )
    assert "Standort" in option.text
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    ActionChains(browser).send_keys(" }").perform()
    assert editor_text(browser).startswith(
        "PREFIX koko: <https://w3id.org/koko-kg/ontology#>\nSELECT ?site WHERE { ?site a koko:Site }"
    )
    page_element = browser.find_element(By.TAG_NAME, "html")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    WebDriverWait(browser, 30).until(replaced(page_element))
    assert len(result_rows(browser)) == 27
    assert "Landeshauptstadt Dresden" in " ".join(result_column(browser, "site"))
    assert policy_violations(browser) == []


@needs_chromium
def test_a_parse_error_is_marked_in_the_editor(browser: WebDriver, server: str) -> None:
    browser.get(server + "-/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE {\n  ?s a foo:Site\n}"}))
    editor(browser)
    host = browser.find_element(By.ID, "query-editor")
    marked = WebDriverWait(browser, 10).until(lambda d: host.shadow_root.find_elements(By.CSS_SELECTOR, ".cm-lintRange-error"))
    assert [m.text for m in marked] == ["foo:Site"]
    assert "Zeile 2, Spalte 8" in browser.find_element(By.ID, "error").text
    assert not browser.find_element(By.CSS_SELECTOR, ".error-context").is_displayed()  # the editor marks the spot instead
    assert policy_violations(browser) == []


@needs_chromium
def test_an_example_fills_the_editor(browser: WebDriver, server: str) -> None:
    browser.get(server + "-/sparql?lang=en")
    editor(browser)
    Select(browser.find_element(By.ID, "example")).select_by_visible_text("Each site's motto")
    assert "koko:motto ?motto" in editor_text(browser)
    assert "koko:motto ?motto" in editor(browser).text
    submit(browser, "form.sparql-form")
    assert any(ERFURT_MOTTO in motto for motto in result_column(browser, "motto"))


@needs_chromium
def test_without_javascript_the_plain_form_runs_a_query_without_prefixes(plain_browser: WebDriver, server: str) -> None:
    plain_browser.get(server + "-/sparql")
    assert plain_browser.find_elements(By.ID, "query-editor") == []
    area = plain_browser.find_element(By.ID, "query")
    area.clear()
    area.send_keys(MOTTO_QUERY)
    submit(plain_browser, "form.sparql-form")
    assert any(ERFURT_MOTTO in motto for motto in result_column(plain_browser, "motto"))
    assert plain_browser.find_element(By.ID, "query").get_attribute("value").startswith("PREFIX koko:")
