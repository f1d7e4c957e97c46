"""A canned or ad-hoc query answered by rdflib: the second engine the engine-agreement tests hold
pyoxigraph's answers against, and the evaluator of the graph builder's own checks.

Every user-facing query runs on pyoxigraph (:mod:`koko.sparql.embedded`, the server's query threads). rdflib
is slow on large joins and its REGEX is exponential (shared/design/security-notes.md); it stays here as
an independent reading of the same SPARQL, on trusted queries only.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Variable

from koko.errors import KokoError
from koko.sparql.canned import CannedQuery, bindings_for
from koko.sparql.oxigraph import from_ox
from koko.sparql.prepare import prepare


def _local_dataset(dataset: Dataset | Graph, prepared: Query, where: Path | str) -> Dataset | Graph:
    """Apply FROM / FROM NAMED to local named graphs only.

    rdflib would otherwise fetch each FROM graph over HTTP. The clause is answered here
    from the graphs we hold, and removed from the query before rdflib sees it.
    """
    clauses = prepared.algebra.get("datasetClause") or []
    if not clauses:
        return dataset
    if not isinstance(dataset, Dataset):
        raise KokoError("FROM / FROM NAMED need data with named graphs (TriG or N-Quads)", where)
    available = {g.identifier: g for g in dataset.graphs() if len(g)}
    view = Dataset()
    for clause in clauses:
        # CompValue.get's second argument is not a default value, so test keys explicitly.
        is_default = "default" in clause
        name = clause["default"] if is_default else clause["named"]
        if name not in available:
            raise KokoError(f"FROM <{name}>: the data has no such named graph (koko never fetches graphs)", where)
        target = view.default_graph if is_default else view.graph(name)
        for triple in available[name]:
            target.add(triple)
    prepared.algebra["datasetClause"] = None
    return view


def run(dataset: Dataset | Graph, query: CannedQuery, given: dict[str, str], base: str) -> Result:
    bindings = bindings_for(query, given, base)
    where = query.path or query.name
    prepared = prepare(query.text, where)
    scope = _local_dataset(dataset, prepared, where)
    return scope.query(prepared, initBindings={Variable(k): from_ox(v) for k, v in bindings.items()})
