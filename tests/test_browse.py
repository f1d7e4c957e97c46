"""Browsing (issue 19): a list page per class at the IRI namespace path (``/id/site/``) or under
``/-/classes``, the index of them linked from the navigation and the ontology, breadcrumbs, and a 404 in
the page's language that suggests the closest pages; on koko serve with three bases, and on the static
site in Chromium (its suggestions come from a script)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from helpers import fetch
from koko.config import load_config
from koko.release.build import assemble
from koko.release.published import publish_knowledge
from koko.web.config import load_server_config
from koko.web.serve import running
from tools import free_port
from web_servers import WEB_SERVERS, hosting, site_folder

HTML = "text/html"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def list_items(html: str) -> list[str]:
    lists = "".join(re.findall(r'<section class="browse-list">(.*?)</section>', main_of(html), re.S))
    return [text_of(item).strip() for item in re.findall(r"<li>(.*?)</li>", lists, re.S)]


@pytest.fixture(scope="module", params=["default", "root", "path"])
def hosted(request: pytest.FixtureRequest, published) -> Iterator[tuple[str, str]]:
    """(server root, path prefix of the data's IRIs) for each kind of base."""
    if request.param == "default":
        settings = load_server_config({"port": 0, "processes": 1, "timeout": 5}, {})
        with running(published, settings) as url:
            yield url.rstrip("/"), "/id/"
        return
    port = free_port()
    prefix = "/" if request.param == "root" else "/daten/koko/"
    config = load_config(f"http://127.0.0.1:{port}{prefix}", environ={})
    settings = load_server_config({"port": port, "processes": 1, "timeout": 5}, {})
    with running(publish_knowledge(config, assemble(config)), settings) as url:
        yield url.rstrip("/"), prefix


def test_the_namespace_path_lists_the_27_sites_with_their_state(hosted) -> None:
    root, prefix = hosted
    answer = fetch(root, prefix + "site/", HTML)
    assert answer.status == 200
    items = list_items(answer.text)
    assert len(items) == 27
    assert any(i.startswith("Landeshauptstadt Erfurt") and "Thüringen" in i and "Dezember 2016" in i for i in items)
    assert f'href="{prefix}site/erfurt"' in answer.text


def test_the_sites_are_in_german_order(server) -> None:
    names = [i.split(" Sachsen")[0].split(" Thüringen")[0] for i in list_items(fetch(server, "id/site/", HTML).text)]
    folded = [n.lower().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss") for n in names]
    assert folded == sorted(folded)
    assert names.index("Landkreis Görlitz") < names.index("Landkreis Hildburghausen")


def test_the_people_list_names_eva_eisoldt_and_her_site(server) -> None:
    answer = fetch(server, "id/person/?lang=en", HTML)
    assert answer.status == 200
    assert any(i.startswith("Eva Eisoldt") and "Ilm-Kreis" in i for i in list_items(answer.text))
    assert "<h1>People</h1>" in answer.text


def test_a_class_without_its_own_segment_is_listed_under_classes(server) -> None:
    answer = fetch(server, "-/classes/Concept", HTML)
    assert answer.status == 200
    assert "<h1>Begriffe</h1>" in answer.text
    assert fetch(server, "-/classes/Site", HTML).status == 404  # its list is /id/site/


def test_a_segment_of_several_classes_lists_each(server) -> None:
    page = fetch(server, "id/org/", HTML).text
    assert "Partnerorganisationen (80)" in text_of(page)
    assert "Organisationen (3)" in text_of(page)


def test_the_index_counts_every_list_and_the_navigation_links_it(server) -> None:
    page = fetch(server, "-/classes", HTML).text
    assert re.search(r'<a href="/id/site/">Standorte</a>[^\n]*<td class="number">27</td>', page)
    assert re.search(r'<a href="/id/person/">Personen</a>[^\n]*<td class="number">36</td>', page)
    home = fetch(server, "?lang=en", HTML).text
    assert '<a href="/-/classes?lang=en">Browse</a>' in home


def test_the_ontology_links_its_instance_counts_to_the_lists(server) -> None:
    page = fetch(server, "ontology?lang=en", HTML).text
    section = page[page.index('id="Site"') :]
    assert '<a href="/id/site/?lang=en">27 instances</a>' in section[: section.index("</section>")]


def test_an_rdf_client_asking_for_a_list_is_told_where_the_data_is(server) -> None:
    answer = fetch(server, "id/site/", "text/turtle")
    assert answer.status == 406
    assert "/sparql" in answer.text
    assert answer.headers["vary"].startswith("Accept")


def test_erfurt_has_breadcrumbs(server) -> None:
    page = fetch(server, "id/site/erfurt", HTML).text
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Brotkrumen"><ol>(.*?)</ol></nav>', page)
    assert crumbs is not None
    assert text_of(crumbs.group(1)).split() == ["Start", "Standorte", "Landeshauptstadt", "Erfurt"]
    assert '<a href="/id/site/">Standorte</a>' in crumbs.group(1)
    english = fetch(server, "id/site/erfurt?lang=en", HTML).text
    assert 'aria-label="Breadcrumb"' in english
    assert '<a href="/id/site/?lang=en">Sites</a>' in english


def test_a_list_has_breadcrumbs(server) -> None:
    page = fetch(server, "id/site/", HTML).text
    assert '<li><a href="/">Start</a></li><li><a href="/-/classes">Verzeichnis</a></li>' in page


@pytest.mark.parametrize(
    ("query", "heading", "message"),
    [
        ("", "Nicht gefunden", "gibt es in diesem Wissensgraphen nicht"),
        ("?lang=en", "Not found", "is not in this knowledge graph"),
    ],
)
def test_a_mistyped_site_is_not_found_in_the_pages_language_with_erfurt_suggested(hosted, query, heading, message) -> None:
    root, prefix = hosted
    answer = fetch(root, prefix + "site/erfrut" + query, HTML)
    assert answer.status == 404
    page = answer.text
    assert f"<h1>{heading}</h1>" in page
    assert message in page
    suggestions = re.search(r'<ul class="suggestions">(.*?)</ul>', page, re.S)
    assert suggestions is not None
    links = re.findall(r'<a href="([^"]+)"', suggestions.group(1))
    assert 1 <= len(links) <= 5
    assert links[0] == prefix + "site/erfurt" + query
    assert not [link for link in links if link.startswith(prefix + "graph/")]  # the site, not also its graphs
    other = "?lang=de" if query else "?lang=en"
    assert f'<a class="language-switch" href="{prefix}site/erfrut{other}"' in page  # the same 404, other language
    if query:
        assert "not a resource" not in page  # the server's English detail is for programs only


def test_a_program_gets_the_404_as_text(server) -> None:
    answer = fetch(server, "id/site/erfrut", "text/turtle")
    assert answer.status == 404
    assert answer.media_type == "text/plain"


def test_the_static_site_writes_each_list_as_its_folders_index_and_a_404_that_suggests(published) -> None:
    from koko.site.static_site import site_files

    files, _ = site_files(published)
    assert "Landeshauptstadt Erfurt" in files["id/site/index.html"].decode()
    assert "<h1>People</h1>" in files["id/person/index.en.html"].decode()
    assert "koko-not-found.js" in files["404.html"].decode()
    assert "-/classes/Concept.html" in files
    assert "location ~ /$" in files["nginx.conf"].decode()


@pytest.fixture(scope="module")
def static_site(published) -> Iterator[Path]:
    with site_folder(published) as folder:
        yield folder


@pytest.fixture(scope="module", params=sorted(WEB_SERVERS))
def static_root(request: pytest.FixtureRequest, static_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with hosting(request.param, static_site, tmp_path_factory.mktemp(request.param)) as root:
        yield root


@pytest.mark.parametrize(("query", "heading"), [("", "<h1>Standorte</h1>"), ("?lang=en", "<h1>Sites</h1>")])
def test_the_static_sites_namespace_path_is_the_list_in_its_language(static_root: str, query: str, heading: str) -> None:
    answer = fetch(static_root, "id/site/" + query, HTML)
    assert answer.status == 200
    assert heading in answer.text
    assert len(list_items(answer.text)) == 27


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory):
    from test_browser import start_browser

    driver = start_browser(tmp_path_factory.mktemp("chromium-browse"))
    yield driver
    driver.quit()


def suggested(driver) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.suggestions a"))
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ul.suggestions a")]


def test_the_static_404_suggests_erfurt_by_script(chromium, static_root: str) -> None:
    chromium.get(static_root + "/id/site/erfrut")
    names = suggested(chromium)
    assert "Landeshauptstadt Erfurt" in names
    assert len(names) <= 5


def test_a_reader_follows_the_breadcrumb_from_erfurt_to_the_sites(chromium, server: str) -> None:
    from selenium.webdriver.common.by import By

    chromium.get(server + "id/site/erfurt")
    chromium.find_element(By.CSS_SELECTOR, "nav.breadcrumbs a[href='/id/site/']").click()
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Standorte"
    chromium.get(server + "id/site/erfrut")
    assert suggested(chromium)[0] == "Landeshauptstadt Erfurt"
