"""Configuration: one frozen dataclass, built from defaults < environment < flags.

Nothing reads the environment or the current directory except :func:`load_config`, so
library functions always get their settings passed in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from koko.errors import KokoError

DEFAULT_BASE = "https://w3id.org/koko-kg/id/"
ONTOLOGY_IRI = "https://w3id.org/koko-kg/ontology"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Config:
    base: str = DEFAULT_BASE
    root: Path = PROJECT_ROOT

    @property
    def source(self) -> Path:
        return self.root / "data" / "source" / "koko-brochure-2020.txt"

    @property
    def questions(self) -> Path:
        return self.root / "data" / "questions.csv"

    @property
    def municipalities(self) -> Path:
        return self.root / "data" / "municipalities.csv"

    @property
    def programme(self) -> Path:
        return self.root / "data" / "programme.yaml"

    @property
    def curated(self) -> Path:
        return self.root / "data" / "curated"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "koko.ttl"

    @property
    def context(self) -> Path:
        return self.root / "ontology" / "koko.context.jsonld"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes" / "koko.shapes.ttl"

    @property
    def graph_shapes(self) -> Path:
        return self.root / "shapes" / "graphs.shapes.ttl"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def dist(self) -> Path:
        return self.root / "dist"


def check_base(base: str, name: str = "--base") -> str:
    """A base IRI must be absolute http(s) and end in '/' so that paths can be appended."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KokoError(f"{name}: {base!r} is not an absolute http(s) IRI")
    if not base.endswith("/"):
        raise KokoError(f"{name}: {base!r} must end with '/'")
    if any(ch in base for ch in ' <>"{}|\\^`'):
        raise KokoError(f"{name}: {base!r} contains characters not allowed in an IRI")
    return base


def load_config(base: str | None = None, environ: dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    config = Config()
    if env.get("KOKO_BASE"):
        config = replace(config, base=check_base(env["KOKO_BASE"], "KOKO_BASE"))
    if base:
        config = replace(config, base=check_base(base))
    return config
