"""Typed literals for people: dates with month names, numbers with the language's separators.

A page shows ``2016-12`` typed ``xsd:gYearMonth`` as »Dezember 2016« or »December 2016«; the lexical
form and the datatype stay in the markup (``<data value>``, ``title``) for those who want them.
A value this module does not know is shown as written, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from koko.graph.values import MONTHS_DE, MONTHS_EN, SUBYEAR

XSD = "http://www.w3.org/2001/XMLSchema#"
EDTF = "http://id.loc.gov/datatypes/edtf/EDTF"
MONTHS = {"de": MONTHS_DE, "en": MONTHS_EN}
# EDTF sub-year codes (21 spring … 41 second half) → (German, English), as graph.values writes them.
SUBYEARS = {code: (de, en) for code, de, en in SUBYEAR.values()}
YES_NO = {"de": ("ja", "nein"), "en": ("yes", "no")}

_YEAR = re.compile(r"-?\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"([+-]?)(\d*)\.(\d+)")


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "de"


def group_digits(digits: str, lang: str) -> str:
    """An integer's digits grouped by thousands: ``.`` in German (as the brochure prints »1.200«),
    ``,`` in English. Years are ``xsd:gYear`` and never come here.

    >>> group_digits("17858", "de"), group_digits("17858", "en"), group_digits("-1200", "de"), group_digits("+7", "en")
    ('17.858', '17,858', '-1.200', '7')
    """
    grouped = f"{int(digits):,}"
    return grouped.replace(",", ".") if _lang(lang) == "de" else grouped


def year_month(value: str, lang: str) -> str | None:
    """A month of a year.

    >>> year_month("2016-10", "de"), year_month("2016-10", "en"), year_month("2016-13", "de")
    ('Oktober 2016', 'October 2016', None)
    """
    found = _YEAR_MONTH.fullmatch(value)
    if found is None or not 1 <= int(found[2]) <= 12:
        return None
    return f"{MONTHS[_lang(lang)][int(found[2]) - 1]} {found[1]}"


def date(value: str, lang: str) -> str | None:
    """A day.

    >>> date("2021-07-01", "de"), date("2021-07-01", "en")
    ('1. Juli 2021', '1 July 2021')
    """
    found = _DATE.fullmatch(value)
    if found is None or not 1 <= int(found[2]) <= 12 or not 1 <= int(found[3]) <= 31:
        return None
    month = MONTHS[_lang(lang)][int(found[2]) - 1]
    day = int(found[3])
    return f"{day}. {month} {found[1]}" if _lang(lang) == "de" else f"{day} {month} {found[1]}"


def edtf(value: str, lang: str) -> str | None:
    """The EDTF forms the release writes: a year, a month, a season or half-year, each possibly
    approximate (``~``) or uncertain (``?``).

    >>> [edtf(v, "de") for v in ("2016-23", "2019-41", "2021~", "2020-12", "2018")]
    ['Herbst 2016', 'zweites Halbjahr 2019', 'um 2021', 'Dezember 2020', '2018']
    >>> [edtf(v, "en") for v in ("2016-23", "2019-41", "2021~", "2017?")]
    ['autumn 2016', 'second half of 2019', 'about 2021', '2017 (uncertain)']
    """
    core = value.rstrip("~?%")
    marks = value[len(core) :]
    text: str | None
    if _YEAR.fullmatch(core):
        text = core
    elif (found := _YEAR_MONTH.fullmatch(core)) and found[2] in SUBYEARS:
        de, en = SUBYEARS[found[2]]
        text = f"{de if _lang(lang) == 'de' else en} {found[1]}"
    else:
        text = year_month(core, lang) or date(core, lang)
    if text is None:
        return None
    if "~" in marks or "%" in marks:
        text = f"{'um' if _lang(lang) == 'de' else 'about'} {text}"
    if "?" in marks or "%" in marks:
        text = f"{text} ({'unsicher' if _lang(lang) == 'de' else 'uncertain'})"
    return text


def integer(value: str, lang: str) -> str | None:
    return group_digits(value, lang) if _INTEGER.fullmatch(value) else None


def decimal(value: str, lang: str) -> str | None:
    """A decimal number.

    >>> decimal("1.8", "de"), decimal("12500.25", "en"), decimal("12500.25", "de"), decimal("10000", "de")
    ('1,8', '12,500.25', '12.500,25', '10.000')
    """
    if _INTEGER.fullmatch(value):  # xsd:decimal allows "10000"
        return group_digits(value, lang)
    found = _DECIMAL.fullmatch(value)
    if found is None:
        return None
    whole = group_digits(found[1] + (found[2] or "0"), lang)
    return f"{whole}{',' if _lang(lang) == 'de' else '.'}{found[3]}"


def boolean(value: str, lang: str) -> str | None:
    if value not in ("true", "false", "1", "0"):
        return None
    yes, no = YES_NO[_lang(lang)]
    return yes if value in ("true", "1") else no


FORMATS: dict[str, Callable[[str, str], str | None]] = {
    XSD + "gYear": lambda v, _: v if _YEAR.fullmatch(v) else None,
    XSD + "gYearMonth": year_month,
    XSD + "date": date,
    EDTF: edtf,
    XSD + "boolean": boolean,
    XSD + "decimal": decimal,
    **{
        XSD + name: integer
        for name in (
            "integer",
            "int",
            "long",
            "short",
            "nonNegativeInteger",
            "positiveInteger",
            "nonPositiveInteger",
            "negativeInteger",
            "unsignedInt",
            "unsignedLong",
        )
    },
}


def display(value: str, datatype: str, lang: str) -> str:
    """A typed literal as people read it in ``lang``; the lexical form where none of the rules fits.

    >>> display("2016-12", XSD + "gYearMonth", "de"), display("10000", XSD + "integer", "en")
    ('Dezember 2016', '10,000')
    >>> display("bf09ca", XSD + "hexBinary", "de")
    'bf09ca'
    """
    rule = FORMATS.get(datatype)
    shown = rule(value.strip(), lang) if rule is not None else None
    return shown if shown is not None else value
