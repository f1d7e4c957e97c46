"""pyshacl's SPARQL answered by Oxigraph: the data graph handed to pyshacl, and the naming of nodes that
pyshacl repeats for every result.

pyshacl asks rdflib for SHACL-SPARQL constraints and targets (and a few core checks) as query text;
:class:`DataGraph` answers them with an Oxigraph copy of itself, the pre-bound values written into
the text (:func:`prebound`), and refuses SERVICE and FROM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, NamespaceManager
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import Memory
from rdflib.query import Processor, Result
from rdflib.term import Identifier

from koko.errors import KokoError
from koko.sparql.lexer import tokens
from koko.sparql.oxigraph import answer, store_of, to_ox, with_prefixes
from koko.sparql.prepare import prepare

# Keywords that make a SPARQL engine fetch from elsewhere; refused wherever they are code in a shapes query.
REMOTE = frozenset({"service", "from"})
# Braces after these open a template or data, not a group graph pattern.
_NOT_A_GROUP = frozenset({"values", "construct", "insert", "delete", "data"})

# A SHACL rule's text and the namespaces it was parsed with: what a parsed query is kept under.
QueryKey = tuple[str, tuple[tuple[str, object], ...]]


class _CountingStore(Memory):
    """rdflib's in-memory store, counting the changes of its prefixes, whoever makes them."""

    def __init__(self) -> None:
        super().__init__()
        self.prefix_changes = 0

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self.prefix_changes += 1
        super().bind(prefix, namespace, override=override)


class RememberingNames(NamespaceManager):
    """A namespace manager that remembers the names it made, and the binds it did, until its store's
    prefixes change: a name is then the same, and a repeated bind changes nothing.

    pyshacl describes every result it makes in text, also the ones an sh:or discards (about ten
    thousand on the release, one per alternative a value does not match), and for each it binds
    ``sh:`` again and shortens every IRI anew: a fifth of the union pass. The data graph and the
    shapes graph name nodes with this manager; whoever changes their prefixes (a parser, pyshacl
    through its own view of the store) goes through the store, which counts.
    """

    def __init__(self, graph: Graph, store: _CountingStore) -> None:
        super().__init__(graph, bind_namespaces="none")
        self._store = store
        self._seen = store.prefix_changes
        self._names: dict[str, str] = {}
        self._binds: set[tuple[str | None, str, bool, bool]] = set()

    def _current(self) -> None:
        if self._seen != self._store.prefix_changes:
            self._names.clear()
            self._binds.clear()
            self._seen = self._store.prefix_changes

    def normalizeUri(self, rdfTerm: str) -> str:
        self._current()
        name = self._names.get(rdfTerm)
        if name is None:
            name = self._names[rdfTerm] = super().normalizeUri(rdfTerm)
        return name

    def bind(self, prefix: str | None, namespace: object, override: bool = True, replace: bool = False) -> None:
        self._current()
        call = (prefix, str(namespace), override, replace)
        if call not in self._binds:
            super().bind(prefix, namespace, override=override, replace=replace)
            self._current()
            self._binds.add(call)


class NamingGraph(Graph):
    """An empty rdflib graph, on a store of its own, that names nodes with :class:`RememberingNames`."""

    def __init__(self, identifier: URIRef | None = None) -> None:
        store = _CountingStore()
        super().__init__(store=store, identifier=identifier, bind_namespaces="none")
        self.namespace_manager = RememberingNames(self, store)


@dataclass(frozen=True)
class _Scanned:
    """What a shapes query's tokens say: whether it would fetch from elsewhere, its variables, its groups."""

    remote: bool
    variables: frozenset[str]
    groups: tuple[int, ...]  # the offsets just after each "{" that opens a group graph pattern


@lru_cache(maxsize=512)  # pyshacl asks the same texts for every focus node
def _scan(text: str) -> _Scanned:
    remote, variables, groups, previous = False, set(), [], ""
    for token in tokens(text, "urn:koko:shapes"):  # the lexer, so that an IRI or string holding "from" is no keyword
        word = token.text.lower() if token.kind == "word" else token.text
        remote = remote or (token.kind == "word" and word in REMOTE)
        if token.kind == "var":
            variables.add(token.text[1:])
        elif word == "{" and previous not in _NOT_A_GROUP:
            groups.append(token.start + 1)
        elif word == "select" and previous == "{":  # a sub-select: its own WHERE group takes the values
            groups.pop()
        elif word == "values":  # its "{" opens data, after the variables
            previous = word
            continue
        if previous != "values" or word == "{":
            previous = word
    return _Scanned(remote, frozenset(variables), tuple(groups))


