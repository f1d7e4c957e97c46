"""The canned-query pages (/-/queries/…) and the SPARQL query page (/-/sparql), over HTTP
against the running server, and the canned queries on the engine that serves them."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from html.parser import HTMLParser

import pytest

from helpers import fetch
from koko.config import load_config
from koko.pages.query_pages import given_parameters, parameter_problem
from koko.pages.sparql_examples import EXAMPLES, example_text
from koko.sparql.canned import list_canned

SAXON_SITES = {
    "Landeshauptstadt Dresden",
    "Landkreis Görlitz",
    "Landkreis Meißen",
    "Landkreis Mittelsachsen",
    "Landkreis Nordsachsen",
    "Landkreis Sächsische Schweiz-Osterzgebirge",
    "Vogtlandkreis",
}
ERFURT_MOTTO = "Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"
CONFIG = load_config(environ={})


def get(server: str, path: str, params: dict | list | None = None, accept: str = "text/html") -> tuple[int, dict, str]:
    """The status, the headers (by lower-case name) and the text of a page asked for with these parameters."""
    answer = fetch(server, path + (f"?{urllib.parse.urlencode(params)}" if params else ""), accept)
    return answer.status, answer.headers, answer.text


class _Results(HTMLParser):
    """The rows of the page's result table as (text, href) per cell, and the error message."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self.error = ""
        self._where: str | None = None
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "table" and "results" in (attributes.get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._where = tag
            if tag == "th" and attributes.get("data-variable"):  # a canned query's column: by its variable
                self.header.append(attributes["data-variable"])
                self._where = None
            if tag == "td":
                self.rows[-1].append(("", None))
        elif self._in_table and tag == "a" and self._where == "td":
            self.rows[-1][-1] = (self.rows[-1][-1][0], attributes["href"])
        elif tag == "p" and attributes.get("id") == "error":
            self._where = "error"

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        if tag in ("td", "th", "p"):
            self._where = None

    def handle_data(self, data: str) -> None:
        if self._where == "th":
            self.header.append(data)
        elif self._where == "td":
            text, href = self.rows[-1][-1]
            self.rows[-1][-1] = (text + data, href)
        elif self._where == "error":
            self.error += data


def results(html: str) -> _Results:
    parser = _Results()
    parser.feed(html)
    parser.rows = [row for row in parser.rows if row]  # the header row has no td
    return parser


def column(page: _Results, name: str) -> list[str]:
    index = page.header.index(name)
    return [row[index][0].strip() for row in page.rows]


# Canned queries: list, page, downloads


def test_the_list_links_every_canned_query(server, published) -> None:
    status, _, html = get(server, "/-/queries")
    assert status == 200
    for canned in published.canned:
        assert f'href="/-/queries/{canned.name}"' in html
        assert canned.title_in("de") in html


def test_csv_download_lists_the_seven_saxon_sites(server) -> None:
    status, headers, body = get(server, "/-/queries/sites-by-state", {"state": "Sachsen", "format": "csv"}, accept="*/*")
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"] == 'attachment; filename="sites-by-state.csv"'
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {row["siteName"] for row in rows} == SAXON_SITES
    assert {row["federalStateName"] for row in rows} == {"Sachsen"}
    assert next(row for row in rows if row["siteName"] == "Landeshauptstadt Dresden")["kreisschluessel"] == "14612"


def test_json_download_is_sparql_json_with_typed_terms(server, published) -> None:
    status, headers, body = get(server, "/-/queries/site-profile", {"site": "site/erfurt", "format": "json"}, accept="*/*")
    assert status == 200
    assert headers["content-type"] == "application/sparql-results+json"
    document = json.loads(body)
    assert "site" in document["head"]["vars"]
    bindings = document["results"]["bindings"]
    assert len(bindings) == 3  # three answers, in the brochure's order
    first = bindings[0]
    assert first["site"] == {"type": "uri", "value": published.config.base + "site/erfurt"}
    assert first["motto"] == {"type": "literal", "value": ERFURT_MOTTO, "xml:lang": "de"}
    assert first["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#gYearMonth"
    assert [b["position"]["value"] for b in bindings] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("fmt", "media_type", "marker"),
    [
        ("tsv", "text/tab-separated-values; charset=utf-8", '"Landkreis Görlitz"'),
        ("xml", "application/sparql-results+xml", '<literal xml:lang="de">Landkreis Görlitz</literal>'),
    ],
)
def test_other_result_formats(server, fmt, media_type, marker) -> None:
    status, headers, body = get(server, "/-/queries/sites-by-state", {"state": "sachsen", "format": fmt}, accept="*/*")
    assert (status, headers["content-type"]) == (200, media_type)
    assert marker in body
    assert "Erfurt" not in body


def test_the_page_shows_the_brochure_fact_with_links(server) -> None:
    status, _, html = get(server, "/-/queries/site-profile", {"site": "site/erfurt"})
    assert status == 200
    page = results(html)
    assert set(column(page, "motto")) == {ERFURT_MOTTO}  # no language tag: the page is German too
    # The label links to the page, with the prefixed name as small print.
    assert {row[page.header.index("site")] for row in page.rows} == {("Landeshauptstadt Erfurt site:erfurt", "/id/site/erfurt")}
    assert '<option value="site/erfurt" selected>' in html
    assert "/-/queries/site-profile?site=site%2Ferfurt&amp;format=csv" in html
    assert "koko:motto ?motto" in html  # the query text


def test_the_form_offers_defaults_and_examples(server) -> None:
    status, _, html = get(server, "/-/queries/site-profile")
    assert status == 200
    assert '<option value="site/dresden" selected>' in html
    assert 'href="/-/queries/site-profile?site=site%2Fsaalekreis"' in html
    assert set(column(results(html), "siteName")) == {"Landeshauptstadt Dresden"}


def test_an_empty_optional_field_means_all_sites(server) -> None:
    status, _, html = get(server, "/-/queries/sites-by-state", {"state": ""})
    assert status == 200
    assert len(results(html).rows) == 27


def test_english_page_keeps_the_language_in_the_form(server) -> None:
    status, _, html = get(server, "/-/queries/sites-by-state", {"state": "Thuringia", "lang": "en"})
    assert status == 200
    assert '<html lang="en">' in html
    assert '<input type="hidden" name="lang" value="en">' in html
    assert "Run query" in html
    assert len(results(html).rows) == 11


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/-/queries/site-profile", {"site": "not an iri"}, "site"),
        ("/-/queries/site-profile", {"site": "site/<erfurt>"}, "site"),
        ("/-/queries/site-profile", {"site": "site/%"}, "site"),  # rdflib takes it, Oxigraph does not
        ("/-/queries/site-profile", {"site": "site/##"}, "site"),
        ("/-/queries/evidence", {"entity": "site/##"}, "entity"),
        ("/-/queries/sites-by-state", {"land": "Sachsen"}, "land"),
        ("/-/queries/answers-by-question", {"question": "x" * 1001}, "question"),
    ],
)
def test_a_bad_parameter_is_a_400_page_naming_it_with_the_form(server, path, params, name) -> None:
    status, headers, html = get(server, path, params)
    assert status == 400
    assert headers["content-type"].startswith("text/html")
    # A field's problem is said at the field (tests/test_query_forms.py), the summary links to it.
    error = results(html).error
    assert f"»{name}«" in error if name == "land" else f'href="#param-{name}"' in html and 'id="problem-' + name in html
    assert '<form class="query-form"' in html
    assert '<table class="results"' not in html


