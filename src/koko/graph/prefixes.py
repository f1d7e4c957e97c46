"""The prefixes of the release: one table, read by the graph builders, the pages and the query answers.

Plain strings, no rdflib: ``koko query`` and the server's query threads shorten and declare IRIs with it and
start without importing rdflib.
"""

from __future__ import annotations

import functools

from koko.config import ONTOLOGY_IRI

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "koko": f"{ONTOLOGY_IRI}#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# Readable prefixed names for the data IRIs (site:dresden), relative to the base IRI.
DATA_PREFIXES = (
    "graph/site",
    "municipality",
    "person",
    "post",
    "question",
    "site",
    "state",
    # the curated layer (data/curated/); org/ has no prefix, as org: is W3C ORG
    "award",
    "event",
    "network",
    "product",
    "programme",
    "project",
    "role",
    "unit",
    "place",
    "law",
    # the structure of the facts: memberships, periods, dates, figures and the concept schemes
    "membership",
    "interval",
    "date",
    "figure",
    "vocabulary",
)


@functools.cache  # a pure function of the base, asked by every page and Turtle answer
def prefix_table(base: str) -> tuple[tuple[str, str], ...]:
    """Every prefix the release binds, longest namespace first, so that ``graph-site:`` wins over a
    shorter namespace it starts with when IRIs are shortened.

    >>> dict(prefix_table("https://w3id.org/koko-kg/id/"))["graph-site"]
    'https://w3id.org/koko-kg/id/graph/site/'
    """
    pairs = dict(PREFIXES)
    pairs.update({path.replace("/", "-"): f"{base}{path}/" for path in DATA_PREFIXES})
    return tuple(sorted(pairs.items(), key=lambda item: (-len(item[1]), item[0])))


@functools.cache
def turtle_prefixes(base: str) -> tuple[tuple[str, str], ...]:
    """The prefixes of the release's Turtle (``site:erfurt``), sorted, for Turtle answers.

    >>> dict(turtle_prefixes("https://w3id.org/koko-kg/id/"))["site"]
    'https://w3id.org/koko-kg/id/site/'
    """
    return tuple(sorted(prefix_table(base)))
