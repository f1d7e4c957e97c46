"""Evidence nodes: a statement of the graph, reified, with the quote of the brochure that proves it.

One pattern for every fact, curated or parsed (docs/curation.md): a ``koko:Evidence`` is an
``rdf:Statement`` and a ``prov:Entity`` whose ``prov:value`` is the quote and whose
``prov:wasQuotedFrom`` is the answer, section or site profile it comes from. Its IRI is a digest
of subject, predicate, object and quote, so it stays the same when facts are added or reordered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from koko.graph.namespace import KOKO


def evidence_iri(mint: Callable[[str], URIRef], key: str, subject: Node, predicate: Node, obj: Node, quote: str) -> URIRef:
    digest = hashlib.sha256("\n".join(map(str, (subject, predicate, obj, quote))).encode("utf-8")).hexdigest()[:10]
    return mint(f"evidence/{key}/{digest}")


def add_evidence(
    graph: Graph,
    mint: Callable[[str], URIRef],
    key: str,
    triple: tuple[Node, Node, Node],
    quote: str,
    part: URIRef,
    said: str,
) -> URIRef:
    """Describe ``triple`` by an evidence node quoting ``quote`` from ``part``; ``said`` is the
    triple in words, for the node's labels."""
    subject, predicate, obj = triple
    node = evidence_iri(mint, key, subject, predicate, obj, quote)
    graph.add((node, RDF.type, KOKO.Evidence))
    graph.add((node, RDFS.label, Literal(f"Beleg: {said}", lang="de")))
    graph.add((node, RDFS.label, Literal(f"Evidence: {said}", lang="en")))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, PROV.value, Literal(quote, lang="de")))
    graph.add((node, PROV.wasQuotedFrom, part))
    graph.add((node, PROV.wasDerivedFrom, part))
    return node
