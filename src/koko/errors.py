"""The one error type the pipeline raises for bad input.

Every message names the file and, where it makes sense, the line, so that a curator can
go straight to the problem. The CLI turns it into exit code 2 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KokoError(Exception):
    """Bad input or configuration: reported as ``file:line: message``, or ``file:line:column: message``
    where the reader knows the column (a YAML syntax error, a duplicate key, a byte that is not UTF-8).

    >>> print(KokoError("found duplicate key 'from'", "goerlitz.yaml", 47, 5))
    goerlitz.yaml:47:5: found duplicate key 'from'
    """

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column if line is not None else None

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        return f"{where}: {self.message}" if where else self.message


def decode_strictly(data: bytes, path: Path | str, what: str) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark dropped), or an error naming the line of the bad byte.

    ``what`` names what the file should have been ("the brochure text", "a curated YAML file").

    >>> decode_strictly(b"site: goerlitz\\nde: Gr\\xfc\\xdfe\\n", "goerlitz.yaml", "a curated YAML file")
    Traceback (most recent call last):
    koko.errors.KokoError: goerlitz.yaml:2: not valid UTF-8 (byte 0xFC at column 7); a curated YAML file must be UTF-8 encoded
    >>> decode_strictly(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "goerlitz.yaml", "a curated YAML file")
    Traceback (most recent call last):
    koko.errors.KokoError: goerlitz.yaml:3: contains NUL bytes: this is a binary file, not a curated YAML file
    """
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise KokoError(f"contains NUL bytes: this is a binary file, not {what}", path, line)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise KokoError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02X} at column {column}); {what} must be UTF-8 encoded", path, line
        ) from exc
