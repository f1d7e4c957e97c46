"""What the release says about one resource: the quads of its RDF, and a description for its page.

The quads come from an :class:`Index` of the release's N-Quads, exactly as the files write
them (the Oxigraph store holds the same terms; see tests/test_release_oxigraph.py), with the
lookups a page needs in plain mappings. The index is built once (a few tens of milliseconds), holds only immutable
pyoxigraph terms in read-only mappings and is shared by all request threads.

A resource's RDF is its outgoing triples (following blank nodes, of which the release has
none) and its incoming triples: what Linked Data Fragments and most linked-data servers
answer, enough to walk the graph in both directions from any page. A named graph's IRI
stands for the graph, and its RDF is the graph's content, which includes the graph's own
provenance (every graph describes itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pyoxigraph as ox

from koko.graph.namespace import KOKO
from koko.pages.literals import display
from koko.pages.vocabulary import DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, Vocabulary, curie

Node = ox.NamedNode | ox.BlankNode | ox.Literal
# What an object can be. Triple terms (RDF 1.2) are shown as their text; they are never an index key, so
# nothing is looked up about them (the release has none).
Term = Node | ox.Triple
EVIDENCE = str(KOKO.Evidence)
TEXT_PROPERTIES = frozenset({str(KOKO.text)})  # long texts get paragraphs, not a table cell
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name", DCTERMS + "title", str(KOKO.printedName))
# Links from an evidence node are shown as its quote next to the statement it supports,
# so they are left out of the "referenced by" lists (the RDF keeps them).
QUOTE_LINKS = frozenset({RDF + "subject", RDF + "object", PROV + "wasQuotedFrom", PROV + "wasDerivedFrom"})
PLAIN_TYPES = frozenset({XSD + "string", RDF + "langString"})


def valid_iri(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None if it is not a valid IRI (a request path can hold anything).

    >>> valid_iri("https://w3id.org/koko-kg/id/site/erfurt").value, valid_iri("https://w3id.org/koko-kg/id/a b")
    ('https://w3id.org/koko-kg/id/site/erfurt', None)
    """
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _sorted_quads(quads: Iterable[ox.Quad]) -> tuple[ox.Quad, ...]:
    return tuple(sorted(set(quads), key=str))


@dataclass(frozen=True)
class Index:
    """The release's quads by subject, by object and by graph name; statements → their evidence."""

    subjects: Mapping[Node, tuple[ox.Quad, ...]]
    objects: Mapping[Node, tuple[ox.Quad, ...]]
    graphs: Mapping[ox.NamedNode, tuple[ox.Quad, ...]]
    evidence: Mapping[ox.Triple, tuple[ox.NamedNode | ox.BlankNode, ...]]

    def knows(self, iri: str) -> bool:
        """Whether ``iri`` is a subject, an object or a named graph of the release (never, if it is no valid IRI)."""
        node = valid_iri(iri)
        return node is not None and (node in self.subjects or node in self.objects or node in self.graphs)

    def values(self, node: Term, predicate: str) -> list[Term]:
        """The distinct objects of ``node``'s ``predicate`` statements, in a stable order."""
        if isinstance(node, ox.Triple):  # never a key of the index
            return []
        found = {q.object for q in self.subjects.get(node, ()) if q.predicate.value == predicate}
        return sorted(found, key=str)

    def value(self, node: Term, predicate: str) -> Term | None:
        values = self.values(node, predicate)
        return values[0] if values else None

    def has_type(self, node: Term, type_iri: str) -> bool:
        return any(isinstance(v, ox.NamedNode) and v.value == type_iri for v in self.values(node, RDF + "type"))


def index_of(nquads: bytes) -> Index:
    """Index the release's N-Quads (its datatypes exactly as written)."""
    return index_of_quads(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def index_of_quads(quads: Iterable[ox.Quad]) -> Index:
    """Index some quads: the whole release, or what a remote store answered about a few resources."""
    subjects: dict[Node, list[ox.Quad]] = defaultdict(list)
    objects: dict[Node, list[ox.Quad]] = defaultdict(list)
    graphs: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        if not isinstance(quad.subject, ox.Triple):
            subjects[quad.subject].append(quad)
        if not isinstance(quad.object, ox.Literal | ox.Triple):
            objects[quad.object].append(quad)
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name].append(quad)
    index = Index(
        MappingProxyType({k: _sorted_quads(v) for k, v in subjects.items()}),
        MappingProxyType({k: _sorted_quads(v) for k, v in objects.items()}),
        MappingProxyType({k: _sorted_quads(v) for k, v in graphs.items()}),
        MappingProxyType({}),
    )
    evidence: dict[ox.Triple, list[ox.NamedNode | ox.BlankNode]] = defaultdict(list)
    for quad in index.objects.get(ox.NamedNode(EVIDENCE), ()):
        node = quad.subject
        if quad.predicate.value != RDF + "type" or isinstance(node, ox.Triple):
            continue
        subject, predicate, obj = (index.value(node, RDF + name) for name in ("subject", "predicate", "object"))
        # Parts that cannot make a triple (a literal subject, say) describe no statement to quote.
        if (
            isinstance(subject, ox.NamedNode | ox.BlankNode | ox.Triple)
            and isinstance(predicate, ox.NamedNode)
            and obj is not None
        ):
            statement = ox.Triple(subject, predicate, obj)
            if node not in evidence[statement]:
                evidence[statement].append(node)
    return Index(index.subjects, index.objects, index.graphs, MappingProxyType({k: tuple(v) for k, v in evidence.items()}))


