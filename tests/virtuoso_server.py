"""A real Virtuoso 7 for the tests (Debian's ``virtuoso-opensource-7-bin``, installed by ``.ci/run``): its small
ini file and its database in a folder of the test's, its HTTP and ISQL ports free ports of 127.0.0.1, stopped by
its process group whatever happens. Where ``/usr/bin/virtuoso-t`` is missing, the tests that need it are skipped.

A fresh database answers ``/sparql`` about 2 s after the start (7.2.5 on this project's 2-core machines), so
a test module starts one and shares it. The database user ``dba`` with password ``dba`` comes with every new
database; Virtuoso asks for it by HTTP Digest on its ``-auth`` endpoints."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import call
from tools import free_port

VIRTUOSO = Path("/usr/bin/virtuoso-t")
USER = PASSWORD = "dba"

# Only what differs from Virtuoso's built-in defaults, and what a test needs: every file in the test's folder,
# both listeners on 127.0.0.1 only, a small buffer pool (80 MB; the release is 18k quads), no file access from
# SQL beyond the folder (no bulk loader is used: `koko publish` loads over HTTP).
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {folder}/www
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its root URL (ending in '/') and how long it took to answer after the start."""

    root: str
    started_in: float

    @property
    def sparql(self) -> str:
        return self.root + "sparql"

    @property
    def update(self) -> str:
        return self.root + "sparql-auth"

    @property
    def graph_store(self) -> str:
        return self.root + "sparql-graph-crud-auth"

    @property
    def env(self) -> dict[str, str]:
        """The environment that gives koko the database user's credentials, as Virtuoso asks for them."""
        return {"KOKO_STORE_USER": USER, "KOKO_STORE_PASSWORD": PASSWORD, "KOKO_STORE_AUTH": "digest"}


def require_virtuoso() -> None:
    if not VIRTUOSO.is_file():
        pytest.skip(f"{VIRTUOSO} is missing: apt-get install virtuoso-opensource-7-bin (.ci/run does)")


@contextlib.contextmanager
def virtuoso(folder: Path, seconds: float = 60) -> Iterator[Virtuoso]:
    """``virtuoso-t +foreground`` on a new database in ``folder``; stopped (its process group) at the block's end."""
    require_virtuoso()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, isql=free_port(), http=port), encoding="utf-8")
    root = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    with (folder / "output.log").open("wb") as log:
        # Its own session, so that the whole group is stopped by the PID whatever it starts; its output goes to a
        # file, since a pipe that nobody reads would stop the server once full.
        process = subprocess.Popen(
            [str(VIRTUOSO), "+foreground", "+configfile", str(ini)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=folder,
            start_new_session=True,
        )
    try:
        _wait_for(root + "sparql?query=ASK%7B%7D", process, folder, seconds)
        yield Virtuoso(root, time.monotonic() - started)
    finally:
        _stop(process)


def _wait_for(url: str, process: subprocess.Popen, folder: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            said = (folder / "output.log").read_text(encoding="utf-8", errors="replace")[-2000:]
            raise AssertionError(f"virtuoso-t exited with {process.returncode} before it answered:\n{said}")
        try:
            if call(url, timeout=2).status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer from {url} within {seconds} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group (Virtuoso then writes a checkpoint and exits), SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
