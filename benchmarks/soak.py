"""Soak: `koko serve` under a steady mix of real and abusive requests for minutes, on loopback.

What it shows (issue 7, item 3): the server keeps answering, answers every request as it should
(no 500, no traceback), and its memory does not grow, while clients browse pages, download RDF,
run canned and ad-hoc queries, and a share of them send abuse: malformed SPARQL, updates,
SERVICE calls, oversized bodies, path traversal, hostile canned parameters and pathological
queries that only the query timeout stops.

The release is built into a temporary folder and served by ``python -m koko serve --data``
in its own process group on 127.0.0.1 (stopped at the end, whatever happens). ``--clients``
load processes, each with one keep-alive ``http.client`` connection, send requests for
``--duration`` seconds, one after the other, each drawn from a weighted mix by a random
generator seeded from ``--seed`` and the client's number (the same sequence of requests for
the same seed; how far each client gets depends on the timing). Processes, not threads: 16
threads in one Python process would queue for its GIL, and that wait would count as server
latency at p99.

Every answer is recorded with its kind, status and latency (send to last body byte), and
classed: ``expected`` (200 for a normal request; the refusals listed for each abusive one),
``busy`` (503 while every query place is held by pathological queries: the documented answer,
counted apart from errors), or ``unexpected``. A 500, a body containing
"Traceback", or a failed connection is printed with the request that caused it.

Memory is the resident set of the supervisor and its serving processes (its descendants in
/proc), sampled every ``--sample`` seconds: before the load, after ``--warmup`` seconds of
load, at the end and at its maximum; the bound is that the end stays within ``--memory-bound``
percent of the figure after warm-up.

    python benchmarks/soak.py [--duration 300] [--clients 16] [--workers 2] [--processes 1] [--timeout 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/server.py, run from anywhere

from server import Target, free_port, process

from koko.config import load_config
from koko.release.build import build_release

STATES = ("Sachsen", "Sachsen-Anhalt", "Thüringen", "Saxony", "Thuringia", "")
PROGRAMMES = ("Bildung integriert", "RÜMSA", "Integrative Maßnahmen", "KoKo", "Kommunale Koordinierung")
TERMS = ("Sprachkurs", "Integrationsmesse", "Netzwerk", "Schule", "Eltern", "Arbeitsmarkt", "Beratung")
PRODUCT_TYPES = ("overview", "info-tool", "brochure", "")
CANNED_FORMATS = ("csv", "json")
RDF_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
RDF_EXTENSIONS = (".ttl", ".jsonld", ".nt", ".rdf")
DOWNLOADS = ("koko.ttl", "koko.jsonld", "koko.trig", "context.jsonld")
JSON_RESULTS = "application/sparql-results+json"
MAX_BODY = 1_048_576  # koko's default KOKO_MAX_BODY
PROBLEMS_KEPT = 20

# Weights of the normal requests: mostly pages and RDF, as a linked-data site sees them, then queries.
NORMAL = {
    "home": 6,
    "page": 22,
    "rdf": 16,
    "picture": 4,
    "canned": 18,
    "canned-page": 4,
    "sparql-select": 9,
    "sparql-ask": 3,
    "sparql-construct": 5,
    "void": 3,
    "downloads": 4,
}
# Weights within the abusive share; the pathological queries are few, as each holds a query place until the timeout.
ABUSIVE = {
    "malformed": 3,
    "update": 3,
    "service": 2,
    "oversized": 1,
    "traversal": 3,
    "hostile-canned": 3,
    "cartesian": 1,
    "regex": 1,
}
REFUSED = {400, 403, 404, 405, 413, 414}  # what an abusive request may get (503: the timeout, or busy)


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: frozenset[int] = frozenset({200})
    abusive: bool = False

    def describe(self) -> str:
        body = f" body {len(self.body)} bytes" if self.body else ""
        path = self.path if len(self.path) <= 300 else self.path[:300] + "…"
        return f"{self.method} {path}{body} (Accept: {self.headers.get('Accept', '-')})"


@dataclass(frozen=True)
class Catalogue:
    """What the requests pick from: paths under /id/ of the release's subjects, by kind."""

    paths: tuple[str, ...]
    sites: tuple[str, ...]
    questions: tuple[str, ...]

    @classmethod
    def of(cls, nquads: Path, base: str) -> Catalogue:
        subjects = {
            quad.subject.value[len(base) :]
            for quad in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS)
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(base) and "#" not in quad.subject.value
        }
        paths = tuple(sorted(subjects))
        return cls(
            paths,
            tuple(p for p in paths if p.startswith("site/")),
            tuple(p.removeprefix("question/") for p in paths if p.startswith("question/")),
        )


