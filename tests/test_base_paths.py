"""Every IRI of the data resolves at its own path, whatever base the data was built with: the default
w3id base (w3id.org redirects ``/koko-kg/…`` to the host, so it maps onto ``/id/``), a base at the server's
root and a base under a path. On ``koko serve`` and on the static site's nginx and Apache rules, each
fetching the IRI exactly as the data mints it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from helpers import call, fetch, koko
from koko.config import DEFAULT_BASE, load_config
from koko.release.build import assemble
from koko.release.published import Published, publish_knowledge
from koko.web.config import load_server_config
from koko.web.serve import running
from tools import free_port
from web_servers import WEB_SERVERS, hosting, site_folder

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROGRAMME_START = URIRef("https://w3id.org/koko-kg/ontology#programmeStart")
#: Base IRI of each case; {port} is the port the server listens on.
BASES = {
    "default": DEFAULT_BASE,
    "root": "http://127.0.0.1:{port}/",
    "path": "http://127.0.0.1:{port}/daten/koko/",
}


@dataclass(frozen=True)
class Hosted:
    root: str  # the server's root URL, without the trailing '/'
    base: str  # the data's base IRI

    def url(self, local: str) -> str:
        """Where the IRI ``base + local`` is fetched: at the base's own path (for ``koko serve``, whose port
        the base names, the IRI itself), except behind the w3id redirect, which maps onto ``/id/``."""
        if self.base == DEFAULT_BASE:
            return f"{self.root}/id/{local}"
        return self.root + urlsplit(self.base).path + local


def release_with(base: str) -> Published:
    config = load_config(base, environ={})
    return publish_knowledge(config, assemble(config))


@pytest.fixture(scope="module", params=sorted(BASES))
def base_case(request: pytest.FixtureRequest, published) -> tuple[int, Published]:
    port = free_port()
    base = BASES[request.param].format(port=port)
    return port, (published if base == DEFAULT_BASE else release_with(base))


@pytest.fixture(scope="module")
def served(base_case: tuple[int, Published]) -> Iterator[Hosted]:
    port, release = base_case
    settings = load_server_config({"port": port, "processes": 1, "timeout": 5}, {})
    with running(release, settings) as url:
        yield Hosted(url.rstrip("/"), release.config.base)


@pytest.fixture(scope="module", params=sorted(WEB_SERVERS))
def static(
    request: pytest.FixtureRequest, base_case: tuple[int, Published], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hosted]:
    _, release = base_case
    with site_folder(release) as site, hosting(request.param, site, tmp_path_factory.mktemp(request.param)) as root:
        yield Hosted(root, release.config.base)


def erfurt_start(answer_body: bytes, iri: str) -> object:
    graph = Graph().parse(data=answer_body, format="turtle")
    return graph.value(URIRef(iri), PROGRAMME_START)


def test_a_site_iri_answers_its_turtle_with_the_brochure_facts(served: Hosted) -> None:
    answer = call(served.url("site/erfurt"), Accept="text/turtle")
    assert answer.status == 200, answer.body
    assert answer.media_type == "text/turtle"
    assert erfurt_start(answer.body, served.base + "site/erfurt") == Literal("2016-12", datatype=XSD.gYearMonth)


def test_every_link_of_our_own_on_a_site_page_resolves(served: Hosted) -> None:
    page = call(served.url("site/erfurt"), Accept=BROWSER)
    assert page.status == 200
    assert "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten" in page.text
    prefix = served.url("")[len(served.root) :]
    links = sorted(set(re.findall(rf'href="({re.escape(prefix)}[^"#?]+)"', page.text)))
    assert len(links) > 5, links  # coordinators, unit, answers, the state, the graph
    for link in links:
        # A list page (the namespace path, ending in /) and the server's own pages (/-/…, which a root base
        # shares with the data) are for people; every other link is a resource with its RDF.
        for_people = link.endswith("/") or link.startswith("/-/")
        assert call(served.root + link, Accept=BROWSER if for_people else "text/turtle").status == 200, link


def test_the_server_keeps_its_own_paths(served: Hosted) -> None:
    assert b"Kommunale Koordinierung" in fetch(served.root, "/", BROWSER).body
    assert fetch(served.root, "/sparql?query=ASK%7B%7D", "application/sparql-results+json").json()["boolean"] is True
    assert b"koko:Site" in fetch(served.root, "/ontology", "text/turtle").body
    assert b"void:triples" in fetch(served.root, "/.well-known/void", "text/turtle").body


def test_the_dataset_iri_points_to_the_landing_page_that_describes_it(served: Hosted) -> None:
    answer = call(served.url("dataset"), Accept="text/turtle")
    assert (answer.status, answer.headers["location"]) == (303, "/")
    described = fetch(served.root, "/", "text/turtle")
    assert f"<{served.base}dataset>" in described.text


def test_an_iri_resolves_only_at_its_own_path(served: Hosted) -> None:
    assert call(served.url("site/atlantis"), Accept="text/turtle").status == 404
    if served.base != DEFAULT_BASE:  # /id/ is the default base's place alone
        assert fetch(served.root, "/id/site/erfurt", "text/turtle").status == 404


def test_the_static_site_resolves_the_same_iris(static: Hosted) -> None:
    turtle = call(static.url("site/erfurt"), Accept="text/turtle")
    assert turtle.status == 200
    assert erfurt_start(turtle.body, static.base + "site/erfurt") == Literal("2016-12", datatype=XSD.gYearMonth)
    assert b'<html lang="de"' in call(static.url("site/erfurt"), Accept=BROWSER).body
    assert call(static.url("site/atlantis"), Accept=BROWSER).status == 404
    dataset = call(static.url("dataset"), Accept="text/turtle")
    assert dataset.status == 303
    assert urlsplit(dataset.headers["location"]).path == "/"
    landing = fetch(static.root, "/", "text/turtle")
    assert landing.media_type == "text/turtle"
    assert f"<{static.base}dataset>" in landing.text
    assert fetch(static.root, "/", BROWSER).media_type == "text/html"


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8000/-/daten/", "https://example.org/sparql/", "https://w3id.org/koko/.well-known/"]
)
def test_a_base_under_the_servers_own_paths_is_refused(base: str, tmp_path: Path) -> None:
    result = koko("build", "--out", str(tmp_path / "dist"), "--base", base)
    assert result.exit_code == 2
    assert f"--base: {base!r}: its IRIs would resolve under" in result.output
    assert not (tmp_path / "dist").exists()
