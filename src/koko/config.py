"""Configuration read in one place: the defaults, the resource root and the ``KOKO_*`` environment.

:class:`Config` is one frozen dataclass built from defaults < environment < flags. Nothing else in
koko reads ``os.environ`` (:func:`read_environ` hands the ``KOKO_*`` variables to the loaders of the
server's settings and of store credentials) or finds files relative to its own source, so library
functions always get their settings passed in.

The resources — ``ontology/``, ``shapes/``, ``queries/`` and ``data/`` — are package data of
``koko.resources``, found with :mod:`importlib.resources`: in a source checkout (an editable
install) they are the project's own top-level folders, which setuptools maps onto the
``koko.resources.*`` packages (pyproject.toml, ``package-dir``); in a wheel they are copies of them
under ``koko/resources/``. Either way :func:`resource_root` is the folder that holds all four.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from koko.errors import KokoError

DEFAULT_BASE = "https://w3id.org/koko-kg/id/"
ONTOLOGY_IRI = "https://w3id.org/koko-kg/ontology"
#: The environment variables koko reads start with this.
ENV_PREFIX = "KOKO_"
#: The limits of a query, the server's defaults and koko query's alike: seconds before it is stopped, rows.
QUERY_TIMEOUT = 10.0
MAX_ROWS = 10_000
#: What a release may publish (:mod:`koko.graph.profiles`): everything, or the posts without the names of people.
PROFILES = ("full", "minimal")
DEFAULT_PROFILE = "full"
#: The folders of the resource root.
RESOURCE_FOLDERS = ("ontology", "shapes", "queries", "data")


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and ``data/``.

    >>> sorted(p.name for p in resource_root().iterdir() if p.name in ("data", "ontology", "queries", "shapes"))
    ['data', 'ontology', 'queries', 'shapes']
    """
    ontology = importlib.resources.files("koko.resources.ontology")
    if not isinstance(ontology, Path):  # a zipped install: the readers need real files
        raise KokoError(f"koko's resources are not files on disk ({ontology}); install koko unzipped (pip does)")
    return ontology.parent


def read_environ(source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``KOKO_*`` variables of the process environment (or of ``source``): the only read of it.

    >>> read_environ({"KOKO_BASE": "https://example.org/id/", "HOME": "/root"})
    {'KOKO_BASE': 'https://example.org/id/'}
    """
    return {k: v for k, v in (os.environ if source is None else source).items() if k.startswith(ENV_PREFIX)}


def cache_folder(source: Mapping[str, str] | None = None) -> Path | None:
    """Where koko keeps what it can rebuild (:mod:`koko.release.cache`): ``$KOKO_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/koko-kg``, else ``~/.cache/koko-kg``; None when no home folder is known.

    >>> cache_folder({"KOKO_CACHE_DIR": "/tmp/k"}), cache_folder({"XDG_CACHE_HOME": "/c"}), cache_folder({})
    (PosixPath('/tmp/k'), PosixPath('/c/koko-kg'), None)
    """
    env = os.environ if source is None else source
    if env.get("KOKO_CACHE_DIR"):
        return Path(env["KOKO_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "koko-kg"
    return Path(env["HOME"]) / ".cache" / "koko-kg" if env.get("HOME") else None


@dataclass(frozen=True)
class Config:
    base: str = DEFAULT_BASE
    root: Path = field(default_factory=resource_root)

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
    def vocabularies(self) -> Path:
        return self.root / "data" / "vocabularies.yaml"

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
    def plausibility_shapes(self) -> Path:
        """Dates and figures the programme's facts make impossible; merged into the union pass with :attr:`shapes`."""
        return self.root / "shapes" / "plausibility.shapes.ttl"

    @property
    def data_shapes(self) -> tuple[Path, Path]:
        """The shapes files of the union pass, for :func:`koko.checks.validate.load_shapes`."""
        return (self.shapes, self.plausibility_shapes)

    @property
    def graph_shapes(self) -> Path:
        return self.root / "shapes" / "graphs.shapes.ttl"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def imports(self) -> Path:
        """The W3C axioms the ontology's reasoning imports."""
        return self.root / "ontology" / "imports" / "w3c-axioms.ttl"


#: Paths of the server's own answers (koko.pages.urls builds every link from these).
ONTOLOGY_PATH = "/ontology"
SPARQL_PATH = "/sparql"
SYSTEM = "/-/"
#: Hosts whose first path segment is a namespace that redirects to the data's own server.
REDIRECT_HOSTS = frozenset({"w3id.org", "purl.org", "www.w3id.org", "purl.archive.org"})
#: Paths the server answers itself; a base may not put the data's IRIs under one of them.
RESERVED = (SYSTEM, ONTOLOGY_PATH + "/", SPARQL_PATH + "/", "/.well-known/")


def resource_prefix(base: str, name: str = "base IRI") -> str:
    """The server path under which the IRIs of ``base`` resolve: the base's own path, so that an IRI
    resolves where it points; on a redirect service (w3id.org, purl.org) the path after the namespace,
    since the service sends ``https://w3id.org/NAME/REST`` to the data's server as ``/REST``.

    >>> resource_prefix("https://w3id.org/koko-kg/id/"), resource_prefix("http://127.0.0.1:8000/")
    ('/id/', '/')
    >>> resource_prefix("https://example.org/data/kg/")
    '/data/kg/'
    >>> resource_prefix("https://example.org/-/")
    Traceback (most recent call last):
    koko.errors.KokoError: base IRI 'https://example.org/-/': its IRIs would resolve under /-/, where the server answers itself
    """
    parts = urlsplit(base)
    path = parts.path or "/"
    if parts.hostname in REDIRECT_HOSTS:
        path = "/" + path.lstrip("/").partition("/")[2]
    if path.startswith(RESERVED):  # a base always ends in '/' (check_base)
        raise KokoError(f"{name} {base!r}: its IRIs would resolve under {path}, where the server answers itself")
    return path


def check_base(base: str, name: str = "--base") -> str:
    """A base IRI must be absolute http(s) and end in '/' so that paths can be appended."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KokoError(f"{name}: {base!r} is not an absolute http(s) IRI")
    if not base.endswith("/"):
        raise KokoError(f"{name}: {base!r} must end with '/'")
    if any(ch in base for ch in ' <>"{}|\\^`'):
        raise KokoError(f"{name}: {base!r} contains characters not allowed in an IRI")
    resource_prefix(base, f"{name}:")
    return base


def check_resources(folder: str, name: str = "KOKO_RESOURCES") -> Path:
    """A resource root given by the user must hold the four folders koko reads.

    >>> check_resources("/nonexistent")
    Traceback (most recent call last):
    koko.errors.KokoError: KOKO_RESOURCES: /nonexistent has no ontology/, shapes/, queries/, data/ (a copy of \
the project's folders)
    """
    root = Path(folder)
    missing = [f"{sub}/" for sub in RESOURCE_FOLDERS if not (root / sub).is_dir()]
    if missing:
        raise KokoError(f"{name}: {folder} has no {', '.join(missing)} (a copy of the project's folders)")
    return root


def load_config(base: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then ``KOKO_RESOURCES`` (read another copy of the resources, e.g. a curator's working
    copy, with an installed koko) and ``KOKO_BASE``, then the ``--base`` flag."""
    env = read_environ(environ)
    config = Config(root=check_resources(env["KOKO_RESOURCES"])) if env.get("KOKO_RESOURCES") else Config()
    if env.get("KOKO_BASE"):
        config = replace(config, base=check_base(env["KOKO_BASE"], "KOKO_BASE"))
    if base:
        config = replace(config, base=check_base(base))
    return config
