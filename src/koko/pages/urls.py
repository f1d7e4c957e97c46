"""One URL builder: where each IRI and each page lives on the server and in the static site.

The data's base IRI (``https://w3id.org/koko-kg/id/`` by default) maps onto ``/id/`` and the
ontology namespace onto ``/ontology``, so every IRI of ours is a link that works on
127.0.0.1 as well as behind w3id.org. System pages live under the reserved prefix ``/-/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from koko.graph.namespace import KOKO

ONTOLOGY_NS = str(KOKO)
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#/")
RESOURCE_PREFIX = "/id/"
ONTOLOGY_PATH = "/ontology"
SPARQL_PATH = "/sparql"
VOID_PATH = "/.well-known/void"
SYSTEM = "/-/"


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
    """

    data_base: str

    def path_of(self, iri: str) -> str | None:
        """The local path of one of our IRIs, or None for anybody else's."""
        if iri.startswith(self.data_base) and len(iri) > len(self.data_base):
            return RESOURCE_PREFIX + quote(iri[len(self.data_base) :], safe="/-._~:@!$&'()*+,;=")
        if iri.startswith(ONTOLOGY_NS):
            return ONTOLOGY_PATH + "#" + iri[len(ONTOLOGY_NS) :]
        if iri == ONTOLOGY_IRI:
            return ONTOLOGY_PATH
        if iri.startswith(ONTOLOGY_IRI + "/"):  # the version IRI, /ontology/1.0.0
            return ONTOLOGY_PATH + iri[len(ONTOLOGY_IRI) :]
        return None

    def iri_of(self, path: str) -> str:
        """The IRI a resource path (``/id/...``) stands for."""
        if not path.startswith(RESOURCE_PREFIX):
            raise ValueError(f"not a resource path: {path!r}")
        return self.data_base + path[len(RESOURCE_PREFIX) :]

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
