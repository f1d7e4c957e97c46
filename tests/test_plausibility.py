"""Plausibility: dates, figures and counts the programme's own facts make impossible are violations
naming the site (or whatever has the figure) and the value.

Each case is the real release with one value changed (in the named graph that holds it), validated
with the project's shapes as ``koko validate`` and ``koko build`` load them (koko.shapes.ttl and
plausibility.shapes.ttl in one union pass, graphs.shapes.ttl per graph). The report must hold
exactly one violation, from the expected shape, on the expected focus node and value, with the
site and the value in both the German and the English message. The bounds come from the data:
KoKo's funding periods run from 2016 to the end of 2020, the brochure appeared in 2020, all 27
funded sites took part, Saxony funded one to three posts per municipality, and each site chose
three questions from a repertoire of fourteen.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from helpers import koko
from koko.checks.validate import Report, load_shapes, validate_dataset
from koko.config import Config, load_config
from koko.release.build import assemble

KOKO = "https://w3id.org/koko-kg/ontology#"
KOKOSH = "https://w3id.org/koko-kg/shapes#"
SCHEMA = "https://schema.org/"


@dataclass(frozen=True)
class Case:
    name: str
    subject: str  # relative to the base
    predicate: str
    value: Literal
    shape: str  # without kokosh:
    focus: str  # relative to the base
    reported: str  # relative to the base for an IRI, else the literal's text
    names: tuple[str, ...]  # what both messages must say: the site and the value
    measure: str = ""  # set: the changed subject is the figure of `subject` with this measure ...
    old: str = ""  # ... and, where it has several, this value

    def __str__(self) -> str:
        return self.name


CASES = (
    # The example: a site's start decades before KoKo (the brochure prints 10/2016).
    Case(
        "site-starts-in-1975",
        "site/dresden",
        KOKO + "programmeStart",
        Literal("1975-10", datatype=XSD.gYearMonth),
        "ProgrammeStartInFundingShape",
        "programme/koko",
        "site/dresden",
        ("dresden", "1975-10"),
    ),
    # Hildburghausen's coordinator took over at the end of 2019; 1975 is before KoKo existed.
    Case(
        "coordinator-starts-in-1975",
        "membership/hildburghausen-1",
        SCHEMA + "startDate",
        Literal("1975", datatype=XSD.gYear),
        "CoordinatorStartInProgrammeShape",
        "site/hildburghausen",
        "1975",
        ("hildburghausen", "1975"),
    ),
    # Saalfeld-Rudolstadt's coordinator started in 10/2016; 01/2021 is after the last funding year.
    Case(
        "coordinator-starts-after-the-programme",
        "membership/saalfeld-rudolstadt-1",
        SCHEMA + "startDate",
        Literal("2021-01", datatype=XSD.gYearMonth),
        "CoordinatorStartInProgrammeShape",
        "site/saalfeld-rudolstadt",
        "2021-01",
        ("saalfeld-rudolstadt", "2021-01"),
    ),
    # KoKo itself, reported as completed, cannot have begun after the brochure of 2020 that reports it.
    Case(
        "completed-programme-begins-after-the-brochure",
        "programme/koko",
        SCHEMA + "startDate",
        Literal("2023", datatype=XSD.gYear),
        "StartedByTheBrochureShape",
        "programme/koko",
        "2023",
        ("programme/koko", "2023"),
    ),
    # Magdeburg's foreign population is "ca. 10 Prozent"; a share, like every figure, is never negative.
    Case(
        "figure-is-negative",
        "site/magdeburg",
        SCHEMA + "value",
        Literal(-10),
        "FigureNotNegativeShape",
        "site/magdeburg",
        "-10",
        ("magdeburg", "-10", "share-of-foreign-population"),
        measure="share-of-foreign-population",
    ),
    # Sachsen-Anhalt's foreign population rose from 1,8 to 5,1 per cent; no share can be 180 per cent.
    Case(
        "share-above-100-per-cent",
        "state/sachsen-anhalt",
        SCHEMA + "value",
        Literal(Decimal("180")),
        "ShareInPercentShape",
        "state/sachsen-anhalt",
        "180",
        ("sachsen-anhalt", "180", "share-of-foreign-population"),
        measure="share-of-foreign-population",
        old="1.8",
    ),
    # The foreword: all 27 currently funded sites took part; the release holds 27 sites, not 28.
    Case(
        "funded-sites-differ-from-the-sites",
        "programme/koko",
        SCHEMA + "value",
        Literal(28),
        "FundedSitesShape",
        "programme/koko",
        "28",
        ("programme/koko", "28", "27"),
        measure="funded-sites",
    ),
    # Saxony funded one to three posts per municipality; the Vogtlandkreis has two, not four.
    Case(
        "posts-above-the-state-maximum",
        "site/vogtlandkreis",
        SCHEMA + "value",
        Literal(4),
        "PostsWithinStateBoundsShape",
        "programme/koko",
        "site/vogtlandkreis",
        ("vogtlandkreis", "4", "3", "state/sachsen"),
        measure="education-coordination-posts",
    ),
    # ... and at least one: Mittelsachsen cannot have none.
    Case(
        "posts-below-the-state-minimum",
        "site/mittelsachsen",
        SCHEMA + "value",
        Literal(0),
        "PostsWithinStateBoundsShape",
        "programme/koko",
        "site/mittelsachsen",
        ("mittelsachsen", " 0 ", "1", "state/sachsen"),
        measure="education-coordination-posts",
    ),
    # The authors chose three questions from a repertoire of fourteen, not fifteen.
    Case(
        "more-questions-answered-than-the-repertoire-holds",
        "product/broschuere-koko-2020",
        SCHEMA + "value",
        Literal(15),
        "QuestionsAnsweredWithinRepertoireShape",
        "product/broschuere-koko-2020",
        "15",
        ("broschuere-koko-2020", "15", "14"),
        measure="questions-answered-per-site",
    ),
)


def figure(dataset: Dataset, subject: URIRef, measure: str, old: str = "") -> URIRef:
    """The figure of ``subject`` whose measure is ``measure`` (and whose value is ``old``, where given):
    figure IRIs end in a digest of their content, so the cases name the figure by what it says."""
    found = {
        f
        for f in dataset.objects(subject, URIRef(KOKO + "figure"))
        if any(str(m).endswith("/measure/" + measure) for m in dataset.objects(f, URIRef(KOKO + "measure")))
        and (not old or any(str(v) == old for v in dataset.objects(f, URIRef(SCHEMA + "value"))))
    }
    assert len(found) == 1, f"{subject} has {len(found)} figures {measure} {old}: the case must follow the data"
    return found.pop()


def changed(dataset: Dataset, base: str, case: Case) -> Dataset:
    """A copy of ``dataset`` with the case's value in place of the old one, in the graph that held it."""
    subject = URIRef(base + case.subject)
    if case.measure:
        subject = figure(dataset, subject, case.measure, case.old)
    return replaced(dataset, subject, URIRef(case.predicate), case.value)


