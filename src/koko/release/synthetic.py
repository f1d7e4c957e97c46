"""A synthetic KoKo graph at national scale, for benchmarks: the release plus generated districts.

Every generated district copies the named graphs of one real site — ``graph/site/{slug}`` (site,
municipality, coordinator posts and persons, profile, three answers) and ``graph/curated/{slug}``
(units, networks, partners, events, products, projects with evidence) — with new IRIs, a new name,
a new Kreisschlüssel and new coordinators. So the shapes, the IRI patterns and the evidence pattern
are those of the release, and every canned query finds something. The size is reached by
"years of offers": further copies of a site's curated graph (``graph/curated/{slug}-y{n}``), each
with its own units, networks, events, products and evidence, linked to the same site and answers.
The release itself stays in, so the canned queries' default parameters still hit.

The districts lie in Sachsen, Sachsen-Anhalt and Thüringen only: the shapes admit no other
Landesschlüssel (``kokosh:FederalState-landesschluessel``, ``sh:in ("14" "15" "16")``).

Output is N-Quads, streamed graph by graph (one formatted text template per named graph), so
10 million quads never sit in memory. Deterministic for a seed and a target.

>>> plan = plan_sizes(site_sizes=[(85, 200), (99, 100)], fixed=8000, target=9000)
>>> plan.sites, sum(plan.years), plan.quads
(5, 5, 9263)
>>> plan_sizes(site_sizes=[(85, 200)], fixed=8000, target=9000, districts=2).years
(3, 2)
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from koko.config import Config
from koko.release.build import assemble
from koko.source.identifiers import NUTS

MAX_DISTRICTS = 400
EXCLUDED_TEMPLATES = frozenset({"eisenach"})  # its municipality merged; the change event is one of a kind
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMA_NAME = "https://schema.org/name"
KOKO = "https://w3id.org/koko-kg/ontology#"
_PREFIXES = ("Nord", "Süd", "Ost", "West", "Ober", "Unter", "Alt", "Neu", "Hoch", "Mittel", "Groß", "Klein")
_STEMS = ("wald", "tal", "berg", "feld", "heide", "au", "mark", "bach", "stein", "furt", "hagen", "rode", "brück", "hain")
_FIRST = ("Anna", "Jonas", "Lea", "Paul", "Marie", "Felix", "Sophie", "Lukas", "Emma", "Ben", "Mia", "Leon", "Hanna", "Tim")
_LAST = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
)


@dataclass(frozen=True)
class Template:
    """One real site's two named graphs as N-Quads text with ``{placeholders}``."""

    slug: str
    state_chapter: str  # IRI of the chapter that lists the site
    site_text: str  # placeholders: site, name, key, p0, p1, …
    curated_text: str  # placeholders: site, copy, name, key, p0, …
    further_text: str  # the same for a further year of offers: nothing about the site's posts
    site_quads: int
    curated_quads: int
    persons: int
    state_key: str


@dataclass(frozen=True)
class Plan:
    sites: int
    years: tuple[int, ...]  # curated copies per generated site (1 = just its own curated graph)
    quads: int


def plan_sizes(site_sizes: list[tuple[int, int]], fixed: int, target: int, districts: int = MAX_DISTRICTS) -> Plan:
    """How many districts (at most 400) and how many years of offers each, to reach ``target`` quads.

    ``site_sizes`` are the (site graph, curated graph) quad counts of the templates, used in turn;
    ``fixed`` is what the release and the programme graph contribute; ``districts`` caps the number of sites."""
    total, sites, years = fixed, 0, []
    while total < target and sites < districts:
        site, curated = site_sizes[sites % len(site_sizes)]
        total += site + curated + 2  # + koko:site and koko:listedSite in the programme graph
        sites += 1
        years.append(1)
    index = 0
    while total < target and sites:
        total += site_sizes[index % len(site_sizes)][1]
        years[index] += 1
        index = (index + 1) % sites
    return Plan(sites, tuple(years), total)


