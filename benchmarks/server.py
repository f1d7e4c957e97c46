"""Benchmark: `koko serve` against a native Oxigraph server and rdflib-endpoint on the same release.

The issue's targets, measured over HTTP on loopback with the same query on the same data:

- latency: the median latency of a canned query stays within 2x of a native Oxigraph
  server (`oxigraph serve-read-only`) answering the same query;
- throughput: at 8 concurrent clients koko answers at least 10x the requests per second
  of rdflib-endpoint.

The release is built into a temporary folder; koko serves it with `koko serve --data`,
Oxigraph loads its N-Quads file and answers with the union of the named graphs as the
default graph, rdflib-endpoint parses its TriG file into a Dataset with a union default
graph. The query is queries/sites-by-state.rq with state=Sachsen bound by a VALUES clause
in the query text (the same text for every server), asked with GET and
Accept: application/sparql-results+json; koko is measured both at /sparql with that text
and at its canned-query page /-/queries/sites-by-state?format=json&state=Sachsen, where
the parameter is bound as an RDF term.

Latency: one keep-alive connection (http.client), --warmup requests, then --requests
sequential requests; median and 95th percentile of the wall time from sending the request
to having read the whole body. Throughput: --clients keep-alive connections for
--duration seconds, with wrk if it is installed (apt-get install wrk), otherwise with one
Python process per client; requests per second, and any non-200 answer is counted as an
error.

    python benchmarks/server.py [--requests 500] [--warmup 50] [--clients 8] [--duration 10]

oxigraph and rdflib-endpoint are not dependencies of koko-kg: install them into the
environment that runs this script (pip install oxigraph rdflib-endpoint).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from programs import program, require

from koko.config import load_config
from koko.release.build import build_release

QUERY = "sites-by-state"
PARAMETER = ("state", "Sachsen")
EXPECTED_ROWS = 7  # the brochure's Saxon sites
JSON_RESULTS = "application/sparql-results+json"
LATENCY_TARGET = 2.0
THROUGHPUT_TARGET = 10.0


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    path: str  # path and query string of the GET request
    rows: int | None = EXPECTED_ROWS  # rows the answer must have (None: not a query)


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    throughput: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_text(config) -> str:
    """The canned query without its header, with the parameter bound by VALUES in the text."""
    text = (config.queries / f"{QUERY}.rq").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    name, value = PARAMETER
    bound = body.replace("WHERE {", f'WHERE {{\n  VALUES ?{name} {{ "{value}" }}', 1)
    assert bound != body, "the query has no WHERE {"
    return bound


def missing_tools() -> list[str]:
    return [tool for tool in ("oxigraph", "rdflib-endpoint") if program(tool) is None]


@contextmanager
def process(name: str, argv: list[str], log: Path, ready: Target):
    """Start a server in its own process group, wait until it answers, and stop it on the way
    out. (koko's query workers end with it: its pool kills them on SIGTERM, and a worker
    whose server is gone exits when its socket closes.)"""
    with log.open("wb") as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with {child.returncode}; see {log}:\n{log.read_text()[-2000:]}")
            try:
                status, _ = request(http.client.HTTPConnection("127.0.0.1", ready.port, timeout=30), ready.path)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 120 s; see {log}")
            time.sleep(0.2)
        yield child
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if child.poll() is not None:
                break
            try:
                os.killpg(child.pid, sig)
            except ProcessLookupError:
                break
            try:
                child.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        with suppress(ProcessLookupError, PermissionError):  # anything left in the group
            os.killpg(child.pid, signal.SIGKILL)


def request(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Accept": JSON_RESULTS})
    response = connection.getresponse()
    return response.status, response.read()


def rows(body: bytes) -> int:
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else len(document.get("rows", []))


def latency(target: Target, count: int, warmup: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of ``count`` sequential keep-alive requests."""
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    status, body = request(connection, target.path)
    if status != 200:
        raise RuntimeError(f"{target.name}: HTTP {status}: {body[:300]!r}")
    if target.rows is not None and rows(body) != target.rows:
        raise RuntimeError(f"{target.name}: {rows(body)} rows, expected {target.rows}: {body[:300]!r}")
    for _ in range(warmup):
        request(connection, target.path)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status, _ = request(connection, target.path)
        times.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{target.name}: HTTP {status} during the latency run")
    connection.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def wrk(target: Target, clients: int, duration: float) -> tuple[float, int]:
    threads = min(clients, os.cpu_count() or 1)
    url = f"http://127.0.0.1:{target.port}{target.path}"
    argv = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{duration:g}s", "-H", f"Accept: {JSON_RESULTS}", url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad[1]) if bad else 0) + (sum(int(n) for n in failed.groups()) if failed else 0)
    return rate, errors


def _client(args: tuple[int, str, float]) -> tuple[int, int]:
    port, path, stop_at = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done = errors = 0
    while time.monotonic() < stop_at:
        status, _ = request(connection, path)
        done += 1
        errors += status != 200
    return done, errors


