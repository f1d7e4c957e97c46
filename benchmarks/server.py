"""Benchmark: `koko serve` against native `oxigraph serve` and rdflib-endpoint, side by side on one release, with wrk.

Issue 17's targets, measured over HTTP on loopback with 8 connections:

- p50 latency <= 3x native Oxigraph on the lookup ``SELECT ?p ?o WHERE { <BASE/site/dresden> ?p ?o }`` and
  <= 1.5x on the aggregate ``SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p``;
- throughput >= 10x rdflib-endpoint on both;
- with a different query text on every request, so that no cache answers: each query carries
  ``FILTER(?p != <urn:x:N>)``, which never removes a row, with N counting up (benchmarks/wrk/varying.lua;
  distinct across wrk's threads and across runs).

The release is built into a temporary folder (koko.release.build.build_release). Three servers, each in its
own process group on 127.0.0.1 (all stopped at the end, whatever happens):

- ``koko serve --data DIR`` (plus --koko-args), queried at /sparql;
- native ``oxigraph serve --union-default-graph`` in memory (no --location), the release's N-Quads POSTed to
  its /store before the runs, queried at /query;
- ``rdflib-endpoint serve koko.trig`` (an rdflib Dataset with a union default graph), queried at /.
  rdflib-endpoint caches the parsed query by its text, one more reason for a new text on every request.

Before a server is measured on a query it must answer that query (with N = 0) with the rows pyoxigraph gives
on the release's N-Quads with a union default graph: a different row count and the query is not measured on
that server; the same count with other values is printed as a warning. Every request is a GET with
``Accept: application/sparql-results+json``.

Per query: a warm-up run on each server (--warmup seconds), then --repeat rounds in which each server in
turn has a run with ``wrk -t2 -c8 -d8s --latency`` (--connections, --duration) and a run with one connection
(``-t1 -c1``, the unloaded latency). One server is loaded at a time; the others sit idle. The rounds are
interleaved so that a drift of the shared machine's load falls on every server alike. A run lasts long enough
for each connection to finish about 8 requests at the speed of the rows check (at least --duration, at most
--max-duration seconds): rdflib-endpoint needs over a second per aggregate and answers all 8 connections at
once, so an 8-second run would see none finish. After every run the script waits until the server's process
tree is idle, because wrk drops its connections at the end but rdflib-endpoint still computes every query
it accepted. The figures are wrk's own, printed by the Lua ``done`` function as JSON: p50, p90 and p99
latency and requests per second, the median over the rounds; errors are socket errors (connect, read,
write, timeout) and answers with status >= 400 (what wrk counts; the rows check has shown the 200 before).
The verdict uses the 8-connection figures, as the issue did. With every run go the 1-minute load average
before it and the cores busy during it with the server's process tree, with wrk and with everything else
(/proc/stat less the two): on a shared machine the last says how much of a figure is someone else's work.
--wait-quiet S makes each run wait up to S seconds for that other work to fall below a quarter of a core.

Then, for koko only, the cached case: a canned-query page, a resource as Turtle and a release download, each
first fetched once for its ETag, then asked with ``If-None-Match`` for a run (benchmarks/wrk/status.lua,
which counts the answers by status) and without it for another (benchmarks/wrk/plain.lua); the share of 304
answers and the requests per second of both. Without an ETag
the URL is reported as such and skipped. Last, koko's memory: the resident set (VmRSS) and the proportional
set (Pss, /proc/PID/smaps_rollup) of the server and its descendants (the query workers), summed.

Setup (wrk, the oxigraph CLI and rdflib-endpoint are not dependencies of koko-kg)::

    apt-get install wrk                       # /usr/bin/wrk
    .venv/bin/pip install oxigraph            # the native server, beside the interpreter (koko's test deps)
    python3 -m venv /work/benchenv && /work/benchenv/bin/pip install rdflib-endpoint uvicorn

    .venv/bin/python benchmarks/server.py [--duration 8] [--connections 8] [--warmup 2] [--repeat 3]
        [--max-duration 60] [--only koko,oxigraph,rdflib] [--koko-args "--workers 2"]
        [--koko-script FILE] [--rdflib-endpoint PATH] [--json FILE]

rdflib-endpoint is taken from --rdflib-endpoint, else beside the running interpreter, else
/work/benchenv/bin/rdflib-endpoint.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import platform
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from processes import descendants, kib
from programs import program

from koko.config import load_config
from koko.release.build import build_release

JSON_RESULTS = "application/sparql-results+json"
THROUGHPUT_TARGET = 10.0
THREADS = 2  # wrk's threads at 8 connections: the machine's 2 cores, as the issue measured
WRK_TIMEOUT = "30s"  # rdflib-endpoint takes most of a second per aggregate; wrk's default 2 s would cut it at 8 connections
LUA = Path(__file__).resolve().parent / "wrk"
BENCHENV = Path("/work/benchenv/bin/rdflib-endpoint")
MARKER = "NNNN"  # where the counting number goes in a query text
SERVERS = ("koko", "oxigraph", "rdflib")
RUN_REQUESTS = 8  # a run lasts long enough for each connection to complete about this many requests
QUIET = 0.25  # cores of other work below which --wait-quiet starts a run
RUN_BASES = itertools.count(1_000_000_000, 1_000_000_000)  # each run's own numbers: no text is ever asked twice


@dataclass(frozen=True)
class Target:
    """A URL a server must answer with 200 (rows: how many rows, None: not a query); benchmarks/soak.py and
    serve_store.py use it for their ready checks too."""

    name: str
    port: int
    path: str  # path and query string of the GET request
    rows: int | None = None


@dataclass(frozen=True)
class Query:
    name: str
    template: str  # with MARKER where the number goes
    latency_target: float  # koko's p50 at most this many times Oxigraph's

    def text(self, number: int) -> str:
        return self.template.replace(MARKER, str(number))


@dataclass(frozen=True)
class Server:
    name: str
    title: str
    argv: list[str]
    port: int
    endpoint: str  # the path that takes ?query=


def queries(base: str) -> tuple[Query, ...]:
    never = f"FILTER(?p != <urn:x:{MARKER}>)"
    return (
        Query("lookup", f"SELECT ?p ?o WHERE {{ <{base}site/dresden> ?p ?o {never} }}", 3.0),
        Query("aggregate", f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o {never} }} GROUP BY ?p", 1.5),
    )


CACHED = (  # (what, path, Accept)
    ("canned query page", "/-/queries/sites-by-state?format=json&state=Sachsen", "*/*"),
    ("resource as Turtle", "/id/site/dresden", "text/turtle"),
    ("release download", "/-/downloads/koko.ttl", "*/*"),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(connection: http.client.HTTPConnection, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    status, _, body = exchange(connection, path, headers or {"Accept": JSON_RESULTS})
    return status, body


def exchange(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@contextmanager
def process(name: str, argv: list[str], log: Path, ready: Target) -> Iterator[subprocess.Popen[bytes]]:
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


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# --- wrk --------------------------------------------------------------------------------------------------


def busy_ticks() -> int:
    """Clock ticks the machine's cores have been busy (user, nice, system, irq, softirq; not steal)."""
    user, nice, system, _, _, irq, softirq = (int(n) for n in Path("/proc/stat").read_text().split()[1:8])
    return user + nice + system + irq + softirq


