"""Counts per class and per property, and the headline figures of the brochure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict, cast

from rdflib import RDF, Dataset, URIRef
from rdflib.term import Identifier

from koko.source.records import Brochure


@dataclass(frozen=True)
class Stats:
    triples: int
    graphs: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    sites_per_state: tuple[tuple[str, int], ...]
    answers: int
    coordinators: int
    distinct_questions: int


def compute(dataset: Dataset, brochure: Brochure) -> Stats:
    quads = list(dataset.quads((None, None, None, None)))
    triples = {(s, p, o) for s, p, o, _ in quads}
    qname = dataset.namespace_manager.normalizeUri
    # rdflib types quad terms as Node, which includes formulas; a Dataset of triples holds only
    # Identifiers (str subclasses), and a predicate is always an IRI. Each term is named once, not
    # once per triple: rdflib shortens an IRI anew every time (a tenth of a second on the release).
    classes = _named(Counter(cast(Identifier, o) for s, p, o in triples if p == RDF.type), qname)
    properties = _named(Counter(cast(URIRef, p) for _, p, _ in triples), qname)
    return Stats(
        triples=len(triples),
        graphs=len({g for *_, g in quads}),
        classes=tuple(sorted(classes.items())),
        properties=tuple(sorted(properties.items())),
        sites_per_state=tuple((c.state, len(c.sites)) for c in brochure.chapters),
        answers=len(brochure.answers),
        coordinators=sum(len(site.coordinators) for site in brochure.sites),
        distinct_questions=len({a.question.slug for a in brochure.answers}),
    )


def _named(counts: Counter[Identifier], qname: Callable[[str], str]) -> Counter[str]:
    named: Counter[str] = Counter()
    for term, count in counts.items():
        named[qname(term)] += count
    return named


def summary_lines(stats: Stats) -> list[str]:
    states = ", ".join(f"{state} {count}" for state, count in stats.sites_per_state)
    return [
        f"sites: {sum(n for _, n in stats.sites_per_state)} ({states})",
        f"answers: {stats.answers}, coordinators: {stats.coordinators}, distinct questions: {stats.distinct_questions}",
        f"triples: {stats.triples} in {stats.graphs} named graphs",
    ]


class StatsJson(TypedDict):
    """The figures as ``koko stats --format json`` prints them."""

    triples: int
    graphs: int
    sitesPerState: dict[str, int]
    answers: int
    coordinators: int
    distinctQuestions: int
    classes: dict[str, int]
    properties: dict[str, int]


def as_dict(stats: Stats) -> StatsJson:
    return {
        "triples": stats.triples,
        "graphs": stats.graphs,
        "sitesPerState": dict(stats.sites_per_state),
        "answers": stats.answers,
        "coordinators": stats.coordinators,
        "distinctQuestions": stats.distinct_questions,
        "classes": dict(stats.classes),
        "properties": dict(stats.properties),
    }