def _iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | ox.Triple) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The IRI, blank node id or lexical form of a term."""
    # The quads come from rdflib's N-Quads, which has no RDF-star: no term is a quoted triple.
    assert not isinstance(term, ox.Triple)
    return term.value


def _token(slug: str) -> re.Pattern[str]:
    return re.compile(rf"(?<=[/-]){re.escape(slug)}(?=[/.-]|$)")


def _local_iri(iri: str, slug: str, placeholder: str) -> str:
    renamed, count = _token(slug).subn("{" + placeholder + "}", iri)
    return renamed if count else iri + "-{" + placeholder + "}"


def _text(quads: list[ox.Quad]) -> str:
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None  # serialize returns None only when given a file to write to
    return data.decode()


def _template(slug: str, base: str, graphs: dict[str, list[ox.Quad]], chapters: dict[str, str]) -> Template:
    site_graph, curated_graph = graphs[f"{base}graph/site/{slug}"], graphs.get(f"{base}graph/curated/{slug}", [])
    # Instants (date/2020) are shared by every graph that names that date: never a district's own.
    shared = f"{base}date/"
    site_local = {
        _value(q.subject) for q in site_graph if q.predicate.value == RDF_TYPE and not _value(q.subject).startswith(shared)
    } | {f"{base}graph/site/{slug}"}
    curated_local = {
        _value(q.subject) for q in curated_graph if q.predicate.value == RDF_TYPE and not _value(q.subject).startswith(shared)
    } - site_local
    name = key = None
    persons: list[str] = []
    person_iris = sorted({_value(q.subject) for q in site_graph if q.object == ox.NamedNode("https://schema.org/Person")})
    for q in site_graph:
        if (
            _value(q.subject) == f"{base}municipality/{slug}"
            and q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
        ):
            if isinstance(q.object, ox.Literal) and q.object.language == "de":
                name = q.object.value
        elif q.predicate.value == f"{KOKO}kreisschluessel":
            key = _value(q.object)
        elif q.predicate.value == SCHEMA_NAME and _value(q.object) not in persons:
            persons.append(_value(q.object))
    if name is None or key is None:
        raise ValueError(f"site {slug}: no municipality name or Kreisschlüssel")

    def fill(text: str, copy: bool) -> str:
        text = text.replace("{", "{{").replace("}", "}}")
        for index, iri in enumerate(person_iris):
            text = text.replace(f"<{iri}>", f"<{base}person/{{site}}-{index + 1}>")
        for iri in sorted((site_local | curated_local) - set(person_iris), key=len, reverse=True):
            placeholder = "copy" if copy and iri in curated_local else "site"
            text = text.replace(f"<{iri}>", f"<{_local_iri(iri, slug, placeholder)}>")
        for index, person in enumerate(persons):
            text = text.replace(person, f"{{p{index}}}")
        # A made-up district has its own key, so its own DCAT-AP.de URI, and no NUTS region.
        text = "".join(line for line in text.splitlines(keepends=True) if NUTS not in line)
        text = text.replace(f"districtKey/{key}>", "districtKey/{key}>")
        return text.replace(f'"{key}"', '"{key}"').replace(name, "{name}")

    # A further year of offers has its own units and events, but the site's posts and their holders
    # are the same: what the curated graph says about them (org:postIn, org:reportsTo, a tenure's
    # start, with their evidence) is said once, by the first copy.
    own = (f"{base}post/{slug}-", f"{base}membership/{slug}-", f"{base}interval/membership/{slug}-")
    evidence = {
        _value(q.subject) for q in curated_graph if q.predicate.value == RDF_TYPE and q.object == ox.NamedNode(f"{KOKO}Evidence")
    }
    about_posts = {
        _value(q.subject)
        for q in curated_graph
        if _value(q.subject) in evidence and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(own)
    }
    further = [
        q
        for q in curated_graph
        if not _value(q.subject).startswith(own)
        and _value(q.subject) not in about_posts
        and not (isinstance(q.object, ox.NamedNode) and q.object.value.startswith(own))
    ]
    return Template(
        slug=slug,
        state_chapter=chapters[f"{base}site/{slug}"],
        site_text=fill(_text(site_graph), copy=False),
        curated_text=fill(_text(curated_graph), copy=True),
        further_text=fill(_text(further), copy=True),
        site_quads=len(site_graph),
        curated_quads=len(curated_graph),
        persons=len(persons),
        state_key=key[:2],
    )


@dataclass(frozen=True)
class District:
    slug: str
    name: str
    key: str
    persons: tuple[str, ...]
    template: Template


def _districts(templates: list[Template], count: int, taken_keys: set[str], rng: random.Random) -> list[District]:
    districts, slugs, keys = [], set(), set(taken_keys)
    for index in range(count):
        template = templates[index % len(templates)]
        while True:
            stem = rng.choice(_PREFIXES) + rng.choice(_STEMS)
            slug = f"{stem.lower().replace('ü', 'ue').replace('ö', 'oe').replace('ß', 'ss')}-{index + 1}"
            if slug not in slugs:
                break
        key = next(f"{template.state_key}{n:03d}" for n in range(1, 1000) if f"{template.state_key}{n:03d}" not in keys)
        slugs.add(slug)
        keys.add(key)
        persons = tuple(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(template.persons))
        districts.append(District(slug, f"{stem} {index + 1}", key, persons, template))
    return districts


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def generate(config: Config, out: BinaryIO, target: int, seed: int = 2020, districts: int = MAX_DISTRICTS) -> Plan:
    """Write the release plus generated districts as N-Quads to ``out``, about ``target`` quads."""
    base = config.base
    dataset = assemble(config).dataset
    quads = list(ox.parse(dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS))
    graphs: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        graphs[q.graph_name.value].append(q)
    programme = f"{base}programme/koko"
    sites = sorted(q.object.value for q in quads if q.subject.value == programme and q.predicate.value == f"{KOKO}site")
    chapters = {q.object.value: q.subject.value for q in quads if q.predicate.value == f"{KOKO}listedSite"}
    slugs = [iri.rsplit("/", 1)[1] for iri in sites if iri.rsplit("/", 1)[1] not in EXCLUDED_TEMPLATES]
    templates = [_template(slug, base, graphs, chapters) for slug in slugs]
    taken = {q.object.value for q in quads if q.predicate.value == f"{KOKO}kreisschluessel"}
    plan = plan_sizes([(t.site_quads, t.curated_quads) for t in templates], len(quads), target, districts)
    generated = _districts(templates, plan.sites, taken, random.Random(seed))

    # What counts the sites says the new number, so that the plausibility shapes still hold: the programme's
    # koko:siteCount and the brochure's figure of funded sites (the figure keeps its IRI, in its own graph).
    site_count, value = f"{KOKO}siteCount", "https://schema.org/value"
    funded = f"{base}vocabulary/measure/funded-sites"
    figures = {q.subject.value for q in quads if q.predicate.value == f"{KOKO}measure" and q.object.value == funded}
    counted = [q for q in quads if q.subject.value in figures and q.predicate.value == value]
    out.write(_text([q for q in quads if q.predicate.value != site_count and q not in counted]).encode())
    graph = f"<{base}graph/programme>"
    total = len(sites) + len(generated)
    integer = f'"{total}"^^<http://www.w3.org/2001/XMLSchema#integer>'
    lines = [f"<{programme}> <{site_count}> {integer} {graph} .\n"]
    lines += [f"<{q.subject.value}> <{value}> {integer} <{q.graph_name.value}> .\n" for q in counted]
    for district in generated:
        site = f"<{base}site/{district.slug}>"
        lines.append(f"<{programme}> <{KOKO}site> {site} {graph} .\n")
        lines.append(f"<{district.template.state_chapter}> <{KOKO}listedSite> {site} {graph} .\n")
    out.write("".join(lines).encode())
    for district, years in zip(generated, plan.years, strict=True):
        values = {"site": district.slug, "name": _escape(district.name), "key": district.key}
        values.update({f"p{index}": _escape(person) for index, person in enumerate(district.persons)})
        out.write(district.template.site_text.format(copy=district.slug, **values).encode())
        for year in range(years):
            copy = district.slug if year == 0 else f"{district.slug}-y{year}"
            text = district.template.curated_text if year == 0 else district.template.further_text
            out.write(text.format(copy=copy, **values).encode())
    return plan


def iter_sizes(spec: str) -> Iterator[int]:
    """``"10k,1M"`` → 10000, 1000000.

    >>> list(iter_sizes("10k,100000,1M"))
    [10000, 100000, 1000000]
    """
    factors = {"k": 1_000, "m": 1_000_000}
    for part in spec.split(","):
        part = part.strip().lower()
        yield int(float(part[:-1]) * factors[part[-1]]) if part[-1] in factors else int(part)


def write(config: Config, path: Path, target: int, seed: int = 2020, districts: int = MAX_DISTRICTS) -> Plan:
    """:func:`generate` into a file."""
    with path.open("wb") as out:
        return generate(config, out, target, seed, districts)