def test_a_bad_parameter_in_a_download_is_a_plain_400(server) -> None:
    status, headers, body = get(server, "/-/queries/evidence", {"entity": "a b", "format": "csv"}, accept="*/*")
    assert (status, headers["content-type"]) == (400, "text/plain; charset=utf-8")
    assert body.startswith("entity: 'a b' is not a valid IRI")


def test_an_unknown_format_is_refused(server) -> None:
    status, _, body = get(server, "/-/queries/sites-by-state", {"format": "pdf"})
    assert status == 400
    assert "'pdf'" in body


@pytest.mark.parametrize(("accept", "marker"), [("text/html", "<h1>Nicht gefunden</h1>"), ("*/*", "no canned query 'nope'")])
def test_an_unknown_query_is_404(server, accept, marker) -> None:
    status, _, body = get(server, "/-/queries/nope", accept=accept)
    assert status == 404
    assert marker in body


@pytest.mark.parametrize(
    "term",
    [
        '") } SELECT * WHERE { ?s ?p ?o } #',
        "Sprachkurs')) || true || (('",
        '" || true || "',
        "?text",
        "} UNION { ?answer a ?type }",
    ],
)
def test_an_injection_like_search_term_is_only_a_string(server, term) -> None:
    status, _, body = get(server, "/-/queries/search-answers", {"term": term, "format": "json"}, accept="*/*")
    assert status == 200
    document = json.loads(body)
    assert document["results"]["bindings"] == []
    assert document["head"]["vars"] == ["site", "siteName", "question", "printedQuestion", "firstLine", "answer", "term"]


def test_a_plain_search_term_finds_the_integrationsmesse(server) -> None:
    """The control for the test above: the same request with a real term has rows."""
    status, _, body = get(server, "/-/queries/search-answers", {"term": "Integrationsmesse", "format": "csv"}, accept="*/*")
    assert status == 200
    assert {row["siteName"] for row in csv.DictReader(io.StringIO(body))} == {"Landkreis Görlitz", "Landkreis Mittelsachsen"}


