"""The ``koko`` command line: thin click commands over the stages (:mod:`.commands`, :mod:`.query`,
:mod:`.publishing`, shared options in :mod:`.common`), loaded by :mod:`.main` when called, and the
generator of its reference (:mod:`.docgen`)."""

from __future__ import annotations

import os
import sys

from koko.cli.main import main

__all__ = ["main", "run"]


def run() -> None:
    """The ``koko`` program: :func:`main`, then the process ends without tearing its heap down.

    A build leaves a few hundred thousand rdflib objects behind; freeing them one by one at exit took
    0.12–0.15 s of every ``koko build`` (docs/performance.md). Everything a command writes is written
    and closed by then; the output streams are flushed here. Tests call :func:`main`, which returns.
    """
    try:
        main(standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if isinstance(code, str):  # as the interpreter would: the message on stderr, status 1
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))
