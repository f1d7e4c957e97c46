"""Benchmark: how loading, querying and memory grow with the size of the graph (issue 6, "Scale").

For each size (quads) the synthetic graph of benchmarks/generate.py (koko.release.synthetic: the release
plus up to 400 generated districts with years of offers) is written to a temporary folder, then:

- embedded, in a fresh subprocess each time: pyoxigraph in-memory ``Store.bulk_load`` of the
  N-Quads file (build time), the process's RSS before and after the load and its peak
  (``resource.getrusage`` maxrss), and the latency of every canned query with its default
  parameters, run as the server's query workers run it (``koko.sparql.execution.execute``, union default
  graph, parameters as substitutions, JSON results written): median of --runs after one warm-up;
- remote: a real Oxigraph server (``oxigraph serve --location DIR --bind 127.0.0.1:PORT``);
  load time of one Graph Store POST of the whole file (``POST /store``, application/n-quads),
  and, on a second fresh server, of ``koko publish --endpoint http://127.0.0.1:PORT/ --data DIR``
  (N-Quads of many graphs per POST /store, then the counts of all graphs in GROUP BY queries)
  when koko.store.publish is there;
  the server's RSS (VmRSS, peak VmHWM) and the size of its folder; the latency of every canned
  query over HTTP (``POST /query?union-default-graph``, the parameters bound by a VALUES block as
  ``koko query --endpoint`` binds them), median of --runs after one warm-up, on one keep-alive
  connection. Row counts are compared with the embedded store's.

A table per size, then the growth factor of every figure from one size to the next. Every server
is stopped by its PID in a finally block. Not a test: nothing here is timed by the suite.

    python benchmarks/scale.py [--sizes 10000,100000,1000000] [--runs 5] [--json FILE] [--no-publish] [--full-up-to 1M]
    python benchmarks/scale.py --queries networks-by-site,site-links [--query-folder OLD/queries/] [--no-publish]
    python benchmarks/scale.py --publish-only [--runs 3] [--publish-args=--per-graph] [--sizes …]

``--publish-only`` measures nothing but ``koko publish`` (with ``--publish-args``), each run on a
fresh server, and reports the median and every run.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
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
from contextlib import contextmanager, suppress
from pathlib import Path

from programs import require

from koko.config import load_config
from koko.release.synthetic import iter_sizes, write
from koko.sparql.canned import bindings_for, list_canned

CONFIG = load_config(environ={})
NQUADS = "application/n-quads"
JSON_RESULTS = "application/sparql-results+json"
HERE = Path(__file__).resolve()
QUERY_FOLDER = CONFIG.queries  # --query-folder: time the queries of another folder (an older version, say)
QUERY_NAMES: list[str] | None = None  # --queries: only these


def canned() -> list:
    """The canned queries to time: those of QUERY_FOLDER, only QUERY_NAMES when given."""
    return [q for q in list_canned(QUERY_FOLDER) if QUERY_NAMES is None or q.name in QUERY_NAMES]


def query_args() -> list[str]:
    """The query selection as options, for the subprocess of the embedded measurement."""
    return ["--query-folder", str(QUERY_FOLDER)] + (["--queries", ",".join(QUERY_NAMES)] if QUERY_NAMES else [])


def _rss_kb(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def _median_ms(run, runs: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- embedded (runs in its own process: python benchmarks/scale.py --embedded FILE) -------------


def embedded(path: Path, runs: int) -> dict:
    import pyoxigraph as ox

    from koko.sparql.execution import Job, execute

    before = _rss_kb()["VmRSS"]
    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    load_s = time.perf_counter() - started
    quads = len(store)
    after = _rss_kb()["VmRSS"]
    queries = {}
    for query in canned() if runs else ():  # runs 0: load and memory only
        terms = bindings_for(query, {}, CONFIG.base)
        job = Job(query.text, substitutions=tuple((n, t) for n, t in terms.items()), max_rows=10**9)
        outcome = execute(store, job)
        if outcome.kind == "error":
            raise SystemExit(f"{query.name}: {outcome.error}")
        queries[query.name] = {"ms": _median_ms(lambda job=job: execute(store, job), runs), "rows": outcome.rows}
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "load_s": load_s,
        "quads": quads,
        "rss_before_kb": before,
        "rss_after_kb": after,
        "maxrss_kb": maxrss,
        "queries": queries,
    }


def run_embedded(path: Path, runs: int) -> dict:
    answer = subprocess.run(
        [sys.executable, str(HERE), "--embedded", str(path), "--runs", str(runs), *query_args()],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout)


# --- remote -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path) -> Iterator[tuple[int, int]]:
    """(pid, port) of a running ``oxigraph serve``; stopped by its PID on the way out."""
    port = _free_port()
    process = subprocess.Popen(
        [require("oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph serve did not start (exit {process.poll()})")
            time.sleep(0.1)
        yield process.pid, port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _request(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> bytes:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
    return data


def _count(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    body = _request(
        conn,
        "POST",
        "/query",
        b"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
    )
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def post_store(port: int, path: Path) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    started = time.perf_counter()
    with path.open("rb") as body:
        headers = {"Content-Type": NQUADS, "Content-Length": str(path.stat().st_size)}
        _request(conn, "POST", "/store", body, headers)
    return time.perf_counter() - started


def koko_publish(port: int, folder: Path, extra: tuple[str, ...] = ()) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["koko", "publish", "--endpoint", f"http://127.0.0.1:{port}/", "--data", str(folder), "--timeout", "600", *extra],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return time.perf_counter() - started


def measure_publish(size: int, work: Path, runs: int, extra: tuple[str, ...]) -> dict:
    """``koko publish`` alone, ``runs`` times, each on a fresh server (a second publish would replace, not load)."""
    folder = work / f"release-{size}"
    folder.mkdir()
    plan = write(CONFIG, folder / "koko.nq", size)
    times, quads = [], []
    for run in range(runs):
        with oxigraph_server(work / f"publish-{size}-{run}") as (_pid, port):
            times.append(koko_publish(port, folder, extra))
            quads.append(_count(port))
        shutil.rmtree(work / f"publish-{size}-{run}")
        print(f"[{size}] koko publish {' '.join(extra)} run {run + 1}: {times[-1]:.1f} s", file=sys.stderr)
    shutil.rmtree(folder)
    return {"target": size, "quads": plan.quads, "args": list(extra), "publish_s": times, "remote_quads": quads}


def remote_queries(port: int, runs: int) -> dict:
    from koko.sparql.binding import bind_values

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS}
    queries = {}
    for query in canned() if runs else ():
        text = bind_values(query.text, bindings_for(query, {}, CONFIG.base), CONFIG.base).encode()
        rows = len(json.loads(_request(conn, "POST", "/query?union-default-graph", text, headers))["results"]["bindings"])
        queries[query.name] = {
            "ms": _median_ms(lambda text=text: _request(conn, "POST", "/query?union-default-graph", text, headers), runs),
            "rows": rows,
        }
    return queries


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def publish_available() -> bool:
    try:
        import koko.store.publish  # noqa: F401
    except ImportError:
        return False
    return subprocess.run(["koko", "publish", "--help"], capture_output=True).returncode == 0


def measure(size: int, work: Path, runs: int, with_publish: bool, full: bool = True) -> dict:
    """Every figure for one size; without ``full`` only the embedded store's load time and memory."""
    folder = work / f"release-{size}"
    folder.mkdir()
    path = folder / "koko.nq"
    started = time.perf_counter()
    plan = write(CONFIG, path, size)
    figures: dict = {
        "target": size,
        "quads": plan.quads,
        "districts": plan.sites,
        "curated_graphs": sum(plan.years),
        "file_bytes": path.stat().st_size,
        "generate_s": time.perf_counter() - started,
    }
    print(f"[{size}] generated {plan.quads} quads in {figures['generate_s']:.1f} s", file=sys.stderr)
    figures["embedded"] = run_embedded(path, runs if full else 0)
    print(f"[{size}] embedded: load {figures['embedded']['load_s']:.1f} s", file=sys.stderr)
    if not full:  # no server: its load transaction's peak memory grows with the graph (1.8 GiB at 1M)
        figures["remote"] = {}
        path.unlink()
        return figures
    with oxigraph_server(work / f"oxigraph-{size}") as (pid, port):
        remote: dict = {"post_s": post_store(port, path)}
        remote["quads"] = _count(port)
        remote["rss_after_load_kb"] = _rss_kb(pid)["VmRSS"]
        print(f"[{size}] oxigraph: POST {remote['post_s']:.1f} s", file=sys.stderr)
        remote["queries"] = remote_queries(port, runs if full else 0)
        rss = _rss_kb(pid)
        remote["rss_after_queries_kb"], remote["peak_rss_kb"] = rss["VmRSS"], rss["VmHWM"]
    remote["disk_bytes"] = _du(work / f"oxigraph-{size}")
    shutil.rmtree(work / f"oxigraph-{size}")
    if with_publish:
        with oxigraph_server(work / f"publish-{size}") as (pid, port):
            remote["publish_s"] = koko_publish(port, folder)
            remote["publish_quads"] = _count(port)
            remote["publish_peak_rss_kb"] = _rss_kb(pid)["VmHWM"]
        shutil.rmtree(work / f"publish-{size}")
        print(f"[{size}] koko publish {remote['publish_s']:.1f} s", file=sys.stderr)
    figures["remote"] = remote
    path.unlink()
    return figures


