"""The two ways the embedded store answers the pages give the same pages: the index of every statement (a
small release) and the two store queries a page (a release past koko.pages.backend.INDEX_LIMIT)."""

from __future__ import annotations

import pytest

from koko.graph.format_table import rdf_format
from koko.pages.backend import INDEX_LIMIT, Indexed, embedded, for_serving, indexed
from koko.pages.linked_data import linked_data_of, resource_page, resource_rdf
from koko.pages.render import make_renderer
from koko.pages.urls import Urls
from koko.sparql.execution import QueryThreads

RESOURCES = [
    "site/dresden",  # a site: answers, figures, quotes
    "person/eva-eisoldt",  # a person: incoming links only from the site's graph
    "graph/site/erfurt",  # a named graph: its content
    "role/bildungskoordination",  # a concept 115 statements point at
]


@pytest.fixture(scope="module")
def pages(published):
    renderer = make_renderer(Urls(published.config.base))
    return {
        name: linked_data_of(published, renderer, backend)
        for name, backend in (("queries", embedded(published)), ("index", indexed(published)))
    }


@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_page_is_the_same_from_the_store_queries_and_from_the_index(published, pages, path: str, lang: str) -> None:
    iri = published.config.base + path
    from_queries = resource_page(pages["queries"], iri, lang)
    assert from_queries == resource_page(pages["index"], iri, lang)
    assert "Traceback" not in from_queries


@pytest.mark.parametrize("path", RESOURCES)
def test_rdf_is_the_same_from_the_store_queries_and_from_the_index(published, pages, path: str) -> None:
    iri = published.config.base + path
    for fmt in ("ttl", "trig"):
        assert resource_rdf(pages["queries"], iri, rdf_format(fmt)) == resource_rdf(pages["index"], iri, rdf_format(fmt))


def test_dresdens_page_from_the_store_shows_its_motto(published, pages) -> None:
    assert "Bildung als Schlüssel zur Integration" in resource_page(
        pages["queries"], published.config.base + "site/dresden", "de"
    )


def test_the_release_is_served_with_an_index_and_a_larger_one_from_the_store(published) -> None:
    threads = QueryThreads(published.store, 1)
    try:
        assert published.triples <= INDEX_LIMIT
        assert isinstance(for_serving(published, threads), Indexed)
        larger = for_serving(published, threads, limit=published.triples - 1)
        assert not isinstance(larger, Indexed)
        assert larger.about([published.config.base + "site/dresden"]).knows(published.config.base + "site/dresden")
    finally:
        threads.close()


def test_asking_whether_a_release_file_exists_reads_no_file(tmp_path, monkeypatch) -> None:
    """Mapping's own ``in`` reads the value: 228 MiB of N-Quads at 1M quads, for a yes."""
    from koko.release.published import ReleaseFiles

    (tmp_path / "koko.nq").write_bytes(b"<urn:a> <urn:b> <urn:c> <urn:g> .\n")
    files = ReleaseFiles(folder=tmp_path)

    def no_read(self, name):
        raise AssertionError(f"{name} was read")

    monkeypatch.setattr(ReleaseFiles, "__getitem__", no_read)
    assert "koko.nq" in files
    assert "koko.ttl" not in files
    assert files.size("koko.nq") == 34
