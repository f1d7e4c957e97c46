"""SPARQL as pyoxigraph's parser reads it: tokens, without whitespace and comments.

The endpoint's checks (:mod:`koko.sparql.protocol`) and the binding of parameters for remote stores
(:mod:`koko.sparql.binding`) must see the query exactly as the engine will, so this tokenizer follows
the engine's grammar (the PEG grammar of spargebra in pyoxigraph 0.5) wherever text can hide
other text: comments, strings, IRIs, prefixed names with escapes. Whether ``<…>`` is an IRI or a
less-than sign is the engine's own decision (it validates the IRI and backtracks), so plain IRIs
are checked with ``ox.NamedNode`` and the rest are asked of an empty store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox


class TooManyIris(Exception):
    """More IRIs than allowed need the engine's parser: checking them would cost too much."""


# The terminals of spargebra's grammar (pyoxigraph 0.5), where they decide what is code.
_BASE = (  # PN_CHARS_BASE; the engine has no characters beyond U+FFFD in names
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# PN_LOCAL with a single dotted run, as there. Quantifiers are possessive: no input makes matching slow.
_LOCAL = re.compile(f"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+(?:\\.++(?:[{_CHARS}:]|{_PLX})++)?+")
_ESCAPE = r"\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>(?:[ \t\r\n]++|#[^\r\n]*+)++)",
            # A run of name characters: a keyword, or a prefix when ":" follows (see tokens()).
            f"(?P<name>[{_BASE}][{_CHARS}.]*+)",
            f"(?P<pname>:(?:{_LOCAL.pattern})?+)",
            f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f\u2040]*+)",
            f"(?P<bnode>_:[{_U}0-9][{_CHARS}]*+(?:\\.++[{_CHARS}]++)*+)",
            r"(?P<lang>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+)",
            r"(?P<number>[0-9]++(?:\.[0-9]*+)?+(?:[eE][+-]?[0-9]++)?+|\.[0-9]++(?:[eE][+-]?[0-9]++)?+)",
            # Long strings first, then short ones, as the grammar's ordered choice does.
            f"(?P<string>'''(?:(?:''|')?(?:[^'\\\\]|{_ESCAPE}))*+'''"
            f'|"""(?:(?:""|")?(?:[^"\\\\]|{_ESCAPE}))*+"""'
            f"|'(?:[^'\\\\\\r\\n]|{_ESCAPE})*+'"
            f'|"(?:[^"\\\\\\r\\n]|{_ESCAPE})*+")',
            r'(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)',
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # word (a run of name characters), pname, var, bnode, lang, number, string, iri or other (one character)
    text: str
    start: int
    iri: str = ""  # an IRI token's absolute IRI


# IRIs that need no engine to resolve: absolute ones without escapes or dot segments, and plain relative paths
# against a base that ends in "/". Oxigraph validates both with the same IRI parser (oxiri) as its query parser.
_PLAIN_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\\]*")
_PLAIN_RELATIVE = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_~/-]*(?:\.[A-Za-z0-9_~-]+)*")
_PLAIN_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*/[^?#]*/|[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*/")


def _plain(content: str, base: str) -> str | None:
    """The IRI of a plain ``<content>`` without asking the engine; None when it must be asked.

    >>> _plain("site/erfurt", "https://w3id.org/koko-kg/id/"), _plain("urn:x:y", "urn:b"), _plain("../a", "http://a/b/")
    ('https://w3id.org/koko-kg/id/site/erfurt', 'urn:x:y', None)
    >>> _plain("http://a/b/../c", "urn:b"), _plain("http://a/%zz", "urn:b")  # the engine is asked about these
    (None, None)
    """
    if _PLAIN_ABSOLUTE.fullmatch(content) and "/." not in content and ":." not in content:  # no dot segment to remove
        iri = content
    elif _PLAIN_RELATIVE.fullmatch(content) and _PLAIN_BASE.fullmatch(base) and "/." not in base:
        iri = base + content
    else:
        return None
    try:
        return ox.NamedNode(iri).value
    except ValueError:
        return None


def _resolve(store: ox.Store, content: str, base: str) -> str | None:
    """The absolute IRI of ``<content>``, or None when the engine would not read it as an IRI."""
    try:
        solutions = store.query(f"SELECT (<{content}> AS ?i) {{}}", base_iri=base)
        assert isinstance(solutions, ox.QuerySolutions)  # a SELECT query
        iri = next(iter(solutions))["i"]
    except SyntaxError:
        return None
    # "(<" cannot start a comparison, so a query that parses read <content> as an IRI, bound in the one solution.
    assert isinstance(iri, ox.NamedNode)
    return iri.value


def tokens(text: str, base: str, max_asked: int | None = None) -> Iterator[Token]:
    """The query's tokens, without whitespace and comments; ``BASE`` is followed as the engine does.
    With ``max_asked``, :class:`TooManyIris` once more IRIs than that need the engine to resolve them.

    >>> [t.text for t in tokens('SELECT * { ?s ?p "# SERVICE" } # SERVICE', "http://example.org/")]
    ['SELECT', '*', '{', '?s', '?p', '"# SERVICE"', '}']
    >>> [t.iri or t.text for t in tokens("BASE <http://a.example/x/> ASK { <y> <a b> }", "http://example.org/")]
    ['BASE', 'http://a.example/x/', 'ASK', '{', 'http://a.example/x/y', '<', 'a', 'b', '>', '}']
    """
    store = ox.Store()  # an empty store only parses: asked whether <…> is an IRI
    resolved: dict[tuple[str, str], str | None] = {}
    asked = 0
    position, previous = 0, ""
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # "other" matches any character
        kind, value, iri = match.lastgroup or "other", match.group(), ""
        if kind == "name":
            kind = "word"
            if text.startswith(":", match.end()) and not value.endswith("."):  # PN_PREFIX cannot end with "."
                local = _LOCAL.match(text, match.end() + 1)
                kind, value = "pname", text[position : local.end() if local else match.end() + 1]
        if kind == "iri":
            key = (value[1:-1], base)
            if key not in resolved:
                plain = _plain(*key)
                if plain is None:
                    asked += 1
                    if max_asked is not None and asked > max_asked:  # each costs a parse: bounded, as tokens are in plan()
                        raise TooManyIris(f"the query holds more than {max_asked} IRIs that are not plain; koko refuses it")
                resolved[key] = plain if plain is not None else _resolve(store, *key)
            if resolved[key] is None:  # a less-than sign: what follows is code
                kind, value = "other", "<"
            else:
                iri = resolved[key] or ""
                if previous.lower() == "base":
                    base = iri
        if kind != "space":
            yield Token(kind, value, position, iri)
            previous = value
        position += len(value)


def line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - text.rfind(chr(10), 0, offset)}"