# --- report -------------------------------------------------------------------------------------


def _mib(kb: float) -> str:
    return f"{kb / 1024:.0f} MiB"


def table(figures: dict) -> str:
    e, r = figures["embedded"], figures["remote"]
    server = (
        f"oxigraph server: POST /store {r['post_s']:.2f} s"
        + (f", koko publish {r['publish_s']:.2f} s" if "publish_s" in r else "")
        + f"; RSS {_mib(r['rss_after_load_kb'])} after the load, {_mib(r['rss_after_queries_kb'])} after the queries, "
        f"peak {_mib(r['peak_rss_kb'])}; on disk {r['disk_bytes'] / 2**20:.0f} MiB"
        if r
        else "oxigraph server: not measured at this size"
    )
    lines = [
        f"## {figures['quads']:,} quads ({figures['districts']} generated districts, {figures['curated_graphs']} curated graphs, "
        f"{figures['file_bytes'] / 2**20:.0f} MiB of N-Quads, generated in {figures['generate_s']:.1f} s)",
        "",
        f"embedded bulk_load: {e['load_s']:.2f} s; RSS {_mib(e['rss_before_kb'])} before, {_mib(e['rss_after_kb'])} after "
        f"the load, peak {_mib(e['maxrss_kb'])}",
        server,
        "",
        "| query | rows | embedded ms | remote ms |",
        "|---|---:|---:|---:|",
    ]
    for name, q in e["queries"].items():
        remote = r["queries"][name]
        mark = "" if remote["rows"] == q["rows"] else f" (remote {remote['rows']} rows)"
        lines.append(f"| {name} | {q['rows']}{mark} | {q['ms']:.2f} | {remote['ms']:.2f} |")
    return "\n".join(lines)