def python_load(target: Target, clients: int, duration: float) -> tuple[float, int]:
    """``clients`` processes, each with one keep-alive connection, for ``duration`` seconds."""
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        start = time.monotonic()
        stop_at = start + 1.0 + duration  # the pool's processes start within the first second
        counts = pool.map(_client, [(target.port, target.path, stop_at)] * clients)
        elapsed = time.monotonic() - start
    done = sum(n for n, _ in counts)
    return done / elapsed, sum(e for _, e in counts)


def measure(target: Target, args) -> Figures:
    median, p95 = latency(target, args.requests, args.warmup)
    load = wrk if args.load == "wrk" else python_load
    rate, errors = load(target, args.clients, args.duration)
    figures = Figures(median, p95, rate, errors)
    print(
        f"{target.name:<34} median {median:7.2f} ms  p95 {p95:7.2f} ms  {rate:8.1f} req/s  errors {errors}",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="sequential requests for the latency figures")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of the throughput run per server")
    parser.add_argument("--workers", type=int, default=None, help="koko serve --workers (default: koko's default)")
    parser.add_argument("--koko-script", type=Path, help="run this Python script instead of `python -m koko` (a patched server)")
    parser.add_argument("--load", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit(f"missing {', '.join(missing)}: pip install oxigraph rdflib-endpoint")

    config = load_config()
    query = query_text(config)
    sparql = "?" + urlencode({"query": query})
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(f"load generator: {args.load}; {args.requests} sequential requests after {args.warmup} warm-up; ", end="")
    print(f"{args.clients} clients for {args.duration:g} s\n")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        dist, logs = Path(tmp) / "dist", Path(tmp)
        build_release(config, dist)
        ports = {name: free_port() for name in ("koko", "oxigraph", "rdflib")}
        canned = f"/-/queries/{QUERY}?" + urlencode({"format": "json", PARAMETER[0]: PARAMETER[1]})
        targets = [
            Target("oxigraph serve-read-only", ports["oxigraph"], "/query" + sparql),
            Target("koko serve /sparql", ports["koko"], "/sparql" + sparql),
            Target(f"koko serve /-/queries/{QUERY}", ports["koko"], canned),
            Target("rdflib-endpoint", ports["rdflib"], "/" + sparql),
        ]
        floor = Target("koko serve /-/static/koko.css", ports["koko"], "/-/static/koko.css", rows=None)
        subprocess.run(
            [require("oxigraph"), "load", "--location", str(dist / "oxigraph"), "--file", str(dist / "koko.nq")],
            check=True,
            capture_output=True,
        )
        entry = [str(args.koko_script)] if args.koko_script else ["-m", "koko"]
        koko = [sys.executable, *entry, "serve", "--data", str(dist), "--port", str(ports["koko"])]
        koko += ["--workers", str(args.workers)] if args.workers else []
        commands = {
            "oxigraph": [
                *(require("oxigraph"), "serve-read-only", "--location", str(dist / "oxigraph")),
                *("--bind", f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"),
            ],
            "koko": koko,
            "rdflib": [
                require("rdflib-endpoint"),
                "serve",
                str(dist / "koko.trig"),
                "--host",
                "127.0.0.1",
                "--port",
                str(ports["rdflib"]),
            ],
        }
        ready = {"oxigraph": targets[0], "koko": floor, "rdflib": targets[3]}
        for name, argv in commands.items():
            servers.enter_context(process(name, argv, logs / f"{name}.log", ready[name]))
        results: dict[str, Figures | None] = {}
        for target in [*targets, floor]:
            try:
                results[target.name] = measure(target, args)
            except (RuntimeError, OSError) as exc:
                print(f"{target.name:<34} not measured: {exc}", flush=True)
                results[target.name] = None
    report(results, targets, args)


def report(results: dict[str, Figures | None], targets: list[Target], args) -> None:
    native, rdflib_endpoint = results[targets[0].name], results[targets[3].name]
    verdicts = []
    print()
    for target in targets[1:3]:
        ours = results[target.name]
        if ours is None or native is None or rdflib_endpoint is None:
            continue
        ratio = ours.median_ms / native.median_ms
        speedup = ours.throughput / rdflib_endpoint.throughput
        verdicts.append(
            {
                "target": target.name,
                "latency_ratio": round(ratio, 2),
                "latency_met": ratio <= LATENCY_TARGET,
                "throughput_ratio": round(speedup, 1),
                "throughput_met": speedup >= THROUGHPUT_TARGET,
            }
        )
        print(
            f"{target.name}: median latency {ratio:.2f}x Oxigraph's (target <= {LATENCY_TARGET:g}x: "
            f"{'met' if ratio <= LATENCY_TARGET else 'MISSED'}); throughput {speedup:.1f}x rdflib-endpoint's "
            f"(target >= {THROUGHPUT_TARGET:g}x: {'met' if speedup >= THROUGHPUT_TARGET else 'MISSED'})"
        )
    if args.json:
        document = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "figures": {name: (vars(f) if f else None) for name, f in results.items()},
            "verdicts": verdicts,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
