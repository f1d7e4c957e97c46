"""OWL 2 RL reasoning with owlrl: the entailments of ontology + data, kept apart from the data.

The closure also contains much that tells a user nothing (every node ``owl:sameAs`` itself,
``rdf:type owl:Thing``, datatype facts about literals, the ontology's own schema closure).
We keep the entailments *about data nodes* that are not among those tautologies, and put
them in their own named graph, so asserted and inferred triples never mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from rdflib import OWL, RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from koko.config import ONTOLOGY_IRI, Config
from koko.graph.formats import read_turtle, union
from koko.graph.model import integer_literal

# owlrl reports a clash (e.g. disjoint classes) as a node of this type with an error text.
AGENT = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
UNINFORMATIVE_TYPES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})


@dataclass(frozen=True)
class Inference:
    entailed: Graph  # new triples about data nodes, without tautologies
    inconsistencies: tuple[str, ...]  # owlrl's clash messages and owl:Nothing members

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def load_ontology(config: Config) -> Graph:
    """The KoKo ontology plus the local subset of W3C axioms it builds on."""
    graph = Graph()
    for path in (config.ontology, config.imports):
        read_turtle(graph, path, "ontology")
    return graph


def infer(dataset: Dataset | Graph, ontology: Graph) -> Inference:
    data = union(dataset) if isinstance(dataset, Dataset) else dataset
    closure = Graph(store="SimpleMemory")  # no context bookkeeping: owlrl spends its time in triple lookups
    for triple in data:
        closure.add(triple)
    for triple in ontology:
        closure.add(triple)
    before = set(closure)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)

    problems = sorted(
        str(text) for node in closure.subjects(RDF.type, AGENT.ErrorMessage) for text in closure.objects(node, AGENT.error)
    )
    problems += sorted(f"{node} is a member of owl:Nothing" for node in closure.subjects(RDF.type, OWL.Nothing))

    # Nodes the data talks about: subjects, and objects other than classes; not vocabulary terms.
    vocabulary = set(ontology.subjects())
    data_nodes = {s for s in data.subjects() if isinstance(s, URIRef)}
    data_nodes |= {o for _, p, o in data if isinstance(o, URIRef) and p != RDF.type}
    data_nodes -= vocabulary
    entailed = Graph(bind_namespaces="none")
    for prefix, namespace in data.namespaces():
        entailed.bind(prefix, namespace, override=True, replace=True)
    for s, p, o in set(closure) - before:
        if s not in data_nodes or p == OWL.sameAs or isinstance(o, BNode):
            continue
        if p == RDF.type and o in UNINFORMATIVE_TYPES:
            continue
        entailed.add((s, p, o))
    return Inference(entailed, tuple(problems))


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
    graph.add((name, DCTERMS.description, Literal(f"OWL 2 RL closure computed with owlrl {owlrl.__version__}", lang="en")))
    graph.add((name, PROV.wasDerivedFrom, URIRef(ONTOLOGY_IRI)))
    for other in sorted(str(g.identifier) for g in source.graphs() if len(g)):
        graph.add((name, PROV.wasDerivedFrom, URIRef(other)))
    graph.add((name, URIRef(str(DCTERMS) + "extent"), integer_literal(len(inference.entailed))))
    return dataset
