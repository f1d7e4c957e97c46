"""Views of a query result beyond the table: a bar chart and a timeline, drawn as inline SVG on the server.

A result of two rows or more offers a **chart** when it has a column of numbers (every bound cell an
``xsd:`` number, none negative, the column not named for a position: ``firstLine``, ``position``) and
a column to name the bars by, and a **timeline** when it has a column of dates (``xsd:date``,
``xsd:gYearMonth``, ``xsd:gYear``). The names come from the first text or IRI column whose values
differ from row to row, language-tagged text first, then IRIs (by the labels of
:func:`koko.pages.result_table.readable`, so in the page's language), then (for bars) distinct dates, then
plain strings; else from the first such column at all. Both views draw the rows of the page shown, in the
table's order (the timeline by date), and the table stays below them: the pictures are ``role="img"``
with a title and a description, the data for screen readers is the table.

Nothing here knows the width of the screen: horizontal positions are percentages of the picture's
width (``x="42.50%"``), vertical ones pixels, and the text is never scaled (no ``viewBox``), so a label
is as large on a phone as on a desktop and the picture is as wide as its box. Numbers are written with
two decimals, so the same result gives the same bytes.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

from koko.pages.result_table import Cell, Table

#: The view names of ``?view=``; ``table`` is always there.
VIEWS = ("table", "chart", "timeline")
NUMBERS = frozenset(
    f"xsd:{name}"
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
DATES = frozenset({"xsd:date", "xsd:gYearMonth", "xsd:gYear"})
#: Numbers that say where, not how much (a source line, a position in a list): no bars for them.
ORDINAL = re.compile(r"(?i)(line|position|order|index|rank|id)$")
_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
#: Longer names are cut (the whole name is the bar's or mark's tooltip): a label must fit a phone's line.
LONGEST = 44
ROW = 36  # pixels per bar or mark: a line of text and the bar or track under it
AXIS = 30  # pixels above the timeline's first row, for the years
#: Bars end at most here (percent of the width), leaving room for the number after the longest one.
BAR_SPAN = 84.0
LABELS = {
    "de": {"table": "Tabelle", "chart": "Balkendiagramm", "timeline": "Zeitleiste", "views": "Ansicht des Ergebnisses"},
    "en": {"table": "Table", "chart": "Bar chart", "timeline": "Timeline", "views": "View of the result"},
}


@dataclass(frozen=True)
class Bar:
    label: str
    lang: str | None
    full: str  # the whole label, for the tooltip
    value: str  # as the table shows it (a German decimal comma)
    length: str  # percent of the width, "42.50"
    y: int


@dataclass(frozen=True)
class BarChart:
    label_column: str
    value_column: str
    bars: tuple[Bar, ...]
    height: int


@dataclass(frozen=True)
class Mark:
    label: str
    lang: str | None
    full: str
    date: str  # as the table shows it: "Oktober 2016"
    value: str  # the literal: "2016-10"
    x: str  # percent of the width
    anchor: str  # where the date's text goes: "start" (right of the dot) or "end" (left of it)
    y: int


@dataclass(frozen=True)
class Tick:
    x: str
    text: str | None  # a year, or None for a quarter's line
    anchor: str


@dataclass(frozen=True)
class Timeline:
    label_column: str
    date_column: str
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    height: int


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    href: str
    current: bool


@dataclass(frozen=True)
class Views:
    """What the ``_result_views.html`` partial draws: the tabs, and the chart and timeline to show
    (None where the view does not apply or is not the one chosen)."""

    tabs: tuple[Tab, ...]
    chart: BarChart | None
    timeline: Timeline | None
    lang: str


def _column(table: Table, index: int) -> list[Cell]:
    return [row[index] for row in table.rows if row[index] is not None]  # type: ignore[misc]


def _all(cells: list[Cell], test: Callable[[Cell], bool]) -> bool:
    return bool(cells) and all(test(c) for c in cells)


def _number(found: Cell) -> float | None:
    if found.kind != "literal" or found.datatype not in NUMBERS:
        return None
    try:
        return float(found.value)
    except ValueError:
        return None


def _moment(found: Cell) -> float | None:
    """A date as a fraction of years (2016-10 → 2016.75), or None for anything else."""
    match = _DATE.match(found.value) if found.kind == "literal" and found.datatype in DATES else None
    if match is None:
        return None
    year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return year + (month - 1) / 12 + (day - 1) / (12 * calendar.monthrange(year, month)[1])


def _numeric(cells: list[Cell]) -> bool:
    return _all(cells, lambda c: (n := _number(c)) is not None and n >= 0)


def _dated(cells: list[Cell]) -> bool:
    return _all(cells, lambda c: _moment(c) is not None)


def _names(table: Table, avoid: int, dates: bool = False) -> int | None:
    """The column to name rows by: text or IRIs, preferably one whose values differ in every row; with
    ``dates``, a column of distinct dates comes before plain strings (a count per month is named by the month)."""
    candidates = [
        i
        for i in range(len(table.variables))
        if i != avoid and _all(_column(table, i), lambda c: c.kind in ("uri", "literal") and c.datatype not in NUMBERS | DATES)
    ]
    distinct = [i for i in candidates if len({c.value for c in _column(table, i)}) == len(table.rows)]
    # Text for people (a language-tagged name) before an IRI (shown by its label) before a plain code (``stabsstelle``).
    for kind in (lambda c: c.lang is not None, lambda c: c.kind == "uri"):
        found = next((i for i in distinct if _all(_column(table, i), kind)), None)
        if found is not None:
            return found
    if dates:
        dated = (i for i in range(len(table.variables)) if i != avoid and _dated(_column(table, i)))
        found = next((i for i in dated if len({c.value for c in _column(table, i)}) == len(table.rows)), None)
        if found is not None:
            return found
    if distinct:
        return distinct[0]
    return candidates[0] if candidates else None


def _heading(table: Table, index: int) -> str:
    # A canned query's column names for people where the table has them (Table.headers), else the variable.
    headers: tuple[str, ...] = getattr(table, "headers", ())
    return headers[index] if headers else table.variables[index]


def _label(found: Cell | None) -> tuple[str, str | None, str]:
    if found is None:
        return "–", None, "–"
    text = found.text
    return (text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"), found.lang, text


def _percent(value: float) -> str:
    return f"{value:.2f}"


def bar_chart(table: Table) -> BarChart | None:
    """Bars of the first column of non-negative numbers, named by :func:`_names`; None if there is none."""
    numbers = next(
        (i for i, name in enumerate(table.variables) if not ORDINAL.search(name) and _numeric(_column(table, i))), None
    )
    if numbers is None:
        return None
    names = _names(table, numbers, dates=True)
    if names is None:
        return None
    rows = [row for row in table.rows if row[numbers] is not None]
    largest = max(_number(row[numbers]) or 0.0 for row in rows)  # type: ignore[arg-type]
    bars = []
    for n, row in enumerate(rows):
        value = row[numbers]
        assert value is not None
        label, lang, full = _label(row[names])
        length = BAR_SPAN * (_number(value) or 0.0) / largest if largest > 0 else 0.0
        bars.append(Bar(label, lang, full, value.text, _percent(length), n * ROW))
    return BarChart(_heading(table, names), _heading(table, numbers), tuple(bars), len(bars) * ROW + 4)


def _step(span: int) -> int:
    """Years between two labelled ticks: at most eight labels, on round numbers."""
    return next(step for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if span / step <= 8 or step == 1000)


def _x(moment: float, first: int, last: int) -> float:
    # 2 % of room at each end, so that a dot on the first or last year is not cut in half.
    return 2 + 96 * (moment - first) / (last - first)


def timeline(table: Table) -> Timeline | None:
    """A mark per row at its date (the first column of dates), named by :func:`_names`; None if no dates."""
    dates = next((i for i in range(len(table.variables)) if _dated(_column(table, i))), None)
    if dates is None:
        return None
    names = _names(table, dates)
    found: list[tuple[float, int, Cell, Cell | None]] = []
    for n, row in enumerate(table.rows):
        cell = row[dates]
        moment = _moment(cell) if cell is not None else None
        if cell is not None and moment is not None:
            found.append((moment, n, cell, row[names] if names is not None else cell))
    dated = sorted(found, key=lambda item: (item[0], item[1]))
    first = int(dated[0][0])
    last = int(dated[-1][0]) + 1
    step = _step(last - first)
    first -= first % step
    last += -last % step
    ticks = [
        Tick(_percent(_x(year, first, last)), str(year), "start" if year == first else "end" if year == last else "middle")
        for year in range(first, last + 1, step)
    ]
    if last - first <= 4:  # short spans: a line for each quarter, so that a month can be read off
        ticks += [Tick(_percent(_x(year + q / 4, first, last)), None, "middle") for year in range(first, last) for q in (1, 2, 3)]
    marks = []
    for n, (moment, _, cell, name) in enumerate(dated):
        label, lang, full = _label(name)
        x = _x(moment, first, last)
        marks.append(Mark(label, lang, full, cell.text, cell.value, _percent(x), "start" if x < 60 else "end", AXIS + n * ROW))
    return Timeline(
        _heading(table, names if names is not None else dates),
        _heading(table, dates),
        tuple(marks),
        tuple(ticks),
        AXIS + len(marks) * ROW + 4,
    )


def view_name(text: str | None) -> str:
    """The ``view`` parameter as a view name (``table`` for anything else).

    >>> view_name("chart"), view_name("timeline"), view_name("pie"), view_name(None)
    ('chart', 'timeline', 'table', 'table')
    """
    return text if text in VIEWS else "table"


def result_views(table: Table | None, shown: str, href: Callable[[str], str], lang: str) -> Views | None:
    """The views a result offers besides the table, or None when it offers none (an ASK, no rows, no
    numbers and no dates). ``shown`` is the view asked for (``?view=``; one that does not apply shows the
    table) or ``all`` (the static site, which cannot read ``?view=``: every view, one below the other,
    the tabs leading down to them); ``href`` is the link to a view of this page."""
    if table is None or table.boolean is not None or len(table.rows) < 2:  # one bar or dot shows nothing the row does not
        return None
    chart, line = bar_chart(table), timeline(table)
    offered = [name for name, view in (("table", True), ("chart", chart), ("timeline", line)) if view]
    if len(offered) == 1:
        return None
    every = shown == "all"
    current = shown if shown in offered else "table"
    anchors = {"table": "#result", "chart": "#result-chart", "timeline": "#result-timeline"}
    tabs = tuple(
        Tab(name, LABELS[lang][name], anchors[name] if every else href(name), not every and name == current) for name in offered
    )
    return Views(
        tabs,
        chart if every or current == "chart" else None,
        line if every or current == "timeline" else None,
        lang,
    )