def _sparql(kind: str, query: str, rng: random.Random, accept: str = JSON_RESULTS) -> Request:
    if rng.random() < 0.3:  # the protocol's POST form, as tools send long queries
        body = urlencode({"query": query}).encode()
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return Request(kind, "POST", "/sparql", headers, body)
    return Request(kind, "GET", "/sparql?" + urlencode({"query": query}), {"Accept": accept})


def normal(kind: str, rng: random.Random, cat: Catalogue, base: str) -> Request:
    lang = rng.choice(("", "?lang=en"))
    html = {"Accept": "text/html"}
    if kind == "home":
        return Request(kind, "GET", "/" + lang, html)
    if kind == "page":
        return Request(kind, "GET", "/id/" + quote(rng.choice(cat.paths)) + lang, html)
    if kind == "rdf":
        path = "/id/" + quote(rng.choice(cat.paths))
        if rng.random() < 0.5:
            return Request(kind, "GET", path + rng.choice(RDF_EXTENSIONS))
        return Request(kind, "GET", path, {"Accept": rng.choice(RDF_TYPES)})
    if kind == "picture":
        return Request(kind, "GET", f"/-/pictures/{rng.choice(('network', 'timeline'))}.svg{lang}")
    if kind in ("canned", "canned-page"):
        name, params = _canned(rng, cat)
        params["format"] = rng.choice(CANNED_FORMATS) if kind == "canned" else "html"
        return Request(kind, "GET", f"/-/queries/{name}?{urlencode(params)}", html if kind == "canned-page" else {})
    if kind == "sparql-select":
        site = rng.choice(cat.sites)
        query = f"SELECT ?p ?o WHERE {{ <{base}{site}> ?p ?o }} LIMIT {rng.randint(5, 100)}"
        return _sparql(kind, query, rng, rng.choice((JSON_RESULTS, "text/csv", "application/sparql-results+xml")))
    if kind == "sparql-ask":
        return _sparql(kind, f"ASK {{ <{base}{rng.choice(cat.paths)}> ?p ?o }}", rng)
    if kind == "sparql-construct":
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . FILTER(?s = <{base}{rng.choice(cat.paths)}>) }}"
        return _sparql(kind, query, rng, rng.choice(RDF_TYPES[:3]))
    if kind == "void":
        return Request(
            kind, "GET", "/.well-known/void", {"Accept": rng.choice(("text/turtle", "text/html", "application/ld+json"))}
        )
    if kind == "downloads":
        if rng.random() < 0.3:
            return Request(kind, "GET", "/-/downloads" + lang, html)
        return Request(kind, "GET", "/-/downloads/" + rng.choice(DOWNLOADS))
    raise ValueError(kind)


