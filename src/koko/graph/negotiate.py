"""Content negotiation: pick the best of the media types we offer for an Accept header.

Shared by the SPARQL endpoint, the linked-data pages and the dataset description, so that
they agree on q-values, wildcards and the default.
"""

from __future__ import annotations

from collections.abc import Sequence

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
