"""The ``koko`` command line: thin click commands over the stages (:mod:`.commands`,
:mod:`.publishing`, shared options in :mod:`.common`), and the generator of its reference
(:mod:`.docgen`)."""

from koko.cli.commands import main

__all__ = ["main"]
