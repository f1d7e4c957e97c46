"""One request straight into an ASGI app, without a server: for apps built on purpose (a failing pool, a
forged Host header) that a test does not want to run on a socket."""

from __future__ import annotations

import asyncio


def asgi_call(app, scope: dict) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body of the app's answer to ``scope`` (an HTTP request without a body)."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "http", "http_version": "1.1", **scope}, receive, send))
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])
