"""Release files: every format round-trips to the same graph; builds are byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from helpers import koko_process, no_connection
from koko.errors import KokoError
from koko.graph.formats import FORMATS, guess, load_context, lookup, parse_rdf, serialise, union
from koko.release.build import build_release, release_files, write_atomically


@pytest.fixture(scope="module")
def release(tmp_path_factory, config) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    build_release(config, out)
    return out


def test_release_folder_contents(release):
    assert sorted(p.name for p in release.iterdir()) == [
        "context.jsonld",
        "koko.jsonld",
        "koko.nq",
        "koko.nt",
        "koko.rdf",
        "koko.trig",
        "koko.ttl",
    ]


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_every_format_round_trips_to_an_isomorphic_graph(release, knowledge, fmt):
    data = (release / f"koko.{fmt.extension}").read_bytes()
    parsed = parse_rdf(data, fmt)
    triples = Graph()
    for s, p, o, _ in parsed.quads():
        triples.add((s, p, o))
    assert len(triples) == len(union(knowledge.dataset))
    assert isomorphic(triples, union(knowledge.dataset))


@pytest.mark.parametrize("name", ["trig", "nq"])
def test_quad_formats_keep_every_named_graph(release, knowledge, name):
    fmt = lookup(name)
    parsed = parse_rdf((release / f"koko.{fmt.extension}").read_bytes(), fmt)
    expected = {str(g.identifier): g for g in knowledge.dataset.graphs() if len(g)}
    got = {str(g.identifier): g for g in parsed.graphs() if len(g)}
    assert set(got) == set(expected)
    for name_, graph in expected.items():
        assert isomorphic(got[name_], graph), name_


def test_two_builds_give_identical_bytes(tmp_path, config):
    first, second = tmp_path / "a", tmp_path / "b"
    build_release(config, first)
    build_release(config, second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_builds_are_identical_across_hash_seeds(tmp_path, release):
    """Set iteration order changes with PYTHONHASHSEED; the output must not."""
    out = tmp_path / "seeded"
    koko_process("build", "--out", str(out), env={"PYTHONHASHSEED": "12345"}, check=True)
    for path in release.iterdir():
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name


def test_jsonld_is_compact_with_the_context_inline(release, config):
    document = json.loads((release / "koko.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == load_context(config.context)
    assert "http" not in json.dumps(document["@context"]).replace('"http://', "").replace('"https://', "")
    site = next(node for node in document["@graph"] if node["@id"] == "https://w3id.org/koko-kg/id/site/saalekreis")
    assert site["@type"] == "koko:Site"
    assert site["koko:programmeStart"] == {"@type": "xsd:gYearMonth", "@value": "2017-10"}


def test_jsonld_parses_without_network(release):
    """With its context inline the release's JSON-LD parses; with the context at a URL, it is refused unfetched."""
    data = (release / "koko.jsonld").read_bytes()
    parse_rdf(data, lookup("jsonld"))
    with no_connection() as url:
        remote = {**json.loads(data), "@context": url + "context.jsonld"}
        with pytest.raises(KokoError, match="remote context"):
            parse_rdf(json.dumps(remote).encode(), lookup("jsonld"))


def test_turtle_is_readable_with_prefixes(release):
    text = (release / "koko.ttl").read_text(encoding="utf-8")
    assert "@prefix koko: <https://w3id.org/koko-kg/ontology#> ." in text
    assert "site:dessau-rosslau a koko:Site" in text
    assert "brick:" not in text
    assert "ns1:" not in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ttl", "ttl"),
        ("turtle", "ttl"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("xml", "xml"),
        ("rdf", "xml"),
        ("N-Triples", "nt"),
        ("application/trig", "trig"),
    ],
)
def test_format_lookup_by_name_alias_or_media_type(name, expected):
    assert lookup(name).name == expected


def test_unknown_format_names_the_option():
    with pytest.raises(KokoError, match=r"--format: unknown RDF format 'yaml'; choose one of ttl, jsonld"):
        lookup("yaml")


def test_guess_from_file_name():
    assert guess(Path("x/koko.trig")).name == "trig"
    with pytest.raises(KokoError, match="cannot tell the RDF format"):
        guess(Path("koko.txt"))


def test_atomic_write_replaces_the_folder_in_one_step(tmp_path):
    out = tmp_path / "dist"
    write_atomically(out, {"a.ttl": b"one"})
    write_atomically(out, {"b.ttl": b"two"})
    assert sorted(p.name for p in out.iterdir()) == ["b.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_atomic_write_refuses_a_file_in_the_way(tmp_path):
    out = tmp_path / "dist"
    out.write_text("not a folder")
    with pytest.raises(KokoError, match="--out exists and is not a folder"):
        write_atomically(out, {"a.ttl": b"x"})
    assert out.read_text() == "not a folder"


def test_release_files_are_computed_before_anything_is_written(config, knowledge):
    files = release_files(config, knowledge.dataset)
    assert files["koko.ttl"] == serialise(knowledge.dataset, lookup("ttl"), load_context(config.context))


@pytest.mark.parametrize(
    ("fmt", "data", "message"),
    [
        ("jsonld", b'{"@context": "{url}ctx.jsonld", "@id": "http://x/a"}', "remote context"),
        ("jsonld", b'{"@context": [{"@import": "{url}c"}], "@id": "http://x/a"}', "remote context"),
        ("xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r/>', "DOCTYPE or ENTITY"),
    ],
)
def test_unsafe_input_is_refused_before_parsing(fmt, data, message):
    with no_connection() as url, pytest.raises(KokoError, match=message):
        parse_rdf(data.replace(b"{url}", url.encode()), lookup(fmt))
