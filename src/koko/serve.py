"""Run the web application: ``koko serve`` in the foreground, or in a thread for tests and benchmarks.

The query workers start before the server accepts connections and are stopped when it
stops, whichever way it stops.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import uvicorn

from .published import Published
from .server_config import ServerConfig
from .web import create_app
from .workers import WorkerPool


def _uvicorn(app: object, settings: ServerConfig) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
        limit_concurrency=1000,
        timeout_keep_alive=5,
    )
    return uvicorn.Server(config)


def serve(published: Published, settings: ServerConfig) -> None:
    """Serve until interrupted."""
    with WorkerPool(published.nquads, settings.workers) as pool:
        _uvicorn(create_app(published, settings, pool), settings).run()


@contextlib.contextmanager
def running(published: Published, settings: ServerConfig) -> Iterator[str]:
    """A server on a free port of ``settings.host`` in a background thread; yields its root URL
    (``http://127.0.0.1:PORT/``) and stops it, workers included, on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    port = sock.getsockname()[1]
    with WorkerPool(published.nquads, settings.workers) as pool:
        server = _uvicorn(create_app(published, settings, pool), settings)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise RuntimeError("the server did not start")
                thread.join(0.01)
            yield f"http://{settings.host}:{port}/"
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()
