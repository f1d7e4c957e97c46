"""Parse the brochure's text layer into typed records.

The layout this parser relies on was checked against the real text, not guessed:

* the document is: foreword, three state chapters, summary; their headings are fixed;
* a chapter is: state heading, a bullet list ("XX …") of its sites, a titled introduction
  ending in the consultant's signature, then one profile per listed site;
* a profile is three answers (question line, text) followed by the header block
  (site name, ``Programmstart: MM / YYYY``, ``Bildungskoordination: …``, motto in »…«);
* a page footer (the brochure title and "… Seite N") may interrupt the text; it is noise,
  as are lines holding only white space.

Anything else stops the parse with a :class:`KokoError` naming the file and line. At the
end the parser proves that every non-noise line belongs to exactly one record.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from koko.errors import KokoError, decode_strictly
from koko.source.catalogue import Catalogue
from koko.source.records import Answer, Brochure, Chapter, Question, Section, Signature, Site
from koko.source.text import BULLET, BULLET_MARK, is_blank, join_lines, normalise_space

FOREWORD_TITLE = "Hintergrund der Broschüre"
SUMMARY_TITLE = "Zusammenfassung und Ausblick"
STATE_HEADINGS = ("Sachsen", "Sachsen-Anhalt", "Thüringen")
FOOTER_TITLE = "»Kommunale Koordinierung der Bildungsangebote für Neuzugewanderte«"
FOOTER_PAGE = re.compile(r"^in Sachsen, Sachsen-Anhalt und Thüringen Seite \d+$")
START_PREFIX = "Programmstart:"
START = re.compile(r"^Programmstart:\s*(\d{1,2})\s*/\s*(\d{4})$")
COORDINATION_PREFIX = "Bildungskoordination:"
SIGNATURE = re.compile(
    r"^(?:(?P<honorific>(?:Dr\.|Prof\.)(?: (?:Dr\.|Prof\.))*) )?(?P<name>[^,]+?),\s*"
    r"(?P<role>Kommunalberatung [^()]+?)\s*\(TransMit\)$"
)
# The programme ran 2016–2020; a start outside a generous window is a typo, not data.
PLAUSIBLE_YEARS = range(2000, 2100)


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    index: int  # position among the content lines

    @property
    def norm(self) -> str:
        return normalise_space(self.text)


class _Cursor:
    """Walks the content lines (noise removed) and remembers where blank gaps were."""

    def __init__(self, content: list[_Line], path: str, last_line: int):
        self.content = content
        self.pos = 0
        self.path = path
        self.last_line = last_line

    def peek(self, ahead: int = 0) -> _Line | None:
        index = self.pos + ahead
        return self.content[index] if index < len(self.content) else None

    def take(self) -> _Line:
        line = self.peek()
        if line is None:
            raise self.error("unexpected end of file (truncated?)", self.last_line)
        self.pos += 1
        return line

    def gap_before(self, line: _Line) -> bool:
        """True when blank or noise lines separate ``line`` from the content line before it."""
        return line.index > 0 and self.content[line.index - 1].number != line.number - 1

    def after(self, line: _Line) -> _Line | None:
        """The content line following ``line``."""
        return self.content[line.index + 1] if line.index + 1 < len(self.content) else None

    def error(self, message: str, line: int | None) -> KokoError:
        return KokoError(message, self.path, line)


def read_source(path: Path) -> str:
    """Read the source strictly as UTF-8, with errors that say where the bad bytes are."""
    return decode_source(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise KokoError("source file not found", path) from exc
    except OSError as exc:  # a folder, no permission, …
        raise KokoError(f"cannot read source: {exc.strerror}", path) from exc


def decode_source(data: bytes, path: Path | str) -> str:
    """The text of the source's bytes: empty, binary, non-UTF-8 and double-encoded files are refused."""
    if not data.strip():
        raise KokoError("source file is empty", path, 1)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise KokoError("source contains NUL bytes: this is a binary file, not the brochure text", path, line)
    text = decode_strictly(data, path, "the brochure text")
    mojibake = re.search(r"Ã[\u0080-\u00bf]|â€", text)
    if mojibake:
        line = text.count("\n", 0, mojibake.start()) + 1
        raise KokoError(
            f"text looks double-encoded ({mojibake.group()!r}): UTF-8 read as Latin-1 and saved again",
            path,
            line,
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_file(path: Path, catalogue: Catalogue) -> Brochure:
    """Parse the brochure text file at ``path``."""
    data = _read_bytes(path)
    text = decode_source(data, path)
    return parse_text(text, catalogue, str(path), hashlib.sha256(data).hexdigest())


def parse_text(text: str, catalogue: Catalogue, path: str = "<source>", sha256: str = "") -> Brochure:
    raw = text.split("\n")
    noise: set[int] = set()
    for index, line in enumerate(raw):
        if is_blank(line):
            noise.add(index + 1)
        elif (
            normalise_space(line) == FOOTER_TITLE and index + 1 < len(raw) and FOOTER_PAGE.match(normalise_space(raw[index + 1]))
        ):
            noise.update({index + 1, index + 2})
    numbered = [(i + 1, line) for i, line in enumerate(raw) if i + 1 not in noise]
    content = [_Line(number, line, index) for index, (number, line) in enumerate(numbered)]
    if not content:
        raise KokoError("source file is empty", path, 1)
    cursor = _Cursor(content, path, len(raw))
    parser = _Parser(cursor, catalogue)

    foreword = parser.foreword()
    chapters = []
    while (heading := cursor.peek()) is not None and parser.is_state_heading(heading):
        chapters.append(parser.chapter())
    found = tuple(chapter.state for chapter in chapters)
    if found != STATE_HEADINGS:
        where = cursor.peek()
        raise cursor.error(
            f"expected the state chapters {', '.join(STATE_HEADINGS)} in this order, found "
            f"{', '.join(found) or 'none'}"
            + (f"; stopped at {where.norm!r}" if where else " before the end of the file (truncated?)"),
            where.number if where else len(raw),
        )
    summary = parser.summary()

    brochure = Brochure(
        path=path,
        sha256=sha256,
        line_count=len(raw),
        foreword=foreword,
        chapters=tuple(chapters),
        summary=summary,
        noise_lines=tuple(sorted(noise)),
    )
    _prove_accounting(brochure, cursor)
    return brochure


def _prove_accounting(brochure: Brochure, cursor: _Cursor) -> None:
    """Every non-noise line belongs to exactly one record; nothing is dropped or doubled."""
    owner: dict[int, str] = {}
    for record, lines in brochure.owned_lines():
        for number in lines:
            if number in owner:
                raise cursor.error(f"line claimed by both {owner[number]} and {record}", number)
            owner[number] = record
    for line in cursor.content:
        if line.number not in owner:
            raise cursor.error(f"line not accounted for by any record: {line.norm!r}", line.number)


def _paragraphs(cursor: _Cursor, lines: list[_Line]) -> str:
    """Running text: blank gaps separate paragraphs, "XX" lines are list items.

    A block after a gap that starts with a lowercase letter continues the list item before
    it: the PDF broke the item across two lines with a blank line between.
    """
    blocks: list[list[str]] = []
    kinds: list[str] = []
    for line in lines:
        stripped = line.text.strip()
        if stripped.startswith(BULLET_MARK + " "):
            # Keep trailing white space: it tells join_lines that the word ends here.
            blocks.append([line.text.lstrip()[len(BULLET_MARK) + 1 :]])
            kinds.append("item")
        elif blocks and (not cursor.gap_before(line) or (kinds[-1] == "item" and stripped[:1].islower())):
            blocks[-1].append(line.text)
        else:
            blocks.append([line.text])
            kinds.append("para")
    out = ""
    for index, (block, kind) in enumerate(zip(blocks, kinds, strict=True)):
        text = join_lines(block)
        if kind == "item":
            text = f"{BULLET} {text}"
        if index:
            out += "\n" if kind == "item" and kinds[index - 1] == "item" else "\n\n"
        out += text
    return out


class _Parser:
    def __init__(self, cursor: _Cursor, catalogue: Catalogue):
        self.c = cursor
        self.catalogue = catalogue

    # --- classification -------------------------------------------------------------
    def is_state_heading(self, line: _Line) -> bool:
        following = self.c.after(line)
        return line.norm in STATE_HEADINGS and following is not None and following.norm.startswith(BULLET_MARK + " ")

    def is_summary_heading(self, line: _Line) -> bool:
        return line.norm == SUMMARY_TITLE

    def is_question(self, line: _Line) -> bool:
        return self.catalogue.match(line.text) is not None

    def looks_like_question(self, line: _Line) -> str | None:
        """The catalogue question a line nearly matches: a misspelt or unknown question."""
        text = line.norm
        if not text.endswith("?") or len(text) > 160:
            return None
        known = [q.de for q in self.catalogue.questions] + [v for q in self.catalogue.questions for v in q.variants]
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.75)
        return close[0] if close else None

    def is_name_line(self, line: _Line) -> bool:
        following = self.c.after(line)
        return following is not None and following.norm.startswith(START_PREFIX)

    def _unknown_question(self, line: _Line) -> KokoError:
        near = self.looks_like_question(line)
        hint = f" (did you mean {near!r}?)" if near else ""
        return self.c.error(f"unknown question {line.norm!r}: not in the catalogue data/questions.csv{hint}", line.number)

    # --- sections ------------------------------------------------------------------
    def foreword(self) -> Section:
        heading = self.c.take()
        if heading.norm != FOREWORD_TITLE:
            raise self.c.error(f"expected the foreword heading {FOREWORD_TITLE!r}, found {heading.norm!r}", heading.number)
        body = self._prose_until(lambda line: self.is_state_heading(line) or self.is_summary_heading(line), "the foreword")
        if not body:
            raise self.c.error("the foreword has no text", heading.number)
        return Section(FOREWORD_TITLE, _paragraphs(self.c, body), (heading.number, *[ln.number for ln in body]))

    def summary(self) -> Section:
        heading = self.c.peek()
        if heading is None:
            raise self.c.error(
                f"unexpected end of file: the summary {SUMMARY_TITLE!r} is missing (truncated file?)", self.c.last_line
            )
        if not self.is_summary_heading(heading):
            raise self.c.error(f"expected the summary heading {SUMMARY_TITLE!r}, found {heading.norm!r}", heading.number)
        self.c.take()
        body = self._prose_until(lambda line: False, "the summary")
        if not body:
            raise self.c.error("the summary has no text (truncated file?)", heading.number)
        return Section(SUMMARY_TITLE, _paragraphs(self.c, body), (heading.number, *[ln.number for ln in body]))

    def _prose_until(self, stop: Callable[[_Line], bool], where: str) -> list[_Line]:
        """Running text up to ``stop``; a site profile here would be a site outside a chapter."""
        body = []
        while (line := self.c.peek()) is not None and not stop(line):
            if self.is_question(line) or line.norm.startswith((START_PREFIX, COORDINATION_PREFIX)):
                raise self.c.error(
                    f"site profile content {line.norm!r} in {where}: every site must be inside a state chapter",
                    line.number,
                )
            if self.looks_like_question(line):
                raise self._unknown_question(line)
            body.append(self.c.take())
        return body

    def chapter(self) -> Chapter:
        heading = self.c.take()
        listed: list[tuple[str, int]] = []
        while (line := self.c.peek()) is not None and line.norm.startswith(BULLET_MARK + " "):
            self.c.take()
            listed.append((line.norm[len(BULLET_MARK) + 1 :], line.number))
        names = [name for name, _ in listed]
        for name, number in listed:
            if names.count(name) > 1:
                raise self.c.error(f"site {name!r} is listed twice in chapter {heading.norm!r}", number)

        title_lines = [self.c.take()]
        while (line := self.c.peek()) is not None and not self.c.gap_before(line):
            title_lines.append(self.c.take())
        intro: list[_Line] = []
        signature: Signature | None = None
        while signature is None:
            line = self.c.peek()
            if line is None or self.is_question(line) or self.is_state_heading(line) or self.is_summary_heading(line):
                raise self.c.error(
                    f"the introduction of chapter {heading.norm!r} has no signature line 'Name, Kommunalberatung … (TransMit)'",
                    line.number if line else self.c.last_line,
                )
            self.c.take()
            match = SIGNATURE.match(line.norm)
            if match:
                signature = Signature(match["name"], match["honorific"], match["role"], line.number)
            else:
                intro.append(line)
        if not intro:
            raise self.c.error(f"the introduction of chapter {heading.norm!r} has no text", signature.line)

        sites: list[Site] = []
        while (line := self.c.peek()) is not None and not self.is_state_heading(line) and not self.is_summary_heading(line):
            site = self.profile(heading.norm, listed)
            for earlier in sites:
                if earlier.name == site.name:
                    raise self.c.error(
                        f"site {site.name!r} has a second profile (the first ends at line {earlier.last_line})",
                        site.name_line,
                    )
            sites.append(site)
        printed = {site.name for site in sites}
        for name, number in listed:
            if name not in printed:
                raise self.c.error(
                    f"chapter {heading.norm!r} lists {name!r} but has no profile for it (missing header or truncated?)",
                    number,
                )
        own = [
            heading.number,
            *[n for _, n in listed],
            *[ln.number for ln in title_lines],
            *[ln.number for ln in intro],
            signature.line,
        ]
        return Chapter(
            state=heading.norm,
            heading_line=heading.number,
            listed_sites=tuple(listed),
            intro_title=join_lines([ln.text for ln in title_lines]),
            intro_text=_paragraphs(self.c, intro),
            intro_lines=(
                title_lines[0].number,
                *[ln.number for ln in title_lines[1:]],
                *[ln.number for ln in intro],
                signature.line,
            ),
            signature=signature,
            sites=tuple(sites),
            lines=tuple(own),
        )

    def profile(self, state: str, listed: list[tuple[str, int]]) -> Site:
        answers: list[Answer] = []
        while True:
            line = self.c.peek()
            if line is None:
                raise self.c.error("unexpected end of file inside a site profile (truncated?)", self.c.last_line)
            if self.is_name_line(line):
                break
            if line.norm.startswith(COORDINATION_PREFIX):
                raise self.c.error("'Bildungskoordination:' without the 'Programmstart:' line before it", line.number)
            match = self.catalogue.match(line.text)
            if match is None:
                if self.looks_like_question(line) or line.norm.endswith("?"):
                    raise self._unknown_question(line)
                raise self.c.error(f"expected a question of the catalogue, found {line.norm!r}", line.number)
            if len(answers) == 3:
                raise self.c.error(
                    f"a fourth question after the profile starting at line {answers[0].question_line}: "
                    "the header block (name, Programmstart, Bildungskoordination, motto) is missing",
                    line.number,
                )
            answers.append(self.answer(*match, position=len(answers) + 1))
        name_line = self.c.take()
        name = name_line.norm
        site_names = [n for n, _ in listed]
        if name not in site_names:
            raise self.c.error(
                f"site {name!r} is not in the site list of chapter {state!r} "
                f"({', '.join(site_names)}): a site outside its chapter, or a missing name line",
                name_line.number,
            )
        start_line = self.c.take()
        start = START.match(start_line.norm)
        if not start:
            raise self.c.error(f"Programmstart {start_line.norm!r} is not 'MM / YYYY'", start_line.number)
        month, year = int(start[1]), int(start[2])
        if not 1 <= month <= 12:
            raise self.c.error(f"impossible Programmstart {start[1]} / {start[2]}: month must be 01–12", start_line.number)
        if year not in PLAUSIBLE_YEARS:
            raise self.c.error(f"implausible Programmstart year {year}", start_line.number)
        coordination = self.c.peek()
        if coordination is None or not coordination.norm.startswith(COORDINATION_PREFIX):
            raise self.c.error(f"site {name!r}: missing 'Bildungskoordination:' line after Programmstart", start_line.number)
        self.c.take()
        people = coordination.norm[len(COORDINATION_PREFIX) :].strip()
        coordinators = tuple(p.strip() for p in re.split(r",\s*|\s+und\s+", people) if p.strip())
        if not coordinators or any(len(p.split()) < 2 for p in coordinators):
            raise self.c.error(
                f"site {name!r}: 'Bildungskoordination' must name people as 'Vorname Nachname [und …]', found {people!r}",
                coordination.number,
            )
        motto_start = self.c.peek()
        if motto_start is None or not motto_start.norm.startswith("»"):
            raise self.c.error(f"site {name!r}: missing motto »…« after the Bildungskoordination line", coordination.number)
        motto_lines = [self.c.take()]
        while "«" not in motto_lines[-1].norm:
            nxt = self.c.peek()
            if (
                nxt is None
                or self.is_question(nxt)
                or self.is_state_heading(nxt)
                or self.is_summary_heading(nxt)
                or len(motto_lines) == 4
            ):
                raise self.c.error(f"site {name!r}: the motto opened here has no closing '«'", motto_lines[0].number)
            motto_lines.append(self.c.take())
        motto = join_lines([ln.text for ln in motto_lines])
        if not motto.endswith("«") or motto.count("»") != 1 or motto.count("«") != 1:
            raise self.c.error(f"site {name!r}: the motto must be one »…« quotation, found {motto!r}", motto_lines[0].number)
        slugs = [a.question.slug for a in answers]
        if len(answers) != 3:
            raise self.c.error(f"site {name!r} answers {len(answers)} questions, expected 3", name_line.number)
        if len(set(slugs)) != 3:
            raise self.c.error(f"site {name!r} answers a question twice: {', '.join(slugs)}", name_line.number)
        return Site(
            name=name,
            start_year=year,
            start_month=month,
            coordinators=coordinators,
            motto=motto[1:-1].strip(),
            answers=tuple(answers),
            header_lines=(name_line.number, start_line.number, coordination.number, *[ln.number for ln in motto_lines]),
            name_line=name_line.number,
            start_line=start_line.number,
            start_text=start_line.norm,
            coordination_text=coordination.norm,
            coordination_line=coordination.number,
            motto_text=motto,
        )

    def answer(self, question: Question, printed: str, position: int) -> Answer:
        qline = self.c.take()
        body: list[_Line] = []
        while (line := self.c.peek()) is not None:
            if self.is_question(line) or self.is_name_line(line) or self.is_state_heading(line) or self.is_summary_heading(line):
                break
            if line.norm.startswith(COORDINATION_PREFIX):
                break
            if self.c.gap_before(line) and line.norm.endswith("?") and self.looks_like_question(line):
                raise self._unknown_question(line)
            body.append(self.c.take())
        if not body:
            raise self.c.error(f"the question {printed!r} has no answer text", qline.number)
        return Answer(
            question=question,
            printed_question=printed,
            position=position,
            text=_paragraphs(self.c, body),
            question_line=qline.number,
            lines=(qline.number, *[ln.number for ln in body]),
        )
