"""One URL builder: where each IRI and each page lives on the server and in the static site.

An IRI of the data resolves at its own path (:func:`resource_prefix`): a base
``http://127.0.0.1:8000/`` puts ``site/dresden`` at ``/site/dresden``, a base
``https://example.org/data/kg/`` at ``/data/kg/site/dresden``. A base on a redirect service
(w3id.org, purl.org) names a namespace there that redirects to the host: its first path segment is the
namespace, so the default ``https://w3id.org/koko-kg/id/`` maps onto ``/id/``. The ontology namespace
maps onto ``/ontology``. System pages live under the reserved prefix ``/-/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from koko.config import ONTOLOGY_PATH, SPARQL_PATH, SYSTEM, resource_prefix
from koko.graph.namespace import KOKO

ONTOLOGY_NS = str(KOKO)
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#/")
VOID_PATH = "/.well-known/void"


@dataclass(frozen=True)
class Urls:
    """Paths relative to the server root; ``data_base`` is the base IRI the data was built with.

    >>> urls = Urls("https://w3id.org/koko-kg/id/")
    >>> urls.link("https://w3id.org/koko-kg/id/site/dresden")
    '/id/site/dresden'
    >>> urls.iri_of("/id/site/dresden")
    'https://w3id.org/koko-kg/id/site/dresden'
    >>> urls.link("https://w3id.org/koko-kg/ontology#Site"), urls.link("https://schema.org/name")
    ('/ontology#Site', 'https://schema.org/name')
    >>> Urls("http://127.0.0.1:8000/").link("http://127.0.0.1:8000/site/dresden")
    '/site/dresden'
    """

    data_base: str
    resources: str = field(init=False)  # the server path the data's IRIs resolve under (resource_prefix)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resources", resource_prefix(self.data_base))

    def path_of(self, iri: str) -> str | None:
        """The local path of one of our IRIs, or None for anybody else's."""
        if iri.startswith(self.data_base) and len(iri) > len(self.data_base):
            return self.resources + quote(iri[len(self.data_base) :], safe="/-._~:@!$&'()*+,;=")
        if iri.startswith(ONTOLOGY_NS):
            return ONTOLOGY_PATH + "#" + iri[len(ONTOLOGY_NS) :]
        if iri == ONTOLOGY_IRI:
            return ONTOLOGY_PATH
        if iri.startswith(ONTOLOGY_IRI + "/"):  # the version IRI, /ontology/1.0.0
            return ONTOLOGY_PATH + iri[len(ONTOLOGY_IRI) :]
        return None

    def iri_of(self, path: str) -> str:
        """The IRI a resource path (``/id/...``) stands for."""
        if not path.startswith(self.resources):
            raise ValueError(f"not a resource path: {path!r}")
        return self.data_base + path[len(self.resources) :]

    def link(self, iri: str) -> str:
        """Where a link to ``iri`` should point: our page for our IRIs, the IRI itself otherwise."""
        return self.path_of(iri) or iri

    @staticmethod
    def with_format(path: str, extension: str) -> str:
        """The path of one RDF serialisation of a resource (``/id/site/dresden.ttl``)."""
        return f"{path}.{extension}"

    home = "/"
    sparql = SPARQL_PATH
    sparql_page = SYSTEM + "sparql"
    ontology = ONTOLOGY_PATH
    void = VOID_PATH
    queries = SYSTEM + "queries"
    downloads = SYSTEM + "downloads"
    search = SYSTEM + "search"
    brochure = SYSTEM + "brochure"
    classes = SYSTEM + "classes"  # the index of the list pages (pages.browse)

    @staticmethod
    def passage(first: int, last: int) -> str:
        """The reader with lines ``first`` to ``last`` marked (pages.reader); the fragment names the first line,
        which a static copy marks with ``:target``.

        >>> Urls.passage(932, 933)
        '/-/brochure?from=932&to=933#L932'
        """
        return f"{SYSTEM}brochure?from={first}&to={last}#L{first}"

    @staticmethod
    def query(name: str, params: dict[str, str] | None = None) -> str:
        suffix = f"?{urlencode(params)}" if params else ""
        return f"{SYSTEM}queries/{name}{suffix}"

    @staticmethod
    def download(name: str) -> str:
        return f"{SYSTEM}downloads/{name}"

    @staticmethod
    def static(name: str) -> str:
        return f"{SYSTEM}static/{name}"