def _figures(f: dict) -> dict[str, float]:
    e, r = f["embedded"], f["remote"]
    out = {
        "quads": f["quads"],
        "embedded load s": e["load_s"],
        "embedded RSS growth MiB": (e["rss_after_kb"] - e["rss_before_kb"]) / 1024,
    }
    if r:
        out["POST /store s"] = r["post_s"]
        out["server RSS MiB"] = r["rss_after_queries_kb"] / 1024
        out["server disk MiB"] = r["disk_bytes"] / 2**20
    if e["queries"]:
        out["embedded query ms (sum)"] = sum(q["ms"] for q in e["queries"].values())
        out["embedded query ms (max)"] = max(q["ms"] for q in e["queries"].values())
        out["remote query ms (sum)"] = sum(q["ms"] for q in r["queries"].values())
        out["remote query ms (max)"] = max(q["ms"] for q in r["queries"].values())
    if "publish_s" in r:
        out["koko publish s"] = r["publish_s"]
    return out


def growth(results: list[dict]) -> str:
    rows = [_figures(f) for f in results]
    header = (
        "| figure | "
        + " | ".join(f"{int(r['quads']):,}" for r in rows)
        + " | "
        + " | ".join(f"×{i + 1}→{i + 2}" for i in range(len(rows) - 1))
    )
    lines = [header + " |", "|---" * (1 + 2 * len(rows) - 1) + "|"]
    for key in dict.fromkeys(k for r in rows for k in r):
        if key == "quads":
            continue
        values = [r.get(key) for r in rows]
        factors = [f"{b / a:.1f}" if a and b is not None else "–" for a, b in itertools.pairwise(values)]
        cells = " | ".join("–" if v is None else f"{v:.1f}" for v in values)
        lines.append(f"| {key} | {cells} | " + " | ".join(factors) + " |")
    return "\n".join(lines)