def wait_for_quiet(limit: float) -> float:
    """Wait up to ``limit`` seconds until the machine's cores are busy with less than QUIET cores' worth of work
    over one second (the servers are idle between runs, so that work is someone else's); the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = busy_ticks()
        time.sleep(1.0)
        if (busy_ticks() - before) / os.sysconf("SC_CLK_TCK") < QUIET:
            break
    return time.monotonic() - start


def children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(
    url: str, connections: int, duration: int, script: str, script_args: list[str], headers: list[str], pid: int, quiet: float
) -> dict[str, Any]:
    """One wrk run on the server whose process is ``pid``: its figures as the Lua ``done`` prints them, with
    req/s, errors, the load average before the run and the cores busy during it with the server, with wrk and
    with everything else (the other users of the shared machine). First waits up to ``quiet`` seconds for the
    others to be quiet."""
    argv = [shutil.which("wrk") or "/usr/bin/wrk", f"-t{min(THREADS, connections)}", f"-c{connections}"]
    argv += [f"-d{duration}s", "--latency", "--timeout", WRK_TIMEOUT, "-s", str(LUA / script)]
    for header in headers:
        argv += ["-H", header]
    argv += [url, "--", *script_args]
    waited = wait_for_quiet(quiet)
    load = load_average()
    before = (time.monotonic(), busy_ticks(), cpu_ticks(pid), children_seconds())
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    after = (time.monotonic(), busy_ticks(), cpu_ticks(pid), children_seconds())
    wall, tick = after[0] - before[0], os.sysconf("SC_CLK_TCK")
    server_cores, wrk_cores = (after[2] - before[2]) / tick / wall, (after[3] - before[3]) / wall
    other_cores = max(0.0, (after[1] - before[1]) / tick / wall - server_cores - wrk_cores)
    lines = [line for line in done.stdout.splitlines() if line.startswith("wrk-json ")]
    if done.returncode != 0 or len(lines) != 1:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout[-500:]}")
    figures: dict[str, Any] = json.loads(lines[0].removeprefix("wrk-json "))
    if figures["requests"] == 0:  # nothing completed within the run: wrk's percentiles are 0, not a latency
        figures.update(p50_us=None, p90_us=None, p99_us=None)
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout", "status"))
    figures.update(waited_s=waited, load=load, server_cores=server_cores, wrk_cores=wrk_cores, other_cores=other_cores)
    return figures


def varying_run(server: Server, pid: int, query: Query, connections: int, duration: int, quiet: float) -> dict[str, Any]:
    prefix, suffix = query.template.split(MARKER)
    path = f"{server.endpoint}?query={quote(prefix, safe='')}"
    args = [path, quote(suffix, safe=""), str(next(RUN_BASES))]
    url = f"http://127.0.0.1:{server.port}/"
    return wrk(url, connections, duration, "varying.lua", args, [f"Accept: {JSON_RESULTS}"], pid, quiet)


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs; errors and requests summed."""
    if not runs:
        return {}
    summary: dict[str, float | None] = {}
    for key in ("p50_us", "p90_us", "p99_us", "rate", "load", "server_cores", "wrk_cores", "other_cores"):
        values = [run[key] for run in runs if run[key] is not None]
        summary[key] = statistics.median(values) if values else None
    summary.update({key: sum(run[key] for run in runs) for key in ("errors", "requests")})
    if "not_modified" in runs[0]:
        summary["not_modified_share"] = sum(r["not_modified"] for r in runs) / max(1, sum(r["requests"] for r in runs))
    return summary


