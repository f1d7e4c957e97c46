"""Linked data over real HTTP: every IRI resolves, content negotiation, the RDF of a resource,
the pages for people (German and English), the ontology and the downloads; checked with
facts from the brochure."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from helpers import Answer, fetch
from koko.pages.linked_data import script_json

BASE = "https://w3id.org/koko-kg/id/"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
}
RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page(HTMLParser):
    """What a test needs of an HTML page: its tags, its text with the language in effect, and
    the JSON-LD in its head."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    texts: list[tuple[str, str | None]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    heading: str = ""  # the text of the h1
    _open: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, attributes.get("lang", self._open[-1][1] if self._open else None)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1][0] == "script":
            self.scripts.append(data)
        elif data.strip():
            self.texts.append((" ".join(data.split()), self._open[-1][1] if self._open else None))
            if any(tag == "h1" for tag, _ in self._open):
                self.heading += data

    def hrefs(self, tag: str = "a") -> list[str]:
        return [attrs["href"] for name, attrs in self.tags if name == tag and "href" in attrs]

    def language_of(self, text: str) -> str | None:
        """The language in effect where ``text`` occurs (the first occurrence)."""
        return next(lang for data, lang in self.texts if text in data)

    @property
    def text(self) -> str:
        return " ".join(data for data, _ in self.texts)


def page(server: str, path: str) -> Page:
    answer = fetch(server, path, FIREFOX)
    assert answer.status == 200, (path, answer.status)
    assert answer.media_type == "text/html"
    parsed = Page()
    parsed.feed(answer.text)
    return parsed


def graph_of(answer: Answer, extension: str) -> Graph:
    if extension in ("trig", "nq"):
        dataset = Dataset()
        dataset.parse(data=answer.body, format=RDFLIB_FORMAT[extension])
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return Graph().parse(data=answer.body, format=RDFLIB_FORMAT[extension])


@pytest.fixture(scope="session")
def release_graph(published) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=published.files["koko.nq"], format="nquads")
    return dataset


def expected_triples(release_graph: Dataset, iri: str) -> Graph:
    """What the release says with ``iri`` as subject or object: what its RDF must hold."""
    node, graph = URIRef(iri), Graph()
    for s, p, o, _ in release_graph.quads((None, None, None, None)):
        if node in (s, o):
            graph.add((s, p, o))
    return graph


# --- every IRI resolves ----------------------------------------------------------------------


def test_every_iri_of_the_release_resolves(server: str, published) -> None:
    ours = set()
    for quad in published.store.quads_for_pattern(None, None, None):
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                ours.add(term.value)
    assert len(ours) > 900  # sites, answers, evidence, graphs …
    unresolved = [iri for iri in sorted(ours) if fetch(server, "/id/" + iri[len(BASE) :], "application/n-triples").status != 200]
    assert unresolved == []


@pytest.mark.parametrize("path", ["/id/site/atlantis", "/id/site/atlantis.ttl", "/id/", "/id/site", "/id/site/dresden.docx"])
def test_unknown_resources_are_404_in_text_for_programs(server: str, path: str) -> None:
    answer = fetch(server, path, "text/turtle")
    assert answer.status == 404
    assert answer.media_type == "text/plain"


def test_unknown_resources_get_a_404_page_in_browsers(server: str) -> None:
    answer = fetch(server, "/id/site/atlantis?lang=en", FIREFOX)
    assert (answer.status, answer.media_type) == (404, "text/html")
    assert "Not found" in answer.text
    assert "site/atlantis" in answer.text


# --- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize("accept", [FIREFOX, "text/html", "*/*", None])
def test_people_get_html(server: str, accept: str | None) -> None:
    answer = fetch(server, "/id/site/dresden", accept)
    assert (answer.status, answer.media_type) == (200, "text/html")
    assert answer.headers["vary"] == "Accept, Accept-Language"  # the page's language too
    assert "Bildung als Schlüssel zur Integration" in answer.text


