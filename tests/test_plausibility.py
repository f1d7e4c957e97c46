"""Plausibility: dates the programme's own facts make impossible are violations naming the site and the value.

Each case is the real release with one value changed (in the named graph that holds it), validated
with the project's shapes as ``koko validate`` and ``koko build`` load them (koko.shapes.ttl and
plausibility.shapes.ttl in one union pass, graphs.shapes.ttl per graph). The report must hold
exactly one violation, from the expected shape, on the expected focus node and value, with the
site and the value in both the German and the English message. The bounds come from the data:
KoKo's funding periods run from 2016 to the end of 2020, and the brochure appeared in 2020.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from helpers import koko
from koko.checks.validate import Report, load_shapes, validate_dataset
from koko.config import Config

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
)


def changed(dataset: Dataset, base: str, case: Case) -> Dataset:
    """A copy of ``dataset`` with the case's value in place of the old one, in the graph that held it."""
    subject, predicate = URIRef(base + case.subject), URIRef(case.predicate)
    copy = Dataset()
    held = False
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if (s, p) == (subject, predicate):
            o, held = case.value, True
        copy.graph(g).add((s, p, o))
    assert held, f"{case.subject} has no {case.predicate} any more: the case must follow the data"
    return copy


@pytest.fixture(scope="module")
def shapes(config: Config):
    return load_shapes(*config.data_shapes), load_shapes(config.graph_shapes)


def violations(report: Report) -> list:
    return [f for f in report.findings if f.severity == "Violation"]


def test_the_plausibility_shapes_are_part_of_the_union_pass(config: Config):
    merged = load_shapes(*config.data_shapes)
    shapes = {str(s).removeprefix(KOKOSH) for s in merged.subjects(RDF.type, SH.NodeShape)}
    assert {"CoordinatorStartInProgrammeShape", "StartedByTheBrochureShape", "ProgrammeStartInFundingShape"} <= shapes


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
