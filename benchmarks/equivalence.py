"""Check a rewrite of canned queries: the old text (from a git revision) and the current one give the same answers.

For a synthetic graph of benchmarks/generate.py (koko.release.synthetic) at each --sizes, both texts of every
query named in --queries run on the same in-memory pyoxigraph store, with their default parameters and
every ``# example:`` of the current header, bound both ways the project binds them: as substitutions
(the server's query workers, ``koko.sparql.execution.execute``) and as a VALUES block at the start of the WHERE
group (``koko query --endpoint``, ``koko.sparql.binding.bind_values``). Compared:

- the variables, in order;
- the solutions as a multiset, GROUP_CONCAT values as multisets of their parts (the concatenation order
  is the engine's, and follows the plan);
- the values of the outermost ORDER BY keys, row by row (rows that tie on every key may come in another
  order; the script says whether the whole order is the same as well);

and the median latency of each (after one warm-up). Exit 1 on any difference. Not a test: the suite only
runs the release (tests/test_canned_engines.py, tests/test_remote_query.py).

    python benchmarks/equivalence.py --sizes 100k --queries networks-by-site,shared-programmes --rev HEAD
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from koko.config import load_config
from koko.release.synthetic import iter_sizes, write
from koko.sparql.binding import bind_values
from koko.sparql.canned import CannedQuery, bindings_for, list_canned, parse_header
from koko.sparql.execution import Job, execute

CONFIG = load_config(environ={})
ROOT = Path(__file__).resolve().parent.parent
GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:\s*DISTINCT)?\s*\?\w+\s*(?:;\s*separator\s*=\s*\"([^\"]*)\")?\s*\)\s+AS\s+\?(\w+)", re.IGNORECASE
)
ORDER_KEY = re.compile(r"(?:(?:ASC|DESC)\s*\(\s*)?\?(\w+)", re.IGNORECASE)


def old_text(rev: str, name: str) -> str:
    """The query as it was at a git revision (read with ``git show``; nothing in the working tree changes)."""
    path = CONFIG.queries.resolve().relative_to(ROOT) / f"{name}.rq"
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def cases(query: CannedQuery) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    for example in ["", *query.examples]:
        words = shlex.split(example)
        given = dict(value.split("=", 1) for flag, value in itertools.pairwise(words) if flag == "--param")
        if given not in seen:
            seen.append(given)
    return seen


def solutions(store: ox.Store, query: CannedQuery, given: dict[str, str], values: bool) -> tuple[list[str], list[tuple], Job]:
    terms = bindings_for(query, given, CONFIG.base)
    if values:
        job = Job(bind_values(query.text, terms, CONFIG.base), max_rows=10**9)
    else:
        job = Job(query.text, substitutions=tuple((n, t) for n, t in terms.items()), max_rows=10**9)
    outcome = execute(store, job)
    if outcome.kind != "solutions":
        raise SystemExit(f"{query.name} {given}: {outcome.kind} {outcome.error}")
    document = json.loads(outcome.body)
    variables = document["head"]["vars"]
    separators = {var: " " if sep is None else sep for sep, var in GROUP_CONCAT.findall(query.text)}
    rows = []
    for binding in document["results"]["bindings"]:
        row = []
        for var in variables:
            cell = binding.get(var)
            if cell is not None:
                value = cell["value"]
                if var in separators:
                    value = tuple(sorted(value.split(separators[var])))
                cell = (cell["type"], value, cell.get("xml:lang"), cell.get("datatype"))
            row.append(cell)
        rows.append(tuple(row))
    return variables, rows, job


def order_keys(query: CannedQuery, variables: list[str]) -> list[int]:
    tail = query.text[query.text.rfind("}") + 1 :]
    clause = re.search(r"ORDER\s+BY\s+(.*?)(?:\s+(?:LIMIT|OFFSET)\b.*)?$", tail, re.IGNORECASE | re.DOTALL)
    names = ORDER_KEY.findall(clause.group(1)) if clause else []
    return [variables.index(n) for n in names if n in variables]


def median_ms(store: ox.Store, job: Job, runs: int) -> float:
    execute(store, job)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        execute(store, job)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def compare(store: ox.Store, old: CannedQuery, new: CannedQuery, runs: int) -> bool:
    same = True
    for given, values in itertools.product(cases(new), (False, True)):
        parameters = ",".join(f"{k}={v}" for k, v in given.items()) or "defaults"
        label = f"{new.name} [{parameters}] {'VALUES' if values else 'substitutions'}"
        old_vars, old_rows, old_job = solutions(store, old, given, values)
        new_vars, new_rows, new_job = solutions(store, new, given, values)
        keys = order_keys(new, new_vars)
        problems = []
        if new_vars != old_vars:
            problems.append(f"variables {old_vars} -> {new_vars}")
        if Counter(new_rows) != Counter(old_rows):
            problems.append(f"solutions differ ({len(old_rows)} -> {len(new_rows)} rows)")
        if [tuple(r[k] for k in keys) for r in new_rows] != [tuple(r[k] for k in keys) for r in old_rows]:
            problems.append("ORDER BY keys differ")
        order = "same order" if new_rows == old_rows else "same order up to ties"
        timing = f" {median_ms(store, old_job, runs):.1f} -> {median_ms(store, new_job, runs):.1f} ms" if runs else ""
        print(f"{label}: {len(new_rows)} rows, {'; '.join(problems) or 'same solutions, ' + order}{timing}", flush=True)
        same = same and not problems
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="target sizes in quads, comma-separated (10k, 1M …)")
    parser.add_argument("--queries", help="canned query names, comma-separated (default: those changed since --rev)")
    parser.add_argument("--rev", default="HEAD", help="the git revision holding the old texts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query and text (0: no timing)")
    args = parser.parse_args()
    current = {q.name: q for q in list_canned(CONFIG.queries)}
    changed = [n for n, q in current.items() if old_text(args.rev, n) != q.text]
    names = args.queries.split(",") if args.queries else changed
    pairs = [(parse_header(old_text(args.rev, n), None, n), current[n]) for n in names]
    ok = True
    with tempfile.TemporaryDirectory(prefix="koko-equivalence-") as work:
        for size in iter_sizes(args.sizes):
            path = Path(work) / "graph.nq"
            plan = write(CONFIG, path, size)
            store = ox.Store()
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            print(f"## {plan.quads:,} quads ({plan.sites} generated districts, {sum(plan.years)} curated graphs)")
            for old, new in pairs:
                ok = compare(store, old, new, args.runs) and ok
            path.unlink()
    print("same answers" if ok else "DIFFERENT ANSWERS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
