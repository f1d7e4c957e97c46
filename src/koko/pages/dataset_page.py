"""The dataset description as a page for people: the key figures, the downloads, the partitions.

Shared by the server (:mod:`koko.web.void`, for a browser at ``/.well-known/void``) and the static site,
which writes it without an endpoint.

>>> [f.name for f in DESCRIPTION_FORMATS]
['ttl', 'jsonld', 'nt', 'xml']
"""

from __future__ import annotations

import pyoxigraph as ox

from koko.graph.formats import RdfFormat, lookup
from koko.pages.dataset_description import (
    DESCRIPTION,
    FORMAT_NAMES,
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

#: The formats the description is offered in; Turtle is the default.
DESCRIPTION_FORMATS: tuple[RdfFormat, ...] = tuple(lookup(name) for name in ("ttl", "jsonld", "nt", "xml"))
#: The long lists left out of the JSON-LD embedded in the HTML page (the RDF formats have them).
PAGE_OMITS = frozenset(VOID + p for p in ("classPartition", "propertyPartition", "subset"))


def _page(
    published: Release, root_url: str, stats: Statistics, triples: list[ox.Triple], lang: str, endpoint: bool = True
) -> dict:
    """What void.html shows: the key figures, the downloads, the partitions and the subsets."""
    urls = Urls(published.config.base)
    dataset = ox.NamedNode(dataset_iri(root_url))
    core = [t for t in triples if t.subject == dataset and t.predicate.value not in PAGE_OMITS]
    embedded = serialise_description(core, lookup("jsonld")).decode("utf-8").replace("</", "<\\/")
    graphs = [(graph, n, next((text for text, tag in labels if tag == lang), graph)) for graph, n, labels in stats.graphs]
    return {
        "title": TITLE[lang],
        "description": DESCRIPTION[lang].format(start=stats.period[0], end=stats.period[1], sites=stats.instances(KOKO + "Site")),
        "stats": stats,
        "sites": stats.instances(KOKO + "Site"),
        "dumps": [
            {
                "name": name,
                "format": FORMAT_NAMES[fmt.name],
                "media_type": fmt.media_type,
                "size": len(data),
                "url": urls.download(name),
            }
            for name, (fmt, data) in dumps(published).items()
        ],
        "sparql_iri": root_url + urls.sparql.lstrip("/") if endpoint else None,
        "formats": [(f.name, FORMAT_NAMES[f.name], f.media_type) for f in DESCRIPTION_FORMATS],
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
