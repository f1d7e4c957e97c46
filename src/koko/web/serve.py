"""Run the web application: ``koko serve`` in the foreground, or in a thread for tests and benchmarks.

The listening socket is bound first, so a taken port is a clear error before anything starts. On the
embedded store the server is a supervisor and one serving process (:mod:`koko.web.supervisor`), which
is replaced when a query runs away; in front of a remote store (``--store``), whose queries end by their
own timeout, this process serves itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import os
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from koko.errors import KokoError
from koko.pages.backend import INDEX_LIMIT
from koko.release.published import QUADS_FILE, Release
from koko.store.backend import connect
from koko.web.app import create_app
from koko.web.config import ServerConfig
from koko.web.supervisor import Plan, Supervisor

# Seconds the requests in flight get to finish once a serving process is told to stop (Ctrl-C, SIGTERM, its
# replacement serves). Pages and most queries take milliseconds; a long query is cut off instead of holding
# the stop up to the query timeout, and the whole stop stays well inside docker's 10 s before SIGKILL.
GRACE = 2.0
#: At a stop, how long a connection accepted just before has to send its request before it is closed as idle.
ACCEPTED_GRACE = 0.25


class _Server(uvicorn.Server):
    """uvicorn's server, which calls ``started`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, started: Callable[[], None]):
        super().__init__(config)
        self._started = started

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn closes at once every connection without a request under way, also one it accepted a moment
        # ago whose request has not been read yet: that client sees the connection closed without an answer
        # (a replaced serving process, which shares the socket, hit it in a test). Stop accepting, give such
        # requests ACCEPTED_GRACE to arrive, and only then let uvicorn close the idle connections.
        for server in self.servers:
            server.close()
        await asyncio.sleep(ACCEPTED_GRACE)
        await super().shutdown(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._started()


def uvicorn_server(app: ASGIApp, started: Callable[[], None] = lambda: None, drain: float = GRACE) -> uvicorn.Server:
    """uvicorn for ``app``; ``started`` is called once it accepts connections, and the requests in flight at a stop
    get ``drain`` seconds before uvicorn itself cancels them (a backstop: koko.web.serving ends them first)."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        # No X-Forwarded-* is trusted: behind a proxy, the public URL is configured (public_url).
        proxy_headers=False,
        lifespan="off",
        limit_concurrency=1000,
        timeout_keep_alive=5,
        # Whole seconds, as uvicorn takes them. Cancelled by uvicorn, a request would get a 500 and a traceback.
        timeout_graceful_shutdown=math.ceil(drain) + 3,
    )
    return _Server(config, started)


class _Terminated(Exception):
    """SIGTERM arrived (systemd, docker stop, kill): a stop as orderly as Ctrl-C's."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def bind(settings: ServerConfig) -> socket.socket:
    """The listening socket, or an error naming the address."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP; without it
    # each small keep-alive response waited ~40 ms for the client's delayed ACK (benchmarks/server.py).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        raise KokoError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from exc
    return sock


def root_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _remote(release: Release, settings: ServerConfig) -> tuple[uvicorn.Server, int]:
    """This process serving in front of ``settings.store`` (checked now): the server and the store's triples."""
    assert settings.store is not None
    backend = connect(settings.store, release.config.base, settings.timeout, settings.workers)
    return uvicorn_server(create_app(release, settings, backend)), backend.triples


@contextlib.contextmanager
def _release_folder(release: Release) -> Iterator[Path]:
    """A folder holding the release's files, for serving processes to load: its own, or a temporary one
    for a release built in memory (from the source, or with another profile), removed afterwards."""
    if release.files.folder is not None:
        yield release.files.folder
        return
    folder = Path(tempfile.mkdtemp(prefix="koko-serve-"))
    try:
        for name in release.files:
            (folder / name).write_bytes(release.files[name])
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: Serving processes at most when their number is left to koko (:func:`processes_for`).
AUTO_PROCESSES = 4


def processes_for(settings: ServerConfig, folder: Path) -> int:
    """How many serving processes: as configured, else one per core (at most :data:`AUTO_PROCESSES`) for a release
    small enough for the pages' index (the Python part of a request holds a core per process: more processes
    answer more requests), and one for a larger release, whose copies would cost more memory than cores help."""
    if settings.processes is not None:
        return settings.processes
    quads = 0
    with (folder / QUADS_FILE).open("rb") as nquads:
        while quads <= INDEX_LIMIT and (chunk := nquads.read(1 << 20)):
            quads += chunk.count(b"\n")
    return min(os.cpu_count() or 1, AUTO_PROCESSES) if quads <= INDEX_LIMIT else 1


@contextlib.contextmanager
def _supervised(release: Release, settings: ServerConfig, sock: socket.socket) -> Iterator[tuple[Supervisor, int]]:
    """The supervisor with its first serving process up: it and the number of triples served; all stopped on exit."""
    if QUADS_FILE not in release.files:
        raise KokoError("nothing to serve: give a release or a store")
    with _release_folder(release) as folder:
        settings = dataclasses.replace(settings, processes=processes_for(settings, folder))
        supervisor = Supervisor(Plan(release.config, folder, settings), sock, GRACE)
        try:
            triples = supervisor.start()
            yield supervisor, triples
        finally:
            supervisor.close()


def serve(release: Release, settings: ServerConfig, announce: Callable[[str, int], None]) -> None:
    """Serve until interrupted; ``announce`` is told the root URL and the number of triples once serving.

    Returns once SIGTERM has stopped the server; Ctrl-C raises KeyboardInterrupt after the same."""
    sock = bind(settings)
    # uvicorn (serving here in front of a remote store) catches SIGTERM, shuts down, then raises the signal
    # again with the handler it found: Python's default would kill the process there (exit -15, no message).
    # Ours unwinds instead, through the supervisor's close, which stops the serving processes.
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if settings.store is None:
            with _supervised(release, settings, sock) as (supervisor, triples):
                announce(root_url(sock), triples)
                supervisor.watch()
        else:
            server, triples = _remote(release, settings)
            announce(root_url(sock), triples)
            server.run(sockets=[sock])
    except _Terminated:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


@contextlib.contextmanager
def running(release: Release, settings: ServerConfig) -> Iterator[str]:
    """A server run from a background thread (``settings.port`` 0: a free port); yields its root URL
    (``http://127.0.0.1:PORT/``) and stops it, serving processes included, on exit."""
    sock = bind(settings)
    try:
        if settings.store is None:
            with _supervised(release, settings, sock) as (supervisor, _):
                thread = threading.Thread(target=supervisor.watch, daemon=True)
                thread.start()
                try:
                    yield root_url(sock)
                finally:
                    supervisor.request_stop()
                    thread.join(10)
        else:
            server, _ = _remote(release, settings)
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            try:
                while not server.started:
                    if not thread.is_alive():
                        raise RuntimeError("the server did not start")
                    thread.join(0.01)
                yield root_url(sock)
            finally:
                server.should_exit = True
                thread.join(10)
    finally:
        sock.close()
