"""``koko serve`` on the embedded store: one serving process at a time, replaced when a query runs away.

Clients' queries run in threads of the serving process, on the one store its pages read
(:class:`koko.sparql.execution.QueryThreads`): a light query then costs little more than the engine's own
time, and the data is held once. A thread cannot be stopped and pyoxigraph has no cancel, so the process
is what is replaced. When a query outlives the timeout its client is answered at once (503) and the
serving process says so; the supervisor starts a fresh one on the same listening socket, and once that
one serves, tells the old one to stop: it takes no more connections, gives what it is answering up to
the query timeout to finish, and exits, ending the runaway query. Until then it goes on answering (the
runaway gave up its place, :class:`~koko.sparql.execution.QueryThreads`), so no request waits for the
swap. A serving process that dies is replaced too.

The supervisor holds the listening socket and none of the data: a serving process reads the release
folder itself (:mod:`koko.web.serving`). They talk over a socket pair, one JSON array a line:

- serving process to supervisor: ``["ready", TRIPLES]``, ``["runaway"]``, ``["failed", MESSAGE]``;
- supervisor to serving process: ``["stop", SECONDS]``: take no more requests, and end those still in
  flight after SECONDS: the query timeout when replaced (a query that came in just before the swap gets
  its full time), the grace period when the server stops. A closed socket means the supervisor is gone
  (killed): the serving process then stops too, within the grace period, so that no runaway query
  outlives its server.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import selectors
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from koko.config import Config
from koko.errors import KokoError
from koko.web.config import ServerConfig

#: Seconds a stopped serving process gets beyond its own grace period before it is killed.
KILL_AFTER = 5.0


@dataclass(frozen=True)
class Plan:
    """What a serving process is started with: the release folder it loads and serves, and how."""

    config: Config
    folder: Path
    settings: ServerConfig
    # A replacement is ready only once its resource pages can answer at once (koko.pages.inferred): until
    # then the process it replaces answers them. The first process computes that in the background.
    replacing: bool = False


def receive(sock: socket.socket, pending: bytes) -> tuple[list[list[Any]] | None, bytes]:
    """The whole messages that arrived on a control socket (either side; None: the other side closed it),
    and the start of one still arriving, to pass back in next time."""
    try:
        data = sock.recv(65536)
    except OSError:
        data = b""
    if not data:
        return None, pending
    *lines, pending = (pending + data).split(b"\n")
    return [json.loads(line) for line in lines if line], pending


def send(sock: socket.socket, *message: Any) -> None:
    """One message over the control socket (either side); a socket already closed by the other side is no error."""
    with contextlib.suppress(OSError):
        sock.sendall(json.dumps(message).encode("utf-8") + b"\n")


class _Serving:
    """One serving process and its end of the control socket."""

    def __init__(self, plan: Plan, listener: socket.socket):
        ours, theirs = socket.socketpair()
        fds = (listener.fileno(), theirs.fileno())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "koko.web.serving", *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C at the terminal reaches the supervisor only; it stops the rest
        )
        theirs.close()
        stdin: IO[bytes] | None = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(pickle.dumps(plan))
            stdin.close()
        except OSError:  # it died at once; its exit is seen on the control socket
            pass
        self.control = ours
        self._pending = b""
        self.ready = False
        self.stopping = False
        self.failure: str | None = None
        self.replaces: _Serving | None = None  # the process this one takes over from, once it serves
        self.replacement: _Serving | None = None  # the process starting to take over from this one

    def messages(self) -> list[list[Any]] | None:
        """The messages that arrived (None: the process closed its end, it has ended)."""
        messages, self._pending = receive(self.control, self._pending)
        return messages

    def stop(self, seconds: float) -> None:
        """Take no more requests, and end those in flight after ``seconds`` (an earlier stop's deadline stays if sooner)."""
        self.stopping = True
        send(self.control, "stop", seconds)

    def end(self, wait: float) -> int:
        """Its exit code, once it has ended: within ``wait`` seconds, or killed."""
        try:
            code = self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.control.close()
        return code


class Supervisor:
    """Starts the ``plan.settings.processes`` serving processes of ``plan`` on ``listener`` and replaces them
    (:meth:`watch`). Each holds its own copy of the data: more than one is for a small release on many cores."""

    def __init__(self, plan: Plan, listener: socket.socket, grace: float):
        self._plan = plan
        self._listener = listener
        self._grace = grace
        self._selector = selectors.DefaultSelector()
        self._wake, self._waker = socket.socketpair()
        self._selector.register(self._wake, selectors.EVENT_READ)
        self._serving: list[_Serving] = []
        self._closing = False
        self.triples = 0
        self.replaced = 0  # serving processes started after the first: for tests and the log

    @property
    def serving(self) -> tuple[int, ...]:
        """The process ids of the serving processes that serve now (not starting, not stopping)."""
        return tuple(s.process.pid for s in list(self._serving) if s.ready and not s.stopping)

    def start(self) -> int:
        """Start the serving processes and wait until they serve; the number of triples they serve.
        :class:`KokoError` with the message of the first that cannot (a broken release folder)."""
        first = [self._spawn() for _ in range(self._plan.settings.processes or 1)]
        while not all(serving.ready for serving in first):
            self._step()
        return self.triples

    def watch(self) -> None:
        """Keep a serving process running until :meth:`request_stop` (or an exception, e.g. Ctrl-C)."""
        while not self._closing:
            self._step()

    def request_stop(self) -> None:
        """End :meth:`watch` (from any thread)."""
        self._closing = True
        send(self._waker, "wake")

    def close(self) -> None:
        """Stop every serving process: each finishes its requests within the grace period, or is killed."""
        self._closing = True
        for serving in self._serving:
            serving.stop(self._grace)
        deadline = time.monotonic() + self._grace + KILL_AFTER
        for serving in self._serving:
            serving.end(max(0.0, deadline - time.monotonic()))
        self._serving.clear()
        self._selector.close()
        self._wake.close()
        self._waker.close()

    def _spawn(self, replaces: _Serving | None = None) -> _Serving:
        serving = _Serving(replace(self._plan, replacing=replaces is not None), self._listener)
        serving.replaces = replaces
        if replaces is not None:
            replaces.replacement = serving
        self._serving.append(serving)
        self._selector.register(serving.control, selectors.EVENT_READ, serving)
        return serving

    def _step(self) -> None:
        for key, _ in self._selector.select():
            if key.data is None:
                self._wake.recv(4096)
                continue
            serving: _Serving = key.data
            messages = serving.messages()
            if messages is None:
                self._ended(serving)
                continue
            for message in messages:
                self._handle(serving, message)

    def _handle(self, serving: _Serving, message: list[Any]) -> None:
        kind = message[0]
        if kind == "ready":
            serving.ready = True
            self.triples = int(message[1])
            old, serving.replaces = serving.replaces, None
            if old is not None and not old.stopping:
                old.stop(self._plan.settings.timeout)
        elif kind == "runaway" and not serving.stopping and serving.replacement is None:
            self.replaced += 1
            print("koko: a query ran past the timeout; starting a fresh serving process to end it", file=sys.stderr)
            self._spawn(replaces=serving)
        elif kind == "failed":
            serving.failure = str(message[1])

    def _ended(self, serving: _Serving) -> None:
        self._selector.unregister(serving.control)
        self._serving.remove(serving)
        code = serving.end(KILL_AFTER)  # its socket closed: it is ending
        if serving.replaces is not None:  # a replacement that never served: the old one serves on
            serving.replaces.replacement = None
        if serving.stopping or self._closing:
            return
        failure = serving.failure or f"the serving process ended with exit code {code}"
        if not serving.ready and serving.replaces is None:
            raise KokoError(failure)  # one of the first never served: koko serve cannot start
        print(f"koko: {failure}", file=sys.stderr)
        if serving.ready and serving.replacement is None:  # it crashed while serving: a fresh one takes over
            self.replaced += 1
            self._spawn()
