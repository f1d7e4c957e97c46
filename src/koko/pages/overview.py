"""The programme at a glance: the 27 sites with their state, programme start and motto, and
the initiatives two or more sites share. Used by the home page and by the pictures.

The questions are fixed SPARQL text asked of the served data (the union of its named graphs)
through a backend's ``select`` (:mod:`koko.pages.backend`); nothing from a request goes into them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from koko.pages.literals import MONTHS, group_digits
from koko.pages.urls import Urls
from koko.source.text import SITE_NAME_PREFIXES

#: A backend's ``select``: the solutions of a fixed SELECT query over the union of the named graphs.
Select = Callable[[str], Iterable[ox.QuerySolution]]


SITES_QUERY = """
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?site ?name ?start ?motto ?state ?stateKey WHERE {
  ?site a koko:Site ;
        rdfs:label ?name ;
        koko:programmeStart ?start ;
        koko:municipality/koko:federalState ?state .
  ?state koko:landesschluessel ?stateKey .
  FILTER(lang(?name) = "de")
  OPTIONAL { ?site koko:motto ?motto }
}
"""

# Site → initiative edges for the network picture. KoKo itself (the programme every site is
# koko:programme of) joins all 27 sites and would hide everything else, so it is left out.
SHARED_QUERY = """
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?site ?relation ?target ?kind WHERE {
  {
    VALUES (?relation ?kind) {
      (koko:participatesIn "programme") (koko:memberOf "network") (koko:initiated "network")
      (koko:contributedTo "network") (koko:partner "network") (koko:partner "organisation")
    }
    ?site a koko:Site ; ?relation ?target .
    FILTER(?kind != "network" || EXISTS { ?target a koko:Network })
    FILTER(?kind != "organisation" || EXISTS { ?target a koko:PartnerOrganisation })
  } UNION {
    # an organisation the site works with as a member of one of the site's networks
    ?site a koko:Site ; koko:memberOf|koko:initiated|koko:contributedTo|koko:partner ?network .
    ?network a koko:Network ; org:hasMember ?target .
    ?target a koko:PartnerOrganisation .
    BIND(koko:partner AS ?relation)
    BIND("organisation" AS ?kind)
  }
  FILTER NOT EXISTS { ?anySite koko:programme ?target }
}
"""


@dataclass(frozen=True)
class SiteRow:
    iri: str
    name: str  # as printed: "Landeshauptstadt Dresden"
    start: str  # "2016-10"
    motto: str | None
    motto_lang: str | None
    state: str  # the federal state's IRI
    state_key: str  # Landesschlüssel, "14" … "16": the order of the chapters

    @property
    def short(self) -> str:
        """The name without »Landkreis«, »Stadt« …, for pictures.

        >>> SiteRow("x", "Landeshauptstadt Dresden", "2016-10", None, None, "s", "14").short
        'Dresden'
        """
        for prefix in SITE_NAME_PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


@dataclass(frozen=True)
class Shared:
    """An initiative (programme, network or partner organisation) and the sites linked to it."""

    iri: str
    kind: str  # "programme", "network" or "organisation"
    links: tuple[tuple[str, str], ...]  # (site IRI, relation IRI)

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(sorted({site for site, _ in self.links}))


def month_label(value: str, lang: str) -> str:
    """A programme start for people.

    >>> month_label("2016-10", "de"), month_label("2017-03", "en"), month_label("2020", "de")
    ('Oktober 2016', 'March 2017', '2020')
    """
    year, _, month = value.partition("-")
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return value
    return f"{MONTHS['en' if lang == 'en' else 'de'][int(month) - 1]} {year}"


def sites(select: Select) -> tuple[SiteRow, ...]:
    """Every site, in chapter order (by state), then by printed name."""
    rows = {}
    for row in select(SITES_QUERY):
        motto = row["motto"]
        rows[row["site"].value] = SiteRow(
            iri=row["site"].value,
            name=row["name"].value,
            start=row["start"].value,
            motto=motto.value if motto is not None else None,
            motto_lang=motto.language if isinstance(motto, ox.Literal) else None,
            state=row["state"].value,
            state_key=row["stateKey"].value,
        )
    return tuple(sorted(rows.values(), key=lambda s: (s.state_key, s.name.casefold())))


def shared(select: Select, minimum: int = 2) -> tuple[Shared, ...]:
    """Initiatives linked to at least ``minimum`` sites, most sites first."""
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in select(SHARED_QUERY):
        links[row["target"].value].add((row["site"].value, row["relation"].value))
        kinds[row["target"].value].add(row["kind"].value)
    found = [Shared(target, min(kinds[target]), tuple(sorted(pairs))) for target, pairs in links.items()]
    found = [s for s in found if len(s.sites) >= minimum]
    return tuple(sorted(found, key=lambda s: (-len(s.sites), s.kind, s.iri)))


# How many of each kind the release holds, for the home page's figures. Programmes count the funding
# programme and the other initiatives (both live under programme/); coordinators are the people
# holding a coordinator post (a post held by two people counts both).
FIGURES_QUERY = """
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?kind (COUNT(DISTINCT ?thing) AS ?count) WHERE {
  {
    VALUES (?class ?kind) {
      (koko:Site "sites") (koko:FundingProgramme "programmes") (koko:Initiative "programmes") (koko:Network "networks")
      (koko:Project "projects") (koko:Product "products") (koko:Event "events") (koko:Evidence "evidence")
    }
    ?thing a ?class .
  } UNION {
    ?post a koko:CoordinatorPost ; org:heldBy ?thing .
    BIND("coordinators" AS ?kind)
  }
}
GROUP BY ?kind
"""

#: The figures in the order the home page shows them: (kind, German label, English label).
FIGURES = (
    ("sites", "Standorte", "sites"),
    ("coordinators", "Bildungskoordinatorinnen und -koordinatoren", "education coordinators"),
    ("programmes", "Programme und Initiativen", "programmes and initiatives"),
    ("networks", "Netzwerke", "networks"),
    ("projects", "Projekte", "projects"),
    ("products", "Produkte", "products"),
    ("events", "Veranstaltungen", "events"),
    ("evidence", "belegte Aussagen mit Zitat", "statements with their quote"),
)


@dataclass(frozen=True)
class Figure:
    kind: str
    count: int
    label: str  # in the page's language
    path: str  # where one sees them

    def number(self, lang: str) -> str:
        """The count with the language's thousands separator.

        >>> Figure("triples", 17858, "Tripel", "/-/downloads").number("de")
        '17.858'
        """
        return group_digits(str(self.count), lang)


def key_figures(select: Select, triples: int, lang: str, urls: Urls, base: str) -> tuple[Figure, ...]:
    """The release's counts for the home page, each linking to where one sees them: the list of a kind
    of resource (``/id/programme/``, :mod:`koko.pages.browse`), the coordinators' canned query, the downloads."""
    found = {row["kind"].value: int(row["count"].value) for row in select(FIGURES_QUERY)}
    segments = {"sites": "site", "programmes": "programme", "networks": "network", "projects": "project", "products": "product"}
    segments |= {"events": "event", "evidence": "evidence"}
    paths = {kind: urls.link(f"{base}{segment}/") for kind, segment in segments.items()}
    paths["coordinators"] = urls.query("coordinators")
    english = lang == "en"
    figures = [Figure(kind, found.get(kind, 0), en if english else de, paths[kind]) for kind, de, en in FIGURES]
    figures.append(
        Figure("triples", triples, "Tripel (RDF-Aussagen)" if not english else "triples (RDF statements)", urls.downloads)
    )
    return tuple(f for f in figures if f.count)
