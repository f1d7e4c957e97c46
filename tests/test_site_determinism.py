"""The static site is the same bytes from run to run: two `koko site` processes with different hash seeds
write identical files (page lists whose entries share a label were once ordered by set iteration)."""

from __future__ import annotations

from pathlib import Path

from helpers import koko_process


def _site(release: Path, out: Path, seed: str) -> dict[str, bytes]:
    koko_process("site", str(out), "--data", str(release), env={"PYTHONHASHSEED": seed}, check=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_runs_write_the_same_site(tmp_path: Path) -> None:
    release = tmp_path / "release"
    koko_process("build", "--out", str(release), check=True)
    first = _site(release, tmp_path / "one", "1")
    second = _site(release, tmp_path / "two", "2")
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"{len(differing)} files differ between runs, e.g. {differing[:5]}"
