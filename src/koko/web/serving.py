"""A serving process of ``koko serve`` (started by :mod:`koko.web.supervisor`, never by hand).

``python -m koko.web.serving LISTEN_FD CONTROL_FD`` reads its :class:`~koko.web.supervisor.Plan` from stdin,
loads the release folder into one store, and serves on the supervisor's listening socket until told to
stop. Clients' queries run in its :class:`~koko.sparql.execution.QueryThreads`; one that runs away is
reported to the supervisor, which replaces this process. The process ends with :func:`os._exit`: a
runaway query's thread cannot be joined, and ending is what stops it.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import socket
import sys
import threading
import time

from koko.errors import KokoError
from koko.pages.backend import for_serving
from koko.release.published import publish_from_release
from koko.sparql.execution import QueryThreads
from koko.web.app import create_app
from koko.web.serve import GRACE, uvicorn_server
from koko.web.supervisor import Plan, receive, send

#: Seconds between answering the queries cut off by a stop and ending the process.
CUT_OFF = 0.5


class _Stop:
    """When this process stops taking requests, and the deadline of those in flight, as the supervisor says."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._deadline: float | None = None

    def by(self, seconds: float) -> None:
        """Stop now, and cut off what is in flight ``seconds`` from now (or earlier, if an earlier stop said so)."""
        with self._changed:
            deadline = time.monotonic() + seconds
            self._deadline = deadline if self._deadline is None else min(self._deadline, deadline)
            self._changed.notify_all()

    def wait_for_stop(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._deadline is not None)

    def wait_for_deadline(self) -> None:
        with self._changed:
            while self._deadline is not None and (left := self._deadline - time.monotonic()) > 0:
                self._changed.wait(left)


def _follow(control: socket.socket, stop: _Stop) -> None:
    """Read the supervisor's stops; when its socket closes (it is gone), stop within the grace period."""
    pending = b""
    while True:
        messages, pending = receive(control, pending)
        if messages is None:
            stop.by(GRACE)
            return
        for message in messages:
            if message[0] == "stop":
                stop.by(float(message[1]))


def main(listen_fd: int, control_fd: int) -> None:
    plan: Plan = pickle.load(sys.stdin.buffer)
    control = socket.socket(fileno=control_fd)
    listener = socket.socket(fileno=listen_fd)
    try:
        published = publish_from_release(plan.config, plan.folder)
    except KokoError as exc:
        send(control, "failed", str(exc))
        os._exit(2)
    threads = QueryThreads(published.store, plan.settings.workers, runaway=lambda: send(control, "runaway"))
    loops: list[asyncio.AbstractEventLoop] = []

    def started() -> None:
        loops.append(asyncio.get_running_loop())
        send(control, "ready", published.triples)

    # A replaced process gives its requests up to the query timeout, then answers what is left (CUT_OFF).
    drain = max(GRACE, plan.settings.timeout) + CUT_OFF
    app = create_app(published, plan.settings, for_serving(published, threads))
    derived = app.state.service.linked_data.derived
    if derived is not None:  # the entailments and SHACL findings of the resource pages (~3 s of one core)
        if plan.replacing:  # before "ready": the process replaced answers the pages meanwhile
            derived.get()
        else:  # in the background: pages asked for meanwhile wait for it, nothing else does
            derived.warm()
    server = uvicorn_server(app, started, drain)
    stop = _Stop()

    def stopping() -> None:
        stop.wait_for_stop()
        server.should_exit = True  # no new connections; the requests in flight get until the deadline
        stop.wait_for_deadline()
        for loop in loops:  # queries still running or waiting are answered 503, to try again
            loop.call_soon_threadsafe(threads.stop)
        # A moment to send those answers; then the process ends, a runaway query with it.
        time.sleep(CUT_OFF)
        os._exit(0)

    threading.Thread(target=_follow, args=(control, stop), daemon=True).start()
    threading.Thread(target=stopping, daemon=True).start()
    server.run(sockets=[listener])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
