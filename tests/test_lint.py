"""Strict, boring tooling: ruff (rules in pyproject.toml) must pass on src/ and tests/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools import venv_program

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args):
    done = subprocess.run([venv_program("ruff"), *args, "src", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
