"""The home page and the site pages as people read them, in headless Chromium (as tests/test_browser.py).

The site page opens with a summary box and groups its facts; values are formatted for people (no
``xsd:``, no ``@de``, no English enum words on German pages); the home page says in one sentence what
the dataset is and shows key figures counted from the release.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from test_browser import CHROMEDRIVER, CHROMIUM, ERFURT_MOTTO, start_browser

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER}",
)

KOKO = "PREFIX koko: <https://w3id.org/koko-kg/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> WebDriver:
    driver = start_browser(tmp_path_factory.mktemp("chromium-site"))
    yield driver
    driver.quit()


def visit(browser: WebDriver, server: str, path: str) -> WebDriver:
    browser.get(server.rstrip("/") + path)
    return browser


def count(store, where: str) -> int:
    [row] = list(store.query(KOKO + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True))
    return int(row["n"].value)


def summary(browser: WebDriver) -> dict[str, str]:
    box = browser.find_element(By.CSS_SELECTOR, ".site-summary")
    terms = [e.text for e in box.find_elements(By.TAG_NAME, "dt")]
    values = [e.text for e in box.find_elements(By.TAG_NAME, "dd")]
    return dict(zip(terms, values, strict=True))


def test_erfurts_summary_says_state_start_coordinator_and_motto(browser, server) -> None:
    facts = summary(visit(browser, server, "/id/site/erfurt"))
    assert facts["Bundesland"] == "Thüringen"
    assert facts["Art"] == "kreisfreie Stadt"
    assert facts["Amtlicher Kreisschlüssel"] == "16051"
    assert facts["Koordination seit"] == "Dezember 2016"
    assert facts["Bildungskoordination"] == "Birgit Schuster"
    assert facts["Organisationseinheit"] == "Stabsstelle Bildungsstadt Erfurt"
    assert ERFURT_MOTTO in facts["Motto"]
    person = browser.find_element(By.CSS_SELECTOR, ".site-summary a[href^='/id/person/']")
    assert (person.text, person.get_attribute("pathname")) == ("Birgit Schuster", "/id/person/birgit-schuster")


def test_the_english_summary_is_english(browser, server) -> None:
    facts = summary(visit(browser, server, "/id/site/erfurt?lang=en"))
    assert facts["Federal state"] == "Thuringia"
    assert facts["Coordinating since"] == "December 2016"
    motto = browser.find_element(By.CSS_SELECTOR, ".site-summary q")
    assert motto.get_attribute("lang") == "de"


def test_a_landkreis_is_named_as_one(browser, server) -> None:
    facts = summary(visit(browser, server, "/id/site/goerlitz"))
    assert facts["Art"] == "Landkreis"
    assert facts["Bundesland"] == "Sachsen"


def test_sections_come_in_reading_order(browser, server) -> None:
    visit(browser, server, "/id/site/erfurt")
    ids = [e.get_attribute("id") for e in browser.find_elements(By.CSS_SELECTOR, "main section[id]")]
    ours = [i for i in ids if i in {"people", "administration", "answers", "results", "links", "more"}]
    assert ours == ["people", "administration", "answers", "results", "links", "more"]
    assert ids.index("more") < ids.index("referenced-by")  # the provenance parts stay at the bottom
    assert not browser.find_elements(By.ID, "properties")  # no A–Z table of everything


def test_a_passage_supporting_several_facts_is_printed_once_per_section(browser, server) -> None:
    visit(browser, server, "/id/site/erfurt")
    links = browser.find_element(By.ID, "links")
    passage = "in bestehende Netzwerke für Integration und Ehrenamt, Sozialraumplanung und in viele kommunale Gremien"
    quotes = [q.text for q in links.find_elements(By.TAG_NAME, "blockquote")]
    assert sum(passage in q for q in quotes) == 1
    pointers = links.find_elements(By.CSS_SELECTOR, ".same-passage a[href^='#links-quote-']")
    assert len(pointers) >= 2  # the networks the same sentence names
    target = pointers[0].get_attribute("hash")[1:]
    assert passage in browser.find_element(By.ID, target).text


def test_the_shared_initiatives_name_the_other_sites(browser, server) -> None:
    visit(browser, server, "/id/site/magdeburg")
    shared = browser.find_element(By.CSS_SELECTOR, "#links .shared-with").text
    assert "Bildung integriert" in shared
    assert "Wittenberg" in shared


@pytest.mark.parametrize("path", ["/id/site/erfurt", "/id/site/goerlitz?lang=en", "/id/event/integrationsmesse-goerlitz-2019"])
def test_no_datatype_or_language_tags_are_shown(browser, server, path) -> None:
    text = visit(browser, server, path).find_element(By.TAG_NAME, "main").text
    assert "xsd:" not in text
    assert "@de" not in text
    assert "IRI:" not in text
    formatted = browser.find_elements(By.CSS_SELECTOR, "main data[title^='xsd:']")
    assert formatted  # the datatype is still there, for the curious
    assert all(d.get_attribute("value") for d in formatted)


def test_dates_and_figures_are_written_for_people(browser, server) -> None:
    text = visit(browser, server, "/id/site/erfurt").find_element(By.TAG_NAME, "main").text
    assert "Dezember 2016" in text
    assert "2016-12" not in text
    assert "Kennung (für Verweise)" in text
    award = visit(browser, server, "/id/award/preis-zusammenleben-hand-in-hand-2018-burgenlandkreis")
    assert "10.000" in award.find_element(By.TAG_NAME, "main").text
    english = visit(browser, server, "/id/award/preis-zusammenleben-hand-in-hand-2018-burgenlandkreis?lang=en")
    assert "10,000" in english.find_element(By.TAG_NAME, "main").text


@pytest.mark.parametrize("path", ["/id/site/erfurt", "/id/programme/lernen-vor-ort", "/id/programme/bildung-integriert"])
def test_german_pages_show_no_english_level_words(browser, server, path) -> None:
    text = visit(browser, server, path).find_element(By.TAG_NAME, "main").text
    assert "federal" not in text.split()


def test_the_home_page_says_what_this_is(browser, server) -> None:
    lead = visit(browser, server, "/").find_element(By.CSS_SELECTOR, "p.lead").text
    assert lead.startswith("Wissensgraph zur Broschüre »Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte«")
    assert "27 Kommunen in Sachsen, Sachsen-Anhalt und Thüringen" in lead
    assert "wer, seit wann, wo in der Verwaltung, mit welchen Ergebnissen" in lead
    quote = browser.find_element(By.CSS_SELECTOR, "figure.introduction blockquote").text
    assert not quote[:1].islower()


def test_the_home_page_figures_are_the_releases_counts(browser, server, release_store) -> None:
    visit(browser, server, "/")
    figures = {
        li.find_element(By.TAG_NAME, "strong").text: li.find_element(By.TAG_NAME, "a").get_attribute("pathname")
        for li in browser.find_elements(By.CSS_SELECTOR, "ul.key-figures li")
    }

    def shown(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    sites = count(release_store, "?x a koko:Site")
    coordinators = count(release_store, "?post a koko:CoordinatorPost ; org:heldBy ?x")
    evidence = count(release_store, "?x a koko:Evidence")
    products = count(release_store, "?x a koko:Product")
    assert figures[shown(sites)] == "/id/site/"
    assert figures[shown(coordinators)] == "/-/queries/coordinators"
    assert figures[shown(evidence)] == "/id/evidence/"
    assert figures[shown(products)] == "/id/product/"
    assert shown(len(release_store)) in figures  # the triples, linked to the downloads
    by_state = browser.find_element(By.CSS_SELECTOR, "ul.key-figures .by-state").text
    thueringen = count(
        release_store, "?x a koko:Site ; koko:municipality/koko:federalState <https://w3id.org/koko-kg/id/state/thueringen>"
    )
    assert f"Thüringen {thueringen}" in by_state


def test_the_english_home_page_says_it_in_english(browser, server) -> None:
    lead = visit(browser, server, "/?lang=en").find_element(By.CSS_SELECTOR, "p.lead")
    assert lead.text.startswith("A knowledge graph of the brochure")
    assert "27 municipalities in Saxony, Saxony-Anhalt and Thuringia" in lead.text
    title = lead.find_element(By.CSS_SELECTOR, "span[lang='de']")
    assert "Kommunale Koordinierung" in title.text
