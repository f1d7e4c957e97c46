"""Credentials for remote stores: read from the environment only, and sent as basic auth, a bearer token or
an answer to an HTTP Digest challenge (RFC 2617), never the password itself.

:mod:`koko.store.http` sends them; this module knows what they are and how each kind is written.

>>> credentials_from_env({"KOKO_STORE_TOKEN": "t0k"})
Credentials(kind='bearer')
>>> credentials_from_env({"KOKO_STORE_USER": "u", "KOKO_STORE_PASSWORD": "p", "KOKO_STORE_AUTH": "digest"})
Credentials(kind='digest')
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message

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
DIGEST_HASHES = {"MD5": hashlib.md5, "SHA": hashlib.sha1}


@dataclass(frozen=True)
class Credentials:
    """Basic auth, HTTP Digest or a bearer token; the secret is kept out of ``repr`` so it cannot reach a log."""

    kind: str  # "basic", "digest" or "bearer"
    user: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)

    def header(self) -> str | None:
        """The ``Authorization`` header sent with every request; None for digest, which only answers a challenge
        (sending the password as Basic instead would defeat the point of asking for Digest)."""
        if self.kind == "bearer":
            return f"Bearer {self.secret}"
        if self.kind == "digest":
            return None
        return "Basic " + base64.b64encode(f"{self.user}:{self.secret}".encode()).decode("ascii")

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be printed (the header value too, for stores that echo it)."""
        header = self.header()
        values = (self.secret, header, header.split(" ", 1)[1]) if header else (self.secret,)
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


def digest_challenge(headers: Message) -> str | None:
    """The first ``WWW-Authenticate: Digest …`` of an answer (a store may offer several schemes)."""
    for value in headers.get_all("WWW-Authenticate") or ():
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() == "digest":
            return rest
    return None


def challenge_fields(challenge: str) -> dict[str, str] | None:
    """A Digest challenge's parameters, or None if it is malformed (an item without '=', no realm or nonce, or
    a value that could not be quoted back as it came)."""
    try:
        fields = urllib.request.parse_keqv_list([item for item in urllib.request.parse_http_list(challenge) if item])
    except ValueError:
        return None
    fields = {key.lower(): value for key, value in fields.items()}
    if "realm" not in fields or "nonce" not in fields:
        return None
    if any(not value.isascii() or '"' in value or "\\" in value for value in fields.values()):
        return None
    return fields


def unanswerable(fields: Mapping[str, str] | None) -> str | None:
    """What in a Digest challenge koko does not answer (RFC 7616's SHA-256, auth-int), if anything."""
    if fields is None:
        return None
    algorithm = fields.get("algorithm", "MD5")
    if algorithm.upper() not in DIGEST_HASHES:
        return f"algorithm={algorithm}"
    qop = fields.get("qop")
    if qop is not None and "auth" not in [option.strip().lower() for option in qop.split(",")]:
        return f"qop={qop}"
    return None


def digest_answer(credentials: Credentials, fields: Mapping[str, str], method: str, target: str) -> str:
    """The ``Authorization`` answering a Digest challenge (RFC 2617): hashes of the password, never the password.

    Every challenge is answered once with a fresh nonce, so the nonce count is always 1."""
    digest = DIGEST_HASHES[fields.get("algorithm", "MD5").upper()]

    def hashed(text: str) -> str:
        return digest(text.encode("ascii")).hexdigest()

    realm, nonce = fields["realm"], fields["nonce"]
    secret = hashed(f"{credentials.user}:{realm}:{credentials.secret}")
    request = hashed(f"{method}:{target}")
    parts = {"username": credentials.user, "realm": realm, "nonce": nonce, "uri": target}
    bare: dict[str, str] = {}
    if "qop" in fields:
        cnonce, count = secrets.token_hex(8), "00000001"
        parts["response"] = hashed(f"{secret}:{nonce}:{count}:{cnonce}:auth:{request}")
        parts["cnonce"] = cnonce
        bare = {"qop": "auth", "nc": count}
    else:
        parts["response"] = hashed(f"{secret}:{nonce}:{request}")  # RFC 2069, for a server that offers no qop
    if "opaque" in fields:
        parts["opaque"] = fields["opaque"]
    if "algorithm" in fields:
        bare["algorithm"] = fields["algorithm"]
    return "Digest " + ", ".join([*(f'{k}="{v}"' for k, v in parts.items()), *(f"{k}={v}" for k, v in bare.items())])
