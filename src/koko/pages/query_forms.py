"""The choices of a canned query's form, and what a person typed resolved to one of them.

A parameter whose header names a *kind* (``# param: site (iri, site) …``, see :mod:`koko.sparql.canned`)
takes one of a few things of the release: the 27 sites, the 3 federal states, the programmes, the
product types, the statuses. The page offers them as a list, labelled in its language, and a value
typed by hand (a link, a bookmark, ``?site=Erfurt``) is resolved by its label, ignoring case, accents
and umlauts (»Görlitz«, »Goerlitz«, »gorlitz«); when nothing fits, the closest names are suggested.

The choices come from the release through the pages' backend (one SELECT), so the server on a remote
store and the static site offer the same lists. Nothing here writes HTML.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from koko.pages.search import fold
from koko.sparql.canned import CannedQuery, Parameter

Select = Callable[[str], Sequence[ox.QuerySolution]]
#: Kind → its options, sorted by German label.
Choices = Mapping[str, tuple["Option", ...]]
NO_CHOICES: Choices = {}
#: How many names "did you mean" offers.
SUGGESTIONS = 3

# Each kind: how its things are found, and which value the query takes (an IRI relative to the base, a
# German label, a SKOS notation): the value that `koko query` takes for it too.
_CHOICES_QUERY = """
PREFIX koko: <https://w3id.org/koko-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?item ?value ?label ?alias
WHERE {
  {
    ?item a koko:Site ; rdfs:label ?label .
    BIND("site" AS ?kind)
  } UNION {
    ?item a koko:FederalState ; rdfs:label ?label , ?value .
    FILTER(lang(?value) = "de")
    BIND("state" AS ?kind)
  } UNION {
    ?item a koko:Initiative ; rdfs:label ?label , ?value .
    FILTER(lang(?value) = "de")
    OPTIONAL { ?item skos:altLabel ?alias }
    BIND("programme" AS ?kind)
  } UNION {
    ?item skos:inScheme <SCHEME/product-type> ; skos:notation ?value ; skos:prefLabel ?label .
    BIND("product-type" AS ?kind)
  } UNION {
    ?item skos:inScheme <SCHEME/status> ; skos:notation ?value ; skos:prefLabel ?label .
    BIND("status" AS ?kind)
  }
}
"""
KIND_NAMES = {
    "site": {"de": "Standort", "en": "Site"},
    "state": {"de": "Bundesland", "en": "Federal state"},
    "programme": {"de": "Programm", "en": "Programme"},
    "product-type": {"de": "Produktart", "en": "Product type"},
    "status": {"de": "Status", "en": "Status"},
}


@dataclass(frozen=True)
class Option:
    """One thing a parameter can take: ``value`` is what the query gets, ``de``/``en`` what people read,
    ``names`` every name it is found by, folded (:func:`folded`)."""

    value: str
    de: str
    en: str
    names: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class Problem:
    """Why a value was not taken: ``code`` is ``no-match`` (nothing of the kind has that name; ``suggestions``
    are the closest), ``ambiguous`` (several have it; ``suggestions`` are those) or a
    :class:`~koko.sparql.canned.ParameterError`'s problem (``iri``, ``integer``, ``required`` …)."""

    name: str
    code: str
    value: str = ""
    kind: str | None = None
    suggestions: tuple[Option, ...] = ()


def folded(text: str) -> str:
    """A name as it is compared: lower case, ``ß`` as ``ss``, no accents, and an umlaut written out
    (``oe``) the same as one written as a letter, punctuation as spaces.

    >>> folded("Landkreis Görlitz"), folded("goerlitz"), folded("Saale-Holzland-Kreis")
    ('landkreis gorlitz', 'gorlitz', 'saale holzland kreis')
    """
    plain = re.sub(r"[^\w]+", " ", fold(text)).strip()
    return re.sub(r"([aou])e", r"\1", plain)


def load_choices(select: Select, base: str) -> dict[str, tuple[Option, ...]]:
    """Every kind's options from the release, sorted by their German label (then value: the same bytes every time)."""
    found: dict[tuple[str, str], dict[str, object]] = {}
    for row in select(_CHOICES_QUERY.replace("SCHEME", base + "vocabulary")):
        kind, item, value, label, alias = (row[name] for name in ("kind", "item", "value", "label", "alias"))
        if not isinstance(kind, ox.Literal) or not isinstance(label, ox.Literal) or not isinstance(item, ox.NamedNode):
            continue
        key = (kind.value, item.value)
        entry = found.setdefault(
            key, {"value": value.value if value is not None else item.value.removeprefix(base), "names": set()}
        )
        entry[label.language or "de"] = label.value
        names = entry["names"]
        assert isinstance(names, set)
        names.update(folded(n.value) for n in (label, alias) if n is not None)
        if kind.value == "site":
            names.add(folded(item.value.removeprefix(base + "site/")))
    options: dict[str, list[Option]] = {}
    for (kind, _), entry in found.items():
        de = str(entry.get("de") or entry.get("en") or entry["value"])
        en = str(entry.get("en") or de)
        names = entry["names"]
        assert isinstance(names, set)
        options.setdefault(kind, []).append(
            Option(str(entry["value"]), de, en, tuple(sorted(names | {folded(str(entry["value"]))})))
        )
    return {kind: tuple(sorted(found, key=lambda o: (folded(o.de), o.value))) for kind, found in sorted(options.items())}


