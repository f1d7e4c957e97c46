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


def language(value: str | None) -> str:
    """The page language from a ``lang`` parameter: German unless English is asked for."""
    return "en" if value == "en" else "de"


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
    return Renderer(urls, environment)
