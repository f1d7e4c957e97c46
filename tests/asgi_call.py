"""One request straight into an ASGI app, without a server: for apps built on purpose (a failing pool, a
forged Host header) that a test does not want to run on a socket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


def asgi_call(app, scope: dict, after_answer: Callable[[Exception], object] | None = None) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body of the app's answer to ``scope`` (an HTTP request without a body).

    An error the app raises once it has answered goes to ``after_answer`` where one is given, to be checked
    there: Starlette re-raises the error its 500 answer was for."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    try:
        asyncio.run(app({"type": "http", "http_version": "1.1", **scope}, receive, send))
    except Exception as exc:
        if after_answer is None or not sent:
            raise
        after_answer(exc)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])
