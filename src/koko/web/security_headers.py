"""What every answer tells the browser, and which Host header a request may bring.

:class:`SecurityHeaders` is a pure ASGI middleware (it passes streamed bodies through untouched,
unlike Starlette's ``BaseHTTPMiddleware``, which buffers them). It wraps the whole application,
so pages, RDF, SPARQL results, static files and error answers, 500 included, all carry
:data:`HEADERS`; a response that sets one of them itself keeps its own value.

The Content-Security-Policy fits the pages exactly: they run JavaScript only from script files under
``/-/static/`` (the SPARQL editor; every page works without it), never inline (the JSON-LD in
``<script type="application/ld+json">`` and the editor's terms in ``application/json`` are data
blocks, which browsers never execute), load nothing from other hosts, use one style sheet from
``/-/static/`` and, in the two SVG pictures, one ``<style>`` element, allowed by its hash rather than
by ``'unsafe-inline'``. The editor's own styles need no more: CodeMirror 6 (style-mod) puts them into
a constructed style sheet (``document.adoptedStyleSheets``) and sets element styles through the CSSOM
(``element.style``), neither of which ``style-src`` governs; only a browser without constructable style
sheets would fall back to a ``<style>`` element, which this policy blocks (the editor then works unstyled). The static site's
rules for Apache and nginx (``templates/site/``) send the same headers; a test holds them equal.

The middleware also replaces a Host header that is not a plain ``host[:port]`` with the address
the server is bound to: the Host is the only part of an absolute URL a client chooses, and a value
such as ``evil.example/x@`` must not reach a redirect or a description the server writes.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from koko.pages.render import TEMPLATES


def style_hashes(text: str) -> list[str]:
    """The CSP source of each ``<style>`` element in ``text``: what lets exactly that CSS apply.

    >>> style_hashes("<svg><style>a { fill: red; }</style></svg>")
    ["'sha256-0cQAEkgXYYgQma3yyPyb3+6QWgrXpWu/YVvHlGmpyuM='"]
    """
    found = re.findall(r"<style>(.*?)</style>", text, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(css.encode('utf-8')).digest()).decode('ascii')}'" for css in found]


#: The pictures' inline styles (the same element in both, inline in the home page and as SVG files).
PICTURE_STYLES = tuple(style_hashes((TEMPLATES / "_picture_style.svg").read_text(encoding="utf-8")))

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",  # no fonts, frames, connections or plug-ins: the pages need none
        # Scripts only as files from this server (the SPARQL editor and its vendored CodeMirror bundle):
        # no inline script, no eval. The JSON in <script type="application/json"> is data, never run.
        "script-src 'self'",
        " ".join(("style-src 'self'", *PICTURE_STYLES)),
        "img-src 'self'",  # the pictures are inline SVG; this only lets a browser's /favicon.ico request through
        "form-action 'self'",  # the query forms submit to the server that served them, nowhere else
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

#: Sent with every answer. ``no-referrer``: the pages link to other sites, which need not learn
#: which page (and which query) a reader came from.
HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers older than CSP 2
)
#: :data:`HEADERS` as an ASGI answer lists them, for the answers written without the middleware.
RAW_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple((n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in HEADERS)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?")


def plain_host(value: str) -> bool:
    """Whether a Host header is a host name, IPv4 address or [IPv6] address, with an optional port.

    >>> [plain_host(h) for h in ("koko.example:8080", "127.0.0.1", "[::1]:8000", "localhost")]
    [True, True, True, True]
    >>> [plain_host(h) for h in ("evil.example/x", "user@evil.example", "a b", "", "x:99999", "a..b", "x:")]
    [False, False, False, False, False, False, False]
    """
    match = _HOST.fullmatch(value)
    return match is not None and len(value) <= 260 and int(match["port"] or 0) <= 65535


def bound_host(scope: Scope) -> str:
    """The address the connection came in on, as a Host header (``localhost`` when the server does not say)."""
    server = scope.get("server")
    if not server or server[1] is None:
        return "localhost"
    host, port = server[0], server[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _checked_host(scope: Scope) -> Scope:
    """``scope`` itself, or a copy whose Host is the bound address when the client's was not plain."""
    hosts = [value for name, value in scope.get("headers", ()) if name == b"host"]
    if len(hosts) == 1 and plain_host(hosts[0].decode("latin-1")):
        return scope
    headers = [(name, value) for name, value in scope.get("headers", ()) if name != b"host"]
    return {**scope, "headers": [*headers, (b"host", bound_host(scope).encode("latin-1"))]}


def _own_root(scope: Scope) -> str:
    """The root URL of a request whose Host has been checked, as Starlette writes it into absolute URLs."""
    host = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"host"), "")
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '').rstrip('/')}/"


class SecurityHeaders:
    """ASGI middleware: :data:`HEADERS` on every HTTP answer, and only plain Host headers inside.

    With a ``public_url``, an absolute ``Location`` on the server's own root (Starlette's redirect of
    ``/sparql/`` to ``/sparql``) is moved onto it, like every other absolute URL the server writes."""

    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self.app = app
        self.public_url = public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _checked_host(scope)
        own = _own_root(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers.setdefault(name, value)
                location = headers.get("location", "")
                if self.public_url and location.startswith(own):
                    headers["location"] = self.public_url + location[len(own) :]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def public_root(request: Request, public_url: str | None) -> str:
    """The root of every absolute URL the server writes: the configured public URL, or else the
    scheme and Host the client used, when that Host is plain, else the bound address."""
    if public_url:
        return public_url
    host = request.headers.get("host", "")
    if not plain_host(host):
        host = bound_host(request.scope)
    scheme = request.scope.get("scheme", "http")
    scheme = scheme if scheme in ("http", "https") else "http"
    return f"{scheme}://{host}{request.scope.get('root_path', '').rstrip('/')}/"
