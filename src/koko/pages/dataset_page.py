"""The dataset description as a page for people: the key figures, the downloads, the partitions.

Shared by the server (:mod:`koko.web.void`, for a browser at ``/.well-known/void``) and the static site,
which writes it without an endpoint.

It is offered in the RDF formats without graphs (Turtle, the default, first):

>>> [f.name for f in TRIPLE_FORMATS]
['ttl', 'jsonld', 'nt', 'xml']
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from koko.graph.format_table import TRIPLE_FORMATS, rdf_format
from koko.pages.dataset_description import (
    DESCRIPTION,
    KOKO,
    LICENSE,
    TITLE,
    VOID,
    Statistics,
    dataset_iri,
    describe_dataset,
    dumps,
    serialise_description,
    short_name,
)
from koko.pages.render import Renderer
from koko.pages.urls import Urls
from koko.release.published import Release

#: The long lists left out of the JSON-LD embedded in the HTML page (the RDF formats have them).
PAGE_OMITS = frozenset(VOID + p for p in ("classPartition", "propertyPartition", "subset"))


def _page(
    published: Release, root_url: str, stats: Statistics, triples: list[ox.Triple], lang: str, endpoint: bool = True
) -> dict[str, Any]:
    """What void.html shows: the key figures, the downloads, the partitions and the subsets."""
    urls = Urls(published.config.base)
    dataset = ox.NamedNode(dataset_iri(published.config.base))
    core = [t for t in triples if t.subject == dataset and t.predicate.value not in PAGE_OMITS]
    embedded = serialise_description(core, rdf_format("jsonld")).decode("utf-8").replace("</", "<\\/")
    graphs = [(graph, n, next((text for text, tag in labels if tag == lang), graph)) for graph, n, labels in stats.graphs]
    return {
        "title": TITLE[lang],
        "description": DESCRIPTION[lang].format(start=stats.period[0], end=stats.period[1], sites=stats.instances(KOKO + "Site")),
        "stats": stats,
        "sites": stats.instances(KOKO + "Site"),
        "dumps": [
            {
                "name": name,
                "format": fmt.label,
                "media_type": fmt.media_type,
                "size": published.files.size(name),
                "url": urls.download(name),
            }
            for name, fmt in dumps(published).items()
        ],
        "sparql_iri": root_url + urls.sparql.lstrip("/") if endpoint else None,
        "formats": [(f.name, f.label, f.media_type) for f in TRIPLE_FORMATS],
        "classes": [(cls, short_name(cls), n) for cls, n in stats.classes],
        "graphs": graphs,
        "license": LICENSE,
        "embedded": embedded,
    }


def description_page(
    published: Release, renderer: Renderer, root_url: str, stats: Statistics, lang: str, endpoint: bool = True
) -> str:
    """The description as a page for people (also written by the static site, without an endpoint)."""
    triples = describe_dataset(published, root_url, stats, endpoint)
    return renderer.page("void.html", lang, **_page(published, root_url, stats, triples, lang, endpoint))
