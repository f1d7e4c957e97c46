"""An entity tag per release: a client that has an answer already gets 304, with nothing computed again."""

from __future__ import annotations

import pytest

from helpers import call, fetch
from koko.release.published import QUADS_FILE, ReleaseFiles
from koko.web import etag

REQUESTS = [
    pytest.param("id/site/dresden", "text/html", id="site page"),
    pytest.param("id/site/dresden", "text/turtle", id="site as Turtle"),
    pytest.param("-/queries/sites-by-state?format=csv&state=Sachsen", None, id="canned query"),
    pytest.param("-/downloads/koko.ttl", None, id="download"),
    pytest.param("sparql?query=ASK%20%7B%7D", "application/sparql-results+json", id="sparql"),
]


@pytest.mark.parametrize(("path", "accept"), REQUESTS)
def test_an_answer_the_client_holds_is_304_with_the_same_tag(server, path, accept):
    first = fetch(server, path, accept)
    assert first.status == 200
    tag = first.headers["etag"]
    again = fetch(server, path, accept, If_None_Match=tag)
    assert (again.status, again.body, again.headers["etag"]) == (304, b"", tag)
    assert again.headers["x-content-type-options"] == "nosniff"  # the security headers on a 304 too
    assert fetch(server, path, accept, If_None_Match=f"W/{tag}").status == 304  # compared weakly, as for GET
    assert fetch(server, path, accept, If_None_Match=f'"other", {tag}').status == 304


def test_the_tag_differs_by_representation_and_language(server):
    html = fetch(server, "id/site/dresden", "text/html").headers["etag"]
    turtle = fetch(server, "id/site/dresden", "text/turtle").headers["etag"]
    english = fetch(server, "id/site/dresden?lang=en", "text/html").headers["etag"]
    assert len({html, turtle, english}) == 3
    # a tag of one representation does not stand for another
    assert fetch(server, "id/site/dresden", "text/turtle", If_None_Match=html).status == 200


def test_a_stale_tag_gets_the_whole_answer(server):
    page = fetch(server, "id/site/saalekreis", "text/html", If_None_Match='"0000000000000000-0000000000000000"')
    assert page.status == 200
    assert "Bildung ermöglicht Partizipation" in page.text


def test_a_post_is_never_answered_304(server):
    tag = fetch(server, "sparql?query=ASK%20%7B%7D", "application/sparql-results+json").headers["etag"]
    answer = call(server + "sparql", "POST", body=b"ASK {}", Content_Type="application/sparql-query", If_None_Match=tag)
    assert answer.status == 200
    assert "etag" not in answer.headers


def test_a_timeout_or_error_carries_no_tag(server):
    broken = fetch(server, "sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%7D", "application/sparql-results+json")
    assert broken.status == 400
    assert "etag" not in broken.headers


def test_the_release_part_of_the_tag_names_the_data():
    files = [ReleaseFiles({QUADS_FILE: f"<urn:a> <urn:b> <urn:{o}> .\n".encode()}) for o in "cd"]
    assert etag.release_tag(files[0]) != etag.release_tag(files[1])