@pytest.mark.parametrize("extension", list(RDF_TYPES))
def test_programs_get_rdf_by_accept(server: str, extension: str, release_graph: Dataset) -> None:
    answer = fetch(server, "/id/site/dresden", f"{RDF_TYPES[extension]}, text/html;q=0.5")
    assert (answer.status, answer.media_type) == (200, RDF_TYPES[extension])
    assert answer.headers["vary"] == "Accept"
    assert answer.headers["content-location"] == f"/id/site/dresden.{extension}"
    assert isomorphic(graph_of(answer, extension), expected_triples(release_graph, BASE + "site/dresden"))


@pytest.mark.parametrize("extension", list(RDF_TYPES))
def test_format_suffixes_need_no_negotiation(server: str, extension: str, release_graph: Dataset) -> None:
    answer = fetch(server, f"/id/site/erfurt.{extension}", "text/html")
    assert (answer.status, answer.media_type) == (200, RDF_TYPES[extension])
    assert "vary" not in answer.headers
    assert isomorphic(graph_of(answer, extension), expected_triples(release_graph, BASE + "site/erfurt"))


def test_html_suffix_gives_the_page(server: str) -> None:
    answer = fetch(server, "/id/site/erfurt.html", "text/turtle")
    assert (answer.status, answer.media_type) == (200, "text/html")
    assert "Landeshauptstadt Erfurt" in answer.text


@pytest.mark.parametrize("accept", ["image/png", "application/pdf", "text/html;q=0, text/turtle;q=0"])
def test_nothing_acceptable_is_406(server: str, accept: str) -> None:
    answer = fetch(server, "/id/site/dresden", accept)
    assert answer.status == 406
    assert answer.headers["vary"] == "Accept"
    assert "text/turtle" in answer.text


def test_head_answers_like_get_without_a_body(server: str) -> None:
    answer = fetch(server, "/id/site/dresden.ttl", method="HEAD")
    assert (answer.status, answer.media_type, answer.body) == (200, "text/turtle", b"")


# --- what the RDF of a resource is -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "site/magdeburg",  # outgoing and incoming, curated facts with evidence
        "brochure/foreword",  # xsd:positiveInteger line numbers
        "event/integrationsmesse-goerlitz-2019",  # an approximate figure
        "programme/bildung-integriert",
        "state/thueringen",
    ],
)
def test_rdf_is_what_the_release_says_in_and_out(server: str, path: str, release_graph: Dataset) -> None:
    answer = fetch(server, f"/id/{path}.nt")
    assert isomorphic(graph_of(answer, "nt"), expected_triples(release_graph, BASE + path))


def test_datatypes_are_those_of_the_release(server: str, published) -> None:
    """The Oxigraph store re-encodes derived integer types (pyoxigraph 0.5.13 answers
    "1"^^xsd:integer for "1"^^xsd:positiveInteger); the served line is the release's line."""
    statement = f"<{BASE}brochure/foreword> <https://w3id.org/koko-kg/ontology#firstLine> "
    [line] = [line for line in published.files["koko.nt"].decode().splitlines() if line.startswith(statement)]
    assert line in fetch(server, "/id/brochure/foreword.nt").text.splitlines()


def test_incoming_and_outgoing_statements_are_both_there(server: str) -> None:
    lines = fetch(server, "/id/site/dresden.nt").text.splitlines()
    assert f"<{BASE}programme/koko> <https://w3id.org/koko-kg/ontology#site> <{BASE}site/dresden> ." in lines
    start = '"2016-10"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'
    assert f"<{BASE}site/dresden> <https://w3id.org/koko-kg/ontology#programmeStart> {start} ." in lines


def test_turtle_uses_readable_prefixes(server: str) -> None:
    text = fetch(server, "/id/site/dresden.ttl").text
    assert "@prefix site: <https://w3id.org/koko-kg/id/site/> ." in text
    assert "site:dresden a koko:Site" in text


def test_json_ld_is_self_contained(server: str) -> None:
    document = json.loads(fetch(server, "/id/site/dresden.jsonld").body)
    dresden = next(node for node in document["@graph"] if node["@id"] == BASE + "site/dresden")
    assert dresden["koko:motto"] == {"@language": "de", "@value": "Bildung als Schlüssel zur Integration"}
    assert isinstance(document["@context"], dict)  # inline: nothing for a reader to fetch


