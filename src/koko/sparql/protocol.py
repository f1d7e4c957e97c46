"""The SPARQL 1.1 Protocol for one request, without a web framework: what is asked, and may it run.

:func:`read_operation` takes the query and its parameters from the raw request (GET, form POST
or direct POST) and refuses malformed requests with the status the protocol asks for.
:func:`plan` then looks at the query text before any engine does: an update is refused, every
SERVICE is refused unless the operator listed its endpoint, graphs are only ever local ones,
and the result formats are chosen from ``format`` and ``Accept``.

pyoxigraph runs SERVICE, even SERVICE SILENT, and has no switch to stop it
(shared/design/security-notes.md), so :func:`services` must find every SERVICE that
pyoxigraph's parser finds. It reads the tokens of :mod:`koko.sparql.lexer`, which follows that
parser wherever text can hide other text, and distrusts the grammar where it is lax: it matches
keywords without word boundaries, so ``SERVICESILENT?x``, ``1SERVICE ?x`` and ``SERVICE:x {``
(SERVICE and the empty prefix) are federated queries too, and a word or a prefix that merely
contains "service" is treated as one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from koko.graph.format_table import RDF_FORMATS, RESULT_FORMATS, offered
from koko.graph.negotiate import HTML, choose
from koko.sparql.lexer import Token, TooManyIris, line_and_column, tokens


class ProtocolError(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"

# Media type → format name of what we answer with, in our order of preference (the first is the default):
# SELECT and ASK with the result formats, CONSTRUCT and DESCRIBE with every RDF format (in TriG and N-Quads their
# one graph is the default graph), and the service description (GET without a query) with the same.
RESULT_TYPES = offered(RESULT_FORMATS)
GRAPH_TYPES = offered(RDF_FORMATS)


def _format_names() -> dict[str, tuple[str | None, str | None]]:
    """The ``format`` parameter: name → (results format, graph format); None leaves that family to Accept.
    ``json`` and ``xml`` name one format of each family.

    >>> list(_format_names())[:8], _format_names()["json"]
    (['json', 'xml', 'csv', 'tsv', 'ttl', 'turtle', 'n3', 'jsonld'], ('json', 'jsonld'))
    """
    names: dict[str, tuple[str | None, str | None]] = {f.name: (f.name, None) for f in RESULT_FORMATS}
    for fmt in RDF_FORMATS:
        for name in fmt.endpoint_names:
            names[name] = (names.get(name, (None, None))[0], fmt.name)
    return names


FORMAT_NAMES = _format_names()
QUERY_FORMS = ("select", "construct", "describe", "ask")
UPDATE_FORMS = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")

# Limits on what plan() reads, measured on pyoxigraph 0.5.13 by tests/test_abuse.py. Tokenizing costs
# about 4 µs a token in the server process, holding the GIL, and asking the engine about one IRI about 40 µs: without
# a cap a 1 MiB body took 4 s of CPU. The engine's parser and evaluator recurse: the process died (stack overflow) from
# 2,189 nested groups, 2,656 OPTIONAL or BIND in one group, 7,187 chained "+", 9,341 "!" or 12,000 triple patterns
# (fewer already run past any timeout); the caps stay far below, so a query refused here would have crashed the serving
# process (and all it was answering) or nearly so.
MAX_TOKENS = 50_000
MAX_ASKED = 1_000  # distinct <…> the engine is asked about (the fast path below answers the plain ones)
MAX_DEPTH = 256  # nested { ( [
MAX_OPERATORS = 1_000  # operators and group elements that each add a level to the engine's algebra
MAX_PATTERNS = 2_000  # ". ; ," between triple patterns, and commas between arguments; VALUES terms need none
_OPERATOR_WORDS = frozenset(("optional", "minus", "union", "filter", "bind", "graph", "service", "values", "as", "exists"))
_OPERATOR_SIGNS = frozenset("+-*/|&!=<>^")


@dataclass(frozen=True)
class Operation:
    """A query request as sent: the query (None when there is none) and its parameters."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the engine is asked: graphs None mean the union of all named graphs."""

    query: str
    result_format: str
    graph_format: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    form: str | None = None  # select, ask, construct, describe (None: the lexer could not tell)


