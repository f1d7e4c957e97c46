"""The synthetic national-scale graph of benchmarks/generate.py keeps the release's shapes.

The generator's core is ``koko.release.synthetic`` (importable, linted and doctested with the package);
``benchmarks/generate.py`` is its command line, loaded here from its file. A small instance — the
release, three generated districts and several years of offers each — must pass ``koko validate``,
be the same bytes for the same seed, and give every canned query rows with its defaults.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from helpers import koko
from koko.config import load_config
from koko.sparql.canned import bindings_for, list_canned
from koko.sparql.execution import Job, execute

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(environ={})
CANNED = list_canned(CONFIG.queries)
SITE_COUNT = "https://w3id.org/koko-kg/ontology#siteCount"
TARGET, DISTRICTS = 22_000, 3


def _script():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "sample.nq"
    assert _script().main(["--size", str(TARGET), "--districts", str(DISTRICTS), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def store(sample: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(sample), format=ox.RdfFormat.N_QUADS)
    return store


def test_the_sample_passes_the_shapes(sample):
    result = koko("validate", str(sample))
    assert result.exit_code == 0, result.output


def test_the_sample_reaches_its_target_with_years_of_offers(sample, store):
    assert TARGET <= len(sample.read_bytes().splitlines()) < TARGET + 1_000
    graphs = {g.value for g in store.named_graphs()}
    assert sum("/graph/site/" in g for g in graphs) == 27 + DISTRICTS  # the release's sites and the new ones
    assert any(g.endswith("-y1") for g in graphs)
    (count,) = store.quads_for_pattern(None, ox.NamedNode(SITE_COUNT), None)
    assert int(count.object.value) == 27 + DISTRICTS


def test_the_same_seed_gives_the_same_bytes(sample, tmp_path):
    again = tmp_path / "again.nq"
    assert _script().main(["--size", str(TARGET), "--districts", str(DISTRICTS), "--out", str(again)]) == 0
    assert again.read_bytes() == sample.read_bytes()


@pytest.mark.parametrize("query", CANNED, ids=[q.name for q in CANNED])
def test_every_canned_query_finds_rows(store, query):
    terms = bindings_for(query, {}, CONFIG.base)
    job = Job(query.text, substitutions=tuple((name, term) for name, term in terms.items()), max_rows=100_000)
    outcome = execute(store, job)
    assert outcome.kind == "solutions", outcome.error
    assert outcome.rows > 0
