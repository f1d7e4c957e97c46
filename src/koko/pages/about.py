"""What a page shows about some resources, asked of a store: two fixed queries a page.

The embedded store and a remote one (:mod:`koko.store.backend`) answer the pages alike: one query for the
resources' statements both ways, a named graph's content, and the evidence and answers they link to; one
for the labels of everything those mention. The resources are bound as IRIs in VALUES blocks, never
pasted as text. At a million quads the two take 1-3 ms for a page on the embedded store
(docs/performance.md), so no index of the whole release is held beside the store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

import pyoxigraph as ox

from koko.pages.describe import LABEL_PROPERTIES, Index, index_of_quads, valid_iri
from koko.sparql.binding import term_text

KOKO = "https://w3id.org/koko-kg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
#: Terms per VALUES block of a label query: long enough for a page, short enough for any store's URL limits.
LABEL_BATCH = 500

# A resource's statements both ways, a named graph's content, and what a page shows beside them:
# the answers it gave, its figures (whether one is approximate), the evidence quoting or supporting
# it, where each quote was printed, and the brochure lines of the parts they were quoted or derived from.
# Each branch starts from its own VALUES block of the resources, so that every store can start
# each branch from an index (one VALUES around a UNION is joined last by some planners).
ABOUT_QUERY = f"""
PREFIX koko: <{KOKO}>
PREFIX prov: <{PROV}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o ?g WHERE {{
  {{ VALUES ?s {{ $NODES }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?o {{ $NODES }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?g {{ $NODES }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?node {{ $NODES }} ?node koko:answer ?s . GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?node {{ $NODES }} ?node koko:figure ?s . GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{
    VALUES ?node {{ $NODES }} ?evidence ?link ?node ; a koko:Evidence ; rdf:subject ?subject .
    ?subject koko:figure ?s . GRAPH ?g {{ ?s ?p ?o }}
  }}
  UNION {{ VALUES ?evidence {{ $NODES }} ?evidence rdf:subject ?subject . ?subject koko:figure ?s . GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?evidence {{ $NODES }} ?evidence rdf:subject ?s . GRAPH ?g {{ ?s koko:figure ?o }} BIND(koko:figure AS ?p) }}
  UNION {{
    VALUES ?node {{ $NODES }} ?evidence ?link ?node ; a koko:Evidence ; rdf:subject ?s .
    GRAPH ?g {{ ?s koko:figure ?o }} BIND(koko:figure AS ?p)
  }}
  UNION {{ VALUES ?node {{ $NODES }} ?s ?link ?node ; a koko:Evidence . GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{
    VALUES ?node {{ $NODES }} ?evidence ?link ?node ; a koko:Evidence ; prov:wasQuotedFrom ?s .
    GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN (koko:answerOf, koko:firstLine, koko:lastLine))
  }}
  UNION {{
    VALUES ?evidence {{ $NODES }} ?evidence prov:wasQuotedFrom ?s .
    GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN (koko:answerOf, koko:firstLine, koko:lastLine))
  }}
  UNION {{
    VALUES ?node {{ $NODES }} ?node prov:wasDerivedFrom ?s .
    GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN (koko:firstLine, koko:lastLine))
  }}
}}
"""
# The properties as a FILTER, not a second VALUES block: Oxigraph's server joined two VALUES
# blocks first and took 4.7 s for 500 terms of a 1M-quad store, against 0.03 s this way.
LABELS_QUERY = "SELECT ?s ?p ?o ?g WHERE { $VALUES GRAPH ?g { ?s ?p ?o } FILTER(?p IN ($PROPERTIES)) }"


def _values(variable: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(term_text(t) for t in terms)} }}"


class StoreDescriber:
    """:meth:`about` and :meth:`with_labels` for a backend that answers the pages' SELECT queries (:meth:`select`)."""

    def select(self, query: str) -> Sequence[ox.QuerySolution]:
        raise NotImplementedError

    def _quads(self, query: str) -> Iterator[ox.Quad]:
        for row in self.select(query):
            s, p, o, g = (row[name] for name in ("s", "p", "o", "g"))
            if isinstance(p, ox.NamedNode) and isinstance(s, ox.NamedNode | ox.BlankNode) and o is not None:
                yield ox.Quad(s, p, o, g if isinstance(g, ox.NamedNode) else ox.DefaultGraph())

    def about(self, iris: Collection[str], labelled: Collection[str] = (), labels: bool = True) -> Index:
        nodes = sorted({node for node in map(valid_iri, iris) if node is not None}, key=str)
        terms = " ".join(term_text(node) for node in nodes)
        quads = list(self._quads(ABOUT_QUERY.replace("$NODES", terms))) if nodes else []
        if labels and (quads or labelled):  # an unknown resource needs no labels
            quads += self._labels(quads, [ox.NamedNode(iri) for iri in labelled])
        return index_of_quads(quads)

    def with_labels(self, index: Index) -> Index:
        quads = [quad for found in index.subjects.values() for quad in found]
        return index_of_quads(quads + self._labels(quads, []))

    def _labels(self, quads: list[ox.Quad], extra: list[ox.NamedNode]) -> list[ox.Quad]:
        """The label statements of every IRI that ``quads`` mention, and of ``extra``."""
        mentioned = set(extra)
        for quad in quads:
            mentioned |= {t for t in (quad.subject, quad.predicate, quad.object, quad.graph_name) if isinstance(t, ox.NamedNode)}
        ordered = sorted(mentioned, key=str)
        query = LABELS_QUERY.replace("$PROPERTIES", ", ".join(term_text(ox.NamedNode(p)) for p in LABEL_PROPERTIES))
        found: list[ox.Quad] = []
        for start in range(0, len(ordered), LABEL_BATCH):
            found.extend(self._quads(query.replace("$VALUES", _values("s", ordered[start : start + LABEL_BATCH]))))
        return found
