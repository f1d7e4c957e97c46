"""Qualified values: dates with the precision the brochure gives, and figures with their qualifier.

A date of the curated format (``"2017-06"``, ``"2016-autumn"``, ``"2019"`` with ``approximate``)
becomes two things:

- a typed literal for simple queries and comparisons, whose datatype is its precision:
  ``xsd:date`` (a day), ``xsd:gYearMonth`` (a month) or ``xsd:gYear`` (a year, a season, a half
  year);
- an OWL-Time instant, ``date/{edtf}``, that says it exactly: ``time:inXSDgYear`` (or
  ``…gYearMonth``, ``…Date``), ``time:unitType`` and the date as written in EDTF (ISO 8601-2,
  Library of Congress datatype), which also has seasons (``2016-23``), half years (``2019-41``)
  and approximation (``2019~``). Instants are shared: every "Juni 2017" is ``date/2017-06``.

A figure becomes a ``schema:QuantitativeValue`` with its measure and, where the brochure says
»ca.«, ``koko:approximate true`` on the value itself; event counts keep a plain integer beside it
(``koko:visitorCount 1200``) so that simple queries stay simple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from koko.graph.namespace import KOKO

TIME = Namespace("http://www.w3.org/2006/time#")
EDTF = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")

# EDTF level 1 and 2 sub-year groupings (ISO 8601-2): seasons 21–24, semesters 40–41.
SUBYEAR = {
    "spring": ("21", "Frühjahr", "spring"),
    "summer": ("22", "Sommer", "summer"),
    "autumn": ("23", "Herbst", "autumn"),
    "winter": ("24", "Winter", "winter"),
    "first-half": ("40", "erstes Halbjahr", "first half of"),
    "second-half": ("41", "zweites Halbjahr", "second half of"),
}
MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class WrittenDate:
    """A date of the curated format, with its precision."""

    text: str  # "2017", "2017-06", "2017-06-14", "2016-autumn", "2019-second-half"
    approximate: bool = False

    @property
    def year(self) -> str:
        return self.text[:4]

    @property
    def part(self) -> str:
        return self.text[5:]

    @property
    def precision(self) -> str:
        """year, month or day: what the typed literal can say."""
        if self.part[:1].isdigit():
            return "day" if len(self.part) > 2 else "month"
        return "year"

    def literal(self) -> Literal:
        """The typed literal whose datatype is the precision (a season or half year is its year)."""
        if self.precision == "day":
            return Literal(self.text, datatype=XSD.date)
        if self.precision == "month":
            return Literal(self.text, datatype=XSD.gYearMonth)
        return Literal(self.year, datatype=XSD.gYear)

    def edtf(self) -> str:
        """The date as written, in EDTF: 2017-06, 2016-23 (autumn), 2019-41 (second half), 2019~."""
        core = f"{self.year}-{SUBYEAR[self.part][0]}" if self.part in SUBYEAR else self.text
        return core + ("~" if self.approximate else "")

    def labels(self) -> tuple[str, str]:
        """German and English, as a reader would write the date."""
        if self.part in SUBYEAR:
            _, de, en = SUBYEAR[self.part]
            de_text, en_text = f"{de} {self.year}", f"{en} {self.year}"
        elif self.precision == "month":
            month = int(self.part)
            de_text, en_text = f"{MONTHS_DE[month - 1]} {self.year}", f"{MONTHS_EN[month - 1]} {self.year}"
        elif self.precision == "day":
            month, day = int(self.text[5:7]), int(self.text[8:10])
            de_text, en_text = f"{day}. {MONTHS_DE[month - 1]} {self.year}", f"{day} {MONTHS_EN[month - 1]} {self.year}"
        else:
            de_text, en_text = self.year, self.year
        if self.approximate:
            return f"etwa {de_text}", f"about {en_text}"
        return de_text, en_text


def instant(graph: Graph, mint: Callable[[str], URIRef], date: WrittenDate) -> URIRef:
    """The OWL-Time instant of ``date`` (described in ``graph``), minted under the base by ``mint``."""
    node = mint(f"date/{date.edtf()}")
    graph.add((node, RDF.type, TIME.Instant))
    de, en = date.labels()
    graph.add((node, RDFS.label, Literal(de, lang="de")))
    graph.add((node, RDFS.label, Literal(en, lang="en")))
    position = {"day": TIME.inXSDDate, "month": TIME.inXSDgYearMonth, "year": TIME.inXSDgYear}[date.precision]
    graph.add((node, position, date.literal()))
    unit = {"day": TIME.unitDay, "month": TIME.unitMonth, "year": TIME.unitYear}[date.precision]
    graph.add((node, TIME.unitType, unit))
    # Our own property: OWL-Time has no place for a season or an approximation.
    graph.add((node, KOKO.edtf, Literal(date.edtf(), datatype=EDTF)))
    return node
