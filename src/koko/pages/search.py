"""Full-text search over the release: names and labels in both languages, answers and texts, quotes.

The index is built once from the release's own fixed queries (:meth:`Backend.select`, so it works on the
embedded store and on a remote one) and searched in memory. Words are compared in two ways:

- by **stem**: the German Snowball stemmer (``snowballstemmer``, which also reads »ae« as »ä«) of the
  lower-cased word, folded (``ß`` → ``ss``, accents and umlauts dropped), so »Träber«, »Traeber« and
  »träber« are one word, and »Roßlau« and »Rosslau«;
- by **prefix** of the folded word, for words of at least :data:`PREFIX_MIN` letters, because Snowball
  keeps the plural »Kitas« apart from »Kita« and German compounds (»Kitaplätze«) start with the word
  asked for.

A hit needs every word of the query. Hits are ranked by where the words were found (a name or label
above an answer's text above a quote), then by what the resource is (a site above a person above a
programme … above the pieces of a site's description), then by a name that is the query exactly, then
by the shorter passage. The static site ships the same documents, with the stem of every word form,
to ``koko-search.js``, which applies the same rules (see :func:`static_index`).

The query is only ever compared with these in-memory strings: no SQL, no SPARQL is built from it.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import snowballstemmer

from koko.graph.namespace import KOKO
from koko.pages.linked_data import LinkedData, href_for, page_context
from koko.pages.vocabulary import DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, Vocabulary

MAX_QUERY = 200  # characters of a query that are read; the rest is cut
MAX_WORDS = 8
PREFIX_MIN = 3
MAX_HITS = 50
CONTEXT_WORDS = 14  # words each side of the first match in a passage

NAME, TEXT, QUOTE = 0, 1, 2  # the kinds of field, in the order they rank
NAME_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name", DCTERMS + "title", str(KOKO.printedName))
ALL_NAMES = (*NAME_PROPERTIES, SKOS + "altLabel")
TEXT_PROPERTIES = (str(KOKO.text), str(KOKO.motto), SKOS + "definition")
# What a person searches for first; everything else (memberships, posts, intervals, …) ranks after these.
KIND_ORDER = tuple(
    str(KOKO) + name
    for name in (
        "Site",
        "Person",
        "Initiative",
        "FundingProgramme",
        "Project",
        "Network",
        "Product",
        "Award",
        "PartnerOrganisation",
        "AdministrativeUnit",
        "DistrictFreeCity",
        "RuralDistrict",
        "FederalState",
        "StateChapter",
        "Event",
        "Place",
        "Question",
        "Answer",
    )
)
WORD = re.compile(r"[^\W_]+")

_stemmer = snowballstemmer.stemmer("german")
_stem_lock = threading.Lock()  # a Snowball stemmer keeps its word in the instance: one word at a time


def fold(word: str) -> str:
    """Lower case, ``ß`` as ``ss``, without accents or umlauts (``koko-search.js`` folds the same way).

    >>> fold("Roßlau"), fold("Träber"), fold("Éducation")
    ('rosslau', 'traber', 'education')
    """
    decomposed = unicodedata.normalize("NFD", word.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def stem(word: str) -> str:
    """The folded German stem of a word.

    >>> stem("Träber"), stem("Traeber"), stem("Kitaplätze"), stem("Roßlau")
    ('trab', 'trab', 'kitaplatz', 'rosslau')
    """
    with _stem_lock:
        return fold(_stemmer.stemWord(word.lower()))


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    form: str  # folded
    stem: str


def tokens(text: str, stems: dict[str, str]) -> tuple[Token, ...]:
    """The words of ``text``; ``stems`` caches folded form → stem (and is what the static index ships)."""
    found = []
    for match in WORD.finditer(text):
        form = fold(match.group())
        if form not in stems:
            stems[form] = stem(match.group())
        found.append(Token(match.start(), match.end(), form, stems[form]))
    return tuple(found)


@dataclass(frozen=True)
class Field:
    kind: int  # NAME, TEXT or QUOTE
    text: str
    lang: str | None
    tokens: tuple[Token, ...]
    forms: frozenset[str]  # the tokens' forms, for the lookup


def field_of(kind: int, text: str, lang: str | None, stems: dict[str, str]) -> Field:
    found = tokens(text, stems)
    return Field(kind, text, lang, found, frozenset(t.form for t in found))


@dataclass(frozen=True)
class Document:
    iri: str
    types: tuple[str, ...]
    titles: dict[str, str]  # language → the name a page shows
    fields: tuple[Field, ...]

    @property
    def order(self) -> int:
        return min((KIND_ORDER.index(t) for t in self.types if t in KIND_ORDER), default=len(KIND_ORDER))

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("de") or next(iter(self.titles.values()), self.iri)


@dataclass(frozen=True)
class SearchIndex:
    documents: tuple[Document, ...]
    stems: dict[str, str]  # every folded word form of the documents → its stem


Select = Callable[[str], Sequence[ox.QuerySolution]]
_PREFIXES = f"PREFIX rdf: <{RDF}> PREFIX prov: <{PROV}> PREFIX koko: <{KOKO}>\n"
_LITERALS = _PREFIXES + "SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {} }} ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) }}"
_QUOTES = _PREFIXES + "SELECT DISTINCT ?s ?o WHERE { ?e a koko:Evidence ; prov:value ?o ; rdf:subject ?s FILTER(isIRI(?s)) }"
_TYPES = _PREFIXES + "SELECT DISTINCT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }"
_EVIDENCE = _PREFIXES + "SELECT DISTINCT ?s WHERE { ?s a koko:Evidence }"


def _literals(select: Select, predicates: Sequence[str]) -> list[tuple[str, str, ox.Literal]]:
    query = _LITERALS.format(" ".join(f"<{p}>" for p in predicates))
    rows = [(r["s"], r["p"], r["o"]) for r in select(query)]
    return [(s.value, p.value, o) for s, p, o in rows if isinstance(o, ox.Literal)]


def build_index(select: Select, base: str) -> SearchIndex:
    """The search index of the release's resources (IRIs under ``base``); evidence nodes are not
    resources here: their quotes belong to the resource their statement is about."""
    evidence = {r["s"].value for r in select(_EVIDENCE)}
    fields: dict[str, set[tuple[int, str, str | None]]] = {}
    titles: dict[str, dict[str, tuple[int, str]]] = {}
    for iri, predicate, literal in _literals(select, ALL_NAMES):
        fields.setdefault(iri, set()).add((NAME, literal.value, literal.language))
        if predicate in NAME_PROPERTIES:
            rank = (NAME_PROPERTIES.index(predicate), literal.value)
            mine = titles.setdefault(iri, {})
            key = literal.language or ""
            mine[key] = min(mine.get(key, rank), rank)
    for iri, _, literal in _literals(select, TEXT_PROPERTIES):
        fields.setdefault(iri, set()).add((TEXT, literal.value, literal.language))
    for row in select(_QUOTES):
        quote = row["o"]
        if isinstance(quote, ox.Literal):
            fields.setdefault(row["s"].value, set()).add((QUOTE, quote.value, quote.language))
    types: dict[str, set[str]] = {}
    for row in select(_TYPES):
        types.setdefault(row["s"].value, set()).add(row["t"].value)
    stems: dict[str, str] = {}
    documents = []
    for iri in sorted(fields):
        if not iri.startswith(base) or iri in evidence:
            continue
        ordered = sorted(fields[iri], key=lambda f: (f[0], f[2] or "", f[1]))
        named = {lang or "": text for lang, (_, text) in sorted(titles.get(iri, {}).items())}
        documents.append(
            Document(
                iri,
                tuple(sorted(types.get(iri, ()))),
                named,
                tuple(field_of(kind, text, lang, stems) for kind, text, lang in ordered),
            )
        )
    return SearchIndex(tuple(documents), dict(sorted(stems.items())))


@dataclass(frozen=True)
class Word:
    form: str  # folded
    stems: frozenset[str]

    def finds(self, form: str, stem: str) -> bool:
        return stem in self.stems or (len(self.form) >= PREFIX_MIN and form.startswith(self.form))


def query_words(query: str) -> tuple[Word, ...]:
    """The words of a query (at most :data:`MAX_WORDS` of the first :data:`MAX_QUERY` characters); a word
    ending in »s« also stands for itself without it (»Kitas« → »Kita«), as Snowball leaves such plurals.

    >>> [(w.form, sorted(w.stems)) for w in query_words("Kitas in Roßlau")]
    [('kitas', ['kita', 'kitas']), ('in', ['in']), ('rosslau', ['rosslau'])]
    """
    words: dict[str, Word] = {}
    for match in WORD.finditer(query[:MAX_QUERY]):
        form = fold(match.group())
        variants = {stem(match.group())}
        if form.endswith("s") and len(form) > PREFIX_MIN + 1:
            variants.add(stem(match.group()[:-1]))
        words.setdefault(form, Word(form, frozenset(variants)))
    return tuple(words.values())[:MAX_WORDS]


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


@dataclass(frozen=True)
class Hit:
    document: Document
    field: Field  # the field that ranked it
    rank: tuple[int, int, int, int, str, str]

    def passage(self, words: Sequence[Word]) -> tuple[Segment, ...]:
        return passage(self.field, words)


def search(index: SearchIndex, words: Sequence[Word], lang: str) -> list[Hit]:
    """Every document that holds all ``words``, best first."""
    if not words:
        return []
    # The word forms each query word finds, looked up once in the index's vocabulary.
    found = [frozenset(f for f, s in index.stems.items() if w.finds(f, s)) for w in words]
    hits = []
    for doc in index.documents:
        has = [[not forms.isdisjoint(field.forms) for forms in found] for field in doc.fields]
        title = doc.title(lang)  # of the fields that match, the one the page shows as the title is shown
        whole = [f for f, h in zip(doc.fields, has, strict=True) if all(h)]
        if whole:
            best = min(whole, key=lambda f: (f.kind, f.text != title, len(f.tokens)))
            tier = best.kind
        elif all(any(h[i] for h in has) for i in range(len(words))):
            best = min(
                (f for f, h in zip(doc.fields, has, strict=True) if any(h)),
                key=lambda f: (f.kind, f.text != title, len(f.tokens)),
            )
            tier = QUOTE + 1  # the words are spread over several fields
        else:
            continue
        exact = 0 if tier == NAME and [t.form for t in best.tokens] == [w.form for w in words] else 1
        hits.append(Hit(doc, best, (tier, doc.order, exact, len(best.tokens), title, doc.iri)))
    return sorted(hits, key=lambda h: h.rank)


def passage(field: Field, words: Sequence[Word], context: int = CONTEXT_WORDS) -> tuple[Segment, ...]:
    """The field's text around its first match, the matching words marked, cut at word bounds with »…«."""
    found = [i for i, t in enumerate(field.tokens) if any(w.finds(t.form, t.stem) for w in words)]
    if not found:
        return (Segment(field.text, False),)
    first = max(0, found[0] - context)
    last = min(len(field.tokens) - 1, found[0] + 2 * context)
    start = 0 if first == 0 else field.tokens[first].start
    end = len(field.text) if last == len(field.tokens) - 1 else field.tokens[last].end
    segments = [Segment("… ", False)] if start > 0 else []
    position = start
    for i in found:
        token = field.tokens[i]
        if token.start < start or token.end > end:
            continue
        segments += [Segment(field.text[position : token.start], False), Segment(field.text[token.start : token.end], True)]
        position = token.end
    segments.append(Segment(field.text[position:end], False))
    if end < len(field.text):
        segments.append(Segment(" …", False))
    return tuple(s for s in segments if s.text)


