"""The endpoint abuse suite, part two: the resource routes, header injection, canned-query parameters that try
to escape their binding, and hostile Accept headers (part one and its ``clean`` check are in tests/test_abuse.py)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Answer, call
from test_abuse import clean

# --- path traversal and odd IRIs on the resource routes ---------------------------------------------------------

ODD_IDS = [
    "../koko.nq",
    "..%2f..%2fpyproject.toml",
    "%2e%2e/%2e%2e/etc/passwd",
    "site/erfurt%00",
    "site/erfurt.ttl%00",
    "a" * 20_000,
    "a/" * 5_000,
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "a%20b%22c%7B%7D%7C%5E%60%5C",
    "%C3%BC%E2%80%AE%F0%9F%98%80",
    "%FF%FE",
    "%",
    "%0d%0aX-Injected:%201",
    "site/erfurt.%0d%0aSet-Cookie:%20a=b",
]


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
@pytest.mark.parametrize("path", ODD_IDS, ids=range(len(ODD_IDS)))
def test_odd_resource_paths_are_404(server, path, accept):
    answer = call(server, "GET", "/id/" + path, Accept=accept)
    clean(answer, 404, b"" if accept == "text/turtle" else b"<html")
    if accept == "text/turtle":  # with CR LF in it, the path matches no route: Starlette's plain "Not Found"
        assert b"not a resource of this knowledge graph" in answer.body or answer.body == b"Not Found\n"
    assert not _html_with_script(answer)


def _html_with_script(answer: Answer) -> bool:
    """A plain-text message may quote the path as sent; an HTML page must escape it."""
    return answer.headers["content-type"].startswith("text/html") and b"<script>" in answer.body


def test_an_encoded_slash_names_the_same_resource(server):
    clean(call(server, "GET", "/id/site%2ferfurt", Accept="text/turtle"), 200, b"programmeStart")


@pytest.mark.parametrize(
    "target",
    [
        "/-/downloads/../koko.nq",
        "/-/downloads/%2e%2e%2fkoko.nq",
        "/-/downloads/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/-/downloads//etc/passwd",
        "/-/downloads/%2Fetc%2Fpasswd",
        "/-/downloads/koko.nq%00",
        "/-/downloads/..%5c..%5cpyproject.toml",
        "/-/static/../../pyproject.toml",
        "/-/static/%2e%2e/%2e%2e/pyproject.toml",
        "/-/static/..%2f..%2f..%2fpyproject.toml",
        "/-/static/%00",
        "/-/static//etc/passwd",
        "/ontology.xyz",
        "/ontology.%00",
        "/ontology/..%2f..%2fpyproject.toml",
        "/ontology/1.0.0%00",
        "/-/queries/..%2f..%2fpyproject.toml",
        "/-/queries/%00",
    ],
)
def test_traversal_on_the_file_routes_is_404(server, target):
    answer = call(server, "GET", target, Accept="text/plain")
    clean(answer, 404)
    assert b"[tool." not in answer.body
    assert b"root:" not in answer.body


def test_a_release_file_is_still_served(server):
    clean(call(server, "GET", "/-/downloads/koko.nq"), 200, b"<https://w3id.org/koko-kg/id/")


# --- header injection via parameters ---------------------------------------------------------------------------

CRLF = "\r\nX-Injected: 1\r\nSet-Cookie: a=b"


@pytest.mark.parametrize(
    ("target", "status", "message"),
    [
        ("/sparql?" + urlencode({"query": "ASK {}", "format": "json" + CRLF}), 400, "unknown format"),
        ("/sparql?" + urlencode({"query": "ASK {}", "default-graph-uri": "urn:g" + CRLF}), 400, "no such graph"),
        ("/-/queries/sites-by-state?" + urlencode({"format": "csv" + CRLF}), 400, "is not one of html"),
        ("/-/queries/search-answers?" + urlencode({"term": "Kita" + CRLF, "format": "csv"}), 200, ""),
        ("/-/queries/sites-by-state?" + urlencode({"state": "Sachsen" + CRLF, "format": "csv"}), 400, "state: "),
        ("/-/queries/sites-by-state?" + urlencode({"lang": "en" + CRLF}), 200, "<html"),
        ("/.well-known/void?" + urlencode({"format": "ttl" + CRLF}), 400, "unknown format"),
        ("/.well-known/void?" + urlencode({"format": "../../etc/passwd"}), 400, "unknown format"),
        ("/?" + urlencode({"lang": "en" + CRLF}), 200, "<html"),
        ("/id/site/erfurt?" + urlencode({"lang": CRLF}), 200, "<html"),
        ("/-/sparql?" + urlencode({"query": "ASK {}", "lang": "en" + CRLF}), 200, "<html"),
        ("/ontology.ttl" + quote(CRLF), 404, "not offered"),
    ],
)
def test_crlf_in_a_parameter_never_becomes_a_header(server, target, status, message):
    accept = "*/*" if target.startswith("/sparql") else "text/html"
    clean(call(server, "GET", target, Accept=accept), status, message)


@pytest.mark.parametrize("value", ["\x00", "\r\n", "\x7f\x1b[31m"])
def test_control_characters_in_accept_and_lang_are_harmless(server, value):
    clean(call(server, "GET", "/id/site/erfurt?" + urlencode({"lang": value})), 200, b"<html")


# --- canned-query parameters that try to escape their binding ---------------------------------------------------

ESCAPES = [
    '" } ; DROP ALL #',
    "' } ; DROP ALL #",
    '"""} UNION { ?s ?p ?o } #',
    "} SERVICE <http://127.0.0.1:1/> { }",
    '\\"\\u0022 } #',
    "x" * 1000,
]
BAD_IRIS = ["site/erfurt> ?p ?o } DROP ALL #", "http://x/>", "<site/erfurt>", "site/erfurt\x00", "a b", "x" * 10_000 + ">"]
STRING_QUERIES = [("answers-by-question", "question"), ("search-answers", "term")]
#: Parameters with a fixed set of values (a select list on the page): anything else is refused at its field.
CHOICE_QUERIES = [("sites-by-state", "state", "is no federal state of this data")]
#: The English message of each: site is a choice that also takes a name, entity any IRI.
IRI_QUERIES = [("site-profile", "site", "is no site of this data"), ("evidence", "entity", "is not a valid IRI")]