def decode_fields(data: bytes, where: str) -> list[tuple[str, str]]:
    r"""``name=value&…`` pairs, percent-decoded from bytes and read as strict UTF-8.

    >>> decode_fields(b"query=ASK%20%7B%7D&format=json&x", "the URL")
    [('query', 'ASK {}'), ('format', 'json'), ('x', '')]
    >>> decode_fields(b"query=%FF", "the form body")
    Traceback (most recent call last):
    koko.sparql.protocol.ProtocolError: the form body is not UTF-8 (byte 0xff at 0 of 'query')
    """
    fields = []
    for part in data.split(b"&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition(b"=")
        name = _utf8(unquote_to_bytes(raw_name.replace(b"+", b" ")), where, "a parameter name")
        fields.append((name, _utf8(unquote_to_bytes(raw_value.replace(b"+", b" ")), where, repr(name))))
    return fields


def _utf8(data: bytes, where: str, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{where} is not UTF-8 (byte 0x{data[exc.start]:02x} at {exc.start} of {what})") from None


def _media_type(header: str | None) -> tuple[str, str | None]:
    media, *params = (header or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def read_operation(method: str, query_string: bytes, content_type: str | None, body: bytes) -> Operation:
    """The query request in a GET or POST, or :class:`ProtocolError` (400, 403, 415).

    >>> read_operation("POST", b"named-graph-uri=urn:g", "application/sparql-query", b"ASK {}")
    Operation(query='ASK {}', default_graphs=(), named_graphs=('urn:g',), formats=())
    >>> read_operation("GET", b"update=CLEAR%20ALL", None, b"")
    Traceback (most recent call last):
    koko.sparql.protocol.ProtocolError: this endpoint is read-only: SPARQL Update is refused
    """
    fields = decode_fields(query_string, "the URL")
    direct: list[str] = []
    if method == "POST":
        media, charset = _media_type(content_type)
        if media == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if media not in (FORM, DIRECT):
            sent = f"Content-Type {media!r}" if media else "no Content-Type"
            raise ProtocolError(415, f"a query POST needs Content-Type {FORM} or {DIRECT}; this one has {sent}")
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"queries are read as UTF-8; charset={charset} is not supported")
        if media == FORM:
            fields += decode_fields(body, "the form body")
        else:
            direct.append(_utf8(body, "the query", "the request body").removeprefix("\ufeff"))
    if any(name in UPDATE_PARAMETERS for name, _ in fields):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in fields if name == "query"] + direct
    if len(queries) > 1:
        raise ProtocolError(400, f"the request holds {len(queries)} queries; send exactly one")
    return Operation(
        query=queries[0] if queries and queries[0].strip() else None,
        default_graphs=tuple(v for n, v in fields if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in fields if n == "named-graph-uri"),
        formats=tuple(v for n, v in fields if n == "format"),
    )


_SERVICE = re.compile("service", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class ServiceCall:
    """A SERVICE the engine would run; ``endpoint`` is its IRI as written when that is plain
    ``SERVICE [SILENT] <iri>``, else empty (a variable, a prefixed name, a keyword run together)."""

    endpoint: str
    start: int


def services(found: Sequence[Token]) -> list[ServiceCall]:
    """Every SERVICE in the tokens, with anything that the engine might read as SERVICE.

    >>> [s.endpoint for s in services(list(tokens("SELECT * { SERVICE SILENT <http://e.example/q> {} }", "urn:x")))]
    ['http://e.example/q']
    >>> [s.endpoint for s in services(list(tokens("SELECT * { ?s ?p 1SERVICE ?x {} } # SERVICE <x>", "urn:x")))]
    ['']
    >>> services(list(tokens("PREFIX ex: <urn:e:> SELECT ?service { ex:SERVICE ?p 'SERVICE' }", "urn:x")))
    []
    """
    calls = []
    for index, token in enumerate(found):
        following = found[index + 1 : index + 3]
        if token.kind == "word" and _SERVICE.search(token.text):
            calls.append(ServiceCall(_endpoint(token, following), token.start))
        # A name whose prefix holds "service" before a group reads as SERVICE and the rest of the name.
        elif token.kind == "pname" and _SERVICE.search(token.text.partition(":")[0]) and [t.text for t in following[:1]] == ["{"]:
            calls.append(ServiceCall("", token.start))
    return calls


def _endpoint(keyword: Token, following: Sequence[Token]) -> str:
    """The IRI of ``SERVICE [SILENT] <iri>``; empty for anything else."""
    if keyword.text.lower() != "service":
        return ""
    silent = bool(following) and following[0].kind == "word" and following[0].text.lower() == "silent"
    target = following[1:] if silent else following[:1]
    return target[0].text[1:-1] if target and target[0].kind == "iri" else ""


def check_services(text: str, found: Sequence[Token], allowed: Sequence[str]) -> None:
    """Refuse (403) the first SERVICE whose endpoint is not on the operator's allow-list."""
    for call in services(found):
        if not call.endpoint or call.endpoint not in allowed:
            target = f"<{call.endpoint}>" if call.endpoint else "with an endpoint that is not written out as <IRI>"
            listed = ", ".join(f"<{e}>" for e in allowed) or "none"
            raise ProtocolError(
                403,
                f"SERVICE {target} at {line_and_column(text, call.start)}: federated queries are refused; "
                f"koko only connects to endpoints the operator allows (allowed: {listed})",
            )


def query_form(found: Sequence[Token]) -> str | None:
    """select, construct, describe or ask; update for an update; None when unknown."""
    index = 0
    while index < len(found) and found[index].kind == "word" and found[index].text.lower() in ("base", "prefix"):
        index += 3 if found[index].text.lower() == "prefix" else 2
    if index >= len(found) or found[index].kind != "word":
        return None
    word = found[index].text.lower()
    form = next((f for f in QUERY_FORMS if word.startswith(f)), None)
    return form or ("update" if word.startswith(UPDATE_FORMS) else None)


def from_clauses(found: Sequence[Token]) -> tuple[list[str], list[str]] | None:
    """The IRIs of FROM and FROM NAMED (None when one cannot be read; the engine will say why)."""
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    for index, token in enumerate(found):
        word = token.text.lower() if token.kind == "word" else ""
        after = found[index + 1 : index + 3]
        if word == "prefix" and len(after) == 2 and after[0].kind == "pname" and after[1].kind == "iri":
            prefixes[after[0].text[:-1]] = after[1].iri
        if word != "from":
            continue
        is_named = bool(after) and after[0].kind == "word" and after[0].text.lower() == "named"
        target = found[index + 2] if is_named and index + 2 < len(found) else after[0] if after else None
        iri = target.iri if target is not None and target.kind == "iri" else _expand(target, prefixes)
        if iri is None:
            return None
        (named if is_named else default).append(iri)
    return default, named


def _expand(token: Token | None, prefixes: Mapping[str, str]) -> str | None:
    if token is None or token.kind != "pname" or token.text.partition(":")[0] not in prefixes:
        return None
    prefix, _, local = token.text.partition(":")
    return prefixes[prefix] + local.replace("\\", "")


def _format_pair(value: str) -> tuple[str | None, str | None]:
    """What one ``format`` value names: (results format, graph format), either None; 400 for an unknown one."""
    key = value.strip().lower()
    pair = FORMAT_NAMES.get(key)
    if pair is None:  # media types, as Virtuoso takes them (SPARQLWrapper sends both)
        known = [m for m in (item.split(";")[0].strip() for item in key.split(",")) if m in RESULT_TYPES or m in GRAPH_TYPES]
        if not known:
            names = ", ".join(FORMAT_NAMES)
            raise ProtocolError(400, f"format: unknown format {value!r}; use one of {names} or a media type")
        pair = (RESULT_TYPES.get(known[0]), GRAPH_TYPES.get(known[0]))
    return pair


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers; negotiating costs a third of plan()
def choose_formats(formats: tuple[str, ...], accept: str | None, form: str | None) -> tuple[str, str]:
    """(results format, graph format): ``format`` where given, else ``Accept``; 406 when the
    client accepts nothing we can write for this query form.

    >>> choose_formats((), "text/csv", "select"), choose_formats(("turtle",), "text/csv", "construct")
    (('csv', 'ttl'), ('csv', 'ttl'))
    >>> choose_formats((), "image/png", "ask")
    Traceback (most recent call last):
    koko.sparql.protocol.ProtocolError: not acceptable: this query's results can be sent as application/sparql-results+json, \
application/sparql-results+xml, text/csv, text/tab-separated-values, application/json, application/xml, text/xml
    """
    results: set[str] = set()
    graphs: set[str] = set()
    for value in formats:
        pair = _format_pair(value)
        results |= {pair[0]} if pair[0] is not None else set()
        graphs |= {pair[1]} if pair[1] is not None else set()
    if len(results) > 1 or len(graphs) > 1:
        raise ProtocolError(400, f"format: the values {', '.join(formats)} ask for different formats")
    chosen = []
    for given, table, forms, what in (
        (results, RESULT_TYPES, ("select", "ask"), "results"),
        (graphs, GRAPH_TYPES, ("construct", "describe"), "graph"),
    ):
        media = choose(accept, list(table)) if not given else None
        if not given and media is None and form in forms:
            raise ProtocolError(406, f"not acceptable: this query's {what} can be sent as {', '.join(table)}")
        chosen.append(given.pop() if given else table[media or next(iter(table))])
    return chosen[0], chosen[1]


def description_format(formats: tuple[str, ...], accept: str | None) -> str | None:
    """The RDF format of the service description for a GET without a query: ``format`` where it names an RDF
    format and no results format (``json`` and ``xml`` name both, and a SPARQL client means the results), else
    ``Accept``; None when the client prefers HTML (a browser) or accepts no RDF format.

    >>> description_format((), None), description_format((), "text/turtle, text/html;q=0.5"), description_format(("nq",), None)
    ('ttl', 'ttl', 'nq')
    >>> browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    >>> description_format((), browser), description_format((), "application/sparql-results+json")
    (None, None)
    >>> description_format(("json",), None), description_format(("application/rdf+xml",), "text/turtle")
    (None, 'xml')
    """
    if formats:
        graphs = {graph for results, graph in map(_format_pair, formats) if results is None}
        return graphs.pop() if len(graphs) == 1 else None
    # HTML last: a client that takes anything (*/*, no Accept) gets the description, a browser naming HTML the page.
    media = choose(accept, [*GRAPH_TYPES, HTML])
    return None if media is None or media == HTML else GRAPH_TYPES[media]


def check_structure(text: str, found: Sequence[Token]) -> None:
    """Refuse (400) a query nested deeper than :data:`MAX_DEPTH`, with more than :data:`MAX_OPERATORS` operators
    or :data:`MAX_PATTERNS` triple patterns: the engine recurses on each, and enough of them kill the process.

    >>> check_structure("", list(tokens("ASK {" + " FILTER(!true)" * 3 + " }", "urn:x")))
    >>> check_structure("", list(tokens("ASK " + "{" * 300 + "}" * 300, "urn:x")))
    Traceback (most recent call last):
    koko.sparql.protocol.ProtocolError: the query is nested deeper than 256 levels at line 1, column 261; koko refuses it
    """
    depth = operators = patterns = 0
    for token in found:
        if token.kind == "other":
            if token.text in "{([":
                depth += 1
                if depth > MAX_DEPTH:
                    where = line_and_column(text, token.start)
                    raise ProtocolError(400, f"the query is nested deeper than {MAX_DEPTH} levels at {where}; koko refuses it")
            elif token.text in "})]":
                depth -= 1
            elif token.text in _OPERATOR_SIGNS:
                operators += 1
            elif token.text in ".;,":
                patterns += 1
        elif token.kind == "word" and token.text.lower() in _OPERATOR_WORDS:
            operators += 1
        if operators > MAX_OPERATORS or patterns > MAX_PATTERNS:
            what = f"{MAX_OPERATORS} operators" if operators > MAX_OPERATORS else f"{MAX_PATTERNS} triple patterns or list items"
            raise ProtocolError(400, f"the query has more than {what} (at {line_and_column(text, token.start)}); koko refuses it")


def plan(operation: Operation, accept: str | None, base: str, graphs: frozenset[str] | None, allowed: Sequence[str]) -> Plan:
    """Check a query before it runs: read-only, no unlisted SERVICE, only the local ``graphs`` in FROM and the
    protocol's dataset (None: not checked here, as for a remote endpoint, which knows its own)."""
    assert operation.query is not None
    text = operation.query
    try:
        found = list(itertools.islice(tokens(text, base, MAX_ASKED), MAX_TOKENS + 1))
    except TooManyIris as exc:
        raise ProtocolError(413, str(exc)) from None
    if len(found) > MAX_TOKENS:  # stop reading: the time plan() takes is bounded whatever the body holds
        raise ProtocolError(413, f"the query has more than {MAX_TOKENS} tokens; koko refuses longer queries")
    check_structure(text, found)
    form = query_form(found)
    if form == "update":
        raise ProtocolError(403, READ_ONLY)
    check_services(text, found, allowed)
    result_format, graph_format = choose_formats(operation.formats, accept, form)
    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    if operation.default_graphs or operation.named_graphs:  # the protocol's dataset overrides FROM
        default, named = operation.default_graphs, operation.named_graphs
        for parameter, iris in (("default-graph-uri", default), ("named-graph-uri", named)):
            _local(parameter, iris, graphs)
    elif (clauses := from_clauses(found)) and (clauses[0] or clauses[1]):
        default, named = tuple(clauses[0]), tuple(clauses[1])
        _local("FROM", default + named, graphs)
    return Plan(text, result_format, graph_format, default, named, form)


def _local(parameter: str, iris: Sequence[str], graphs: frozenset[str] | None) -> None:
    if graphs is None:
        return
    for iri in iris:
        if iri not in graphs:
            raise ProtocolError(
                400,
                f"{parameter} <{iri}>: there is no such graph here; koko never fetches graphs, "
                "it answers from the named graphs of its release (listed in /.well-known/void)",
            )
