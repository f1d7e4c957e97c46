"""HTTP to a remote triplestore: the one client of ``koko publish``, ``koko query --endpoint`` and ``koko serve --store``.

Every request to a store goes through :class:`Client`, on :mod:`http.client` directly, so that these
rules hold for all three commands alike:

- credentials come from environment variables only (:mod:`koko.store.credentials`) and never
  appear in a message: URLs are shown without ``user:pass@`` and any secret value is masked
  in server answers we quote (:meth:`Client.scrub`);
- basic auth and bearer tokens are sent with every request; HTTP Digest (``KOKO_STORE_AUTH=digest``,
  Virtuoso's ``-auth`` endpoints) only answers a Digest challenge, once per request (once more if the
  nonce was stale), and only to the URL that was challenged: the password itself never goes over the wire;
- redirects are never followed (http.client follows none): a 3xx is reported, since following it would
  send the ``Authorization`` header on to whatever host the redirect names;
- every request has a timeout, and every connection is closed once its answer is read, refused or
  abandoned: one request per connection (``Connection: close``), so that no server keeps a connection
  waiting for a request that never comes;
- 5xx answers (except 501, which means "not implemented" and is final), 429 and connection
  errors are retried with exponential back-off, a bounded number of times (``koko publish``; a
  query is tried once, since its ``--timeout`` bounds the whole wait);
- failures are types (:class:`RemoteStatus` with its ``status``, :class:`RemoteUnreachable`,
  :class:`RemoteTimeout`, :class:`UnanswerableChallenge`), never told apart by their message.

A 2xx answer can be handed back open (:meth:`Client.open`), to be read as it arrives: the server
reads a store's answer under a deadline and a row cap (:mod:`koko.store.backend`). No proxy from
``HTTP_PROXY``/``HTTPS_PROXY`` is used: koko reads its environment in one place (:mod:`koko.config`).

>>> redact("http://user:pw@example.org:7878/query?x=1")
'http://example.org:7878/query?x=1'
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from types import TracebackType
from typing import TypeVar
from urllib.parse import SplitResult, urlencode, urlsplit, urlunsplit

from koko.errors import KokoError
from koko.store.credentials import (
    AUTH_VARIABLE,
    CREDENTIAL_HINT,
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    Credentials,
    challenge_fields,
    digest_answer,
    digest_challenge,
    unanswerable,
)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504, 507, 508, 509})
USER_AGENT = "koko-kg"
FORM = "application/x-www-form-urlencoded"
# How much of an error answer is kept: enough for any store's message, not a runaway body.
ERROR_BODY = 64 * 1024
# RFC 2617's algorithms, as urllib answered them before; RFC 7616's SHA-256 is named as unanswerable.
T = TypeVar("T")


def redact(url: str) -> str:
    """The URL without ``user:password@``: the only form of a URL that goes into a message."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_url(url: str, option: str) -> str:
    """An absolute http(s) URL without credentials or fragment, else an error naming the option."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KokoError(f"{option}: {redact(url)!r} is not an absolute http(s) URL")
    if "@" in parts.netloc:
        raise KokoError(f"{option}: the URL holds credentials (user:password@); remove them and {CREDENTIAL_HINT} instead")
    if parts.fragment:
        raise KokoError(f"{option}: {url!r} must not have a #fragment")
    check_port(parts, option)
    return url


def check_port(parts: SplitResult, option: str) -> int | None:
    """The URL's port (None: the scheme's); one out of range is an error naming the option, before any request."""
    try:
        return parts.port
    except ValueError:
        raise KokoError(f"{option}: {redact(parts.geturl())!r} has no valid port") from None


def sparql_form(query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> bytes:
    """The body of a SPARQL 1.1 Protocol query by POST (URL-encoded), with its dataset parameters.

    >>> sparql_form("ASK {}", ["urn:g"])
    b'query=ASK+%7B%7D&default-graph-uri=urn%3Ag'
    """
    pairs = [("query", query), *(("default-graph-uri", g) for g in default_graphs)]
    return urlencode(pairs + [("named-graph-uri", g) for g in named_graphs]).encode("ascii")


def first_lines(text: str, count: int = 5, width: int = 300) -> str:
    """The start of a store's message: enough to see what went wrong, never a whole error page.

    >>> first_lines("a\\n\\n b \\n" + "x" * 400, width=10)
    'a\\n  b\\n  xxxxxxxxx…'
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    clipped = [line if len(line) <= width else line[: width - 1] + "…" for line in lines[:count]]
    return "\n  ".join(clipped) + ("\n  …" if len(lines) > count else "") if clipped else "(no message)"


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry: ``delay`` doubles after each failed try, up to ``max_delay``."""

    tries: int = 5
    delay: float = 0.5
    max_delay: float = 30.0


#: A query is tried once: ``--timeout`` bounds the whole wait of ``koko query``, and the server's deadline that of
#: its client; a load of thousands of requests (``koko publish``) is what retries are for.
ONCE = Retry(tries=1)


@dataclass(frozen=True)
class Answer:
    """A whole answer, for :mod:`.publish`, which decides by its status what to do next."""

    status: int
    body: bytes
    asks_digest: bool = False  # a 401 with a Digest challenge: a basic-auth user is told to set KOKO_STORE_AUTH
    media_type: str = ""  # of a 2xx answer: Virtuoso answers a request it ignores with an HTML page (koko.store.publish)


class RemoteError(KokoError):
    """A request to a remote store failed. The message names the store and holds no secret; ``url`` is redacted."""

    def __init__(self, message: str, url: str):
        super().__init__(message)
        self.url = url


class RemoteUnreachable(RemoteError):
    """No answer: the connection failed, or broke off while the answer was read."""


class RemoteTimeout(RemoteUnreachable):
    """The store was silent for longer than the timeout, or a reader's deadline passed."""