def test_parameter_errors_name_the_parameter() -> None:
    from koko.errors import KokoError

    assert parameter_problem(KokoError("--param site: 'x y' is not a valid IRI")) == ("site", "site: 'x y' is not a valid IRI")
    assert given_parameters([("format", "csv"), ("state", "Sachsen"), ("site", "")]) == {"state": "Sachsen"}


# The SPARQL query page


def test_the_sparql_page_offers_a_form_and_the_examples(server) -> None:
    status, _, html = get(server, "/-/sparql")
    assert status == 200
    assert '<textarea id="query" name="query"' in html
    for example in EXAMPLES:
        assert example.title_de in html
    assert '<table class="results"' not in html


@pytest.mark.parametrize(
    ("index", "columns", "count", "expected"),
    [
        (0, ("state", "sites"), 3, {("Sachsen", "7"), ("Sachsen-Anhalt", "9"), ("Thüringen", "11")}),
        (1, ("siteName", "motto"), 27, {("Landeshauptstadt Erfurt", ERFURT_MOTTO)}),
        (
            2,
            ("name", "siteName"),
            33,
            {("Jana Träber", "Landeshauptstadt Dresden"), ("Marcus Oertel", "Landeshauptstadt Dresden")},
        ),
    ],
)
def test_the_select_examples_answer_with_brochure_facts(server, published, index, columns, count, expected) -> None:
    query = example_text(EXAMPLES[index], published.config.base)
    status, _, html = get(server, "/-/sparql", {"query": query})
    assert status == 200
    page = results(html)
    rows = set(zip(*(column(page, name) for name in columns), strict=True))
    assert len(page.rows) == count
    assert expected <= rows
    download = "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"})
    assert f'href="{download.replace("&", "&amp;")}"' in html


def test_the_ask_example_says_yes(server, published) -> None:
    status, _, html = get(server, "/-/sparql", {"query": example_text(EXAMPLES[3], published.config.base), "lang": "en"})
    assert status == 200
    assert "Answer: <strong>yes</strong>" in html


def test_describe_shows_turtle_with_prefixes(server, published) -> None:
    status, _, html = get(server, "/-/sparql", {"query": example_text(EXAMPLES[4], published.config.base)})
    assert status == 200
    turtle = re.search(r'<pre id="result" class="turtle"><code>(.*?)</code></pre>', html, re.DOTALL)
    assert turtle
    assert "site:erfurt" in turtle[1]
    assert "@prefix koko: &lt;https://w3id.org/koko-kg/ontology#&gt; ." in turtle[1]
    assert "@prefix award:" not in turtle[1]  # unused prefixes are left out
    assert "Koordination heißt" in turtle[1]
    assert "format=ttl" in html


def test_a_syntax_error_is_a_400_with_position_and_the_query(server) -> None:
    query = "SELECT ?site WHERE { ?site a <https://w3id.org/koko-kg/ontology#Site> "
    status, _, html = get(server, "/-/sparql", {"query": query})
    assert status == 400
    assert re.search(r"\b1:\d+", results(html).error)
    assert f">{query}</textarea>".replace("<https", "&lt;https").replace("Site>", "Site&gt;") in html


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        "CLEAR ALL",
        "SELECT * WHERE { SERVICE <{listener}> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <{listener}> { ?s ?p ?o } }",
    ],
)
def test_updates_and_service_are_refused_without_connecting(server, listener, query) -> None:
    status, _, html = get(server, "/-/sparql", {"query": query.replace("{listener}", listener)})
    assert 400 <= status < 500
    assert results(html).error
    assert '<table class="results"' not in html


def test_the_row_cap_is_shown(server) -> None:
    status, _, html = get(server, "/-/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert status == 200
    assert len(results(html).rows) == 100  # the first page of the 2000 rows the cap allows
    assert "2000 Zeilen, angezeigt 1–100" in html
    assert "gekürzt" in html


def test_a_runaway_query_is_stopped_with_retry_after(server) -> None:
    status, headers, html = get(
        server, "/-/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
    )
    assert status == 503
    assert headers["retry-after"] == "3"
    assert "longer than 3 s" in results(html).error


@pytest.mark.parametrize("name", [q.name for q in list_canned(CONFIG.queries) if q.parameters])
def test_canned_queries_keep_the_rules_for_oxigraph(published, name) -> None:
    """docs/query-pages.md: every parameter is selected, and none is tested with BOUND (the rows
    themselves are compared between the engines in test_canned_engines.py)."""
    canned = published.canned_query(name)
    select = re.search(r"^SELECT\b.*$", canned.text, re.MULTILINE)
    assert select
    for parameter in canned.parameters:
        assert re.search(rf"\?{parameter.name}\b", select[0]), f"SELECT must project ?{parameter.name}"
        assert not re.search(rf"BOUND\s*\(\s*\?{parameter.name}\b", canned.text, re.IGNORECASE)
