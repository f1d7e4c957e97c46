"""A real Oxigraph server for the tests (``pip install oxigraph``, a test dependency): on a free port
of 127.0.0.1, its data in a folder of the test's, stopped by its PID whatever happens."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tools import venv_program


@contextlib.contextmanager
def oxigraph(location: Path, *flags: str) -> Iterator[str]:
    """``oxigraph serve`` with ``flags`` (e.g. ``--union-default-graph``); yields its root URL, ending in '/'
    (endpoints ``query``, ``update``, ``store``)."""
    binary = venv_program("oxigraph")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = f"http://127.0.0.1:{port}/"
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *flags]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"oxigraph did not start: {process.stderr.read() if process.stderr else ''}")
                try:
                    with urllib.request.urlopen(root + "query?query=ASK%7B%7D", timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield root
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
