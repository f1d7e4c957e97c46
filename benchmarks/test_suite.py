"""Benchmark: how long the README's test command takes, and where the time goes.

Runs the whole suite once as ``make test`` does (``.venv/bin/python -m pytest -n auto --dist loadfile``,
from the checkout; ``--processes 0`` for one process), with a JUnit report, and prints the wall time and
the time per test module, largest first. The figures in docs/testing.md come from here:

    .venv/bin/python benchmarks/test_suite.py [--processes auto|N] [--top 15] [--report FILE]

With ``--report FILE`` it only reads an existing JUnit XML report (e.g. one CI wrote) instead of running.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_times(report: Path) -> tuple[dict[str, float], int]:
    """Seconds per test module (setup, call and teardown of its tests) and the number of tests."""
    totals: dict[str, float] = defaultdict(float)
    count = 0
    for case in ET.parse(report).iter("testcase"):
        name = case.get("classname", "").split(".")
        module = next((part for part in name if part.startswith("test_")), ".".join(name[:2]) or "?")
        totals[module] += float(case.get("time", "0"))
        count += 1
    return dict(totals), count


def run_suite(report: Path, processes: str) -> float:
    start = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-n", processes, "--dist", "loadfile", f"--junitxml={report}"]
    subprocess.run(command, cwd=ROOT, env=dict(os.environ), check=False)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="auto", help="pytest-xdist processes, as make test's TEST_PROCESSES")
    parser.add_argument("--top", type=int, default=15, help="how many modules to list")
    parser.add_argument("--report", type=Path, help="read this JUnit report instead of running the suite")
    args = parser.parse_args()
    wall = None
    report = args.report
    if report is None:
        report = Path(tempfile.mkdtemp()) / "junit.xml"
        wall = run_suite(report, args.processes)
    totals, count = module_times(report)
    total = sum(totals.values())
    if wall is not None:
        print(f"wall time: {wall:.0f} s ({wall / 60:.1f} min) for {count} tests on {os.cpu_count()} cores")
    print(f"sum of test times: {total:.0f} s (over all processes)")
    for module, seconds in sorted(totals.items(), key=lambda item: -item[1])[: args.top]:
        print(f"{seconds:7.1f} s  {seconds / total:5.1%}  {module}")


if __name__ == "__main__":
    main()
