"""What the test modules share: the ``koko`` command line (in this process or as a process of its own), one
HTTP request to a test server, ``http.server`` fakes in a thread, waiting for a server process, and
``no_connection``, the listener that proves nothing was fetched. (A free port: ``tools.free_port``.)"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

from click.testing import CliRunner, Result

from koko.cli import main

# --- the command line --------------------------------------------------------------------------------------------


def koko(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """``koko args`` through click's test runner, in this process; ``env`` is set for the run (None unsets)."""
    return CliRunner().invoke(main, list(args), env=env)


def koko_process(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """``python -m koko args`` as a process of its own, its output captured as text; ``env`` is added to ours."""
    return subprocess.run(
        [sys.executable, "-m", "koko", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=check,
    )


# --- HTTP to a test server ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    """An HTTP answer: the headers by lower-case name (``raw_headers`` as they came), and how long it took."""

    status: int
    headers: dict[str, str]
    body: bytes
    raw_headers: list[tuple[str, str]] = field(default_factory=list)
    took: float = 0.0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]

    def json(self) -> dict:
        return json.loads(self.body)

    def rows(self) -> list[dict[str, str]]:
        """The values of SPARQL JSON results, a dict per solution."""
        return [{k: v["value"] for k, v in b.items()} for b in self.json()["results"]["bindings"]]


def call(
    url: str,
    method: str = "GET",
    target: str | None = None,
    body: bytes | Iterable[bytes] | None = None,
    *,
    timeout: float = 60,
    **headers: str,
) -> Answer:
    """One request to the server of ``url`` for ``target`` sent as written (by default the URL's own path and
    query), with exactly these headers (``Content_Type=`` for Content-Type) and those http.client adds: Host
    unless one is given, and Accept-Encoding. A body given as an iterator goes out chunked.

    http.client, not urllib: urllib would add a Content-Type to every POST, follow redirects and take a proxy
    from the environment."""
    address = urlsplit(url)
    if target is None:
        target = (address.path or "/") + (f"?{address.query}" if address.query else "")
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, target, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        raw = response.getheaders()
        return Answer(response.status, {k.lower(): v for k, v in raw}, response.read(), raw, time.monotonic() - started)
    finally:
        connection.close()


def fetch(
    root: str, path: str = "", accept: str | None = None, method: str = "GET", body: bytes | None = None, **headers: str
) -> Answer:
    """``root``, or ``path`` below it (with or without its leading '/'), with this Accept header if any."""
    url = root.rstrip("/") + "/" + path.lstrip("/") if path else root
    return call(url, method, body=body, **({"Accept": accept} if accept else {}), **headers)


def sparql_get(root: str, query: str | None = None, accept: str | None = None, **params: str) -> Answer:
    """A SPARQL protocol GET at ``root``'s /sparql: the query, then ``params`` (``default_graph_uri=`` sends
    default-graph-uri)."""
    fields = ([("query", query)] if query is not None else []) + [(k.replace("_", "-"), v) for k, v in params.items()]
    return call(root, target="/sparql?" + urlencode(fields), **({"Accept": accept} if accept else {}))


# --- servers -----------------------------------------------------------------------------------------------------


class LocalHTTPServer(ThreadingHTTPServer):
    """An ``http.server`` on a free port of 127.0.0.1 that serves from a thread while its with-block runs, and
    is shut down and closed at its end."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self):
        # A short poll: shutdown() waits for it, at the end of every test.
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Return once ``url`` gets an HTTP answer, whatever its status: the server ``process`` runs is up. Fails
    if the process exits first (with what it wrote to stderr) or nothing answers in time."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            said = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"{' '.join(map(str, process.args))} exited before it answered: {said}")
        try:
            call(url, timeout=1)
            return
        except (OSError, http.client.HTTPException):
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer from {url} within {seconds} s") from None
            time.sleep(0.05)


@contextlib.contextmanager
def server_process(command: list[str], ready: str, **popen: Any) -> Iterator[subprocess.Popen]:
    """``command`` run as a server, its stderr piped: the block begins once ``ready`` (a URL) answers, and the
    server is stopped at its end with SIGTERM (killed after 10 s) unless it has stopped already."""
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen) as process:
        try:
            wait_for(ready, process)
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


# --- nothing fetched ---------------------------------------------------------------------------------------------


def _listening_sockets() -> list[socket.socket]:
    """A socket listening on 127.0.0.1 and, where the machine has IPv6, one on [::1] at the same port."""
    for _ in range(20):
        ipv4 = socket.socket()
        ipv4.bind(("127.0.0.1", 0))
        ipv4.listen(16)
        try:
            ipv6 = socket.socket(socket.AF_INET6)
        except OSError:
            return [ipv4]  # no IPv6 here
        try:
            ipv6.bind(("::1", ipv4.getsockname()[1]))
        except OSError as exc:
            ipv6.close()
            if exc.errno != errno.EADDRINUSE:
                return [ipv4]  # no IPv6 loopback here
            ipv4.close()  # the port is taken on [::1]: try another
            continue
        ipv6.listen(16)
        return [ipv4, ipv6]
    raise RuntimeError("no port of 127.0.0.1 is free on [::1] too")


@contextlib.contextmanager
def no_connection(grace: float = 0.1) -> Iterator[str]:
    """``http://127.0.0.1:PORT/``, a URL nothing may connect to while the block runs: the test fails at the
    end of the block if anything did, even a connection closed again. ``localhost`` and ``[::1]`` at that
    port are watched too, where the machine has IPv6.

    A listening socket rather than a patched library function, so that it sees every client, whatever code
    it connects with. Whatever connects is closed at once, so that a client fails instead of waiting for an
    answer; ``grace`` is how long the end of the block waits for a connection still on its way."""
    sockets = _listening_sockets()
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/"
    connected: list[object] = []
    stop = threading.Event()

    def refuse() -> None:
        while True:
            ready = select.select(sockets, [], [], 0.01)[0]
            for sock in ready:
                connection, peer = sock.accept()
                connection.close()
                connected.append(peer)
            if stop.is_set() and not ready:  # one last look after the block ended
                return

    watcher = threading.Thread(target=refuse, daemon=True)
    watcher.start()
    try:
        yield url
        time.sleep(grace)
    finally:
        stop.set()
        watcher.join()
        for sock in sockets:
            sock.close()
    assert not connected, f"something connected to {url}, which nothing may fetch from: {connected}"
