"""The invalid fixtures of the shapes tests, shared by test_shapes.py and test_second_engine.py.

Each fixture is a named mutation of the real release: SPARQL Update text applied to a copy
of the dataset, or a small RDF file from tests/fixtures/shapes/ added to it (modelled on a
user adding a site or annotations). IRIs in the updates and files are relative and resolved
against the configured base, so the fixtures work with any --base.

A fixture's ``expected`` results are written as ``focus | path | component | severity |
shape`` (plus ``| value`` for SHACL-SPARQL results, whose focus is an anchor such as the
programme): focus and value relative to the base (a literal focus in double quotes), path as a prefixed name (``^`` for an
inverse path, ``a/b`` for a sequence, ``-`` for none), the constraint component without ``ConstraintComponent``, the
shape without the kokosh: prefix. The report must hold exactly these results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from koko.checks.validate import Finding, Report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
KOKOSH = "https://w3id.org/koko-kg/shapes#"
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "koko": "https://w3id.org/koko-kg/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
PROLOGUE = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())


# --- building blocks of SPARQL Update text (relative IRIs, resolved with BASE) -------------
def delete(subject: str, predicate: str, obj: str = "?o") -> str:
    """Delete matching triples from whichever named graph holds them."""
    return f"DELETE {{ GRAPH ?g {{ {subject} {predicate} {obj} }} }} WHERE {{ GRAPH ?g {{ {subject} {predicate} {obj} }} }}"


def replace(subject: str, predicate: str, new: str) -> str:
    """Replace all values of a property, in the graph that holds them."""
    return (
        f"DELETE {{ GRAPH ?g {{ {subject} {predicate} ?o }} }} INSERT {{ GRAPH ?g {{ {subject} {predicate} {new} }} }} "
        f"WHERE {{ GRAPH ?g {{ {subject} {predicate} ?o }} }}"
    )


def insert(graph: str, triples: str) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}"


def move(subject: str, predicate: str, to_graph: str) -> str:
    """Move triples to another named graph (the union stays the same)."""
    return (
        f"DELETE {{ GRAPH ?g {{ {subject} {predicate} ?o }} }} INSERT {{ GRAPH <{to_graph}> {{ {subject} {predicate} ?o }} }} "
        f"WHERE {{ GRAPH ?g {{ {subject} {predicate} ?o }} }}"
    )


def rename(old: str, new: str) -> str:
    """Give a node another IRI everywhere (as subject and as object)."""
    return (
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} INSERT {{ GRAPH ?g {{ ?s2 ?p ?o2 }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER (?s = <{old}> || ?o = <{old}>) "
        f"BIND (IF(?s = <{old}>, <{new}>, ?s) AS ?s2) BIND (IF(?o = <{old}>, <{new}>, ?o) AS ?o2) }}"
    )


# What the real release reports (both passes): two gaps worth knowing, nothing else.
REAL_FINDINGS = frozenset(
    {
        "municipality/eisenach | koko:validUntil | MaxCount | Info | Municipality-statusEnded",
        "question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",
    }
)


@dataclass(frozen=True)
class Case:
    name: str
    breaks: str  # what the fixture breaks, in a sentence (also in tests/fixtures/shapes/README.md)
    new: tuple[str, ...]  # the results the mutation adds to REAL_FINDINGS
    update: tuple[str, ...] = ()  # SPARQL Update operations, applied in order
    file: str = ""  # a file in tests/fixtures/shapes/, added to the dataset
    graphs: bool = False  # also run the per-graph pass (graphs.shapes.ttl)
    gone: tuple[str, ...] = ()  # results of REAL_FINDINGS that the mutation makes disappear

    def __str__(self) -> str:
        return self.name

    @property
    def expected(self) -> frozenset[str]:
        """Exactly the results the report must hold."""
        return (REAL_FINDINGS - set(self.gone)) | set(self.new)


# --- applying a fixture ----------------------------------------------------------------------
def copy_dataset(source: Dataset) -> Dataset:
    copy = Dataset(default_union=True)
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, g in source.quads((None, None, None, None)):
        name = g.identifier if hasattr(g, "identifier") else g
        if name not in graphs:
            graphs[name] = copy.graph(name)
        graphs[name].add((s, p, o))
    return copy


def apply(case: Case, source: Dataset, base: str) -> Dataset:
    data = copy_dataset(source)
    if case.update:
        data.update(f"BASE <{base}>\n{PROLOGUE}" + " ;\n".join(case.update))
    if case.file:
        path = FIXTURES / case.file
        if path.suffix == ".trig":
            data.parse(path, format="trig", publicID=base)
        else:
            data.graph(URIRef(f"{base}graph/fixture/{path.stem}")).parse(path, format="turtle", publicID=base)
    return data


# --- rendering results -----------------------------------------------------------------------
def term(node, base: str) -> str:
    if node is None:
        return "-"
    if isinstance(node, BNode):
        return "_"
    if isinstance(node, Literal):
        return str(node)
    text = str(node)
    if text.startswith(base):
        return text[len(base) :]
    if text.startswith(KOKOSH):
        return text[len(KOKOSH) :]
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return text


def path_term(shapes: Graph, path, base: str) -> str:
    """A path of the shapes as text: ``^koko:site`` for an inverse, ``org:role/skos:notation`` for a sequence."""
    if isinstance(path, BNode):
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + path_term(shapes, inverse, base)
        if shapes.value(path, RDF.first) is not None:
            return "/".join(path_term(shapes, step, base) for step in Collection(shapes, path))
    return term(path, base)


def shape_path(shapes: Graph, shape, base: str) -> str:
    return path_term(shapes, shapes.value(shape, SH.path), base)


def render(finding: Finding, shapes: Graph, base: str) -> str:
    path = term(finding.path, base)
    if isinstance(finding.path, BNode):  # an inverse or a sequence path: read it from the shape
        path = shape_path(shapes, finding.shape, base)
    component = finding.component.removesuffix("ConstraintComponent")
    focus = f'"{finding.focus}"' if isinstance(finding.focus, Literal) else term(finding.focus, base)
    fields = [focus, path, component, finding.severity, term(finding.shape, base)]
    if component == "SPARQL":
        fields.append(term(finding.value, base))
    return " | ".join(fields)


def rendered(report: Report, shapes: Graph, base: str) -> set[str]:
    return {render(f, shapes, base) for f in report.findings}


# --- the fixtures ------------------------------------------------------------------------------
SITE = "<site/saalekreis>"
MUNI = "<municipality/saalekreis>"
ANSWER = "<answer/saalekreis/strukturen>"
POST = "<post/saalekreis-1>"
PROFILE = "<brochure/profile/saalekreis>"
SITE_GRAPH = "graph/site/saalekreis"
PROGRAMME_GRAPH = "graph/programme"

CASES: tuple[Case, ...] = (
    # --- sites ---------------------------------------------------------------------------------
    Case(
        "site-without-header",
        "the Saalekreis site loses its programme start, motto and printed name",
        (
            "site/saalekreis | koko:motto | MinCount | Violation | Site-motto",
            "site/saalekreis | koko:printedName | MinCount | Violation | Site-printedName",
            "site/saalekreis | koko:programmeStart | MinCount | Violation | Site-programmeStart",
        ),
        update=(delete(SITE, "koko:programmeStart"), delete(SITE, "koko:motto"), delete(SITE, "koko:printedName")),
    ),
    Case(
        "site-header-twice",
        "the Saalekreis site gets second programme starts (a 13th month, an untyped string), an untagged motto and a tagged name",
        (
            "site/saalekreis | koko:motto | Datatype | Violation | Site-motto",
            "site/saalekreis | koko:motto | LanguageIn | Violation | Site-motto",
            "site/saalekreis | koko:motto | MaxCount | Violation | Site-motto",
            "site/saalekreis | koko:printedName | Datatype | Violation | Site-printedName",
            "site/saalekreis | koko:printedName | MaxCount | Violation | Site-printedName",
            "site/saalekreis | koko:programmeStart | Datatype | Violation | Site-programmeStart",
            "site/saalekreis | koko:programmeStart | MaxCount | Violation | Site-programmeStart",
            "site/saalekreis | koko:programmeStart | Pattern | Violation | Site-programmeStart",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f'{SITE} koko:programmeStart "2017-13"^^xsd:gYearMonth , "2017-10" ; koko:motto "Bildung" ; koko:printedName '
                f'"Saalekreis"@de .',
            ),
        ),
    ),
    Case(
        "site-starts-outside-funding",
        "Dessau-Roßlau's programme start is misread as 09/2015 and Saalekreis's as 01/2021: before and after the funding periods",
        (
            "programme/koko | koko:site | SPARQL | Violation | ProgrammeStartInFundingShape | site/dessau-rosslau",
            "programme/koko | koko:site | SPARQL | Violation | ProgrammeStartInFundingShape | site/saalekreis",
        ),
        update=(
            replace("<site/dessau-rosslau>", "koko:programmeStart", '"2015-09"^^xsd:gYearMonth'),
            replace(SITE, "koko:programmeStart", '"2021-01"^^xsd:gYearMonth'),
        ),
    ),
    Case(
        "site-links-to-wrong-kinds",
        "the Saalekreis site points to the BMBF as its programme, a state as its municipality, the foreword as chapter, "
        "profile and origin",
        (
            "site/saalekreis | koko:chapter | Class | Violation | Site-chapter",
            "site/saalekreis | koko:municipality | Or | Violation | Site-municipality",
            "site/saalekreis | koko:profile | Class | Violation | Site-profile",
            "site/saalekreis | koko:programme | Class | Violation | Site-programme",
            "site/saalekreis | prov:wasDerivedFrom | Class | Violation | Site-wasDerivedFrom",
            "state/sachsen-anhalt | - | Pattern | Violation | MunicipalityShape",
            "state/sachsen-anhalt | koko:federalState | MinCount | Violation | Municipality-federalState",
            "state/sachsen-anhalt | koko:kreisschluessel | MinCount | Violation | Municipality-kreisschluessel",
            "state/sachsen-anhalt | koko:municipalityKind | MinCount | Violation | Municipality-municipalityKind",
            "state/sachsen-anhalt | prov:wasDerivedFrom | MinCount | Violation | Common-wasDerivedFrom",
            "state/sachsen-anhalt | rdf:type | QualifiedMinCount | Violation | Municipality-kind",
            "state/sachsen-anhalt | schema:areaServed | Pattern | Violation | Municipality-areaServed",
        ),
        update=(
            replace(SITE, "koko:programme", "<org/bmbf>"),
            replace(SITE, "koko:municipality", "<state/sachsen-anhalt>"),
            replace(SITE, "koko:chapter", "<brochure/foreword>"),
            replace(SITE, "koko:profile", "<brochure/foreword>"),
            replace(SITE, "prov:wasDerivedFrom", "<brochure/foreword>"),
        ),
    ),
    Case(
        "site-links-doubled",
        "the Saalekreis site gets a second programme, municipality, chapter and profile, a fourth answer that is a question, "
        "and a person as a post",
        (
            "municipality/halle | koko:federalState | MinCount | Violation | Municipality-federalState",
            "municipality/halle | koko:kreisschluessel | MinCount | Violation | Municipality-kreisschluessel",
            "municipality/halle | koko:municipalityKind | MinCount | Violation | Municipality-municipalityKind",
            "municipality/halle | prov:wasDerivedFrom | MinCount | Violation | Common-wasDerivedFrom",
            "municipality/halle | rdf:type | QualifiedMinCount | Violation | Municipality-kind",
            "municipality/halle | rdfs:label | MinCount | Violation | Common-label",
            "municipality/halle | schema:areaServed | MinCount | Violation | Municipality-areaServed",
            "site/saalekreis | koko:answer | Class | Violation | Site-answer",
            "site/saalekreis | koko:answer | MaxCount | Violation | Site-answer",
            "site/saalekreis | koko:chapter | MaxCount | Violation | Site-chapter",
            "site/saalekreis | koko:coordinatorPost | Class | Violation | Site-coordinatorPost",
            "site/saalekreis | koko:municipality | MaxCount | Violation | Site-municipality",
            "site/saalekreis | koko:municipality | Or | Violation | Site-municipality",
            "site/saalekreis | koko:profile | MaxCount | Violation | Site-profile",
            "site/saalekreis | koko:programme | Class | Violation | Site-programme",
            "site/saalekreis | koko:programme | MaxCount | Violation | Site-programme",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f"{SITE} koko:programme <programme/other> ; koko:municipality <municipality/halle> ; "
                "koko:chapter <brochure/chapter/sachsen> ; koko:profile <brochure/profile/magdeburg> ; "
                "koko:answer <question/strukturen> ; koko:coordinatorPost <person/kathrin-pellinger> .",
            ),
        ),
    ),
    Case(
        "site-without-links",
        "the Saalekreis site loses its programme, municipality, chapter, profile, origin and posts (the nodes stay reachable)",
        (
            "site/saalekreis | koko:chapter | MinCount | Violation | Site-chapter",
            "site/saalekreis | koko:coordinatorPost | MinCount | Violation | Site-coordinatorPost",
            "site/saalekreis | koko:municipality | MinCount | Violation | Site-municipality",
            "site/saalekreis | koko:profile | MinCount | Violation | Site-profile",
            "site/saalekreis | koko:programme | MinCount | Violation | Site-programme",
            "site/saalekreis | prov:wasDerivedFrom | MinCount | Violation | Site-wasDerivedFrom",
        ),
        update=(
            delete(SITE, "koko:programme"),
            delete(SITE, "koko:municipality"),
            delete(SITE, "koko:chapter"),
            delete(SITE, "koko:profile"),
            delete(SITE, "prov:wasDerivedFrom"),
            delete(SITE, "koko:coordinatorPost"),
        ),
    ),
    Case(
        "doubtful-but-conforming",
        "Saalekreis lists Magdeburg's two posts as well (three posts), Stendal's motto swallows 260 characters of its profile, "
        "an answer of Börde is cut after one sentence: Warnings, and the data still conforms",
        (
            "answer/boerde/strukturen | koko:text | MinLength | Warning | Answer-textLength",
            "site/saalekreis | koko:coordinatorPost | MaxCount | Warning | Site-coordinatorPostCount",
            "site/stendal | koko:motto | MaxLength | Warning | Site-mottoLength",
        ),
        update=(
            insert(SITE_GRAPH, f"{SITE} koko:coordinatorPost <post/magdeburg-1> , <post/magdeburg-2> ."),
            replace("<site/stendal>", "koko:motto", '"' + "Bildung ermöglicht Partizipation " * 8 + '"@de'),
            replace("<answer/boerde/strukturen>", "koko:text", '"Die Stelle ist in der Stabsstelle Integration angesiedelt."@de'),
        ),
    ),
    Case(
        "sites-not-listed",
        "the Sachsen-Anhalt chapter's list misses Saalekreis; the programme does not list Stendal as a site (26 instead of 27)",
        (
            "programme/koko | koko:site | SPARQL | Violation | SiteCountShape | 26",
            "site/saalekreis | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/stendal | ^koko:site | MinCount | Violation | Site-inProgramme",
        ),
        update=(delete("?chapter", "koko:listedSite", SITE), delete("?programme", "koko:site", "<site/stendal>")),
    ),
    Case(
        "sites-answer-two-questions",
        "two of Saalekreis's answers are attached to the same question; Stendal loses one of its three answers",
        (
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/saalekreis",
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/stendal",
            "site/stendal | koko:answer | MinCount | Violation | Site-answer",
        ),
        update=(
            replace("<answer/saalekreis/groesster-erfolg>", "koko:question", "<question/strukturen>"),
            delete("<site/stendal>", "koko:answer", "<answer/stendal/erleichterung>"),
        ),
    ),
    Case(
        "question-outside-catalogue",
        "the question »Schlüsselmoment« drops out of the catalogue, so the two sites that answered it answer a question "
        "outside it",
        (
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/ilm-kreis",
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/meissen",
            "question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 12",
            "question/schluesselmoment | skos:inScheme | MinCount | Violation | Question-inScheme",
        ),
        gone=("question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",),
        update=(
            delete("<question/schluesselmoment>", "skos:inScheme"),
            delete("<question/schluesselmoment>", "skos:topConceptOf"),
        ),
    ),
    # --- municipalities and states ------------------------------------------------------------
    Case(
        "kreisschluessel-wrong",
        "Saalekreis gets a Saxon district key (14088) though it lies in Sachsen-Anhalt; Börde gets two more keys: four digits, "
        "and a number",
        (
            "municipality/boerde | koko:kreisschluessel | Datatype | Violation | Municipality-kreisschluessel",
            "municipality/boerde | koko:kreisschluessel | MaxCount | Violation | Municipality-kreisschluessel",
            "municipality/boerde | koko:kreisschluessel | Pattern | Violation | Municipality-kreisschluessel",
            "state/sachsen-anhalt | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/saalekreis",
        ),
        update=(
            replace(MUNI, "koko:kreisschluessel", '"14088"'),
            insert("graph/site/boerde", '<municipality/boerde> koko:kreisschluessel "1508" , "15083"^^xsd:integer .'),
        ),
    ),
    Case(
        "municipality-untyped",
        "the Saalekreis site's municipality is a new node with labels and provenance only: no type, district key, state, "
        "kind or area (a new node, because units, memberships and places of the curated layer link to the real one)",
        (
            "municipality/saale-test | koko:federalState | MinCount | Violation | Municipality-federalState",
            "municipality/saale-test | koko:kreisschluessel | MinCount | Violation | Municipality-kreisschluessel",
            "municipality/saale-test | koko:municipalityKind | MinCount | Violation | Municipality-municipalityKind",
            "municipality/saale-test | rdf:type | QualifiedMinCount | Violation | Municipality-kind",
            "municipality/saale-test | schema:areaServed | MinCount | Violation | Municipality-areaServed",
            "site/saalekreis | koko:municipality | Or | Violation | Site-municipality",
        ),
        update=(
            replace(SITE, "koko:municipality", "<municipality/saale-test>"),
            insert(
                SITE_GRAPH,
                '<municipality/saale-test> rdfs:label "Saalekreis (Test)"@de , "Saalekreis (test)"@en ; '
                "prov:wasDerivedFrom <source/municipalities.csv> .",
            ),
        ),
    ),
    Case(
        "municipality-both-kinds-and-ended-twice",
        "Saalekreis is typed a district-free city as well as a rural district; Börde gets two end dates of its status, one "
        "only a year",
        (
            "municipality/boerde | koko:validUntil | Datatype | Violation | Municipality-validUntil",
            "municipality/boerde | koko:validUntil | MaxCount | Info | Municipality-statusEnded",
            "municipality/boerde | koko:validUntil | MaxCount | Violation | Municipality-validUntil",
            "municipality/saalekreis | - | Not | Violation | DistrictFreeCityShape",
            "municipality/saalekreis | - | Not | Violation | RuralDistrictShape",
        ),
        update=(
            insert(SITE_GRAPH, f"{MUNI} a koko:DistrictFreeCity ."),
            insert("graph/site/boerde", '<municipality/boerde> koko:validUntil "2021-06-30"^^xsd:date , "2021"^^xsd:gYear .'),
        ),
    ),
    Case(
        "municipality-links-to-wrong-kinds",
        "Saalekreis points to the BMBF as a second state, to a post as participation, a person as post, a state as change, a "
        "site as origin, a unit kind and a site as kinds, a state key and a text as further areas",
        (
            "municipality/saalekreis | koko:federalState | Class | Violation | Municipality-federalState",
            "municipality/saalekreis | koko:federalState | MaxCount | Violation | Municipality-federalState",
            "municipality/saalekreis | koko:municipalityKind | Class | Violation | Municipality-municipalityKind",
            "municipality/saalekreis | koko:municipalityKind | MaxCount | Violation | Municipality-municipalityKind",
            "municipality/saalekreis | koko:participation | Class | Violation | Municipality-participation",
            "municipality/saalekreis | koko:printedName | Datatype | Violation | Municipality-printedName",
            "municipality/saalekreis | koko:printedName | MaxCount | Violation | Municipality-printedName",
            "municipality/saalekreis | org:changedBy | Class | Violation | Municipality-changedBy",
            "municipality/saalekreis | org:hasPost | Class | Violation | Municipality-hasPost",
            "municipality/saalekreis | org:resultedFrom | Class | Violation | Municipality-resultedFrom",
            "municipality/saalekreis | schema:areaServed | MaxCount | Violation | Municipality-areaServed",
            "municipality/saalekreis | schema:areaServed | NodeKind | Violation | Municipality-areaServed",
            "municipality/saalekreis | schema:areaServed | Pattern | Violation | Municipality-areaServed",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | MunicipalityKindValue-scheme",
            "vocabulary/unit-kind/landratsamt | skos:inScheme/skos:notation | HasValue | Violation"
            " | MunicipalityKindValue-scheme",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f"{MUNI} koko:federalState <org/bmbf> ; koko:participation {POST} ; org:hasPost <person/kathrin-pellinger> ; "
                'org:changedBy <state/sachsen-anhalt> ; org:resultedFrom <site/saalekreis> ; koko:printedName "Saalekreis"@de ; '
                "koko:municipalityKind <vocabulary/unit-kind/landratsamt> , <site/saalekreis> ; "
                'schema:areaServed <http://dcat-ap.de/def/politicalGeocoding/stateKey/15> , "15088" .',
            ),
        ),
    ),
    Case(
        "state-key-unknown",
        "Sachsen's state key becomes 17, so none of its districts' keys match",
        (
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/dresden",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/goerlitz",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/meissen",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/mittelsachsen",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/nordsachsen",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | "
            "municipality/saechsische-schweiz-osterzgebirge",
            "state/sachsen | - | SPARQL | Violation | KreisschluesselInStateShape | municipality/vogtlandkreis",
            "state/sachsen | koko:landesschluessel | In | Violation | FederalState-landesschluessel",
        ),
        update=(replace("<state/sachsen>", "koko:landesschluessel", '"17"'),),
    ),
    Case(
        "state-key-doubled-or-missing",
        "Sachsen gets its key a second time as a number and as a text area; Thüringen loses its key and its area",
        (
            "state/sachsen | koko:landesschluessel | Datatype | Violation | FederalState-landesschluessel",
            "state/sachsen | koko:landesschluessel | In | Violation | FederalState-landesschluessel",
            "state/sachsen | koko:landesschluessel | MaxCount | Violation | FederalState-landesschluessel",
            "state/sachsen | schema:areaServed | MaxCount | Violation | FederalState-areaServed",
            "state/sachsen | schema:areaServed | NodeKind | Violation | FederalState-areaServed",
            "state/sachsen | schema:areaServed | Pattern | Violation | FederalState-areaServed",
            "state/thueringen | koko:landesschluessel | MinCount | Violation | FederalState-landesschluessel",
            "state/thueringen | schema:areaServed | MinCount | Violation | FederalState-areaServed",
        ),
        update=(
            insert(PROGRAMME_GRAPH, '<state/sachsen> koko:landesschluessel "14"^^xsd:integer ; schema:areaServed "14" .'),
            delete("<state/thueringen>", "koko:landesschluessel"),
            delete("<state/thueringen>", "schema:areaServed"),
        ),
    ),
    # --- answers -----------------------------------------------------------------------------
    Case(
        "answer-without-anything",
        "an answer of Saalekreis keeps only its type and labels",
        (
            "answer/saalekreis/strukturen | dcterms:source | MinCount | Violation | Lines-source",
            "answer/saalekreis/strukturen | koko:answerOf | MinCount | Violation | Answer-answerOf",
            "answer/saalekreis/strukturen | koko:firstLine | MinCount | Violation | Lines-firstLine",
            "answer/saalekreis/strukturen | koko:lastLine | MinCount | Violation | Lines-lastLine",
            "answer/saalekreis/strukturen | koko:position | MinCount | Violation | Answer-position",
            "answer/saalekreis/strukturen | koko:printedQuestion | MinCount | Violation | Answer-printedQuestion",
            "answer/saalekreis/strukturen | koko:question | MinCount | Violation | Answer-question",
            "answer/saalekreis/strukturen | koko:text | MinCount | Violation | Common-text",
            "answer/saalekreis/strukturen | prov:wasDerivedFrom | MinCount | Violation | Answer-wasDerivedFrom",
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/saalekreis",
        ),
        update=tuple(
            delete(ANSWER, p)
            for p in (
                "koko:answerOf",
                "koko:question",
                "koko:position",
                "koko:printedQuestion",
                "koko:text",
                "koko:firstLine",
                "koko:lastLine",
                "dcterms:source",
                "prov:wasDerivedFrom",
            )
        ),
    ),
    Case(
        "answer-values-doubled",
        "an answer gets second values of the wrong kinds: a question as site, a position 4, untagged question and text, a "
        "first and a last line as decimals (12.0 after 1.0), a literal source",
        (
            '"Broschüre, S. 20" | - | NodeKind | Violation | SourceTextShape',
            '"Broschüre, S. 20" | koko:sha256 | MinCount | Violation | SourceText-sha256',
            '"Broschüre, S. 20" | prov:wasDerivedFrom | MinCount | Violation | SourceText-wasDerivedFrom',
            "answer/saalekreis/strukturen | dcterms:source | Class | Violation | Lines-source",
            "answer/saalekreis/strukturen | dcterms:source | MaxCount | Violation | Lines-source",
            "answer/saalekreis/strukturen | koko:answerOf | Class | Violation | Answer-answerOf",
            "answer/saalekreis/strukturen | koko:answerOf | MaxCount | Violation | Answer-answerOf",
            "answer/saalekreis/strukturen | koko:firstLine | Datatype | Violation | Lines-firstLine",
            "answer/saalekreis/strukturen | koko:firstLine | LessThanOrEquals | Violation | Lines-firstLine",
            "answer/saalekreis/strukturen | koko:firstLine | MaxCount | Violation | Lines-firstLine",
            "answer/saalekreis/strukturen | koko:lastLine | Datatype | Violation | Lines-lastLine",
            "answer/saalekreis/strukturen | koko:lastLine | MaxCount | Violation | Lines-lastLine",
            "answer/saalekreis/strukturen | koko:position | In | Violation | Answer-position",
            "answer/saalekreis/strukturen | koko:position | MaxCount | Violation | Answer-position",
            "answer/saalekreis/strukturen | koko:printedQuestion | Datatype | Violation | Answer-printedQuestion",
            "answer/saalekreis/strukturen | koko:printedQuestion | LanguageIn | Violation | Answer-printedQuestion",
            "answer/saalekreis/strukturen | koko:printedQuestion | MaxCount | Violation | Answer-printedQuestion",
            "answer/saalekreis/strukturen | koko:question | Class | Violation | Answer-question",
            "answer/saalekreis/strukturen | koko:question | MaxCount | Violation | Answer-question",
            "answer/saalekreis/strukturen | koko:text | Datatype | Violation | Common-text",
            "answer/saalekreis/strukturen | koko:text | LanguageIn | Violation | Common-text",
            "answer/saalekreis/strukturen | koko:text | MaxCount | Violation | Common-text",
            "answer/saalekreis/strukturen | koko:text | MinLength | Warning | Answer-textLength",
            "answer/saalekreis/strukturen | prov:wasDerivedFrom | Class | Violation | Answer-wasDerivedFrom",
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/saalekreis",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f"{ANSWER} koko:answerOf <question/strukturen> ; koko:question <site/saalekreis> ; "
                'koko:position 4 ; koko:printedQuestion "Strukturen?" ; koko:text "Kurz." ; '
                'koko:firstLine 12.0 ; koko:lastLine 1.0 ; dcterms:source "Broschüre, S. 20" ; '
                "prov:wasDerivedFrom <brochure/foreword> .",
            ),
        ),
    ),
    Case(
        "lines-from-zero",
        "the foreword's first and last line become 0, though lines are counted from 1",
        (
            "brochure/foreword | koko:firstLine | MinInclusive | Violation | Lines-firstLine",
            "brochure/foreword | koko:lastLine | MinInclusive | Violation | Lines-lastLine",
        ),
        update=(replace("<brochure/foreword>", "koko:firstLine", "0"), replace("<brochure/foreword>", "koko:lastLine", "0")),
    ),
    # --- posts and people ----------------------------------------------------------------------
    Case(
        "coordinator-post-without-anything",
        "Saalekreis's post keeps only its type and labels (its holder stays reachable through her membership)",
        (
            "post/saalekreis-1 | koko:position | MinCount | Violation | CoordinatorPost-position",
            "post/saalekreis-1 | koko:postForSite | MinCount | Violation | CoordinatorPost-postForSite",
            "post/saalekreis-1 | org:heldBy | MinCount | Violation | Post-heldBy",
            "post/saalekreis-1 | org:postIn | MinCount | Violation | CoordinatorPost-postIn",
            "post/saalekreis-1 | org:role | MinCount | Violation | CoordinatorPost-role",
            "post/saalekreis-1 | prov:wasDerivedFrom | MinCount | Violation | CoordinatorPost-wasDerivedFrom",
        ),
        update=tuple(
            delete(POST, p)
            for p in (
                "org:heldBy",
                "org:postIn",
                "org:role",
                "org:reportsTo",
                "koko:postForSite",
                "koko:position",
                "prov:wasDerivedFrom",
            )
        ),
    ),
    Case(
        "coordinator-post-values-doubled",
        "Saalekreis's post gets a site as holder, a state as administration, a municipality as site, a tagged position",
        (
            "post/saalekreis-1 | koko:position | Datatype | Violation | CoordinatorPost-position",
            "post/saalekreis-1 | koko:position | MaxCount | Violation | CoordinatorPost-position",
            "post/saalekreis-1 | koko:position | MinInclusive | Violation | CoordinatorPost-position",
            "post/saalekreis-1 | koko:postForSite | Class | Violation | CoordinatorPost-postForSite",
            "post/saalekreis-1 | koko:postForSite | MaxCount | Violation | CoordinatorPost-postForSite",
            "post/saalekreis-1 | org:heldBy | Class | Violation | Post-heldBy",
            "post/saalekreis-1 | org:postIn | MaxCount | Violation | CoordinatorPost-postIn",
            "post/saalekreis-1 | org:postIn | Or | Violation | CoordinatorPost-postIn",
            "post/saalekreis-1 | prov:wasDerivedFrom | Class | Violation | CoordinatorPost-wasDerivedFrom",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f"{POST} org:heldBy {SITE} ; org:postIn <state/sachsen-anhalt> ; koko:postForSite {MUNI} ; koko:position "
                f'"eins"@de ; '
                "prov:wasDerivedFrom <brochure/foreword> .",
            ),
        ),
    ),
    Case(
        "consultant-posts-wrong",
        "TransMit's post for Sachsen loses its organisation and its origin; the post for Thüringen gets a state as second "
        "organisation and the foreword as origin",
        (
            "post/transmit-sachsen | org:postIn | MinCount | Violation | ConsultantPost-postIn",
            "post/transmit-sachsen | prov:wasDerivedFrom | MinCount | Violation | ConsultantPost-wasDerivedFrom",
            "post/transmit-thueringen | org:postIn | Class | Violation | ConsultantPost-postIn",
            "post/transmit-thueringen | org:postIn | MaxCount | Violation | ConsultantPost-postIn",
            "post/transmit-thueringen | prov:wasDerivedFrom | Class | Violation | ConsultantPost-wasDerivedFrom",
        ),
        update=(
            delete("<post/transmit-sachsen>", "org:postIn"),
            delete("<post/transmit-sachsen>", "prov:wasDerivedFrom"),
            insert(
                PROGRAMME_GRAPH,
                "<post/transmit-thueringen> org:postIn <state/thueringen> ; prov:wasDerivedFrom <brochure/foreword> .",
            ),
        ),
    ),
    Case(
        "person-without-name-and-post",
        "a coordinator loses her name, her label and her post",
        (
            "person/kathrin-pellinger | org:holds | MinCount | Violation | Person-holds",
            "person/kathrin-pellinger | rdfs:label | MinCount | Violation | Person-label",
            "person/kathrin-pellinger | schema:name | MinCount | Violation | Person-name",
            "programme/koko | - | SPARQL | Violation | GermanLabelShape | person/kathrin-pellinger",
        ),
        update=tuple(delete("<person/kathrin-pellinger>", p) for p in ("schema:name", "rdfs:label", "org:holds")),
    ),
    Case(
        "person-values-doubled",
        "a coordinator gets a tagged second name, an English and an untagged label, two honorifics and a site as post",
        (
            "person/kathrin-pellinger | org:holds | Or | Violation | Person-holds",
            "person/kathrin-pellinger | rdfs:label | Datatype | Violation | Person-label",
            "person/kathrin-pellinger | rdfs:label | LanguageIn | Violation | Person-label",
            "person/kathrin-pellinger | rdfs:label | MaxCount | Violation | Person-label",
            "person/kathrin-pellinger | schema:honorificPrefix | Datatype | Violation | Person-honorificPrefix",
            "person/kathrin-pellinger | schema:honorificPrefix | MaxCount | Violation | Person-honorificPrefix",
            "person/kathrin-pellinger | schema:name | Datatype | Violation | Person-name",
            "person/kathrin-pellinger | schema:name | MaxCount | Violation | Person-name",
        ),
        update=(
            insert(
                SITE_GRAPH,
                '<person/kathrin-pellinger> schema:name "Kathrin Pellinger"@de ; rdfs:label "Kathrin Pellinger"@en , "K. '
                'Pellinger" ; '
                f'schema:honorificPrefix "Dr."@de , "Prof." ; org:holds {SITE} .',
            ),
        ),
    ),
    # --- programme, periods, catalogue, questions ----------------------------------------------
    Case(
        "programme-without-numbers-and-periods",
        "the programme loses its stated numbers, funding periods, funder and origin, and the figures their funding periods "
        "(the periods become orphans)",
        (
            "programme/koko | - | SPARQL | Violation | ReachableShape | programme/koko/period/1",
            "programme/koko | - | SPARQL | Violation | ReachableShape | programme/koko/period/2",
            "programme/koko | koko:fundingPeriod | MinCount | Violation | FundingProgramme-fundingPeriod",
            "programme/koko | koko:questionsPerSite | MinCount | Violation | FundingProgramme-questionsPerSite",
            "programme/koko | koko:siteCount | MinCount | Violation | FundingProgramme-siteCount",
            "programme/koko | prov:wasDerivedFrom | MinCount | Violation | Common-wasDerivedFrom",
            "programme/koko | schema:funder | MinCount | Violation | FundingProgramme-funder",
            "programme/koko/period/1 | ^koko:fundingPeriod | MinCount | Violation | FundingPeriod-programme",
            "programme/koko/period/2 | ^koko:fundingPeriod | MinCount | Violation | FundingPeriod-programme",
        ),
        update=(
            *(
                delete("<programme/koko>", p)
                for p in ("koko:siteCount", "koko:questionsPerSite", "koko:fundingPeriod", "schema:funder", "prov:wasDerivedFrom")
            ),
            delete("?figure", "koko:inFundingPeriod"),  # the curated figures of a funding period would reach it
        ),
    ),
    Case(
        "programme-values-of-wrong-kinds",
        "the programme gets an untyped site count, a tagged number of questions and wrong kinds of nodes as period, funder, "
        "supporter, monitor and site",
        (
            "programme/koko | koko:fundingPeriod | Class | Violation | FundingProgramme-fundingPeriod",
            "programme/koko | koko:monitoredBy | Class | Violation | FundingProgramme-monitoredBy",
            "programme/koko | koko:questionsPerSite | Datatype | Violation | FundingProgramme-questionsPerSite",
            "programme/koko | koko:questionsPerSite | MaxCount | Violation | FundingProgramme-questionsPerSite",
            "programme/koko | koko:questionsPerSite | MinInclusive | Violation | FundingProgramme-questionsPerSite",
            "programme/koko | koko:site | Class | Violation | FundingProgramme-site",
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | municipality/dresden",
            "programme/koko | koko:site | SPARQL | Violation | SiteCountShape | 28",
            "programme/koko | koko:siteCount | Datatype | Violation | FundingProgramme-siteCount",
            "programme/koko | koko:siteCount | MaxCount | Violation | FundingProgramme-siteCount",
            "programme/koko | koko:siteCount | MinInclusive | Violation | FundingProgramme-siteCount",
            "programme/koko | koko:supportedBy | Class | Violation | FundingProgramme-supportedBy",
            "programme/koko | schema:funder | Class | Violation | FundingProgramme-funder",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<programme/koko> koko:siteCount "27" ; koko:questionsPerSite "drei"@de ; koko:fundingPeriod <org/bmbf> ; '
                "schema:funder <state/sachsen> ; koko:supportedBy <person/anne-walde> ; koko:monitoredBy <site/dresden> ; "
                "koko:site <municipality/dresden> .",
            ),
        ),
    ),
    Case(
        "funding-period-values-doubled",
        "the first funding period gets an untyped second number and a date as second start; the second period a number as "
        "second end and the BMBF as programme",
        (
            "programme/koko/period/1 | koko:periodOrdinal | Datatype | Violation | FundingPeriod-periodOrdinal",
            "programme/koko/period/1 | koko:periodOrdinal | MaxCount | Violation | FundingPeriod-periodOrdinal",
            "programme/koko/period/1 | koko:periodOrdinal | MinInclusive | Violation | FundingPeriod-periodOrdinal",
            "programme/koko/period/1 | koko:periodStart | Datatype | Violation | FundingPeriod-periodStart",
            "programme/koko/period/1 | koko:periodStart | MaxCount | Violation | FundingPeriod-periodStart",
            "programme/koko/period/2 | ^koko:fundingPeriod | Class | Violation | FundingPeriod-programme",
            "programme/koko/period/2 | koko:periodEnd | Datatype | Violation | FundingPeriod-periodEnd",
            "programme/koko/period/2 | koko:periodEnd | MaxCount | Violation | FundingPeriod-periodEnd",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<programme/koko/period/1> koko:periodOrdinal "1" ; koko:periodStart "2016-01-01"^^xsd:date . '
                '<programme/koko/period/2> koko:periodEnd "2020"^^xsd:integer . <org/bmbf> koko:fundingPeriod '
                "<programme/koko/period/2> .",
            ),
        ),
    ),
    Case(
        "funding-period-without-number-and-end",
        "the second funding period loses its number and its end year",
        (
            "programme/koko/period/2 | koko:periodEnd | MinCount | Violation | FundingPeriod-periodEnd",
            "programme/koko/period/2 | koko:periodOrdinal | MinCount | Violation | FundingPeriod-periodOrdinal",
        ),
        update=(delete("<programme/koko/period/2>", "koko:periodOrdinal"), delete("<programme/koko/period/2>", "koko:periodEnd")),
    ),
    Case(
        "catalogue-values-of-wrong-kinds",
        "the catalogue gets an untyped second count, a site as top concept, and an untagged and a second German preferred label",
        (
            "question-catalogue | koko:questionCount | Datatype | Violation | QuestionCatalogue-questionCount",
            "question-catalogue | koko:questionCount | MaxCount | Violation | QuestionCatalogue-questionCount",
            "question-catalogue | koko:questionCount | MinInclusive | Violation | QuestionCatalogue-questionCount",
            "question-catalogue | skos:hasTopConcept | Class | Violation | QuestionCatalogue-hasTopConcept",
            "question-catalogue | skos:prefLabel | Datatype | Violation | Common-prefLabel",
            "question-catalogue | skos:prefLabel | LanguageIn | Violation | Common-prefLabel",
            "question-catalogue | skos:prefLabel | UniqueLang | Violation | Common-prefLabel",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<question-catalogue> koko:questionCount "14" ; skos:hasTopConcept <site/dresden> ; '
                'skos:prefLabel "Fragenkatalog" , "Katalog"@de .',
            ),
        ),
    ),
    Case(
        "catalogue-without-count",
        "the catalogue loses its stated number of questions (so the gap of one question cannot be seen either)",
        ("question-catalogue | koko:questionCount | MinCount | Violation | QuestionCatalogue-questionCount",),
        gone=("question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",),
        update=(delete("<question-catalogue>", "koko:questionCount"),),
    ),
    Case(
        "numbers-below-their-range",
        "the programme states -1 sites and 0 questions per site, the first funding period is number 0, the catalogue "
        "holds 0 questions and Saalekreis's post is at place 0",
        (
            "post/saalekreis-1 | koko:position | MinInclusive | Violation | CoordinatorPost-position",
            "programme/koko | koko:questionsPerSite | MinInclusive | Violation | FundingProgramme-questionsPerSite",
            "programme/koko | koko:site | SPARQL | Violation | SiteCountShape | 27",
            "programme/koko | koko:siteCount | MinInclusive | Violation | FundingProgramme-siteCount",
            "programme/koko/period/1 | koko:periodOrdinal | MinInclusive | Violation | FundingPeriod-periodOrdinal",
            "question-catalogue | koko:questionCount | MinInclusive | Violation | QuestionCatalogue-questionCount",
        ),
        gone=("question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",),
        update=(
            replace("<programme/koko>", "koko:siteCount", "-1"),
            replace("<programme/koko>", "koko:questionsPerSite", "0"),
            replace("<programme/koko/period/1>", "koko:periodOrdinal", "0"),
            replace("<question-catalogue>", "koko:questionCount", "0"),
            replace(POST, "koko:position", "0"),
        ),
    ),
    Case(
        "questions-wrong",
        "a question gets the BMBF as scheme and top concept of, a capitalised and a tagged notation; another loses its "
        "notation and preferred labels",
        (
            "question/erleichterung | skos:notation | MinCount | Violation | Question-notation",
            "question/erleichterung | skos:prefLabel | MinCount | Violation | Common-prefLabel",
            "question/strukturen | skos:inScheme | Class | Violation | Question-inScheme",
            "question/strukturen | skos:notation | Datatype | Violation | Question-notation",
            "question/strukturen | skos:notation | MaxCount | Violation | Question-notation",
            "question/strukturen | skos:notation | Pattern | Violation | Question-notation",
            "question/strukturen | skos:topConceptOf | Class | Violation | Question-topConceptOf",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<question/strukturen> skos:inScheme <org/bmbf> ; skos:topConceptOf <org/bmbf> ; skos:notation "Strukturen" , '
                '"s"@de .',
            ),
            delete("<question/erleichterung>", "skos:notation"),
            delete("<question/erleichterung>", "skos:prefLabel"),
        ),
    ),
    # --- the brochure and its sections ---------------------------------------------------------
    Case(
        "brochure-values-of-wrong-kinds",
        "the brochure gets an English and an untagged title, a text as part, a date as year, a string as language, a site as "
        "publisher, an organisation as subject",
        (
            "brochure | dcterms:hasPart | NodeKind | Violation | Brochure-hasPart",
            "brochure | dcterms:issued | Datatype | Violation | Brochure-issued",
            "brochure | dcterms:issued | MaxCount | Violation | Brochure-issued",
            "brochure | dcterms:language | MaxCount | Violation | Brochure-language",
            "brochure | dcterms:language | NodeKind | Violation | Brochure-language",
            "brochure | dcterms:publisher | Class | Violation | Brochure-publisher",
            "brochure | dcterms:publisher | MaxCount | Violation | Brochure-publisher",
            "brochure | dcterms:subject | Class | Violation | Brochure-subject",
            "brochure | dcterms:title | Datatype | Violation | Common-title",
            "brochure | dcterms:title | LanguageIn | Violation | Common-title",
            "brochure | dcterms:title | MaxCount | Violation | Common-title",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<brochure> dcterms:title "Municipal coordination"@en , "KoKo" ; dcterms:hasPart "Vorwort" ; '
                'dcterms:issued "2020-12-01"^^xsd:date ; dcterms:language "de" ; dcterms:publisher <site/dresden> ; '
                "dcterms:subject <org/bmbf> .",
            ),
        ),
    ),
    Case(
        "brochure-without-metadata",
        "the brochure loses its title, parts, year, language and publisher",
        (
            "brochure | dcterms:hasPart | MinCount | Violation | Brochure-hasPart",
            "brochure | dcterms:issued | MinCount | Violation | Brochure-issued",
            "brochure | dcterms:language | MinCount | Violation | Brochure-language",
            "brochure | dcterms:publisher | MinCount | Violation | Brochure-publisher",
            "brochure | dcterms:title | MinCount | Violation | Common-title",
        ),
        update=tuple(
            delete("<brochure>", p)
            for p in ("dcterms:title", "dcterms:hasPart", "dcterms:issued", "dcterms:language", "dcterms:publisher")
        ),
    ),
    Case(
        "sections-in-wrong-places",
        "the foreword is also part of a chapter and gets an English text; an introduction and a profile are parts of the "
        "brochure itself; the summary is part of a text",
        (
            "brochure/chapter/sachsen/introduction | dcterms:isPartOf | Class | Violation | Section-isPartOfChapter",
            "brochure/chapter/sachsen/introduction | dcterms:isPartOf | MaxCount | Violation | BrochureSection-isPartOf",
            "brochure/foreword | dcterms:isPartOf | Class | Violation | Section-isPartOfBrochure",
            "brochure/foreword | dcterms:isPartOf | MaxCount | Violation | BrochureSection-isPartOf",
            "brochure/foreword | koko:text | LanguageIn | Violation | Common-text",
            "brochure/foreword | koko:text | MaxCount | Violation | Common-text",
            "brochure/profile/saalekreis | dcterms:isPartOf | Class | Violation | Section-isPartOfChapter",
            "brochure/profile/saalekreis | dcterms:isPartOf | MaxCount | Violation | BrochureSection-isPartOf",
            "brochure/summary | dcterms:isPartOf | Class | Violation | Section-isPartOfBrochure",
            "brochure/summary | dcterms:isPartOf | MaxCount | Violation | BrochureSection-isPartOf",
            "brochure/summary | dcterms:isPartOf | NodeKind | Violation | BrochureSection-isPartOf",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<brochure/foreword> dcterms:isPartOf <brochure/chapter/sachsen> ; koko:text "Dear readers"@en . '
                "<brochure/chapter/sachsen/introduction> dcterms:isPartOf <brochure> . <brochure/summary> dcterms:isPartOf "
                '"Broschüre" .',
            ),
            insert(SITE_GRAPH, f"{PROFILE} dcterms:isPartOf <brochure> ."),
        ),
    ),
    Case(
        "foreword-without-anything",
        "the foreword keeps only its type and labels",
        (
            "brochure/foreword | dcterms:isPartOf | MinCount | Violation | BrochureSection-isPartOf",
            "brochure/foreword | dcterms:source | MinCount | Violation | Lines-source",
            "brochure/foreword | dcterms:title | MinCount | Violation | Common-title",
            "brochure/foreword | koko:firstLine | MinCount | Violation | Lines-firstLine",
            "brochure/foreword | koko:lastLine | MinCount | Violation | Lines-lastLine",
            "brochure/foreword | koko:text | MinCount | Violation | Common-text",
        ),
        update=tuple(
            delete("<brochure/foreword>", p)
            for p in ("dcterms:isPartOf", "dcterms:title", "koko:text", "koko:firstLine", "koko:lastLine", "dcterms:source")
        ),
    ),
    Case(
        "chapter-links-of-wrong-kinds",
        "the Sachsen chapter gets an organisation as state, the foreword as introduction and a municipality as listed site",
        (
            "brochure/chapter/sachsen | koko:aboutState | Class | Violation | StateChapter-aboutState",
            "brochure/chapter/sachsen | koko:aboutState | MaxCount | Violation | StateChapter-aboutState",
            "brochure/chapter/sachsen | koko:introduction | Class | Violation | StateChapter-introduction",
            "brochure/chapter/sachsen | koko:introduction | MaxCount | Violation | StateChapter-introduction",
            "brochure/chapter/sachsen | koko:listedSite | Class | Violation | StateChapter-listedSite",
            "brochure/chapter/sachsen/introduction | dcterms:creator | Class | Violation | ChapterIntroduction-creator",
            "brochure/chapter/sachsen/introduction | dcterms:creator | MaxCount | Violation | ChapterIntroduction-creator",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                "<brochure/chapter/sachsen> koko:aboutState <org/bmbf> ; koko:introduction <brochure/foreword> ; "
                "koko:listedSite <municipality/dresden> . <brochure/chapter/sachsen/introduction> dcterms:creator "
                "<org/transmit> .",
            ),
        ),
    ),
    Case(
        "chapter-without-state-introduction-and-sites",
        "the Sachsen chapter loses its state, introduction and list of sites; its introduction loses its author",
        (
            "brochure/chapter/sachsen | koko:aboutState | MinCount | Violation | StateChapter-aboutState",
            "brochure/chapter/sachsen | koko:introduction | MinCount | Violation | StateChapter-introduction",
            "brochure/chapter/sachsen | koko:listedSite | MinCount | Violation | StateChapter-listedSite",
            "brochure/chapter/sachsen/introduction | dcterms:creator | MinCount | Violation | ChapterIntroduction-creator",
            "site/dresden | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/goerlitz | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/meissen | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/mittelsachsen | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/nordsachsen | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/saechsische-schweiz-osterzgebirge | ^koko:listedSite | MinCount | Violation | Site-listedIn",
            "site/vogtlandkreis | ^koko:listedSite | MinCount | Violation | Site-listedIn",
        ),
        update=(
            delete("<brochure/chapter/sachsen>", "koko:aboutState"),
            delete("<brochure/chapter/sachsen>", "koko:introduction"),
            delete("<brochure/chapter/sachsen>", "koko:listedSite"),
            delete("<brochure/chapter/sachsen/introduction>", "dcterms:creator"),
        ),
    ),
    # --- change event, organisations, source files ---------------------------------------------
    Case(
        "change-event-values-of-wrong-kinds",
        "Eisenach's merger gets a month as second date, a state as original and a site as resulting organisation",
        (
            "change/eisenach-2021 | dcterms:date | Datatype | Violation | ChangeEvent-date",
            "change/eisenach-2021 | dcterms:date | MaxCount | Violation | ChangeEvent-date",
            "change/eisenach-2021 | org:originalOrganization | Or | Violation | ChangeEvent-originalOrganization",
            "change/eisenach-2021 | org:resultingOrganization | Or | Violation | ChangeEvent-resultingOrganization",
        ),
        update=(
            insert(
                "graph/site/eisenach",
                '<change/eisenach-2021> dcterms:date "2021-07"^^xsd:gYearMonth ; org:originalOrganization <state/thueringen> ; '
                "org:resultingOrganization <site/eisenach> .",
            ),
        ),
    ),
    Case(
        "change-event-without-anything",
        "Eisenach's merger keeps only its type and labels (the Wartburgkreis becomes an orphan)",
        (
            "change/eisenach-2021 | dcterms:date | MinCount | Violation | ChangeEvent-date",
            "change/eisenach-2021 | org:originalOrganization | MinCount | Violation | ChangeEvent-originalOrganization",
            "change/eisenach-2021 | org:resultingOrganization | MinCount | Violation | ChangeEvent-resultingOrganization",
            "change/eisenach-2021 | prov:wasDerivedFrom | MinCount | Violation | Common-wasDerivedFrom",
        ),
        update=tuple(
            delete("<change/eisenach-2021>", p)
            for p in ("dcterms:date", "org:originalOrganization", "org:resultingOrganization", "prov:wasDerivedFrom")
        ),
    ),
    Case(
        "labels-wrong",
        "the BMBF gets a French and an untagged label and an English and an untagged alternative label; TransMit a second "
        "German label; "
        "minor loses its English label, a Saalekreis answer its German one",
        (
            "answer/saalekreis/strukturen | rdfs:label | MinCount | Violation | Common-label",
            "org/bmbf | rdfs:label | Datatype | Violation | Common-label",
            "org/bmbf | rdfs:label | LanguageIn | Violation | Common-label",
            "org/bmbf | skos:altLabel | Datatype | Violation | Common-altLabel",
            "org/bmbf | skos:altLabel | LanguageIn | Violation | Common-altLabel",
            "org/minor | rdfs:label | MinCount | Violation | Common-label",
            "org/transmit | rdfs:label | UniqueLang | Violation | Common-label",
            "programme/koko | - | SPARQL | Violation | GermanLabelShape | answer/saalekreis/strukturen",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<org/bmbf> rdfs:label "ministère fédéral"@fr , "BMBF" ; skos:altLabel "Federal Ministry"@en , "BMBF" . '
                '<org/transmit> rdfs:label "TransMit"@de .',
            ),
            delete("<org/minor>", "rdfs:label", '"minor – Wissenschaft Gesellschaft (research institute, Berlin)"@en'),
            delete(ANSWER, "rdfs:label", '"Saalekreis: In welche Strukturen ist Ihre Stelle eingebunden?"@de'),
        ),
    ),
    Case(
        "provenance-as-text-and-source-files-wrong",
        "the programme and its graph say they were derived from a text; the text file gets a prose format and a malformed "
        "digest, "
        "the district table a second format",
        (
            "graph/programme | prov:wasDerivedFrom | NodeKind | Violation | Entity-wasDerivedFrom",
            "programme/koko | prov:wasDerivedFrom | NodeKind | Violation | Common-wasDerivedFrom",
            "source/koko-brochure-2020.txt | dcterms:format | Datatype | Violation | SourceFile-format",
            "source/koko-brochure-2020.txt | dcterms:format | MaxCount | Violation | SourceFile-format",
            "source/koko-brochure-2020.txt | dcterms:format | Pattern | Violation | SourceFile-format",
            "source/koko-brochure-2020.txt | koko:sha256 | Datatype | Violation | SourceFile-sha256",
            "source/koko-brochure-2020.txt | koko:sha256 | MaxCount | Violation | SourceFile-sha256",
            "source/koko-brochure-2020.txt | koko:sha256 | Pattern | Violation | SourceFile-sha256",
            "source/municipalities.csv | dcterms:format | MaxCount | Violation | SourceFile-format",
        ),
        update=(
            insert(
                PROGRAMME_GRAPH,
                '<graph/programme> prov:wasDerivedFrom "Vorwort" . <programme/koko> prov:wasDerivedFrom "Vorwort" .',
            ),
            insert(
                PROGRAMME_GRAPH,
                '<source/koko-brochure-2020.txt> dcterms:format "plain text"@en ; koko:sha256 "not a digest" . '
                '<source/municipalities.csv> dcterms:format "text/comma-separated-values" .',
            ),
        ),
    ),
    Case(
        "source-files-without-digest-and-format",
        "the text file loses its digest and origin, the district table its format (so it is no longer recognised as a source "
        "file)",
        (
            "source/koko-brochure-2020.txt | koko:sha256 | MinCount | Violation | SourceText-sha256",
            "source/koko-brochure-2020.txt | prov:wasDerivedFrom | Class | Violation | SourceText-wasDerivedFrom",
            "source/municipalities.csv | dcterms:format | MaxCount | Violation | SourceFile-format",
            "source/municipalities.csv | dcterms:format | Pattern | Violation | SourceFile-format",
        ),
        update=(
            delete("<source/koko-brochure-2020.txt>", "koko:sha256"),
            delete("<source/koko-brochure-2020.txt>", "prov:wasDerivedFrom"),
            insert(PROGRAMME_GRAPH, "<source/koko-brochure-2020.txt> prov:wasDerivedFrom <org/transmit> ."),
            delete("<source/municipalities.csv>", "dcterms:format"),
            insert(PROGRAMME_GRAPH, '<source/municipalities.csv> dcterms:format "text/csv" , "CSV" .'),
        ),
    ),
    # --- whole graph -------------------------------------------------------------------------------
    Case(
        "orphan-with-typo",
        "a motto is added to a misspelt site IRI: a node without label that nothing links to",
        (
            "programme/koko | - | SPARQL | Violation | GermanLabelShape | site/saalekreiss",
            "programme/koko | - | SPARQL | Violation | ReachableShape | site/saalekreiss",
        ),
        update=(insert(SITE_GRAPH, '<site/saalekreiss> koko:motto "Bildung ermöglicht Partizipation"@de .'),),
    ),
    Case(
        "iri-typos",
        "one node of each kind with an IRI pattern gets a misspelt IRI (everything that links to it follows)",
        (
            "answer/saalekreis-strukturen | - | Pattern | Violation | AnswerShape",
            "brochure/chapter/sachsen/einleitung | - | Pattern | Violation | ChapterIntroductionShape",
            "brochure/chapter/thuringia | - | Pattern | Violation | StateChapterShape",
            "brochure/profiles/saalekreis | - | Pattern | Violation | SiteProfileShape",
            "brochure/vorwort | - | Pattern | Violation | ForewordShape",
            "brochure/zusammenfassung | - | Pattern | Violation | SummaryShape",
            "change/eisenach | - | Pattern | Violation | ChangeEventShape",
            "municipality/saale_kreis | - | Pattern | Violation | MunicipalityShape",
            "person/Kathrin_Pellinger | - | Pattern | Violation | PersonShape",
            "post/TransMit-Sachsen | - | Pattern | Violation | ConsultantPostShape",
            "post/saalekreis-eins | - | Pattern | Violation | CoordinatorPostShape",
            "programme/koko/period/two | - | Pattern | Violation | FundingPeriodShape",
            "programmes/koko | - | Pattern | Violation | FundingProgrammeShape",
            "publication | - | Pattern | Violation | BrochureShape",
            "question-catalog | - | Pattern | Violation | QuestionCatalogueShape",
            "question-catalog | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",
            "questions/strukturen | - | Pattern | Violation | QuestionShape",
            "site/Saalekreis | - | Pattern | Violation | SiteShape",
            "sources/municipalities.csv | - | Pattern | Violation | SourceFileShape",
            "state/saxony-anhalt | - | Pattern | Violation | FederalStateShape",
        ),
        gone=("question-catalogue | koko:questionCount | SPARQL | Info | QuestionCatalogueIncompleteShape | 13",),
        update=(
            rename("site/saalekreis", "site/Saalekreis"),
            rename("municipality/saalekreis", "municipality/saale_kreis"),
            rename("answer/saalekreis/strukturen", "answer/saalekreis-strukturen"),
            rename("post/saalekreis-1", "post/saalekreis-eins"),
            rename("post/transmit-sachsen", "post/TransMit-Sachsen"),
            rename("person/kathrin-pellinger", "person/Kathrin_Pellinger"),
            rename("question/strukturen", "questions/strukturen"),
            rename("question-catalogue", "question-catalog"),
            rename("state/sachsen-anhalt", "state/saxony-anhalt"),
            rename("programme/koko", "programmes/koko"),
            rename("programme/koko/period/2", "programme/koko/period/two"),
            rename("brochure", "publication"),
            rename("brochure/foreword", "brochure/vorwort"),
            rename("brochure/summary", "brochure/zusammenfassung"),
            rename("brochure/chapter/thueringen", "brochure/chapter/thuringia"),
            rename("brochure/chapter/sachsen/introduction", "brochure/chapter/sachsen/einleitung"),
            rename("brochure/profile/saalekreis", "brochure/profiles/saalekreis"),
            rename("change/eisenach-2021", "change/eisenach"),
            rename("source/municipalities.csv", "sources/municipalities.csv"),
        ),
    ),
    Case(
        "blank-nodes",
        "a user's additions written with blank nodes: each kind that may be a blank node nowhere else",
        (
            "_ | - | NodeKind | Violation | BrochureSectionShape",
            "_ | - | NodeKind | Violation | ConceptSchemeShape",
            "_ | - | NodeKind | Violation | ConceptShape",
            "_ | - | NodeKind | Violation | EntityShape",
            "_ | - | NodeKind | Violation | FormalOrganizationShape",
            "_ | - | Pattern | Violation | AdministrativeUnitShape",
            "_ | - | Pattern | Violation | EventShape",
            "_ | - | Pattern | Violation | InstantShape",
            "_ | - | Pattern | Violation | LegislationShape",
            "_ | - | Pattern | Violation | MembershipShape",
            "_ | - | Pattern | Violation | NetworkShape",
            "_ | - | Pattern | Violation | PartnerOrganisationShape",
            "_ | - | Pattern | Violation | PlaceShape",
            "_ | - | Pattern | Violation | ProductShape",
            "_ | - | Pattern | Violation | ProjectShape",
            "_ | - | Pattern | Violation | ProperIntervalShape",
            "_ | - | Pattern | Violation | QuantitativeValueShape",
        ),
        file="blank-nodes.ttl",
    ),
    Case(
        "annotations-wrong",
        "a user's annotations of the answers (events, networks, partners, products, projects, units), each with one mistake",
        (
            "event/test-fachforum-2019 | schema:startDate | MaxCount | Violation | Common-startDate",
            "event/test-fachforum-2019 | schema:startDate | Or | Violation | Common-startDate",
            "network/test-netzwerk-integration | org:hasMember | NodeKind | Violation | Network-hasMember",
            "network/test-netzwerk-integration | org:hasMember | Or | Violation | Network-hasMember",
            "org/test-jobcenter | prov:wasDerivedFrom | MinCount | Violation | Annotation-wasDerivedFrom",
            "product/test-newsletter | dcterms:creator | NodeKind | Violation | Common-creator",
            "product/test-newsletter | dcterms:creator | Or | Violation | Common-creator",
            "product/test-newsletter | prov:wasDerivedFrom | Or | Violation | Work-wasDerivedFrom",
            "product/test-newsletter | prov:wasDerivedFrom | QualifiedMinCount | Violation | Work-wasDerivedFrom",
            "project/test-erstorientierung | prov:wasAssociatedWith | NodeKind | Violation | Project-wasAssociatedWith",
            "project/test-erstorientierung | prov:wasAssociatedWith | Or | Violation | Project-wasAssociatedWith",
            "unit/test-dezernat-2 | org:unitOf | Or | Violation | AdministrativeUnit-unitOf",
            "unit/test-stabsstelle-kultur | org:unitOf | MinCount | Violation | AdministrativeUnit-unitOf",
        ),
        file="annotations.ttl",
    ),
    Case(
        "curated-wrong",
        "a curator's hand-written additions to the curated layer (initiative, role, award, evidence, product, partner, "
        "event, outcomes), each with mistakes",
        (
            "awards/integrationspreis | - | Pattern | Violation | AwardShape",
            "awards/integrationspreis | koko:prizeMoney | Datatype | Violation | Award-prizeMoney",
            "awards/integrationspreis | koko:prizeMoney | MaxCount | Violation | Award-prizeMoney",
            "event/test-messe | dcterms:isPartOf | Or | Violation | Work-isPartOf",
            "event/test-messe | koko:audience | Or | Violation | Common-audience",
            "event/test-messe | koko:exhibitorCount | Datatype | Violation | Event-exhibitorCount",
            "event/test-messe | koko:exhibitorCount | MaxCount | Violation | Event-exhibitorCount",
            "event/test-messe | koko:exhibitorCount | MinInclusive | Violation | Event-exhibitorCount",
            "event/test-messe | koko:involves | Or | Violation | Common-involves",
            "event/test-messe | koko:participantCount | Datatype | Violation | Event-participantCount",
            "event/test-messe | koko:participantCount | MaxCount | Violation | Event-participantCount",
            "event/test-messe | koko:participantCount | MinInclusive | Violation | Event-participantCount",
            "event/test-messe | koko:registrationCount | Datatype | Violation | Event-registrationCount",
            "event/test-messe | koko:registrationCount | MaxCount | Violation | Event-registrationCount",
            "event/test-messe | koko:registrationCount | MinInclusive | Violation | Event-registrationCount",
            "event/test-messe | koko:status | Class | Violation | Common-status",
            "event/test-messe | koko:visitorCount | Datatype | Violation | Event-visitorCount",
            "event/test-messe | koko:visitorCount | MaxCount | Violation | Event-visitorCount",
            "event/test-messe | koko:visitorCount | MinInclusive | Violation | Event-visitorCount",
            "event/test-messe | schema:eventStatus | In | Violation | Event-eventStatus",
            "event/test-messe | schema:eventStatus | MaxCount | Violation | Event-eventStatus",
            "event/test-messe | schema:funder | Or | Violation | Common-funder",
            "event/test-messe | schema:location | Or | Violation | Common-location",
            "event/test-messe | schema:organizer | Or | Violation | Event-organizer",
            "evidence/saalekreis/0123456789 | prov:value | MinCount | Violation | Evidence-value",
            "evidence/saalekreis/0123456789 | prov:wasQuotedFrom | MinCount | Violation | Evidence-wasQuotedFrom",
            "evidence/saalekreis/0123456789 | rdf:object | MinCount | Violation | Evidence-object",
            "evidence/saalekreis/0123456789 | rdf:predicate | MinCount | Violation | Evidence-predicate",
            "evidence/saalekreis/0123456789 | rdf:subject | MinCount | Violation | Evidence-statement",
            "evidence/saalekreis/not-a-digest | - | Pattern | Violation | EvidenceShape",
            "evidence/saalekreis/not-a-digest | koko:approximate | MaxCount | Violation | Evidence-approximate",
            "evidence/saalekreis/not-a-digest | prov:value | Datatype | Violation | Evidence-value",
            "evidence/saalekreis/not-a-digest | prov:value | LanguageIn | Violation | Evidence-value",
            "evidence/saalekreis/not-a-digest | prov:value | MaxCount | Violation | Evidence-value",
            "evidence/saalekreis/not-a-digest | prov:wasQuotedFrom | MaxCount | Violation | Evidence-wasQuotedFrom",
            "evidence/saalekreis/not-a-digest | prov:wasQuotedFrom | Or | Violation | Evidence-wasQuotedFrom",
            "evidence/saalekreis/not-a-digest | rdf:object | MaxCount | Violation | Evidence-object",
            "evidence/saalekreis/not-a-digest | rdf:predicate | MaxCount | Violation | Evidence-predicate",
            "evidence/saalekreis/not-a-digest | rdf:predicate | NodeKind | Violation | Evidence-predicate",
            "evidence/saalekreis/not-a-digest | rdf:subject | MaxCount | Violation | Evidence-statement",
            "evidence/saalekreis/not-a-digest | rdf:subject | NodeKind | Violation | Evidence-statement",
            "initiative/integrationsfonds | - | Pattern | Violation | InitiativeShape",
            "initiative/integrationsfonds | koko:level | Class | Violation | Programme-level",
            "initiative/integrationsfonds | koko:level | MaxCount | Violation | Programme-level",
            "initiative/integrationsfonds | koko:presentInState | Class | Violation | Programme-presentInState",
            "org/bmbf | skos:inScheme/skos:notation | HasValue | Violation | ScopeValue-scheme",
            "org/test-verein | koko:scope | Class | Violation | Organisation-scope",
            "org/test-verein | koko:scope | MaxCount | Violation | Organisation-scope",
            "product/test-flyer | koko:productType | Class | Violation | Product-productType",
            "product/test-flyer | koko:productType | MaxCount | Violation | Product-productType",
            "product/test-flyer | koko:status | MaxCount | Violation | Common-status",
            "roles/integrationsbeauftragte | - | Pattern | Violation | RoleShape",
            "roles/integrationsbeauftragte | prov:wasDerivedFrom | Or | Violation | Annotation-wasDerivedFrom",
            "site/saalekreis | koko:madePermanent | Datatype | Violation | Site-madePermanent",
            "site/saalekreis | koko:madePermanent | In | Violation | Site-madePermanent",
            "site/saalekreis | koko:madePermanent | MaxCount | Violation | Site-madePermanent",
            "site/saalekreis | koko:staffMovedOn | Datatype | Violation | Site-staffMovedOn",
            "site/saalekreis | koko:staffMovedOn | LanguageIn | Violation | Site-staffMovedOn",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | LevelValue-scheme",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | ProductTypeValue-scheme",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | StatusValue-scheme",
            "vocabulary/product-type/list | skos:inScheme/skos:notation | HasValue | Violation | StatusValue-scheme",
        ),
        file="curated-wrong.ttl",
    ),
    Case(
        "site-relations-wrong",
        "the Saalekreis site's curated relations point to the BMBF or the brochure instead of programmes, networks, projects, "
        "events, products, partners, roles and awards; it gets two states",
        (
            "site/saalekreis | koko:adapted | Class | Violation | Site-adapted",
            "site/saalekreis | koko:colleagueRole | Class | Violation | Site-colleagueRole",
            "site/saalekreis | koko:contributedTo | Or | Violation | Site-contributedTo",
            "site/saalekreis | koko:initiated | Or | Violation | Site-initiated",
            "site/saalekreis | koko:memberOf | Class | Violation | Site-memberOf",
            "site/saalekreis | koko:organised | Class | Violation | Site-organised",
            "site/saalekreis | koko:participatesIn | Or | Violation | Site-participatesIn",
            "site/saalekreis | koko:partner | Or | Violation | Site-partner",
            "site/saalekreis | koko:plans | Or | Violation | Site-plans",
            "site/saalekreis | koko:produced | Class | Violation | Site-produced",
            "site/saalekreis | koko:received | Class | Violation | Common-received",
            "site/saalekreis | koko:runs | Class | Violation | Site-runs",
            "site/saalekreis | koko:status | MaxCount | Violation | Common-status",
        ),
        update=(
            insert(
                SITE_GRAPH,
                f"{SITE} koko:participatesIn <org/bmbf> ; koko:memberOf <org/bmbf> ; koko:initiated <org/bmbf> ; "
                "koko:runs <org/bmbf> ; koko:contributedTo <org/bmbf> ; koko:plans <org/bmbf> ; koko:organised <org/bmbf> ; "
                "koko:produced <org/bmbf> ; koko:adapted <org/bmbf> ; koko:partner <brochure> ; koko:colleagueRole <org/bmbf> ; "
                "koko:received <org/bmbf> ; koko:status <vocabulary/status/ongoing> , <vocabulary/status/planned> .",
            ),
        ),
    ),
    Case(
        "administration-wrong",
        "a curator's units, posts and memberships of Saalekreis in W3C ORG, each with mistakes",
        (
            "membership/saalekreis-1 | org:member | MaxCount | Violation | Membership-member",
            "membership/saalekreis-1 | org:member | Or | Violation | Membership-member",
            "membership/saalekreis-1 | org:memberDuring | Class | Violation | Membership-memberDuring",
            "membership/saalekreis-1 | org:memberDuring | MaxCount | Violation | Membership-memberDuring",
            "membership/saalekreis-1 | org:organization | MaxCount | Violation | Membership-organization",
            "membership/saalekreis-1 | org:organization | Or | Violation | Membership-organization",
            "membership/saalekreis-1 | org:role | Class | Violation | Membership-role",
            "membership/saalekreis-1 | org:role | MaxCount | Violation | Membership-role",
            "membership/saalekreis-1 | schema:endDate | Or | Violation | Common-endDate",
            "membership/saalekreis/0123456789 | org:organization | MinCount | Violation | Membership-organization",
            "membership/test | - | Or | Violation | MembershipPartiesShape",
            "membership/test | - | Pattern | Violation | MembershipShape",
            "municipality/saalekreis | org:hasUnit | Class | Violation | Municipality-hasUnit",
            "org/bmbf | skos:inScheme/skos:notation | HasValue | Violation | UnitKindValue-scheme",
            "post/saalekreis-1 | org:reportsTo | Or | Violation | Common-reportsTo",
            "post/saalekreis-1 | org:role | Class | Violation | CoordinatorPost-role",
            "post/saalekreis-1 | org:role | MaxCount | Violation | CoordinatorPost-role",
            "post/saalekreis-1 | org:role | Pattern | Violation | CoordinatorPost-role",
            "post/saalekreis-1 | rdfs:comment | Datatype | Violation | CoordinatorPost-comment",
            "post/saalekreis-1 | rdfs:comment | LanguageIn | Violation | CoordinatorPost-comment",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | UnitLevelValue-scheme",
            "unit/test-amt | koko:unitKind | MaxCount | Violation | AdministrativeUnit-unitKind",
            "unit/test-amt | koko:unitLevel | Class | Violation | AdministrativeUnit-unitLevel",
            "unit/test-amt | koko:unitLevel | MaxCount | Violation | AdministrativeUnit-unitLevel",
            "unit/test-amt | org:hasPost | Class | Violation | AdministrativeUnit-hasPost",
            "unit/test-amt | org:hasSubOrganization | Class | Violation | AdministrativeUnit-hasSubOrganization",
            "unit/test-amt | org:memberOf | Class | Violation | Agent-memberOf",
            "unit/test-amt | org:reportsTo | Or | Violation | Common-reportsTo",
            "unit/test-amt | org:subOrganizationOf | Or | Violation | AdministrativeUnit-subOrganizationOf",
            "unit/test-amt | org:subOrganizationOf | QualifiedMaxCount | Violation | AdministrativeUnit-subOrganizationOf",
            "unit/test-amt | org:unitOf | Or | Violation | AdministrativeUnit-unitOf",
            "unit/test-dezernat | koko:unitKind | Class | Violation | AdministrativeUnit-unitKind",
            "vocabulary/status/ongoing | skos:inScheme/skos:notation | HasValue | Violation | RoleValue-scheme",
            "vocabulary/unit-level/office | skos:inScheme/skos:notation | HasValue | Violation | UnitKindValue-scheme",
        ),
        file="administration-wrong.ttl",
    ),
    Case(
        "dates-and-figures-wrong",
        "a curator's periods, instants, dated things and figures, each with mistakes",
        (
            "award/test-preis | dcterms:date | MaxCount | Violation | Common-date",
            "award/test-preis | dcterms:date | Or | Violation | Common-date",
            "date/2019-13 | - | Xone | Violation | InstantPositionShape",
            "date/2019-13 | koko:edtf | Datatype | Violation | Instant-edtf",
            "date/2019-13 | koko:edtf | MaxCount | Violation | Instant-edtf",
            "date/2019-13 | koko:edtf | Pattern | Violation | Instant-edtf",
            "date/2019-13 | time:inXSDgYear | Datatype | Violation | Instant-inXSDgYear",
            "date/2019-13 | time:inXSDgYear | MaxCount | Violation | Instant-inXSDgYear",
            "date/2019-13 | time:inXSDgYearMonth | Datatype | Violation | Instant-inXSDgYearMonth",
            "date/2019-13 | time:inXSDgYearMonth | MaxCount | Violation | Instant-inXSDgYearMonth",
            "date/2019-13 | time:inXSDgYearMonth | Pattern | Violation | Instant-inXSDgYearMonth",
            "date/2019-13 | time:unitType | In | Violation | Instant-unitType",
            "date/2019-13 | time:unitType | MaxCount | Violation | Instant-unitType",
            "event/test-tag | time:hasTime | Class | Violation | Common-hasTimeInstant",
            "event/test-tag | time:hasTime | MaxCount | Violation | Common-hasTimeInstant",
            "figure/test/0123456789 | koko:approximate | Datatype | Violation | QuantitativeValue-approximate",
            "figure/test/0123456789 | koko:approximate | MaxCount | Violation | QuantitativeValue-approximate",
            "figure/test/0123456789 | koko:inFundingPeriod | Class | Violation | QuantitativeValue-inFundingPeriod",
            "figure/test/0123456789 | koko:inFundingPeriod | MaxCount | Violation | QuantitativeValue-inFundingPeriod",
            "figure/test/0123456789 | koko:measure | MaxCount | Violation | QuantitativeValue-measure",
            "figure/test/0123456789 | schema:value | MaxCount | Violation | QuantitativeValue-value",
            "figure/test/0123456789 | schema:value | Or | Violation | QuantitativeValue-value",
            "figure/test/abcdefabcd | koko:measure | Class | Violation | QuantitativeValue-measure",
            "figures/test | - | Pattern | Violation | QuantitativeValueShape",
            "figures/test | koko:measure | MinCount | Violation | QuantitativeValue-measure",
            "figures/test | schema:value | MinCount | Violation | QuantitativeValue-value",
            "interval/test | - | Pattern | Violation | ProperIntervalShape",
            "interval/test | time:hasBeginning | Class | Violation | ProperInterval-hasBeginning",
            "interval/test | time:hasBeginning | MaxCount | Violation | ProperInterval-hasBeginning",
            "interval/test | time:hasEnd | Class | Violation | ProperInterval-hasEnd",
            "interval/test | time:hasEnd | MaxCount | Violation | ProperInterval-hasEnd",
            "interval/test | time:inside | Class | Violation | ProperInterval-inside",
            "interval/test | time:inside | MaxCount | Violation | ProperInterval-inside",
            "laws/test-gesetz | - | Pattern | Violation | LegislationShape",
            "places/test-ort | - | Pattern | Violation | PlaceShape",
            "places/test-ort | schema:location | Or | Violation | Common-location",
            "project/test-projekt | schema:endDate | MaxCount | Violation | Common-endDate",
            "project/test-projekt | schema:endDate | Or | Violation | Common-endDate",
            "project/test-projekt | time:hasTime | Class | Violation | Common-hasTimeInterval",
            "project/test-projekt | time:hasTime | MaxCount | Violation | Common-hasTimeInterval",
            "site/saalekreis | koko:figure | Class | Violation | Common-figure",
            "site/saalekreis | skos:inScheme/skos:notation | HasValue | Violation | MeasureValue-scheme",
            "time/2019 | - | Pattern | Violation | InstantShape",
            "time/2019 | koko:edtf | MinCount | Violation | Instant-edtf",
            "time/2019 | time:inXSDDate | Datatype | Violation | Instant-inXSDDate",
            "time/2019 | time:inXSDDate | MaxCount | Violation | Instant-inXSDDate",
            "time/2019 | time:unitType | MinCount | Violation | Instant-unitType",
            "vocabulary/status/ongoing | skos:inScheme/skos:notation | HasValue | Violation | MeasureValue-scheme",
        ),
        file="dates-and-figures-wrong.ttl",
    ),
    Case(
        "vocabularies-wrong",
        "a user's additions to the controlled vocabularies: a scheme without notation, concepts without scheme or "
        "definition, with a site as scheme, a malformed notation and definitions in the wrong languages",
        (
            "vocabulary/status/test-one | - | Or | Violation | VocabularyDefinitionShape",
            "vocabulary/status/test-one | skos:inScheme | MinCount | Violation | Concept-inScheme",
            "vocabulary/status/test-one | skos:topConceptOf | MinCount | Violation | Concept-topConceptOf",
            "vocabulary/status/test-two | skos:definition | Datatype | Violation | Vocabulary-definition",
            "vocabulary/status/test-two | skos:definition | LanguageIn | Violation | Vocabulary-definition",
            "vocabulary/status/test-two | skos:definition | UniqueLang | Violation | Vocabulary-definition",
            "vocabulary/status/test-two | skos:inScheme | Class | Violation | Concept-inScheme",
            "vocabulary/status/test-two | skos:notation | Datatype | Violation | Vocabulary-notation",
            "vocabulary/status/test-two | skos:notation | MaxCount | Violation | Vocabulary-notation",
            "vocabulary/status/test-two | skos:notation | Pattern | Violation | Vocabulary-notation",
            "vocabulary/status/test-two | skos:topConceptOf | Class | Violation | Concept-topConceptOf",
            "vocabulary/test-scheme | - | Or | Violation | VocabularySchemeShape",
            "vocabulary/test-scheme | skos:hasTopConcept | Class | Violation | ConceptScheme-hasTopConcept",
        ),
        file="vocabularies-wrong.ttl",
    ),
    Case(
        "new-site-leipzig",
        "a user adds Leipzig as a new site in its own graph, with an ill-typed start, two answers, an English motto and no "
        "self-description",
        (
            "programme/koko | koko:site | SPARQL | Violation | SiteAnswersShape | site/leipzig",
            "programme/koko | koko:site | SPARQL | Violation | SiteCountShape | 28",
            "site/leipzig | - | SPARQL | Violation | GraphSiteProvenanceShape | brochure/profile/leipzig",
            "site/leipzig | koko:answer | MinCount | Violation | Site-answer",
            "site/leipzig | koko:motto | LanguageIn | Violation | Site-motto",
            "site/leipzig | koko:programmeStart | Pattern | Violation | Site-programmeStart",
        ),
        file="new-site-leipzig.trig",
        graphs=True,
    ),
    # --- per-graph contract ------------------------------------------------------------------------
    Case(
        "site-graph-without-self-description",
        "the Saalekreis graph loses its self-description, so nothing in it says where it comes from",
        ("site/saalekreis | - | SPARQL | Violation | GraphSiteProvenanceShape | brochure/profile/saalekreis",),
        update=(f"DELETE WHERE {{ GRAPH <{SITE_GRAPH}> {{ <{SITE_GRAPH}> ?p ?o }} }}",),
        graphs=True,
    ),
    Case(
        "site-graph-described-elsewhere",
        "the types of Saalekreis's profile, municipality, post and an answer move to the programme graph",
        (
            "brochure/profile/saalekreis | dcterms:source | MinCount | Violation | GraphSiteProfile-source",
            "brochure/profile/saalekreis | koko:firstLine | MinCount | Violation | GraphSiteProfile-firstLine",
            "brochure/profile/saalekreis | koko:lastLine | MinCount | Violation | GraphSiteProfile-lastLine",
            "site/saalekreis | koko:answer | Class | Violation | GraphSite-answer",
            "site/saalekreis | koko:coordinatorPost | Class | Violation | GraphSite-coordinatorPost",
            "site/saalekreis | koko:municipality | Or | Violation | GraphSite-municipality",
            "site/saalekreis | koko:profile | Class | Violation | GraphSite-profile",
        ),
        update=(
            move(PROFILE, "rdf:type", PROGRAMME_GRAPH),
            move(MUNI, "rdf:type", PROGRAMME_GRAPH),
            move(POST, "rdf:type", PROGRAMME_GRAPH),
            move(ANSWER, "rdf:type", PROGRAMME_GRAPH),
        ),
        graphs=True,
    ),
    Case(
        "site-graph-links-elsewhere",
        "the Saalekreis site links to Magdeburg's profile too; Magdeburg's profile and municipality links move to the "
        "programme graph",
        (
            "site/magdeburg | koko:municipality | MinCount | Violation | GraphSite-municipality",
            "site/magdeburg | koko:profile | MinCount | Violation | GraphSite-profile",
            "site/saalekreis | - | SPARQL | Violation | GraphSiteProvenanceShape | brochure/profile/magdeburg",
            "site/saalekreis | koko:profile | Class | Violation | GraphSite-profile",
            "site/saalekreis | koko:profile | MaxCount | Violation | GraphSite-profile",
            "site/saalekreis | koko:profile | MaxCount | Violation | Site-profile",
        ),
        update=(
            insert(SITE_GRAPH, f"{SITE} koko:profile <brochure/profile/magdeburg> ."),
            move("<site/magdeburg>", "koko:profile", PROGRAMME_GRAPH),
            move("<site/magdeburg>", "koko:municipality", PROGRAMME_GRAPH),
        ),
        graphs=True,
    ),
    Case(
        "profile-lines-missing",
        "Saalekreis's profile loses its first line and source and gets a second last line",
        (
            "brochure/profile/saalekreis | dcterms:source | MinCount | Violation | GraphSiteProfile-source",
            "brochure/profile/saalekreis | dcterms:source | MinCount | Violation | Lines-source",
            "brochure/profile/saalekreis | koko:firstLine | MinCount | Violation | GraphSiteProfile-firstLine",
            "brochure/profile/saalekreis | koko:firstLine | MinCount | Violation | Lines-firstLine",
            "brochure/profile/saalekreis | koko:lastLine | MaxCount | Violation | GraphSiteProfile-lastLine",
            "brochure/profile/saalekreis | koko:lastLine | MaxCount | Violation | Lines-lastLine",
        ),
        update=(
            delete(PROFILE, "koko:firstLine"),
            delete(PROFILE, "dcterms:source"),
            insert(SITE_GRAPH, f"{PROFILE} koko:lastLine 700 ."),
        ),
        graphs=True,
    ),
    Case(
        "profile-lines-reversed",
        "Saalekreis's profile gets a second first line after its last line and a text as second source",
        (
            '"Broschüre" | - | NodeKind | Violation | SourceTextShape',
            '"Broschüre" | koko:sha256 | MinCount | Violation | SourceText-sha256',
            '"Broschüre" | prov:wasDerivedFrom | MinCount | Violation | SourceText-wasDerivedFrom',
            "brochure/profile/saalekreis | dcterms:source | Class | Violation | Lines-source",
            "brochure/profile/saalekreis | dcterms:source | MaxCount | Violation | GraphSiteProfile-source",
            "brochure/profile/saalekreis | dcterms:source | MaxCount | Violation | Lines-source",
            "brochure/profile/saalekreis | dcterms:source | NodeKind | Violation | GraphSiteProfile-source",
            "brochure/profile/saalekreis | koko:firstLine | LessThanOrEquals | Violation | GraphSiteProfile-firstLine",
            "brochure/profile/saalekreis | koko:firstLine | LessThanOrEquals | Violation | Lines-firstLine",
            "brochure/profile/saalekreis | koko:firstLine | MaxCount | Violation | GraphSiteProfile-firstLine",
            "brochure/profile/saalekreis | koko:firstLine | MaxCount | Violation | Lines-firstLine",
        ),
        update=(insert(SITE_GRAPH, f'{PROFILE} koko:firstLine 680 ; dcterms:source "Broschüre" .'),),
        graphs=True,
    ),
    Case(
        "programme-graph-forgets-summary",
        "the programme graph's self-description no longer names the summary as an origin",
        ("brochure | - | SPARQL | Violation | GraphBrochureProvenanceShape | brochure/summary",),
        update=(delete("<graph/programme>", "prov:wasDerivedFrom", "<brochure/summary>"),),
        graphs=True,
    ),
    Case(
        "graph-self-description-misnamed",
        "the Saalekreis graph describes itself under a wrong IRI and without an English label",
        (
            "graphs/saalekreis | - | Pattern | Violation | GraphEntityShape",
            "graphs/saalekreis | rdfs:label | MinCount | Violation | Common-label",
            "graphs/saalekreis | rdfs:label | MinCount | Violation | GraphEntity-label",
        ),
        update=(
            rename(SITE_GRAPH, "graphs/saalekreis"),
            delete("<graphs/saalekreis>", "rdfs:label", '"Named graph: KoKo site Saalekreis"@en'),
        ),
        graphs=True,
    ),
)


# --- running the fixtures ------------------------------------------------------------------------
# Validating one fixture takes about a second (the reachability query alone half of it), so the
# fixtures are validated up front, in as many processes as there are cores, and each test only
# compares. A process starts empty ("spawn") and builds the release once.
_WORKER: dict = {}


def _start_worker() -> None:
    from koko.checks.validate import load_shapes
    from koko.config import load_config
    from koko.release.build import assemble

    config = load_config(environ={})
    shapes, graph_shapes = load_shapes(config.shapes), load_shapes(config.graph_shapes)
    _WORKER.update(config=config, release=assemble(config).dataset, shapes=shapes, graph_shapes=graph_shapes)


def _validate_case(name: str) -> tuple[str, frozenset[str]]:
    from koko.checks.validate import validate_dataset

    if not _WORKER:
        _start_worker()
    w = _WORKER
    case = next(c for c in CASES if c.name == name)
    data = apply(case, w["release"], w["config"].base)
    report = validate_dataset(data, w["shapes"], w["graph_shapes"] if case.graphs else None)
    return name, frozenset(rendered(report, w["shapes"] + w["graph_shapes"], w["config"].base))


def validate_all(cases: tuple[Case, ...] = CASES) -> dict[str, frozenset[str]]:
    """The rendered report of every fixture, computed in parallel where there are several cores."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(os.cpu_count() or 1, 4)
    names = [c.name for c in sorted(cases, key=lambda c: not c.graphs)]  # the slow ones first
    if workers == 1:
        return dict(_validate_case(name) for name in names)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker) as pool:
        return dict(pool.map(_validate_case, names))