@pytest.mark.parametrize("fmt", ["html", "csv"])
@pytest.mark.parametrize("value", ESCAPES, ids=range(len(ESCAPES)))
@pytest.mark.parametrize(("name", "parameter"), STRING_QUERIES)
def test_a_string_parameter_stays_one_literal(server, name, parameter, value, fmt):
    answer = call(server, "GET", f"/-/queries/{name}?" + urlencode({parameter: value, "format": fmt}))
    clean(answer, 200)
    if fmt == "csv":  # nothing matches the literal: the header line and no row
        assert answer.body.count(b"\n") == 1


@pytest.mark.parametrize("fmt", ["html", "csv"])
@pytest.mark.parametrize("value", ESCAPES, ids=range(len(ESCAPES)))
@pytest.mark.parametrize(("name", "parameter", "message"), CHOICE_QUERIES)
def test_a_choice_parameter_refuses_anything_but_its_choices(server, name, parameter, message, value, fmt):
    answer = call(server, "GET", f"/-/queries/{name}?" + urlencode({parameter: value, "format": fmt}), Accept_Language="en")
    # On the page: the problem at its field, in the language asked for; as CSV: the field's name first.
    clean(answer, 400, f'id="problem-{parameter}"' if fmt == "html" else f"{parameter}: ")
    assert message.encode() in answer.body


@pytest.mark.parametrize("fmt", ["html", "json"])
@pytest.mark.parametrize("value", BAD_IRIS, ids=range(len(BAD_IRIS)))
@pytest.mark.parametrize(("name", "parameter", "message"), IRI_QUERIES)
def test_a_broken_iri_parameter_is_400_naming_the_field(server, name, parameter, message, value, fmt):
    answer = call(server, "GET", f"/-/queries/{name}?" + urlencode({parameter: value, "format": fmt}), Accept_Language="en")
    clean(answer, 400, f'id="problem-{parameter}"' if fmt == "html" else f"{parameter}: ")
    assert message.encode() in answer.body


@pytest.mark.parametrize(
    ("query", "value", "message"),
    [
        ("search-answers?term=", "x" * 1001, "longer than 1000 characters"),
        ("search-answers?term=", "x" * 60_000, "longer than 1000 characters"),
        ("sites-by-state?bogus=", "1", "This query has no parameter »bogus«"),
        ("sites-by-state?format=", "csv\x00", "is not one of html"),
        ("sites-by-state?format=", "html<script>", "is not one of html"),
    ],
)
def test_other_hostile_parameters_are_400(server, query, value, message):
    answer = call(server, "GET", f"/-/queries/{query}{quote(value)}", Accept_Language="en")
    clean(answer, 400, message)
    assert not _html_with_script(answer)


def test_the_data_is_unchanged_after_the_escapes(server, published):
    answer = call(server, "GET", "/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}))
    clean(answer, 200, f'"value": "{published.triples}"')


# --- hostile Accept headers ---------------------------------------------------------------------------------------

ACCEPTS = ["text/csv;q=0.1," * 3_000, "text/csv;q=nan, */*;q=inf", ";;;,,,/;q=;q=abc", "*/*;q=1e999", "a/b;q=0.1," * 3_000]


@pytest.mark.parametrize("accept", ACCEPTS, ids=range(len(ACCEPTS)))
@pytest.mark.parametrize("target", ["/sparql?query=ASK%7B%7D", "/id/site/erfurt", "/ontology", "/.well-known/void", "/"])
def test_odd_accept_headers_get_an_answer_or_406(server, target, accept):
    answer = call(server, "GET", target, Accept=accept)
    assert answer.status in (200, 406)
    clean(answer, answer.status, "not acceptable" if answer.status == 406 else "")


# --- generated input: never a 500 -------------------------------------------------------------------------------

ROUTE_TEMPLATES = [
    "/sparql?query={}",
    "/-/sparql?query={}",
    "/-/queries/sites-by-state?state={}",
    "/-/queries/site-profile?site={}",
]


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(template=st.sampled_from(ROUTE_TEMPLATES), raw=st.binary(max_size=300))
def test_random_bytes_as_a_parameter_never_give_a_500(server, template, raw):
    answer: Answer = call(server, "GET", template.format(quote(raw, safe="")))
    assert answer.status in (200, 400, 403, 406, 413), (answer.status, raw)
    clean(answer, answer.status)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(raw=st.binary(max_size=400))
def test_random_bytes_as_a_query_body_never_give_a_500(server, raw):
    answer = call(server, "POST", "/sparql", raw, Content_Type="application/sparql-query")
    assert answer.status in (200, 400, 403, 406, 413), (answer.status, raw)
    clean(answer, answer.status)
