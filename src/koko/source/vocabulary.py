"""Read the controlled vocabularies (``data/vocabularies.yaml``): schemes and their concepts.

Every value of a closed list in the curated format (``status``, ``unitLevel``, ``unitKind``,
``productType``, ``level``, ``scope``) must be a concept of its scheme, with a German and an
English label and definition; :func:`check_against` proves it, so that no fact can point at a
concept that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from koko.errors import KokoError
from koko.source.curated import RELATIONS
from koko.source.yaml_source import read_yaml

# The curated relation whose values each scheme lists.
SCHEME_OF = {
    "status": "status",
    "unitLevel": "unit-level",
    "unitKind": "unit-kind",
    "productType": "product-type",
    "level": "programme-level",
    "scope": "scope",
}
LANGS = ("de", "en")


@dataclass(frozen=True)
class Concept:
    id: str
    label: dict[str, str]
    definition: dict[str, str]


@dataclass(frozen=True)
class Scheme:
    id: str
    label: dict[str, str]
    definition: dict[str, str]
    concepts: tuple[Concept, ...]


def _texts(value: object, what: str, path: Path) -> dict[str, str]:
    if (
        not isinstance(value, dict)
        or set(value) != set(LANGS)
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise KokoError(f"{what} must give a German and an English text (de: …, en: …)", path)
    return {lang: value[lang].strip() for lang in LANGS}


def load_vocabularies(path: Path) -> tuple[Scheme, ...]:
    data, _ = read_yaml(path, "the vocabularies file")
    if not isinstance(data, dict):
        raise KokoError("expected a mapping of schemes", path, 1)
    schemes = []
    for scheme_id, body in data.items():
        if not isinstance(body, dict) or set(body) != {"label", "definition", "concepts"}:
            raise KokoError(f"scheme {scheme_id!r} needs exactly label:, definition: and concepts:", path)
        concepts = body["concepts"] or {}
        if not isinstance(concepts, dict):
            raise KokoError(f"scheme {scheme_id!r}: concepts: must be a mapping", path)
        found = []
        for concept_id, concept in concepts.items():
            if not isinstance(concept, dict) or set(concept) != {"label", "definition"}:
                raise KokoError(f"concept {scheme_id}/{concept_id} needs exactly label: and definition:", path)
            found.append(
                Concept(
                    str(concept_id),
                    _texts(concept["label"], f"concept {scheme_id}/{concept_id}: label", path),
                    _texts(concept["definition"], f"concept {scheme_id}/{concept_id}: definition", path),
                )
            )
        schemes.append(
            Scheme(
                str(scheme_id),
                _texts(body["label"], f"scheme {scheme_id}: label", path),
                _texts(body["definition"], f"scheme {scheme_id}: definition", path),
                tuple(found),
            )
        )
    check_against(tuple(schemes), path)
    return tuple(schemes)


def check_against(schemes: tuple[Scheme, ...], path: Path) -> None:
    """Each closed list of the curated format is exactly the concepts of its scheme."""
    by_id = {scheme.id: scheme for scheme in schemes}
    for relation, scheme_id in SCHEME_OF.items():
        values = set((RELATIONS[relation].value or "").split("|"))
        scheme = by_id.get(scheme_id)
        concepts = {c.id for c in scheme.concepts} if scheme else set()
        if values != concepts:
            missing = ", ".join(sorted(values - concepts)) or "none"
            extra = ", ".join(sorted(concepts - values)) or "none"
            raise KokoError(
                f"scheme {scheme_id!r} must list the values of {relation} exactly (missing: {missing}; not a value: {extra})",
                path,
            )