def options_for(canned: CannedQuery, parameter: Parameter, choices: Choices) -> tuple[Option, ...]:
    """The options of a parameter: those of its kind, then the ones its query's header adds (``# choice:``)."""
    if parameter.kind is None or parameter.kind not in choices:
        return ()
    extra = tuple(Option(c.value, c.de, c.en, (folded(c.value),)) for c in canned.choices if c.parameter == parameter.name)
    return choices[parameter.kind] + extra


def resolve(
    canned: CannedQuery, given: Mapping[str, str], choices: Choices, base: str
) -> tuple[dict[str, str], tuple[Problem, ...]]:
    """``given`` with every value of a kind replaced by the value of the option it names, and the
    problems of those that name none or several. Parameters without a kind, or without choices
    (none loaded), are left as they are."""
    resolved = dict(given)
    problems = []
    for parameter in canned.parameters:
        options = options_for(canned, parameter, choices)
        if parameter.name not in given or not options:
            continue
        found = match(given[parameter.name], options, base)
        if isinstance(found, Option):
            resolved[parameter.name] = found.value
        else:
            code, suggestions = found
            problems.append(Problem(parameter.name, code, given[parameter.name], parameter.kind, suggestions))
    return resolved, tuple(problems)


def match(value: str, options: Sequence[Option], base: str) -> Option | tuple[str, tuple[Option, ...]]:
    """The option ``value`` names (its value, its full IRI, a name or all the words of one), or why none:
    ``("ambiguous", the options it could be)`` or ``("no-match", the closest ones)``.

    >>> options = (Option("site/erfurt", "Landeshauptstadt Erfurt", "Erfurt", ("erfurt", "landeshauptstadt erfurt")),
    ...            Option("site/gera", "Stadt Gera", "Gera", ("gera", "stadt gera")))
    >>> match("ERFURT", options, "https://x/").value, match("https://x/site/gera", options, "https://x/").value
    ('site/erfurt', 'site/gera')
    >>> match("site:gera", options, "https://x/").value, match("site/<gera>", options, "https://x/")[0]
    ('site/gera', 'no-match')
    >>> match("Erfurd", options, "https://x/")[0], [o.value for o in match("Erfurd", options, "https://x/")[1]]
    ('no-match', ['site/erfurt'])
    """
    text = value.strip()
    for option in options:
        if text in (option.value, base + option.value, option.value.replace("/", ":", 1)):
            return option
    wanted = folded(text.removeprefix(base))
    if re.search(r"[/:<>]", text):  # an IRI (or a prefixed name) that names none: not guessed from its words
        return "no-match", closest(wanted, options)
    exact = [o for o in options if wanted in o.names or wanted == folded(o.value)]
    if len(exact) == 1:
        return exact[0]
    words = set(wanted.split())
    partial = exact or [o for o in options if words and any(words <= set(name.split()) for name in o.names)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        return "ambiguous", tuple(partial)
    return "no-match", closest(wanted, options)


def closest(wanted: str, options: Sequence[Option]) -> tuple[Option, ...]:
    """The options with a name (or a word of one) most like ``wanted``, best first."""
    scored = []
    for option in options:
        candidates = {name for name in option.names} | {word for name in option.names for word in name.split()}
        best = max((difflib.SequenceMatcher(None, wanted, c).ratio() for c in candidates), default=0.0)
        if best >= 0.6:
            scored.append((-best, folded(option.de), option))
    return tuple(option for *_, option in sorted(scored, key=lambda s: s[:2])[:SUGGESTIONS])


# What a problem says, by code, in each language; {value} is what was given, {kind} the kind's name.
_MESSAGES = {
    "no-match": {"de": "»{value}« ist {kind} dieser Daten.", "en": "»{value}« is {kind} of this data."},
    "ambiguous": {"de": "»{value}« passt zu mehreren; bitte einen wählen.", "en": "»{value}« fits several; please choose one."},
    "required": {"de": "Bitte einen Wert angeben.", "en": "Please give a value."},
    "too-long": {"de": "Der Wert ist länger als 1000 Zeichen.", "en": "The value is longer than 1000 characters."},
    "integer": {"de": "»{value}« ist keine ganze Zahl.", "en": "»{value}« is not a whole number."},
    "gYearMonth": {"de": "»{value}« ist kein Monat der Form JJJJ-MM.", "en": "»{value}« is not a month written YYYY-MM."},
    "iri": {"de": "»{value}« ist keine gültige IRI.", "en": "»{value}« is not a valid IRI."},
    "unknown": {"de": "Diese Abfrage hat keinen Parameter »{name}«.", "en": "This query has no parameter »{name}«."},
    "invalid": {"de": "Der Wert passt nicht ({value}).", "en": "The value does not fit ({value})."},
}
_KIND_IN_SENTENCE = {
    "site": {"de": "kein Standort", "en": "no site"},
    "state": {"de": "kein Bundesland", "en": "no federal state"},
    "programme": {"de": "kein Programm", "en": "no programme"},
    "product-type": {"de": "keine Produktart", "en": "no product type"},
    "status": {"de": "kein Status", "en": "no status"},
}
SUGGEST = {"de": "Meinten Sie", "en": "Did you mean"}


def problem_text(problem: Problem, lang: str) -> str:
    """The problem as a sentence in ``lang``.

    >>> problem_text(Problem("site", "no-match", "Erfurd", "site"), "de")
    '»Erfurd« ist kein Standort dieser Daten.'
    >>> problem_text(Problem("n", "integer", "x"), "en")
    '»x« is not a whole number.'
    """
    kind = _KIND_IN_SENTENCE.get(problem.kind or "", {}).get(lang, "")
    template = _MESSAGES.get(problem.code, _MESSAGES["invalid"])[lang]
    return template.format(value=problem.value, kind=kind, name=problem.name)
