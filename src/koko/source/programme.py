"""Programme-level facts curated in data/programme.yaml, checked against the foreword."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

from koko.errors import KokoError
from koko.source.text import normalise_space
from koko.source.yaml_source import read_yaml

_T = TypeVar("_T")


@dataclass(frozen=True)
class Labelled:
    id: str
    de: str
    en: str
    alt_label: str | None


@dataclass(frozen=True)
class Period:
    ordinal: int
    start: int | None
    end: int
    de: str
    en: str


@dataclass(frozen=True)
class ProgrammeFacts:
    programme: Labelled
    funder: str
    supported_by: str
    monitored_by: str
    site_count: int
    question_count: int
    questions_per_site: int
    periods: tuple[Period, ...]
    organisations: tuple[Labelled, ...]


class _Reader:
    """Reads nested YAML mappings, reporting the key path and line of every problem."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, message: str, node: yaml.Node | None = None) -> KokoError:
        line = getattr(node, "start_mark", None)
        return KokoError(message, self.path, line.line + 1 if line else None)


def _node_at(root: yaml.Node | None, *keys: str | int) -> yaml.Node | None:
    node = root
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def load_programme(path: Path, foreword_text: str) -> ProgrammeFacts:
    data, root = read_yaml(path, "the programme YAML file")
    reader = _Reader(path)
    haystack = normalise_space(foreword_text)

    def get(mapping: object, key: str, kind: type[_T] | tuple[type[_T], ...], *where: str | int) -> _T:
        if not isinstance(mapping, dict) or key not in mapping:
            raise reader.fail(f"missing key {'.'.join(map(str, (*where, key)))}", _node_at(root, *where))
        value = mapping[key]
        if not isinstance(value, kind):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise reader.fail(f"{'.'.join(map(str, (*where, key)))} must be {name}", _node_at(root, *where, key))
        return value

    def optional(mapping: object, key: str, kind: type[_T], *where: str | int) -> _T | None:
        """``mapping[key]`` if it is given and not null, checked like get()."""
        if isinstance(mapping, dict) and mapping.get(key) is not None:
            return get(mapping, key, kind, *where)
        return None

    def check_evidence(evidence: object, *where: str | int) -> None:
        quotes = [evidence] if isinstance(evidence, str) else evidence
        # get() let through a text or a list only: the isinstance is for the type checker.
        if not isinstance(quotes, list) or not quotes or not all(isinstance(q, str) for q in quotes):
            raise reader.fail(f"{'.'.join(map(str, where))}.evidence must be a quote or a list of quotes", _node_at(root, *where))
        for index, quote in enumerate(quotes):
            if normalise_space(quote) not in haystack:
                node = _node_at(root, *where, "evidence")
                if isinstance(node, yaml.SequenceNode):
                    node = node.value[index]
                raise reader.fail(f"evidence quote not found in the foreword: {quote!r}", node)

    def labelled(mapping: object, *where: str | int) -> Labelled:
        label = get(mapping, "label", dict, *where)
        de, en = (get(label, lang, str, *where, "label") for lang in ("de", "en"))
        check_evidence(get(mapping, "evidence", (str, list), *where), *where)
        ident = get(mapping, "id", str, *where)
        return Labelled(ident, de, en, optional(mapping, "alt_label", str, *where))

    if not isinstance(data, dict):
        raise reader.fail("expected a mapping with programme, funding_periods, organisations", root)
    prog = get(data, "programme", dict)
    periods = []
    for index, item in enumerate(get(data, "funding_periods", list)):
        where = ("funding_periods", index)
        label = get(item, "label", dict, *where)
        check_evidence(get(item, "evidence", (str, list), *where), *where)
        start = item.get("start")
        if start is not None and not isinstance(start, int):
            raise reader.fail("funding_periods.start must be a year", _node_at(root, *where, "start"))
        periods.append(
            Period(
                get(item, "ordinal", int, *where),
                start,
                get(item, "end", int, *where),
                get(label, "de", str, *where, "label"),
                get(label, "en", str, *where, "label"),
            )
        )
    organisations = tuple(labelled(item, "organisations", index) for index, item in enumerate(get(data, "organisations", list)))
    known = {org.id for org in organisations}
    facts = ProgrammeFacts(
        programme=labelled(prog, "programme"),
        funder=get(prog, "funder", str, "programme"),
        supported_by=get(prog, "supported_by", str, "programme"),
        monitored_by=get(prog, "monitored_by", str, "programme"),
        site_count=get(prog, "site_count", int, "programme"),
        question_count=get(prog, "question_count", int, "programme"),
        questions_per_site=get(prog, "questions_per_site", int, "programme"),
        periods=tuple(periods),
        organisations=organisations,
    )
    for key in ("funder", "supported_by", "monitored_by"):
        if getattr(facts, key) not in known:
            raise reader.fail(
                f"programme.{key} {getattr(facts, key)!r} is not an id under organisations", _node_at(root, "programme", key)
            )
    return facts
