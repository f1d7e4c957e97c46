"""Benchmark: the memory of ``koko serve`` at 1M quads (issue 17: at most 800 MiB with 2 query workers).

The synthetic graph of benchmarks/generate.py (koko.release.synthetic) is written as a release folder
(its N-Quads only: what ``koko serve --data`` loads), then ``koko serve --data DIR --workers 2`` is started
on a free port of 127.0.0.1. Measured, for the server and every process under it (the supervisor and its
serving process), summed:

- after start: VmRSS and Pss (``/proc/PID/smaps_rollup``: shared pages counted once);
- after use: every canned query with its default parameters through ``/-/queries/NAME?format=json``, an
  aggregate over every statement through ``/sparql``, the home page, a site page and the downloads page,
  each twice, then the same figures again, and the peak (VmHWM) of each process.

Also the seconds from the start to the first answer. Not a test: nothing here is timed by the suite.

    python benchmarks/server_memory.py [--size 1M] [--workers 2] [--target 800] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from processes import descendants, kib

from koko.config import load_config
from koko.release.synthetic import iter_sizes, write
from koko.sparql.canned import list_canned

CONFIG = load_config(environ={})
AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory(pid: int) -> dict[str, Any]:
    """MiB of every process under ``pid``: rss, pss, peak (VmHWM), and their sums."""
    processes = []
    for each in descendants(pid):
        try:
            command = Path(f"/proc/{each}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
            processes.append(
                {
                    "pid": each,
                    "command": command,
                    "rss": kib(each, "status", "VmRSS") / 1024,
                    "peak": kib(each, "status", "VmHWM") / 1024,
                    "pss": kib(each, "smaps_rollup", "Pss") / 1024,
                }
            )
        except OSError:  # it ended meanwhile
            continue
    total = {key: round(sum(p[key] for p in processes), 1) for key in ("rss", "pss", "peak")}
    return {"processes": processes, **total}


def get(url: str, timeout: float = 120) -> tuple[int, int]:
    """Status and body length of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def wait_until_up(root: str, process: subprocess.Popen[bytes], limit: float = 600) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise SystemExit(f"koko serve ended with exit code {process.returncode}")
        try:
            if get(root + "-/static/koko.css", timeout=5)[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"koko serve did not answer within {limit:g} s")


def use(root: str) -> list[dict[str, Any]]:
    """Every canned query, an aggregate, and three pages, twice: what a server meets in its first minutes."""
    paths = [f"-/queries/{q.name}?format=json" for q in list_canned(CONFIG.queries)]
    paths += ["sparql?" + urllib.parse.urlencode({"query": AGGREGATE}), "", "id/site/dresden", "-/downloads"]
    done = []
    for _ in range(2):
        for path in paths:
            started = time.monotonic()
            status, size = get(root + path)
            done.append({"path": path[:60], "status": status, "bytes": size, "seconds": round(time.monotonic() - started, 3)})
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--target", type=float, default=800, help="MiB")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    size = next(iter_sizes(args.size))
    with tempfile.TemporaryDirectory(prefix="koko-memory-") as tmp:
        folder = Path(tmp) / "release"
        folder.mkdir()
        plan = write(CONFIG, folder / "koko.nq", size)
        port = free_port()
        root = f"http://127.0.0.1:{port}/"
        command = [sys.executable, "-m", "koko", "serve", "--data", str(folder), "--port", str(port)]
        command += ["--workers", str(args.workers), "--timeout", "60"]
        with (Path(tmp) / "serve.log").open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            try:
                up = wait_until_up(root, process)
                started = memory(process.pid)
                answers = use(root)
                used = memory(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(30)
    failed = [a for a in answers if a["status"] != 200]
    figures: dict[str, Any] = {
        "quads": plan.quads,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "machine": platform.platform(),
        "seconds_to_first_answer": round(up, 2),
        "after_start": started,
        "after_use": used,
        "answers": answers,
        "target_mib": args.target,
    }
    print(f"koko serve --data (synthetic, {figures['quads']:,} quads) --workers {args.workers}; {os.cpu_count()} cores")
    print(f"first answer after {up:.1f} s")
    for label, found in (("after start", started), ("after use", used)):
        print(f"{label:12} rss {found['rss']:8.0f} MiB  pss {found['pss']:8.0f} MiB  peak {found['peak']:8.0f} MiB")
        for each in found["processes"]:
            figures_of = f"rss {each['rss']:7.0f}  pss {each['pss']:7.0f}  peak {each['peak']:7.0f}"
            print(f"    {each['pid']:>7} {figures_of}  {each['command']}")
    slowest = max(answers, key=lambda a: a["seconds"])
    print(f"{len(answers)} requests, {len(failed)} not 200; slowest {slowest['seconds']} s ({slowest['path']})")
    verdict = "met" if used["pss"] <= args.target and not failed else "MISSED"
    print(f"memory after use (Pss) {used['pss']:.0f} MiB against {args.target:g} MiB: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
