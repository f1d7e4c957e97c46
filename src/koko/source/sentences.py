"""The brochure's parts split into sentences, for the sentence-level coverage of the curated layer.

pysbd's German rules know the abbreviations the brochure uses (»z. B.«, »bzw.«, »ca.«) and
ordinals (»1. Juni«), which a full stop followed by a capital would split. It reads »…« as
French guillemets the wrong way round (the text between »A« and »B« as one quotation, which
swallowed a whole state introduction into one sentence), so it is given the German quotes as
“…”, one character for one, and the spans stay those of the text. It still cuts
after »u. a.« before a colon and inside a closing guillemet (»…« im Team); a piece that does
not begin a sentence (lower case, a colon, a closing guillemet, a comma) is joined back to the
sentence before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pysbd

CONTINUES = ("«", ":", ",", ";", ")", "–", "-")
GERMAN_QUOTES = str.maketrans("»«", "“”")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a part's text: its position (0-based) and its character span."""

    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="de", clean=False, char_span=True)


def _starts_sentence(piece: str) -> bool:
    return not (piece[:1].islower() or piece.startswith(CONTINUES))


def split(text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text`` (spaces folded, as :func:`koko.source.text.normalise_space` leaves it)."""
    spans: list[list[int]] = []
    for span in _segmenter().segment(text.translate(GERMAN_QUOTES)):
        piece = span.sent.strip()
        if not piece:
            continue
        start = span.start + span.sent.index(piece)
        end = start + len(piece)
        piece = text[start:end]
        if spans and not _starts_sentence(piece):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return tuple(Sentence(i, start, end, text[start:end]) for i, (start, end) in enumerate(spans))


def overlapped(sentences: tuple[Sentence, ...], text: str, quote: str) -> tuple[int, ...]:
    """The indices of the sentences that the first occurrence of ``quote`` in ``text`` overlaps."""
    start = text.find(quote)
    if start < 0:
        return ()
    end = start + len(quote)
    return tuple(s.index for s in sentences if s.start < end and start < s.end)
