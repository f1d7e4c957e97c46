"""The brochure to read: every line of the text layer at its own anchor, and passages marked.

``/-/brochure`` shows the text file the release was built from, line by line (``#L89``), with the
structure :mod:`koko.source.parse` found in it (chapters, site profiles, questions, headers), so that a
line number on a page (``koko:firstLine``) is one click away. ``?from=89&to=92`` marks lines 89 to 92 on
the server; the static site cannot read a query string, so ``koko-reader.js`` marks the same range in the
browser, and without JavaScript ``:target`` marks the first line.

Quotes are printed in parts (an answer, a site profile) that span many lines; :meth:`BrochureText.passage`
finds the lines a quote lies on, with the line-mending of :func:`koko.source.text.join_lines` that the
curated quotes were checked with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from koko.config import Config
from koko.graph.profiles import MARKER
from koko.pages.urls import Urls
from koko.pages.vocabulary import SCHEMA
from koko.source.catalogue import load_catalogue
from koko.source.parse import parse_file, read_source
from koko.source.records import Brochure
from koko.source.text import BULLET_MARK, is_blank, join_lines, normalise_space, site_slug

PATH = Urls.brochure
SCRIPT = "koko-reader.js"


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    kind: str  # text, blank, footer, title, chapter, intro-title, listed, signature, question, site-name, meta, motto
    marked: bool = False


@dataclass(frozen=True)
class Block:
    """A run of lines; a site profile's run starts with its name (printed after its answers in the brochure)."""

    lines: tuple[Line, ...]
    site: str | None = None  # the site's printed name
    site_slug: str | None = None


