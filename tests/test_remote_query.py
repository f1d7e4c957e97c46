"""``koko query --endpoint``: the canned queries on a real Oxigraph server, checked against both local engines.

A module-scoped ``oxigraph serve --union-default-graph`` (its own process, data folder and port, so that the
publish tests sharing the session's ``oxigraph_server`` can never change what these tests see) is loaded with the
release's named graphs in one Graph Store request. Every canned query, with its defaults and each ``# example:``,
must give the same multiset of solutions remotely as on the embedded store (pyoxigraph, substitutions) and on
rdflib (initBindings), and each answer is checked against a fact of the brochure. Parameters travel as a VALUES
block: hypothesis shows that whatever the value, the bound query is the unbound one plus one RDF term.
Transport failures are played by small ``http.server`` fakes on 127.0.0.1, stopped by each test.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from helpers import LocalHTTPServer, koko
from koko.errors import KokoError
from koko.sparql.binding import bind_values, term_text
from koko.sparql.canned import CannedQuery, Parameter, bindings_for
from koko.sparql.jobs import query_job
from koko.sparql.lexer import tokens
from koko.sparql.oxigraph import from_ox
from koko.store.query import run_remote
from oxigraph_server import load, oxigraph
from test_canned_engines import BASE, CANNED, INJECTIONS, _cases, _json_cell, _normalise, on_oxigraph, on_rdflib, order_keys
from test_publish import AUTH_KINDS, DIGEST_ENV, NO_CREDENTIALS, FakeStore, assert_no_secrets
from tools import free_port

SENTINEL = "s3cr3t-sentinel-7f1e"
CASES = _cases()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, published) -> Iterator[str]:
    """The query URL of our own Oxigraph server, holding the release as named graphs; stopped by its PID."""
    with oxigraph(tmp_path_factory.mktemp("oxigraph-remote-query"), "--union-default-graph") as root:
        load(root, published.nquads)
        yield root + "query"


def remote_json(url: str, query: CannedQuery, given_: dict[str, str]) -> dict:
    job, _ = query_job(query, given_, BASE, ("json",), None, 100_000)
    outcome = run_remote(url, job, BASE, timeout=60)
    assert outcome.kind == "solutions", outcome.error
    return json.loads(outcome.body)


def on_remote(url: str, query: CannedQuery, given_: dict[str, str]) -> tuple[list[str], list[tuple]]:
    document = remote_json(url, query, given_)
    variables = document["head"]["vars"]
    rows = [[_json_cell(binding.get(v)) for v in variables] for binding in document["results"]["bindings"]]
    return variables, _normalise(query, variables, rows)


# --- the same answers everywhere ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "given_"), CASES)
def test_remote_embedded_and_rdflib_give_the_same_solutions(knowledge, published, endpoint, query, given_):
    remote_vars, remote = on_remote(endpoint, query, given_)
    embedded_vars, embedded = on_oxigraph(published.store, query, given_)
    rdflib_vars, local = on_rdflib(knowledge, query, given_)
    assert remote_vars == embedded_vars == rdflib_vars
    assert remote, "an example that finds nothing proves nothing"
    assert Counter(remote) == Counter(embedded) == Counter(local)
    keys = order_keys(query, remote_vars)
    if keys is not None:
        assert [tuple(r[k] for k in keys) for r in remote] == [tuple(r[k] for k in keys) for r in embedded]


# --- and what they say is what the brochure says -----------------------------------------------------------------

Rows = list[dict[str, object]]


def _values(rows: Rows, column: str) -> set:
    return {row[column] for row in rows}


def _where(rows: Rows, column: str, value: object) -> Rows:
    return [row for row in rows if row[column] == value]


FACTS: dict[str, tuple[str, Callable[[Rows], bool]]] = {
    "answers-by-question[defaults]": ("81 answers in all", lambda r: len(r) == 81),
    "answers-by-question[question=materialien-und-berichte]": (
        "6 sites list their materials, the Kyffhäuserkreis among them",
        lambda r: len(r) == 6 and "Kyffhäuserkreis" in _values(r, "siteName"),
    ),
    "answers-by-question[question=größte Erfolg]": (
        "9 sites name their greatest success, Dresden among them",
        lambda r: len(r) == 9 and "Landeshauptstadt Dresden" in _values(r, "siteName"),
    ),
    "continuation[defaults]": (
        "Mittelsachsen makes both posts permanent; the networks are to be continued",
        lambda r: (
            [x["siteName"] for x in _where(r, "outcome", "made permanent")] == ["Landkreis Mittelsachsen"]
            and "Netzwerke der Bildungskoordination" in _values(_where(r, "outcome", "continued"), "thingName")
        ),
    ),
    "coordinators[defaults]": (
        "33 coordinators; Magdeburg's are Dagmar Bremer and Anton Gujo",
        lambda r: (
            len(r) == 33
            and _values(_where(r, "siteName", "Landeshauptstadt Magdeburg"), "name") == {"Dagmar Bremer", "Anton Gujo"}
        ),
    ),
    "coordinators[state=Sachsen]": (
        "12 coordinators in Saxony, Jana Träber (Dresden) among them",
        lambda r: len(r) == 12 and "Jana Träber" in _values(r, "name") and _values(r, "federalStateName") == {"Sachsen"},
    ),
    "embedding-by-unit-type[defaults]": (
        "7 sites sit in a staff unit, Erfurt among them",
        lambda r: (
            [(x["sites"], "Landeshauptstadt Erfurt" in x["siteNames"]) for x in _where(r, "unitLevel", "staff-unit")]
            == [("7", True)]
        ),
    ),
    "events-with-figures[defaults]": (
        "the Integrationsmesse Görlitz 2019: 66 exhibitors and about 1,200 visitors",
        lambda r: (
            {(x["measure"], x["value"], x["approximate"]) for x in _where(r, "siteName", "Landkreis Görlitz")}
            >= {("exhibitors", "66", "false"), ("visitors", "1200", "true")}
        ),
    ),
    "evidence[defaults]": (
        "Magdeburg takes part in »Bildung integriert«, with its quote",
        lambda r: any(x["siteName"] == "Landeshauptstadt Magdeburg" and x["predicate"].endswith("#participatesIn") for x in r),
    ),
    "evidence[entity=event/integrationsmesse-goerlitz-2019]": (
        "»ca. 1.200 Besucherinnen und Besuchern« backs the visitor count",
        lambda r: (
            ("1200", "ca. 1.200 Besucherinnen und Besuchern")
            in {(x["object"], x["quote"]) for x in r if x["predicate"].endswith("#visitorCount")}
        ),
    ),
    "networks-by-site[defaults]": ("34 links from sites to networks", lambda r: len(r) == 34),
    "networks-by-site[site=site/saalekreis]": (
        "the Saalekreis is in 2 networks, the Netzwerk für Migration und Integration among them",
        lambda r: len(r) == 2 and "Netzwerk für Migration und Integration im Saalekreis" in _values(r, "networkName"),
    ),
    "partners-by-frequency[defaults]": (
        "the Bundesagentur für Arbeit works with 4 sites, the BAMF with 3",
        lambda r: (
            [x["sites"] for x in _where(r, "partnerName", "Bundesagentur für Arbeit")] == ["4"]
            and [x["sites"] for x in _where(r, "partnerName", "Bundesamt für Migration und Flüchtlinge")] == ["3"]
        ),
    ),
    "products-by-type[defaults]": ("40 products that exist", lambda r: len(r) == 40),
    "products-by-type[type=brochure]": (
        "1 brochure exists, Burgenlandkreis' framework on sex education",
        lambda r: (
            _values(r, "productName") == {"Sexuelle Bildung in Einrichtungen: Interkulturelles und intersektorales Rahmenkonzept"}
        ),
    ),
    "products-by-type[status=planned]": (
        "8 planned products, Eisenach's kindergarten brochure and the Kyffhäuserkreis' welcome brochure among them",
        lambda r: (
            len(r) == 8
            and {"mehrsprachige Kindergarten-Broschüre", "Willkommensbroschüre für den Landkreis"} <= _values(r, "productName")
        ),
    ),
    "plans[defaults]": (
        "47 things with a status; the Görlitz fair of 2020 cancelled",
        lambda r: (
            len(r) == 47
            and ("Wiederholung der Integrationsmesse des Landkreises Görlitz", "cancelled")
            in {(x["thingName"], x["state"]) for x in r}
        ),
    ),
    "plans[status=cancelled]": (
        "the fairs of Görlitz and Mittelsachsen in 2020 were cancelled",
        lambda r: _values(r, "siteName") == {"Landkreis Görlitz", "Landkreis Mittelsachsen"},
    ),
    "post-holders[defaults]": (
        "33 posts; Görlitz's sit in the Sachgebiet Integration",
        lambda r: len(r) == 33 and _values(_where(r, "siteName", "Landkreis Görlitz"), "unitName") == {"Sachgebiet Integration"},
    ),
    "post-holders[site=site/schmalkalden-meiningen]": (
        "Melanie Anders took the post over in the second half of 2019",
        lambda r: [(x["name"], x["sinceAsWritten"]) for x in r] == [("Melanie Anders", "2019-41")],
    ),
    "partner-units-by-kind[defaults]": (
        "9 sites sit in or work with a Stabsstelle of their administration",
        lambda r: [x["sites"] for x in _where(r, "unitKind", "stabsstelle")] == ["9"],
    ),
    "programme-timeline[defaults]": (
        "the first site started in July 2016 (Meißen); 27 in all",
        lambda r: (
            (r[0]["start"], r[0]["siteNames"]) == ("2016-07", ("Landkreis Meißen",)) and sum(int(x["sites"]) for x in r) == 27
        ),
    ),
    "search-answers[defaults]": ("»Sprachkurs« occurs in 17 answers", lambda r: len(r) == 17),
    "search-answers[term=Integrationsmesse]": (
        "the Integrationsmesse is mentioned by Görlitz and Mittelsachsen",
        lambda r: _values(r, "siteName") == {"Landkreis Görlitz", "Landkreis Mittelsachsen"},
    ),
    "shared-programmes[defaults]": (
        "all 27 sites are in KoKo; 4 are also in »Bildung integriert«",
        lambda r: (
            [x["sites"] for x in _where(r, "targetName", "Bildung integriert")] == ["4"]
            and [x["sites"] for x in _where(r, "target", BASE + "programme/koko")] == ["27"]
        ),
    ),
    "site-links[defaults]": ("233 links from sites", lambda r: len(r) == 233),
    "site-links[site=site/goerlitz]": (
        "Görlitz organised the Integrationsmesse 2019; its posts sit in the Sachgebiet Integration",
        lambda r: (
            len(r) == 8
            and BASE + "event/integrationsmesse-goerlitz-2019" in _values(r, "target")
            and BASE + "unit/sachgebiet-integration-goerlitz" in _values(r, "target")
        ),
    ),
    "site-profile[defaults]": (
        "Dresden: »Bildung als Schlüssel zur Integration«, Jana Träber and Marcus Oertel",
        lambda r: (
            _values(r, "motto") == {"Bildung als Schlüssel zur Integration"}
            and _values(r, "coordinators") == {("Jana Träber", "Marcus Oertel")}
        ),
    ),
    "site-profile[site=site/saalekreis]": (
        "the Saalekreis since October 2017, Kathrin Pellinger",
        lambda r: _values(r, "start") == {"2017-10"} and _values(r, "coordinators") == {("Kathrin Pellinger",)},
    ),
    "site-profile[site=site/erfurt]": (
        "Erfurt: »Koordination heißt, alle Informationen zu bündeln und weiterzuleiten«",
        lambda r: _values(r, "motto") == {"Koordination heißt, alle Informationen zu bündeln und weiterzuleiten"},
    ),
    "sites-by-programme[defaults]": (
        "»Bildung integriert«: Magdeburg, Wittenberg, Eisenach and Nordhausen",
        lambda r: (
            _values(r, "siteName") - {None}
            == {"Landeshauptstadt Magdeburg", "Landkreis Wittenberg", "Stadt Eisenach", "Landkreis Nordhausen"}
        ),
    ),
    "sites-by-programme[programme=Integrative Maßnahmen]": (
        "»Integrative Maßnahmen«: Görlitz",
        lambda r: _values(r, "siteName") - {None} == {"Landkreis Görlitz"},
    ),
    "sites-by-state[defaults]": (
        "27 sites: Sachsen 7, Sachsen-Anhalt 9, Thüringen 11",
        lambda r: Counter(x["federalStateName"] for x in r) == {"Sachsen": 7, "Sachsen-Anhalt": 9, "Thüringen": 11},
    ),
    "sites-by-state[state=Thüringen]": (
        "11 sites in Thuringia, Landeshauptstadt Erfurt among them",
        lambda r: len(r) == 11 and "Landeshauptstadt Erfurt" in _values(r, "siteName"),
    ),
    "sites-by-state[state=Sachsen]": (
        "7 sites in Saxony",
        lambda r: len(r) == 7 and _values(r, "federalStateName") == {"Sachsen"},
    ),
}
EXTRA = {"site-profile[site=site/erfurt]": ("site-profile", {"site": "site/erfurt"})}
EXTRA["sites-by-state[state=Sachsen]"] = ("sites-by-state", {"state": "Sachsen"})


def _fact_cases() -> list:
    named = {q.name: q for q in CANNED}
    cases = [pytest.param(case.id, *case.values, id=case.id) for case in CASES]
    cases += [pytest.param(label, named[name], given_, id=label) for label, (name, given_) in EXTRA.items()]
    return cases


def test_every_case_has_a_fact():
    assert {p.values[0] for p in _fact_cases()} == set(FACTS)


def _plain(cell: tuple | None) -> object:
    return None if cell is None else cell[1]


@pytest.mark.parametrize(("label", "query", "given_"), _fact_cases())
def test_the_remote_answer_states_the_brochure_fact(endpoint, label, query, given_):
    variables, rows = on_remote(endpoint, query, given_)
    described, holds = FACTS[label]
    records = [{v: _plain(cell) for v, cell in zip(variables, row, strict=True)} for row in rows]
    assert holds(records), described


# --- parameters are one RDF term, whatever their value -----------------------------------------------------------


def _strip_values(node: object, found: list) -> object:
    """The algebra without VALUES data (collected in ``found``) and the joins with it, nor the evaluation hints."""
    if isinstance(node, CompValue):
        if node.name == "ToMultiSet" and isinstance(node.get("p"), CompValue) and node["p"].name == "values":
            found.append(node["p"]["res"])
            return None
        children = {k: _strip_values(v, found) for k, v in node.items() if k not in ("_vars", "lazy")}
        if node.name == "Join" and None in (children["p1"], children["p2"]):
            return children["p2"] if children["p1"] is None else children["p1"]
        return (node.name, children)
    if isinstance(node, list | tuple):
        return [_strip_values(v, found) for v in node]
    if isinstance(node, dict):
        return {k: _strip_values(v, found) for k, v in node.items()}
    return node


def _algebra(text: str) -> tuple[object, list]:
    found: list = []
    return _strip_values(translateQuery(parseQuery(text)).algebra, found), found


def _parameters(kind: str) -> list:
    return [pytest.param(q, p.name, id=f"{q.name}-{p.name}") for q in CANNED for p in q.parameters if p.type == kind]


def _bound(query: CannedQuery, name: str, value: str) -> tuple[str, object] | None:
    """The bound query text and the term, or None when koko refuses the value before any binding."""
    try:
        term = bindings_for(query, {name: value}, BASE)[name]
    except KokoError:
        return None
    return bind_values(query.text, {name: term}, BASE), term


def _check_one_term(query: CannedQuery, name: str, text: str, term) -> None:
    unbound = [(t.kind, t.text) for t in tokens(query.text, BASE)]
    bound = [(t.kind, t.text) for t in tokens(text, BASE)]
    block = [("word", "VALUES"), ("var", f"?{name}"), ("other", "{")]
    at = next(i for i in range(len(bound)) if bound[i : i + 3] == block)
    written = term_text(term)
    literal = isinstance(term, ox.Literal)
    typed = literal and not term.language and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string"
    term_tokens = [("string" if literal else "iri", written[: written.rindex("^^<")] if typed else written)]
    if typed:
        term_tokens += [("other", "^"), ("other", "^"), ("iri", f"<{term.datatype.value}>")]
    closing = at + 3 + len(term_tokens)
    assert bound[at + 3 : closing] == term_tokens  # the value is one string or one IRI token, nothing else
    assert bound[closing] == ("other", "}")
    assert bound[:at] + bound[closing + 1 :] == unbound  # the rest of the query is untouched
    assert unbound[at - 1] == ("other", "{")  # ... and the block opens the WHERE group
    # The engine that answers remotely reads exactly the intended term.
    solutions = list(ox.Store().query(f"SELECT ?{name} WHERE {{ VALUES ?{name} {{ {term_text(term)} }} }}"))
    assert [s[name] for s in solutions] == [term]


# "\x1f0000": written as \u001F then 0000, which rdflib misreads as one \U escape (hypothesis found it).
SAMPLES = [*INJECTIONS, "\\u0022} UNION {", "é\u2028\r\t", "''' \"\"\"", "\x1f0000"]
STRINGS = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=60))


@settings(max_examples=40, deadline=None)
@given(value=STRINGS)
@pytest.mark.parametrize(("query", "name"), _parameters("string"))
def test_a_string_parameter_is_one_literal_in_the_values_block(query, name, value):
    bound = _bound(query, name, value)
    if bound is None:
        return
    text, term = bound
    _check_one_term(query, name, text, term)
    if "\\u" in term_text(term).lower():
        # rdflib replaces \\u escapes before it lexes (unlike pyoxigraph and the SPARQL grammar), and reads the
        # escape of a control character followed by hex digits (\\u001F then 0000) as one \\U escape: not comparable
        return
    algebra, values = _algebra(text)
    expected_algebra, expected_values = _algebra(query.text)
    assert algebra == expected_algebra
    assert sorted(map(repr, values)) == sorted(map(repr, [*expected_values, [{Variable(name): from_ox(term)}]]))


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.sampled_from(["site/x> ; DROP ALL", "site/a} UNION {", 'site/"', "site/é"]), st.text(max_size=40)))
@pytest.mark.parametrize(("query", "name"), _parameters("iri"))
def test_an_iri_parameter_is_one_iri_in_the_values_block(query, name, value):
    bound = _bound(query, name, value)
    if bound is None:
        return
    text, term = bound
    _check_one_term(query, name, text, term)
    algebra, values = _algebra(text)
    expected_algebra, expected_values = _algebra(query.text)
    assert algebra == expected_algebra
    assert sorted(map(repr, values)) == sorted(map(repr, [*expected_values, [{Variable(name): from_ox(term)}]]))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "WHERE {"),
        ("PREFIX : <urn:x:> SELECT ?x # WHERE { \n{ ?x :p '{' }", "\n{"),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?x) WHERE { ?x ?p ?o }", "WHERE {"),
        ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "WHERE {"),
        ("CONSTRUCT { ?x ?p ?o } { ?x ?p ?o }", "} {"),
        ("ASK { <urn:a> ?p ?x }", "ASK {"),
        ('SELECT * WHERE { { SELECT ?x { ?x ?p "}" } } ?x ?q ?r }', "WHERE {"),
    ],
)
def test_the_values_block_opens_the_outermost_where_group(text, where):
    bound = bind_values(text, {"x": Literal("v")}, BASE)
    offset = text.index(where) + len(where)
    assert bound == f'{text[:offset]} VALUES ?x {{ "v" }}{text[offset:]}'


@pytest.mark.parametrize(("value", "rows"), [("b", 1), ("c", 0)])
def test_a_value_bound_in_the_group_reaches_the_filters(endpoint, value, rows):
    """A VALUES after the query would join after the FILTER saw ?x unbound, and no row would ever come back."""
    parameter = Parameter("x", "string", False, None, "compared in a FILTER only")
    query = CannedQuery("probe", None, "probe", "", (parameter,), (), 'SELECT ?n ?x WHERE { BIND("a" AS ?n) FILTER(?x = "b") }')
    assert len(remote_json(endpoint, query, {"x": value})["results"]["bindings"]) == rows


def test_the_short_construct_form_cannot_take_parameters():
    with pytest.raises(KokoError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?x ?p ?o }", {"x": Literal("b")}, BASE)


# --- the command line --------------------------------------------------------------------------------------------


def test_cli_runs_a_canned_query_on_the_endpoint(endpoint):
    result = koko("query", "sites-by-state", "--param", "state=Sachsen", "--endpoint", endpoint, "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("federalStateName,site,siteName")
    assert len(lines) == 1 + 7
    assert all(line.startswith("Sachsen,") for line in lines[1:])
    assert any("Landeshauptstadt Dresden" in line for line in lines)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_cli_writes_the_same_output_as_locally(endpoint, fmt):
    local = koko("query", "sites-by-state", "-p", "state=Thüringen", "--format", fmt)
    assert local.exit_code == 0, local.output
    result = koko("query", "sites-by-state", "-p", "state=Thüringen", "--endpoint", endpoint, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == local.stdout_bytes
    assert "Landkreis Hildburghausen" in result.stdout


def test_cli_writes_construct_results_as_rdf(endpoint):
    text = (
        "PREFIX koko: <https://w3id.org/koko-kg/ontology#> "
        "CONSTRUCT { ?s koko:printedName ?n } WHERE { ?s a koko:Site ; koko:printedName ?n }"
    )
    result = koko("query", text, "--endpoint", endpoint, "--format", "nt")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 27
    erfurt = (
        '<https://w3id.org/koko-kg/id/site/erfurt> <https://w3id.org/koko-kg/ontology#printedName> "Landeshauptstadt Erfurt" .'
    )
    assert erfurt in result.stdout


def test_cli_refuses_endpoint_with_local_data(endpoint, tmp_path):
    result = koko("query", "sites-by-state", "--endpoint", endpoint, "--data", str(tmp_path))
    assert result.exit_code == 2
    assert "--endpoint excludes --data and --source" in result.output


def test_cli_reports_the_servers_message_for_a_malformed_query(endpoint):
    result = koko("query", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint)
    assert result.exit_code == 2
    assert f"the SPARQL endpoint {endpoint} answered HTTP 400: error at 1:" in result.output


def test_cli_names_an_unreachable_endpoint():
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    result = koko("query", "sites-by-state", "--endpoint", url)
    assert result.exit_code == 2
    assert f"cannot reach the SPARQL endpoint {url}" in result.output


@pytest.mark.parametrize("url", [f"http://koko:{SENTINEL}@127.0.0.1:1/query", "ftp://127.0.0.1/query", "query"])
def test_cli_refuses_credentials_in_the_url_and_odd_urls(url):
    result = koko("query", "sites-by-state", "--endpoint", url)
    assert result.exit_code == 2
    assert SENTINEL not in result.output


# --- fake servers: garbage, silence, echoes ----------------------------------------------------------------------


class _Fake(http.server.BaseHTTPRequestHandler):
    reply: Callable[[_Fake], None]
    seen: list[dict[str, str]]

    def do_POST(self) -> None:
        self.seen.append(dict(self.headers))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.reply(self)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake():
    """Start a fake endpoint with ``fake(reply)``: its URL; every server is shut down when the test ends."""
    release = threading.Event()
    with contextlib.ExitStack() as servers:

        def start(reply: Callable[[_Fake], None]) -> tuple[str, list[dict[str, str]]]:
            seen: list[dict[str, str]] = []
            handler = type("Handler", (_Fake,), {"reply": staticmethod(reply), "seen": seen, "release": release})
            return servers.enter_context(LocalHTTPServer(handler)).root + "sparql", seen

        start.release = release  # type: ignore[attr-defined]
        yield start
        release.set()  # hanging handlers end before their servers are shut down


def _answer(status: int, media_type: str, body: bytes, headers: dict[str, str] | None = None) -> Callable[[_Fake], None]:
    def reply(handler: _Fake) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", media_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    return reply


@pytest.mark.parametrize(
    ("body", "media_type", "complaint"),
    [
        (
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [',
            "application/sparql-results+json",
            "Unexpected end of file, a value was expected",
        ),
        (
            b'{"results": {"bindings": []}}',
            "application/sparql-results+json",
            "SPARQL JSON results must contain a 'boolean' or a 'results' key",
        ),
        (
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"y": {"type": "uri", "value": "urn:y"}}]}}',
            "application/json",
            "The variable y has not been defined in the header",
        ),
        (
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "iri", "value": "urn:x"}}]}}',
            "application/json",
            "Unexpected term type: 'iri'",
        ),
        (
            b"<html>Bad Gateway</html>",
            "text/html",
            "the answer is text/html, not application/sparql-results+xml or application/sparql-results+json",
        ),
    ],
)
def test_malformed_results_are_named(fake, body, media_type, complaint):
    url, _ = fake(_answer(200, media_type, body))
    result = koko("query", "sites-by-state", "--endpoint", url)
    assert result.exit_code == 2
    assert f"koko: error: malformed results from the SPARQL endpoint {url}: " in result.output
    assert complaint in result.output


def test_a_broken_graph_is_named(fake):
    url, _ = fake(_answer(200, "application/n-triples", b"<urn:a> <urn:b> .\n"))
    result = koko("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--endpoint", url, "--format", "nt")
    assert result.exit_code == 2
    assert "malformed results" in result.output
    assert "Parser error at line 1 column 17: The object of a triple must be an IRI, a blank node or a literal" in result.output


def test_a_hanging_endpoint_times_out(fake):
    def hang(handler: _Fake) -> None:
        handler.release.wait(30)  # type: ignore[attr-defined]

    url, _ = fake(hang)
    started = time.monotonic()
    result = koko("query", "sites-by-state", "--endpoint", url, "--timeout", "0.5")
    assert result.exit_code == 3
    assert f"the SPARQL endpoint {url} did not answer within 0.5 s (--timeout)" in result.output
    assert time.monotonic() - started < 10


def test_an_http_error_shows_the_status_and_the_first_lines_of_the_body(fake):
    body = "\n".join(f"line {n}: the store is read-only today" for n in range(1, 10)).encode()
    url, _ = fake(_answer(503, "text/plain", body))
    result = koko("query", "sites-by-state", "--endpoint", url)
    assert result.exit_code == 2
    assert f"the SPARQL endpoint {url} answered HTTP 503: line 1: the store is read-only today" in result.output
    assert "line 5:" in result.output
    assert "line 6:" not in result.output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"KOKO_STORE_TOKEN": SENTINEL}, f"Bearer {SENTINEL}"),
        ({"KOKO_STORE_USER": "koko", "KOKO_STORE_PASSWORD": SENTINEL}, "Basic "),
    ],
)
def test_credentials_are_sent_but_never_shown(fake, env, expected):
    def echo(handler: _Fake) -> None:  # a careless server that repeats what it was sent
        _answer(401, "text/plain", f"denied: {handler.headers.get('Authorization')} {SENTINEL}".encode())(handler)

    url, seen = fake(echo)
    result = koko("query", "sites-by-state", "--param", "state=Sachsen", "--endpoint", url, env=env)
    assert result.exit_code == 2
    assert seen
    assert seen[0]["Authorization"].startswith(expected)
    assert "answered HTTP 401: denied:" in result.output
    assert SENTINEL not in result.output
    assert base64.b64encode(f"koko:{SENTINEL}".encode()).decode() not in result.output  # nor the header that carries it


def test_redirects_are_not_followed(fake, listener):
    url, _ = fake(_answer(307, "text/plain", b"moved", {"Location": listener + "sparql"}))
    result = koko("query", "sites-by-state", "--endpoint", url, env={"KOKO_STORE_TOKEN": SENTINEL})
    assert result.exit_code == 2
    assert f"answered HTTP 307 (to {listener}sparql)" in result.output
    assert SENTINEL not in result.output


def test_half_given_credentials_are_refused():
    result = koko("query", "sites-by-state", "--endpoint", "http://127.0.0.1:1/q", env={"KOKO_STORE_USER": "koko"})
    assert result.exit_code == 2
    assert "KOKO_STORE_USER and KOKO_STORE_PASSWORD go together" in result.output


def test_a_secret_echoed_in_a_broken_answer_is_masked(fake):
    url, _ = fake(_answer(200, "application/n-triples", f"<urn:a> <urn:b> {SENTINEL} .\n".encode()))
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    result = koko("query", text, "--endpoint", url, "--format", "nt", env={"KOKO_STORE_TOKEN": SENTINEL})
    assert result.exit_code == 2
    assert "malformed results" in result.output
    assert SENTINEL not in result.output


# --- the store client of koko publish: every kind of credentials, HTTP Digest, connections closed ----------------


def _one_row(query: str) -> tuple[str, bytes]:
    row = {"x": {"type": "literal", "value": "from the store"}}
    return "application/sparql-results+json", json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [row]}}).encode()


def ask_store(store: FakeStore, env: dict[str, str]):
    query = "SELECT ?x WHERE { ?x ?p ?o }"
    return koko("query", query, "--endpoint", store.root + "query", "--format", "csv", env={**NO_CREDENTIALS, **env})


@pytest.mark.parametrize("kind", sorted(AUTH_KINDS))
def test_each_kind_of_credentials_reaches_the_endpoint(kind):
    """The credentials and auth kinds of koko publish (test_publish.AUTH_KINDS), against the same fake store."""
    env, demands = AUTH_KINDS[kind]
    with FakeStore(results=_one_row, keep_alive=True, **demands) as store:
        result = ask_store(store, env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["x", "from the store"]
    assert store.errors == []  # the answer was read and its connection closed
    assert_no_secrets(result)


def test_digest_answers_the_endpoints_challenge_and_never_sends_the_password():
    with FakeStore(results=_one_row, digest=("us3r-sentinel", "s3cret-sentinel")) as store:
        result = ask_store(store, DIGEST_ENV)
    assert result.exit_code == 0, result.output
    # the probe for the release's programme graph (koko.store.backend.query_dataset), then the query: each refused, then answered
    assert store.log == [("POST", "/query")] * 4
    assert len(store.authorizations) == 2
    assert all(a.startswith('Digest username="us3r-sentinel"') for a in store.authorizations)
    assert not any("s3cret-sentinel" in a for a in store.authorizations)


@pytest.mark.parametrize(
    ("env", "demands", "message"),
    [
        (DIGEST_ENV, {"digest": ("us3r-sentinel", "another-password")}, "answered HTTP 401: wrong digest (the store refused"),
        (
            AUTH_KINDS["basic"][0],
            {"digest": ("us3r-sentinel", "s3cret-sentinel")},
            "asks for HTTP Digest: KOKO_STORE_AUTH=digest",
        ),
        (
            DIGEST_ENV,
            {"digest": ("us3r-sentinel", "s3cret-sentinel"), "digest_algorithm": "SHA-256"},
            "asks for HTTP Digest with algorithm=SHA-256",
        ),
    ],
    ids=["wrong-password", "basic-to-digest", "unanswerable"],
)
def test_a_digest_refusal_at_the_endpoint_exits_2_naming_it(env, demands, message):
    with FakeStore(results=_one_row, keep_alive=True, **demands) as store:
        result = ask_store(store, env)
    assert result.exit_code == 2
    assert message in result.output
    assert len(store.log) <= 2  # a wrong password is not tried again
    assert store.errors == []  # no connection was left open, neither the challenge's nor the refusal's
    assert_no_secrets(result)


# --- stores whose default graph is not the release's union ------------------------------------------------------


@pytest.fixture(scope="module")
def plain_oxigraph(tmp_path_factory: pytest.TempPathFactory, published) -> Iterator[str]:
    """The release in ``oxigraph serve`` without ``--union-default-graph``: its default graph is empty."""
    with oxigraph(tmp_path_factory.mktemp("plain")) as root:
        load(root, published.nquads)
        yield root + "query"


def test_a_store_without_the_union_default_graph_is_asked_with_the_release_as_dataset(plain_oxigraph):
    """Not 0 rows and exit 0: the release's graphs go as default-graph-uri (the brochure's 33 coordinator rows)."""
    result = koko("query", "coordinators", "--endpoint", plain_oxigraph, "--format", "csv", env=NO_CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 34
    own = koko("query", "SELECT (COUNT(*) AS ?n) FROM <urn:none> WHERE { ?s ?p ?o }", "--endpoint", plain_oxigraph)
    assert own.stdout.splitlines()[-2].strip() == "0"  # a query's own dataset is sent as it is


@pytest.fixture(scope="module")
def virtuoso_endpoint(tmp_path_factory: pytest.TempPathFactory, published) -> Iterator[str]:
    from koko.store.credentials import credentials_from_env
    from koko.store.http import Client
    from koko.store.publish import Endpoints, local_graphs, publish
    from virtuoso_server import virtuoso

    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as store:
        ends = Endpoints(store.sparql, store.update, store.graph_store)
        assert not publish(local_graphs(published.nquads), ends, Client(credentials_from_env(store.env))).mismatches
        yield store.sparql


ASKS = [(f"ASK {{ <{BASE}site/erfurt> ?p ?o }}", "true"), ("ASK { <urn:no> ?p ?o }", "false")]


@pytest.mark.parametrize(("ask", "answer"), ASKS)
def test_virtuoso_answers_ask_as_an_integer_and_koko_reads_a_boolean(virtuoso_endpoint, ask, answer):
    """Virtuoso 7 answers ASK as one solution binding __ASK_RETVAL to 1 (none for false), in JSON and XML alike."""
    result = koko("query", ask, "--endpoint", virtuoso_endpoint, "--format", "json", env=NO_CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"head": {}, "boolean": answer == "true"}


def test_virtuoso_gives_the_brochures_coordinators_and_sites(virtuoso_endpoint):
    for name, rows in (("coordinators", 33), ("sites-by-state", 27)):
        result = koko("query", name, "--endpoint", virtuoso_endpoint, "--format", "csv", env=NO_CREDENTIALS)
        assert result.exit_code == 0, result.output
        assert result.stdout.count("\n") == rows + 1, name
