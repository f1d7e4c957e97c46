"""The example queries of the SPARQL page (``/-/sparql``): a few questions the brochure
answers, each with the PREFIX lines it needs, so that it runs in any SPARQL client too.

Data IRIs depend on the base the release was built with; ``{base}`` in a query stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A query for the SPARQL page: a title in German and English, and the text."""

    title_de: str
    title_en: str
    text: str


_PREFIXES = {
    "koko": "https://w3id.org/koko-kg/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "site": "{base}site/",
}


def _example(title_de: str, title_en: str, body: str) -> Example:
    """An example with the PREFIX lines it needs, so that it runs in any SPARQL client."""
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _PREFIXES.items() if f"{p}:" in body)
    return Example(title_de, title_en, f"{head}\n{body}")


EXAMPLES = (
    _example(
        "Standorte je Bundesland",
        "Sites per federal state",
        """SELECT ?state (COUNT(?site) AS ?sites)
WHERE {
  ?site a koko:Site ;
        koko:municipality/koko:federalState ?federalState .
  ?federalState rdfs:label ?state .
  FILTER(lang(?state) = "de")
}
GROUP BY ?state
ORDER BY ?state
""",
    ),
    _example(
        "Das Motto jedes Standorts",
        "Each site's motto",
        """SELECT ?site ?siteName ?motto
WHERE {
  ?site a koko:Site ;
        rdfs:label ?siteName ;
        koko:motto ?motto .
  FILTER(lang(?siteName) = "de")
}
ORDER BY ?siteName
""",
    ),
    _example(
        "Die Bildungskoordinatorinnen und -koordinatoren",
        "The education coordinators",
        """SELECT ?name ?person ?siteName
WHERE {
  ?site koko:coordinatorPost/org:heldBy ?person ;
        rdfs:label ?siteName .
  FILTER(lang(?siteName) = "de")
  ?person schema:name ?name .
}
ORDER BY ?siteName ?name
""",
    ),
    _example(
        "Hat ein Standort in Thüringen 2016 begonnen?",
        "Did a site in Thuringia start in 2016?",
        """ASK {
  ?site a koko:Site ;
        koko:programmeStart ?start ;
        koko:municipality/koko:federalState/koko:landesschluessel "16" .
  FILTER(STRSTARTS(STR(?start), "2016"))
}
""",
    ),
    _example("Alles über den Standort Erfurt", "Everything about the Erfurt site", "DESCRIBE site:erfurt\n"),
)


def example_text(example: Example, base: str) -> str:
    """An example's query for data published under ``base``.

    >>> print(example_text(EXAMPLES[-1], "https://w3id.org/koko-kg/id/"))
    PREFIX site: <https://w3id.org/koko-kg/id/site/>
    <BLANKLINE>
    DESCRIBE site:erfurt
    <BLANKLINE>
    """
    return example.text.replace("{base}", base)