def static_index(index: SearchIndex, link: Callable[[str], str], kind_label: Callable[[Document, str], str]) -> dict[str, Any]:
    """What ``koko-search.js`` searches on the static site: the documents (link, kind in both languages,
    titles, order, fields as [kind, language, text]) and the stem of every word form in them."""
    docs = []
    for doc in index.documents:
        docs.append(
            {
                "u": link(doc.iri),
                "k": [kind_label(doc, "de"), kind_label(doc, "en")],
                "t": [doc.title("de"), doc.title("en")],
                "o": doc.order,
                "f": [[f.kind, f.lang or "", f.text] for f in doc.fields],
            }
        )
    return {"stems": index.stems, "docs": docs, "max": MAX_HITS, "prefix": PREFIX_MIN, "context": CONTEXT_WORDS}


@dataclass(frozen=True)
class Result:
    """One hit as the page shows it."""

    href: str
    title: tuple[Segment, ...]
    kind: str
    found_in: int  # NAME, TEXT or QUOTE
    passage: tuple[Segment, ...]  # empty when the title is the passage
    lang: str | None  # the passage's language


def results(
    index: SearchIndex, query: str, lang: str, link: Callable[[str], str], kind_label: Callable[[Document, str], str]
) -> tuple[list[Result], int]:
    """The first :data:`MAX_HITS` results for the page, and how many there are in all."""
    words = query_words(query)
    hits = search(index, words, lang)
    shown = []
    for hit in hits[:MAX_HITS]:
        title = hit.document.title(lang)
        same = hit.field.kind == NAME and hit.field.text == title
        shown.append(
            Result(
                href=link(hit.document.iri),
                title=hit.passage(words) if same else (Segment(title, False),),
                kind=kind_label(hit.document, lang),
                found_in=hit.field.kind,
                passage=() if same else hit.passage(words),
                lang=hit.field.lang,
            )
        )
    return shown, len(hits)


