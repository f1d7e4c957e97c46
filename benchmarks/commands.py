"""Benchmark: whole ``koko`` processes, as a user waits for them (issue 17, "Whole-process figures").

Each command runs as a fresh ``koko`` subprocess (the one beside this Python, so ``.venv/bin/koko``
when run as ``.venv/bin/python benchmarks/commands.py``), from the repository's root, once to warm the
file cache and then --runs times; the table gives the median, min and max wall time, the median CPU
time (user + system, counting the processes the command waited for: ``koko build`` validates in a
forked one) and the issue's target. ``koko --version`` is the floor: the interpreter and the imports
every command pays. On a shared machine the CPU time says what the wall time cannot: how much work
the command did, whatever else ran.

- ``koko build --out TMP``: parse, build, validate, write every format (target 2.5 s);
- ``koko infer --out TMP/x.ttl``: the OWL 2 RL entailments (target 3 s);
- ``koko query NAME --format csv --out /dev/null`` for every canned query of ``queries/`` with its
  default parameters (target 0.5 s each).

A command that fails is reported with its exit code and the last line of its stderr, and counts as missed.
Not a test: nothing here is timed by the suite. The machine is shared, so the load average is printed
before and after, and with --json written beside the figures.

    .venv/bin/python benchmarks/commands.py [--runs 5] [--only build,infer,query] [--json FILE] [--koko PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOKO = Path(sys.executable).with_name("koko")  # --koko: another one (an older checkout's, say)
TARGETS = {"version": None, "build": 2.5, "infer": 3.0, "query": 0.5}  # seconds; --version has none: it is the floor
GROUPS = ("build", "infer", "query")
LIBRARIES = ("koko-kg", "rdflib", "pyoxigraph", "pyshacl", "owlrl", "click")


@dataclass(frozen=True)
class Figure:
    command: str  # as a person would type it
    group: str  # version, build, infer or query
    target: float | None
    times: tuple[float, ...]
    cpu: tuple[float, ...]  # user + system seconds of the process and the processes it waited for, per run
    error: str | None  # exit code and the last line of stderr, when the command failed

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def met(self) -> bool | None:
        if self.error is not None:
            return False
        if self.target is None or self.median is None:
            return None
        return self.median <= self.target


def canned_names() -> list[str]:
    """The canned queries, by their file names in queries/ (what ``koko query NAME`` takes)."""
    return sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))


def commands(only: set[str], tmp: Path) -> list[tuple[str, str, list[str]]]:
    """(group, shown command, argv after ``koko``) for every command to time, in table order."""
    chosen: list[tuple[str, str, list[str]]] = [("version", "koko --version", ["--version"])]
    if "build" in only:
        chosen.append(("build", "koko build --out TMP", ["build", "--out", str(tmp / "dist")]))
    if "infer" in only:
        chosen.append(("infer", "koko infer --out TMP/x.ttl", ["infer", "--out", str(tmp / "x.ttl")]))
    if "query" in only:
        for name in canned_names():
            argv = ["query", name, "--format", "csv", "--out", os.devnull]
            chosen.append(("query", f"koko query {name}", argv))
    return chosen


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(koko: Path, argv: list[str]) -> tuple[float, float, str | None]:
    """Wall time and CPU time of one ``koko`` process, and what went wrong if it failed. The CPU time
    counts the processes koko waited for too (``koko build`` validates in a forked one)."""
    cpu = _cpu()
    start = time.perf_counter()
    done = subprocess.run([str(koko), *argv], cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = _cpu() - cpu
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        return elapsed, cpu, f"exit {done.returncode}: {last[:160]}"
    return elapsed, cpu, None


def measure(koko: Path, group: str, shown: str, argv: list[str], runs: int) -> Figure:
    _, _, error = run_once(koko, argv)  # warm-up: the file cache, .pyc files
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs if error is None else 0):
        elapsed, used, error = run_once(koko, argv)
        if error is not None:
            break
        times.append(elapsed)
        cpu.append(used)
    return Figure(shown, group, TARGETS[group], tuple(times), tuple(cpu), error)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def show(figures: list[Figure]) -> None:
    width = max(len(f.command) for f in figures)
    print(f"{'command':<{width}}  {'median':>7}  {'min':>7}  {'max':>7}  {'CPU':>7}  {'target':>7}  result")
    for f in figures:
        if f.error is not None:
            print(f"{f.command:<{width}}  {'-':>7}  {'-':>7}  {'-':>7}  {'-':>7}  {_seconds(f.target):>7}  FAILED {f.error}")
            continue
        result = {True: "met", False: "MISSED", None: ""}[f.met]
        if f.met is False and f.median is not None and f.target is not None:
            result += f" by {f.median - f.target:.2f} s"
        cpu = statistics.median(f.cpu)
        row = (_seconds(f.median), _seconds(min(f.times)), _seconds(max(f.times)), _seconds(cpu), _seconds(f.target))
        print(f"{f.command:<{width}}  " + "  ".join(f"{cell:>7}" for cell in row) + f"  {result}")


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command, after one warm-up (default 5)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated: {','.join(GROUPS)} (default all)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--koko", type=Path, default=KOKO, metavar="PATH", help=f"the koko to time (default {KOKO})")
    args = parser.parse_args()
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    if not only <= set(GROUPS) or args.runs < 1:
        parser.error(f"--only takes {', '.join(GROUPS)}; --runs at least 1")
    if not args.koko.exists():
        parser.error(f"no koko at {args.koko}; run with .venv/bin/python, or give --koko")

    start_load = loadavg()
    machine: dict[str, object] = {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average_start": start_load}
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}; load average {' '.join(map(str, start_load))}")
    print("versions: " + ", ".join(f"{name} {version}" for name, version in versions().items()))
    print(f"koko: {args.koko}; median of {args.runs} run(s) after one warm-up, each a fresh process\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="koko-bench-") as folder:
        figures = [measure(args.koko, group, shown, argv, args.runs) for group, shown, argv in commands(only, Path(folder))]
    end_load = machine["load_average_end"] = loadavg()
    show(figures)
    print(f"\nload average at the end: {' '.join(map(str, end_load))}")
    missed = [f.command for f in figures if f.met is False]
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")
    if args.json is not None:
        document = {
            "machine": machine,
            "versions": versions(),
            "runs": args.runs,
            "figures": [{**asdict(f), "median": f.median, "met": f.met} for f in figures],  # times and cpu per run
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
