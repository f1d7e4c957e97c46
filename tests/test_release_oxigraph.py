"""The release survives Oxigraph unchanged: the server serves exactly what the release files say.

Oxigraph keeps the literals of the XSD types it knows as values and writes them back in their
canonical form with the primitive datatype: ``"480"^^xsd:positiveInteger`` comes back as
``"480"^^xsd:integer``, ``"10000.0"^^xsd:decimal`` as ``"10000"^^xsd:decimal``, ``"1"^^xsd:boolean``
as ``"true"``, a language tag ``DE`` as ``de``. The SPARQL endpoint and the resource pages answer
from that store, so the release writes every literal the way Oxigraph would write it back: integers
as xsd:integer (the bounds the derived types carried are ``sh:minInclusive`` in the shapes),
decimals in their canonical form.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal

from koko.graph.model import decimal_literal, integer_literal

DERIVED_INTEGER = re.compile(
    r"(?:XMLSchema#|xsd:)(?:positiveInteger|nonNegativeInteger|negativeInteger|nonPositiveInteger"
    r"|long|int|short|byte|unsignedLong|unsignedInt|unsignedShort|unsignedByte)\b"
)


def stored(literal: Literal) -> ox.Literal:
    """``literal`` after a round trip through an Oxigraph store."""
    store = ox.Store()
    term = ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), term))
    (quad,) = store
    return quad.object


def lines(nquads: bytes) -> set[str]:
    return {line for line in nquads.decode("utf-8").splitlines() if line.strip()}


def test_the_store_gives_back_exactly_the_release_quads(published):
    """What the endpoint and the pages serve (the store, as N-Quads) is the release's N-Quads file, line for line."""
    release = lines(published.files["koko.nq"])
    served = lines(ox.serialize(published.store, format=ox.RdfFormat.N_QUADS))
    only_in_release, only_served = sorted(release - served), sorted(served - release)
    assert (len(only_in_release), len(only_served)) == (0, 0), (only_in_release[:3], only_served[:3])
    assert len(release) == len(published.store)


@pytest.mark.parametrize("name", ["koko.ttl", "koko.trig", "koko.nt", "koko.jsonld", "koko.rdf"])
def test_every_release_file_says_what_the_n_quads_say_term_for_term(published, name):
    """So whichever file a user loads, it holds the statements the endpoint serves. Compared as parsed,
    before any store: rdflib's Turtle writer would abbreviate "10000"^^xsd:decimal to 10000.0, another term."""
    fmt = {"ttl": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdf": "RDF_XML"}[name.rsplit(".", 1)[1]]
    parsed = set(ox.parse(published.files[name], format=getattr(ox.RdfFormat, fmt)))
    release = set(ox.parse(published.files["koko.nq"], format=ox.RdfFormat.N_QUADS))
    if name == "koko.trig":
        assert parsed == release
    else:
        assert {(q.subject, q.predicate, q.object) for q in parsed} == {(q.subject, q.predicate, q.object) for q in release}


def test_the_release_uses_no_datatype_oxigraph_rewrites(published):
    """No derived integer type in any release file (Oxigraph would make it xsd:integer)."""
    for name, data in published.files.items():
        assert DERIVED_INTEGER.findall(data.decode("utf-8")) == [], name


@pytest.mark.parametrize("value", [0, 1, 27, 480, -5])
def test_integer_literals_survive_the_store(value):
    literal = integer_literal(value)
    assert literal.datatype == XSD.integer
    assert stored(literal) == ox.Literal(str(literal), datatype=ox.NamedNode(str(XSD.integer)))


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (10000, "10000"),
        (10000.0, "10000"),
        (12.5, "12.5"),
        (Decimal("12.50"), "12.5"),
        ("0012.500", "12.5"),
        (0.5, "0.5"),
        (0, "0"),
        (-0.0, "0"),
        (-3.25, "-3.25"),
        (1e20, "100000000000000000000"),
        (0.1, "0.1"),
    ],
)
def test_decimal_literals_are_canonical_and_survive_the_store(value, canonical):
    literal = decimal_literal(value)
    assert (str(literal), literal.datatype) == (canonical, XSD.decimal)
    assert stored(literal) == ox.Literal(canonical, datatype=ox.NamedNode(str(XSD.decimal)))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "1e", True])
def test_a_decimal_literal_needs_a_finite_number(value):
    with pytest.raises(ValueError):
        decimal_literal(value)


@pytest.mark.parametrize("value", [True, 1.0, "1"])
def test_an_integer_literal_needs_an_int(value):
    with pytest.raises(ValueError):
        integer_literal(value)