def replaced(dataset: Dataset, subject: URIRef, predicate: URIRef, value: Literal) -> Dataset:
    """A copy of ``dataset`` with ``value`` as the object of ``subject predicate``, in the graph that held it."""
    copy = Dataset(default_union=True)  # so that a second change finds its figure
    held = False
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if (s, p) == (subject, predicate):
            o, held = value, True
        copy.graph(g).add((s, p, o))
    assert held, f"{subject} has no {predicate} any more: the case must follow the data"
    return copy


@pytest.fixture(scope="module")
def shapes(config: Config):
    return load_shapes(*config.data_shapes), load_shapes(config.graph_shapes)


def violations(report: Report) -> list:
    return [f for f in report.findings if f.severity == "Violation"]


def test_the_plausibility_shapes_are_part_of_the_union_pass(config: Config):
    merged = load_shapes(*config.data_shapes)
    shapes = {str(s).removeprefix(KOKOSH) for s in merged.subjects(RDF.type, SH.NodeShape)}
    assert {c.shape for c in CASES} <= shapes
    assert "AnswersWithinRepertoireShape" in shapes


def test_the_release_is_plausible(knowledge, shapes):
    report = validate_dataset(knowledge.dataset, *shapes)
    assert report.conforms
    assert report.counts() == {"Violation": 0, "Warning": 0, "Info": 2}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_impossible_value_is_exactly_one_violation_naming_site_and_value(case: Case, knowledge, config, shapes):
    report = validate_dataset(changed(knowledge.dataset, config.base, case), *shapes)
    found = violations(report)
    assert len(found) == 1, [(str(f.focus), f.message) for f in found]
    (finding,) = found
    assert finding.shape == URIRef(KOKOSH + case.shape)
    assert finding.focus == URIRef(config.base + case.focus)
    value = finding.value if isinstance(finding.value, Literal) else str(finding.value).removeprefix(config.base)
    assert str(value) == case.reported
    for message in (finding.message, finding.message_de):
        assert all(name in message for name in case.names), message
    assert finding.message != finding.message_de  # two languages, not one message twice


