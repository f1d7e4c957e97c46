"""Shared fixtures: the real brochure, parsed and built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import no_connection
from koko.config import Config, load_config
from koko.release.build import Knowledge, assemble
from koko.source.catalogue import Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "koko-brochure-2020.txt"
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "koko-brochure-2020.txt"


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(environ={})


@pytest.fixture(scope="session")
def catalogue(config: Config) -> Catalogue:
    return load_catalogue(config.questions)


@pytest.fixture(scope="session")
def knowledge(config: Config) -> Knowledge:
    return assemble(config)


@pytest.fixture(scope="session")
def brochure(knowledge: Knowledge):
    return knowledge.brochure


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def site_named(brochure, name: str):
    matches = [site for site in brochure.sites if site.name == name]
    assert len(matches) == 1, name
    return matches[0]


@pytest.fixture
def listener() -> Iterator[str]:
    """A URL on 127.0.0.1 that nothing may connect to during the test (helpers.no_connection)."""
    with no_connection() as url:
        yield url


@pytest.fixture(scope="session")
def release_store(knowledge: Knowledge):
    """The release built from the brochure in an in-memory pyoxigraph store, as ``koko query`` queries it."""
    from koko.graph.formats import lookup, serialise
    from koko.sparql.embedded import load_nquads

    return load_nquads(serialise(knowledge.dataset, lookup("nq")))


@pytest.fixture(scope="session", autouse=True)
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``koko query`` keeps the graph it builds in a cache folder: the session's own, never the user's."""
    folder = tmp_path_factory.mktemp("koko-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOKO_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def published(config: Config, knowledge: Knowledge):
    """The release as the server publishes it (validated, loaded into Oxigraph)."""
    from koko.release.published import publish_knowledge

    return publish_knowledge(config, knowledge)


@pytest.fixture(scope="session")
def server(published) -> str:
    """``koko serve`` on a free port of 127.0.0.1 for the whole session: its root URL, ending in '/'.

    A short timeout and a small row cap, so that tests can reach both."""
    from koko.web.config import load_server_config
    from koko.web.serve import running

    settings = load_server_config({"port": 0, "timeout": 3, "max_rows": 2000, "workers": 2}, {})
    with running(published, settings) as url:
        yield url


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server for the session (tests/oxigraph_server.py): its root URL, ending in '/'.
    Endpoints: ``query``, ``update``, ``store`` (Graph Store Protocol)."""
    from oxigraph_server import oxigraph

    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url
