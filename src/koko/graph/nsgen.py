"""Generate ``koko/graph/namespace.py`` from the KoKo ontology.

The generated module defines ``KOKO``, an :class:`rdflib.namespace.DefinedNamespace`
with one attribute per class and property declared in ``ontology/koko.ttl``.
Because ``_fail`` is set, a misspelt term such as ``KOKO.Sitee`` raises
``AttributeError`` instead of silently minting a new IRI.

Run ``python -m koko.graph.nsgen`` after editing the ontology; ``--check`` exits
with status 1 (and writes nothing) when ``namespace.py`` is out of date.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Identifier

from koko.config import Config

NAMESPACE = "https://w3id.org/koko-kg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/koko-kg/ontology")

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = PACKAGE_DIR / "namespace.py"

_CLASS_TYPES = (OWL.Class,)
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)


def _local_names(graph: Graph, types: Sequence[URIRef]) -> list[str]:
    names: set[str] = set()
    for rdf_type in types:
        for subject in graph.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and str(subject).startswith(NAMESPACE):
                names.add(str(subject)[len(NAMESPACE) :])
    for name in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"koko:{name} is not usable as a Python attribute name")
    return sorted(names)


def _english_label(graph: Graph, name: str) -> str:
    labels = sorted(
        str(label)
        for label in graph.objects(URIRef(NAMESPACE + name), RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    )
    if len(labels) != 1:
        raise ValueError(f"koko:{name} needs exactly one @en rdfs:label, found {labels!r}")
    return " ".join(labels[0].split())


def _objects(graph: Graph, subject: URIRef, predicate: URIRef) -> Iterator[Identifier]:
    # rdflib types objects as Node, which includes formulas; a graph parsed from Turtle holds
    # Identifiers only, and they (unlike Node) are ordered.
    return cast(Iterator[Identifier], graph.objects(subject, predicate))


def _ontology_title(graph: Graph) -> str:
    for title in sorted(_objects(graph, ONTOLOGY_IRI, DCTERMS.title)):
        if isinstance(title, Literal) and title.language == "en":
            return " ".join(str(title).split())
    return "KoKo ontology"


def _version(graph: Graph) -> str:
    for info in sorted(_objects(graph, ONTOLOGY_IRI, OWL.versionInfo)):
        return str(info)
    return "unversioned"


def render_namespace_module(ontology_path: Path) -> str:
    """Return the source of ``koko/graph/namespace.py`` for the ontology at *ontology_path*.

    The output depends only on the ontology's content, never on the time or
    on where the file lives, so it can be compared against the committed file.
    """
    graph = Graph()
    graph.parse(Path(ontology_path), format="turtle")
    classes = _local_names(graph, _CLASS_TYPES)
    properties = _local_names(graph, _PROPERTY_TYPES)
    both = sorted(set(classes) & set(properties))
    if both:
        raise ValueError(f"terms declared as both class and property: {both}")
    if not classes and not properties:
        raise ValueError(f"no koko: terms found in {ontology_path}")

    def attribute(name: str) -> str:
        return f"    {name}: URIRef  # {_english_label(graph, name)}"

    lines = [
        '"""Generated from ontology/koko.ttl by koko.graph.nsgen — do not edit.',
        "",
        "Regenerate with ``python -m koko.graph.nsgen``.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        '__all__ = ["KOKO"]',
        "",
        "",
        "class KOKO(DefinedNamespace):",
        '    """',
        f"    {_ontology_title(graph)}",
        "",
        f"    Version {_version(graph)} of {ONTOLOGY_IRI}",
        '    """',
        "",
        f'    _NS = Namespace("{NAMESPACE}")',
        "    _fail = True",
        "",
        "    # Classes (owl:Class)",
        *(attribute(name) for name in classes),
        "",
        "    # Properties (owl:ObjectProperty, owl:DatatypeProperty)",
        *(attribute(name) for name in properties),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m koko.graph.nsgen",
        description="Generate koko/graph/namespace.py from ontology/koko.ttl.",
    )
    parser.add_argument("--ontology", type=Path, default=None, help="ontology file (Turtle) [default: the package's own]")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="module to write")
    parser.add_argument("--check", action="store_true", help="only check that the output is up to date")
    args = parser.parse_args(argv)

    source = render_namespace_module(args.ontology or Config().ontology)
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != source:
            print(f"{args.output} is out of date; run python -m koko.graph.nsgen", file=sys.stderr)
            return 1
        return 0
    if current != source:
        args.output.write_text(source, encoding="utf-8", newline="\n")
    print(f"wrote {args.output}" if current != source else f"{args.output} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
