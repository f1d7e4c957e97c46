"""Load the curated facts of ``data/curated/`` and prove each one against the brochure.

The format is documented for curators in ``data/curated/README.md``. This module reads it,
checks every entity and fact (ids, types, relations, values) and finds every quote verbatim
in the de-hyphenated text of the part it is attributed to. Any mistake stops the build with
``file:line: message``; nothing is skipped.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from koko.errors import KokoError
from koko.source.records import Brochure
from koko.source.sentences import Sentence, overlapped, split
from koko.source.text import normalise_space, site_slug
from koko.source.yaml_source import UniqueKeyLoader, read_yaml

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DATE = re.compile(
    r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-(spring|summer|autumn|winter|first-half|second-half))?"
)
POST = re.compile(r"post:(?P<site>[a-z0-9-]+)-(?P<position>[1-9][0-9]*)")
KINDS = (
    "programme",
    "network",
    "project",
    "event",
    "product",
    "organisation",
    "unit",
    "role",
    "award",
    "place",
    "measure",
    "law",
)
STATUSES = ("planned", "in-preparation", "ongoing", "completed", "discontinued", "cancelled", "continued")
REASONS = ("opinion", "general", "repeats", "address")
CORE = {
    "programme:koko": "programme",
    "org:bmbf": "organisation",
    "org:transmit": "organisation",
    "org:minor": "organisation",
    "state:sachsen": "state",
    "state:sachsen-anhalt": "state",
    "state:thueringen": "state",
}
SECTIONS = {
    "foreword": "foreword",
    "summary": "summary",
    "sachsen-introduction": "Sachsen",
    "sachsen-anhalt-introduction": "Sachsen-Anhalt",
    "thueringen-introduction": "Thüringen",
}


@dataclass(frozen=True)
class Relation:
    """What a relation of the curated format links: subject kinds, and object kinds or a value type."""

    subjects: frozenset[str]
    objects: frozenset[str] = frozenset()
    value: str | None = None  # int, number, date, text, true, or a closed list "a|b|c"
    extras: frozenset[str] = frozenset()  # the extra keys the relation allows (as, measure, date, period)


def _r(subjects: str, objects: str = "", value: str | None = None, extras: str = "") -> Relation:
    return Relation(frozenset(subjects.split()), frozenset(objects.split()), value, frozenset(extras.split()))


DATED = "network project product unit programme post organisation place"


RELATIONS: dict[str, Relation] = {
    "participatesIn": _r("site", "programme"),
    "presentInState": _r("programme", "state"),
    "memberOf": _r("site", "network", extras="as"),
    "member": _r("network", "organisation unit role network site", extras="as"),
    "founded": _r("site", "network project"),
    "runs": _r("site", "project"),
    "contributedTo": _r("site", "project product event network"),
    "plans": _r("site", "project product event network"),
    "organised": _r("site", "event"),
    "organisedBy": _r("event", "organisation unit network programme role"),
    "produced": _r("site", "product"),
    "adapted": _r("site", "product"),
    "madeBy": _r("product project network", "organisation unit network programme role"),
    "derivedFrom": _r("network project product", "network project product programme"),
    "involves": _r("project event product network", "organisation unit role law network"),
    "partOf": _r("event product project network", "project product network programme event"),
    "audience": _r("product project event", "role organisation unit"),
    "location": _r("event project network organisation unit place", "place site"),
    "partner": _r("site", "organisation unit role network"),
    "postIn": _r("site", "unit"),
    "withinUnit": _r("unit", "unit site"),
    "reportsTo": _r("site unit", "unit role"),
    "colleagueRole": _r("site", "role"),
    "received": _r("site project", "award"),
    "funder": _r("programme project network event product role", "organisation programme"),
    "madePermanent": _r("site", value="true"),
    "staffMovedOn": _r("site", value="text"),
    "status": _r("project product event network programme site", value="|".join(STATUSES)),
    "start": _r(DATED, value="date"),
    "end": _r(DATED, value="date"),
    "date": _r("event award law", value="date"),
    "tenure": _r("post", value="text"),
    "level": _r("programme", value="federal|state|foundation|eu|municipal"),
    "scope": _r("organisation", value="national|state|local"),
    "unitLevel": _r("unit", value="department|office|division|staff-unit|administration|other"),
    "unitKind": _r(
        "unit",
        value="dezernat|geschaeftsbereich|amt|fachbereich|fachdienst|abteilung|sachgebiet|referat|team|stabsstelle"
        "|bildungsbuero|auslaenderbehoerde|landratsamt|stadtverwaltung|other",
    ),
    "productType": _r(
        "product", value="list|overview|info-tool|brochure|newsletter|report|concept|folder|website|agreement|guide|other"
    ),
    "amount": _r("award", value="number"),
    "exhibitors": _r("event", value="int"),
    "visitors": _r("event", value="int"),
    "participants": _r("event", value="int"),
    "registrations": _r("event", value="int"),
    "figure": _r(
        "site state programme network project event product organisation unit place",
        value="number",
        extras="measure date period",
    ),
}


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    de: str
    en: str
    aliases: tuple[str, ...]
    file: Path
    line: int


@dataclass(frozen=True)
class Fact:
    subject: str  # an entity id or a core reference (site:goerlitz, state:sachsen, programme:koko, …)
    relation: str
    object: str | None
    value: builtins.object  # the field above shadows the builtin inside the class body
    approximate: bool
    site: str | None  # the site whose answer (or None: the section) the quote is from
    part: str  # question slug of the answer, or section name
    quote: str
    file: Path
    line: int
    role: str | None = None  # as: the capacity of a member (a role entity)
    measure: str | None = None  # measure: what a figure counts (a measure entity)
    date: str | None = None  # date: of a figure
    period: int | None = None  # period: of a figure, the funding period's ordinal


@dataclass(frozen=True)
class SentenceReason:
    """A sentence that states no fact, and why (data/curated/README.md, "Every sentence is accounted for")."""

    site: str | None
    part: str
    starts: str
    reason: str
    file: Path
    line: int


@dataclass(frozen=True)
class CuratedFile:
    path: Path
    site: str | None
    section: str | None
    facts: tuple[Fact, ...]
    reasons: tuple[SentenceReason, ...] = ()


@dataclass(frozen=True)
class Curation:
    entities: dict[str, Entity]
    files: tuple[CuratedFile, ...]

    @property
    def facts(self) -> tuple[Fact, ...]:
        return tuple(fact for f in self.files for fact in f.facts)


META = frozenset({"__line__", "__lines__"})  # what the loader adds to every mapping

# A mapping as _LineLoader builds it: keys and values exactly as the curator wrote them (checked
# one by one below), plus the loader's __line__ and __lines__.
_YamlMapping = dict[object, object]


def _line(mapping: _YamlMapping) -> int:
    """The line a mapping starts on."""
    # _LineLoader.construct_mapping sets __line__ on every mapping last, over any key of the file.
    return cast(int, mapping["__line__"])


def _key_lines(mapping: _YamlMapping) -> dict[str, int]:
    """The line of each value of a mapping, by its (plain scalar) key."""
    # _LineLoader.construct_mapping sets __lines__ on every mapping last, over any key of the file.
    return cast("dict[str, int]", mapping["__lines__"])


class _Items(list[object]):
    """A YAML sequence that remembers the line of each item, so that an item of the wrong type can be named."""

    lines: tuple[int, ...] = ()


class _LineLoader(UniqueKeyLoader):
    """Records the line of every mapping (``__line__``), of each of its values (``__lines__``) and of
    every list item; like every curator's file, a key given twice in one mapping is refused."""

    # Any as in PyYAML's own signature: the values are whatever the document holds.
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return mapping

    def construct_items(self, node: yaml.SequenceNode) -> Iterator[_Items]:
        items = _Items()
        items.lines = tuple(item.start_mark.line + 1 for item in node.value)
        yield items
        items.extend(self.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_items)


