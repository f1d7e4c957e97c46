"""Queries against a remote SPARQL endpoint (``koko query --endpoint``, SPARQL 1.1 Protocol).

The query is checked and built as for the embedded engine (:func:`koko.sparql.jobs.query_job`) and sent by
the remote store of ``koko serve --store`` (:meth:`koko.store.backend.RemoteStore.run`), with the release's graphs
as its dataset where the store's default graph does not see them (:func:`koko.store.backend.query_dataset`,
two small queries first); parameters bound as
RDF terms in a VALUES block (:mod:`koko.sparql.binding`), the answer read back into pyoxigraph terms and
written by the same writers as an embedded answer, so ``koko query`` prints the same bytes either way.

The request goes through the store client of ``koko publish`` (:class:`koko.store.http.Client`), with
its credentials from the environment only (``KOKO_STORE_USER`` and ``KOKO_STORE_PASSWORD`` as basic
auth or, with ``KOKO_STORE_AUTH=digest``, HTTP Digest; or ``KOKO_STORE_TOKEN``), no redirects, masked
secrets and typed errors. An endpoint URL with a user name or password in it is refused.

Not through SPARQLWrapper: its public ``query()`` sends with urllib's process-wide opener, so it
follows redirects and takes the ``Authorization`` header along; it answers Digest by installing a new
opener for the whole process at every request; ``setTimeout`` keeps whole seconds (0.5 s becomes no
timeout at all); its errors keep the body but not the headers (no ``WWW-Authenticate``, no
``Location``); and its answer offers no public way to bound each read by a deadline. Only its private
``_createRequest`` would let us send its request ourselves. It stays the tests' independent client
of our own endpoint (tests/test_endpoint.py).

>>> endpoint_url("https://user:secret@example.org/sparql")
Traceback (most recent call last):
koko.errors.KokoError: --endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from koko.errors import KokoError
from koko.graph.format_table import JSON_RESULTS, TURTLE, rdf_format, result_format
from koko.sparql.execution import Job, Outcome, QueryTimeout
from koko.store.credentials import Credentials, credentials_from_env
from koko.store.http import ONCE, Client, check_port

#: What a remote endpoint may answer SELECT and ASK with: SPARQL XML, else JSON. XML first because Virtuoso 7
#: writes xsd:boolean values as 1 and 0 in its JSON results (a lexical form pyoxigraph keeps, so the rows would
#: differ from the embedded store's true and false), and as true and false in its XML.
REMOTE_RESULTS = (result_format("xml"), JSON_RESULTS)
RESULTS_ACCEPT = f"{REMOTE_RESULTS[0].media_type}, {REMOTE_RESULTS[1].media_type};q=0.9"
#: What a remote endpoint may answer CONSTRUCT and DESCRIBE with: N-Triples, else Turtle.
REMOTE_GRAPHS = (rdf_format("nt"), TURTLE)
GRAPH_ACCEPT = f"{REMOTE_GRAPHS[0].media_type}, {REMOTE_GRAPHS[1].media_type};q=0.9"


def endpoint_url(url: str) -> str:
    """The endpoint URL, checked: http or https, a host, no credentials in it."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise KokoError(
            "--endpoint: put credentials in KOKO_STORE_USER and KOKO_STORE_PASSWORD or KOKO_STORE_TOKEN, not in the URL"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KokoError(f"--endpoint: {url!r} is not an http(s) URL")
    check_port(parts, "--endpoint")
    return url


def endpoint_client(credentials: Credentials | None, timeout: float) -> Client:
    """The store client for SPARQL queries: tried once, and named in messages as "the SPARQL endpoint"."""
    return Client(credentials, ONCE, timeout, name="the SPARQL endpoint")


def run_remote(url: str, job: Job, base: str, timeout: float, environ: Mapping[str, str] | None = None) -> Outcome:
    """A job (:func:`koko.sparql.jobs.query_job`) run on the endpoint at ``url``: the outcome as the embedded
    engine would give it, or :class:`~koko.sparql.execution.QueryTimeout` past ``timeout``,
    :class:`~koko.store.backend.StoreError` when the endpoint fails."""
    from koko.store.backend import (  # it imports this module's constants
        MalformedAnswer,
        RemoteStore,
        StoreError,
        StoreTimedOut,
        StoreUnavailable,
        query_dataset,
    )

    url = endpoint_url(url)
    if not timeout > 0:
        raise KokoError("--timeout: give a number of seconds greater than 0")
    credentials = credentials_from_env(environ)  # the same variables and rules as koko publish
    store = RemoteStore(url, base, credentials, timeout, slots=1)
    if job.default_graphs is None and job.named_graphs is None:
        try:
            store.dataset = query_dataset(store)
        except MalformedAnswer:
            pass  # an endpoint that answers these two queries oddly is asked the query as it is: its answer says more
        except StoreTimedOut:
            raise QueryTimeout(f"the query took longer than {timeout:g} s and was stopped") from None
        except StoreUnavailable as exc:  # refused, unreachable: the query would be, too (and no password is tried twice)
            raise StoreError(exc.message) from None
    return store.run(job, timeout)
