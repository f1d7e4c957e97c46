"""Benchmark: every canned query on the embedded engine at 10k, 100k and 1M quads (issue 17, "Scale").

For each size the synthetic graph of benchmarks/generate.py is written to a temporary folder and, in a
fresh subprocess, bulk-loaded into an in-memory pyoxigraph ``Store`` (load time, RSS after the load).
Every canned query then runs as ``koko query`` and the server run it —
``koko.sparql.jobs.canned_job(query, {}, base, 10**9)`` and ``koko.sparql.execution.execute`` — with its
default parameters: one warm-up, then the median of --runs. Each query runs in a child forked from the
loaded process, so that one past --timeout is killed (by its PID) and reported without stopping the
others; pyoxigraph has no cancel of its own.

The table shows, per size, the load time, the RSS after the load and every query's median in seconds,
with the rows and the first digits of a SHA-256 of the rows (sorted, so that ties of the ORDER BY do
not count): two runs with different ``--query-folder``s (the queries before and after a rewrite) give
the same rows where the digests agree; their order on the release is what the tests check.
Then the queries that miss the target (1 s by default) at any size. Not a test: nothing here is timed
by the suite.

    python benchmarks/canned_scale.py [--sizes 10k,100k,1M] [--runs 3] [--timeout 60] [--json FILE]
    python benchmarks/canned_scale.py --sizes 1M --queries site-links,evidence [--query-folder OLD/queries/]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from koko.config import load_config
from koko.release.synthetic import iter_sizes, write
from koko.sparql.canned import CannedQuery, list_canned

CONFIG = load_config(environ={})
HERE = Path(__file__).resolve()


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _time_query(store: ox.Store, query: CannedQuery, runs: int, answer: Connection) -> None:
    """In the forked child: the warm-up, then ``runs`` timed runs. Two messages go back through ``answer``:
    the warm-up's outcome (so that a query past the timeout is stopped after one run, not after all), then
    the figures."""
    from koko.sparql.execution import execute
    from koko.sparql.jobs import canned_job

    job = canned_job(query, {}, CONFIG.base, 10**9)
    outcome = execute(store, job)
    answer.send({"error": outcome.error} if outcome.kind == "error" else {})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        execute(store, job)
        times.append(time.perf_counter() - started)
    answer.send({"s": statistics.median(times), "runs": times, "rows": outcome.rows, "sha256": digest(outcome.body)})


def digest(body: bytes) -> str:
    """SHA-256 of a JSON result's rows, in sorted order: the synthetic districts repeat names, so rows that
    tie on every ORDER BY key come in the engine's order, which may change from run to run."""
    rows = sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in json.loads(body)["results"]["bindings"])
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def embedded(path: Path, queries: list[CannedQuery], runs: int, timeout: float) -> dict[str, Any]:
    """Load ``path`` and time every query; runs in its own process (``--embedded``)."""
    before = _rss_mib()
    store = ox.Store()
    started = time.perf_counter()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    load_s = time.perf_counter() - started
    figures: dict[str, Any] = {"load_s": load_s, "quads": len(store), "rss_before_mib": before, "rss_mib": _rss_mib()}
    figures["queries"] = {}
    # Forked, the child shares the loaded store copy-on-write: no second load, and a kill stops only it.
    context = multiprocessing.get_context("fork")
    for query in queries:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_time_query, args=(store, query, runs, send))
        child.start()
        send.close()
        figures["queries"][query.name] = {"timeout": timeout}
        if receive.poll(timeout):  # the warm-up
            warm = receive.recv()
            if warm:
                figures["queries"][query.name] = warm
            elif receive.poll(timeout * runs):
                figures["queries"][query.name] = receive.recv()
        child.kill()  # by its PID; a child that has finished is gone already
        child.join()
        print(f"  {query.name}: {_cell(figures['queries'][query.name])}", file=sys.stderr, flush=True)
    return figures


def _cell(q: dict[str, Any]) -> str:
    if "error" in q:
        return "error"
    if "timeout" in q:
        return f"> {q['timeout']:.0f}"
    return f"{q['s']:.2f}"


def measure(size: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    path = work / f"koko-{size}.nq"
    plan = write(CONFIG, path, size)
    print(f"[{size}] {plan.quads} quads written", file=sys.stderr, flush=True)
    command = [sys.executable, str(HERE), "--embedded", str(path), "--runs", str(args.runs), "--timeout", str(args.timeout)]
    command += ["--query-folder", str(args.query_folder)] + (["--queries", args.queries] if args.queries else [])
    answer = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    path.unlink()
    return {"target": size, **json.loads(answer.stdout)}


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line), "?"
    )
    return {
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def table(results: list[dict[str, Any]]) -> str:
    names = list(dict.fromkeys(name for r in results for name in r["queries"]))
    lines = [
        "| | " + " | ".join(f"{r['quads']:,} quads" for r in results) + " |",
        "|---" + "|---:" * len(results) + "|",
        "| load (s) | " + " | ".join(f"{r['load_s']:.2f}" for r in results) + " |",
        "| RSS after load (MiB) | " + " | ".join(f"{r['rss_mib']:.0f}" for r in results) + " |",
        "| load average (1/5/15 min) | " + " | ".join(r["loadavg"] for r in results) + " |",
    ]
    for name in names:
        cells = []
        for r in results:
            q = r["queries"].get(name)
            cells.append("–" if q is None else f"{_cell(q)}" + (f" ({q['rows']} rows, {q['sha256'][:8]})" if "s" in q else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(results: list[dict[str, Any]], target: float) -> list[str]:
    """``name at size: seconds`` for every query slower than ``target``, failed or stopped."""
    out = []
    for r in results:
        for name, q in r["queries"].items():
            if "s" not in q or q["s"] > target:
                out.append(f"{name} at {r['quads']:,} quads: {_cell(q)} s" if "error" not in q else f"{name}: {q['error']}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="target sizes in quads, comma-separated (10000, 10k, 1M …)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query, after one warm-up")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run before a query is stopped")
    parser.add_argument("--target", type=float, default=1.0, help="seconds every query should stay under")
    parser.add_argument("--queries", help="only these canned queries, comma-separated (default: all)")
    parser.add_argument("--query-folder", type=Path, default=CONFIG.queries, help="the .rq files to time (default: queries/)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--embedded", type=Path, help=argparse.SUPPRESS)  # the measuring subprocess
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    names = args.queries.split(",") if args.queries else None
    queries = [q for q in list_canned(args.query_folder) if names is None or q.name in names]
    if args.embedded:
        print(json.dumps(embedded(args.embedded, queries, args.runs, args.timeout)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="koko-canned-scale-") as work:
        for size in iter_sizes(args.sizes):
            before = loadavg()
            figures = measure(size, Path(work), args)
            figures["loadavg"] = f"{before} → {loadavg()}"
            results.append(figures)
            if args.json:
                args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=1) + "\n")
    info = machine()
    print(f"{info['system']}, {info['cpus']} CPUs ({info['cpu']}); Python {info['python']}, pyoxigraph {info['pyoxigraph']}")
    print(f"median of {args.runs} runs after one warm-up, seconds\n")
    print(table(results) + "\n")
    missed = misses(results, args.target)
    print(f"over {args.target:g} s: " + ("; ".join(missed) if missed else f"none, every query answers within {args.target:g} s"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