def _read(path: Path) -> _YamlMapping:
    data, _ = read_yaml(path, "a curated YAML file", _LineLoader)
    if not isinstance(data, dict):
        raise KokoError("expected a mapping with entities: and facts:", path, 1)
    return data


def _described(value: object) -> str:
    """A value as a curator would name it in a message (never the loader's bookkeeping)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _items(data: _YamlMapping, key: str, keys: str, path: Path) -> list[tuple[_YamlMapping, int]]:
    """The mappings listed under ``key`` (each with the ``keys`` named) and their lines; anything else is an error."""
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise KokoError(
            f"{key}: must be a list of '- {keys}' items, found {_described(items)}",
            path,
            _key_lines(data).get(key, _line(data)),
        )
    lines = items.lines if isinstance(items, _Items) else ()
    out: list[tuple[_YamlMapping, int]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            line = lines[index] if index < len(lines) else None
            raise KokoError(f"{key}: item {index + 1} must be a mapping '{keys}', found {_described(item)}", path, line)
        # The mapping starts where its item does: its own line is the item's line.
        out.append((item, _line(item)))
    return out


def part_texts(brochure: Brochure) -> dict[tuple[str | None, str], str]:
    """(site slug, question slug) and (None, section name) → the de-hyphenated text, spaces folded."""
    texts: dict[tuple[str | None, str], str] = {
        (None, "foreword"): brochure.foreword.text,
        (None, "summary"): brochure.summary.text,
    }
    for chapter in brochure.chapters:
        section = next(name for name, state in SECTIONS.items() if state == chapter.state)
        texts[(None, section)] = chapter.intro_text
        for site in chapter.sites:
            for answer in site.answers:
                texts[(site_slug(site.name), answer.question.slug)] = answer.text
    return {key: normalise_space(text) for key, text in texts.items()}


def _entities(data: _YamlMapping, path: Path, found: dict[str, Entity]) -> None:
    for item, line in _items(data, "entities", "id: …, type: …, de: …, en: …", path):
        ident, kind = item.get("id"), item.get("type")
        if not isinstance(ident, str) or not ID.fullmatch(ident):
            raise KokoError(f"entity id {ident!r} must be lowercase ASCII words joined by hyphens", path, line)
        if ident in found:
            other = found[ident]
            raise KokoError(f"entity {ident!r} is already declared in {other.file.name}:{other.line}", path, line)
        if not isinstance(kind, str) or kind not in KINDS:
            raise KokoError(f"entity {ident!r}: type {kind!r} must be one of {', '.join(KINDS)}", path, line)
        labels: dict[str, str] = {}
        for lang in ("de", "en"):
            label = item.get(lang)
            if not isinstance(label, str) or not label.strip():
                raise KokoError(f"entity {ident!r} needs a label {lang}:", path, line)
            labels[lang] = label
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise KokoError(f"entity {ident!r}: aliases must be a list of texts", path, line)
        unknown = set(item) - {"id", "type", "de", "en", "aliases", *META}
        if unknown:
            raise KokoError(f"entity {ident!r}: unknown key(s) {', '.join(sorted(map(str, unknown)))}", path, line)
        found[ident] = Entity(ident, kind, labels["de"].strip(), labels["en"].strip(), tuple(aliases), path, line)


def _kind(ref: object, entities: Mapping[str, Entity], sites: set[str], posts: Collection[str] = ()) -> str | None:
    if not isinstance(ref, str):
        return None
    if ref.startswith("site:"):
        return "site" if ref[5:] in sites else None
    if ref.startswith("post:"):
        return "post" if ref in posts else None
    if ref in CORE:
        return CORE[ref]
    return entities[ref].kind if ref in entities else None


def _check_value(relation: str, rule: Relation, value: object, path: Path, line: int) -> None:
    expected = rule.value or ""
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        "number": isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0,
        "date": isinstance(value, str) and DATE.fullmatch(value) is not None,
        "text": isinstance(value, str) and bool(value.strip()),
        "true": value is True,
    }.get(expected, value in expected.split("|"))
    if not ok:
        described = {
            "int": "a whole number",
            "number": "a number",
            "date": 'a quoted date "YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYY-autumn" (a season) or "YYYY-second-half"',
        }
        wanted = described.get(expected, "true" if expected == "true" else "a text" if expected == "text" else expected)
        raise KokoError(f"{relation}: value {_described(value)} must be {wanted}", path, line)


class _Context(NamedTuple):
    """What every fact is checked against."""

    entities: Mapping[str, Entity]
    sites: set[str]
    texts: dict[tuple[str | None, str], str]
    posts: frozenset[str]  # post:<site>-<n> for each coordinator of each site's header


def _fact(item: _YamlMapping, site: str | None, section: str | None, ctx: _Context, path: Path) -> Fact:
    entities, sites, texts, posts = ctx
    line = _line(item)
    relation = item.get("relation")
    if not isinstance(relation, str) or relation not in RELATIONS:
        raise KokoError(f"unknown relation {_described(relation)} (see data/curated/README.md)", path, line)
    rule = RELATIONS[relation]
    unknown = set(item) - {"subject", "relation", "object", "value", "approximate", "from", "quote", *rule.extras, *META}
    if unknown:
        raise KokoError(f"{relation}: unknown key(s) {', '.join(sorted(map(str, unknown)))}", path, line)
    subject = item.get("subject", f"site:{site}" if site else None)
    subject_kind = _kind(subject, entities, sites, posts)
    if not isinstance(subject, str) or subject_kind is None:  # _kind knows only texts
        raise KokoError(f"{relation}: unknown subject {_described(subject)}", path, line)
    if subject_kind not in rule.subjects:
        wanted = " or ".join(sorted(rule.subjects))
        raise KokoError(f"{relation}: the subject must be a {wanted}, not a {subject_kind}", path, line)
    obj = item.get("object")
    if rule.value is None:
        object_kind = _kind(obj, entities, sites, posts)
        if not isinstance(obj, str) or object_kind is None:  # _kind knows only texts
            raise KokoError(f"{relation}: unknown object {_described(obj)}", path, line)
        if object_kind not in rule.objects:
            wanted = " or ".join(sorted(rule.objects))
            raise KokoError(f"{relation}: the object must be a {wanted}, not a {object_kind}", path, line)
        if "value" in item:
            raise KokoError(f"{relation} links to an object:, it takes no value:", path, line)
    else:
        if obj is not None or "value" not in item:
            raise KokoError(f"{relation} takes a value:, not an object:", path, line)
        _check_value(relation, rule, item["value"], path, line)
    approximate = item.get("approximate", False)
    if approximate not in (True, False) or (approximate and rule.value not in ("int", "number", "date")):
        raise KokoError("approximate: true is only for figures and dates", path, line)
    extras = _extras(relation, item, ctx, path, line)
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        raise KokoError(f"{relation}: every fact needs a quote:", path, line)
    part = _part(item, site, section, texts, "facts are quoted", path, line)
    if normalise_space(quote) not in texts[(site, part)]:
        where = f"answer {site}/{part}" if site else f"section {part}"
        raise KokoError(f"quote not found verbatim in {where}: {quote!r}", path, line)
    # The check above lets through what equals True or False (1, 0.0, …); only its truth counts.
    return Fact(
        subject,
        relation,
        obj,
        item.get("value"),
        bool(approximate),
        site,
        part,
        normalise_space(quote),
        path,
        line,
        **extras,
    )


def _part(
    item: _YamlMapping,
    site: str | None,
    section: str | None,
    texts: Mapping[tuple[str | None, str], str],
    what: str,
    path: Path,
    line: int,
) -> str:
    """The part a fact or sentence is from: its ``from:`` answer in a site file, the section itself otherwise."""
    if site:
        part = item.get("from")
        if not isinstance(part, str) or (site, part) not in texts:
            answered = sorted(q for s, q in texts if s == site)
            raise KokoError(f"from: {_described(part)} is not an answer of site {site} ({', '.join(answered)})", path, line)
        return part
    if "from" in item:
        raise KokoError(f"a section's {what} from the section itself: no from:", path, line)
    # A site file's site is a slug, never empty: a file without one is a section file, whose section is checked.
    assert section is not None
    return section


def _extras(relation: str, item: _YamlMapping, ctx: _Context, path: Path, line: int) -> dict[str, Any]:
    """The extra keys of a fact (``as:``, ``measure:``, ``date:``, ``period:``), checked."""
    extras: dict[str, Any] = {}
    if "as" in item:
        role = item["as"]
        if _kind(role, ctx.entities, ctx.sites) != "role":
            raise KokoError(f"{relation}: as: {_described(role)} must be a role entity", path, line)
        extras["role"] = role
    if relation == "figure":
        measure = item.get("measure")
        if _kind(measure, ctx.entities, ctx.sites) != "measure":
            raise KokoError(f"figure: measure: {_described(measure)} must be a measure entity", path, line)
        extras["measure"] = measure
    if "date" in item:
        _check_value(f"{relation}: date", Relation(frozenset(), value="date"), item["date"], path, line)
        extras["date"] = item["date"]
    if "period" in item:
        if item["period"] not in (1, 2) or isinstance(item["period"], bool):
            raise KokoError(f"{relation}: period: {_described(item['period'])} must be 1 or 2 (the funding period)", path, line)
        extras["period"] = item["period"]
    return extras


def evidenced(
    facts: tuple[Fact, ...],
    sentences: Mapping[tuple[str | None, str], tuple[Sentence, ...]],
    texts: Mapping[tuple[str | None, str], str],
) -> dict[tuple[str | None, str, int], Fact]:
    """(site, part, sentence index) → the first fact whose quote overlaps that sentence."""
    found: dict[tuple[str | None, str, int], Fact] = {}
    for fact in facts:
        key = (fact.site, fact.part)
        for index in overlapped(sentences[key], texts[key], fact.quote):
            found.setdefault((fact.site, fact.part, index), fact)
    return found


def _reasons(
    data: _YamlMapping,
    site: str | None,
    section: str | None,
    facts: tuple[Fact, ...],
    sentences: Mapping[tuple[str | None, str], tuple[Sentence, ...]],
    texts: Mapping[tuple[str | None, str], str],
    path: Path,
) -> tuple[SentenceReason, ...]:
    """The file's ``sentences:``: each names one sentence of its part that no fact quotes, and a reason."""
    covered = evidenced(facts, sentences, texts)
    out: list[SentenceReason] = []
    seen: dict[tuple[str, int], int] = {}
    for item, line in _items(data, "sentences", "from: …, starts: …, reason: …", path):
        unknown = set(item) - {"from", "starts", "reason", *META}
        if unknown:
            raise KokoError(f"sentences: unknown key(s) {', '.join(sorted(map(str, unknown)))}", path, line)
        part = _part(item, site, section, texts, "sentences are", path, line)
        reason = item.get("reason")
        if reason not in REASONS:
            raise KokoError(f"sentences: reason {_described(reason)} must be one of {', '.join(REASONS)}", path, line)
        starts = item.get("starts")
        if not isinstance(starts, str) or len(starts.split()) < 2:
            raise KokoError("sentences: starts: must be the sentence's first words (at least two), verbatim", path, line)
        starts = normalise_space(starts)
        matches = [s for s in sentences[(site, part)] if s.text.startswith(starts)]
        if len(matches) != 1:
            problem = "no sentence" if not matches else f"{len(matches)} sentences"
            raise KokoError(f"sentences: {problem} of {site or 'section'}/{part} start(s) with {starts!r}", path, line)
        index = matches[0].index
        if (site, part, index) in covered:
            fact = covered[(site, part, index)]
            raise KokoError(
                f"sentences: the sentence starting {starts!r} is already the evidence of the fact at line {fact.line}",
                path,
                line,
            )
        if (part, index) in seen:
            raise KokoError(
                f"sentences: the sentence starting {starts!r} is already listed at line {seen[(part, index)]}", path, line
            )
        seen[(part, index)] = line
        out.append(SentenceReason(site, part, starts, str(reason), path, line))
    return tuple(out)