class RemoteStatus(RemoteError):
    """The store answered with an HTTP status of 300 or more (after any retries)."""

    def __init__(
        self, message: str, url: str, status: int, body: bytes, asks_digest: bool = False, retry_after: str | None = None
    ):
        super().__init__(message, url)
        self.status = status
        self.body = body  # as sent (at most ERROR_BODY bytes): it may echo a secret, so only ever show it scrubbed
        self.asks_digest = asks_digest
        self.retry_after = retry_after


class UnanswerableChallenge(RemoteError):
    """The store asks for HTTP Digest in a form koko does not answer (an algorithm, a qop, a malformed challenge)."""


@dataclass
class _Exchange:
    """One request's connection and its answer. ``sock`` is kept because http.client drops its own
    reference once the answer says the connection will close, and a reader's deadline sets its timeout."""

    connection: http.client.HTTPConnection
    sock: socket.socket | None
    answer: http.client.HTTPResponse

    def close(self) -> None:
        self.answer.close()
        self.connection.close()

    def drain(self) -> bytes:
        """What is left of a small answer (at most :data:`ERROR_BODY`), read before the connection is closed so
        that the server's last bytes are not answered with a reset; nothing if the connection dropped meanwhile."""
        try:
            return self.answer.read(ERROR_BODY)
        except (OSError, http.client.HTTPException):
            return b""


class Response:
    """A 2xx answer, open for reading as it arrives; ``with`` closes it and its connection.

    Failures while reading are :class:`RemoteTimeout` and :class:`RemoteUnreachable`, as before the answer."""

    def __init__(self, exchange: _Exchange, subject: str, url: str, timeout: float, scrub: Callable[[str], str]):
        self._exchange = exchange
        self._subject = subject
        self._timeout = timeout
        self._scrub = scrub
        self.url = url  # redacted
        self.status = exchange.answer.status
        self.headers: Message = exchange.answer.headers

    @property
    def media_type(self) -> str:
        """The Content-Type without its parameters, in lower case; empty if the store sent none."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left if negative)."""
        return self._reading(lambda: self._exchange.answer.read(None if size < 0 else size))

    def read1(self, size: int) -> bytes:
        """What one receive brings, at most ``size`` bytes: a reader under a deadline never waits for a full buffer."""
        return self._reading(lambda: self._exchange.answer.read1(size))

    def wait_at_most(self, seconds: float) -> None:
        """Let the next receive wait at most ``seconds`` (what is left of a deadline) instead of the timeout."""
        self._timeout = max(seconds, 0.001)
        if self._exchange.sock is not None:
            self._exchange.sock.settimeout(self._timeout)

    def _reading(self, read: Callable[[], bytes]) -> bytes:
        try:
            return read()
        except TimeoutError:
            raise RemoteTimeout(f"{self._subject} sent nothing for {self._timeout:g} s while answering", self.url) from None
        except (OSError, http.client.HTTPException) as exc:
            message = f"cannot read the answer of {self._subject}: {self._scrub(_reason(exc))}"
            raise RemoteUnreachable(message, self.url) from None

    def close(self) -> None:
        self._exchange.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None) -> None:
        self.close()


