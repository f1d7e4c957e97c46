"""HTTP to a remote triplestore: credentials from the environment, bounded retries, safe messages.

The standard library's urllib is enough for PUT/POST/GET of a few megabytes, and keeps the
dependency list as it is. Three rules hold for every request:

- credentials come from environment variables only (:func:`credentials_from_env`) and never
  appear in a message: URLs are shown without ``user:pass@`` and any secret value is masked
  in server answers we quote (:meth:`Client.scrub`);
- basic auth and bearer tokens are sent with every request; HTTP Digest (``KOKO_STORE_AUTH=digest``,
  Virtuoso's ``-auth`` endpoints) only answers a Digest challenge, once per request, and only
  to the host the request went to: the password itself never goes over the wire;
- redirects are not followed, since urllib would send the ``Authorization`` header on to
  whatever host the redirect names;
- 5xx answers (except 501, which means "not implemented" and is final), 429 and connection
  errors are retried with exponential back-off, a bounded number of times.

>>> redact("http://user:pw@example.org:7878/query?x=1")
'http://example.org:7878/query?x=1'
>>> credentials_from_env({"KOKO_STORE_TOKEN": "t0k"})
Credentials(kind='bearer')
>>> credentials_from_env({"KOKO_STORE_USER": "u", "KOKO_STORE_PASSWORD": "p", "KOKO_STORE_AUTH": "digest"})
Credentials(kind='digest')
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from koko.config import read_environ
from koko.errors import KokoError

USER_VARIABLE = "KOKO_STORE_USER"
PASSWORD_VARIABLE = "KOKO_STORE_PASSWORD"
TOKEN_VARIABLE = "KOKO_STORE_TOKEN"
AUTH_VARIABLE = "KOKO_STORE_AUTH"
AUTH_SCHEMES = ("basic", "digest")  # how KOKO_STORE_USER/KOKO_STORE_PASSWORD are sent
CREDENTIAL_HINT = (
    f"set {USER_VARIABLE} and {PASSWORD_VARIABLE} (basic auth; {AUTH_VARIABLE}=digest for HTTP Digest) "
    f"or {TOKEN_VARIABLE} (bearer token)"
)

# 501 Not Implemented is final (a store without the Graph Store Protocol says so); the rest is transient.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504, 507, 508, 509})


@dataclass(frozen=True)
class Credentials:
    """Basic auth, HTTP Digest or a bearer token; the secret is kept out of ``repr`` so it cannot reach a log."""

    kind: str  # "basic", "digest" or "bearer"
    user: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)

    def header(self) -> str:
        """The ``Authorization`` header sent with every request (not for digest, which answers a challenge)."""
        if self.kind == "bearer":
            return f"Bearer {self.secret}"
        if self.kind == "digest":
            # Sending the password as Basic instead would defeat the point of asking for Digest.
            raise KokoError(f"{AUTH_VARIABLE}=digest is supported by koko publish only; use basic auth or a token here")
        return "Basic " + base64.b64encode(f"{self.user}:{self.secret}".encode()).decode("ascii")

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be printed (the header value too, for stores that echo it)."""
        if self.kind == "digest":
            return (self.secret,)
        values = (self.secret, self.header(), self.header().split(" ", 1)[1])
        return tuple(v for v in values if v)


