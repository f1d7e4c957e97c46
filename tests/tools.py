"""Programs the tests run that come with the project's own dependencies (``pip install -e '.[test]'``).

They are found in the virtual environment's scripts folder, beside ``sys.executable``, never through
``PATH``: ``make test`` runs ``.venv/bin/python`` without activating the venv, and a ``PATH`` that happens
to hold another copy (installed by hand on one machine) would hide a missing dependency that a fresh
machine then lacks. tests/test_tools.py and ``.ci/run`` check that no such program resolves elsewhere.
"""

from __future__ import annotations

import socket
import sysconfig
from pathlib import Path

#: The programs our dependencies install that the tests run.
PROGRAMS = ("oxigraph", "ruff")


def venv_program(name: str) -> str:
    """The path of ``name`` in this interpreter's scripts folder; a clear error when it is not there."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        raise RuntimeError(f"{name} is not in {path.parent}: it is a test dependency, pip install -e '.[test]'")
    return str(path)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (a server the test starts binds it next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
