"""What the SPARQL page (``/-/sparql``) adds to a plain query form: our prefixes declared for the reader,
parse errors a person can read, and the data the editor (``static/koko-sparql.js``) completes from.

The server completes the prefixes itself, so a query that uses ``koko:`` without its PREFIX line works
without JavaScript too; the completed text is what the page shows, so an error's line and column point
into the text the reader sees. The editor inserts the same lines as the reader types.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from koko.graph.prefixes import prefix_table
from koko.pages.vocabulary import FOREIGN_LABELS, curie, load_vocabulary

# What hides a prefixed name from the scan: IRIs, strings (long ones first) and comments.
_OPAQUE = re.compile(
    r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$:.\-@])([A-Za-z][\w.-]*):")
_POSITION = re.compile(r"^(?:syntax error: )?error at (?P<line>\d+):(?P<column>\d+): (?P<detail>.*)$", re.DOTALL)
_SHOWN_ALTERNATIVES = 6


def missing_prefixes(text: str, prefixes: dict[str, str]) -> list[str]:
    """The known prefixes ``text`` uses but does not declare, sorted.

    >>> known = {"koko": "k#", "rdfs": "r#", "site": "s/"}
    >>> missing_prefixes('PREFIX rdfs: <x:>\\nSELECT * { ?s a koko:Site ; rdfs:label "a:b" } # site:x', known)
    ['koko']
    """
    plain = _OPAQUE.sub(" ", text)
    declared = set(_DECLARED.findall(plain))
    return sorted({name for name in _USED.findall(plain) if name in prefixes} - declared)


def complete_prefixes(text: str, base: str) -> str:
    """``text`` with a PREFIX line for each of our prefixes it uses undeclared, after its leading comments.

    >>> print(complete_prefixes("# sites\\nSELECT ?s { ?s a koko:Site }", "https://w3id.org/koko-kg/id/"))
    # sites
    PREFIX koko: <https://w3id.org/koko-kg/ontology#>
    SELECT ?s { ?s a koko:Site }
    """
    prefixes = dict(prefix_table(base))
    missing = missing_prefixes(text, prefixes)
    if not missing:
        return text
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines))
    added = [f"PREFIX {name}: <{prefixes[name]}>" for name in missing]
    return "\n".join([*lines[:head], *added, *lines[head:]])


@dataclass(frozen=True)
class QueryError:
    """A refused or broken query, for the page: a message in the page's language, the position the
    parser gives (1-based line and column) and the parser's own words."""

    message: str
    line: int | None = None
    column: int | None = None
    detail: str | None = None


def _unknown_prefix(text: str, line: int, column: int) -> tuple[str, int] | None:
    """The prefix of the last prefixed name before the parser's position (which is just after that name),
    and the column where the name starts."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    found = list(re.finditer(r"(?<![\w?$:.\-@])([A-Za-z][\w.-]*)?:", _OPAQUE.sub(" ", lines[line - 1][: max(column, 1)])))
    return (found[-1][1] or "", found[-1].start() + 1) if found else None


def _short(detail: str, lang: str) -> str:
    """The parser's expectation without the wall of character classes it lists after the first few."""
    _, found, rest = detail.partition("expected one of ")
    alternatives = [a.strip() for a in rest.replace("\n", " ").split(", ") if a.strip() and not a.strip().startswith("[")]
    if not found or not alternatives:
        return ("Syntaxfehler: " if lang == "de" else "syntax error: ") + detail.splitlines()[0]
    shown = ", ".join(alternatives[:_SHOWN_ALTERNATIVES]) + (" …" if len(alternatives) > _SHOWN_ALTERNATIVES else "")
    return f"Syntaxfehler, erwartet wird eins von: {shown}" if lang == "de" else f"syntax error, expected one of: {shown}"


def readable_error(message: str, text: str, lang: str) -> QueryError:
    """A parser message (``error at 1:26: expected …``) as a reader's message with its position.

    >>> e = readable_error("error at 1:21: expected one of Prefix not found, ['%']", "SELECT * { ?s a foo:Site }", "en")
    >>> e.message, e.line, e.column
    ('Line 1, column 17 (1:17): the prefix foo: is not declared.', 1, 17)
    >>> readable_error("FROM graph not in the release", "", "de").message
    'FROM graph not in the release'
    """
    match = _POSITION.match(message)
    if match is None:
        return QueryError(message)
    line, column, detail = int(match["line"]), int(match["column"]), match["detail"]
    # The parser counts a line's columns from its line break, so past the first line they are one too many.
    column = column - 1 if line > 1 else column
    if "Prefix not found" in detail:
        found = _unknown_prefix(text, line, column)
        if found is None:
            what = "ein Präfix ist nicht deklariert." if lang == "de" else "a prefix is not declared."
        else:
            column = found[1]
            what = (
                f"das Präfix »{found[0]}:« ist nicht deklariert." if lang == "de" else f"the prefix {found[0]}: is not declared."
            )
    else:
        what = _short(detail, lang)
    where = f"Zeile {line}, Spalte {column}" if lang == "de" else f"Line {line}, column {column}"
    return QueryError(f"{where} ({line}:{column}): {what}", line, column, message)


@functools.cache  # the ontology of a running server does not change; the page asks on every request
def completion_terms(ontology: bytes, base: str, lang: str) -> tuple[dict[str, str], ...]:
    """Our classes and properties and the reused terms the data uses, as the editor completes them:
    the prefixed name, its kind, its label in ``lang`` and (ours only) the definition."""
    prefixes = prefix_table(base)
    vocabulary = load_vocabulary(ontology)
    terms = [
        {
            "label": curie(term.iri, prefixes),
            "type": "class" if term.kind == "class" else "property",
            "detail": term.labels.get(lang, ""),
            "info": term.definitions.get(lang, ""),
        }
        for term in vocabulary.terms
    ]
    terms += [
        {
            "label": curie(iri, prefixes),
            "type": "class" if iri.rpartition("#")[2][:1].isupper() or iri.rpartition("/")[2][:1].isupper() else "property",
            "detail": labels[0 if lang == "de" else 1],
            "info": "",
        }
        for iri, labels in FOREIGN_LABELS.items()
    ]
    return tuple(sorted((t for t in terms if "://" not in t["label"]), key=lambda t: t["label"]))


def editor_data(ontology: bytes, base: str, lang: str) -> dict[str, object]:
    """What the page embeds for the editor (``<script type="application/json" id="sparql-editor-data">``)."""
    return {"prefixes": dict(prefix_table(base)), "terms": list(completion_terms(ontology, base, lang))}
