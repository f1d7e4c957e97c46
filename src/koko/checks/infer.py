"""OWL 2 RL reasoning: the entailments of ontology + data, kept apart from the data.

Two engines compute the same closure. The OWL 2 RL rules our ontology needs, as SPARQL on Oxigraph
(:mod:`koko.checks.rules`), do it in a fraction of a second; owlrl, the reference, takes seconds and
is what an input gets that needs a rule those do not cover (``engine="auto"``, the default).
``tests/test_infer_engines.py`` holds both to the same triples and the same clashes.

The closure also contains much that tells a user nothing (every node ``owl:sameAs`` itself,
``rdf:type owl:Thing``, datatype facts about literals, the ontology's own schema closure).
We keep the entailments *about data nodes* that are not among those tautologies, and put
them in their own named graph, so asserted and inferred triples never mix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal as Choice

import owlrl
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from koko.checks import rules
from koko.config import ONTOLOGY_IRI, Config
from koko.graph.formats import read_turtle
from koko.graph.model import integer_literal

Triple = rules.Triple
Engine = Choice["auto", "rules", "owlrl"]
ENGINES: tuple[Engine, ...] = ("auto", "rules", "owlrl")

# owlrl reports a clash (e.g. disjoint classes) as a node of this type with an error text.
AGENT = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
UNINFORMATIVE_TYPES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})


@dataclass(frozen=True)
class Inference:
    entailed: Graph  # new triples about data nodes, without tautologies
    inconsistencies: tuple[str, ...]  # owlrl's clash messages and owl:Nothing members
    engine: str  # what computed the closure, with its version
    handed_over: str = ""  # why the rules handed the input to owlrl ("" when they did not)

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def load_ontology(config: Config) -> Graph:
    """The KoKo ontology plus the local subset of W3C axioms it builds on."""
    graph = Graph()
    for path in (config.ontology, config.imports):
        read_turtle(graph, path, "ontology")
    return graph


def infer(dataset: Dataset | Graph, ontology: Graph, engine: Engine = "auto") -> Inference:
    """The OWL 2 RL entailments of ``dataset`` (all its graphs) with ``ontology``.

    ``engine``: ``rules`` (raises :class:`koko.checks.rules.OutsideRules` for an input they do not
    cover), ``owlrl``, or ``auto``: the rules, and owlrl for what they do not cover.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    if isinstance(dataset, Dataset):
        data: set[Triple] = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    else:
        data = set(dataset.triples((None, None, None)))
    schema = set(ontology)
    handed_over = ""
    if engine != "owlrl":
        try:
            added, problems = rules.closure(data | schema)
            name = f"SPARQL rules on pyoxigraph {ox.__version__}"
        except rules.OutsideRules as exc:
            if engine == "rules":
                raise
            handed_over = str(exc)
    if engine == "owlrl" or handed_over:
        added, problems = owlrl_closure(data | schema)
        name = f"owlrl {owlrl.__version__}"
    members = {s for triples in (added, data, schema) for s, p, o in triples if p == RDF.type and o == OWL.Nothing}
    problems = sorted(problems) + sorted(f"{s} is a member of owl:Nothing" for s in members)
    entailed = Graph(bind_namespaces="none")
    for prefix, namespace in dataset.namespaces():
        entailed.bind(prefix, namespace, override=True, replace=True)
    for triple in informative(added, data, ontology):
        entailed.add(triple)
    return Inference(entailed, tuple(problems), name, handed_over)


def informative(added: Iterable[Triple], data: set[Triple], ontology: Graph) -> Iterable[Triple]:
    """The new triples about nodes the data talks about (subjects, and objects other than classes;
    not vocabulary terms), without ``owl:sameAs``, blank nodes and ``a owl:Thing``."""
    nodes = {s for s, _, _ in data if isinstance(s, URIRef)}
    nodes |= {o for _, p, o in data if isinstance(o, URIRef) and p != RDF.type}
    nodes -= set(ontology.subjects())
    for s, p, o in added:
        if s not in nodes or p == OWL.sameAs or isinstance(o, BNode):
            continue
        if p == RDF.type and o in UNINFORMATIVE_TYPES:
            continue
        yield s, p, o


def owlrl_closure(triples: set[Triple]) -> tuple[list[Triple], list[str]]:
    """What owlrl adds to ``triples``, and its clash messages."""
    closure = Graph(store="SimpleMemory")  # no context bookkeeping: owlrl spends its time in triple lookups
    for triple in triples:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    problems = [
        str(text) for node in closure.subjects(RDF.type, AGENT.ErrorMessage) for text in closure.objects(node, AGENT.error)
    ]
    return [t for t in closure if t not in triples], problems


def inferred_dataset(inference: Inference, base: str, source: Dataset) -> Dataset:
    """The entailments as a dataset with one named graph that describes itself."""
    name = URIRef(base + "graph/inferred")
    dataset = Dataset()
    dataset.namespace_manager = source.namespace_manager
    graph = dataset.graph(name)
    for triple in inference.entailed:
        graph.add(triple)
    graph.add((name, RDF.type, PROV.Entity))
    graph.add((name, RDFS.label, Literal("Abgeleitete Tripel (OWL 2 RL)", lang="de")))
    graph.add((name, RDFS.label, Literal("Inferred triples (OWL 2 RL)", lang="en")))
    graph.add((name, DCTERMS.description, Literal(f"OWL 2 RL closure computed with {inference.engine}", lang="en")))
    graph.add((name, PROV.wasDerivedFrom, URIRef(ONTOLOGY_IRI)))
    for other in sorted(str(g.identifier) for g in source.graphs() if len(g)):
        graph.add((name, PROV.wasDerivedFrom, URIRef(other)))
    graph.add((name, URIRef(str(DCTERMS) + "extent"), integer_literal(len(inference.entailed))))
    return dataset
