"""Turning the PDF text layer's broken lines back into running text, and making slugs.

The brochure's text layer breaks words across lines without a hyphen: a line that ends
without trailing white space and is followed by a line starting with a lowercase letter
continues the same word. Lines that end with white space end a word. A few real
hyphenations survive as ``transpa- `` + ``rent``; suspended compounds such as
``Sprach- `` + ``und Kulturmittler`` must keep their hyphen.
"""

from __future__ import annotations

import re
import unicodedata

THIN_SPACE = "\u2009"
BULLET_MARK = "XX"
BULLET = "•"

# After a suspended hyphen ("Sprach- und Kulturmittler") the next word is a conjunction;
# any other lowercase word after "- " is the rest of a hyphenated word.
_SUSPENDED_HYPHEN_FOLLOWERS = frozenset({"und", "oder", "bzw.", "sowie", "bis", "als"})
_TRAILING_SOFT_HYPHEN = re.compile(r"(?<=\w)-[ \t]+$")


def is_blank(line: str) -> bool:
    """A line with nothing but white space (space, tab, thin space) carries no text."""
    return line.strip() == ""


def normalise_space(text: str) -> str:
    """Collapse runs of white space (including thin spaces) to one space, for matching only."""
    return " ".join(text.replace(THIN_SPACE, " ").split())


def _open_guillemet(text: str) -> bool:
    return text.count("»") > text.count("«")


def join_lines(lines: list[str]) -> str:
    """Join the physical lines of one paragraph into running text.

    >>> join_lines(["Die Stelle der Sach", "gebietes Integration. "])
    'Die Stelle der Sachgebietes Integration.'
    >>> join_lines(["fachliche Begleitung transpa- ", "rent zu machen"])
    'fachliche Begleitung transparent zu machen'
    >>> join_lines(["dem Sprach-  ", "und Kulturmittler"])
    'dem Sprach- und Kulturmittler'
    >>> join_lines(["Besuche von TransMit-", "Fortbildungen."])
    'Besuche von TransMit-Fortbildungen.'
    """
    out = ""
    for raw in lines:
        piece = raw.rstrip("\n")
        if not out:
            out = piece
            continue
        head = piece.lstrip()
        first_word = head.split(" ", 1)[0] if head else ""
        ends_tight = not out[-1].isspace()
        starts_lower = head[:1].islower()
        if ends_tight and (starts_lower or out.endswith("-")):
            out = out + head
        elif ends_tight and out.endswith(".") and _open_guillemet(out):
            # Inside a quoted name such as »Land.Zuhause.Zukunft« the dots are not sentence ends.
            out = out + head
        elif _TRAILING_SOFT_HYPHEN.search(out) and starts_lower and first_word not in _SUSPENDED_HYPHEN_FOLLOWERS:
            out = _TRAILING_SOFT_HYPHEN.sub("", out) + head
        else:
            out = out.rstrip() + " " + head
    # Runs of plain spaces are typesetting, not content ("Dr.  Anne Walde"); thin spaces stay.
    return re.sub(r"[ \t]{2,}", " ", out).strip()


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str) -> str:
    """A readable, stable IRI segment: lowercase, umlauts transliterated, spaces to hyphens.

    >>> slugify("Sächsische Schweiz-Osterzgebirge")
    'saechsische-schweiz-osterzgebirge'
    >>> slugify("Dessau-Roßlau")
    'dessau-rosslau'
    """
    text = normalise_space(text).translate(_TRANSLIT).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


#: What the brochure prints before a site's place name.
SITE_NAME_PREFIXES = ("Landeshauptstadt ", "Landkreis ", "Stadt ")


def site_slug(printed_name: str) -> str:
    """The site's slug: its name without the type prefix, lowercased and transliterated.

    >>> site_slug("Landeshauptstadt Dresden"), site_slug("Stadt Dessau-Roßlau"), site_slug("Kyffhäuserkreis")
    ('dresden', 'dessau-rosslau', 'kyffhaeuserkreis')
    """
    for prefix in SITE_NAME_PREFIXES:
        if printed_name.startswith(prefix):
            return slugify(printed_name[len(prefix) :])
    return slugify(printed_name)
