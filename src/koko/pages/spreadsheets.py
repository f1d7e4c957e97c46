"""The main tables of the release for spreadsheets: sites, coordinators, and curated facts with their quotes.

Each table is a fixed SELECT over the pages' backend (:meth:`koko.pages.backend.Backend.select`, the union
of the named graphs), its IRIs shown by their labels from the pages' own lookup
(:class:`koko.pages.describe.Describer`), with column headers in German or English. Two files a table and
language, byte for byte the same from one build to the next:

- ``koko-sites.csv``: RFC 4180 (comma, CRLF) in UTF-8 without BOM, for programs (R, pandas, LibreOffice);
- ``koko-sites.excel.csv``: UTF-8 with a BOM and semicolons, which Excel with German settings opens by a
  double click with umlauts intact (without the BOM it reads Windows-1252; with commas, one column).

CSV rather than XLSX: no new dependency, and an XLSX file (a zip with timestamps and document
properties) needs rewriting to come out the same on every build.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

KOKO = "https://w3id.org/koko-kg/ontology#"
PREFIXES = f"""PREFIX koko: <{KOKO}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
"""

Label = Callable[[str], str]
"""IRI → its label in the table's language."""


@dataclass(frozen=True)
class Column:
    variable: str
    header_de: str
    header_en: str
    label: bool = False  # an IRI shown by its label (the IRI itself has a column of its own)

    def header(self, lang: str) -> str:
        return self.header_de if lang == "de" else self.header_en


@dataclass(frozen=True)
class Sheet:
    name: str
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    columns: tuple[Column, ...]
    query: str

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en

    def description(self, lang: str) -> str:
        return self.description_de if lang == "de" else self.description_en


SITES = Sheet(
    "sites",
    "Standorte",
    "Sites",
    "Die 27 Standorte mit Bundesland, Kreisschlüssel, Programmstart und Motto.",
    "The 27 sites with federal state, district key, programme start and motto.",
    (
        Column("site", "Standort", "Site", label=True),
        Column("state", "Bundesland", "Federal state", label=True),
        Column("key", "Kreisschlüssel", "District key"),
        Column("start", "Programmstart", "Programme start"),
        Column("motto", "Motto", "Motto"),
        Column("site", "IRI des Standorts", "Site IRI"),
    ),
    PREFIXES
    + """SELECT ?site ?state ?key ?start ?motto WHERE {
  ?site a koko:Site ; koko:programmeStart ?start ; koko:municipality ?municipality .
  ?municipality koko:kreisschluessel ?key ; koko:federalState ?state .
  ?state koko:landesschluessel ?stateKey .
  OPTIONAL { ?site koko:motto ?motto }
} ORDER BY ?stateKey ?key ?site""",
)
COORDINATORS = Sheet(
    "coordinators",
    "Bildungskoordinatorinnen und -koordinatoren",
    "Education coordinators",
    "Wer an welchem Standort die Bildungskoordination innehat, mit Stelle und Bundesland.",
    "Who holds the education coordination at which site, with post and federal state.",
    (
        Column("name", "Name", "Name"),
        Column("site", "Standort", "Site", label=True),
        Column("state", "Bundesland", "Federal state", label=True),
        Column("post", "Stelle", "Post", label=True),
        Column("person", "IRI der Person", "Person IRI"),
        Column("site", "IRI des Standorts", "Site IRI"),
    ),
    PREFIXES
    + """SELECT ?name ?site ?state ?post ?person WHERE {
  ?site a koko:Site ; koko:coordinatorPost ?post ; koko:municipality/koko:federalState ?state .
  ?state koko:landesschluessel ?stateKey .
  ?post org:heldBy ?person ; koko:position ?position .
  ?person schema:name ?name .
  ?site koko:municipality/koko:kreisschluessel ?key .
} ORDER BY ?stateKey ?key ?position ?person""",
)
FACTS = Sheet(
    "facts",
    "Fakten mit Zitat",
    "Facts with their quotes",
    "Jede kuratierte Aussage (Subjekt, Eigenschaft, Wert) mit dem Zitat aus der Broschüre, das sie belegt, und dessen Stelle.",
    "Every curated statement (subject, property, value) with the brochure quote that supports it, and where it stands.",
    (
        Column("site", "Standort", "Site", label=True),
        Column("subject", "Subjekt", "Subject", label=True),
        Column("predicate", "Eigenschaft", "Property", label=True),
        Column("object", "Wert", "Value", label=True),
        Column("quote", "Zitat", "Quote"),
        Column("source", "Quelle", "Source", label=True),
        Column("firstLine", "Erste Zeile", "First line"),
        Column("lastLine", "Letzte Zeile", "Last line"),
        Column("subject", "IRI des Subjekts", "Subject IRI"),
        Column("predicate", "IRI der Eigenschaft", "Property IRI"),
        Column("evidence", "IRI des Belegs", "Evidence IRI"),
    ),
    PREFIXES
    + """SELECT ?site ?subject ?predicate ?object ?quote ?source ?firstLine ?lastLine ?evidence WHERE {
  ?evidence a koko:Evidence ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
            prov:value ?quote ; prov:wasQuotedFrom ?source .
  OPTIONAL { ?source koko:answerOf ?site }
  OPTIONAL { ?source koko:firstLine ?firstLine ; koko:lastLine ?lastLine }
} ORDER BY ?source STR(?quote) ?evidence""",
)
SHEETS = (SITES, COORDINATORS, FACTS)
VARIANTS = {"csv": ("", ",", False), "excel": (".excel", ";", True)}
"""Variant → (file-name infix, delimiter, byte-order mark)."""


def file_name(sheet: Sheet, lang: str, variant: str) -> str:
    """``koko-sites.csv``, ``koko-sites.en.excel.csv``: German headers by default, like the pages.

    >>> file_name(SITES, "de", "csv"), file_name(FACTS, "en", "excel")
    ('koko-sites.csv', 'koko-facts.en.excel.csv')
    """
    return f"koko-{sheet.name}{'' if lang == 'de' else '.' + lang}{VARIANTS[variant][0]}.csv"


def files() -> dict[str, tuple[Sheet, str, str]]:
    """Every table file: name → (sheet, language, variant)."""
    return {file_name(s, lang, v): (s, lang, v) for s in SHEETS for lang in ("de", "en") for v in VARIANTS}


def rows(
    sheet: Sheet, select: Callable[[str], Sequence[ox.QuerySolution]], labels: Callable[[Sequence[str]], Label]
) -> list[list[str]]:
    """The table's rows as text: labels for the label columns (all looked up at once), values elsewhere."""
    solutions = select(sheet.query)
    iris = sorted(
        {
            term.value
            for solution in solutions
            for column in sheet.columns
            if column.label and isinstance(term := solution[column.variable], ox.NamedNode)
        }
    )
    label = labels(iris)
    found = []
    for solution in solutions:
        row = []
        for column in sheet.columns:
            term = solution[column.variable]
            if term is None:
                row.append("")
            elif isinstance(term, ox.NamedNode):
                row.append(label(term.value) if column.label else term.value)
            else:
                row.append(str(term.value) if isinstance(term, ox.Literal) else str(term))
        found.append(row)
    return found


def table_file(sheet: Sheet, lang: str, variant: str, table_rows: Sequence[Sequence[str]]) -> bytes:
    """The file's bytes: a header row, then the rows; CRLF line ends as RFC 4180 and Excel have them."""
    _, delimiter, bom = VARIANTS[variant]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(column.header(lang) for column in sheet.columns)
    writer.writerows(table_rows)
    return ("\ufeff" if bom else "").encode("utf-8") + out.getvalue().encode("utf-8")