@pytest.fixture
def offline_json_ld(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib's JSON-LD parser may not load any context from anywhere (a remote @context would be fetched here)."""

    def refuse(source: object, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"rdflib tried to fetch a JSON-LD context: {source}")

    monkeypatch.setattr("rdflib.plugins.shared.jsonld.context.source_to_json", refuse)


@pytest.mark.parametrize(
    "path", ["site/dresden", "brochure/foreword", "event/integrationsmesse-goerlitz-2019", "graph/site/dresden"]
)
def test_json_ld_is_compacted_with_the_shipped_context(server: str, published, path: str, offline_json_ld: None) -> None:
    from koko.graph.formats import load_context

    answer = fetch(server, f"/id/{path}", "application/ld+json")
    document = json.loads(answer.body)
    assert document["@context"] == load_context(published.config.context)
    statements = json.dumps({key: value for key, value in document.items() if key != "@context"})
    assert "koko:" in statements
    assert "https://w3id.org/koko-kg/ontology#" not in statements  # every term of ours shortened
    turtle = fetch(server, f"/id/{path}", "text/turtle")
    assert isomorphic(graph_of(answer, "jsonld"), graph_of(turtle, "ttl"))


def test_the_ontology_in_json_ld_is_compacted_too(server: str, published, offline_json_ld: None) -> None:
    from koko.graph.formats import load_context

    document = json.loads(fetch(server, "/ontology", "application/ld+json").body)
    assert document["@context"] == load_context(published.config.context)
    site = next(node for node in document["@graph"] if node["@id"] in ("koko:Site", "https://w3id.org/koko-kg/ontology#Site"))
    assert {"@language": "de", "@value": "Standort"} in site["rdfs:label"]
    turtle = fetch(server, "/ontology", "text/turtle")
    json_ld = graph_of(fetch(server, "/ontology", "application/ld+json"), "jsonld")
    assert isomorphic(simple_literals(json_ld), simple_literals(graph_of(turtle, "ttl")))


def simple_literals(graph: Graph) -> Graph:
    """``"x"^^xsd:string`` as ``"x"``: one term in RDF 1.1, two in rdflib (the ontology file writes the datatype)."""
    plain = Graph()
    for s, p, o in graph:
        plain.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return plain


@pytest.mark.parametrize("path", ["/id/site/dresden", "/ontology", "/.well-known/void", "/"])
def test_json_is_answered_with_json_ld(server: str, path: str) -> None:
    answer = fetch(server, path, "application/json")
    assert (answer.status, answer.media_type) == (200, "application/ld+json")
    assert answer.headers["vary"] == "Accept"
    assert len(Graph().parse(data=answer.body, format="json-ld")) > 10


def test_json_ld_is_the_same_whether_asked_as_json_or_json_ld(server: str) -> None:
    assert fetch(server, "/id/site/erfurt", "application/json").body == fetch(server, "/id/site/erfurt.jsonld").body


def test_a_named_graph_iri_gives_the_graph(server: str, published) -> None:
    graph = f"<{BASE}graph/site/dresden> ."
    in_release = [line for line in published.files["koko.nq"].decode().splitlines() if line.endswith(graph)]
    answer = fetch(server, "/id/graph/site/dresden.nq")
    assert sorted(answer.text.splitlines()) == sorted(in_release)
    assert len(in_release) == 160
    page_text = page(server, "/id/graph/site/dresden").text
    assert "160 Aussagen über 19 Ressourcen" in page_text
    assert "Jana Träber" in page_text  # a coordinator of Dresden, described in the graph


def test_quads_keep_the_graph_each_statement_is_in(server: str) -> None:
    dataset = Dataset()
    dataset.parse(data=fetch(server, "/id/site/goerlitz.trig").body, format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {BASE + "graph/site/goerlitz", BASE + "graph/curated/goerlitz", BASE + "graph/programme"} <= graphs


# --- pages for people ------------------------------------------------------------------------


def test_resource_page_has_alternates_and_its_json_ld(server: str) -> None:
    dresden = page(server, "/id/site/dresden")
    alternates = {a["type"]: a["href"] for name, a in dresden.tags if name == "link" and a.get("rel") == "alternate"}
    assert alternates == {media: f"/id/site/dresden.{ext}" for ext, media in RDF_TYPES.items()}
    [script] = dresden.scripts
    document = json.loads(script)
    graph = Graph().parse(data=script, format="json-ld")
    assert (URIRef(BASE + "site/dresden"), URIRef("https://w3id.org/koko-kg/ontology#printedName"), None) in graph
    assert (document["@id"], document["@type"]) == (BASE + "site/dresden", "koko:Site")  # compacted, one node


def test_json_ld_in_a_page_cannot_close_its_script() -> None:
    text = str(script_json(b'[{"@value": "</script><!-- & -->"}]'))
    assert "</" not in text
    assert "<!--" not in text
    assert json.loads(text) == [{"@value": "</script><!-- & -->"}]


def test_resource_page_shows_labels_types_and_links(server: str) -> None:
    erfurt = page(server, "/id/site/erfurt")
    assert ("h1", {"lang": "de"}) in erfurt.tags
    assert erfurt.heading == "Landeshauptstadt Erfurt"
    assert erfurt.language_of("KoKo site Erfurt") == "en"
    assert "/ontology#Site" in erfurt.hrefs()  # its type, documented in the ontology
    assert "/id/municipality/erfurt" in erfurt.hrefs()
    assert "Verweise auf diese Ressource" in erfurt.text
    assert "/id/programme/koko" in erfurt.hrefs()  # programme/koko koko:site site/erfurt, an incoming link


@pytest.mark.parametrize(
    ("path", "title", "type_anchor", "fact"),
    [
        (
            "change/eisenach-2021",
            "Eingliederung von Eisenach (kreisfreie Stadt) in den Wartburgkreis am 1.7.2021",
            None,
            "2021-07-01",
        ),
        ("municipality/eisenach", "Eisenach", "#DistrictFreeCity", "16056"),
        ("person/jana-traeber", "Jana Träber", None, "Bildungskoordination Landeshauptstadt Dresden (Stelle 1)"),
        ("question/aktuelle-arbeit", "Woran arbeiten Sie aktuell?", "#Question", "Fragenkatalog der Standortbeschreibungen"),
        ("award/preis-zusammenleben-hand-in-hand-2018-burgenlandkreis", "Preis im Wettbewerb", "#Award", "Burgenlandkreis"),
        (
            "brochure/chapter/sachsen-anhalt/introduction",
            "Einleitung zum Länderkapitel Sachsen-Anhalt",
            "#ChapterIntroduction",
            "Zielgruppenspezifische Bildungsangebote schaffen",
        ),
        ("unit/sachgebiet-integration-goerlitz", "Sachgebiet Integration", "#AdministrativeUnit", "Görlitz"),
        ("membership/hildburghausen-1", "Bildungskoordination Landkreis Hildburghausen", None, "Amtszeit"),
        ("date/2016-23", "Herbst 2016", None, "2016-23"),
        ("vocabulary/status/planned", "geplant", None, "Vorgesehen, aber noch nicht begonnen."),
        ("vocabulary/status", "Stand", None, "abgesagt"),
        ("programme/koko/period/1", "Erste Förderperiode (2016–2017)", "#FundingPeriod", "2016"),
        ("org/bmbf", "Bundesministerium für Bildung und Forschung", None, "Förderer"),
    ],
)
def test_a_page_for_every_kind_of_thing(server: str, path: str, title: str, type_anchor: str | None, fact: str) -> None:
    found = page(server, f"/id/{path}")
    assert title in found.heading
    assert fact in found.text
    if type_anchor is not None:
        assert f"/ontology{type_anchor}" in found.hrefs()


def test_links_on_a_page_are_local_and_resolve(server: str) -> None:
    local = sorted({h for h in page(server, "/id/site/goerlitz").hrefs() if h.startswith(("/id/", "/ontology", "/-/downloads"))})
    assert "/id/event/integrationsmesse-goerlitz-2019" in local
    assert not [h for h in page(server, "/id/site/goerlitz").hrefs() if h.startswith(BASE)]
    assert [h for h in local if fetch(server, h.partition("#")[0], FIREFOX).status != 200] == []


def test_site_page_has_the_answers_full_text(server: str) -> None:
    magdeburg = page(server, "/id/site/magdeburg")
    assert "In welche Strukturen ist Ihre Stelle eingebunden?" in magdeburg.text
    sentence = "2019 wurde im Bereich des OB die Stabsstelle Bildungsbüro eingerichtet"
    assert sentence in magdeburg.text
    assert magdeburg.language_of(sentence) == "de"
    assert "/id/answer/magdeburg/strukturen" in magdeburg.hrefs()


def test_long_texts_keep_their_paragraphs_in_order(server: str) -> None:
    foreword = page(server, "/id/brochure/foreword")
    text = foreword.text
    order = [
        text.index(p)
        for p in ("Liebe Leserinnen und Leser,", "im Jahr 2016 startete", "Wir wünschen Ihnen viel Freude beim Lesen!")
    ]
    assert order == sorted(order)
    assert foreword.language_of("im Jahr 2016 startete") == "de"


def test_answer_page_has_its_text_and_what_it_is_evidence_for(server: str) -> None:
    answer = page(server, "/id/answer/goerlitz/projekt-wiederholen")
    assert "Was dieser Text belegt" in answer.text
    assert "ca. 1.200 Besucherinnen und Besuchern" in answer.text
    assert "/id/event/integrationsmesse-goerlitz-2019" in answer.hrefs()


def test_curated_facts_show_their_quote_and_site(server: str) -> None:
    programme = page(server, "/id/programme/bildung-integriert")
    quote = "»ein Bildungsmanager und ein Bildungsmonitorer im Rahmen des Bundesprogramms »Bildung integriert« tätig sind«"
    assert quote in programme.text
    assert programme.language_of(quote) == "de"
    assert {"/id/site/magdeburg", "/id/answer/magdeburg/strukturen", "/id/site/wittenberg"} <= set(programme.hrefs())


def test_approximate_figures_are_marked(server: str) -> None:
    event = page(server, "/id/event/integrationsmesse-goerlitz-2019")
    assert "ca. 1.200 Besucherinnen und Besuchern" in event.text
    assert "ungefähre Angabe" in event.text


def test_evidence_page_states_the_statement(server: str) -> None:
    evidence = page(server, "/id/evidence/magdeburg/2ab6a0a596?lang=en")  # a post reports to the Lord Mayor
    assert "Statement and its evidence" in evidence.text
    assert "»Das Projekt ist direkt dem Oberbürgermeister unterstellt«" in evidence.text
    assert "reports to" in evidence.text
    assert "/id/post/magdeburg-2?lang=en" in evidence.hrefs()


@pytest.mark.parametrize("path", ["/", "/id/site/dresden", "/ontology", "/-/downloads", "/id/graph/programme"])
def test_every_page_switches_language_and_links_keep_it(server: str, path: str) -> None:
    german = page(server, path)
    english = page(server, path + "?lang=en")
    assert ("html", {"lang": "de"}) in german.tags
    assert ("html", {"lang": "en"}) in english.tags
    switch = [a for name, a in german.tags if name == "a" and a.get("hreflang") == "en"]
    assert [a["href"] for a in switch] == [path + "?lang=en"]
    back = [a["href"] for name, a in english.tags if name == "a" and a.get("hreflang") == "de"]
    assert back == [path + "?lang=de"]  # named: a browser that asks for English would get English otherwise
    pages = [
        a["href"]
        for name, a in english.tags
        if name == "a" and "type" not in a and "hreflang" not in a and a.get("href", "").startswith(("/id/", "/ontology"))
    ]
    assert [h for h in pages if "lang=en" not in h] == []
    assert len(pages) > 1


def test_english_page_is_english(server: str) -> None:
    weimar = page(server, "/id/site/weimar?lang=en")
    assert "Answers in the brochure" in weimar.text
    assert "Referenced by" in weimar.text
    assert "KoKo site Weimar" in weimar.text


# --- home page -------------------------------------------------------------------------------


def test_home_page_presents_the_programme(server: str) -> None:
    home = page(server, "/")
    assert "Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte" in home.text
    assert home.language_of("Municipal Coordination of Education Offers for Newly Arrived Migrants") == "en"
    assert "Bundesministerium für Bildung und Forschung" in home.text
    assert "Erste Förderperiode (2016–2017)" in home.text
    assert "im Jahr 2016 startete das vom Bundesministerium für Bildung und Forschung (BMBF)" in home.text
    for path in ("/-/queries", "/-/sparql", "/ontology", "/-/downloads", "/.well-known/void", "/id/programme/koko"):
        assert path in home.hrefs()


def test_home_page_lists_the_27_sites_by_state(server: str) -> None:
    home = page(server, "/")
    sites = {h for h in home.hrefs() if h.startswith("/id/site/") and h != "/id/site/"}  # not the list of sites
    assert len(sites) == 27
    assert [h for h in home.hrefs() if h.startswith("/id/state/")][:3] == [
        "/id/state/sachsen",
        "/id/state/sachsen-anhalt",
        "/id/state/thueringen",
    ]
    assert "Landeshauptstadt Erfurt Programmstart Dezember 2016" in home.text
    assert home.language_of("Die Sprache ist das A und O") == "de"  # the motto of Altmarkkreis Salzwedel


@pytest.mark.parametrize("accept", [FIREFOX, None, "*/*"])
def test_home_page_for_people_varies_by_accept(server: str, accept: str | None) -> None:
    answer = fetch(server, "/", accept)
    assert (answer.status, answer.media_type) == (200, "text/html")
    assert answer.headers["vary"] == "Accept, Accept-Language"  # the page's language too
    assert "Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte" in answer.text


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "nt", "rdf"])
def test_home_page_gives_rdf_clients_the_dataset_description(server: str, published, extension: str) -> None:
    from koko.pages.dataset_description import dataset_iri

    answer = fetch(server, "/", f"{RDF_TYPES[extension]}, text/html;q=0.5")
    assert (answer.status, answer.media_type) == (200, RDF_TYPES[extension])
    assert answer.headers["vary"] == "Accept"
    assert answer.headers["content-location"] == f"/.well-known/void.{extension}"
    graph = graph_of(answer, extension)
    dataset = URIRef(dataset_iri(published.config.base))
    assert (dataset, URIRef("http://rdfs.org/ns/void#triples"), None) in graph
    assert (dataset, URIRef("http://www.w3.org/ns/dcat#landingPage"), URIRef(server)) in graph
    assert isomorphic(graph, graph_of(fetch(server, f"/.well-known/void.{extension}"), extension))


