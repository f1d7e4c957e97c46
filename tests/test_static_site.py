"""`koko site`: the static site's files, and its content negotiation run for real on nginx and Apache.

The web servers are Debian's (``.ci/run`` installs them); each runs in the foreground on a free
port of 127.0.0.1 with the rules `koko site` wrote, and is stopped by the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from helpers import fetch, koko
from koko.site.static_site import site_files
from koko.web.security_headers import HEADERS
from web_servers import WEB_SERVERS, hosting, site_folder

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ERFURT = "https://w3id.org/koko-kg/id/site/erfurt"
KOKO = "https://w3id.org/koko-kg/ontology#"


@pytest.fixture(scope="module")
def site(published) -> Iterator[Path]:
    with site_folder(published) as folder:
        yield folder


def test_every_resource_has_two_pages_and_six_rdf_files(site: Path) -> None:
    stems = {f"erfurt.{suffix}" for suffix in ("html", "en.html", "ttl", "jsonld", "nt", "rdf", "trig", "nq")}
    assert stems <= {p.name for p in (site / "id" / "site").iterdir()}
    # Besides the 27 sites' pages, the folder's index: the list of the sites (koko.pages.browse).
    pages = [p for p in (site / "id" / "site").glob("*.html") if not p.name.startswith("index.")]
    assert len([p for p in pages if ".inferred." not in p.name]) == 2 * 27  # and as many of the inferred view (pages.inferred)


def test_a_site_page_and_its_turtle_carry_the_brochure_facts(site: Path) -> None:
    page = (site / "id/site/erfurt.html").read_text(encoding="utf-8")
    assert "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten" in page
    graph = Graph().parse(site / "id/site/erfurt.ttl", format="turtle")
    assert (URIRef(ERFURT), URIRef(KOKO + "programmeStart"), Literal("2016-12", datatype=XSD.gYearMonth)) in graph


def test_a_canned_query_page_shows_its_default_result(site: Path) -> None:
    csv_lines = (site / "-/queries/sites-by-state.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_lines) == 1 + 27
    assert "Landeshauptstadt Dresden" in (site / "-/queries/sites-by-state.html").read_text(encoding="utf-8")


def test_the_sparql_page_says_there_is_no_endpoint(site: Path) -> None:
    assert "keinen SPARQL-Endpunkt" in (site / "-/sparql.html").read_text(encoding="utf-8")
    assert "no SPARQL endpoint" in (site / "-/sparql.en.html").read_text(encoding="utf-8")


def test_the_description_links_to_where_the_site_is_hosted(site: Path) -> None:
    description = (site / ".well-known/void.ttl").read_text(encoding="utf-8")
    assert "<https://w3id.org/koko-kg/-/downloads/koko.ttl>" in description


def test_the_same_release_gives_the_same_bytes(published) -> None:
    first, _ = site_files(published, "https://example.org/koko/")
    second, _ = site_files(published, "https://example.org/koko/")
    assert first == second


def test_koko_site_writes_the_folder_and_says_what(published, tmp_path: Path) -> None:
    release = tmp_path / "dist"
    assert koko("build", "--out", str(release)).exit_code == 0
    result = koko("site", str(tmp_path / "site"), "--data", str(release), "--url", "https://example.org/koko/")
    assert result.exit_code == 0, result.output
    assert "2108 resources" in result.output
    assert "<https://example.org/koko/sparql>" not in (tmp_path / "site/.well-known/void.ttl").read_text(encoding="utf-8")


def test_a_bad_url_is_refused_and_nothing_written(tmp_path: Path) -> None:
    result = koko("site", str(tmp_path / "site"), "--url", "example.org")
    assert result.exit_code == 2
    assert "--url: 'example.org' is not an absolute http(s) IRI" in result.output
    assert not (tmp_path / "site").exists()


# The rules, served for real.


@pytest.fixture(scope="module", params=sorted(WEB_SERVERS))
def hosted(request: pytest.FixtureRequest, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with hosting(request.param, site, tmp_path_factory.mktemp(request.param)) as root:
        yield root


@pytest.mark.parametrize(
    ("path", "accept", "media_type", "snippet"),
    [
        ("/id/site/erfurt", BROWSER, "text/html", b'<html lang="de"'),
        ("/id/site/erfurt?lang=en", BROWSER, "text/html", b'<html lang="en"'),
        ("/id/site/erfurt", None, "text/html", b"Koordination hei\xc3\x9ft"),
        ("/id/site/erfurt", "text/turtle", "text/turtle", b'koko:programmeStart "2016-12"^^xsd:gYearMonth'),
        ("/id/site/erfurt", "application/ld+json", "application/ld+json", ERFURT.encode()),
        ("/id/site/erfurt", "application/n-triples", "application/n-triples", f"<{ERFURT}>".encode()),
        ("/id/site/erfurt", "application/rdf+xml;q=0.9, text/plain;q=0.1", "application/rdf+xml", b"<rdf:RDF"),
        ("/id/site/erfurt.nt", BROWSER, "application/n-triples", f"<{ERFURT}>".encode()),
        ("/", BROWSER, "text/html", b'<html lang="de"'),
        ("/", "text/turtle", "text/turtle", b"void:triples"),
        ("/", "application/json", "application/ld+json", b"http://rdfs.org/ns/void#triples"),
        ("/id/site/erfurt", "application/json", "application/ld+json", ERFURT.encode()),
        ("/?lang=en", BROWSER, "text/html", b'<html lang="en"'),
        ("/ontology", "text/turtle", "text/turtle", b"koko:Site"),
        ("/.well-known/void", "text/turtle", "text/turtle", b"void:triples"),
        ("/-/static/koko.css", None, "text/css", b"--accent"),
        ("/-/downloads/koko.nt", None, "application/n-triples", f"<{ERFURT}>".encode()),
    ],
)
def test_the_rules_negotiate_like_koko_serve(hosted: str, path: str, accept: str | None, media_type: str, snippet: bytes) -> None:
    answer = fetch(hosted, path, accept)
    assert answer.status == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert snippet in answer.body


def test_negotiated_answers_vary_by_accept(hosted: str) -> None:
    headers = fetch(hosted, "/id/site/erfurt", "text/turtle").headers
    assert "accept" in headers["vary"].lower()


@pytest.mark.parametrize(
    ("path", "accept"), [("/id/site/erfurt", "text/turtle"), ("/id/site/erfurt", BROWSER), ("/ontology", "text/turtle")]
)
def test_the_static_file_is_what_koko_serve_answers(hosted: str, server: str, path: str, accept: str) -> None:
    assert fetch(hosted, path, accept).body == fetch(server, path, accept).body


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/", BROWSER, 200),
        ("/id/site/erfurt", BROWSER, 200),
        ("/id/site/erfurt", "text/turtle", 200),
        ("/-/static/koko.css", None, 200),
        ("/id/site/atlantis", BROWSER, 404),
    ],
)
def test_the_rules_send_the_security_headers_of_koko_serve(hosted: str, path: str, accept: str | None, status: int) -> None:
    """The same values as src/koko/web/security_headers.py, on pages, RDF, static files and the 404 page: nginx's
    location block repeats them, as its add_header lines replace the server block's."""
    answer = fetch(hosted, path, accept)
    assert answer.status == status
    assert {name: answer.headers.get(name.lower()) for name, _ in HEADERS} == dict(HEADERS)


def test_an_unknown_iri_is_the_404_page(hosted: str) -> None:
    answer = fetch(hosted, "/id/site/atlantis", BROWSER)
    assert answer.status == 404
    assert b"Diese Seite gibt es hier nicht." in answer.body
    english = fetch(hosted, "/id/site/atlantis?lang=en", BROWSER)  # in the language asked for
    assert english.status == 404
    assert b'<html lang="en">' in english.body
    assert b"There is no such page here." in english.body