def ms(microseconds: float | None, width: int = 8) -> str:
    return "-".rjust(width) if microseconds is None else f"{microseconds / 1000:{width}.2f}"


def show(name: str, what: str, run: dict[str, Any]) -> None:
    print(
        f"  {name:<9} {what:<22} p50 {ms(run['p50_us'])} ms  p90 {ms(run['p90_us'])}  p99 {ms(run['p99_us'])}  "
        f"{run['rate']:9.1f} req/s  errors {run['errors']:.0f}  load {run['load']:.2f}  cores: server "
        f"{run['server_cores']:.2f} wrk {run['wrk_cores']:.2f} others {run['other_cores']:.2f}"
        + (f"  (waited {run['waited_s']:.0f} s for quiet)" if run["waited_s"] >= 1.5 else ""),
        flush=True,
    )


# --- answers ----------------------------------------------------------------------------------------------


def reference_rows(nquads: Path, plan: tuple[Query, ...]) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Per query, the rows pyoxigraph gives on the release, as sorted (variable, value) pairs: what every server
    must answer."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    found = {}
    for query in plan:
        solutions = store.query(query.text(0), use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        found[query.name] = sorted(tuple(sorted((n, _value(s[n])) for n in names if s[n] is not None)) for s in solutions)
    return found


def _value(term: Any) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term.value)  # blank node labels differ between servers


def answered_rows(body: bytes) -> list[tuple[tuple[str, str], ...]]:
    bindings = json.loads(body)["results"]["bindings"]
    return sorted(
        tuple(sorted((n, "_:" if term["type"] == "bnode" else term["value"]) for n, term in row.items())) for row in bindings
    )


