"""Typed records the parser produces: the brochure's structure, nothing interpreted yet.

Each record owns the source line numbers it was read from (``lines``), so that the parser
can prove that every line of the source is accounted for exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    """One question of the catalogue (data/questions.csv)."""

    slug: str
    de: str
    en: str
    variants: tuple[str, ...] = ()


class _Spanned:
    """A record that owns consecutive-or-not source lines; the span is first to last."""

    lines: tuple[int, ...]

    @property
    def first_line(self) -> int:
        return self.lines[0]

    @property
    def last_line(self) -> int:
        return self.lines[-1]


@dataclass(frozen=True)
class Answer(_Spanned):
    question: Question
    printed_question: str
    position: int
    text: str
    question_line: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Site:
    """One site profile: three answers followed by the header block."""

    name: str
    start_year: int
    start_month: int
    coordinators: tuple[str, ...]
    motto: str
    answers: tuple[Answer, ...]
    header_lines: tuple[int, ...]
    name_line: int
    start_line: int
    # The header's lines as printed, the evidence of the start, the coordinators and the motto.
    start_text: str = ""
    coordination_text: str = ""
    coordination_line: int = 0
    motto_text: str = ""

    @property
    def start(self) -> str:
        """Programmstart as an xsd:gYearMonth lexical form."""
        return f"{self.start_year:04d}-{self.start_month:02d}"

    @property
    def first_line(self) -> int:
        return self.answers[0].first_line

    @property
    def last_line(self) -> int:
        return self.header_lines[-1]


@dataclass(frozen=True)
class Signature:
    name: str
    honorific: str | None
    role: str
    line: int


@dataclass(frozen=True)
class Chapter:
    """A state chapter: heading, site list, titled introduction and signature, then profiles."""

    state: str
    heading_line: int
    listed_sites: tuple[tuple[str, int], ...]
    intro_title: str
    intro_text: str
    intro_lines: tuple[int, ...]
    signature: Signature
    sites: tuple[Site, ...]
    lines: tuple[int, ...]

    @property
    def first_line(self) -> int:
        return self.heading_line

    @property
    def last_line(self) -> int:
        return self.sites[-1].last_line if self.sites else self.signature.line

    @property
    def intro_first_line(self) -> int:
        return self.intro_lines[0]

    @property
    def intro_last_line(self) -> int:
        return self.intro_lines[-1]


@dataclass(frozen=True)
class Section(_Spanned):
    """The foreword or the summary: a heading and running text."""

    title: str
    text: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Brochure:
    path: str
    sha256: str
    line_count: int
    foreword: Section
    chapters: tuple[Chapter, ...]
    summary: Section
    noise_lines: tuple[int, ...] = field(repr=False)

    @property
    def sites(self) -> tuple[Site, ...]:
        return tuple(site for chapter in self.chapters for site in chapter.sites)

    @property
    def answers(self) -> tuple[Answer, ...]:
        return tuple(answer for site in self.sites for answer in site.answers)

    def owned_lines(self) -> list[tuple[str, tuple[int, ...]]]:
        """Every record with the lines it owns, for the accounting proof."""
        owned: list[tuple[str, tuple[int, ...]]] = [("foreword", self.foreword.lines)]
        for chapter in self.chapters:
            owned.append((f"chapter {chapter.state}", chapter.lines))
            for site in chapter.sites:
                owned.append((f"header {site.name}", site.header_lines))
                for answer in site.answers:
                    owned.append((f"answer {site.name} / {answer.question.slug}", answer.lines))
        owned.append(("summary", self.summary.lines))
        return owned
