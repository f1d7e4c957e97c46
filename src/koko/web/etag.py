"""An entity tag per release and request, and 304 Not Modified for a client that holds the answer already.

An embedded release never changes while it is served, and every answer is a function of the release and
the request (output is deterministic). So the tag of a GET is a digest of the release's N-Quads and of
everything the answer depends on: the path and query string, and the Accept, Accept-Language and Host
headers (content negotiation, the page's language, the absolute URLs in a description). A client that
sends the tag back in ``If-None-Match`` gets 304 before anything is computed: no page rendered, no query
run. A remote store (``koko serve --store``) can change under the server, so its answers carry no tag;
the static files keep the tags Starlette gives them.
"""

from __future__ import annotations

import hashlib

from starlette.types import Message, Scope, Send

from koko.release.published import QUADS_FILE, ReleaseFiles

#: The request headers an answer depends on besides its URL.
VARYING = (b"accept", b"accept-language", b"host")
STATIC = "/-/static/"


def release_tag(files: ReleaseFiles) -> str:
    """The part of every tag that names the release: its N-Quads' digest (the one the dataset description gives)."""
    return files.sha256(QUADS_FILE)[:16]


def tag_of(release: str, scope: Scope) -> str | None:
    """The tag of a GET or HEAD answer (None: the request gets none)."""
    if scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(STATIC):
        return None
    sha = hashlib.sha256(scope["path"].encode("utf-8", "surrogateescape") + b"?" + scope["query_string"])
    for name, value in sorted(scope["headers"]):
        if name in VARYING:
            sha.update(b"\0" + name + b":" + value)
    return f'"{release}-{sha.hexdigest()[:16]}"'


def matches(scope: Scope, tag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``tag`` (weakly compared, as RFC 9110 asks for GET)."""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            given = [item.strip().removeprefix("W/") for item in value.decode("latin-1").split(",")]
            if "*" in given or tag in given:
                return True
    return False


def tagging(send: Send, tag: str) -> Send:
    """``send`` that adds the tag to a 200 answer which has none of its own."""

    async def send_tagged(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"etag" for name, _ in headers):
                message = {**message, "headers": [*headers, (b"etag", tag.encode("ascii"))]}
        await send(message)

    return send_tagged
