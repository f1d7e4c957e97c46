"""FAIR signposting (https://signposting.org/FAIR/): typed links that tell a machine what a page is about.

Each resource page and the landing page carry a few links, as an HTTP ``Link`` header from the server
and as ``<link>`` elements in the page's head (all the static site can send):

* ``cite-as``: the persistent IRI to cite, the resource's own IRI (the dataset's IRI on the landing page);
* ``describedby``: its RDF, one link per serialisation with its media type (the dataset description
  on the landing page);
* ``type``: schema.org types, as the profile asks: the resource's own schema.org classes or the nearest
  schema.org superclasses the ontology gives its classes, ``schema:Thing`` where there is none; the
  landing page is a ``schema:AboutPage`` about a ``schema:Dataset``;
* ``license``: the release's licence, by the licence's own IRI (what the ontology's ``dcterms:license``
  names; the dataset description gives the EU authority's IRI for it, with this one as ``rdfs:seeAlso``);
* ``item`` (landing page only): the release files that hold the whole dataset, with their media types.

The links are in a fixed order with nothing from the request but the root they are written under, so
a page's header is the same bytes on every request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from koko.graph.format_table import RDF_FORMATS, TRIPLE_FORMATS
from koko.pages.dataset_description import LICENSE, dataset_iri, dumps
from koko.pages.urls import VOID_PATH, Urls
from koko.pages.vocabulary import SCHEMA, Vocabulary
from koko.release.published import Release

THING = SCHEMA + "Thing"
DATASET = SCHEMA + "Dataset"
ABOUT_PAGE = SCHEMA + "AboutPage"


@dataclass(frozen=True)
class Link:
    """One typed link: where it points, the relation, and the media type of the target where it has one."""

    target: str
    rel: str
    media_type: str | None = None


def link_header(links: Iterable[Link]) -> str:
    """The value of an HTTP ``Link`` header (RFC 8288).

    >>> cite, turtle = Link("https://w3id.org/koko-kg/id/site/dresden", "cite-as"), Link("/d.ttl", "describedby", "text/turtle")
    >>> link_header([cite, turtle])
    '<https://w3id.org/koko-kg/id/site/dresden>; rel="cite-as", </d.ttl>; rel="describedby"; type="text/turtle"'
    """
    return ", ".join(
        f'<{link.target}>; rel="{link.rel}"' + (f'; type="{link.media_type}"' if link.media_type else "") for link in links
    )


def schema_types(vocabulary: Vocabulary, types: Iterable[str]) -> tuple[str, ...]:
    """The schema.org classes of something of ``types``: those among them, else the nearest schema.org
    superclasses the ontology names, else ``schema:Thing``.

    >>> from koko.pages.vocabulary import Vocabulary
    >>> empty = Vocabulary("", {}, (), {})
    >>> schema_types(empty, ["https://schema.org/Person"]), schema_types(empty, ["http://www.w3.org/ns/prov#Entity"])
    (('https://schema.org/Person',), ('https://schema.org/Thing',))
    """
    found: set[str] = set()
    seen: set[str] = set()
    level = set(types)
    while level and not found:  # breadth first: the nearest schema.org classes win
        seen |= level
        found = {t for t in level if t.startswith(SCHEMA)}
        level = {p for t in level if t in vocabulary.by_iri for p in vocabulary.by_iri[t].parents} - seen
    return tuple(sorted(found)) or (THING,)


def resource_links(urls: Urls, vocabulary: Vocabulary, iri: str, types: Iterable[str], root: str = "") -> tuple[Link, ...]:
    """The signposts of one of our resources; ``root`` (no trailing slash) makes the local links absolute."""
    path = root + urls.link(iri)
    return (
        Link(iri, "cite-as"),
        *(Link(urls.with_format(path, f.extension), "describedby", f.media_type) for f in RDF_FORMATS),
        *(Link(t, "type") for t in schema_types(vocabulary, types)),
        Link(LICENSE, "license"),
    )


def landing_links(urls: Urls, release: Release, root: str = "") -> tuple[Link, ...]:
    """The signposts of the landing page ``/``: the dataset, its description, its files."""
    return (
        Link(dataset_iri(urls.data_base), "cite-as"),
        *(Link(root + urls.with_format(VOID_PATH, f.extension), "describedby", f.media_type) for f in TRIPLE_FORMATS),
        Link(ABOUT_PAGE, "type"),
        Link(DATASET, "type"),
        *(Link(root + urls.download(name), "item", fmt.media_type) for name, fmt in dumps(release).items()),
        Link(LICENSE, "license"),
    )
