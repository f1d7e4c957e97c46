"""Resource pages beyond the asserted statements (issue 19, item 9): the switch to the OWL 2 RL
entailments, each marked as inferred, and the SHACL results that concern the resource."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from koko.checks.findings import Finding
from koko.pages.inferred import Checked, Derived, view_of
from koko.pages.linked_data import LinkedData, linked_data_of, resource_page
from koko.pages.render import make_renderer
from koko.pages.shacl_results import concerning, validation
from koko.pages.urls import Urls
from web_servers import WEB_SERVERS, hosting, site_folder

BASE = "https://w3id.org/koko-kg/id/"
ERFURT = BASE + "site/erfurt"
# Asserted: Erfurt koko:partner this role. koko:partner is an rdfs:subPropertyOf prov:wasAssociatedWith
# (ontology/koko.ttl), so OWL 2 RL entails Erfurt prov:wasAssociatedWith the role, and (its domain) a prov:Activity.
ROLE = BASE + "role/leitung-bildungsstadt-erfurt"
ENTAILED = f"<{ERFURT}> <http://www.w3.org/ns/prov#wasAssociatedWith> <{ROLE}>"
PROGRAMME = BASE + "programme/koko"


@pytest.fixture(scope="module")
def ld(published) -> LinkedData:
    return linked_data_of(published, make_renderer(Urls(published.config.base)))


def section(html: str, name: str) -> str:
    """The partial's section ``name`` (inferred or validation) of a page."""
    found = re.search(rf'<section class="[^"]*" id="{name}".*?</section>', html, re.DOTALL)
    assert found, name
    return found.group(0)


def test_the_entailment_is_not_in_the_release_but_is_computed(ld: LinkedData, published) -> None:
    asserted = published.files["koko.nq"].decode()
    assert f"<{ERFURT}> <https://w3id.org/koko-kg/ontology#partner> <{ROLE}>" in asserted
    assert ENTAILED not in asserted
    assert ld.derived is not None
    entailed = {str(t) for t in ld.derived.get().entailed[ox.NamedNode(ERFURT)]}
    assert ENTAILED in entailed
    assert f"<{ERFURT}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Activity>" in entailed


def test_the_asserted_view_is_the_default_and_shows_no_entailment(ld: LinkedData) -> None:
    html = resource_page(ld, ERFURT, "de")
    inferred = section(html, "inferred")
    assert "/id/role/leitung-bildungsstadt-erfurt" not in inferred
    assert "gefolgert</span>" not in html
    assert '<a href="/id/site/erfurt#inferred" aria-current="page">Nur angegebene Aussagen</a>' in inferred
    assert '<a href="/id/site/erfurt?view=inferred#inferred">Mit gefolgerten Aussagen</a>' in inferred


@pytest.mark.parametrize(("lang", "mark", "switch"), [("de", "gefolgert", ""), ("en", "inferred", "&amp;lang=en")])
def test_the_inferred_view_shows_the_entailment_marked(ld: LinkedData, lang: str, mark: str, switch: str) -> None:
    page = resource_page(ld, ERFURT, lang, view="inferred")
    other = "en" if lang == "de" else "de"
    assert f'href="/id/site/erfurt?view=inferred&amp;lang={other}"' in page  # the language switch keeps the view
    inferred = section(page, "inferred")
    row = re.search(
        r'<li class="inferred"><a href="/id/role/leitung-bildungsstadt-erfurt[^"]*"[^>]*>([^<]+)</a> (<span[^>]*>[^<]+</span>)',
        inferred,
    )
    assert row, inferred
    assert row.group(1) == ("Leiter der Bildungsstadt" if lang == "de" else "Head of the Education City")
    assert row.group(2).startswith('<span class="inferred-mark" title="')
    assert "OWL 2 RL" in row.group(2)
    assert row.group(2).endswith(f">{mark}</span>")
    assert f'href="/id/site/erfurt?view=inferred{switch}#inferred" aria-current="page"' in inferred


@pytest.fixture(scope="module")
def site(published) -> Iterator[Path]:
    with site_folder(published) as folder:
        yield folder


def test_the_static_site_writes_the_inferred_view_as_its_own_file(site: Path) -> None:
    asserted = (site / "id/site/erfurt.html").read_text(encoding="utf-8")
    inferred = (site / "id/site/erfurt.inferred.en.html").read_text(encoding="utf-8")
    assert ">gefolgert</span>" not in asserted
    assert ">inferred</span>" in section(inferred, "inferred")
    assert "Head of the Education City" in section(inferred, "inferred")
    assert not (site / "id/site/erfurt.inferred.ttl").exists()  # RDF is the asserted data


