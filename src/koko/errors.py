"""The one error type the pipeline raises for bad input.

Every message names the file and, where it makes sense, the line, so that a curator can
go straight to the problem. The CLI turns it into exit code 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KokoError(Exception):
    """Bad input or configuration: reported as ``file:line: message``."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