def credentials_from_env(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Read credentials from the environment, never from the command line (which ``ps`` shows)."""
    environ = read_environ(environ)
    user, password, token = (environ.get(name, "") for name in (USER_VARIABLE, PASSWORD_VARIABLE, TOKEN_VARIABLE))
    scheme = _auth_scheme(environ.get(AUTH_VARIABLE, ""))
    if token and (user or password):
        raise KokoError(
            f"{TOKEN_VARIABLE} and {USER_VARIABLE}/{PASSWORD_VARIABLE} exclude each other: set one kind of credentials"
        )
    if token:
        if scheme:
            raise KokoError(f"{AUTH_VARIABLE} applies to {USER_VARIABLE}/{PASSWORD_VARIABLE}, not to {TOKEN_VARIABLE}")
        return Credentials("bearer", secret=token)
    if bool(user) != bool(password):
        raise KokoError(f"{USER_VARIABLE} and {PASSWORD_VARIABLE} go together: set both for basic or digest auth")
    if user:
        if ":" in user:
            raise KokoError(f"{USER_VARIABLE}: a user name for basic auth cannot contain ':'")
        return Credentials(scheme or "basic", user=user, secret=password)
    return None


def _auth_scheme(value: str) -> str:
    """``KOKO_STORE_AUTH``: empty (basic), ``basic`` or ``digest``; anything else is a typo worth stopping for."""
    scheme = value.strip().lower()
    if scheme and scheme not in AUTH_SCHEMES:
        raise KokoError(f"{AUTH_VARIABLE}: {value!r} is not one of {', '.join(AUTH_SCHEMES)}")
    return scheme


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
    return url


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry: ``delay`` doubles after each failed try, up to ``max_delay``."""

    tries: int = 5
    delay: float = 0.5
    max_delay: float = 30.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    challenge: str = ""  # the WWW-Authenticate: Digest of a 401, to tell a basic-auth user to set KOKO_STORE_AUTH


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx answer then surfaces as an HTTPError we report


def _digest_challenge(headers) -> str | None:
    """The first ``WWW-Authenticate: Digest …`` of an answer (a store may offer several schemes)."""
    for value in headers.get_all("WWW-Authenticate") or ():
        if value.strip().lower().startswith("digest "):
            return value.strip()
    return None


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """urllib's RFC 2617 Digest (MD5 or SHA-1, qop=auth), made stricter.

    urllib answers up to six challenges per request, raises ValueError on a scheme or algorithm it
    does not know and URLError (which we would retry as a connection error) on ``qop=auth-int``.
    Here a challenge is answered once per request, once more only if the server says the nonce was
    stale: a wrong password costs one more request, not six. A challenge urllib cannot answer is an
    error that says so, and any other scheme is left alone (the 401 is reported with its hint). The
    password manager holds the credentials for the hosts :class:`Client` sent requests to, and
    redirects are not followed, so no other host gets an answer."""

    def http_error_401(self, req, fp, code, msg, headers):
        challenge = _digest_challenge(headers)
        if challenge is None:
            return None
        answered = getattr(req, "koko_digest_answers", 0)
        stale = "stale=true" in challenge.replace(" ", "").lower()
        if answered >= 2 or (answered and not stale):
            return None  # our answer was refused: the credentials are wrong, asking again will not help
        unanswerable = _unanswerable(challenge)
        if unanswerable:
            fp.close()  # urllib closes the 401's connection only when it raises the HTTPError itself
            raise KokoError(
                f"{redact(req.full_url)} asks for HTTP Digest with {unanswerable}; koko answers MD5 or SHA with qop=auth"
            )
        req.koko_digest_answers = answered + 1
        return self.retry_http_digest_auth(req, challenge)


def _unanswerable(challenge: str) -> str | None:
    """What in a Digest challenge urllib cannot answer (RFC 7616's SHA-256, auth-int), if anything."""
    try:
        fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge.split(" ", 1)[1])))
    except ValueError:  # an item without '=': urllib would raise, uncaught, while answering
        return "a malformed challenge"
    algorithm = fields.get("algorithm", "MD5")
    if algorithm not in ("MD5", "SHA"):
        return f"algorithm={algorithm}"
    qop = fields.get("qop")
    if qop is not None and "auth" not in qop.split(","):  # urllib's own test, so that the two agree
        return f"qop={qop}"
    return None


