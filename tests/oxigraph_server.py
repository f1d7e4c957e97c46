"""A real Oxigraph server for the tests (``pip install oxigraph``, a test dependency): on a free port
of 127.0.0.1, its data in a folder of the test's, stopped by its PID whatever happens."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from helpers import call, server_process
from tools import free_port, venv_program


@contextlib.contextmanager
def oxigraph(location: Path, *flags: str) -> Iterator[str]:
    """``oxigraph serve`` with ``flags`` (e.g. ``--union-default-graph``); yields its root URL, ending in '/'
    (endpoints ``query``, ``update``, ``store``)."""
    binary = venv_program("oxigraph")
    port = free_port()
    root = f"http://127.0.0.1:{port}/"
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *flags]
    with server_process(command, root + "query?query=ASK%7B%7D"):
        yield root


def load(root: str, nquads: bytes) -> None:
    """Put ``nquads`` into the server at ``root`` in one Graph Store request, each quad into its named graph."""
    answer = call(root + "store", "POST", body=nquads, timeout=120, Content_Type="application/n-quads")
    assert answer.status in (200, 201, 204), answer.body