def test_home_page_refuses_what_it_cannot_give(server: str) -> None:
    answer = fetch(server, "/", "application/trig")  # the description has no named graphs
    assert (answer.status, answer.headers["vary"]) == (406, "Accept")


def test_home_page_in_english(server: str) -> None:
    home = page(server, "/?lang=en")
    assert "Landeshauptstadt Erfurt programme start December 2016" in home.text
    assert home.language_of("Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte") == "de"
    assert "/id/site/erfurt?lang=en" in home.hrefs()


# --- ontology --------------------------------------------------------------------------------


def test_ontology_page_documents_every_term(server: str, published) -> None:
    ontology = page(server, "/ontology")
    ids = {attrs["id"] for _, attrs in ontology.tags if "id" in attrs}
    terms = {
        t.subject.value.partition("#")[2]
        for t in ox.parse(published.ontology, format=ox.RdfFormat.TURTLE)
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and t.object.value.startswith("http://www.w3.org/2002/07/owl#")
        and "#" in t.subject.value
    }
    assert len(terms) == 100
    assert terms <= ids


def test_ontology_term_has_both_languages_and_its_axioms(server: str) -> None:
    ontology = page(server, "/ontology")
    assert ontology.language_of("Die Teilnahme eines Landkreises oder einer kreisfreien Stadt am Programm KoKo") == "de"
    assert ontology.language_of("The participation of a rural district or district-free city in the KoKo programme") == "en"
    assert ontology.language_of("Programmstart") == "de"
    assert ontology.language_of("programme start") == "en"
    assert "http://www.w3.org/2001/XMLSchema#gYearMonth" in ontology.hrefs()  # range of koko:programmeStart
    assert "#Site" in " ".join(ontology.hrefs())
    assert "27 Instanzen" in ontology.text