def _checked_name(data: _YamlMapping, key: str, known: Collection[str], path: Path, rule: str) -> str:
    """The file's ``site:`` or ``section:``: one of ``known``, and the file's name."""
    value = data.get(key)
    if not isinstance(value, str) or value != path.stem or value not in known:
        raise KokoError(f"{key}: {value!r} {rule}", path, 1)
    return value


def _no_site(data: _YamlMapping, path: Path) -> None:
    """A section file has no ``site:`` (data/curated/README.md): its facts come from the section's own text."""
    if "site" in data:
        raise KokoError(
            "site: a section file has no site; its facts are about the section (data/curated/README.md)",
            path,
            _key_lines(data).get("site", 1),
        )


def load_curation(folder: Path, brochure: Brochure) -> Curation:
    """All curated files of ``folder``, checked against each other and against the brochure."""
    texts = part_texts(brochure)
    sites = {site for site, _ in texts if site}
    posts = frozenset(
        f"post:{site_slug(site.name)}-{position}" for site in brochure.sites for position in range(1, len(site.coordinators) + 1)
    )
    entities: dict[str, Entity] = {}
    shared = folder / "shared.yaml"
    if shared.exists():
        _entities(_read(shared), shared, entities)
    documents: list[tuple[Path, _YamlMapping, str | None, str | None]] = []
    for path in sorted((folder / "sites").glob("*.yaml")) + sorted((folder / "sections").glob("*.yaml")):
        data = _read(path)
        site: str | None
        section: str | None
        if path.parent.name == "sites":
            site = _checked_name(data, "site", sites, path, f"must be the slug of a site and match the file name {path.name}")
            # Never read in a site file: its site, not a section, keys its facts, its graph and its coverage row.
            section = None
        else:
            section = _checked_name(
                data, "section", SECTIONS, path, f"must be one of {', '.join(SECTIONS)} and match the file name"
            )
            _no_site(data, path)
            site = None
        unknown = set(data) - {"site", "section", "entities", "facts", "sentences", *META}
        if unknown:
            raise KokoError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}", path, 1)
        _entities(data, path, entities)
        documents.append((path, data, site, section))
    files = []
    context = _Context(entities, sites, texts, posts)
    sentences = {key: split(text) for key, text in texts.items()}
    for path, data, site, section in documents:
        facts = tuple(
            _fact(item, site, section, context, path) for item, _ in _items(data, "facts", "relation: …, quote: …", path)
        )
        reasons = _reasons(data, site, section, facts, sentences, texts, path)
        files.append(CuratedFile(path, site, section, facts, reasons))
    mentioned = {ref for f in files for fact in f.facts for ref in (fact.subject, fact.object, fact.role, fact.measure)}
    for entity in entities.values():
        if entity.id not in mentioned:  # it would be a node without provenance, reachable from nothing
            raise KokoError(f"entity {entity.id!r} is declared but no fact mentions it", entity.file, entity.line)
    return Curation(entities, tuple(files))
