"""SPARQL over the graph: canned queries with documented, typed parameters, run on the release or a user's data.

A canned query is a ``queries/NAME.rq`` file whose header comment carries its metadata::

    # title: Sites by state
    # title.de: Standorte nach Bundesland
    # description: The sites with their state and programme start.
    #   Continuation lines are indented.
    # description.de: Die Standorte mit Bundesland und Programmstart.
    # param: state (string, optional, state): German or English name of a federal state
    # param.de: state: deutscher oder englischer Name eines Bundeslands
    # param: site (iri, site) = site/dresden: the site, as an IRI or relative to the base IRI
    # column: siteName = Standort | Site
    # column: relation = Beziehung | Relation | en
    # example: koko query sites-by-state --param state=Thüringen

The plain keys are English (what ``koko query --list`` prints); ``.de`` gives the German text the
pages show. A parameter's third word in brackets is its *kind*: the pages offer the values of that
kind in the release as a list (:mod:`koko.pages.query_forms`). ``column`` names a result column
in German and English (and, third, the language of its values where they are codes, so that a page
in the other language marks them); ``choice`` adds a value to a kind's list (``# choice: status all = alle | all``).

Parameter values are turned into RDF terms (pyoxigraph's) of the declared type and bound as the
engine's substitutions (:func:`koko.sparql.jobs.canned_job`); they are never pasted into the query
text. This module imports no rdflib: ``koko query`` starts without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from koko.errors import KokoError

#: The kinds of value a parameter may take from a list (its choices come from the release).
KINDS = ("site", "state", "programme", "product-type", "status")
PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*) \((?P<type>iri|string|integer|gYearMonth)(?P<optional>, optional)?"
    rf"(?:, (?P<kind>{'|'.join(KINDS)}))?\)"
    r"(?: = (?P<default>\S[^:]*?))?: (?P<description>\S.*)$"
)
PARAM_DE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*): (?P<text>\S.*)$")
COLUMN = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*) = (?P<de>[^|]*\S) \| (?P<en>[^|]*\S)(?: \| (?P<values>[a-z]{2}))?$")
CHOICE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*) (?P<value>\S+) = (?P<de>[^|]*\S) \| (?P<en>\S.*)$")
HEADER_KEYS = ("title", "title.de", "description", "description.de", "param", "param.de", "column", "choice", "example")
LANGUAGES = ("de", "en")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: A parameter's value as an RDF term.
Term = ox.NamedNode | ox.Literal


class ParameterError(KokoError):
    """A value that does not fit its parameter: ``problem`` says how (``unknown``, ``required``, ``too-long``,
    ``integer``, ``gYearMonth``, ``iri``), so that a page can say it in its own language."""

    def __init__(self, message: str, name: str, problem: str, value: str | None = None):
        super().__init__(message)
        self.name = name
        self.problem = problem
        self.value = value


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    optional: bool
    default: str | None
    description: str
    kind: str | None = None
    description_de: str | None = None

    def help(self, lang: str) -> str:
        return (self.description_de if lang == "de" else None) or self.description


@dataclass(frozen=True)
class Column:
    """A result column's name for people, in German and English; ``values``: the language of its plain
    literals where they are words of one (English codes such as ``produced``), so that a page in the
    other language can mark them."""

    name: str
    de: str
    en: str
    values: str | None = None


@dataclass(frozen=True)
class Choice:
    """A value the header adds to its parameter's list, with its German and English label."""

    parameter: str
    value: str
    de: str
    en: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path | None
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    text: str = field(repr=False)
    title_de: str | None = None
    description_de: str | None = None
    columns: tuple[Column, ...] = ()
    choices: tuple[Choice, ...] = ()

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (German where the header has one; English otherwise)."""
        return (self.title_de if lang == "de" else None) or self.title

    def description_in(self, lang: str) -> str:
        return (self.description_de if lang == "de" else None) or self.description

    def is_in(self, lang: str) -> bool:
        """Whether the title and description are in ``lang`` (else they are the English ones)."""
        return lang == "en" or (self.title_de is not None and self.description_de is not None)

    def value_languages(self) -> dict[str, str]:
        """Result variable → the language of its plain literals, for the columns whose header says it."""
        return {c.name: c.values for c in self.columns if c.values}

    def column_labels(self, lang: str) -> dict[str, str]:
        """Result variable → its name for people in ``lang``, for the columns the header names."""
        return {c.name: c.de if lang == "de" else c.en for c in self.columns}


def parse_header(text: str, path: Path | None, name: str) -> CannedQuery:
    """Read the comment header of a query; every problem names the file and line."""
    fields: dict[str, list[tuple[int, str]]] = {key: [] for key in HEADER_KEYS}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        body = line[1:]
        match = re.match(rf"^ ({'|'.join(re.escape(k) for k in HEADER_KEYS)}): (.*)$", body)
        if match:
            last = match[1]
            fields[last].append((number, match[2].strip()))
        elif body.startswith("   ") and last and body.strip():
            fields[last][-1] = (fields[last][-1][0], fields[last][-1][1] + " " + body.strip())
        elif body.strip():
            raise KokoError(f"unknown header line; expected one of {', '.join(k + ':' for k in HEADER_KEYS)}", path, number)
    for key in ("title", "description"):
        if len(fields[key]) != 1:
            raise KokoError(f"the header needs exactly one '# {key}:' line", path, 1)
        if len(fields[f"{key}.de"]) > 1:
            raise KokoError(f"the header has more than one '# {key}.de:' line", path, fields[f"{key}.de"][1][0])
    if not fields["example"]:
        raise KokoError("the header needs at least one '# example:' line", path, 1)
    parameters = []
    for number, spec in fields["param"]:
        match = PARAM.match(spec)
        if not match:
            raise KokoError(
                "malformed parameter; expected"
                " 'name (iri|string|integer|gYearMonth[, optional][, kind]) [= default]: description'"
                f" (kinds: {', '.join(KINDS)})",
                path,
                number,
            )
        if not re.search(rf"\?{match['name']}\b", text):
            raise KokoError(f"parameter {match['name']!r} is not used as ?{match['name']} in the query", path, number)
        parameters.append(
            Parameter(
                match["name"], match["type"], bool(match["optional"]), match["default"], match["description"], match["kind"]
            )
        )
    names = {p.name for p in parameters}
    german: dict[str, str] = {}
    for number, spec in fields["param.de"]:
        found = PARAM_DE.match(spec)
        if not found or found["name"] not in names:
            raise KokoError(
                "malformed '# param.de:' line; expected 'name: German description' of a declared parameter", path, number
            )
        german[found["name"]] = found["text"]
    parameters = [replace(p, description_de=german.get(p.name)) for p in parameters]
    columns = []
    for number, spec in fields["column"]:
        found = COLUMN.match(spec)
        if not found or not re.search(rf"\?{found['name']}\b", text):
            raise KokoError(
                "malformed '# column:' line; expected 'variable = Deutsch | English [| language of its values]'"
                " of a query variable",
                path,
                number,
            )
        columns.append(Column(found["name"], found["de"], found["en"], found["values"]))
    choices = []
    for number, spec in fields["choice"]:
        found = CHOICE.match(spec)
        if not found or found["name"] not in names:
            raise KokoError("malformed '# choice:' line; expected 'parameter value = Deutsch | English'", path, number)
        choices.append(Choice(found["name"], found["value"], found["de"], found["en"]))
    return CannedQuery(
        name=name,
        path=path,
        title=fields["title"][0][1],
        description=fields["description"][0][1],
        parameters=tuple(parameters),
        examples=tuple(value for _, value in fields["example"]),
        text=text,
        title_de=fields["title.de"][0][1] if fields["title.de"] else None,
        description_de=fields["description.de"][0][1] if fields["description.de"] else None,
        columns=tuple(columns),
        choices=tuple(choices),
    )


def load_canned(folder: Path, name: str) -> CannedQuery:
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) or not path.is_file():
        available = ", ".join(q.name for q in list_canned(folder))
        raise KokoError(f"no canned query {name!r}; available: {available}")
    return parse_header(path.read_text(encoding="utf-8"), path, name)


def list_canned(folder: Path) -> list[CannedQuery]:
    return [parse_header(p.read_text(encoding="utf-8"), p, p.stem) for p in sorted(folder.glob("*.rq"))]


def resolve(folder: Path, spec: str) -> CannedQuery:
    """A canned query by name, a .rq file by path, or inline SPARQL text."""
    path = Path(spec)
    if spec.endswith(".rq") or (len(spec) < 4096 and "\n" not in spec and path.is_file()):
        if not path.is_file():
            raise KokoError("query file not found", path)
        return parse_header_lenient(path.read_text(encoding="utf-8"), path, path.stem)
    if re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", spec, re.IGNORECASE):
        return parse_header_lenient(spec, None, "inline")
    return load_canned(folder, spec)


def parse_header_lenient(text: str, path: Path | None, name: str) -> CannedQuery:
    """Ad-hoc queries need no header; if they have one, it is honoured."""
    if text.lstrip().startswith("# title:"):
        return parse_header(text, path, name)
    return CannedQuery(name, path, name, "", (), (), text)


def to_term(param: Parameter, value: str, base: str) -> Term:
    """The RDF term for a parameter value, checked against the declared type."""
    where = f"--param {param.name}"
    if param.type == "string":
        if len(value) > 1000:
            raise ParameterError(f"{where}: value longer than 1000 characters", param.name, "too-long", value)
        return ox.Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value.strip()):
            raise ParameterError(f"{where}: {value!r} is not an integer", param.name, "integer", value)
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
    if param.type == "gYearMonth":
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ParameterError(f"{where}: {value!r} is not a year and month YYYY-MM", param.name, "gYearMonth", value)
        return ox.Literal(value.strip(), datatype=ox.NamedNode(_XSD + "gYearMonth"))
    iri = value.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", iri):
        iri = base + iri.lstrip("/")
    if _IRI_FORBIDDEN.search(iri):
        raise ParameterError(f"{where}: {value!r} is not a valid IRI", param.name, "iri", value)
    try:  # Oxigraph checks IRIs strictly (RFC 3987)
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise ParameterError(f"{where}: {value!r} is not a valid IRI ({exc})", param.name, "iri", value) from None


def bindings_for(query: CannedQuery, given: dict[str, str], base: str) -> dict[str, Term]:
    known = {p.name: p for p in query.parameters}
    for name in given:
        if name not in known:
            takes = ", ".join(known) or "no parameters"
            message = f"--param {name}: query {query.name!r} has no such parameter (it takes {takes})"
            raise ParameterError(message, name, "unknown")
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        value = given.get(param.name, param.default)
        if value is None:
            if not param.optional:
                raise ParameterError(f"--param {param.name}: required by query {query.name!r}", param.name, "required")
            continue
        bindings[param.name] = to_term(param, value, base)
    return bindings
