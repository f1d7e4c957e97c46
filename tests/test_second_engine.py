"""A second SHACL engine: pyrudof (rudof, in Rust) must agree with pyshacl on our shapes.

pyrudof validates the union of the release (as N-Triples) with shapes/koko.shapes.ttl and each
named graph alone with shapes/graphs.shapes.ttl, on the real release and on every invalid
fixture of tests/shapes_fixtures.py. The fixtures' expected results are pyshacl's
(tests/test_shapes.py checks that), so pyrudof must give the same verdict and the same
(focus, component, severity, shape) results.

What pyrudof does not support is listed in UNSUPPORTED with the reason: those shapes are
left out of what pyrudof gets, and the fixtures that exercise them are skipped. Known
differences between the engines on a particular fixture are in DIFFERENT, also with reasons.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH

from koko.checks.validate import load_shapes
from koko.graph.formats import union
from shapes_fixtures import CASES, KOKOSH, REAL_FINDINGS, Case, apply, term

pyrudof = pytest.importorskip("pyrudof", reason="pyrudof is the second engine: pip install -e '.[test]'")

# Shapes pyrudof cannot evaluate as SHACL means, and why.
UNSUPPORTED = {
    "ReachableShape": (
        "pyrudof pre-binds $this by joining it to the outer query (like VALUES), not by substituting it inside "
        "the nested SELECTs as SHACL-SPARQL's pre-binding requires; the path from $this inside the subquery then "
        "starts from every node, and every subject of the release is reported as unreachable"
    ),
}
# Results only pyshacl gives, by shape, and why: left out of the comparison.
DIFFERENT = {
    "SourceText-sha256": (
        "a literal focus node (sh:targetObjectsOf dcterms:source reaching a text): pyshacl evaluates the property "
        "shape on it and reports sh:minCount (a literal has no properties), pyrudof does not evaluate property "
        "shapes on literal focus nodes; both report the node shape's sh:nodeKind sh:IRI"
    ),
    "SourceText-wasDerivedFrom": "as SourceText-sha256",
}


def supported(line: str) -> bool:
    fields = line.split(" | ")
    literal_focus = fields[0].startswith('"')
    return fields[4] not in UNSUPPORTED and not (literal_focus and fields[4] in DIFFERENT)


def key(line: str) -> str:
    """focus | component | severity | shape: what both engines report alike."""
    fields = line.split(" | ")
    return " | ".join([fields[0], fields[2], fields[3], fields[4]])


def without_unsupported(shapes: Graph) -> str:
    """The shapes as Turtle, minus the unsupported shapes and what only they use."""
    kept = Graph()
    for prefix, namespace in shapes.namespaces():
        kept.bind(prefix, namespace)
    dropped = {URIRef(KOKOSH + name) for name in UNSUPPORTED}
    dropped |= {o for s in dropped for o in shapes.objects(s, SH.sparql)}
    for triple in shapes:
        if triple[0] not in dropped:
            kept.add(triple)
    return kept.serialize(format="turtle")


def rudof_results(rudof, data: Graph, shapes_ttl: str, base: str) -> tuple[bool, set[str]]:
    """pyrudof's verdict (no result of severity Violation) and its results.

    pyrudof's own ``conforms`` follows the SHACL spec: false as soon as there is any result,
    even an Info. pyshacl (with allow_warnings, as koko uses it) and koko's Report conform when
    there is no Violation, so that is the verdict compared here."""
    rudof.reset_all()
    rudof.read_data(data.serialize(format="nt"), pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes_ttl, pyrudof.ShaclFormat.Turtle)
    report = rudof.validate_shacl()
    assert report.conforms == (len(report) == 0)
    found = set()
    for entry in report:
        focus = entry.focus_node
        if focus.startswith("_:"):
            focus_text = "_"
        elif focus.startswith('"'):
            focus_text = focus[: focus.rindex('"') + 1]
        else:
            focus_text = term(URIRef(focus), base)
        component = entry.constraint_component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        severity = entry.severity
        shape = entry.source_shape.removeprefix(KOKOSH) if entry.source_shape else "-"
        found.add(" | ".join([focus_text, component, severity, shape]))
    return not any(entry.severity == "Violation" for entry in report), found


@pytest.fixture(scope="module")
def release(knowledge):
    return knowledge.dataset


@pytest.fixture(scope="module")
def rudof_shapes(config) -> tuple[str, str]:
    return without_unsupported(load_shapes(config.shapes)), without_unsupported(load_shapes(config.graph_shapes))


@pytest.fixture(scope="module")
def rudof():
    return pyrudof.Rudof(pyrudof.RudofConfig())


def run_both_passes(rudof, dataset, rudof_shapes, base: str, graphs: bool, unchanged=None) -> tuple[bool, set[str]]:
    """Union pass, and (if ``graphs``) each named graph alone; graphs equal to the same graph of
    ``unchanged`` (the release, whose graphs all conform) are not validated again."""
    conforms, found = rudof_results(rudof, union(dataset), rudof_shapes[0], base)
    if graphs:
        for graph in dataset.graphs():
            if not len(graph) or graph.identifier == dataset.default_graph.identifier:
                continue
            alone = Graph()
            for triple in graph:
                alone.add(triple)
            if unchanged is not None and set(alone) == set(unchanged.graph(graph.identifier)):
                continue
            graph_conforms, graph_found = rudof_results(rudof, alone, rudof_shapes[1], base)
            conforms = conforms and graph_conforms
            found |= graph_found
    return conforms, found


def test_pyrudof_is_installed_and_validates_shacl():
    assert pyrudof.__version__
    assert hasattr(pyrudof.Rudof, "validate_shacl")


def test_the_unsupported_shapes_exist(config):
    shapes = load_shapes(config.shapes) + load_shapes(config.graph_shapes)
    for name in UNSUPPORTED:
        assert (URIRef(KOKOSH + name), RDF.type, SH.NodeShape) in shapes, name


def test_pyrudof_agrees_on_the_release(rudof, release, rudof_shapes, config):
    conforms, found = run_both_passes(rudof, release, rudof_shapes, config.base, graphs=True)
    assert conforms
    assert found == {key(line) for line in REAL_FINDINGS if supported(line)}


def _param(case: Case):
    unsupported = sorted({line.split(" | ")[4] for line in case.expected} & set(UNSUPPORTED))
    if unsupported:
        reason = "; ".join(f"{name}: {UNSUPPORTED[name]}" for name in unsupported)
        return pytest.param(case, marks=pytest.mark.skip(reason=f"exercises {', '.join(unsupported)} — {reason}"))
    return case


@pytest.mark.parametrize("case", [_param(c) for c in CASES], ids=str)
def test_pyrudof_agrees_on_the_fixture(case: Case, rudof, release, rudof_shapes, config):
    data = apply(case, release, config.base)
    conforms, found = run_both_passes(rudof, data, rudof_shapes, config.base, graphs=case.graphs, unchanged=release)
    expected = {key(line) for line in case.expected if supported(line)}
    assert conforms == (not any(" | Violation | " in line for line in case.expected))
    assert found == expected


def test_blank_focus_nodes_render_alike():
    assert term(BNode(), "http://x/") == "_"
