"""koko as an installed package: the wheel, installed into a fresh virtual environment, runs from an
empty folder and writes the same release as the editable checkout.

The wheel is built from the tracked files only (a copy of ``git ls-files``), so a resource that is
not declared as package data, or a file found through the checkout instead of ``importlib.resources``,
fails here. The fresh venv gets koko from the wheel and nothing else of the checkout; its third-party
dependencies come from the test venv through a ``.pth`` line (which adds that folder to ``sys.path``
without running the test venv's own ``.pth`` files, so the editable koko stays invisible), because no
test may download packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from helpers import fetch, server_process
from koko.config import RESOURCE_FOLDERS
from tools import free_port

ROOT = Path(__file__).resolve().parents[1]


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def bare_env(home: Path) -> dict[str, str]:
    """What a new user's shell has: no PYTHONPATH, no venv on PATH, no KOKO_* settings."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("checkout")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheelhouse")
    # --no-isolation: the build backend comes from the test venv ([test] extra), not from the network.
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)], source, dict(os.environ))
    (built,) = out.glob("koko_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its scripts folder."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True).strip()
    )
    (purelib / "koko-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet"]
    run([*pip, str(wheel)], venv, dict(os.environ))
    return venv / "bin"


@pytest.fixture(scope="module")
def editable_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("editable") / "release"
    run([sys.executable, "-m", "koko", "build", "--out", str(out)], ROOT, dict(os.environ))
    return out


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def wheel_release(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``koko build`` of the installed wheel, run in an empty folder: (the release, what it printed)."""
    folder = tmp_path_factory.mktemp("empty")
    done = run([str(installed / "koko"), "build", "--out", "release"], folder, bare_env(folder))
    return folder / "release", done.stdout


def test_the_wheel_carries_every_resource_of_the_checkout(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", *RESOURCE_FOLDERS], cwd=ROOT, capture_output=True, text=True, check=True)
    expected = {f"koko/resources/{name}" for name in tracked.stdout.split()}
    assert expected <= names, sorted(expected - names)
    assert "koko/pages/templates/resource.html" in names
    assert "koko/pages/static/koko.css" in names


def test_koko_runs_from_the_wheel_not_from_the_checkout(installed: Path, empty: Path) -> None:
    code = "import koko, koko.config; print(koko.__file__); print(koko.config.resource_root())"
    done = run([str(installed / "python"), "-c", code], empty, bare_env(empty))
    module, resources = done.stdout.split()
    assert Path(module).is_relative_to(installed.parent), module
    assert Path(resources).is_relative_to(installed.parent), resources
    assert Path(resources).name == "resources", resources


def test_build_from_an_empty_folder_writes_the_editable_release_byte_for_byte(
    wheel_release: tuple[Path, str], editable_release: Path
) -> None:
    built, printed = wheel_release
    assert "sites: 27 (Sachsen 7, Sachsen-Anhalt 9, Thüringen 11)" in printed
    assert sorted(p.name for p in built.iterdir()) == sorted(p.name for p in editable_release.iterdir())
    for path in editable_release.iterdir():
        assert (built / path.name).read_bytes() == path.read_bytes(), path.name


def test_validate_and_canned_queries_from_the_wheel(installed: Path, empty: Path) -> None:
    env = bare_env(empty)
    assert "conforms" in run([str(installed / "koko"), "validate"], empty, env).stdout
    listed = run([str(installed / "koko"), "query", "--list"], empty, env).stdout
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert path.stem in listed
    rows = run(
        [str(installed / "koko"), "query", "sites-by-state", "--param", "state=Thüringen", "--format", "csv"], empty, env
    ).stdout.splitlines()
    assert len(rows) == 1 + 11  # header and Thüringen's eleven sites
    assert any("Erfurt" in row for row in rows)
    assert run([str(installed / "python"), "-m", "koko", "--version"], empty, env).stdout.startswith("koko, version")


def test_site_and_serve_from_the_wheel(installed: Path, empty: Path, wheel_release: tuple[Path, str]) -> None:
    env = bare_env(empty)
    release = str(wheel_release[0])
    done = run([str(installed / "koko"), "site", "site", "--data", release], empty, env)
    assert (empty / "site" / "index.html").is_file(), done.stdout
    assert "Erfurt" in (empty / "site" / "id" / "site" / "erfurt.html").read_text(encoding="utf-8")
    port = free_port()
    command = [str(installed / "koko"), "serve", "--data", release, "--port", str(port), "--workers", "1"]
    with server_process(command, f"http://127.0.0.1:{port}/", cwd=empty, env=env):
        page = fetch(f"http://127.0.0.1:{port}", "/id/site/erfurt")
    assert page.status == 200
    assert "Erfurt" in page.text
