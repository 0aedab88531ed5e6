"""Who holds the workspace: one import at a time, and readers that wait a bounded time for a writer.

DuckDB lets one process open the warehouse for writing, and while it does, no other process can open
it at all. Imports therefore take `kpidesk.import.lock` (an OS file lock, released by the kernel when
the process ends, so a crashed import never blocks the next one) and write in it who they are; anyone
who finds the warehouse busy waits for it, saying for whom, instead of failing at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from kpidesk import KpideskError

__all__ = [
    "IMPORT_LOCK_FILE",
    "WAREHOUSE_WAIT_S",
    "ImportRunning",
    "RunningImport",
    "WarehouseBusy",
    "import_lock",
    "retry_while_locked",
    "running_import",
]

T = TypeVar("T")

IMPORT_LOCK_FILE = "kpidesk.import.lock"
#: How long a command waits for the warehouse another process is writing before giving up.
WAREHOUSE_WAIT_S = 300.0
_POLL_S = 0.2


class ImportRunning(KpideskError, RuntimeError):
    """Another import is running and the caller chose not to wait; the message says which and since when."""


class WarehouseBusy(KpideskError, TimeoutError):
    """Another process kept the warehouse longer than a command waits for it; the message names it."""


@dataclass(frozen=True)
class RunningImport:
    """The import holding the workspace: its process, when it started and what it imports."""

    pid: int
    started_at: datetime
    what: str

    def describe(self) -> str:
        return f"{self.what} started {self.started_at:%Y-%m-%d %H:%M:%S} (pid {self.pid})"


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def running_import(workspace: Path) -> RunningImport | None:
    """The import running in `workspace`, or None when none is."""
    path = workspace / IMPORT_LOCK_FILE
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            now = datetime.now().astimezone()
            return _read(path) or RunningImport(pid=0, started_at=now, what="an import")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read(path: Path) -> RunningImport | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunningImport(int(data["pid"]), datetime.fromisoformat(data["started_at"]), str(data["what"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # written at this very moment, or by hand


@contextlib.contextmanager
def import_lock(
    workspace: Path, what: str, *, wait: bool = True, notify: Callable[[str], None] = _notify
) -> Iterator[None]:
    """Hold the workspace's import lock while the block runs: wait for a running import (saying so),
    or with `wait=False` raise ImportRunning naming it. `what` names this one for others to read, e.g.
    "the import of tickets from a.csv"."""
    path = workspace / IMPORT_LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            running = _read(path)
            holder = running.describe() if running else "another import"
            if not wait:
                raise ImportRunning(
                    f"{holder} is still running; run this import when it has finished, "
                    "or without --no-wait to wait for it"
                ) from None
            notify(f"waiting for {holder} to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        me = {"pid": os.getpid(), "started_at": datetime.now().astimezone().isoformat(), "what": what}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def retry_while_locked(
    action: Callable[[], T],
    workspace: Path,
    *,
    wait_s: float = WAREHOUSE_WAIT_S,
    notify: Callable[[str], None] = _notify,
) -> T:
    """Run `action` (which opens the warehouse) again while another process holds the warehouse, up to
    `wait_s` seconds, saying once who holds it; then WarehouseBusy naming the holder."""
    deadline = time.monotonic() + wait_s
    said = False
    while True:
        try:
            return action()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            holder = _holder(workspace, str(exc))
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse is still in use by {holder} after {wait_s:.0f} s; try again when it has "
                    "finished"
                ) from None
            if not said:
                notify(f"the warehouse is in use by {holder}; waiting for it (up to {wait_s:.0f} s)…")
                said = True
            time.sleep(_POLL_S)


def _holder(workspace: Path, message: str) -> str:
    running = running_import(workspace)
    if running is not None and running.pid != os.getpid():
        return running.describe()
    pid = re.search(r"PID (\d+)", message)
    return f"another kpidesk process (pid {pid.group(1)})" if pid else "another process"