def check_answer(server: Server, query: Query, expected: list[tuple[tuple[str, str], ...]]) -> tuple[str | None, float]:
    """A warning when the values differ from the reference's (None when they agree), and the seconds a second
    request took (number 1: not used by the runs); raises when the server fails or the row count differs (the
    query is then not measured on this server)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    status, body = request(connection, f"{server.endpoint}?{urlencode({'query': query.text(0)})}")
    start = time.perf_counter()
    request(connection, f"{server.endpoint}?{urlencode({'query': query.text(1)})}")
    seconds = time.perf_counter() - start
    connection.close()
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    rows = answered_rows(body)
    if len(rows) != len(expected):
        raise RuntimeError(f"{len(rows)} rows, expected {len(expected)}")
    if rows != expected:
        return f"{server.name} {query.name}: {len(rows)} rows as expected, but {len(set(rows) ^ set(expected))} differ", seconds
    return None, seconds


# --- servers ----------------------------------------------------------------------------------------------


def load_oxigraph(port: int, nquads: Path) -> None:
    """Put the release into the in-memory server, each quad into its named graph."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("POST", "/store", body=nquads.read_bytes(), headers={"Content-Type": "application/n-quads"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status not in (200, 201, 204):
        raise RuntimeError(f"oxigraph refused the release: HTTP {response.status}: {body[:300]!r}")


def rdflib_endpoint_program(given: Path | None) -> str | None:
    if given is not None:
        return str(given) if given.is_file() else None
    return program("rdflib-endpoint") or (str(BENCHENV) if BENCHENV.is_file() else None)


