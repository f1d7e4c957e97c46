"""A server's process tree and its memory, as the benchmarks read them from /proc (Linux): koko's serving
processes start sessions of their own, so a process group would miss them."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def kib(pid: int, name: str, field: str) -> int:
    """A ``field:`` in KiB of ``/proc/PID/NAME`` (status: VmRSS, VmHWM; smaps_rollup: Pss); 0 if absent."""
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0
