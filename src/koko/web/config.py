"""The server's settings: one frozen dataclass from defaults < environment < flags.

Every limit a public endpoint needs is here, named once: the query timeout, the row cap,
the request-body cap, the number of queries evaluated at once and the SERVICE allow-list (empty:
koko never connects anywhere); where the data is: the embedded store, or a remote store; and
the public URL that absolute links are written under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from koko.config import MAX_ROWS, QUERY_TIMEOUT, read_environ
from koko.errors import KokoError
from koko.store.http import check_url


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = QUERY_TIMEOUT
    max_rows: int = MAX_ROWS
    max_body: int = 1 << 20
    workers: int = 2
    processes: int | None = None  # serving processes, each with its own store; None: koko.web.serve.processes_for
    service_allow: tuple[str, ...] = ()
    data: Path | None = None
    store: str | None = None  # a remote SPARQL endpoint to serve from instead of the embedded store
    public_url: str | None = None  # the root of every absolute URL the server writes; None: the request's, if plain


ENVIRONMENT = {
    "host": "KOKO_HOST",
    "port": "KOKO_PORT",
    "timeout": "KOKO_TIMEOUT",
    "max_rows": "KOKO_MAX_ROWS",
    "max_body": "KOKO_MAX_BODY",
    "workers": "KOKO_WORKERS",
    "processes": "KOKO_PROCESSES",
    "service_allow": "KOKO_SERVICE_ALLOW",
    "store": "KOKO_STORE",
    "public_url": "KOKO_PUBLIC_URL",
}

OPTIONS = {"service_allow": "--allow-service"}


def _number(kind: type[int] | type[float], value: str, name: str, low: float, high: float) -> float | int:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise KokoError(f"{name}: {value!r} is not a {'whole ' if kind is int else ''}number") from None
    if not low <= number <= high:
        raise KokoError(f"{name}: {value} is out of range ({low:g} to {high:g})")
    return number


def _endpoints(value: str | tuple[str, ...], name: str) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else value
    for item in items:
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise KokoError(f"{name}: {item!r} is not an absolute http(s) endpoint IRI")
    return tuple(items)


def _root(value: str, name: str) -> str:
    """A root URL to write absolute links under: absolute http(s), no credentials, no query, ending in '/'.

    >>> _root("https://koko.example/kg/", "--public-url")
    'https://koko.example/kg/'
    >>> _root("https://koko.example/kg", "--public-url")
    Traceback (most recent call last):
    koko.errors.KokoError: --public-url: 'https://koko.example/kg' must end with '/'
    """
    if "@" in urlsplit(value).netloc:
        # check_url's message would point to the store's credential variables; a public URL has no use for any.
        raise KokoError(f"{name}: a public URL holds no credentials (user:password@)")
    url = check_url(value, name)
    if "?" in url:
        raise KokoError(f"{name}: {url!r} must not have a ?query")
    if not url.endswith("/"):
        raise KokoError(f"{name}: {url!r} must end with '/'")
    return url


def check(name: str, value: object, option: str) -> object:
    """One setting, converted and checked; errors name the option or variable."""
    if value is None:
        return None
    if name == "port":
        return _number(int, str(value), option, 0, 65535)
    if name == "timeout":
        return _number(float, str(value), option, 0.1, 3600)
    if name in ("max_rows", "max_body"):
        return _number(int, str(value), option, 1, 10**9)
    if name in ("workers", "processes"):
        return _number(int, str(value), option, 1, 64)
    if name == "service_allow":
        return _endpoints(value, option)  # type: ignore[arg-type]
    if name == "store":
        return check_url(str(value), option)
    if name == "public_url":
        return _root(str(value), option)
    if name == "data":
        return Path(str(value))
    return str(value)


def load_server_config(flags: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None) -> ServerConfig:
    """Defaults, then ``KOKO_*`` variables, then command-line flags (None means not given).

    >>> load_server_config({"timeout": "2.5"}, {"KOKO_TIMEOUT": "30", "KOKO_MAX_ROWS": "50"}).timeout
    2.5
    >>> load_server_config({}, {"KOKO_PUBLIC_URL": "https://kg.example/koko/"}).public_url
    'https://kg.example/koko/'
    >>> load_server_config({}, {"KOKO_WORKERS": "0"})
    Traceback (most recent call last):
    koko.errors.KokoError: KOKO_WORKERS: 0 is out of range (1 to 64)
    """
    env = read_environ(environ)
    config = ServerConfig()
    known = {f.name for f in fields(ServerConfig)}
    for name, variable in ENVIRONMENT.items():
        if env.get(variable):
            setting: Any = check(name, env[variable], variable)  # check() gives each setting its field's type
            config = replace(config, **{name: setting})
    for name, value in (flags or {}).items():
        if name not in known:
            raise KokoError(f"unknown server setting {name!r}")
        if value is not None and value != ():
            setting = check(name, value, OPTIONS.get(name, "--" + name.replace("_", "-")))
            config = replace(config, **{name: setting})
    return config
