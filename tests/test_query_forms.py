"""Canned-query forms for people: lists of the release's sites, states, programmes, product types and
statuses; a typed name resolved by its label (case, accents and umlauts folded) with "did you mean";
problems at their field in the page's language; titles, help and column headers in German and English
(the ``.rq`` headers); and one browser test that picks a site from the list."""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import fetch
from koko.config import load_config
from koko.errors import KokoError
from koko.pages.query_forms import Option, folded, load_choices, match, problem_text, resolve
from koko.sparql.canned import list_canned, parse_header

ERFURT_MOTTO = "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"
CONFIG = load_config(environ={})
CANNED = list_canned(CONFIG.queries)
BASE = CONFIG.base


def get(server: str, path: str, params: dict[str, str] | None = None) -> tuple[int, str]:
    answer = fetch(server, path + (f"?{urllib.parse.urlencode(params)}" if params else ""), "text/html")
    return answer.status, answer.text


class _Page(HTMLParser):
    """The options of each <select> (by id), the result table's header and rows, each field's problem, and the
    text of <main> outside any element with lang="en" (what a German reader meets untranslated)."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str, str]]] = {}
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.problems: dict[str, str] = {}
        self.suggestions: dict[str, list[str]] = {}
        self.german: list[str] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._select: str | None = None
        self._cell: str | None = None
        self._problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag not in ("input", "br", "img", "meta", "link", "hr", "wbr", "col", "source"):
            self._stack.append((tag, attributes))
        if tag == "select":
            self._select = attributes["id"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append((attributes.get("value") or "", ""))
        elif tag == "th":
            self._cell = "th"
            self.header.append("")
        elif tag == "tr" and any(t == "tbody" for t, _ in self._stack):
            self.rows.append([])
        elif tag == "td":
            self._cell = "td"
            self.rows[-1].append("")
        elif tag == "strong" and "problem" in (attributes.get("class") or ""):
            self._problem = attributes["id"].removeprefix("problem-")
            self.problems[self._problem] = ""
            self.suggestions[self._problem] = []
        elif tag == "a" and self._problem:
            self.suggestions[self._problem].append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        if tag == "select":
            self._select = None
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "strong":
            self._problem = None

    def handle_data(self, data: str) -> None:
        if self._select and self.selects[self._select] and any(t == "option" for t, _ in self._stack):
            value, text = self.selects[self._select][-1]
            self.selects[self._select][-1] = (value, text + data)
        if self._cell == "th":
            self.header[-1] += data
        elif self._cell == "td":
            self.rows[-1][-1] += data
        if self._problem:
            self.problems[self._problem] += data
        in_main = any(t == "main" for t, _ in self._stack)
        marked = any(a.get("lang") == "en" for _, a in self._stack)
        hidden = any(t in ("script", "style", "code", "pre") for t, _ in self._stack)
        if in_main and not marked and not hidden and data.strip():
            self.german.append(data.strip())


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def column(page: _Page, name: str) -> list[str]:
    index = page.header.index(name)
    return [row[index].strip() for row in page.rows]


# The .rq headers


def test_every_canned_query_has_german_title_description_help_and_column_names() -> None:
    for canned in CANNED:
        assert canned.title_de, canned.name
        assert canned.description_de, canned.name
        assert all(p.description_de for p in canned.parameters), canned.name
        variables = re.search(r"^SELECT (.*?)^WHERE", canned.text, re.MULTILINE | re.DOTALL)
        assert variables, canned.name
        named = {c.name for c in canned.columns}
        projected = set(re.findall(r"(?:^|\s|AS )\?(\w+)", re.sub(r"\([^()]*(?:\([^()]*\))*[^()]*\) AS", " AS", variables[1])))
        assert projected <= named, (canned.name, projected - named)


def test_the_old_header_still_reads_and_the_new_keys_are_checked() -> None:
    old = parse_header("# title: T\n# description: D\n# param: x (string): an x\n# example: e\nSELECT ?x {}", None, "q")
    assert (old.title_in("de"), old.is_in("de"), old.parameters[0].help("de"), old.parameters[0].kind) == (
        "T",
        False,
        "an x",
        None,
    )
    new = parse_header(
        "# title: T\n# title.de: Titel\n# description: D\n# description.de: B\n# param: s (iri, optional, site): the site\n"
        "# param.de: s: der Standort\n# column: s = Standort | Site\n# example: e\nSELECT ?s {}",
        None,
        "q",
    )
    assert (new.title_in("de"), new.title_in("en"), new.parameters[0].kind, new.parameters[0].help("de")) == (
        "Titel",
        "T",
        "site",
        "der Standort",
    )
    assert new.column_labels("de") == {"s": "Standort"}
    assert new.column_labels("en") == {"s": "Site"}
    with pytest.raises(KokoError, match="column"):
        parse_header("# title: T\n# description: D\n# column: nope = A | B\n# example: e\nSELECT ?s {}", None, "q")


# Choices and resolution by label, on the release


@pytest.fixture(scope="module")
def choices(published) -> dict[str, tuple[Option, ...]]:
    return load_choices(lambda q: list(published.store.query(q, use_default_graph_as_union=True)), BASE)


def test_the_lists_hold_the_27_sites_and_3_states(choices) -> None:
    assert len(choices["site"]) == 27
    assert [o.value for o in choices["state"]] == ["Sachsen", "Sachsen-Anhalt", "Thüringen"]
    assert [o.en for o in choices["state"]] == ["Saxony", "Saxony-Anhalt", "Thuringia"]
    assert "Bildung integriert" in {o.value for o in choices["programme"]}
    assert {"overview", "info-tool", "brochure"} <= {o.value for o in choices["product-type"]}
    assert {"planned", "cancelled"} <= {o.value for o in choices["status"]}


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Erfurt", "site/erfurt"),
        ("erfurt", "site/erfurt"),
        ("Landeshauptstadt Erfurt", "site/erfurt"),
        ("site/erfurt", "site/erfurt"),
        (BASE + "site/erfurt", "site/erfurt"),
        ("Görlitz", "site/goerlitz"),
        ("Goerlitz", "site/goerlitz"),
        ("gorlitz", "site/goerlitz"),
        ("Dresden", "site/dresden"),
    ],
)
def test_a_site_typed_by_name_is_resolved(choices, typed, value) -> None:
    found = match(typed, choices["site"], BASE)
    assert isinstance(found, Option)
    assert found.value == value


def test_erfurd_suggests_erfurt(choices) -> None:
    code, suggestions = match("Erfurd", choices["site"], BASE)
    assert code == "no-match"
    assert suggestions[0].value == "site/erfurt"
    assert problem_text(resolve(CANNED_BY_NAME["site-profile"], {"site": "Erfurd"}, choices, BASE)[1][0], "de") == (
        "»Erfurd« ist kein Standort dieser Daten."
    )


def test_a_name_of_several_sites_asks_which(choices) -> None:
    code, suggestions = match("Landkreis", choices["site"], BASE)
    assert code == "ambiguous"
    assert "site/goerlitz" in {o.value for o in suggestions}


def test_programmes_states_and_statuses_are_found_by_any_of_their_names(choices) -> None:
    assert match("rümsa", choices["programme"], BASE).value == "Regionales Übergangsmanagement Sachsen-Anhalt"
    assert match("Thuringia", choices["state"], BASE).value == "Thüringen"
    assert match("thueringen", choices["state"], BASE).value == "Thüringen"
    assert match("abgesagt", choices["status"], BASE).value == "cancelled"
    assert folded("Sächsische Schweiz-Osterzgebirge") == "sachsische schweiz osterzgebirge"


CANNED_BY_NAME = {canned.name: canned for canned in CANNED}


# The pages


def test_site_profile_with_erfurt_gives_erfurts_rows(server) -> None:
    status, html = get(server, "/-/queries/site-profile", {"site": "Erfurt"})
    assert status == 200
    page = parsed(html)
    assert set(column(page, "Motto")) == {ERFURT_MOTTO}
    assert set(column(page, "Koordination")) == {"Birgit Schuster"}
    assert len(page.rows) == 3
    assert ("site/erfurt", "Landeshauptstadt Erfurt") in page.selects["param-site"]
    assert re.search(r'<option value="site/erfurt" selected>', html)


def test_the_select_lists_hold_27_sites_and_3_states(server) -> None:
    sites = parsed(get(server, "/-/queries/site-profile")[1]).selects["param-site"]
    assert len(sites) == 27  # a required parameter with a default: no empty choice
    states = parsed(get(server, "/-/queries/sites-by-state")[1]).selects["param-state"]
    assert states == [
        ("", "(keine Auswahl)"),
        ("Sachsen", "Sachsen"),
        ("Sachsen-Anhalt", "Sachsen-Anhalt"),
        ("Thüringen", "Thüringen"),
    ]
    english = parsed(get(server, "/-/queries/sites-by-state", {"lang": "en"})[1]).selects["param-state"]
    assert [label for _, label in english] == ["(none chosen)", "Saxony", "Saxony-Anhalt", "Thuringia"]


def test_a_list_names_the_site_in_the_german_column(server) -> None:
    page = parsed(get(server, "/-/queries/sites-by-state", {"state": "Thuringia"})[1])
    assert set(column(page, "Bundesland")) == {"Thüringen"}
    assert len(page.rows) == 11


def test_erfurd_is_a_400_with_the_problem_at_its_field_and_erfurt_suggested(server) -> None:
    status, html = get(server, "/-/queries/site-profile", {"site": "Erfurd"})
    assert status == 400
    page = parsed(html)
    assert page.problems["site"].startswith("»Erfurd« ist kein Standort dieser Daten. Meinten Sie: Landeshauptstadt Erfurt")
    assert "site=site%2Ferfurt" in page.suggestions["site"][0]
    assert 'aria-describedby="help-site problem-site"' in html
    assert not page.rows  # no silent "0 Zeilen"
    english = parsed(get(server, "/-/queries/site-profile", {"site": "Erfurd", "lang": "en"})[1])
    assert english.problems["site"].startswith("»Erfurd« is no site of this data. Did you mean: KoKo site Erfurt")


def test_a_download_with_an_unknown_site_is_a_plain_400(server) -> None:
    answer = fetch(server, "/-/queries/site-profile?site=Erfurd&format=csv", "*/*")
    assert answer.status == 400
    assert answer.text.startswith("site: »Erfurd« is no site of this data.")
    ok = fetch(server, "/-/queries/site-profile?site=Erfurt&format=csv", "*/*")
    assert ok.status == 200
    assert ERFURT_MOTTO in ok.text


def test_a_type_problem_is_said_at_the_field_in_german(server) -> None:
    status, html = get(server, "/-/queries/evidence", {"entity": "not an iri"})
    assert status == 400
    assert parsed(html).problems["entity"] == "»not an iri« ist keine gültige IRI."


@pytest.mark.parametrize("name", [c.name for c in CANNED])
def test_the_english_page_shows_english_titles_and_columns(server, name) -> None:
    canned = CANNED_BY_NAME[name]
    html = get(server, f"/-/queries/{name}", {"lang": "en"})[1]
    assert f"<h1>{canned.title}</h1>" in html.replace("&#39;", "'")
    page = parsed(html)
    labels = canned.column_labels("en")
    assert page.header == [labels.get(v, v) for v in _variables(html)]


def _variables(html: str) -> list[str]:
    return re.findall(r'<th scope="col" data-variable="(\w+)"', html)


@pytest.mark.parametrize("name", ["", *[c.name for c in CANNED]])
def test_no_english_on_the_german_query_pages_without_lang(server, name) -> None:
    html = get(server, f"/-/queries/{name}".rstrip("/"))[1]
    german = " ".join(parsed(html).german)
    for canned in CANNED:  # no English title or help of any query
        for text in (canned.title, canned.description, *(p.description for p in canned.parameters)):
            if text not in (canned.title_de, canned.description_de):
                assert text not in german, (name, text)
    for word in ("Run query", "Result", "Examples", "Query text", "(string", "(iri", "rows", "Error", "default"):
        assert word not in german, (name, word)
    if name:
        assert f"<h1>{CANNED_BY_NAME[name].title_de}</h1>" in html


def test_the_queries_list_is_german_and_english(server) -> None:
    german = get(server, "/-/queries")[1]
    assert "Profil eines Standorts" in german
    assert "Standort <code>site</code> (IRI, Vorgabe" in german
    english = get(server, "/-/queries", {"lang": "en"})[1]
    assert "Site profile" in english
    assert "Profil eines Standorts" not in english


def test_the_cli_takes_the_same_values(tmp_path: Path) -> None:
    from helpers import koko

    result = koko("query", "site-profile", "--param", "site=site/erfurt", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ERFURT_MOTTO in result.output


# In the browser


def test_choosing_erfurt_from_the_list_shows_its_motto(server, tmp_path_factory) -> None:
    test_browser = pytest.importorskip("test_browser")
    if not (test_browser.CHROMIUM.is_file() and test_browser.CHROMEDRIVER.is_file()):
        pytest.skip("no Chromium")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    driver = test_browser.start_browser(tmp_path_factory.mktemp("chromium-forms"), javascript=False)
    try:
        driver.get(server + "-/queries/site-profile")
        Select(driver.find_element(By.ID, "param-site")).select_by_visible_text("Landeshauptstadt Erfurt")
        test_browser.submit(driver, "form.query-form")
        assert urllib.parse.urlsplit(driver.current_url).query == "site=site%2Ferfurt"
        assert set(test_browser.result_column(driver, "motto")) == {ERFURT_MOTTO}  # the column "Motto"
        assert Select(driver.find_element(By.ID, "param-site")).first_selected_option.text == "Landeshauptstadt Erfurt"
    finally:
        driver.quit()


@pytest.mark.parametrize(
    ("failure", "de", "en"),
    [
        ("timeout", "Die Abfrage dauerte zu lange und wurde abgebrochen.", "The query took too long and was stopped."),
        (
            "busy",
            "Der Server ist gerade ausgelastet; bitte gleich noch einmal versuchen.",
            "The server is busy; please try again shortly.",
        ),
        (
            "store",
            "Der Datenspeicher antwortet nicht; bitte später noch einmal versuchen.",
            "The data store does not answer; please try again later.",
        ),
    ],
)
def test_no_answer_is_said_in_the_page_language(failure, de, en) -> None:
    from koko.pages.query_pages import no_answer_text
    from koko.sparql.execution import NoAnswer, QueryTimeout, WorkersBusy

    exc = {"timeout": QueryTimeout("took longer than 3 s"), "busy": WorkersBusy("all busy"), "store": NoAnswer("unreachable")}[
        failure
    ]
    assert (no_answer_text(exc, "de"), no_answer_text(exc, "en")) == (de, en)


def test_english_codes_in_a_result_are_marked_on_the_german_page(server) -> None:
    html = get(server, "/-/queries/products-by-type")[1]
    assert re.search(r'<td class="literal" data-label="Beziehung" data-variable="relation" lang="en">produced</td>', html)
    german = " ".join(parsed(html).german)
    assert "produced" not in german
    assert "Broschüre" in html  # the German name of the type, in the list
    english = get(server, "/-/queries/products-by-type", {"lang": "en"})[1]
    assert re.search(r'<td class="literal" data-label="Relation" data-variable="relation">produced</td>', english)