@pytest.fixture(scope="module", params=sorted(WEB_SERVERS))
def hosted(request: pytest.FixtureRequest, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with hosting(request.param, site, tmp_path_factory.mktemp(request.param)) as root:
        yield root


@pytest.mark.parametrize("path", ["/id/site/erfurt?view=inferred", "/id/site/erfurt?view=inferred&lang=en", "/id/site/erfurt"])
def test_the_static_site_answers_the_views_as_koko_serve_does(hosted: str, server: str, path: str) -> None:
    from helpers import fetch

    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    static, served = fetch(hosted, path, browser).body, fetch(server, path, browser).body
    assert static == served
    assert (b">gefolgert</span>" in static or b">inferred</span>" in static) == ("view=inferred" in path)


@pytest.mark.parametrize(
    ("value", "view"), [(None, "asserted"), ("inferred", "inferred"), ("INFERRED", "asserted"), ("x", "asserted")]
)
def test_the_view_parameter(value: str | None, view: str) -> None:
    assert view_of(value) == view


def test_erfurt_is_validated_without_findings(ld: LinkedData) -> None:
    validated = section(resource_page(ld, ERFURT, "de"), "validation")
    assert "validiert ✓ – keine Befunde" in validated
    assert "Beginn der Bildungskoordination in der Programmlaufzeit" in validated  # a plausibility shape on sites
    assert "validated ✓ – no findings" in section(resource_page(ld, ERFURT, "en"), "validation")


def test_eisenachs_status_note_is_shown_on_its_page(ld: LinkedData) -> None:
    """The release's one finding about a municipality: Eisenach's status ended in 2021 (severity Info)."""
    validated = section(resource_page(ld, BASE + "municipality/eisenach", "de"), "validation")
    assert "validiert" not in validated
    assert '<strong class="severity">Hinweis</strong>' in validated
    assert "Der amtliche Status dieser Kommune (und ihr Kreisschlüssel) gilt nicht mehr" in validated
    assert "<code>koko:validUntil</code>" in validated


def _violation_for_erfurt() -> Finding:
    """A plausibility result as pyshacl reports it: the focus is the programme, the value the site."""
    return Finding(
        severity="Violation",
        focus=URIRef(PROGRAMME),
        path=None,
        value=URIRef(ERFURT),
        component="SPARQLConstraintComponent",
        shape=URIRef("https://w3id.org/koko-kg/shapes#PostsWithinStateBoundsShape"),
        path_text="",
        message="A site has more or fewer posts than its state funds per municipality.",
        message_de="Ein Standort hat mehr oder weniger Personalstellen, als sein Land pro Kommune fördert.",
        graph=None,
    )


def test_a_finding_concerns_its_focus_and_its_value() -> None:
    other = dataclasses.replace(_violation_for_erfurt(), focus=URIRef(BASE + "site/dresden"), value=Literal(4))
    found = concerning([_violation_for_erfurt(), other])
    assert set(found) == {PROGRAMME, ERFURT, BASE + "site/dresden"}
    assert [f.focus for f in found[ERFURT]] == [URIRef(PROGRAMME)]


def test_a_violation_for_erfurt_is_shown_on_its_page(ld: LinkedData, published) -> None:
    real = ld.derived.get() if ld.derived else None
    assert real is not None
    checked = Checked(real.entailed, real.engine, validation([_violation_for_erfurt()], (), ("plausibility.shapes.ttl",)))
    broken = dataclasses.replace(ld, derived=Derived.of(checked, published.config))
    validated = section(resource_page(broken, ERFURT, "de"), "validation")
    assert "validiert" not in validated
    assert '<strong class="severity">Verstoß</strong>' in validated
    assert "Ein Standort hat mehr oder weniger Personalstellen, als sein Land pro Kommune fördert." in validated
    assert 'betrifft <a href="/id/programme/koko"' in validated  # the focus, another resource
    english = section(resource_page(broken, ERFURT, "en"), "validation")
    assert "Violation</strong>" in english
    assert "more or fewer posts" in english


def test_rdf_stays_the_asserted_data(ld: LinkedData) -> None:
    from koko.graph.format_table import rdf_format
    from koko.pages.linked_data import resource_rdf

    triples = resource_rdf(ld, ERFURT, rdf_format("nt")).decode()
    assert f"<{ERFURT}> <https://w3id.org/koko-kg/ontology#partner> <{ROLE}>" in triples
    assert ENTAILED not in triples


def test_the_server_switches_with_the_view_parameter(server: str) -> None:
    from helpers import fetch

    asserted = fetch(server + "id/site/erfurt").text
    inferred = fetch(server + "id/site/erfurt?view=inferred&lang=en").text
    assert ">gefolgert</span>" not in asserted
    assert "validiert ✓ – keine Befunde" in asserted
    assert ">inferred</span>" in section(inferred, "inferred")
    assert "Head of the Education City" in section(inferred, "inferred")
    assert ENTAILED not in fetch(server + "id/site/erfurt.nt?view=inferred").text  # RDF is the asserted data


def test_the_inferred_view_in_chromium(tmp_path: Path, server: str) -> None:
    from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("needs Chromium and chromedriver")
    from selenium.webdriver.common.by import By

    driver = start_browser(tmp_path / "chromium", javascript=False)
    try:
        driver.set_window_size(390, 900)
        driver.get(server + "id/site/erfurt")
        driver.find_element(By.LINK_TEXT, "Mit gefolgerten Aussagen").click()
        assert driver.current_url.endswith("/id/site/erfurt?view=inferred#inferred")
        current = driver.find_element(By.CSS_SELECTOR, '.view-switch a[aria-current="page"]')
        assert current.text == "Mit gefolgerten Aussagen"
        marks = driver.find_elements(By.CSS_SELECTOR, "li.inferred .inferred-mark")
        assert marks
        assert all(m.is_displayed() and m.text == "gefolgert" for m in marks)
        assert "validiert ✓ – keine Befunde" in driver.find_element(By.ID, "validation").text
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= driver.execute_script("return window.innerWidth")
    finally:
        driver.quit()