def machine() -> str:
    import pyoxigraph

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line), "?"
    )
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    server = subprocess.run([require("oxigraph"), "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM; "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, {server}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="target sizes in quads, comma-separated (10k, 1M …)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (after one warm-up)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--no-publish", action="store_true", help="skip the koko publish measurement")
    parser.add_argument(
        "--full-up-to",
        default="1M",
        help="sizes above this: the embedded store's load time and memory only (no server, no queries)",
    )
    parser.add_argument("--publish-only", action="store_true", help="measure koko publish only, --runs times per size")
    parser.add_argument("--publish-args", default="", help="more options for koko publish, e.g. --publish-args=--per-graph")
    parser.add_argument("--queries", help="time only these canned queries, comma-separated (default: all)")
    parser.add_argument("--query-folder", type=Path, help="time the .rq files of this folder instead of queries/")
    parser.add_argument("--embedded", type=Path, help=argparse.SUPPRESS)  # the subprocess of the embedded measurement
    args = parser.parse_args()
    global QUERY_FOLDER, QUERY_NAMES
    QUERY_FOLDER = args.query_folder or QUERY_FOLDER
    QUERY_NAMES = args.queries.split(",") if args.queries else None
    if args.embedded:
        print(json.dumps(embedded(args.embedded, args.runs)))
        return 0
    if args.publish_only:
        return publish_only(args)
    with_publish = not args.no_publish and publish_available()
    if not with_publish:
        print("koko publish not measured (not available or --no-publish): POST /store only", file=sys.stderr)
    (full_up_to,) = iter_sizes(args.full_up_to)
    results = []
    with tempfile.TemporaryDirectory(prefix="koko-scale-") as work:
        for size in iter_sizes(args.sizes):
            results.append(measure(size, Path(work), args.runs, with_publish, full=size <= full_up_to))
            print(table(results[-1]) + "\n", flush=True)
            if args.json:
                args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    print(machine() + "\n")
    print(growth(results))
    return 0


def publish_only(args: argparse.Namespace) -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="koko-scale-") as work:
        for size in iter_sizes(args.sizes):
            results.append(measure_publish(size, Path(work), max(args.runs, 1), tuple(shlex.split(args.publish_args))))
            if args.json:
                args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    print(machine() + "\n")
    print("| quads | koko publish " + args.publish_args + " (median) | runs |\n|---:|---:|---|")
    for r in results:
        runs = ", ".join(f"{t:.2f}" for t in r["publish_s"])
        print(f"| {r['quads']:,} | {statistics.median(r['publish_s']):.2f} s | {runs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
