"""FAIR signposting (https://signposting.org/FAIR/): the typed links of the resource pages and the landing
page, in the HTTP ``Link`` header of every representation and in the pages' heads; every link checked by
following it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from helpers import fetch
from test_linked_data import FIREFOX, RDF_TYPES, page

BASE = "https://w3id.org/koko-kg/id/"
SCHEMA = "https://schema.org/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z-]+="[^"]*")*)')
PARAM = re.compile(r'([a-z-]+)="([^"]*)"')


@dataclass(frozen=True)
class Signpost:
    target: str
    rel: str
    media_type: str | None


def signposts(header: str) -> list[Signpost]:
    """The links of a ``Link`` header, in order (each of ours has a rel and at most a type)."""
    links = []
    for target, params in LINK.findall(header):
        values = dict(PARAM.findall(params))
        links.append(Signpost(target, values["rel"], values.get("type")))
    assert ", ".join(f"<{s.target}>" for s in links) == ", ".join(f"<{t}>" for t, _ in LINK.findall(header))
    return links


def by_rel(links: list[Signpost], rel: str) -> list[Signpost]:
    return [link for link in links if link.rel == rel]


def local(server: str, target: str) -> str:
    """A target on our server as a path; the test fails for one elsewhere."""
    assert target.startswith(server), target
    return "/" + target[len(server) :]


# --- resource pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [FIREFOX, "text/turtle", "application/json"])
def test_a_resource_signposts_its_iri_rdf_type_and_licence(server: str, accept: str) -> None:
    answer = fetch(server, "/id/site/dresden", accept)
    assert answer.status == 200
    links = signposts(answer.headers["link"])
    assert by_rel(links, "cite-as") == [Signpost(BASE + "site/dresden", "cite-as", None)]
    described = {(local(server, s.target), s.media_type) for s in by_rel(links, "describedby")}
    assert described == {(f"/id/site/dresden.{ext}", media) for ext, media in RDF_TYPES.items()}
    # A site is a prov:Activity, for which schema.org has no class.
    assert [s.target for s in by_rel(links, "type")] == [SCHEMA + "Thing"]
    assert by_rel(links, "license") == [Signpost(LICENCE, "license", None)]


@pytest.mark.parametrize(
    ("path", "schema_type"),
    [
        ("person/alexander-lorenz", "Person"),  # a schema:Person itself
        ("event/integrationsmesse-goerlitz-2019", "Event"),  # koko:Event, a subclass of schema:Event
        ("brochure/foreword", "CreativeWork"),  # koko:Foreword, a brochure section, a schema:CreativeWork
    ],
)
def test_type_is_the_nearest_schema_org_class(server: str, path: str, schema_type: str) -> None:
    links = signposts(fetch(server, f"/id/{path}.ttl").headers["link"])
    assert [s.target for s in by_rel(links, "type")] == [SCHEMA + schema_type]


def test_every_representation_carries_the_same_links(server: str) -> None:
    """The links are about the resource, not the representation; and the same bytes on every request."""
    headers = {fetch(server, "/id/state/thueringen", accept).headers["link"] for accept in (FIREFOX, "text/turtle", None)}
    headers.add(fetch(server, "/id/state/thueringen.nq").headers["link"])
    assert len(headers) == 1


def test_describedby_links_give_what_they_say(server: str) -> None:
    for link in by_rel(signposts(fetch(server, "/id/answer/dresden/groesster-erfolg").headers["link"]), "describedby"):
        answer = fetch(server, local(server, link.target), "text/html")  # the suffix wins over Accept
        assert (answer.status, answer.media_type) == (200, link.media_type), link


def test_the_page_head_has_the_same_links(server: str) -> None:
    header = signposts(fetch(server, "/id/site/erfurt", FIREFOX).headers["link"])
    head = [
        Signpost(attrs["href"], attrs["rel"], attrs.get("type"))
        for name, attrs in page(server, "/id/site/erfurt").tags
        if name == "link" and attrs.get("rel") in ("cite-as", "describedby", "type", "license", "item")
    ]
    # The page links its own files by path: the static site writes the same page for any host.
    assert head == [Signpost(s.target.replace(server.rstrip("/"), ""), s.rel, s.media_type) for s in header]


# --- the landing page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [FIREFOX, "text/turtle"])
def test_the_landing_page_signposts_the_dataset(server: str, published, accept: str) -> None:
    links = signposts(fetch(server, "/", accept).headers["link"])
    assert by_rel(links, "cite-as") == [Signpost(BASE + "dataset", "cite-as", None)]
    assert [s.target for s in by_rel(links, "type")] == [SCHEMA + "AboutPage", SCHEMA + "Dataset"]
    assert by_rel(links, "license") == [Signpost(LICENCE, "license", None)]
    items = {(local(server, s.target), s.media_type) for s in by_rel(links, "item")}
    assert items == {(f"/-/downloads/koko.{ext}", media) for ext, media in RDF_TYPES.items()}  # no context.jsonld
    described = {(local(server, s.target), s.media_type) for s in by_rel(links, "describedby")}
    assert described == {(f"/.well-known/void.{ext}", RDF_TYPES[ext]) for ext in ("ttl", "jsonld", "nt", "rdf")}


def test_the_landing_page_links_lead_to_the_files_and_the_description(server: str, published) -> None:
    links = signposts(fetch(server, "/", FIREFOX).headers["link"])
    for link in by_rel(links, "item"):
        answer = fetch(server, local(server, link.target))
        assert (answer.status, answer.media_type) == (200, link.media_type)
        assert answer.body == published.files[link.target.rpartition("/")[2]]
    for link in by_rel(links, "describedby"):
        answer = fetch(server, local(server, link.target), "text/html")
        assert (answer.status, answer.media_type) == (200, link.media_type)
        assert "vary" not in answer.headers
        assert BASE + "dataset" in answer.text


def test_the_landing_page_head_has_the_links(server: str) -> None:
    rels = [attrs["rel"] for name, attrs in page(server, "/").tags if name == "link" and attrs.get("rel") != "stylesheet"]
    assert rels == ["cite-as"] + ["describedby"] * 4 + ["type"] * 2 + ["item"] * 6 + ["license"]
