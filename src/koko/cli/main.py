"""The ``koko`` group: every command is imported when it is called, not when ``koko`` starts.

A command's module brings its library (rdflib, pyshacl, Starlette …); loading all of them took half a
second before any command ran. ``koko query`` now loads pyoxigraph and its own module only
(click's documented pattern for lazily loaded subcommands).
"""

from __future__ import annotations

import importlib

import click

from koko import __version__

#: Command name → module that defines it (as a function of the same name, unless given after a colon).
COMMANDS = {
    "build": "koko.cli.commands",
    "coverage": "koko.cli.commands",
    "export": "koko.cli.commands",
    "infer": "koko.cli.commands",
    "publish": "koko.cli.publishing",
    "query": "koko.cli.query",
    "serve": "koko.cli.publishing",
    "site": "koko.cli.publishing",
    "stats": "koko.cli.commands",
    "validate": "koko.cli.commands",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), cmd_name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="koko")
def main() -> None:
    """koko-kg: the KoKo brochure (TransMit, 2020) as a linked-data knowledge graph."""


def commands() -> dict[str, click.Command]:
    """Every command by name, loaded (for the reference documentation and its test)."""
    context = click.Context(main)
    found = {name: main.get_command(context, name) for name in main.list_commands(context)}
    return {name: command for name, command in found.items() if command is not None}
