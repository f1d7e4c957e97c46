"""``koko query``'s output: a worker's :class:`~koko.sparql.execution.Outcome` written for the command line.

The data formats are the outcome's bytes as they are, the same bytes the endpoint sends for the same
query (:mod:`koko.sparql.jobs`): SPARQL JSON, XML, CSV and TSV for SELECT and ASK, an RDF format for
CONSTRUCT and DESCRIBE. Only the table view for people is laid out here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from koko.errors import KokoError
from koko.sparql.execution import SYNTAX_ERROR, Outcome
from koko.sparql.results import Term

#: What ``koko query --format`` writes for SELECT and ASK: the table view for people, then the result
#: formats of :data:`koko.graph.format_table.RESULT_FORMATS`.
SELECT_OUTPUTS = ("table", "json", "xml", "csv", "tsv")
_LOCAL = re.compile(r"[\w.-]+")


def _compact(term: Term | None, prefixes: Sequence[tuple[str, str]]) -> str:
    """An IRI as prefix:local for the table view; a literal as its text; a blank node as ``_:label``."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in prefixes:
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(header: Sequence[str], rows: list[list[str]], width: int = 60) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    clipped = [[clip(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in clipped]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render(outcome: Outcome, table: bool, prefixes: Sequence[tuple[str, str]] = ()) -> bytes:
    """The bytes to print: the outcome's body, or with ``table`` a SELECT as a table and an ASK as
    ``true``/``false`` (the outcome then holds SPARQL JSON). ``prefixes``, longest namespace first,
    shorten IRIs in the table view only. A failed query is a :class:`KokoError` with the engine's message."""
    if outcome.kind == "error":
        if outcome.malformed:  # pyoxigraph's message reads "error at 1:26: expected …"
            message = outcome.error.removeprefix(SYNTAX_ERROR)
            raise KokoError(f"SPARQL syntax {message}" if message.startswith("error at ") else f"SPARQL syntax error: {message}")
        raise KokoError(f"the query could not be evaluated: {outcome.error}")
    if not table or outcome.kind == "graph":
        return outcome.body
    answer = ox.parse_query_results(outcome.body, ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return b"true\n" if answer else b"false\n"
    header = [v.value for v in answer.variables]
    rows = [[_compact(solution[name], prefixes) for name in header] for solution in answer]
    return _table(header, rows).encode("utf-8")
