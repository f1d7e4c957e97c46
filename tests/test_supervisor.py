"""The supervisor of ``koko serve``: a runaway query gets its serving process replaced and ended, a dead one is
replaced, a serving process outlives no supervisor, and a release that cannot be served is an error."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import sparql_get
from koko.errors import KokoError
from koko.pages.backend import INDEX_LIMIT
from koko.web.config import load_server_config
from koko.web.serve import AUTO_PROCESSES, GRACE, bind, processes_for, root_url
from koko.web.serving import CUT_OFF
from koko.web.supervisor import Plan, Supervisor, _Serving

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SITES_PER_STATE = """PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state (COUNT(?site) AS ?sites) WHERE {
  ?site a koko:Site ; koko:municipality/koko:federalState/rdfs:label ?state FILTER(lang(?state) = "de")
} GROUP BY ?state ORDER BY ?state"""
STATES = {"Sachsen": 7, "Sachsen-Anhalt": 9, "Thüringen": 11}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, published) -> Path:
    out = tmp_path_factory.mktemp("release")
    for name in published.files:
        (out / name).write_bytes(published.files[name])
    return out


def _plan(config, folder: Path, timeout: int) -> Plan:
    return Plan(config, folder, load_server_config({"port": 0, "timeout": timeout, "workers": 2}, {}))


@contextlib.contextmanager
def supervised(plan: Plan) -> Iterator[tuple[Supervisor, str]]:
    sock = bind(plan.settings)
    supervisor = Supervisor(plan, sock, GRACE)
    try:
        supervisor.start()
        watching = threading.Thread(target=supervisor.watch, daemon=True)
        watching.start()
        yield supervisor, root_url(sock)
        supervisor.request_stop()
        watching.join(10)
    finally:
        supervisor.close()
        sock.close()


def _until(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _states(root: str) -> dict[str, int]:
    answer = sparql_get(root, SITES_PER_STATE)
    assert answer.status == 200, answer.body
    return {row["state"]: int(row["sites"]) for row in answer.rows()}


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_a_runaway_query_gets_its_serving_process_replaced_and_ended(config, folder) -> None:
    with supervised(_plan(config, folder, 1)) as (supervisor, root):
        (first,) = supervisor.serving
        started = time.monotonic()
        slow = sparql_get(root, RUNAWAY)
        assert slow.status == 503
        assert b"took longer than 1 s and was stopped" in slow.body
        assert time.monotonic() - started < 3
        assert _states(root) == STATES  # answered during the swap, by either process
        assert _until(lambda: supervisor.serving and supervisor.serving != (first,))
        assert _until(lambda: _gone(first)), "the old process, and the runaway query in it, ended"
        assert _states(root) == STATES
        assert supervisor.replaced == 1


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_a_serving_process_that_dies_is_replaced(config, folder) -> None:
    with supervised(_plan(config, folder, 5)) as (supervisor, root):
        (first,) = supervisor.serving
        os.kill(first, signal.SIGKILL)
        assert _until(lambda: supervisor.serving and supervisor.serving != (first,))
        assert _states(root) == STATES


def test_a_serving_process_ends_itself_when_its_supervisor_is_gone(config, folder) -> None:
    """A killed server cannot stop its serving process: one left with a runaway query (seen spinning for an hour
    after a test run was killed) stops once the control socket closes, answers the query 503, and exits."""
    plan = _plan(config, folder, 60)
    sock = bind(plan.settings)
    serving = _Serving(plan, sock)
    try:
        serving.control.settimeout(30)
        assert json.loads(serving.control.recv(4096))[0] == "ready"
        answers: list = []
        asking = threading.Thread(target=lambda: answers.append(sparql_get(root_url(sock), RUNAWAY)))
        asking.start()
        time.sleep(0.5)  # the query runs now
        started = time.monotonic()
        serving.control.close()  # the supervisor is gone
        assert serving.process.wait(timeout=GRACE + CUT_OFF + 10) == 0
        assert time.monotonic() - started < GRACE + CUT_OFF + 5
        asking.join(10)
        assert answers[0].status == 503
        assert answers[0].headers["retry-after"] == "1"
    finally:
        if serving.process.poll() is None:
            serving.process.kill()
        sock.close()


def test_a_release_folder_that_cannot_be_loaded_is_an_error_naming_the_file(config, tmp_path: Path) -> None:
    (tmp_path / "koko.nq").write_bytes(b"<urn:a> <urn:b> .\n")
    sock = bind(load_server_config({"port": 0}, {}))
    supervisor = Supervisor(_plan(config, tmp_path, 5), sock, GRACE)
    try:
        with pytest.raises(KokoError, match=r"koko\.nq.*cannot load"):
            supervisor.start()
        assert supervisor.serving == ()
    finally:
        supervisor.close()
        sock.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_with_two_serving_processes_a_runaway_replaces_only_its_own(config, folder) -> None:
    plan = Plan(config, folder, load_server_config({"port": 0, "timeout": 1, "workers": 1, "processes": 2}, {}))
    with supervised(plan) as (supervisor, root):
        first = set(supervisor.serving)
        assert len(first) == 2
        assert sparql_get(root, RUNAWAY).status == 503
        assert _until(lambda: len(supervisor.serving) == 2 and set(supervisor.serving) != first)
        kept = first & set(supervisor.serving)
        assert len(kept) == 1, "the other process serves on"
        (ended,) = first - kept
        assert _until(lambda: _gone(ended))
        assert _states(root) == STATES
        assert supervisor.replaced == 1


def test_the_release_gets_a_serving_process_per_core_and_a_large_one_a_single_one(folder, tmp_path: Path) -> None:
    settings = load_server_config({"port": 0}, {})
    assert processes_for(settings, folder) == min(os.cpu_count() or 1, AUTO_PROCESSES)
    large = tmp_path / "large"
    large.mkdir()
    (large / "koko.nq").write_bytes(b"<urn:a> <urn:b> <urn:c> <urn:g> .\n" * (INDEX_LIMIT + 1))
    assert processes_for(settings, large) == 1
    assert processes_for(load_server_config({"port": 0, "processes": "3"}, {}), large) == 3


async def _hello(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Dresden\n"})


def test_a_connection_accepted_just_before_a_stop_gets_its_answer() -> None:
    """A replaced serving process shares the listening socket: a client it accepted a moment before the stop
    sends its request after the stop began, and must get an answer, not a closed connection."""
    import asyncio
    import socket

    from koko.web.serve import ACCEPTED_GRACE, uvicorn_server

    loops: list[asyncio.AbstractEventLoop] = []
    ready = threading.Event()
    server = uvicorn_server(_hello, lambda: (loops.append(asyncio.get_running_loop()), ready.set()))
    listener = bind(load_server_config({"port": 0}, {}))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        with socket.create_connection(listener.getsockname()[:2], timeout=10) as client:
            deadline = time.monotonic() + 5
            while not server.server_state.connections and time.monotonic() < deadline:
                time.sleep(0.01)  # accepted, no request yet
            stopping = asyncio.run_coroutine_threadsafe(server.shutdown(), loops[0])
            time.sleep(ACCEPTED_GRACE / 5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = client.recv(4096)
            stopping.result(10)
        assert answer.startswith(b"HTTP/1.1 200")
        assert b"Dresden\n" in answer
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