def _canned(rng: random.Random, cat: Catalogue) -> tuple[str, dict[str, str]]:
    choices: list[tuple[str, dict[str, str]]] = [
        ("sites-by-state", {"state": rng.choice(STATES)}),
        ("coordinators", {"state": rng.choice(STATES)}),
        ("site-profile", {"site": rng.choice(cat.sites)}),
        ("networks-by-site", {"site": rng.choice(cat.sites)}),
        ("site-links", {"site": rng.choice(cat.sites)}),
        ("evidence", {"entity": rng.choice(cat.paths)}),
        ("answers-by-question", {"question": rng.choice(cat.questions)}),
        ("sites-by-programme", {"programme": rng.choice(PROGRAMMES)}),
        ("search-answers", {"term": rng.choice(TERMS)}),
        ("products-by-type", {"type": rng.choice(PRODUCT_TYPES)}),
        ("programme-timeline", {}),
        ("partners-by-frequency", {}),
        ("events-with-figures", {}),
        ("continuation", {}),
    ]
    name, params = rng.choice(choices)
    return name, {k: v for k, v in params.items() if v}


def abusive(kind: str, rng: random.Random, cat: Catalogue, base: str) -> Request:
    refused = frozenset(REFUSED)
    if kind == "malformed":
        query = rng.choice(("SELECT ?x WHERE { ?x", "SELEKT * {}", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "}}}{{{", "\x00"))
        return _abuse(_sparql(kind, query, rng), refused)
    if kind == "update":
        update = rng.choice(("DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "LOAD <http://127.0.0.1:9/x.ttl>"))
        if rng.random() < 0.5:
            return _abuse(_sparql(kind, update, rng), refused)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(kind, "POST", "/sparql", headers, urlencode({"update": update}).encode(), refused, True)
    if kind == "service":
        where = rng.choice(("http://127.0.0.1:9/sparql", "http://169.254.169.254/latest", "https://example.org/sparql"))
        return _abuse(_sparql(kind, f"SELECT * WHERE {{ SERVICE <{where}> {{ ?s ?p ?o }} }}", rng), refused)
    if kind == "oversized":
        body = b"query=" + b"%20" * ((MAX_BODY + 1000) // 3)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(kind, "POST", "/sparql", headers, body, refused, True)
    if kind == "traversal":
        path = rng.choice(
            (
                "/id/../../etc/passwd",
                "/id/%2e%2e/%2e%2e/etc/passwd",
                "/-/static/../../pyproject.toml",
                "/-/static/%2e%2e/%2e%2e/pyproject.toml",
                "/-/downloads/..%2f..%2fetc%2fpasswd",
                "/-/downloads/../koko.nq",
                "/id/site/dresden%00.ttl",
                "/-/queries/..%2f..%2fqueries%2fevidence",
                "/ontology/../../etc/passwd",
            )
        )
        return Request(kind, "GET", path, {}, None, refused | {200} if path.startswith("/-/downloads/../") else refused, True)
    if kind == "hostile-canned":
        value = rng.choice(('" } ; DROP ALL #', "<http://x> > <y>", "x" * 8000, "site/x> } ; DROP ALL #", "\u202e\u0000"))
        name, param = rng.choice(
            (("sites-by-state", "state"), ("site-profile", "site"), ("evidence", "entity"), ("search-answers", "term"))
        )
        # A hostile string is bound as a literal: a 200 with no rows is as right as a 400.
        return Request(
            kind, "GET", f"/-/queries/{name}?{urlencode({param: value, 'format': 'json'})}", {}, None, refused | {200}, True
        )
    if kind == "cartesian":
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        return _abuse(_sparql(kind, query, rng), refused | {503})
    if kind == "regex":
        query = 'SELECT ?s WHERE { ?s ?p ?o . ?t ?q ?u FILTER(REGEX(CONCAT(STR(?o), STR(?u)), "^(a|aa)+(b|c)*$", "i")) }'
        return _abuse(_sparql(kind, query, rng), refused | {503})
    raise ValueError(kind)


def _abuse(request: Request, expect: frozenset[int]) -> Request:
    return Request(request.kind, request.method, request.path, request.headers, request.body, expect, True)


def draw(rng: random.Random, cat: Catalogue, base: str, abusive_share: float) -> Request:
    if rng.random() < abusive_share:
        return abusive(rng.choices(list(ABUSIVE), weights=list(ABUSIVE.values()))[0], rng, cat, base)
    return normal(rng.choices(list(NORMAL), weights=list(NORMAL.values()))[0], rng, cat, base)


@dataclass(frozen=True)
class Job:
    number: int
    port: int
    seed: int
    start_at: float  # time.time() (the same clock in every process)
    stop_at: float
    abusive_share: float
    catalogue: Catalogue
    base: str


# (kind, abusive, status (0: no answer), latency in ms, class) and the first problems, with their requests.
Record = tuple[str, bool, int, float, str]


def classify(request: Request, status: int) -> str:
    if status in request.expect:
        return "expected"
    if status == 503:
        return "busy"
    return "unexpected"


def _started(barrier: threading.Barrier) -> None:
    barrier.wait()  # the pool's initializer: this process has started and imported all it needs


def client(job: Job) -> tuple[list[Record], list[str], float]:
    """The records and first problems of one client, and when (time.time()) it had its last answer."""
    rng = random.Random(f"{job.seed}/{job.number}")
    records: list[Record] = []
    problems: list[str] = []
    connection = http.client.HTTPConnection("127.0.0.1", job.port, timeout=120)
    time.sleep(max(0.0, job.start_at - time.time()))
    while time.time() < job.stop_at:
        request = draw(rng, job.catalogue, job.base, job.abusive_share)
        started = time.perf_counter()
        try:
            connection.request(request.method, request.path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            body = response.read()
            status = response.status
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()  # a fresh connection for the next request
            status, body = 0, repr(exc).encode()
        latency = (time.perf_counter() - started) * 1000
        category = classify(request, status)
        if request.kind == "oversized" and status == 0:
            category = "expected"  # the server may close the connection while the client still sends the body
        records.append((request.kind, request.abusive, status, latency, category))
        broken = status == 500 or b"Traceback" in body or (status == 0 and category != "expected")
        if (broken or category == "unexpected") and len(problems) < PROBLEMS_KEPT:
            problems.append(f"{status} {category} {request.kind}: {request.describe()} -> {body[:300]!r}")
    connection.close()
    return records, problems, time.time()


def rss_kib(pid: int, descendants: bool = True) -> tuple[int, list[int]]:
    """Resident memory in KiB of ``pid`` and all its descendants (the serving processes start sessions of
    their own, so the process group alone would miss them), and the pids counted."""
    total, pids, todo = 0, [], [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # a serving process that ended between listing and reading
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pids.append(current)
        todo += [int(c) for c in children] if descendants else []
    return total, pids


def sampler(pid: int, every: float, stop: threading.Event, samples: list[tuple[float, int, int, int]]) -> None:
    """(time.time(), total KiB, server process KiB, processes) every ``every`` seconds, and once more when stopped."""
    while True:
        total, pids = rss_kib(pid)
        own = rss_kib(pid, descendants=False)[0]
        samples.append((time.time(), total, own, len(pids)))
        if stop.is_set():
            return
        stop.wait(every)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def summarise(records: list[Record], problems: list[str], elapsed: float, memory: dict, args: argparse.Namespace) -> dict:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, _, _, latency, _ in records:
        by_kind[kind].append(latency)
    statuses = Counter(str(status) for _, _, status, _, _ in records)
    classes = Counter(f"{'abusive' if bad else 'normal'} {category}" for _, bad, _, _, category in records)
    normal_latency = [latency for _, bad, _, latency, _ in records if not bad]
    kinds = {
        kind: {
            "requests": len(values),
            "statuses": dict(sorted(Counter(str(s) for k, _, s, _, _ in records if k == kind).items())),
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
        }
        for kind, values in sorted(by_kind.items())
    }
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "requests": len(records),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(records) / elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
        "classes": dict(sorted(classes.items())),
        "normal_latency_ms": {
            "p50": round(statistics.median(normal_latency), 2) if normal_latency else None,
            "p95": round(percentile(normal_latency, 0.95), 2),
            "p99": round(percentile(normal_latency, 0.99), 2),
        },
        "kinds": kinds,
        "server_errors": statuses.get("500", 0),
        "tracebacks_or_failures": len(problems),
        "problems": problems[:PROBLEMS_KEPT],
        "memory": memory,
    }


def memory_figures(samples: list[tuple[float, int, int, int]], start: float, warmup: float, bound: float, processes: int) -> dict:
    """MiB of the supervisor with its serving processes: idle (before any load), after warm-up, end, max; and the
    growth.

    A serving process that held a runaway query is replaced by a fresh one, which is back to full size only once
    it has loaded the release: the baseline and the end figure are taken from samples with just the usual
    ``processes`` (supervisor included), so that a swap in progress does not pass for a growing or shrinking server."""
    mib = 1024.0
    samples = [(t - start, *rest) for t, *rest in samples]  # seconds since the load started
    full = [s for s in samples if s[3] == processes] or samples
    idle = samples[0]
    warm = next((s for s in full if s[0] >= warmup), full[-1])
    end = full[-1]
    growth, own_growth = end[1] - warm[1], end[2] - warm[2]
    return {
        "idle_mib": round(idle[1] / mib, 1),
        "after_warmup_mib": round(warm[1] / mib, 1),
        "after_warmup_at_s": round(warm[0], 1),
        "end_mib": round(end[1] / mib, 1),
        "end_at_s": round(end[0], 1),
        "max_mib": round(max(s[1] for s in samples) / mib, 1),
        "growth_mib": round(growth / mib, 1),
        "growth_percent": round(100.0 * growth / warm[1], 1),
        "server_process_idle_mib": round(idle[2] / mib, 1),
        "server_process_after_warmup_mib": round(warm[2] / mib, 1),
        "server_process_end_mib": round(end[2] / mib, 1),
        "server_process_max_mib": round(max(s[2] for s in samples) / mib, 1),
        "server_process_growth_percent": round(100.0 * own_growth / warm[2], 1),
        "bound_percent": bound,
        "bound_held": 100.0 * max(growth / warm[1], own_growth / warm[2]) <= bound,
        "samples": [(round(t, 1), round(total / mib, 1), round(own / mib, 1), n) for t, total, own, n in samples],
    }


def report(summary: dict) -> None:
    memory = summary["memory"]
    print(f"\n{summary['requests']} requests in {summary['seconds']} s: {summary['requests_per_second']} req/s")
    print("by status:", ", ".join(f"{status}: {n}" for status, n in summary["statuses"].items()))
    print("by class: ", ", ".join(f"{c}: {n}" for c, n in summary["classes"].items()))
    lat = summary["normal_latency_ms"]
    print(f"normal requests: p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms")
    print(f"\n{'kind':<18}{'requests':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}  statuses")
    for kind, figures in summary["kinds"].items():
        statuses = " ".join(f"{s}:{n}" for s, n in figures["statuses"].items())
        print(
            f"{kind:<18}{figures['requests']:>9}{figures['p50_ms']:>10.2f}{figures['p95_ms']:>10.2f}{figures['p99_ms']:>10.2f}"
            f"  {statuses}"
        )
    print(
        f"\nmemory (all koko processes): idle {memory['idle_mib']} MiB, after warm-up {memory['after_warmup_mib']} MiB, "
        f"end {memory['end_mib']} MiB, max {memory['max_mib']} MiB; growth {memory['growth_mib']} MiB "
        f"({memory['growth_percent']} %, bound {memory['bound_percent']} %: {'held' if memory['bound_held'] else 'EXCEEDED'})"
    )
    print(
        f"server process alone: idle {memory['server_process_idle_mib']} MiB, after warm-up "
        f"{memory['server_process_after_warmup_mib']} MiB, end {memory['server_process_end_mib']} MiB, max "
        f"{memory['server_process_max_mib']} MiB; growth {memory['server_process_growth_percent']} %"
    )
    print(f"memory baseline at {memory['after_warmup_at_s']} s, end at {memory['end_at_s']} s (samples with no swap in progress)")
    print(f"server stopped by SIGTERM: exit {summary['server_exit']} after {summary['server_stop_seconds']} s")
    print(
        f"500s: {summary['server_errors']}; "
        f"failures (500, traceback, unexpected status, no answer): {summary['tracebacks_or_failures']}"
    )
    for problem in summary["problems"][:5]:
        print("  " + problem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client processes, one connection each")
    parser.add_argument("--workers", type=int, default=2, help="koko serve --workers")
    parser.add_argument("--processes", type=int, default=1, help="koko serve --processes")
    parser.add_argument(
        "--timeout",
        type=float,
        default=2.0,
        help="koko serve --timeout: how long a pathological query holds a worker (koko's default is 10)",
    )
    parser.add_argument("--abusive-share", type=float, default=0.05, help="share of abusive requests")
    parser.add_argument("--seed", type=int, default=7, help="seeds every client's request sequence")
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds before the memory baseline [default: duration/5, at most 60]"
    )
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between memory samples")
    parser.add_argument("--memory-bound", type=float, default=10.0, help="allowed growth in %% after warm-up")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else min(60.0, args.duration / 5)

    config = load_config()
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{args.clients} client processes for {args.duration:g} s, {args.abusive_share:.0%} abusive, seed {args.seed}; "
        f"koko serve --workers {args.workers} --processes {args.processes} --timeout {args.timeout:g}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        build_release(config, dist)
        catalogue = Catalogue.of(dist / "koko.nq", config.base)
        port = free_port()
        argv = [sys.executable, "-m", "koko", "serve", "--data", str(dist), "--port", str(port)]
        argv += ["--workers", str(args.workers), "--processes", str(args.processes), "--timeout", f"{args.timeout:g}"]
        ready = Target("koko", port, "/-/static/koko.css", rows=None)
        with process("koko", argv, Path(tmp) / "koko.log", ready) as server:
            samples: list[tuple[float, int, int, int]] = []
            stop = threading.Event()
            watcher = threading.Thread(target=sampler, args=(server.pid, args.sample, stop, samples), daemon=True)
            watcher.start()
            time.sleep(0.5)  # the idle sample first
            context = multiprocessing.get_context("spawn")
            barrier = context.Barrier(args.clients + 1)
            with context.Pool(args.clients, initializer=_started, initargs=(barrier,)) as pool:
                # The clock starts once every client process is up: on a busy machine starting 16 takes seconds.
                barrier.wait(timeout=300)
                start_at = time.time() + 0.5
                stop_at = start_at + args.duration
                jobs = [
                    Job(n, port, args.seed, start_at, stop_at, args.abusive_share, catalogue, config.base)
                    for n in range(args.clients)
                ]
                done = pool.map_async(client, jobs, chunksize=1).get(timeout=args.duration + 600)
            elapsed = max(end for *_, end in done) - start_at
            stop.set()  # the sampler takes its last sample, the end figure, with the server still up
            watcher.join()
            stopping = time.monotonic()
        # process() has sent SIGTERM to the server's group and waited for it: what a service manager does.
        stopped = round(time.monotonic() - stopping, 2)
        log = (Path(tmp) / "koko.log").read_text(errors="replace")
        records = [record for records, *_ in done for record in records]
        problems = [problem for _, found, *_ in done for problem in found]
        if "Traceback" in log:
            problems.append("server log: " + log[log.index("Traceback") :][:1500])
        memory = memory_figures(samples, start_at, warmup, args.memory_bound, args.processes + 1)
        summary = summarise(records, problems, elapsed, memory, args)
        summary["server_exit"], summary["server_stop_seconds"] = server.returncode, stopped
        summary["server_log_tail"] = log[-2000:]
    report(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