def kind_labeller(vocabulary: Vocabulary) -> Callable[[Document, str], str]:
    """The label of what a document is (its first type in :data:`KIND_ORDER`, else its first type)."""

    def kind_label(doc: Document, lang: str) -> str:
        ranked = sorted(doc.types, key=lambda t: (KIND_ORDER.index(t) if t in KIND_ORDER else len(KIND_ORDER), t))
        for type_iri in ranked:
            label = vocabulary.label(type_iri, lang)
            if label:
                return label
        return ranked[0].rpartition("/")[2].rpartition("#")[2] if ranked else ""

    return kind_label


def search_page(ld: LinkedData, index: SearchIndex | None, lang: str, query: str) -> str:
    """The search page; ``index=None``: the static site's page, which ``koko-search.js`` fills in."""
    query = query.strip()
    link = href_for(ld.urls, lang)
    kind_label = kind_labeller(ld.vocabulary)
    shown: list[Result] = []
    total = 0
    words = query_words(query)
    if index is not None and words:
        shown, total = results(index, query, lang, link, kind_label)
    path = ld.urls.search + (f"?{urlencode({'q': query[:MAX_QUERY]})}" if query else "")
    return ld.renderer.page(
        "search.html",
        lang,
        query=query[:MAX_QUERY],
        cut=len(query) > MAX_QUERY,
        words=bool(words),
        results=shown,
        total=total,
        limit=MAX_HITS,
        static=index is None,
        index_script=INDEX_SCRIPT,
        **page_context(ld, lang, path),
    )


#: Where the static site keeps its index, a script (not JSON) so that the CSP's script-src 'self' covers it.
INDEX_SCRIPT = "/-/search-index.js"


def index_script(index: SearchIndex, ld: LinkedData) -> bytes:
    """The static site's index as a script that sets ``window.KOKO_SEARCH``; sorted keys, so the same bytes every time."""
    data = static_index(index, ld.urls.link, kind_labeller(ld.vocabulary))
    return ("window.KOKO_SEARCH = " + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ";\n").encode(
        "utf-8"
    )
