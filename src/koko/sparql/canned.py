"""SPARQL over the graph: canned queries with documented, typed parameters, run on the release or a user's data.

A canned query is a ``queries/NAME.rq`` file whose header comment carries its metadata::

    # title: Sites by state
    # description: The sites with their state and programme start.
    #   Continuation lines are indented.
    # param: state (string, optional): German or English name of a federal state
    # param: site (iri) = site/dresden: the site, as an IRI or relative to the base IRI
    # example: koko query sites-by-state --param state=Thüringen

Parameter values are turned into RDF terms (pyoxigraph's) of the declared type and bound as the
engine's substitutions (:func:`koko.sparql.jobs.canned_job`); they are never pasted into the query
text. This module imports no rdflib: ``koko query`` starts without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from koko.errors import KokoError

PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*) \((?P<type>iri|string|integer|gYearMonth)(?P<optional>, optional)?\)"
    r"(?: = (?P<default>\S[^:]*?))?: (?P<description>\S.*)$"
)
HEADER_KEYS = ("title", "description", "param", "example")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: A parameter's value as an RDF term.
Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    optional: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path | None
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    text: str = field(repr=False)


def parse_header(text: str, path: Path | None, name: str) -> CannedQuery:
    """Read the comment header of a query; every problem names the file and line."""
    fields: dict[str, list[tuple[int, str]]] = {key: [] for key in HEADER_KEYS}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        body = line[1:]
        match = re.match(r"^ (title|description|param|example): (.*)$", body)
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
    if not fields["example"]:
        raise KokoError("the header needs at least one '# example:' line", path, 1)
    parameters = []
    for number, spec in fields["param"]:
        match = PARAM.match(spec)
        if not match:
            raise KokoError(
                "malformed parameter; expected 'name (iri|string|integer|gYearMonth[, optional]) [= default]: description'",
                path,
                number,
            )
        if not re.search(rf"\?{match['name']}\b", text):
            raise KokoError(f"parameter {match['name']!r} is not used as ?{match['name']} in the query", path, number)
        parameters.append(
            Parameter(match["name"], match["type"], bool(match["optional"]), match["default"], match["description"])
        )
    return CannedQuery(
        name=name,
        path=path,
        title=fields["title"][0][1],
        description=fields["description"][0][1],
        parameters=tuple(parameters),
        examples=tuple(value for _, value in fields["example"]),
        text=text,
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
            raise KokoError(f"{where}: value longer than 1000 characters")
        return ox.Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", value.strip()):
            raise KokoError(f"{where}: {value!r} is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
    if param.type == "gYearMonth":
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise KokoError(f"{where}: {value!r} is not a year and month YYYY-MM")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(_XSD + "gYearMonth"))
    iri = value.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", iri):
        iri = base + iri.lstrip("/")
    if _IRI_FORBIDDEN.search(iri):
        raise KokoError(f"{where}: {value!r} is not a valid IRI")
    try:  # Oxigraph checks IRIs strictly (RFC 3987)
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise KokoError(f"{where}: {value!r} is not a valid IRI ({exc})") from None


def bindings_for(query: CannedQuery, given: dict[str, str], base: str) -> dict[str, Term]:
    known = {p.name: p for p in query.parameters}
    for name in given:
        if name not in known:
            takes = ", ".join(known) or "no parameters"
            raise KokoError(f"--param {name}: query {query.name!r} has no such parameter (it takes {takes})")
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        value = given.get(param.name, param.default)
        if value is None:
            if not param.optional:
                raise KokoError(f"--param {param.name}: required by query {query.name!r}")
            continue
        bindings[param.name] = to_term(param, value, base)
    return bindings