def test_a_repertoire_smaller_than_the_answers_is_one_violation_per_site(knowledge, config, shapes):
    """Every site gives three answers (koko.shapes.ttl insists), so no single value can make only one site
    exceed the repertoire: a repertoire of two questions, of which two answered, fails all 27 sites, once each."""
    brochure, data = URIRef(config.base + "product/broschuere-koko-2020"), knowledge.dataset
    for measure in ("questions-in-repertoire", "questions-answered-per-site"):
        data = replaced(data, figure(data, brochure, measure), URIRef(SCHEMA + "value"), Literal(2))
    found = violations(validate_dataset(data, *shapes))
    sites = {str(s).removeprefix(config.base) for s in knowledge.dataset.subjects(RDF.type, URIRef(KOKO + "Site"))}
    assert len(sites) == 27
    assert {str(f.value).removeprefix(config.base) for f in found} == sites
    assert len(found) == 27
    for finding in found:
        assert finding.shape == URIRef(KOKOSH + "AnswersWithinRepertoireShape")
        assert finding.focus == URIRef(config.base + "programme/koko")
        assert str(finding.value) in finding.message
        assert str(finding.value) in finding.message_de
        assert ": 3 answers, but only 2 questions" in finding.message, finding.message
        assert ": 3 Antworten, aber nur 2 Fragen" in finding.message_de, finding.message_de


def test_a_negative_figure_of_the_shapes_fixtures_names_the_site(knowledge, config, shapes):
    """tests/fixtures/shapes/dates-and-figures-wrong.ttl gives Saalekreis a figure of -3 (tests/test_shapes.py
    validates it with koko.shapes.ttl alone, which no longer bounds the value): the union pass names the site."""
    data = Dataset()
    for quad in knowledge.dataset.quads((None, None, None, None)):
        data.add(quad)
    fixture = Path(__file__).parent / "fixtures" / "shapes" / "dates-and-figures-wrong.ttl"
    data.graph(URIRef(config.base + "graph/fixture/dates-and-figures-wrong")).parse(fixture, publicID=config.base)
    plausible = {str(s) for s in load_shapes(config.plausibility_shapes).subjects(RDF.type, SH.NodeShape)}
    found = [f for f in violations(validate_dataset(data, *shapes)) if str(f.shape) in plausible]
    assert {(str(f.focus).removeprefix(config.base), str(f.value)) for f in found} == {("site/saalekreis", "-3")}
    assert {f.shape for f in found} == {URIRef(KOKOSH + "FigureNotNegativeShape")}
    # one result per measure: the fixture's figure also has a wrong second measure (a status)
    assert all("saalekreis" in f.message and "is -3;" in f.message for f in found), [f.message for f in found]
    assert any('the figure "visitors" is -3' in f.message for f in found), [f.message for f in found]


def test_the_measures_are_found_under_another_base(shapes):
    """Measures are matched by their IRI after their scheme's, not by a base written into the shapes."""
    other = load_config(base="http://127.0.0.1:8000/data/", environ={})
    dataset = assemble(other).dataset
    assert validate_dataset(dataset, *shapes).conforms
    posts = next(c for c in CASES if c.name == "posts-above-the-state-maximum")
    (finding,) = violations(validate_dataset(changed(dataset, other.base, posts), *shapes))
    assert finding.focus == URIRef(other.base + "programme/koko")
    assert finding.value == URIRef(other.base + "site/vogtlandkreis")


def test_the_messages_are_german_and_english(knowledge, config, shapes):
    report = validate_dataset(changed(knowledge.dataset, config.base, CASES[1]), *shapes)
    (finding,) = violations(report)
    assert "außerhalb der Programmlaufzeit (2016 bis Ende 2020)" in finding.message_de
    assert "outside the programme's running time (2016 to the end of 2020)" in finding.message


def test_koko_validate_refuses_an_implausible_file(knowledge, config, tmp_path):
    broken = tmp_path / "broken.trig"
    changed(knowledge.dataset, config.base, CASES[1]).serialize(broken, format="trig")
    result = koko("validate", str(broken))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if "education coordination of" in line]
    assert len(lines) == 1, result.stdout
    assert "hildburghausen" in lines[0]
    assert "starts 1975" in lines[0]
    assert result.stdout.splitlines()[-1].startswith("does not conform: 1 violation(s)")
    german = koko("validate", str(broken), "--lang", "de")
    assert german.exit_code == 1
    assert any("hildburghausen" in line and "beginnt 1975" in line for line in german.stdout.splitlines()), german.stdout
