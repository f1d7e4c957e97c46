"""Benchmark: load the release, validate it with SHACL, and compute the OWL 2 RL closure.

The issue's targets: validating the full release takes well under a second more than
loading it; inference on the release takes under 5 s. Prints the median of N runs of
each step (and min/max), measured in this process with time.perf_counter.

    python benchmarks/validation.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from koko.checks.infer import infer, load_ontology
from koko.checks.validate import load_shapes, validate_dataset
from koko.config import load_config
from koko.graph.formats import lookup, parse_rdf
from koko.release.build import build_release


def measure(runs: int, step) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def show(name: str, times: list[float]) -> float:
    median = statistics.median(times)
    print(f"{name:<33} median {median:6.3f} s   (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        build_release(config, out)
        trig = (out / "koko.trig").read_bytes()
    fmt = lookup("trig")
    dataset = parse_rdf(trig, fmt)
    shapes, graph_shapes = load_shapes(*config.data_shapes), load_shapes(config.graph_shapes)  # as koko validate
    ontology = load_ontology(config)
    triples = len({(s, p, o) for s, p, o, _ in dataset.quads()})
    print(f"release: {triples} triples in {sum(1 for g in dataset.graphs() if len(g))} named graphs\n")

    load = show("load koko.trig", measure(args.runs, lambda: parse_rdf(trig, fmt)))
    union_only = show("validate: union pass", measure(args.runs, lambda: validate_dataset(dataset, shapes, None)))
    both = show("validate: union + per-graph pass", measure(args.runs, lambda: validate_dataset(dataset, shapes, graph_shapes)))
    show("load + validate", [load + both])
    reasoning = show("OWL 2 RL closure (rules)", measure(args.runs, lambda: infer(dataset, ontology, engine="rules")))
    show("OWL 2 RL closure (owlrl)", measure(max(3, args.runs // 2), lambda: infer(dataset, ontology, engine="owlrl")))
    print(
        f"\nvalidation costs {both:.3f} s more than loading (target: well under 1 s); "
        f"the per-graph pass {both - union_only:.3f} s of it"
    )
    print(f"inference {reasoning:.3f} s (target: under 5 s)")


if __name__ == "__main__":
    main()
