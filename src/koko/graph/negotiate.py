"""Content negotiation: pick the best of the media types we offer for an Accept header.

Shared by the SPARQL endpoint, the linked-data pages and the dataset description, so that
they agree on q-values, wildcards and the default.
"""

from __future__ import annotations

from collections.abc import Sequence

from koko.graph.format_table import RdfFormat, offered

#: The media type of our pages, offered beside the RDF formats.
HTML = "text/html"


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each entry; malformed q-values count as 0.

    >>> parse_accept("text/html;q=0.9, text/turtle")
    [('text/html', 0.9, 0), ('text/turtle', 1.0, 1)]
    """
    ranges = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _specificity(media_range: str, offered: str) -> int | None:
    if media_range == offered:
        return 2
    major, _, minor = media_range.partition("/")
    if minor == "*" and offered.startswith(major + "/"):
        return 1
    if media_range in ("*/*", "*"):
        return 0
    return None


def choose(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers; the first offered for an empty or absent
    header; None when the client accepts none of them (answer 406).

    The most specific matching range sets a type's q (RFC 9110 §12.5.1); ties go to the
    client's order, then ours.

    >>> choose("application/sparql-results+xml, */*;q=0.1", ["application/sparql-results+json", "application/sparql-results+xml"])
    'application/sparql-results+xml'
    >>> choose("text/html,application/xhtml+xml,*/*;q=0.8", ["text/turtle", "text/html"])
    'text/html'
    >>> choose("image/png", ["text/turtle"]) is None
    True
    """
    ranges = parse_accept(header)
    if not ranges:
        return offered[0] if offered else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, media in enumerate(offered):
        matches = [(s, q, pos) for r, q, pos in ranges if (s := _specificity(r, media)) is not None]
        if not matches:
            continue
        specificity, q, position = max(matches, key=lambda m: (m[0], -m[2]))
        if q <= 0:
            continue
        key = (q, -position if specificity else -len(ranges), -index)
        if best is None or key > best:
            best, chosen = key, media
    return chosen


def accepts_html(header: str | None) -> bool:
    """Whether the client names HTML (a browser) with a q above 0.

    >>> accepts_html("text/html,application/xhtml+xml,*/*;q=0.8"), accepts_html("text/turtle, text/html;q=0")
    (True, False)
    """
    return any(media in (HTML, "application/xhtml+xml") and q > 0 for media, q, _ in parse_accept(header))


def choose_format(header: str | None, formats: Sequence[RdfFormat], html: str | None = "first") -> RdfFormat | str | None:
    """HTML or one of ``formats`` for an ``Accept`` header; None when the client accepts none of them.

    A format is asked for by its own media type, a synonym (``application/x-turtle``) or a generic
    type: ``application/json`` gets JSON-LD, which is JSON (and ``application/xml`` RDF/XML). The answer
    then carries the format's own media type, which tells a JSON-LD processor what it has while any
    JSON client still reads it (the ``+json`` suffix, RFC 6839). ``html``: where our page stands among
    the offers, ``"first"`` (the default for browsers and an absent header), ``"last"`` or None (not
    offered).

    >>> from koko.graph.format_table import TRIPLE_FORMATS
    >>> choose_format("application/json", TRIPLE_FORMATS).name, choose_format(None, TRIPLE_FORMATS)
    ('jsonld', 'text/html')
    >>> choose_format("*/*", TRIPLE_FORMATS, html="last").name, choose_format("text/html", TRIPLE_FORMATS, html=None) is None
    ('ttl', True)
    """
    by_type = offered(formats)
    types = list(by_type)
    ordered = [HTML, *types] if html == "first" else [*types, HTML] if html == "last" else types
    chosen = choose(header, ordered)
    if chosen is None or chosen == HTML:
        return chosen
    return next(f for f in formats if f.name == by_type[chosen])
