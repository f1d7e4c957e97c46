"""Benchmark: `koko serve` from its embedded store against `koko serve --store` in front of Oxigraph.

The same release, served twice on loopback:

- embedded: `koko serve --data DIST` (the release in memory in each serving process, queries in its threads);
- store: `oxigraph load` of the release's N-Quads, `oxigraph serve-read-only --union-default-graph`,
  and `koko serve --store http://127.0.0.1:PORT/query --data DIST` in front of it.

For each kind of request (the home page, a site's page and its Turtle, an evidence node's page, a
canned query's CSV, a SPARQL query at /sparql), one keep-alive connection sends --warmup requests,
then --requests sequential ones; the figures are the median and the 95th percentile of the wall
time from sending the request to having read the whole answer. Every answer must be 200, and the
two servers' answers must be byte-identical (checked once per kind, before timing).

    python benchmarks/serve_store.py [--requests 200] [--warmup 20] [--json FILE]
    python benchmarks/generate.py --size 1M --out /tmp/koko-1M.nq
    python benchmarks/serve_store.py --quads /tmp/koko-1M.nq --requests 50   # at national scale

With --quads, both servers serve that N-Quads file (a release folder holding only koko.nq) instead
of the release; the brochure's resources are part of every generated graph, so the same requests
apply. The time each server takes to answer its first request after starting is printed too (the
embedded server loads the data into each serving process; the store's server only asks the
store for its graphs and the dataset description's figures), and the resident memory of each
server with every process under it, once it answers.

oxigraph (the server binary of the Python package) is a test dependency: pip install -e '.[test]'.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from pathlib import Path
from urllib.parse import quote, urlencode

from processes import descendants, kib
from programs import require
from server import Target, free_port, process

from koko.config import load_config
from koko.release.build import build_release

ORDERED = (
    "PREFIX koko: <https://w3id.org/koko-kg/ontology#> "
    "SELECT ?site ?start WHERE { ?site a koko:Site ; koko:programmeStart ?start } ORDER BY ?start ?site"
)
REQUESTS = [  # (name, path, Accept)
    ("home page", "/", "text/html"),
    ("site page /id/site/dresden", "/id/site/dresden", "text/html"),
    ("site Turtle /id/site/dresden.ttl", "/id/site/dresden.ttl", "text/turtle"),
    ("evidence page", "/id/evidence/altmarkkreis-salzwedel/2560ef0601", "text/html"),
    (
        "canned query CSV (sites-by-state)",
        "/-/queries/sites-by-state?" + urlencode({"state": "Sachsen", "format": "csv"}),
        "text/csv",
    ),
    ("/sparql SELECT, JSON", "/sparql?query=" + quote(ORDERED), "application/sparql-results+json"),
]


def get(connection: http.client.HTTPConnection, path: str, accept: str) -> bytes:
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return body


def latency(port: int, path: str, accept: str, count: int, warmup: int) -> tuple[float, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(warmup):
        get(connection, path, accept)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        get(connection, path, accept)
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def rss_mib(pid: int) -> float:
    """The resident memory of a server and every process under it."""
    total = 0
    for each in descendants(pid):
        with suppress(OSError):  # it ended meanwhile
            total += kib(each, "status", "VmRSS")
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--quads", type=Path, help="serve this N-Quads file instead of the release")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    config = load_config()
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}", flush=True)
    print(f"{args.requests} sequential requests after {args.warmup} warm-up, one keep-alive connection each\n")
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        dist = Path(tmp) / "dist"
        if args.quads is None:
            build_release(config, dist)
        else:
            dist.mkdir()
            (dist / "koko.nq").symlink_to(args.quads.resolve())
        started = time.perf_counter()
        subprocess.run(
            [require("oxigraph"), "load", "--location", str(dist / "oxigraph"), "--file", str(dist / "koko.nq")],
            check=True,
            capture_output=True,
        )
        print(f"oxigraph load: {time.perf_counter() - started:.1f} s", flush=True)
        ports = {name: free_port() for name in ("oxigraph", "embedded", "store")}
        store = f"http://127.0.0.1:{ports['oxigraph']}/query"
        commands = {
            "oxigraph": (
                [
                    *(require("oxigraph"), "serve-read-only", "--location", str(dist / "oxigraph")),
                    *("--bind", f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph", "--timeout-s", "10"),
                ],
                Target("oxigraph", ports["oxigraph"], "/query?query=ASK%7B%7D", rows=None),
            ),
            "embedded": (
                [sys.executable, "-m", "koko", "serve", "--data", str(dist), "--port", str(ports["embedded"])],
                Target("embedded", ports["embedded"], "/-/static/koko.css", rows=None),
            ),
            "store": (
                [sys.executable, "-m", "koko", "serve", "--store", store, "--data", str(dist), "--port", str(ports["store"])],
                Target("store", ports["store"], "/-/static/koko.css", rows=None),
            ),
        }
        for name, (argv, ready) in commands.items():
            started = time.perf_counter()
            child = servers.enter_context(process(name, argv, Path(tmp) / f"{name}.log", ready))
            took = time.perf_counter() - started
            print(f"{name}: answering {took:.1f} s after its start; {rss_mib(child.pid):,.0f} MiB RSS", flush=True)
        print()
        print(f"{'request':<36} {'embedded median / p95':>24} {'--store median / p95':>24} {'ratio':>6}")
        for name, path, accept in REQUESTS:
            answers = [
                get(http.client.HTTPConnection("127.0.0.1", ports[k], timeout=60), path, accept) for k in ("embedded", "store")
            ]
            if answers[0] != answers[1]:
                raise SystemExit(f"{name}: the two servers' answers differ")
            embedded = latency(ports["embedded"], path, accept, args.requests, args.warmup)
            remote = latency(ports["store"], path, accept, args.requests, args.warmup)
            results[name] = {"embedded_ms": list(embedded), "store_ms": list(remote)}
            print(
                f"{name:<36} {embedded[0]:10.2f} / {embedded[1]:7.2f} ms {remote[0]:10.2f} / {remote[1]:7.2f} ms"
                f" {remote[0] / embedded[0]:6.1f}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
