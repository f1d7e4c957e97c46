"""What every `koko` command shares: the common options, and how errors end a command.

One option vocabulary for all commands (``--source``, ``--out``, ``--base``, ``--data``), declared
once here; :mod:`koko.cli.commands`, :mod:`koko.cli.query` and :mod:`koko.cli.publishing` build their
commands from it. Light on imports: every command loads this module, ``koko query`` little else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from koko.config import DEFAULT_PROFILE, PROFILES
from koko.errors import KokoError

if TYPE_CHECKING:
    from koko.release.build import NotConforming

SOURCE = click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="Brochure text file [default: data/source/koko-brochure-2020.txt].",
)
OUT = click.option("--out", type=click.Path(path_type=Path), default=None, help="Output file; '-' or absent for stdout.")
BASE = click.option(
    "--base", default=None, metavar="IRI", help="Base IRI of the data [default: https://w3id.org/koko-kg/id/, or $KOKO_BASE]."
)


def fail(exc: KokoError) -> None:
    click.echo(f"koko: error: {exc}", err=True)
    sys.exit(2)


def refuse(exc: NotConforming) -> None:
    """The data breaks the shapes: print the report and exit 1, having written nothing."""
    from koko.checks import report as reports  # pyshacl's report writer, needed on this path only

    click.echo(reports.render_text(exc.report), err=True, nl=False)
    click.echo(f"koko: error: {exc}", err=True)
    sys.exit(1)


def write(data: bytes, out: Path | None) -> None:
    """Write to a file atomically, or to stdout when no file (or '-') is given."""
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KokoError(f"cannot write: {exc.strerror}", out) from exc


DATA = click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Publish a release folder written by koko build instead of building from the source.",
)
PROFILE = click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default=DEFAULT_PROFILE,
    show_default=True,
    help="What to publish: full (everything), or minimal (posts without the names of the people who held them; "
    "see docs/data-protection.md).",
)