def resource_quads(index: Index, iri: str) -> tuple[ox.Quad, ...]:
    """The quads a resource's RDF is made of (see the module docstring), sorted."""
    node = ox.NamedNode(iri)
    if node in index.graphs:
        return index.graphs[node]
    found: list[ox.Quad] = list(index.objects.get(node, ()))
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    while todo:  # the concise bounded description: outgoing, and on through blank nodes
        current = todo.pop()
        seen.add(current)
        for quad in index.subjects.get(current, ()):
            found.append(quad)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                todo.append(quad.object)
    return _sorted_quads(found)


def triples_of(quads: Iterable[ox.Quad]) -> tuple[ox.Triple, ...]:
    """The distinct triples of some quads (a statement made in two graphs is one triple)."""
    return tuple(sorted({q.triple for q in quads}, key=str))


@dataclass(frozen=True)
class Quote:
    """The evidence for a curated statement: the verbatim quote and where it was printed."""

    evidence: str
    text: str
    lang: str | None
    source: Value | None
    site: Value | None
    approximate: bool
    # The brochure lines the quote lies on (pages.reader), found within the lines of the part it was quoted from.
    lines: tuple[int, int] | None = None


@dataclass(frozen=True)
class Value:
    """One thing shown on a page: a linked resource (``iri``) or a literal."""

    text: str
    lang: str | None = None  # the language of ``text``, for the lang attribute
    iri: str | None = None
    datatype: str | None = None  # the prefixed datatype of a typed literal that is not a string
    quotes: tuple[Quote, ...] = ()
    lexical: str | None = None  # a typed literal's value as written, where ``text`` formats it for people


def _order(value: Value) -> tuple[str, str, str, str, str]:
    """Label order for people, then every other field, so that values with the same label (two graphs'
    subjects both called »Antwort«) come out in one order whatever the set they came from."""
    return (value.text.casefold(), value.text, value.iri or "", value.lang or "", value.datatype or "")


@dataclass(frozen=True)
class Group:
    """The values of one property."""

    iri: str
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Statement:
    """A curated statement as an evidence node describes it, with its quote."""

    subject: Value
    predicate: Value
    object: Value
    quote: Quote


@dataclass(frozen=True)
class Answer:
    """A site's printed answer: the question as printed and the text in paragraphs."""

    iri: str
    question: Value
    paragraphs: tuple[str, ...]
    lang: str | None


@dataclass(frozen=True)
class Source:
    """Where in the brochure a resource comes from: a text part (its own lines, or the part it was derived
    from), a site profile's header, or the lines of a quote about it."""

    kind: str  # "part", "header" or "quote"
    label: Value
    lines: tuple[int, int]


@dataclass(frozen=True)
class Description:
    iri: str
    title: Value
    subtitle: Value | None  # the label in the other language, where it differs
    types: tuple[Value, ...]
    properties: tuple[Group, ...]
    texts: tuple[Group, ...]  # long texts, each value one paragraph
    answers: tuple[Answer, ...]
    statement: Statement | None  # for a koko:Evidence node
    quoted: tuple[Statement, ...]  # the statements whose evidence quotes this answer or section
    incoming: tuple[Group, ...]
    graphs: tuple[Value, ...]  # the named graphs that state something about the resource
    graph_size: int | None  # for a named graph: its number of statements
    graph_subjects: tuple[Value, ...]  # for a named graph: what it is about
    sources: tuple[Source, ...] = ()  # the brochure lines it comes from (pages.reader links them)