class Client:
    """Requests to one store with its credentials, retries and timeout.

    ``name`` says what the URLs are in messages ("the SPARQL endpoint"); without it, a message shows the URL alone."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        retry: Retry | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        name: str = "",
    ):
        self.credentials = credentials
        self.retry = retry or Retry()
        self.timeout = timeout
        self.name = name
        self._sleep = sleep
        self._tls: ssl.SSLContext | None = None
        if credentials and credentials.kind == "digest":
            if not (credentials.user.isascii() and credentials.secret.isascii()):
                # They are hashed as ASCII, as urllib did; RFC 7616's charset=UTF-8 is not supported.
                raise KokoError(f"{USER_VARIABLE}/{PASSWORD_VARIABLE}: HTTP Digest here takes ASCII only")
            if '"' in credentials.user or "\\" in credentials.user:
                raise KokoError(f'{USER_VARIABLE}: a user name for HTTP Digest cannot contain " or \\')

    def subject(self, url: str) -> str:
        """How a message names ``url``: redacted, after the client's name."""
        return f"{self.name} {redact(url)}" if self.name else redact(url)

    def scrub(self, text: str) -> str:
        """Mask any secret a server echoed back before the text reaches a message."""
        for secret in self.credentials.secrets() if self.credentials else ():
            text = text.replace(secret, "***")
        return text

    def credential_hint(self, asks_digest: bool) -> str:
        """What to do about a 401 or 403: which variables to set, and whether the store wants Digest."""
        hint = "the store refused the credentials" if self.credentials else "the store wants credentials"
        if asks_digest and not (self.credentials and self.credentials.kind == "digest"):
            hint += f", and asks for HTTP Digest: {AUTH_VARIABLE}=digest"
        return f"{hint}; {CREDENTIAL_HINT}"

    def request(self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None) -> Answer:
        """Send one request and read the whole answer, retrying transient failures; any status ≥ 300 left at
        the end is returned, not raised. Raises :class:`RemoteUnreachable` (or :class:`RemoteTimeout`) when
        the store cannot be reached, :class:`UnanswerableChallenge` for a Digest challenge koko cannot answer."""

        def once() -> Answer:
            exchange = self._exchange(method, url, body, headers, self.timeout)
            try:
                if not 200 <= exchange.answer.status < 300:
                    raise self._status_error(url, exchange)
                media_type = (exchange.answer.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                content = exchange.answer.read()  # a broken read is retried too
                return Answer(exchange.answer.status, content, media_type=media_type)
            finally:
                exchange.close()

        try:
            return self._retrying(url, self.timeout, once)
        except RemoteStatus as exc:
            return Answer(exc.status, exc.body, exc.asks_digest)

    def open(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send one request and hand back its 2xx answer open, to be read as it arrives (close it: ``with``).

        A status ≥ 300 (after any retries) raises :class:`RemoteStatus`; failures to connect, as for :meth:`request`.
        ``timeout`` replaces the client's for this request."""
        wait = self.timeout if timeout is None else timeout

        def once() -> Response:
            exchange = self._exchange(method, url, body, headers, wait)
            if 200 <= exchange.answer.status < 300:
                return Response(exchange, self.subject(url), redact(url), wait, self.scrub)
            try:
                raise self._status_error(url, exchange)
            finally:
                exchange.close()

        return self._retrying(url, wait, once)

    def sparql(
        self,
        url: str,
        query: str,
        accept: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
    ) -> Response:
        """A SPARQL 1.1 Protocol query, POSTed as a form (no HTTP cache answers it, and no URL grows too long)."""
        body = sparql_form(query, default_graphs, named_graphs)
        return self.open("POST", url, body, {"Content-Type": FORM, "Accept": accept}, timeout)

    def fail(self, answer: Answer, what: str, url: str) -> RemoteStatus:
        """A clear error for an unexpected answer of :meth:`request`: what was being done, the status, the store's
        own message (scrubbed), the URL."""
        text = self.scrub(answer.body.decode("utf-8", "replace").strip())
        message = f"{what}: {redact(url)} answered HTTP {answer.status}"
        if answer.status in (401, 403):
            message += f" ({self.credential_hint(answer.asks_digest)})"
        elif answer.status == 413:
            message += " (the request is too large for the store: lower --chunk-size)"
        elif 300 <= answer.status < 400:
            message += " (a redirect; give the URL it points to)"
        if text:
            message += f": {text[:300]}"
        return RemoteStatus(message, redact(url), answer.status, answer.body, answer.asks_digest)

    def _retrying(self, url: str, timeout: float, once: Callable[[], T]) -> T:
        """``once()``, tried again after a retriable status or a connection failure, up to the tries allowed."""
        delay = self.retry.delay
        for attempt in range(1, self.retry.tries + 1):
            last = attempt == self.retry.tries
            try:
                return once()
            except RemoteStatus as exc:
                if exc.status not in RETRY_STATUS or last:
                    raise
                wait = _retry_after(exc.retry_after, delay, self.retry.max_delay)
            except TimeoutError:
                if last:
                    message = f"{self.subject(url)} did not answer within {timeout:g} s (--timeout){_tries(attempt)}"
                    raise RemoteTimeout(message, redact(url)) from None
                wait = delay
            except (OSError, http.client.HTTPException) as exc:
                if last:
                    message = f"cannot reach {self.subject(url)}{_tries(attempt)}: {self.scrub(_reason(exc))}"
                    raise RemoteUnreachable(message, redact(url)) from None
                wait = delay
            self._sleep(wait)
            delay = min(delay * 2, self.retry.max_delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises on its last try

    def _exchange(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str] | None, timeout: float
    ) -> _Exchange:
        """One request with its credentials: for Digest, asked again with the answer to the store's challenge."""
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        sent = {"User-Agent": USER_AGENT, "Connection": "close", **(headers or {})}
        header = self.credentials.header() if self.credentials else None
        if header:
            sent["Authorization"] = header
        answered = 0
        while True:
            exchange = self._send(parts, method, target, body, sent, timeout)
            try:
                challenge = self._challenge_to_answer(exchange, answered, url)
            except BaseException:
                exchange.close()
                raise
            if challenge is None or self.credentials is None:
                return exchange
            exchange.drain()  # the challenge's connection is closed before the answer goes out on a new one
            exchange.close()
            answered += 1
            sent["Authorization"] = digest_answer(self.credentials, challenge, method, target)

    def _challenge_to_answer(self, exchange: _Exchange, answered: int, url: str) -> dict[str, str] | None:
        """The Digest challenge of a 401 that koko should answer (it has answered ``answered`` already), or None:
        not a Digest challenge, no Digest credentials, or a refusal of our answer."""
        challenge = digest_challenge(exchange.answer.headers) if exchange.answer.status == 401 else None
        if self.credentials is None or self.credentials.kind != "digest" or challenge is None:
            return None
        fields = challenge_fields(challenge)
        if answered >= 2 or (answered and (fields or {}).get("stale", "").lower() != "true"):
            return None  # our answer was refused: the credentials are wrong, asking again will not help
        refused = unanswerable(fields)
        if fields is None or refused:
            what = self.scrub(refused or "a malformed challenge")
            message = f"{self.subject(url)} asks for HTTP Digest with {what}; koko answers MD5 or SHA with qop=auth"
            raise UnanswerableChallenge(message, redact(url))
        return fields

    def _send(
        self, parts: SplitResult, method: str, target: str, body: bytes | None, headers: Mapping[str, str], timeout: float
    ) -> _Exchange:
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            self._tls = self._tls or ssl.create_default_context()
            connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout, context=self._tls)
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        try:
            connection.connect()
            sock = connection.sock
            connection.request(method, target, body=body, headers=dict(headers))
            return _Exchange(connection, sock, connection.getresponse())
        except BaseException:
            connection.close()  # the request never got an answer to hand back: nothing else would close it
            raise

    def _status_error(self, url: str, exchange: _Exchange) -> RemoteStatus:
        """An answer ≥ 300 as an error: its status, the start of its message (scrubbed), where a redirect points."""
        answer = exchange.answer
        body = exchange.drain()
        location = answer.getheader("Location")
        where = f" (to {redact(self.scrub(location))})" if location and 300 <= answer.status < 400 else ""
        asks_digest = answer.status == 401 and digest_challenge(answer.headers) is not None
        text = first_lines(self.scrub(body.decode("utf-8", "replace")))
        message = f"{self.subject(url)} answered HTTP {answer.status}{where}: {text}"
        if answer.status in (401, 403):
            message += f" ({self.credential_hint(asks_digest)})"
        return RemoteStatus(message, redact(url), answer.status, body, asks_digest, answer.getheader("Retry-After"))


def _tries(count: int) -> str:
    return f" after {count} tries" if count > 1 else ""


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _retry_after(value: str | None, delay: float, max_delay: float) -> float:
    """Honour a numeric Retry-After, but never wait longer than ``max_delay``."""
    try:
        return min(max(float(value), 0.0), max_delay) if value else delay
    except ValueError:
        return delay
