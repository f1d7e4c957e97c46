"""The dataset description against the DCAT-AP 3.0.1 SHACL shapes (issue 18, item 4).

The shapes are read from ``../shared/conformance/dcat-ap-3.0.1/`` beside the checkout (their provenance is
in ``../shared/conformance/README.md``); nothing is fetched: the description types the EU vocabulary terms it
uses itself, so the shapes need no vocabulary loaded beside it.
"""

from __future__ import annotations

import re

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef

import koko
from conftest import ROOT
from helpers import call, fetch
from koko.graph.formats import lookup
from koko.pages.dataset_description import ISSUED, MODIFIED, dataset_iri, describe_dataset, serialise_description

SHAPES = ROOT.parent / "shared" / "conformance" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
EU = "http://publications.europa.eu/resource/authority/"
STATE_KEY = "http://dcat-ap.de/def/politicalGeocoding/stateKey/"

pytestmark = pytest.mark.skipif(not SHAPES.is_dir(), reason="../shared is not beside this checkout")


def description_graph(published, root_url: str) -> Graph:
    """The description as the server sends it for ``root_url``, read back by rdflib."""
    data = serialise_description(describe_dataset(published, root_url), lookup("ttl"))
    return Graph().parse(data=data, format="turtle")


@pytest.fixture(scope="module")
def description(published) -> Graph:
    return description_graph(published, "https://koko.example/")


@pytest.fixture(scope="module")
def dataset(published) -> URIRef:
    return URIRef(dataset_iri(published.config.base))


@pytest.mark.parametrize("shapes", ["shapes.ttl", "range.ttl", "shapes_recommended.ttl"])
def test_passes_the_dcat_ap_shapes(description, shapes):
    shapes_graph = Graph().parse(SHAPES / shapes, format="turtle")
    conforms, report, _ = validate(description, shacl_graph=shapes_graph, allow_warnings=True)
    results = {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)), str(report.value(r, SH.resultSeverity)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert results == set()
    assert conforms  # warnings do not break conformance; any violation would


def test_dataset_iri_is_the_same_under_two_public_urls(published, dataset):
    graphs = [description_graph(published, root) for root in ("http://127.0.0.1:8000/", "https://kg.example/koko/")]
    for graph in graphs:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {dataset}
    assert dataset == URIRef("https://w3id.org/koko-kg/id/dataset")
    assert {str(g.value(dataset, DCAT.landingPage)) for g in graphs} == {"http://127.0.0.1:8000/", "https://kg.example/koko/"}


def test_licence_is_the_eu_authority_cc_by_4_0(description, dataset):
    assert set(description.objects(dataset, DCTERMS.license)) == {URIRef(EU + "licence/CC_BY_4_0")}


def test_spatial_coverage_is_the_three_states_by_their_official_keys(description, dataset):
    # Sachsen 14, Sachsen-Anhalt 15, Thüringen 16: the Landesschlüssel of the Federal Statistical Office.
    assert set(description.objects(dataset, DCTERMS.spatial)) == {URIRef(STATE_KEY + k) for k in ("14", "15", "16")}


def test_languages_are_german_and_english(description, dataset):
    expected = {URIRef(EU + "language/DEU"), URIRef(EU + "language/ENG")}
    assert set(description.objects(dataset, DCTERMS.language)) == expected


def test_version_and_dates(description, dataset):
    assert description.value(dataset, DCAT.version) == Literal(koko.__version__)
    assert description.value(dataset, DCTERMS.issued) == Literal(
        "2026-11-25", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")
    )


def test_release_dates_are_those_of_the_changelog():
    """First published with the oldest dated release, last changed with the newest: a release that dates its
    CHANGELOG heading must move MODIFIED with it."""
    dates = re.findall(r"^## \S+ — (\d{4}-\d\d-\d\d)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert (min(dates), max(dates)) == (ISSUED, MODIFIED)


def test_the_dataset_iri_leads_to_its_description_on_the_server(server, published):
    answer = call(server, "GET", "/id/dataset", Accept="text/turtle")
    assert answer.status == 303
    assert answer.headers["location"] == "/"  # the landing page: the description for an RDF client
    described = fetch(server, "/", "text/turtle")
    assert described.media_type == "text/turtle"
    assert f"<{dataset_iri(published.config.base)}>" in described.text


def test_each_state_has_its_box_and_centroid_from_bkg(description):
    """DCAT-AP's recommended dcat:bbox and dcat:centroid, from the vendored VG250 derivation: Erfurt's
    Thüringen lies between 9.88° and 12.65° east, its centroid near 11.02° E 50.90° N."""
    thueringen = URIRef(STATE_KEY + "16")
    (box,) = description.objects(thueringen, DCAT.bbox)
    (centroid,) = description.objects(thueringen, DCAT.centroid)
    assert box.datatype == URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    assert str(box) == "POLYGON((9.87698 50.20482,12.65412 50.20482,12.65412 51.64901,9.87698 51.64901,9.87698 50.20482))"
    assert str(centroid) == "POINT(11.02488 50.90387)"
    assert {str(s) for s in description.subjects(DCAT.bbox, None)} == {STATE_KEY + k for k in ("14", "15", "16")}