@pytest.mark.parametrize(("path", "accept"), [("/ontology", "text/turtle"), ("/ontology.ttl", None)])
def test_ontology_as_turtle_is_the_file(server: str, published, path: str, accept: str | None) -> None:
    answer = fetch(server, path, accept)
    assert (answer.status, answer.media_type, answer.body) == (200, "text/turtle", published.ontology)


@pytest.mark.parametrize("extension", ["jsonld", "nt", "rdf"])
def test_ontology_in_other_formats(server: str, published, extension: str) -> None:
    answer = fetch(server, f"/ontology.{extension}")
    assert answer.media_type == RDF_TYPES[extension]
    oxigraph_format = {"jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}[extension]
    # compared as RDF 1.1 (pyoxigraph): "1.0.0" and "1.0.0"^^xsd:string are the same literal, which rdflib denies
    assert set(ox.parse(answer.body, format=oxigraph_format)) == set(ox.parse(published.ontology, format=ox.RdfFormat.TURTLE))


def test_the_version_iri_resolves_to_this_version(server: str, published) -> None:
    assert fetch(server, "/ontology/1.0.0", "text/turtle").body == published.ontology
    assert fetch(server, "/ontology/0.9.0", "text/turtle").status == 404


def test_ontology_negotiates(server: str) -> None:
    assert fetch(server, "/ontology", "application/n-quads").status == 406
    assert fetch(server, "/ontology", FIREFOX).headers["vary"] == "Accept, Accept-Language"
    assert fetch(server, "/ontology.trig").status == 404


# --- downloads -------------------------------------------------------------------------------


def test_downloads_page_lists_files_sizes_and_types(server: str, published) -> None:
    downloads = page(server, "/-/downloads")
    listed = {a["href"] for name, a in downloads.tags if name == "a" and "download" in a}
    sheets = {f"koko-{table}{kind}" for table in ("sites", "coordinators", "facts") for kind in (".csv", ".excel.csv")}
    assert listed == {f"/-/downloads/{name}" for name in [*published.files, *sheets]}
    sizes = {int(a["data-bytes"]) for name, a in downloads.tags if name == "td" and "data-bytes" in a}
    assert {len(data) for data in published.files.values()} <= sizes
    assert "application/n-quads" in downloads.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("koko.ttl", "text/turtle"),
        ("koko.jsonld", "application/ld+json"),
        ("koko.nt", "application/n-triples"),
        ("koko.trig", "application/trig"),
        ("koko.nq", "application/n-quads"),
        ("koko.rdf", "application/rdf+xml"),
        ("context.jsonld", "application/ld+json"),
    ],
)
def test_download_is_the_release_file(server: str, published, name: str, media_type: str) -> None:
    answer = fetch(server, f"/-/downloads/{name}")
    assert (answer.status, answer.media_type) == (200, media_type)
    assert answer.body == published.files[name]


@pytest.mark.parametrize(
    "name", ["README.md", "..%2Fpyproject.toml", "..%2F..%2Fontology%2Fkoko.ttl", "%2e%2e%2fREADME.md", "koko.ttl%00", "KOKO.TTL"]
)
def test_downloads_serve_release_files_only(server: str, name: str) -> None:
    assert fetch(server, f"/-/downloads/{name}").status == 404
