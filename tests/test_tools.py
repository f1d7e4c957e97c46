"""The programs of our own dependencies are the venv's: a test that found them elsewhere would pass here
and fail on a fresh machine (the way `make test` once failed for want of `oxigraph` on PATH)."""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

import pytest

from tools import PROGRAMS, venv_program


@pytest.mark.parametrize("name", PROGRAMS)
def test_each_program_is_in_the_venv(name: str) -> None:
    assert Path(venv_program(name)).parent == Path(sysconfig.get_path("scripts"))


@pytest.mark.parametrize("name", PROGRAMS)
def test_no_program_of_ours_resolves_outside_the_venv_through_path(name: str) -> None:
    """What PATH finds for the name is the venv's copy or nothing: a copy installed by hand elsewhere would
    let a test that still looked the program up through PATH pass on this machine only."""
    found = shutil.which(name, path=os.environ.get("PATH", ""))
    assert found is None or Path(found).resolve() == Path(venv_program(name)).resolve(), (
        f"{name} on PATH is {found}, outside the venv: a fresh machine would not have it"
    )


def test_an_absent_program_is_named_with_the_install_step(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"no-such-program is not in .*pip install -e '\.\[test\]'"):
        venv_program("no-such-program")