@dataclass(frozen=True)
class Entry:
    title: str
    anchor: str
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class BrochureText:
    """The source text as lines (``lines[0]`` is line 1) and the parser's records of it."""

    lines: tuple[str, ...]
    brochure: Brochure
    _passages: dict[tuple[int, int, str], tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)
    _texts: dict[tuple[int, int], str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def noise(self) -> frozenset[int]:
        return frozenset(self.brochure.noise_lines)

    def _joined(self, numbers: list[int]) -> str:
        # The quotes of one part bisect through the same prefixes: each is mended once (request threads may
        # race to fill an entry; they write the same text).
        key = (numbers[0], numbers[-1]) if numbers else (0, 0)
        if key not in self._texts:
            self._texts[key] = self._mend(numbers)
        return self._texts[key]

    def _mend(self, numbers: list[int]) -> str:
        texts = []
        for number in numbers:
            text = self.lines[number - 1]
            stripped = text.lstrip()
            # The parser reads "XX " as a list bullet, not as text (koko.source.parse._paragraphs).
            texts.append(stripped[len(BULLET_MARK) + 1 :] if stripped.startswith(BULLET_MARK + " ") else text)
        return normalise_space(join_lines(texts))

    def passage(self, first: int, last: int, quote: str) -> tuple[int, int]:
        """The lines within ``first``–``last`` that ``quote`` lies on; the whole span if it is not found there."""
        key = (first, last, quote)
        if key not in self._passages:
            self._passages[key] = self._find(first, last, normalise_space(quote))
        return self._passages[key]

    def _find(self, first: int, last: int, wanted: str) -> tuple[int, int]:
        if not wanted or not 1 <= first <= last <= len(self.lines):
            return first, last
        noise = self.noise
        numbers = [n for n in range(first, last + 1) if n not in noise]
        for number in numbers:  # a header line quoted whole ("Programmstart: 12 / 2016")
            if normalise_space(self.lines[number - 1]) == wanted:
                return number, number
        # More lines hold what fewer held, so both ends are found by bisection: a dozen joins, not hundreds.
        low, high = 0, len(numbers) - 1  # the last line the quote ends on is the first prefix that holds it
        if wanted not in self._joined(numbers):
            return first, last
        while low < high:
            middle = (low + high) // 2
            if wanted in self._joined(numbers[: middle + 1]):
                high = middle
            else:
                low = middle + 1
        end, low, high = low, 0, low  # the first line: the last start whose suffix up to the end still holds it
        while low < high:
            middle = (low + high + 1) // 2
            if wanted in self._joined(numbers[middle : end + 1]):
                low = middle
            else:
                high = middle - 1
        if wanted not in self._joined(numbers[low : end + 1]):  # where the mending is not monotone after all
            return first, last
        return numbers[low], numbers[end]

    def kinds(self) -> dict[int, str]:
        """What each line is, from the parser's records; lines not named here are running text."""
        b = self.brochure
        kinds = {n: ("blank" if is_blank(self.lines[n - 1]) else "footer") for n in b.noise_lines if n <= len(self.lines)}
        kinds[b.foreword.first_line] = kinds[b.summary.first_line] = "title"
        for chapter in b.chapters:
            kinds[chapter.heading_line] = "chapter"
            kinds.update({n: "listed" for _, n in chapter.listed_sites})
            title: list[int] = []
            for n in chapter.intro_lines:  # the title's lines: until they make up the title
                title.append(n)
                kinds[n] = "intro-title"
                if join_lines([self.lines[m - 1] for m in title]) == chapter.intro_title:
                    break
            kinds[chapter.signature.line] = "signature"
            for site in chapter.sites:
                for answer in site.answers:
                    kinds[answer.question_line] = "question"
                kinds[site.name_line] = "site-name"
                kinds[site.start_line] = kinds[site.coordination_line] = "meta"
                kinds.update({n: "motto" for n in site.header_lines[3:]})
        return kinds

    def blocks(self, marked: tuple[int, int] | None) -> tuple[Block, ...]:
        kinds = self.kinds()
        starts = {site.first_line: site for site in self.brochure.sites}
        blocks: list[Block] = []
        current: list[Line] = []
        site = None
        for number, text in enumerate(self.lines, start=1):
            if number in starts:
                blocks.append(Block(tuple(current), site.name if site else None, site_slug(site.name) if site else None))
                current, site = [], starts[number]
            elif site is not None and number > site.last_line:
                blocks.append(Block(tuple(current), site.name, site_slug(site.name)))
                current, site = [], None
            inside = marked is not None and marked[0] <= number <= marked[1]
            current.append(Line(number, text.rstrip(), kinds.get(number, "text"), inside))
        blocks.append(Block(tuple(current), site.name if site else None, site_slug(site.name) if site else None))
        return tuple(b for b in blocks if b.lines)

    def contents(self) -> tuple[Entry, ...]:
        b = self.brochure
        chapters = tuple(
            Entry(
                chapter.state,
                f"L{chapter.heading_line}",
                (
                    Entry(chapter.intro_title, f"L{chapter.intro_first_line}"),
                    *(Entry(site.name, f"standort-{site_slug(site.name)}") for site in chapter.sites),
                ),
            )
            for chapter in b.chapters
        )
        return (
            Entry(b.foreword.title, f"L{b.foreword.first_line}"),
            *chapters,
            Entry(b.summary.title, f"L{b.summary.first_line}"),
        )


def load_text(config: Config) -> BrochureText:
    """The source text the release was built from, parsed as the build parses it."""
    brochure = parse_file(config.source, load_catalogue(config.questions))
    lines = read_source(config.source).split("\n")
    if lines[-1] == "":  # the newline that ends the last line starts none
        lines.pop()
    return BrochureText(tuple(lines), brochure)


# The source file's digest as the release records it (koko.graph.model).
DIGEST_QUERY = "SELECT ?sha256 WHERE { ?source <https://w3id.org/koko-kg/ontology#sha256> ?sha256 }"


# A release of the minimal profile (koko.graph.profiles) names its post holders by this marker only.
WITHHELD_QUERY = f'SELECT ?holder WHERE {{ ?holder <{SCHEMA}name> ?name FILTER(STR(?name) = "{MARKER}") }} LIMIT 1'


def text_of_release(config: Config, select: Callable[[str], Sequence[ox.QuerySolution]]) -> BrochureText | None:
    """The brochure text, if it is the text the served release was built from (its SHA-256 is the one the
    release records): another text (``koko build --source``) has other line numbers, and no line is linked.
    A release that withholds the names (``--profile minimal``) gets no reader either: the text names them."""
    text = load_text(config)
    recorded = {row["sha256"].value.lower() for row in select(DIGEST_QUERY) if isinstance(row["sha256"], ox.Literal)}
    if text.brochure.sha256.lower() not in recorded or select(WITHHELD_QUERY):
        return None
    return text


def marked_range(start: str | None, end: str | None, line_count: int) -> tuple[int, int] | None:
    """The lines ``?from=&to=`` ask to mark, within the text; None for anything else.

    >>> marked_range("89", "92", 1356), marked_range("92", None, 1356), marked_range("x", "2", 9), marked_range("5", "99", 9)
    ((89, 92), (92, 92), None, (5, 9))
    """
    try:
        first = int(start or "")
        last = int(end) if end else first
    except ValueError:
        return None
    first, last = min(first, last), max(first, last)
    if last < 1 or first > line_count:
        return None
    return max(first, 1), min(last, line_count)


def reader_context(text: BrochureText, lang: str, marked: tuple[int, int] | None) -> dict[str, object]:
    """What ``reader.html`` shows: the lines in blocks, the contents, the marked range."""
    return {
        "blocks": text.blocks(marked),
        "contents": text.contents(),
        "marked": marked,
        "line_count": len(text.lines),
        "script": SCRIPT,
    }
