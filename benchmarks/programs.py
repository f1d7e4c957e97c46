"""Programs the benchmarks run that come as Python packages (oxigraph, rdflib-endpoint): taken from the
scripts folder of the interpreter that runs the benchmark, never from whatever PATH holds."""

from __future__ import annotations

import sysconfig
from pathlib import Path


def program(name: str) -> str | None:
    """The path of ``name`` beside this interpreter, or None when it is not installed there."""
    path = Path(sysconfig.get_path("scripts")) / name
    return str(path) if path.is_file() else None


def require(name: str) -> str:
    found = program(name)
    if found is None:
        raise SystemExit(f"{name} is not installed beside {sysconfig.get_path('scripts')}: pip install {name}")
    return found
