"""What the list pages and the breadcrumbs call things: a class's members and an IRI segment, in German
and English (:mod:`koko.pages.browse` makes the pages).

The ontology labels a class in the singular (»Standort«); a list and a breadcrumb need the plural
(»Standorte«), which RDF has no term for, so the plurals are written here, with the ontology's label as
the fallback for a class that is not listed. A segment of the data's IRIs (``site`` in ``…/id/site/erfurt``)
that holds the members of one class is called by that class's plural; a segment that holds several
classes has its own name here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Local name of a class → (German, English) plural, for the class's list.
PLURALS: dict[str, tuple[str, str]] = {
    "AdministrativeUnit": ("Verwaltungseinheiten", "Administrative units"),
    "Answer": ("Antworten", "Answers"),
    "Award": ("Auszeichnungen", "Awards"),
    "Brochure": ("Broschüre", "Brochure"),
    "ChangeEvent": ("Veränderungen", "Changes"),
    "ChapterIntroduction": ("Kapiteleinleitungen", "Chapter introductions"),
    "Concept": ("Begriffe", "Concepts"),
    "ConceptScheme": ("Begriffssysteme", "Concept schemes"),
    "ConsultantPost": ("Beratungsstellen", "Consultant posts"),
    "CoordinatorPost": ("Koordinationsstellen", "Coordinator posts"),
    "DistrictFreeCity": ("Kreisfreie Städte", "District-free cities"),
    "Entity": ("Quellen und Graphen", "Sources and graphs"),
    "Event": ("Veranstaltungen", "Events"),
    "Evidence": ("Belege", "Evidence"),
    "FederalState": ("Bundesländer", "Federal states"),
    "FormalOrganization": ("Organisationen", "Organisations"),
    "Foreword": ("Vorwort", "Foreword"),
    "FundingPeriod": ("Förderphasen", "Funding periods"),
    "FundingProgramme": ("Förderprogramme", "Funding programmes"),
    "Initiative": ("Initiativen und Programme", "Initiatives and programmes"),
    "Instant": ("Zeitpunkte", "Points in time"),
    "Legislation": ("Gesetze", "Laws"),
    "Membership": ("Mitgliedschaften", "Memberships"),
    "Network": ("Netzwerke", "Networks"),
    "PartnerOrganisation": ("Partnerorganisationen", "Partner organisations"),
    "Person": ("Personen", "People"),
    "Place": ("Orte", "Places"),
    "Product": ("Produkte", "Products"),
    "Project": ("Projekte", "Projects"),
    "ProperInterval": ("Zeiträume", "Periods of time"),
    "QuantitativeValue": ("Zahlenangaben", "Figures"),
    "Question": ("Fragen", "Questions"),
    "QuestionCatalogue": ("Fragenkatalog", "Question catalogue"),
    "Role": ("Rollen", "Roles"),
    "RuralDistrict": ("Landkreise", "Rural districts"),
    "Site": ("Standorte", "Sites"),
    "SiteProfile": ("Standortprofile", "Site profiles"),
    "StateChapter": ("Landeskapitel", "State chapters"),
    "Summary": ("Zusammenfassung", "Summary"),
}

#: IRI segments that hold the members of several classes → (German, English) name.
SEGMENTS: dict[str, tuple[str, str]] = {
    "brochure": ("Broschüre", "Brochure"),
    "graph": ("Benannte Graphen", "Named graphs"),
    "municipality": ("Landkreise und kreisfreie Städte", "Rural districts and district-free cities"),
    "org": ("Organisationen", "Organisations"),
    "post": ("Stellen", "Posts"),
    "programme": ("Programme", "Programmes"),
    "role": ("Rollen", "Roles"),
    "source": ("Quellen", "Sources"),
    "vocabulary": ("Vokabulare", "Vocabularies"),
}

DIRECTORY = ("Verzeichnis", "Browse")
HOME = ("Start", "Home")


@dataclass(frozen=True)
class Crumb:
    text: str
    href: str | None  # None: the page itself, the last crumb
    lang: str | None = None  # the text's language where it may differ from the page's


def pick(names: tuple[str, str], lang: str) -> str:
    return names[1] if lang == "en" else names[0]


def local_name(iri: str) -> str:
    return iri.rpartition("#")[2].rpartition("/")[2]


def segment_of(base: str, iri: str) -> str | None:
    """The first path segment of one of our IRIs below ``base`` (``site`` for ``{base}site/erfurt``),
    or None for an IRI without one (``{base}brochure``) or anybody else's.

    >>> segment_of("https://x.org/id/", "https://x.org/id/site/erfurt"), segment_of("https://x.org/id/", "https://x.org/id/brochure")
    ('site', None)
    """
    if not iri.startswith(base):
        return None
    segment, slash, rest = iri[len(base) :].partition("/")
    return segment if slash and segment and rest else None


def class_title(iri: str, fallback: str | None, lang: str) -> str:
    """The plural a list of ``iri``'s members is called by; else ``fallback`` (the ontology's label)."""
    names = PLURALS.get(local_name(iri))
    return pick(names, lang) if names else (fallback or local_name(iri))


def resource_crumbs(
    base: str, iri: str, title: tuple[str, str | None], types: Iterable[str], lang: str, home: str, href: Callable[[str], str]
) -> tuple[Crumb, ...]:
    """Start › the list of the IRI's segment › the resource; ``home``: the home page's link, ``href``: where
    a link to an IRI points on the page (both keeping the page's language)."""
    segment = segment_of(base, iri)
    crumbs = [Crumb(pick(HOME, lang), home)]
    if segment is not None:
        name = SEGMENTS.get(segment)
        ranked = sorted(types)
        text = pick(name, lang) if name else (class_title(ranked[0], None, lang) if ranked else segment)
        crumbs.append(Crumb(text, href(base + segment + "/")))
    crumbs.append(Crumb(title[0], None, title[1]))
    return tuple(crumbs)