def prebound(text: str, bindings: Mapping[str, object]) -> str | None:
    """The query with each pre-bound variable bound at the start of every group, as SHACL pre-binding
    requires (BIND, FILTER and nested groups see the value too). None when a value cannot be written
    as SPARQL text (a blank node).

    Oxigraph's substitutions only give a query an initial solution, which a FILTER or BIND in a
    nested group never sees, and they refuse a variable missing from the projection. SHACL forbids
    VALUES, MINUS and sub-selects that drop a pre-bound variable in these queries, so that one
    VALUES per group is the same as replacing the variable everywhere.

    >>> prebound("SELECT $this WHERE { { FILTER ($this = <urn:x>) } }", {"this": URIRef("urn:x")})
    'SELECT $this WHERE { VALUES ?this { <urn:x> } { VALUES ?this { <urn:x> } FILTER ($this = <urn:x>) } }'
    """
    scanned = _scan(text)
    values = []
    for name, value in sorted(bindings.items()):
        if str(name) not in scanned.variables:
            continue
        if not isinstance(value, URIRef | Literal):
            return None
        values.append(f" VALUES ?{name} {{ {to_ox(value)} }}")
    block, pieces, last = "".join(values), [], 0
    for offset in scanned.groups if block else ():
        pieces += [text[last:offset], block]
        last = offset
    return "".join(pieces) + text[last:]


def declared_prefixes(shapes: Graph) -> dict[str, str]:
    """Every prefix the shapes graph declares (sh:declare, then its own bindings), for queries that use
    a prefix of another node's sh:prefixes (through owl:imports, say) without declaring it."""
    declared = sorted(
        (str(prefix), str(namespace))
        for declaration in shapes.objects(None, SH.declare)
        for prefix in shapes.objects(declaration, SH.prefix)
        for namespace in shapes.objects(declaration, SH.namespace)
    )
    found: dict[str, str] = {}
    for prefix, namespace in [*declared, *sorted((str(p), str(n)) for p, n in shapes.namespaces())]:
        found.setdefault(prefix, namespace)
    return found


class DataGraph(NamingGraph):
    """The data graph handed to pyshacl: its SPARQL is answered by Oxigraph, and SERVICE refused.

    pyshacl asks rdflib for SHACL-SPARQL constraints and targets (and a few core checks) as
    query text. rdflib parses the text anew for every focus node and evaluates it in pure
    Python; the whole-graph rules alone took a second on the release. This graph answers
    SELECT and ASK queries with an Oxigraph copy of itself instead, the pre-bound values written
    into the text (:func:`prebound`); rdflib answers what Oxigraph cannot be given (a blank node
    pre-bound, a rule's CONSTRUCT). Only this validation is affected; rdflib stays untouched.
    A user's shapes file is data: a query that names a SERVICE or FROM would make a SPARQL
    engine connect to it, so it is refused before it runs. pyshacl 0.40 can validate an
    Oxigraph store itself, but did not finish the release in 300 s (issue 18).
    """

    def __init__(self, prepared: dict[QueryKey, Query]) -> None:
        super().__init__()
        self._prepared = prepared  # rdflib's parsed queries, for what Oxigraph does not answer
        self._store: tuple[int, ox.Store] | None = None
        self.shapes_file = "the shapes"  # named in errors; set by _run
        self.shapes_prefixes: dict[str, str] = {}  # set by _run

    def _oxigraph(self) -> ox.Store:
        # pyshacl may add inferred triples before it queries: rebuild when the graph grew.
        if self._store is None or self._store[0] != len(self):
            self._store = (len(self), store_of(self))
        return self._store[1]

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, object] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: object,
    ) -> Result:
        if isinstance(query_object, str):
            where = f"{self.shapes_file} (a SPARQL constraint)"
            if _scan(query_object).remote:
                raise KokoError(
                    "SERVICE, FROM and FROM NAMED are refused in shapes; koko never connects to other endpoints", where
                )
            namespaces = dict(initNs) if initNs else {**self.shapes_prefixes, **dict(self.namespaces())}
            bound = prebound(query_object, initBindings or {})
            if bound is not None:
                try:
                    return answer(self._oxigraph(), with_prefixes(bound, namespaces), {})
                except SyntaxError:
                    try:  # the shapes' own error, where they have one; else the VALUES were misplaced: rdflib binds
                        ox.Store().query(with_prefixes(query_object, namespaces))
                    except SyntaxError as exc:
                        raise KokoError(f"SPARQL syntax error: {exc}", where) from exc
                except ValueError:  # CONSTRUCT or UPDATE (SHACL rules)
                    pass
            key = (query_object, tuple(sorted(namespaces.items())))
            if key not in self._prepared:  # rdflib: parsed once
                self._prepared[key] = prepare(query_object, where, namespaces)
            query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