def servers(args: argparse.Namespace, dist: Path, rdflib_endpoint: str | None) -> list[Server]:
    chosen: list[Server] = []
    for name in SERVERS:
        if name not in args.only:
            continue
        port = free_port()
        if name == "koko":
            entry = [str(args.koko_script)] if args.koko_script else ["-m", "koko"]
            argv = [sys.executable, *entry, "serve", "--data", str(dist), "--port", str(port), *shlex.split(args.koko_args)]
            chosen.append(Server(name, " ".join(["koko serve", *shlex.split(args.koko_args)]), argv, port, "/sparql"))
        elif name == "oxigraph":
            argv = [str(program("oxigraph")), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
            chosen.append(Server(name, "oxigraph serve (in memory)", argv, port, "/query"))
        else:
            argv = [str(rdflib_endpoint), "serve", str(dist / "koko.trig"), "--host", "127.0.0.1", "--port", str(port)]
            chosen.append(Server(name, "rdflib-endpoint", argv, port, "/"))
    return chosen


def versions(rdflib_endpoint: str | None) -> dict[str, str]:
    found = {name: version(name) for name in ("koko-kg", "pyoxigraph", "uvicorn", "starlette")}
    oxigraph = program("oxigraph")
    if oxigraph:
        found["oxigraph"] = subprocess.run([oxigraph, "--version"], capture_output=True, text=True).stdout.split()[-1]
    if rdflib_endpoint:  # its own interpreter, from the script's first line, knows its versions
        interpreter = Path(rdflib_endpoint).read_text(errors="replace").splitlines()[0].removeprefix("#!").strip()
        script = "from importlib.metadata import version as v; print(v('rdflib-endpoint'), v('rdflib'))"
        with suppress(OSError, ValueError):
            answer = subprocess.run([interpreter, "-c", script], capture_output=True, text=True).stdout.split()
            found["rdflib-endpoint"], found["rdflib (rdflib-endpoint's)"] = answer
    return found


# --- koko: cached answers and memory ----------------------------------------------------------------------


def cached_case(server: Server, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    """Per URL: the ETag, then wrk with and without If-None-Match; or why it was skipped."""
    found: dict[str, Any] = {}
    for what, path, accept in CACHED:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        status, headers, _ = exchange(connection, path, {"Accept": accept})
        etag = headers.get("etag")
        entry: dict[str, Any] = {"path": path, "accept": accept, "status": status, "etag": etag}
        found[what] = entry
        if status != 200 or etag is None:
            entry["skipped"] = f"HTTP {status}" if status != 200 else "no ETag sent"
            print(f"  {what:<22} {path}: {entry['skipped']}; skipped", flush=True)
            continue
        again, _, _ = exchange(connection, path, {"Accept": accept, "If-None-Match": etag})
        entry["conditional_status"] = again
        connection.close()
        url = f"http://127.0.0.1:{server.port}{path}"
        conditional, plain = [], []
        for _ in range(args.repeat):
            headers_304 = [f"Accept: {accept}", f"If-None-Match: {etag}"]
            conditional.append(wrk(url, args.connections, args.duration, "status.lua", [], headers_304, pid, args.wait_quiet))
            settle(pid)
            show("koko", f"{what[:13]} 304?", conditional[-1])
            plain.append(wrk(url, args.connections, args.duration, "plain.lua", [], [f"Accept: {accept}"], pid, args.wait_quiet))
            settle(pid)
            show("koko", f"{what[:13]} 200", plain[-1])
        entry.update(conditional=median(conditional), plain=median(plain), runs={"conditional": conditional, "plain": plain})
    return found


def memory(pid: int) -> dict[str, int]:
    """VmRSS and Pss in KiB of the process and its descendants, summed."""
    rss = pss = count = 0
    for each in descendants(pid):
        with suppress(OSError):
            rss += kib(each, "status", "VmRSS")
            pss += kib(each, "smaps_rollup", "Pss")
            count += 1
    return {"processes": count, "rss_kib": rss, "pss_kib": pss}


# --- the run ----------------------------------------------------------------------------------------------


def cpu_ticks(pid: int) -> int:
    """User and system clock ticks of the process and its descendants so far."""
    ticks = 0
    for each in descendants(pid):
        with suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks


def settle(pid: int, limit: float = 120.0) -> None:
    """Wait until the server has finished what the last run left it (wrk drops its connections at the end, but
    rdflib-endpoint computes every query it has accepted): below 5% of a core for a quarter of a second."""
    deadline = time.monotonic() + limit
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        after = cpu_ticks(pid)
        if after - before <= 0.05 * 0.25 * os.sysconf("SC_CLK_TCK"):
            return
        before = after


def stretch(seconds: float, connections: int, args: argparse.Namespace) -> int:
    """A run long enough for every connection to complete RUN_REQUESTS requests at the unloaded speed, at
    least --duration and at most --max-duration seconds: 8 s would not see one aggregate of rdflib-endpoint's
    finish at 8 connections."""
    longest, shortest = int(args.max_duration), int(args.duration)
    return min(longest, max(shortest, math.ceil(RUN_REQUESTS * connections * seconds)))


def measure(
    servers: list[tuple[Server, int]], plan: tuple[Query, ...], expected: dict[str, Any], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Per query: the rows check and a warm-up on each server, then --repeat rounds in which each server in turn
    has its loaded and its one-connection run. Interleaved, so that a drift of the shared machine's load
    falls on every server alike rather than on whichever was measured last."""
    found: dict[str, dict[str, Any]] = {server.name: {} for server, _ in servers}
    for query in plan:
        ready: list[tuple[Server, int, dict[str, Any]]] = []
        for server, pid in servers:
            try:
                warning, seconds = check_answer(server, query, expected[query.name])
                if args.warmup > 0:
                    varying_run(server, pid, query, args.connections, args.warmup, 0.0)
                    settle(pid)
            except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
                print(f"  {server.name:<9} {query.name}: not measured: {exc}", flush=True)
                found[server.name][query.name] = {"error": str(exc)}
                continue
            if warning:
                print(f"  warning: {warning}", flush=True)
            entry: dict[str, Any] = {"warning": warning, "rows": len(expected[query.name]), "check_seconds": seconds}
            entry["durations"] = {"loaded": stretch(seconds, args.connections, args), "single": stretch(seconds, 1, args)}
            entry["runs"] = {"loaded": [], "single": []}
            ready.append((server, pid, entry))
        for _ in range(args.repeat):
            for server, pid, entry in ready:
                for kind, connections in (("loaded", args.connections), ("single", 1)):
                    try:
                        run = varying_run(server, pid, query, connections, entry["durations"][kind], args.wait_quiet)
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        print(f"  {server.name:<9} {query.name} c{connections}: run failed: {exc}", flush=True)
                        entry.setdefault("failed_runs", []).append(str(exc))
                        continue
                    finally:
                        settle(pid)
                    entry["runs"][kind].append(run)
                    show(server.name, f"{query.name} c{connections} ({entry['durations'][kind]} s)", run)
        for server, _, entry in ready:
            entry.update(loaded=median(entry["runs"]["loaded"]), single=median(entry["runs"]["single"]))
            found[server.name][query.name] = entry
    return found


def measure_servers(
    chosen: list[Server], plan: tuple[Query, ...], expected: dict[str, Any], args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    """Start every chosen server (each idle while another is measured), measure, and stop them all."""
    results: dict[str, Any] = {server.name: {"title": server.title} for server in chosen}
    with ExitStack() as stack:
        live: list[tuple[Server, int]] = []
        for server in chosen:
            ready = Target(server.name, server.port, f"{server.endpoint}?{urlencode({'query': 'ASK {}'})}")
            try:
                child = stack.enter_context(process(server.name, server.argv, logs / f"{server.name}.log", ready))
                if server.name == "oxigraph":
                    load_oxigraph(server.port, expected["nquads"])
            except (RuntimeError, OSError) as exc:
                print(f"{server.title}: not measured: {exc}", flush=True)
                results[server.name]["error"] = str(exc)
                continue
            live.append((server, child.pid))
        print(f"\nservers up: {', '.join(server.title for server, _ in live)} (load {load_average():.2f})", flush=True)
        for name, queries_found in measure(live, plan, expected, args).items():
            results[name]["queries"] = queries_found
        for server, pid in live:
            if server.name == "koko":
                print("  cached case (koko only):", flush=True)
                results["koko"]["cached"] = cached_case(server, pid, args)
                results["koko"]["memory"] = memory(pid)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds of each measured wrk run [8]")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections of the loaded runs [8]")
    parser.add_argument("--max-duration", type=int, default=60, help="longest run for a slow server [60]")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of the warm-up run per server and query [2]")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the median is reported [1]")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help=f"before each run, wait up to this many seconds for other work < {QUIET} cores [0]",
    )
    parser.add_argument("--only", default=",".join(SERVERS), help="servers to measure, of koko,oxigraph,rdflib")
    parser.add_argument(
        "--koko-args",
        default="",
        help='extra arguments to koko serve, e.g. "--workers 2" (with a space, or as --koko-args=--workers=2)',
    )
    parser.add_argument("--koko-script", type=Path, help="run this Python script instead of `python -m koko` (a patched server)")
    parser.add_argument("--rdflib-endpoint", type=Path, help=f"the rdflib-endpoint program [beside python, else {BENCHENV}]")
    parser.add_argument("--json", type=Path, help="write all figures to this file")
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := set(args.only) - set(SERVERS):
        parser.error(f"--only: unknown server(s) {', '.join(sorted(unknown))}")
    rdflib_endpoint = rdflib_endpoint_program(args.rdflib_endpoint) if "rdflib" in args.only else None
    missing = [
        *([] if shutil.which("wrk") or Path("/usr/bin/wrk").is_file() else ["wrk (apt-get install wrk)"]),
        *(["oxigraph (.venv/bin/pip install oxigraph)"] if "oxigraph" in args.only and not program("oxigraph") else []),
        *(["rdflib-endpoint (see --help)"] if "rdflib" in args.only and not rdflib_endpoint else []),
    ]
    if missing:
        sys.exit("missing: " + "; ".join(missing))

    config = load_config()
    plan = queries(config.base)
    found_versions = versions(rdflib_endpoint)
    machine: dict[str, Any] = {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    print(f"machine: {machine['cores']} cores ({machine['usable_cores']} usable), load average {' '.join(machine['loadavg'])}")
    print(f"         Python {machine['python']}, {machine['platform']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found_versions.items()))
    print(
        f"method: wrk -t{min(THREADS, args.connections)} -c{args.connections} -d{args.duration}s --latency and -t1 -c1, "
        f"after a {args.warmup} s warm-up; median of {args.repeat} run(s); "
        f"every request a new text: FILTER(?p != <urn:x:N>), N counting up"
    )
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        build_release(config, dist)
        expected: dict[str, Any] = {"nquads": dist / "koko.nq", **reference_rows(dist / "koko.nq", plan)}
        for query in plan:
            print(f"query {query.name}: {query.text(0)}  ({len(expected[query.name])} rows)")
        results = measure_servers(servers(args, dist, rdflib_endpoint), plan, expected, args, Path(tmp))
    verdicts = report(results, plan, args)
    machine["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\nload average after the runs: {' '.join(machine['loadavg_after'])}")
    if args.json:
        settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
        document = {
            "machine": machine,
            "versions": found_versions,
            "settings": settings,
            "servers": results,
            "verdicts": verdicts,
        }
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


# --- the print-out ----------------------------------------------------------------------------------------


def figure(results: dict[str, Any], server: str, query: str, kind: str) -> dict[str, float] | None:
    entry = results.get(server, {}).get("queries", {}).get(query, {}).get(kind)
    return entry or None


def report(results: dict[str, Any], plan: tuple[Query, ...], args: argparse.Namespace) -> list[dict[str, Any]]:
    print(f"\nmedians ({args.connections} connections, with the cores busy with other work | one connection):")
    columns = f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'req/s':>9} {'errors':>6} {'others':>6} | {'p50 ms':>8} {'req/s':>8}"
    print(f"  {'server':<9} {'query':<10} {columns}")
    for name in SERVERS:
        for query in plan:
            loaded, single = figure(results, name, query.name, "loaded"), figure(results, name, query.name, "single")
            if loaded is None or single is None:
                continue
            print(
                f"  {name:<9} {query.name:<10} {ms(loaded['p50_us'])} {ms(loaded['p90_us'])} {ms(loaded['p99_us'])} "
                f"{loaded['rate']:9.1f} {loaded['errors']:6.0f} {loaded['other_cores']:6.2f} | "
                f"{ms(single['p50_us'])} {single['rate']:8.1f}"
            )
    koko = results.get("koko", {})
    if "cached" in koko:
        print("\nkoko, cached case (If-None-Match with the ETag of the first answer | the same GET without it):")
        for what, entry in koko["cached"].items():
            if "skipped" in entry:
                print(f"  {what:<20} {entry['path']}: {entry['skipped']}; skipped")
                continue
            conditional, plain = entry["conditional"], entry["plain"]
            print(
                f"  {what:<20} {entry['path']}: ETag {entry['etag']}, conditional GET -> {entry['conditional_status']}; "
                f"304 {100 * conditional['not_modified_share']:.1f}%, {conditional['rate']:.1f} req/s, "
                f"p50 {ms(conditional['p50_us'], 0)} ms | {plain['rate']:.1f} req/s, p50 {ms(plain['p50_us'], 0)} ms"
            )
    if "memory" in koko:
        mem = koko["memory"]
        print(
            f"\nkoko's memory after the runs: RSS {mem['rss_kib'] / 1024:.1f} MiB, PSS {mem['pss_kib'] / 1024:.1f} MiB "
            f"({mem['processes']} processes: the server and its descendants)"
        )
    return verdict(results, plan, args.connections)


def verdict(results: dict[str, Any], plan: tuple[Query, ...], connections: int) -> list[dict[str, Any]]:
    print(f"\nverdict ({connections}-connection figures, a new query text on every request):")
    header = ("query", "koko p50", "oxigraph p50", "ratio (target)", "koko req/s", "rdflib req/s", "ratio (target)", "verdict")
    rows: list[tuple[str, ...]] = [header]
    verdicts = []
    for query in plan:
        koko, native, peer = (figure(results, name, query.name, "loaded") for name in SERVERS)
        has_p50 = koko and native and koko["p50_us"] is not None and native["p50_us"] is not None
        latency = koko["p50_us"] / native["p50_us"] if koko and native and has_p50 else None
        speedup = koko["rate"] / peer["rate"] if koko and peer and peer["rate"] > 0 else None
        met = {
            "latency": None if latency is None else latency <= query.latency_target,
            "throughput": None if speedup is None else speedup >= THROUGHPUT_TARGET,
        }
        missed = [k for k, v in met.items() if v is False]
        unknown = [k for k, v in met.items() if v is None]
        word = "missed: " + ", ".join(missed) if missed else ("n/a: " + ", ".join(unknown) if unknown else "met")
        verdicts.append({"query": query.name, "latency_ratio": latency, "throughput_ratio": speedup, **met, "verdict": word})
        rows.append(
            (
                query.name,
                f"{ms(koko['p50_us'], 0)} ms" if koko else "-",
                f"{ms(native['p50_us'], 0)} ms" if native else "-",
                f"{latency:.2f}x (<= {query.latency_target:g}x)" if latency is not None else "-",
                f"{koko['rate']:.1f}" if koko else "-",
                f"{peer['rate']:.1f}" if peer else "-",
                f"{speedup:.1f}x (>= {THROUGHPUT_TARGET:g}x)" if speedup is not None else "-",
                word,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return verdicts


if __name__ == "__main__":
    main()