class Client:
    """Requests to one store with its credentials, retries and timeout."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        retry: Retry | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.credentials = credentials
        self.retry = retry or Retry()
        self.timeout = timeout
        self._sleep = sleep
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if credentials and credentials.kind == "digest":
            if not (credentials.user.isascii() and credentials.secret.isascii()):
                # urllib hashes them as ASCII; RFC 7616's charset=UTF-8 is not supported.
                raise KokoError(f"{USER_VARIABLE}/{PASSWORD_VARIABLE}: HTTP Digest here takes ASCII only")
            handlers.append(_DigestAuth(self._passwords))
        self._opener = urllib.request.build_opener(*handlers)

    def _authorize(self, url: str, headers: dict[str, str]) -> None:
        """Basic and bearer: a header on every request. Digest: the credentials are offered to this URL's
        host only (scheme, host and port), for the challenge it may send."""
        if not self.credentials:
            return
        if self.credentials.kind == "digest":
            parts = urlsplit(url)
            self._passwords.add_password(
                None, f"{parts.scheme}://{parts.netloc}/", self.credentials.user, self.credentials.secret
            )
        else:
            headers["Authorization"] = self.credentials.header()

    def scrub(self, text: str) -> str:
        """Mask any secret a server echoed back before the text reaches a message."""
        for secret in self.credentials.secrets() if self.credentials else ():
            text = text.replace(secret, "***")
        return text

    def request(self, method: str, url: str, body: bytes | None = None, headers: Mapping[str, str] | None = None) -> Answer:
        """Send one request, retrying transient failures; any status ≥ 300 left at the end is returned, not raised.

        Connection errors that outlast the retries raise a KokoError naming the (redacted) URL."""
        all_headers = dict(headers or {})
        self._authorize(url, all_headers)
        delay = self.retry.delay
        for attempt in range(1, self.retry.tries + 1):
            last = attempt == self.retry.tries
            request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return Answer(response.status, response.read())
            except urllib.error.HTTPError as exc:
                challenge = (_digest_challenge(exc.headers) or "") if exc.code == 401 and exc.headers else ""
                answer = Answer(exc.code, _body(exc), challenge)
                if exc.code not in RETRY_STATUS or last:
                    return answer
                wait = _retry_after(exc.headers.get("Retry-After"), delay, self.retry.max_delay)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                if last:
                    reason = getattr(exc, "reason", exc)
                    raise KokoError(
                        f"cannot reach {redact(url)} after {self.retry.tries} tries: {self.scrub(str(reason))}"
                    ) from None
                wait = delay
            self._sleep(wait)
            delay = min(delay * 2, self.retry.max_delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises on its last try

    def fail(self, answer: Answer, what: str, url: str) -> KokoError:
        """A clear error for an unexpected answer: the status, the store's own message (scrubbed), the URL."""
        text = self.scrub(answer.body.decode("utf-8", "replace").strip())
        message = f"{what}: {redact(url)} answered HTTP {answer.status}"
        if answer.status in (401, 403):
            hint = "the store refused the credentials" if self.credentials else "the store wants credentials"
            if answer.challenge.lower().startswith("digest") and not (self.credentials and self.credentials.kind == "digest"):
                hint += f", and asks for HTTP Digest: {AUTH_VARIABLE}=digest"
            message += f" ({hint}; {CREDENTIAL_HINT})"
        elif answer.status == 413:
            message += " (the request is too large for the store: lower --chunk-size)"
        elif 300 <= answer.status < 400:
            message += " (a redirect; give the URL it points to)"
        if text:
            message += f": {text[:300]}"
        return KokoError(message)


def _retry_after(value: str | None, delay: float, max_delay: float) -> float:
    """Honour a numeric Retry-After, but never wait longer than ``max_delay``."""
    try:
        return min(max(float(value), 0.0), max_delay) if value else delay
    except ValueError:
        return delay


def _body(exc: urllib.error.HTTPError) -> bytes:
    """The error page, if it can still be read (the connection may have dropped meanwhile)."""
    try:
        return exc.read() if exc.fp else b""
    except (OSError, http.client.HTTPException):
        return b""
    finally:
        exc.close()
