"""What RDF from a user may not make a parser do: fetch a JSON-LD context, or expand XML entities.

Both engines would (shared/design/security-notes.md): rdflib fetches a remote ``@context``, and pyoxigraph
and rdflib expand RDF/XML entities without limit. Every reader of a user's file (``koko query --data``,
``koko validate``, the release readers) checks the bytes here first. Imports nothing but the standard
library and the format table, so that ``koko query`` starts without rdflib.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from koko.errors import KokoError
from koko.graph.format_table import RdfFormat


def _remote_contexts(value: object) -> list[str]:
    """Context references a JSON-LD processor would fetch: strings and @import in @context."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                found += [c for c in contexts if isinstance(c, str)]
                found += [c["@import"] for c in contexts if isinstance(c, dict) and isinstance(c.get("@import"), str)]
            found += _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            found += _remote_contexts(item)
    return found


def check_safe(data: bytes, fmt: RdfFormat) -> None:
    """Refuse input that would make a parser reach the network or expand without limit."""
    if fmt.name == "jsonld":
        try:
            remote = _remote_contexts(json.loads(data))
        except json.JSONDecodeError as exc:
            raise KokoError(f"cannot parse as jsonld: {exc.msg} (column {exc.colno})", line=exc.lineno) from exc
        if remote:
            raise KokoError(f"JSON-LD refers to the remote context {remote[0]!r}: koko never fetches contexts; put it inline")
    if fmt.name == "xml" and re.search(rb"<!(DOCTYPE|ENTITY)", data):
        raise KokoError("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")


def read_checked(path: Path, fmt: RdfFormat) -> bytes:
    """A user's RDF file as bytes, checked by :func:`check_safe`; every problem names the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KokoError("file not found", path) from None
    except OSError as exc:
        raise KokoError(f"cannot read: {exc.strerror}", path) from None
    try:
        check_safe(data, fmt)
    except KokoError as exc:
        raise KokoError(exc.message, path, exc.line) from None
    return data
