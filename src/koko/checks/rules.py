"""The OWL 2 RL rules our ontology needs, as SPARQL updates run to a fixpoint on an in-memory Oxigraph store.

owlrl applies every OWL 2 RL rule to every triple in Python, round after round: 7–8 s on the
release. The axioms of ``ontology/`` and its W3C imports trigger only a dozen rules (sub-classes and
sub-properties, domains and ranges, inverse and transitive properties, equivalence, disjointness);
each is one ``INSERT … WHERE`` here, written from owlrl's own implementation (``owlrl.OWLRL``), with
the same guards, so that the closure is the same set of triples. Oxigraph evaluates all of them in
about a tenth of a second.

Three things keep the result owlrl's, not merely "an OWL 2 RL closure":

* every literal enters the store as a blank node of its own (:class:`Encoding`), as owlrl's
  generalised triples put literals where RDF allows only resources: a literal gets its range
  class (``"2016"^^xsd:gYear a xsd:gYearMonth``) and can clash with a disjoint datatype, and two
  literals that differ as rdflib terms (``"a"`` and ``"a"^^xsd:string``, ``"1"`` and ``"01"``)
  stay two nodes, where Oxigraph would make them one;
* owlrl's one-time triples (:func:`one_time_triples`: ``owl:Thing a owl:Class``, the annotation
  properties, datatype typing and disjointness, invalid lexical forms) are computed with owlrl's
  own tables;
* an input that needs a rule not written here — any OWL term outside :data:`SUPPORTED_OWL`
  (``owl:sameAs``, restrictions, property chains, keys …), a property that is not an IRI, or a
  functional property with two values (owlrl then equates the values and rewrites the graph with
  them) — raises :class:`OutsideRules` (:func:`unsupported`, :data:`BEYOND_RULES`), and
  :mod:`koko.checks.infer` hands it to owlrl instead of answering differently.

``tests/test_infer_engines.py`` compares both engines on the release and on small broken inputs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
DEFAULT_GRAPH = ox.DefaultGraph()

# The OWL terms the rules below evaluate, and those owlrl gives no rule at all (annotations, headers).
SUPPORTED_OWL = frozenset(
    {
        OWL.Class,
        OWL.DatatypeProperty,
        OWL.FunctionalProperty,
        OWL.Nothing,
        OWL.ObjectProperty,
        OWL.Thing,
        OWL.TransitiveProperty,
        OWL.disjointWith,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        # no rule in owlrl
        OWL.AnnotationProperty,
        OWL.DeprecatedClass,
        OWL.DeprecatedProperty,
        OWL.NamedIndividual,
        OWL.Ontology,
        OWL.backwardCompatibleWith,
        OWL.deprecated,
        OWL.imports,
        OWL.incompatibleWith,
        OWL.priorVersion,
        OWL.versionIRI,
        OWL.versionInfo,
    }
)

PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "err": "http://www.daml.org/2002/03/agents/agent-ont#",  # owlrl's error messages
}

# (OWL 2 RL rule names, update). The FILTERs are owlrl's guards: it skips c1 = c2 in cax-sco,
# scm-sco and the like, so that e.g. a class gets `rdfs:subClassOf` itself only when declared.
RULES: tuple[tuple[str, str], ...] = (
    (
        "scm-cls",
        "INSERT { ?c rdfs:subClassOf ?c, owl:Thing ; owl:equivalentClass ?c . owl:Nothing rdfs:subClassOf ?c }"
        " WHERE { ?c a owl:Class }",
    ),
    (
        "scm-sco",
        "INSERT { ?c1 rdfs:subClassOf ?c3 }"
        " WHERE { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3 FILTER(?c1 != ?c2 && ?c1 != ?c3) }",
    ),
    ("scm-eqc2", "INSERT { ?c1 owl:equivalentClass ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1 }"),
    (
        "scm-eqc1",
        "INSERT { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1 } WHERE { ?c1 owl:equivalentClass ?c2 FILTER(?c1 != ?c2) }",
    ),
    (
        "scm-op scm-dp",
        "INSERT { ?p rdfs:subPropertyOf ?p ; owl:equivalentProperty ?p }"
        " WHERE { VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty rdf:Property } ?p a ?kind }",
    ),
    (
        "scm-spo",
        "INSERT { ?p1 rdfs:subPropertyOf ?p3 }"
        " WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3 FILTER(?p1 != ?p2 && ?p1 != ?p3) }",
    ),
    (
        "scm-eqp2",
        "INSERT { ?p1 owl:equivalentProperty ?p2 }"
        " WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1 FILTER(?p1 != ?p2) }",
    ),
    (
        "scm-eqp1",
        "INSERT { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1 }"
        " WHERE { ?p1 owl:equivalentProperty ?p2 FILTER(?p1 != ?p2) }",
    ),
    (
        "scm-dom1 scm-rng1",
        "INSERT { ?p ?axiom ?c2 } WHERE { VALUES ?axiom { rdfs:domain rdfs:range }"
        " ?p ?axiom ?c1 . ?c1 rdfs:subClassOf ?c2 FILTER(?c1 != ?c2) }",
    ),
    (
        "scm-dom2 scm-rng2",
        "INSERT { ?p1 ?axiom ?c } WHERE { VALUES ?axiom { rdfs:domain rdfs:range }"
        " ?p2 ?axiom ?c . ?p1 rdfs:subPropertyOf ?p2 FILTER(?p1 != ?p2) }",
    ),
    ("prp-dom", "INSERT { ?x a ?c } WHERE { ?p rdfs:domain ?c . ?x ?p ?y }"),
    ("prp-rng", "INSERT { ?y a ?c } WHERE { ?p rdfs:range ?c . ?x ?p ?y }"),
    ("prp-spo1", "INSERT { ?x ?p2 ?y } WHERE { ?p1 rdfs:subPropertyOf ?p2 FILTER(?p1 != ?p2) ?x ?p1 ?y }"),
    (
        "prp-inv1 prp-inv2",
        "INSERT { ?y ?p2 ?x } WHERE { { ?p1 owl:inverseOf ?p2 } UNION { ?p2 owl:inverseOf ?p1 } ?x ?p1 ?y }",
    ),
    ("prp-trp", "INSERT { ?x ?p ?z } WHERE { ?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z }"),
    ("cax-sco", "INSERT { ?x a ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 FILTER(?c1 != ?c2) ?x a ?c1 }"),
    # prp-eqp1/2 and cax-eqc1/2 are not written: scm-eqp1 and scm-eqc1 turn every equivalence into
    # sub-properties or sub-classes both ways, from which prp-spo1 and cax-sco derive the same triples
    # (cax-eqc as a query of its own took a third of the time of a round).
)

# Closures the rules above cannot finish as owlrl does, each with the reason given for handing over:
BEYOND_RULES = (
    # prp-fp: owlrl makes two values of a functional property owl:sameAs, and its eq-* rules then copy
    # every triple of the one onto the other.
    (
        "a functional property with two values",
        "ASK { ?p a owl:FunctionalProperty . ?x ?p ?y1, ?y2 FILTER(?y1 != ?y2) }",
    ),
    # prp-spo1, prp-eqp and prp-inv would make a triple whose property is a blank node or a literal:
    # owlrl reasons with such generalised triples, an RDF store cannot hold them.
    (
        "a property that is not an IRI",
        "ASK { { ?p1 rdfs:subPropertyOf|owl:equivalentProperty|owl:inverseOf ?p2 }"
        " UNION { ?p2 owl:equivalentProperty|owl:inverseOf ?p1 } FILTER(!isIRI(?p2)) }",
    ),
)
# cax-dw, cls-nothing2, and messages owlrl would find already in the data (its error vocabulary).
DISJOINT_MEMBERS = "SELECT ?c1 ?c2 ?x WHERE { ?c1 owl:disjointWith ?c2 . ?x a ?c1, ?c2 }"
NOTHING_MEMBERS = "SELECT ?x WHERE { ?x a owl:Nothing }"
ERROR_MESSAGES = "SELECT ?text WHERE { ?message a err:ErrorMessage ; err:error ?text }"


class OutsideRules(Exception):
    """The input needs an OWL 2 RL rule that is not written here; the message says which construct."""


class Encoding:
    """rdflib terms to Oxigraph terms and back; every literal and blank node becomes a blank node of its own."""

    def __init__(self) -> None:
        self.to_store: dict[Node, ox.NamedNode | ox.BlankNode] = {}
        self.from_store: dict[ox.NamedNode | ox.BlankNode, Node] = {}

    def term(self, node: Node) -> ox.NamedNode | ox.BlankNode:
        encoded = self.to_store.get(node)
        if encoded is None:
            if isinstance(node, URIRef):
                encoded = ox.NamedNode(str(node))  # ValueError for an IRI Oxigraph does not accept
            elif isinstance(node, (Literal, BNode)):
                encoded = ox.BlankNode()
            else:
                raise ValueError(f"not an RDF term: {node!r}")
            self.to_store[node] = encoded
            self.from_store[encoded] = node
        return encoded

    def quad(self, triple: Triple) -> ox.Quad:
        s, p, o = triple
        known = self.to_store.get  # most terms recur: one lookup each, the rest only for a new term
        predicate = known(p) or self.term(p)
        if not isinstance(predicate, ox.NamedNode):
            raise ValueError(f"a property that is not an IRI: {p!r}")
        return ox.Quad(known(s) or self.term(s), predicate, known(o) or self.term(o), DEFAULT_GRAPH)

    def node(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        if isinstance(term, ox.NamedNode):
            return self.from_store.get(term) or URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return self.from_store[term]  # the rules make no blank nodes: each one came in through term()
        raise ValueError(f"a term the rules cannot make: {term!r}")


def unsupported(triples: Iterable[Triple]) -> URIRef | None:
    """The first OWL term that the rules do not evaluate, if the triples use one.

    >>> unsupported([(URIRef("https://example.org/partnerOf"), RDF.type, OWL.SymmetricProperty)]).n3()
    '<http://www.w3.org/2002/07/owl#SymmetricProperty>'
    """
    owl = str(OWL)
    for triple in triples:
        for term in triple:
            if isinstance(term, URIRef) and term.startswith(owl) and term not in SUPPORTED_OWL:
                return term
    return None


def one_time_triples(triples: Iterable[Triple]) -> tuple[set[Triple], list[str]]:
    """owlrl's rules that run once before the fixpoint: cls-thing, cls-nothing1, prp-ap, dt-type1,
    dt-type2, dt-not-type, the datatype subsumptions and the disjointness of the datatypes in use
    (``OWLRL_Semantics.one_time_rules``), with the messages of dt-not-type."""
    added: set[Triple] = {(OWL.Thing, RDF.type, OWL.Class), (OWL.Nothing, RDF.type, OWL.Class)}
    added |= {(prop, RDF.type, OWL.AnnotationProperty) for prop in OWLRL_Annotation_properties}
    datatypes = frozenset(OWL_RL_Datatypes)
    implicit: dict[Node, Node] = {}
    explicit: dict[Node, set[Node]] = defaultdict(set)
    typed: list[Triple] = []
    for s, p, o in triples:
        kind = o.datatype if isinstance(o, Literal) else None
        if kind is not None and kind in datatypes:
            implicit[o] = kind
        elif p == RDF.type and o in datatypes:
            typed.append((s, p, o))
    used: set[Node] = set(implicit.values())
    messages: list[str] = []
    for literal, datatype in implicit.items():
        added.add((literal, RDF.type, datatype))
        try:
            AltXSDToPYTHON.get(datatype, str)(str(literal))
        except ValueError:
            message = f"Lexical value of the literal '{literal}' does not match its datatype ({datatype})"
            if message not in messages:
                messages.append(message)
    for s, _, o in typed:
        used.add(o)
        if s not in implicit:
            explicit[s].add(o)
    added |= {(dt, RDF.type, RDFS.Datatype) for dt in datatypes}
    added |= {(dt, RDF.type, RDFS.Datatype) for dts in explicit.values() for dt in dts}
    typings: list[tuple[Node, Node]] = [(r, dt) for r, dts in explicit.items() for dt in dts]
    for resource, datatype in typings + list(implicit.items()):
        for wider in OWL_Datatype_Subsumptions.get(datatype, ()):
            added |= {(resource, RDF.type, wider), (wider, RDF.type, RDFS.Datatype)}
            used.add(wider)
    added |= {t for t in OWLRL_Datatypes_Disjointness if t[0] in used and t[2] in used}
    return added, messages


def closure(triples: set[Triple]) -> tuple[list[Triple], list[str]]:
    """The triples owlrl's OWL 2 RL closure adds to ``triples``, and the messages of its clashes
    (unsorted); :class:`OutsideRules` if the input needs a rule that is not written here.

    >>> site, unit = URIRef("https://example.org/site"), URIRef("https://example.org/unit")
    >>> added, problems = closure({(site, RDFS.subClassOf, unit), (URIRef("https://example.org/x"), RDF.type, site)})
    >>> (URIRef("https://example.org/x"), RDF.type, unit) in added, problems
    (True, [])
    """
    term = unsupported(triples)
    if term is not None:
        raise OutsideRules(f"it uses {term.n3()}")
    encoding = Encoding()
    try:
        asserted = {encoding.quad(t) for t in triples}
        axioms, messages = one_time_triples(triples)
        store = ox.Store()
        store.extend(asserted)
        store.extend(encoding.quad(t) for t in axioms)
    except ValueError as exc:
        raise OutsideRules(str(exc)) from exc
    saturate(store)
    for reason, ask in BEYOND_RULES:
        if holds(store, ask):
            raise OutsideRules(f"it has {reason}")
    node = encoding.node
    found = {
        f"Disjoint classes {node(row['c1'])} and {node(row['c2'])} have a common individual {node(row['x'])}"
        for row in rows(store, DISJOINT_MEMBERS)
    }
    found |= {f"{node(row['x'])} is defined of type 'Nothing'" for row in rows(store, NOTHING_MEMBERS)}
    # owlrl keeps each message once, and finds the error nodes of the input beside its own.
    problems = [*(found | set(messages)), *(str(node(row["text"])) for row in rows(store, ERROR_MESSAGES))]
    added = [(node(q.subject), node(q.predicate), node(q.object)) for q in store if q not in asserted]
    return added, problems


def saturate(store: ox.Store) -> int:
    """Apply every rule until a round adds nothing; the number of rounds."""
    rounds, size = 0, -1
    while len(store) != size:
        size = len(store)
        rounds += 1
        for _, update in RULES:
            store.update(update, prefixes=PREFIXES)
    return rounds


def rows(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    solutions = store.query(query, prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    yield from solutions


def holds(store: ox.Store, query: str) -> bool:
    return bool(store.query(query, prefixes=PREFIXES))
