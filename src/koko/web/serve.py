"""Run the web application: ``koko serve`` in the foreground, or in a thread for tests and benchmarks.

The listening socket is bound first, so a taken port is a clear error before anything
starts; then the query workers start, and they are stopped when the server stops,
whichever way it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from koko.errors import KokoError
from koko.pages.backend import Backend, embedded
from koko.release.published import Published, Release
from koko.sparql.workers import WorkerPool
from koko.store.backend import connect
from koko.web.app import create_app
from koko.web.config import ServerConfig

# Seconds the requests in flight get to finish once the server is told to stop (Ctrl-C, SIGTERM). Pages and
# most queries take milliseconds; a long query is cut off instead of holding the stop up to the query timeout,
# and the whole stop stays well inside docker's 10 s before SIGKILL.
GRACE = 2.0


class _Server(uvicorn.Server):
    """uvicorn's server, which calls ``stopped`` when the grace period of a shutdown is over."""

    def __init__(self, config: uvicorn.Config, stopped: Callable[[], None]):
        super().__init__(config)
        self._stopped = stopped

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # A request still waiting for a worker would hold the shutdown until its query's timeout (uvicorn waits
        # for it, then asyncio.run for its thread). Stopping the workers when the grace period ends answers it
        # at once, with an error, before uvicorn's own later deadline would cancel it with a traceback in the log.
        timer = asyncio.get_running_loop().call_later(GRACE, self._stopped)
        try:
            await super().shutdown(sockets)
        finally:
            timer.cancel()
        self._stopped()


def _uvicorn(app: ASGIApp, stopped: Callable[[], None] = lambda: None) -> uvicorn.Server:
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
        # A backstop for what the workers do not hold (--store), in the whole seconds uvicorn takes.
        timeout_graceful_shutdown=math.ceil(GRACE) + 3,
    )
    return _Server(config, stopped)


def _stop_workers(backend: Backend) -> Callable[[], None]:
    pool = getattr(backend, "pool", None)  # the embedded store's; a remote store's requests end by their own timeout
    return pool.close if isinstance(pool, WorkerPool) else lambda: None


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


@contextlib.contextmanager
def _embedded(published: Published, workers: int) -> Iterator[Backend]:
    with WorkerPool(published.nquads, workers) as pool:
        yield embedded(published, pool)


def backend_for(release: Release, settings: ServerConfig) -> AbstractContextManager[Backend]:
    """The data to serve: the remote store of ``settings.store`` (checked now), or the release in the
    embedded store with ``settings.workers`` query workers (stopped on exit)."""
    if settings.store is not None:
        return contextlib.nullcontext(connect(settings.store, release.config.base, settings.timeout, settings.workers))
    if not isinstance(release, Published):
        raise KokoError("nothing to serve: give a release or a store")
    return _embedded(release, settings.workers)


def serve(release: Release, settings: ServerConfig, announce: Callable[[str, Backend], None]) -> None:
    """Serve until interrupted; ``announce`` is told the root URL and the backend once the socket is bound.

    Returns once SIGTERM has stopped the server and its workers; Ctrl-C raises KeyboardInterrupt after the same."""
    sock = bind(settings)
    # uvicorn catches SIGTERM while it runs, shuts down, then raises the signal again with the handler it found:
    # Python's default would kill the process there (exit -15, no message) with the workers still running.
    # Ours unwinds instead, through the pool's exit, which kills the workers.
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with backend_for(release, settings) as backend:
            server = _uvicorn(create_app(release, settings, backend), _stop_workers(backend))
            announce(root_url(sock), backend)
            server.run(sockets=[sock])
    except _Terminated:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


@contextlib.contextmanager
def running(release: Release, settings: ServerConfig) -> Iterator[str]:
    """A server in a background thread (``settings.port`` 0: a free port); yields its root URL
    (``http://127.0.0.1:PORT/``) and stops it, workers included, on exit."""
    sock = bind(settings)
    try:
        with backend_for(release, settings) as backend:
            server = _uvicorn(create_app(release, settings, backend))
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
