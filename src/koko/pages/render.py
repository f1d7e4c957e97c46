"""HTML from Jinja2 templates, shared by the server and the static site.

Pages are German first; ``lang="en"`` gives the English page. Templates get the URL builder
(``urls``), the language and a few filters: ``link`` (where an IRI points), ``label`` is up
to the page modules, which pass what they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from koko.pages.urls import Urls

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LANGUAGES = ("de", "en")


class Named(str):
    """German that the address named (``?lang=de``): the links on the page name it too. A plain link
    is answered in the browser's language, so without this a reader who switched to German from a
    browser that asks for English would be back on English pages after one click. Every comparison
    and lookup treats it as the plain ``"de"``; only :func:`language_query` tells it apart."""


def language(value: str | None, accept_language: str | None = None) -> str:
    """The page language: the ``lang`` parameter if it names one of ours, else the first of ours in the
    ``Accept-Language`` header by its q-values (RFC 9110 §12.5.4), else German.

    >>> language("en"), language(None, "en-GB,en;q=0.9,de;q=0.8"), language("de", "en")
    ('en', 'en', 'de')
    >>> language(None, "fr, en;q=0.5, de;q=0.7"), language(None, "en;q=0"), language(None, "*")
    ('de', 'de', 'de')
    """
    if value == "de":
        return Named(value)
    if value in LANGUAGES:
        return value
    return _negotiated(accept_language or "") or LANGUAGES[0]


def language_query(lang: str) -> str:
    """What a link on a page in ``lang`` adds to keep it: ``?lang=en`` on English pages, ``?lang=de`` on
    German ones whose address named it, nothing otherwise (the default stays the plain address).

    >>> language_query("en"), language_query("de"), language_query(language("de"))
    ('?lang=en', '', '?lang=de')
    """
    return f"?lang={lang}" if lang == "en" or isinstance(lang, Named) else ""


def _negotiated(header: str) -> str | None:
    """Ours among the header's ranges, highest q first; ties keep the header's order. A wildcard
    takes the default, so it needs no entry."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        primary = tag.lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, number = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


@dataclass(frozen=True)
class Renderer:
    urls: Urls
    environment: Environment

    def page(self, template: str, lang: str, **context: object) -> str:
        return self.environment.get_template(template).render(urls=self.urls, lang=lang, **context)


def make_renderer(urls: Urls) -> Renderer:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["link"] = urls.link
    environment.filters["language_query"] = language_query
    return Renderer(urls, environment)