@dataclass(frozen=True)
class Describer:
    """Labels and values for pages in one language."""

    index: Index
    vocabulary: Vocabulary
    prefixes: tuple[tuple[str, str], ...]
    lang: str
    # (first, last, quote) → the lines of the quote within first–last: pages.reader.BrochureText.passage.
    passage: Callable[[int, int, str], tuple[int, int]] | None = None

    def label(self, node: Term) -> tuple[str, str | None]:
        """(text, language) of the best label: ours in the page language, then German, then any."""
        for predicate in LABEL_PROPERTIES:
            literals = [v for v in self.index.values(node, predicate) if isinstance(v, ox.Literal)]
            for wanted in (self.lang, "de", None):
                for literal in literals:
                    if wanted is None or literal.language == wanted:
                        return literal.value, literal.language
        if isinstance(node, ox.NamedNode):
            known = self.vocabulary.label(node.value, self.lang)
            if known is not None:
                return known, self.lang
            return curie(node.value, self.prefixes), None
        return str(node), None

    def value(self, node: Term, quotes: tuple[Quote, ...] = ()) -> Value:
        if isinstance(node, ox.Literal):
            if node.language or node.datatype.value in PLAIN_TYPES:
                return Value(node.value, node.language, None, None, quotes)
            datatype = curie(node.datatype.value, self.prefixes)
            # Formatted in the page's language: the text is the page's, whatever the literal's.
            return Value(display(node.value, node.datatype.value, self.lang), None, None, datatype, quotes, node.value)
        text, lang = self.label(node)
        return Value(text, lang, node.value if isinstance(node, ox.NamedNode) else None, None, quotes)

    def quotes(self, triple: ox.Triple) -> tuple[Quote, ...]:
        # In one order whatever the store: a statement may be proved by several quotes.
        return tuple(self.quote(e) for e in sorted(self.index.evidence.get(triple, ()), key=str))

    def quote(self, evidence: ox.NamedNode | ox.BlankNode) -> Quote:
        quoted = self.index.value(evidence, PROV + "value")
        source = self.index.value(evidence, PROV + "wasQuotedFrom")
        site = self.index.value(source, str(KOKO.answerOf)) if source is not None else None
        return Quote(
            evidence=evidence.value,
            text=quoted.value if isinstance(quoted, ox.Literal) else "",  # the quote is a literal
            lang=quoted.language if isinstance(quoted, ox.Literal) else None,
            source=self.value(source) if source is not None else None,
            site=self.value(site) if site is not None else None,
            approximate=self.approximate(evidence),
            lines=self.lines(source, quoted.value) if source is not None and isinstance(quoted, ox.Literal) else None,
        )

    def lines(self, part: Term, quote: str | None = None) -> tuple[int, int] | None:
        """The span a text part records (koko:firstLine, koko:lastLine), narrowed to ``quote`` where the
        brochure's text is at hand."""
        first, last = self.index.value(part, str(KOKO.firstLine)), self.index.value(part, str(KOKO.lastLine))
        # Without the brochure's text at hand there is no reader to link to.
        if self.passage is None or not (isinstance(first, ox.Literal) and isinstance(last, ox.Literal)):
            return None
        try:
            span = int(first.value), int(last.value)
        except ValueError:
            return None
        return self.passage(*span, quote) if quote else span

    def sources(self, node: ox.NamedNode) -> tuple[Source, ...]:
        """Where ``node`` comes from in the brochure: its own lines; else the parts it was derived from (and
        a site's header, found by its printed name); else the lines of the quotes about it (a person)."""
        own = self.lines(node)
        if own is not None:
            return (Source("part", self.value(node), own),)
        found: list[Source] = []
        printed = self.index.value(node, str(KOKO.printedName))
        for part in self.index.values(node, PROV + "wasDerivedFrom"):
            span = self.lines(part)
            if span is None:
                continue
            found.append(Source("part", self.value(part), span))
            if isinstance(printed, ox.Literal):
                name = self.lines(part, printed.value)
                if name is not None and name != span:  # the header runs from the name to the profile's end
                    found.append(Source("header", self.value(printed), (name[0], span[1])))
        if found:
            return tuple(found)
        triples = [q.triple for q in (*self.index.subjects.get(node, ()), *self.index.objects.get(node, ()))]
        spans: set[tuple[tuple[int, int], Value]] = set()
        for triple in triples:
            spans |= {(q.lines, q.source) for q in self.quotes(triple) if q.lines is not None and q.source is not None}
        return tuple(Source("quote", source, span) for span, source in sorted(spans, key=lambda s: (s[0], s[1].text)))

    def approximate(self, evidence: ox.NamedNode | ox.BlankNode) -> bool:
        """Whether the figure the evidence proves is approximate: said on the value, the subject's
        schema:QuantitativeValue with that value (docs/model.md, "Figures")."""
        subject, obj = self.index.value(evidence, RDF + "subject"), self.index.value(evidence, RDF + "object")
        if subject is None or not isinstance(obj, ox.Literal):
            return False
        return any(
            self.index.value(figure, SCHEMA + "value") == obj
            and self.index.value(figure, str(KOKO.approximate)) == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
            for figure in self.index.values(subject, str(KOKO.figure))
        )

    def statement(self, evidence: ox.NamedNode | ox.BlankNode) -> Statement | None:
        subject, predicate, obj = (self.index.value(evidence, RDF + name) for name in ("subject", "predicate", "object"))
        if subject is None or predicate is None or obj is None:
            return None
        return Statement(self.value(subject), self.value(predicate), self.value(obj), self.quote(evidence))

    def _groups(self, pairs: Iterable[tuple[str, Value]]) -> tuple[Group, ...]:
        grouped: dict[str, set[Value]] = defaultdict(set)
        for predicate, value in pairs:
            grouped[predicate].add(value)
        groups = [Group(p, self.label(ox.NamedNode(p))[0], tuple(sorted(vs, key=_order))) for p, vs in grouped.items()]
        return tuple(sorted(groups, key=lambda g: (g.label.casefold(), g.iri)))

    def answers(self, node: ox.NamedNode) -> tuple[Answer, ...]:
        found = []
        for answer in self.index.values(node, str(KOKO.answer)):
            if not isinstance(answer, ox.NamedNode | ox.BlankNode):  # nothing is indexed about other terms
                continue
            position = self.index.value(answer, str(KOKO.position))
            question = self.index.value(answer, str(KOKO.printedQuestion)) or self.index.value(answer, str(KOKO.question))
            text = self.index.value(answer, str(KOKO.text))
            if question is None or not isinstance(text, ox.Literal):
                continue
            order = int(position.value) if isinstance(position, ox.Literal) else 0
            entry = Answer(answer.value, self.value(question), paragraphs(text.value), text.language)
            found.append((order, entry))
        return tuple(entry for _, entry in sorted(found, key=lambda pair: (pair[0], pair[1].iri)))

    def describe(self, iri: str) -> Description:
        node = ox.NamedNode(iri)
        outgoing = [q.triple for q in self.index.subjects.get(node, ())]
        incoming = [q.triple for q in self.index.objects.get(node, ())]
        title_text, title_lang = self.label(node)
        other = [
            v
            for v in self.index.values(node, RDFS + "label")
            if isinstance(v, ox.Literal) and v.value != title_text and v.language != title_lang
        ]
        properties = [
            (t.predicate.value, self.value(t.object, self.quotes(t)))
            for t in outgoing
            if t.predicate.value != RDF + "type" and t.predicate.value not in TEXT_PROPERTIES
        ]
        texts = tuple(  # paragraphs keep their order: no grouping into sets here
            Group(
                t.predicate.value,
                self.label(t.predicate)[0],
                tuple(Value(p, t.object.language) for p in paragraphs(t.object.value)),
            )
            for t in dict.fromkeys(outgoing)
            if t.predicate.value in TEXT_PROPERTIES and isinstance(t.object, ox.Literal)
        )
        from_evidence = {t for t in incoming if t.predicate.value in QUOTE_LINKS and self.index.has_type(t.subject, EVIDENCE)}
        quoted = [
            t.subject
            for t in from_evidence
            if t.predicate.value == PROV + "wasQuotedFrom" and isinstance(t.subject, ox.NamedNode | ox.BlankNode)
        ]
        references = [(t.predicate.value, self.value(t.subject, self.quotes(t))) for t in incoming if t not in from_evidence]
        graph = self.index.graphs.get(node)
        # The default graph is no named graph to link to (the release puts nothing in it).
        named_graphs = {q.graph_name for q in self.index.subjects.get(node, ()) if not isinstance(q.graph_name, ox.DefaultGraph)}
        return Description(
            iri=iri,
            title=Value(title_text, title_lang, iri),
            subtitle=self.value(other[0]) if other else None,
            types=tuple(sorted({self.value(t.object) for t in outgoing if t.predicate.value == RDF + "type"}, key=_order)),
            properties=self._groups(properties),
            texts=texts,
            answers=self.answers(node),
            statement=self.statement(node) if self.index.has_type(node, EVIDENCE) else None,
            quoted=tuple(s for s in (self.statement(e) for e in sorted(set(quoted), key=str)) if s is not None),
            incoming=self._groups(references),
            graphs=tuple(sorted({self.value(g) for g in named_graphs}, key=lambda v: v.iri or "")),
            graph_size=len(graph) if graph is not None else None,
            graph_subjects=tuple(sorted({self.value(q.subject) for q in graph or ()}, key=_order)),
            sources=self.sources(node),
        )


def paragraphs(text: str) -> tuple[str, ...]:
    """A text's paragraphs (the release separates them by a blank line).

    >>> paragraphs("Erster Absatz.\\n\\nZweiter\\nAbsatz.")
    ('Erster Absatz.', 'Zweiter\\nAbsatz.')
    """
    return tuple(p.strip() for p in text.split("\n\n") if p.strip())
