"""The ontology for people and for programs: ``/ontology`` as documentation or as RDF.

Every class and property of ``ontology/koko.ttl`` gets a section whose id is its local name,
so that the term IRI ``…/ontology#Site`` is also the address of its documentation
(``/ontology#Site``). Each section shows the German and English labels and definitions,
super- and subterms, domains, ranges, inverses, disjoint classes and how often the release
uses the term. As Turtle, the ontology is served exactly as written (comments and all);
the other formats are that Turtle re-serialised by pyoxigraph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from koko.graph.format_table import TRIPLE_FORMATS, RdfFormat
from koko.pages import browse
from koko.pages.describe import Value
from koko.pages.linked_data import LinkedData, page_context, serialise
from koko.pages.overview import Select
from koko.pages.vocabulary import DCTERMS, OWL, VANN, Term, curie

CHARACTERISTIC_LABELS = {
    OWL + "FunctionalProperty": ("funktional (höchstens ein Wert)", "functional (at most one value)"),
    OWL + "TransitiveProperty": ("transitiv", "transitive"),
}
SECTIONS = (
    ("class", "Klassen", "Classes"),
    ("object", "Objekteigenschaften", "Object properties"),
    ("datatype", "Datentypeigenschaften", "Datatype properties"),
)

# How often the release uses each class and property; distinct statements, since the same
# statement may sit in two named graphs.
USAGE_QUERY = """
SELECT ?term (COUNT(*) AS ?uses) WHERE {
  { SELECT DISTINCT ?s ?term WHERE { ?s a ?term } }
  UNION
  { SELECT DISTINCT ?s ?term ?o WHERE { ?s ?term ?o } }
}
GROUP BY ?term
"""


@dataclass(frozen=True)
class TermView:
    """A term as its section shows it, in the page's language first."""

    term: Term
    label: Value
    other_label: Value | None
    definition: Value | None
    other_definition: Value | None
    parents: tuple[Value, ...]
    children: tuple[Value, ...]
    domains: tuple[Value, ...]
    ranges: tuple[Value, ...]
    inverses: tuple[Value, ...]
    disjoint: tuple[Value, ...]
    characteristics: tuple[str, ...]
    uses: int


def _usage(select: Select) -> dict[str, int]:
    return {row["term"].value: int(row["uses"].value) for row in select(USAGE_QUERY)}


def _text(values: dict[str, str], lang: str) -> Value | None:
    return Value(values[lang], lang) if lang in values else None


def term_views(ld: LinkedData, lang: str) -> tuple[TermView, ...]:
    other = "en" if lang == "de" else "de"
    vocabulary = ld.vocabulary

    def ref(iri: str) -> Value:
        known = vocabulary.label(iri, lang) if iri in vocabulary.by_iri else None
        return Value(known or curie(iri, ld.prefixes), lang if known else None, iri)

    children: dict[str, list[str]] = defaultdict(list)
    for term in vocabulary.terms:
        for parent in term.parents:
            children[parent].append(term.iri)
    usage = _usage(ld.backend.select)
    return tuple(
        TermView(
            term=t,
            label=_text(dict(t.labels), lang) or Value(t.name),
            other_label=_text(dict(t.labels), other),
            definition=_text(dict(t.definitions), lang),
            other_definition=_text(dict(t.definitions), other),
            parents=tuple(ref(i) for i in t.parents),
            children=tuple(ref(i) for i in sorted(children.get(t.iri, ()))),
            domains=tuple(ref(i) for i in t.domains),
            ranges=tuple(ref(i) for i in t.ranges),
            inverses=tuple(ref(i) for i in t.inverses),
            disjoint=tuple(ref(i) for i in t.disjoint),
            characteristics=tuple(CHARACTERISTIC_LABELS[c][0 if lang == "de" else 1] for c in t.characteristics),
            uses=usage.get(t.iri, 0),
        )
        for t in vocabulary.terms
    )


def ontology_page(ld: LinkedData, lang: str) -> str:
    """The ontology's documentation: its header, then a section per term, by kind."""
    header = ld.vocabulary.header

    def first(predicate: str) -> str | None:
        values = header.get(predicate, {})
        found = values.get(lang) or values.get("de") or values.get("")
        return found[0] if found else None

    views = term_views(ld, lang)
    sections = tuple(
        (kind, de if lang == "de" else en, tuple(v for v in views if v.term.kind == kind)) for kind, de, en in SECTIONS
    )
    return ld.renderer.page(
        "ontology.html",
        lang,
        iri=ld.vocabulary.iri,
        title=first(DCTERMS + "title"),
        description=first(DCTERMS + "description"),
        version=first(OWL + "versionInfo"),
        version_iri=first(OWL + "versionIRI"),
        licence=first(DCTERMS + "license"),
        modified=first(DCTERMS + "modified"),
        prefix=first(VANN + "preferredNamespacePrefix"),
        namespace=first(VANN + "preferredNamespaceUri"),
        sections=sections,
        lists={k.iri: k.path for k in browse.catalogue(ld).kinds},  # instance counts link to the class's list
        formats=tuple((f.label, f.media_type, ld.urls.with_format(ld.urls.ontology, f.extension)) for f in TRIPLE_FORMATS),
        **page_context(ld, lang, ld.urls.ontology),
    )


def ontology_rdf(ld: LinkedData, fmt: RdfFormat) -> bytes:
    """The ontology in ``fmt``: the Turtle file itself, or its triples re-serialised."""
    if fmt.name == "ttl":
        return ld.release.ontology
    parsed = ox.parse(ld.release.ontology, format=ox.RdfFormat.TURTLE)  # quads in the default graph
    triples = tuple(sorted((ox.Triple(q.subject, q.predicate, q.object) for q in parsed), key=str))
    return serialise(triples, fmt, ld.prefixes, ld.context)
