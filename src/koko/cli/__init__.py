"""The ``koko`` command line: thin click commands over the stages (:mod:`.commands`, :mod:`.query`,
:mod:`.publishing`, shared options in :mod:`.common`), loaded by :mod:`.main` when called, and the
generator of its reference (:mod:`.docgen`)."""

from koko.cli.main import main

__all__ = ["main"]
