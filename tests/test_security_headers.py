"""Security headers on every answer of `koko serve`, the pages still working under their policy, and the
request-body limit of `koko serve --max-body`.

The static site's rules send the same headers: tests/test_static_site.py checks them on nginx and Apache.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from starlette.routing import Route

from asgi_call import asgi_call
from helpers import call, fetch, koko
from koko.cli import publishing as cli_publishing
from koko.pages.backend import embedded
from koko.pages.render import TEMPLATES
from koko.web.app import create_app
from koko.web.config import ServerConfig, load_server_config
from koko.web.security_headers import CONTENT_SECURITY_POLICY, HEADERS, style_hashes
from koko.web.serve import running

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


ASK = "sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})

ANSWERS = {
    "page": ("", BROWSER, "GET", 200, "text/html"),
    "rdf": ("id/site/erfurt", "text/turtle", "GET", 200, "text/turtle"),
    "sparql-result": (ASK, "application/sparql-results+json", "GET", 200, "application/sparql-results+json"),
    "static-file": ("-/static/koko.css", None, "GET", 200, "text/css"),
    "picture": ("-/pictures/network.svg", None, "GET", 200, "image/svg+xml"),
    "description": (".well-known/void", "text/turtle", "GET", 200, "text/turtle"),
    "not-found-page": ("id/site/atlantis", BROWSER, "GET", 404, "text/html"),
    "not-found": ("no/such/thing", "text/turtle", "GET", 404, "text/plain"),
    "method-not-allowed": (".well-known/void", None, "DELETE", 405, "text/plain"),
}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_every_answer_carries_the_security_headers(server: str, kind: str) -> None:
    path, accept, method, status, media_type = ANSWERS[kind]
    answer = fetch(server, path, accept, method)
    assert (answer.status, answer.headers["content-type"].split(";")[0]) == (status, media_type)
    assert {name.lower(): answer.headers.get(name.lower()) for name, _ in HEADERS} == {
        name.lower(): value for name, value in HEADERS
    }


@pytest.mark.parametrize(("path", "method"), [(ASK, "GET"), ("sparql", "OPTIONS"), (".well-known/void", "GET")])
def test_the_cors_headers_of_the_endpoint_and_the_description_stay(server: str, path: str, method: str) -> None:
    headers = fetch(server, path, method=method).headers
    assert headers["access-control-allow-origin"] == "*"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_policy_allows_only_script_files_of_its_own_and_nothing_from_elsewhere() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # the SPARQL editor's files: no inline script, no eval
    assert directives["style-src"].split()[0] == "'self'"  # CodeMirror's styles need no more (security_headers.py)
    assert all("http" not in value and "*" not in value and "unsafe" not in value for value in directives.values())


@pytest.mark.parametrize("path", ["", "?lang=en", "-/pictures/network.svg", "-/pictures/timeline.svg"])
def test_every_inline_style_is_allowed_by_its_hash(server: str, path: str) -> None:
    """The pictures' <style> elements, as served (inline in the home page, and as SVG files), are in the policy;
    a changed style sheet in templates/_picture_style.svg changes the hash with it."""
    answer = fetch(server, path, BROWSER)
    found = style_hashes(answer.text)
    assert found
    style_src = next(d for d in answer.headers["content-security-policy"].split("; ") if d.startswith("style-src "))
    assert all(h in style_src.split() for h in found)


def test_no_template_has_a_style_attribute_or_a_script_to_run() -> None:
    """Style attributes would need 'unsafe-inline' (or 'unsafe-hashes'); a script is a data block (JSON-LD, JSON)
    or a file of our own under /-/static/, never inline code."""
    data_block = re.compile(r'<script type="application/(ld\+)?json"( id="[\w-]+")?>')
    own_file = re.compile(r'<script src="\{\{ [^}"]+ \}\}"( defer)?></script>')  # a URL of ours; the policy holds it to 'self'
    for template in TEMPLATES.rglob("*"):
        if template.suffix in (".html", ".svg"):
            text = template.read_text(encoding="utf-8")
            assert not re.search(r"\sstyle\s*=", text), template
            for script in re.findall(r"<script\b[^>]*>(?:</script>)?", text):
                assert data_block.fullmatch(script) or own_file.fullmatch(script), (template, script)


# --- answers that never reach the router's handlers ---------------------------------------------------------


def test_an_unexpected_error_answers_500_with_the_headers_too(published) -> None:
    async def boom(request):
        raise RuntimeError("boom")

    def reraised(exc: Exception) -> None:  # Starlette re-raises after it has answered 500
        assert repr(exc) == "RuntimeError('boom')"

    app = create_app(published, ServerConfig(), embedded(published))
    app.router.routes.insert(0, Route("/-/boom", boom))
    scope = {"method": "GET", "path": "/-/boom", "query_string": b"", "headers": []}
    status, headers, _ = asgi_call(app, scope, reraised)
    assert status == 500
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY


# --- the pages in a browser under the policy --------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from test_browser import CHROMEDRIVER, CHROMIUM, start_browser

    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(f"headless browser tests need {CHROMIUM} and {CHROMEDRIVER}")
    driver = start_browser(tmp_path_factory.mktemp("chromium-csp"))
    yield driver
    driver.quit()


def test_the_style_sheet_and_the_pictures_styles_apply_under_the_policy(browser, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server)
    assert browser.find_element(By.CSS_SELECTOR, ".site-header").value_of_css_property("display") == "flex"  # koko.css
    # The inline <style> of the network picture: allowed by its hash, it colours Saxony's sites.
    circle = browser.find_element(By.CSS_SELECTOR, ".koko-network circle.state-sachsen")
    assert circle.value_of_css_property("fill") == "rgb(0, 114, 178)"


def test_the_picture_alone_keeps_its_style_under_the_policy(browser, server: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server + "-/pictures/network.svg")
    circle = browser.find_element(By.CSS_SELECTOR, "circle.state-sachsen")
    assert circle.value_of_css_property("fill") == "rgb(0, 114, 178)"


# --- koko serve --max-body ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_body_server(published):
    with running(published, load_server_config({"port": 0, "max_body": "1000", "workers": 1}, {})) as url:
        yield url


def test_a_body_over_max_body_gets_413(small_body_server: str) -> None:
    query = "ASK { ?s ?p ?o }"
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"}
    small = call(small_body_server, "POST", "/sparql", query.encode(), **headers)
    big = call(small_body_server, "POST", "/sparql", f"# {'x' * 1000}\n{query}".encode(), **headers)
    assert small.status == 200
    assert big.status == 413
    assert b"1000 bytes" in big.body
    assert big.headers["x-content-type-options"] == "nosniff"


def test_max_body_flag_reaches_the_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = {}
    monkeypatch.setattr(cli_publishing, "release_to_publish", lambda *args: "release")
    monkeypatch.setattr(cli_publishing.serving, "serve", lambda release, settings, announce: seen.update(settings=settings))
    result = koko("serve", "--max-body", "1000", "--public-url", "https://kg.example/koko/")
    assert result.exit_code == 0, result.output
    assert (seen["settings"].max_body, seen["settings"].public_url) == (1000, "https://kg.example/koko/")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--max-body", "0"], "--max-body: 0 is out of range"),
        (["--max-body", "lots"], "--max-body: 'lots' is not a whole number"),
        (["--public-url", "https://kg.example/koko"], "must end with '/'"),
        (["--public-url", "ftp://kg.example/"], "is not an absolute http(s) URL"),
        (["--public-url", "https://user:secret@kg.example/"], "credentials"),
    ],
)
def test_bad_serve_limits_are_refused(flags: list[str], message: str) -> None:
    result = koko("serve", *flags)
    assert result.exit_code == 2
    assert message in result.output
