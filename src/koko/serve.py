"""Run the web application: ``koko serve`` in the foreground, or in a thread for tests and benchmarks.

The listening socket is bound first, so a taken port is a clear error before anything
starts; then the query workers start, and they are stopped when the server stops,
whichever way it stops.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import uvicorn

from .backend import Backend, embedded
from .errors import KokoError
from .published import Published, Release
from .remote_store import connect
from .server_config import ServerConfig
from .web import create_app
from .workers import WorkerPool


def _uvicorn(app: object) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
        limit_concurrency=1000,
        timeout_keep_alive=5,
    )
    return uvicorn.Server(config)


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
    """Serve until interrupted; ``announce`` is told the root URL and the backend once the socket is bound."""
    sock = bind(settings)
    try:
        with backend_for(release, settings) as backend:
            server = _uvicorn(create_app(release, settings, backend))
            announce(root_url(sock), backend)
            server.run(sockets=[sock])
    finally:
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
