"""Checks of the KoKo ontology (ontology/koko.ttl) and of the generated KOKO namespace."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from koko.graph.namespace import KOKO
from koko.graph.nsgen import main as nsgen_main
from koko.graph.nsgen import render_namespace_module

REPO_ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = REPO_ROOT / "ontology" / "koko.ttl"
NAMESPACE_MODULE = REPO_ROOT / "src" / "koko" / "graph" / "namespace.py"

NS = "https://w3id.org/koko-kg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/koko-kg/ontology")
VANN = "http://purl.org/vocab/vann/"

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
LANGUAGES = ("de", "en")

# Terms whose German and English labels may legitimately be equal. None so far.
LABEL_EQUAL_ALLOWED: frozenset[str] = frozenset()

# Predicates allowed in the ontology: annotations, RDFS axioms and the OWL 2 RL
# constructs the model relies on. Anything else needs a deliberate decision.
ALLOWED_PREDICATES = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.isDefinedBy,
        RDFS.domain,
        RDFS.range,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        OWL.inverseOf,
        OWL.disjointWith,
        OWL.versionIRI,
        OWL.versionInfo,
        SKOS.definition,
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        URIRef(VANN + "preferredNamespacePrefix"),
        URIRef(VANN + "preferredNamespaceUri"),
    }
)
ALLOWED_TYPES = frozenset(
    {
        OWL.Ontology,
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.FunctionalProperty,
        OWL.TransitiveProperty,
    }
)

# For each axiom predicate: which kind of term its koko: object must be.
# None means "the same kind as the subject".
REFERENCE_KINDS = {
    RDFS.domain: OWL.Class,
    RDFS.range: OWL.Class,
    RDFS.subClassOf: OWL.Class,
    OWL.disjointWith: OWL.Class,
    RDFS.subPropertyOf: None,
    OWL.inverseOf: None,
}


def _load() -> Graph | None:
    try:
        return Graph().parse(ONTOLOGY_PATH, format="turtle")
    except Exception:  # reported by test_ontology_parses
        return None


GRAPH = _load() or Graph()


def _local(iri: URIRef) -> str:
    return str(iri)[len(NS) :]


def _kind(term: URIRef) -> set[URIRef]:
    return {t for t in GRAPH.objects(term, RDF.type) if t in TERM_TYPES}


TERMS = sorted({s for t in TERM_TYPES for s in GRAPH.subjects(RDF.type, t) if str(s).startswith(NS)})
TERM_IDS = [_local(t) for t in TERMS]
TERMS_BY_LANGUAGE = [(t, lang) for t in TERMS for lang in LANGUAGES]
TERMS_BY_LANGUAGE_IDS = [f"{_local(t)}@{lang}" for t, lang in TERMS_BY_LANGUAGE]

REFERENCES = sorted((s, p, o) for p in REFERENCE_KINDS for s, o in GRAPH.subject_objects(p) if str(o).startswith(NS))
REFERENCE_IDS = [f"{_local(s)}-{GRAPH.qname(p)}-{_local(o)}" for s, p, o in REFERENCES]

USED_KOKO_IRIS = sorted({n for triple in GRAPH for n in triple if isinstance(n, URIRef) and str(n).startswith(NS)})

SUBJECTS = sorted(set(GRAPH.subjects()), key=str)
SUBJECT_IDS = [GRAPH.qname(s) if str(s).startswith(NS) else str(s) for s in SUBJECTS]

INVERSE_PAIRS = sorted(GRAPH.subject_objects(OWL.inverseOf))
INVERSE_IDS = [f"{_local(a)}-{_local(b)}" for a, b in INVERSE_PAIRS]

SECTIONS = ("Classes", "Object properties", "Datatype properties")
SECTION_TYPES = dict(zip(SECTIONS, TERM_TYPES, strict=False))
SECTION_HEADING = re.compile(r"^# (Classes|Object properties|Datatype properties)$", re.M)
# The prefixes the ontology binds, exactly and in this (sorted) order.
PREFIXES = ("dcterms", "koko", "org", "owl", "prov", "rdf", "rdfs", "schema", "skos", "time", "vann", "xsd")


def _literals(term: URIRef, predicate: URIRef, lang: str) -> list[Literal]:
    return [o for o in GRAPH.objects(term, predicate) if isinstance(o, Literal) and o.language == lang]


def _section_blocks(section: str) -> list[str]:
    """Names of the term blocks (``koko:Name`` lines) in one section of the file."""
    text = ONTOLOGY_PATH.read_text(encoding="utf-8")
    headings = {m.group(1): m.start() for m in SECTION_HEADING.finditer(text)}
    start = headings[section]
    following = [offset for offset in headings.values() if offset > start]
    body = text[start : min(following, default=len(text))]
    return re.findall(r"^koko:(\w+)$", body, re.M)


# --------------------------------------------------------------------------- graph


def test_ontology_parses() -> None:
    graph = Graph().parse(ONTOLOGY_PATH, format="turtle")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert len(graph) > 0


def test_terms_were_collected() -> None:
    assert TERMS, "no koko: classes or properties found in the ontology"


def test_no_blank_nodes() -> None:
    blank = [t for t in GRAPH if any(isinstance(n, BNode) for n in t)]
    assert blank == []


def test_prefix_block_is_exactly_the_sorted_project_prefixes() -> None:
    text = ONTOLOGY_PATH.read_text(encoding="utf-8")
    assert re.findall(r"^@prefix (\w*): <[^>]+> \.$", text, re.M) == list(PREFIXES)


@pytest.mark.parametrize("section", SECTIONS)
def test_section_blocks_are_sorted_and_of_the_right_kind(section: str) -> None:
    names = _section_blocks(section)
    assert names == sorted(names)
    declared = {_local(t) for t in GRAPH.subjects(RDF.type, SECTION_TYPES[section]) if t in TERMS}
    assert set(names) == declared
    assert len(names) == len(declared)


# --------------------------------------------------------------------------- ontology node


@pytest.mark.parametrize(
    "predicate",
    [
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.modified,
        DCTERMS.created,
        DCTERMS.title,
        DCTERMS.description,
    ],
    ids=GRAPH.qname,
)
def test_ontology_node_has(predicate: URIRef) -> None:
    assert list(GRAPH.objects(ONTOLOGY_IRI, predicate))


@pytest.mark.parametrize("predicate", [DCTERMS.modified, DCTERMS.created], ids=GRAPH.qname)
def test_ontology_dates_are_typed_xsd_date(predicate: URIRef) -> None:
    values = list(GRAPH.objects(ONTOLOGY_IRI, predicate))
    assert len(values) == 1
    assert isinstance(values[0], Literal)
    assert values[0].datatype == XSD.date


def test_ontology_version_iri_matches_version_info() -> None:
    (version,) = GRAPH.objects(ONTOLOGY_IRI, OWL.versionInfo)
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{version}")) in GRAPH


def test_ontology_license_is_cc_by_4() -> None:
    cc_by = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (ONTOLOGY_IRI, DCTERMS.license, cc_by) in GRAPH


def test_ontology_imports_nothing() -> None:
    assert list(GRAPH.objects(ONTOLOGY_IRI, OWL.imports)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ontology_title_per_language(lang: str) -> None:
    assert len(_literals(ONTOLOGY_IRI, DCTERMS.title, lang)) == 1


# --------------------------------------------------------------------------- terms


@pytest.mark.parametrize("term", TERMS, ids=TERM_IDS)
def test_term_has_exactly_one_kind(term: URIRef) -> None:
    assert len(_kind(term)) == 1


@pytest.mark.parametrize(("term", "lang"), TERMS_BY_LANGUAGE, ids=TERMS_BY_LANGUAGE_IDS)
def test_term_has_one_label_per_language(term: URIRef, lang: str) -> None:
    assert len(_literals(term, RDFS.label, lang)) == 1


@pytest.mark.parametrize(("term", "lang"), TERMS_BY_LANGUAGE, ids=TERMS_BY_LANGUAGE_IDS)
def test_term_has_one_definition_per_language(term: URIRef, lang: str) -> None:
    assert len(_literals(term, SKOS.definition, lang)) == 1


@pytest.mark.parametrize(("term", "lang"), TERMS_BY_LANGUAGE, ids=TERMS_BY_LANGUAGE_IDS)
def test_definition_is_a_sentence_not_the_label(term: URIRef, lang: str) -> None:
    (definition,) = _literals(term, SKOS.definition, lang)
    (label,) = _literals(term, RDFS.label, lang)
    text = str(definition)
    assert text[0].isupper()
    assert text.endswith(".")
    assert len(text.split()) >= 6
    assert text.rstrip(".").casefold() != str(label).casefold()


@pytest.mark.parametrize("term", TERMS, ids=TERM_IDS)
def test_term_is_defined_by_the_ontology(term: URIRef) -> None:
    assert list(GRAPH.objects(term, RDFS.isDefinedBy)) == [ONTOLOGY_IRI]


@pytest.mark.parametrize("term", TERMS, ids=TERM_IDS)
def test_german_and_english_labels_differ(term: URIRef) -> None:
    (de,) = _literals(term, RDFS.label, "de")
    (en,) = _literals(term, RDFS.label, "en")
    if _local(term) in LABEL_EQUAL_ALLOWED:
        pytest.skip("labels may be equal")
    assert str(de).casefold() != str(en).casefold()


@pytest.mark.parametrize("subject", SUBJECTS, ids=SUBJECT_IDS)
def test_literals_are_language_tagged_or_typed(subject: URIRef) -> None:
    untagged = [
        (GRAPH.qname(p), str(o))
        for p, o in GRAPH.predicate_objects(subject)
        if isinstance(o, Literal) and o.language is None and o.datatype is None
    ]
    assert untagged == []


@pytest.mark.parametrize("subject", SUBJECTS, ids=SUBJECT_IDS)
def test_only_expected_predicates_and_types(subject: URIRef) -> None:
    assert set(GRAPH.predicates(subject)) <= ALLOWED_PREDICATES
    assert set(GRAPH.objects(subject, RDF.type)) <= ALLOWED_TYPES


@pytest.mark.parametrize("triple", REFERENCES, ids=REFERENCE_IDS)
def test_referenced_koko_term_is_declared(triple: tuple[URIRef, URIRef, URIRef]) -> None:
    subject, predicate, obj = triple
    expected = REFERENCE_KINDS[predicate]
    if expected is None:
        assert _kind(obj) == _kind(subject)
    else:
        assert expected in _kind(obj)


@pytest.mark.parametrize("iri", USED_KOKO_IRIS, ids=[_local(i) for i in USED_KOKO_IRIS])
def test_every_koko_iri_is_declared(iri: URIRef) -> None:
    assert iri in TERMS


@pytest.mark.parametrize("pair", INVERSE_PAIRS, ids=INVERSE_IDS)
def test_inverse_properties_swap_domain_and_range(pair: tuple[URIRef, URIRef]) -> None:
    prop, inverse = pair
    assert set(GRAPH.objects(prop, RDFS.domain)) == set(GRAPH.objects(inverse, RDFS.range))
    assert set(GRAPH.objects(prop, RDFS.range)) == set(GRAPH.objects(inverse, RDFS.domain))


@pytest.mark.parametrize("term", sorted(GRAPH.subjects(RDF.type, OWL.FunctionalProperty)), ids=_local)
def test_functional_properties_are_datatype_properties(term: URIRef) -> None:
    # OWL 2 RL allows functional object properties too; the model only needs these.
    assert (term, RDF.type, OWL.DatatypeProperty) in GRAPH


@pytest.mark.parametrize("term", sorted(GRAPH.subjects(RDF.type, OWL.TransitiveProperty)), ids=_local)
def test_transitive_properties_are_object_properties(term: URIRef) -> None:
    assert (term, RDF.type, OWL.ObjectProperty) in GRAPH


# --------------------------------------------------------------------------- namespace module


def test_namespace_module_is_up_to_date() -> None:
    expected = render_namespace_module(ONTOLOGY_PATH)
    assert NAMESPACE_MODULE.read_text(encoding="utf-8") == expected, (
        "src/koko/graph/namespace.py is stale; run python -m koko.graph.nsgen"
    )


def test_render_does_not_depend_on_file_location(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere.ttl"
    shutil.copyfile(ONTOLOGY_PATH, copy)
    assert render_namespace_module(copy) == render_namespace_module(ONTOLOGY_PATH)


def test_nsgen_main_writes_the_rendered_module(tmp_path: Path) -> None:
    output = tmp_path / "namespace.py"
    args = ["--ontology", str(ONTOLOGY_PATH), "--output", str(output)]
    assert nsgen_main(args) == 0
    assert output.read_text(encoding="utf-8") == render_namespace_module(ONTOLOGY_PATH)
    assert nsgen_main([*args, "--check"]) == 0


def test_nsgen_check_reports_a_stale_module(tmp_path: Path) -> None:
    output = tmp_path / "namespace.py"
    output.write_text("# stale\n", encoding="utf-8")
    args = ["--ontology", str(ONTOLOGY_PATH), "--output", str(output), "--check"]
    assert nsgen_main(args) == 1
    assert output.read_text(encoding="utf-8") == "# stale\n"


@pytest.mark.parametrize("term", TERMS, ids=TERM_IDS)
def test_namespace_defines_term(term: URIRef) -> None:
    assert getattr(KOKO, _local(term)) == term


def test_namespace_rejects_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        KOKO.NoSuchTerm  # noqa: B018


def test_namespace_iri() -> None:
    assert str(KOKO._NS) == NS
