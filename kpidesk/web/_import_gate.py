"""Pages never read half an import: every request waits while an import is being written, then answers
with the new data.

DuckDB lets one process write the warehouse, and while it does no other process can open it. Within
the server, an import (or undo) from the Import page takes the gate's write side: it waits for the
requests being answered to finish, and requests arriving meanwhile wait for it. An import by another
process (`kpidesk import` in a terminal) holds the workspace's import lock from its first row read to its
facts derived; requests wait for it to be released. Both waits are bounded: past `wait_s` the request is
answered "the data is being updated, try again in a moment" (503 with Retry-After), never with a lock
error. Waiting for the other process's whole import, not only its write, also keeps a busy server from
holding the warehouse open so often that the import never gets to write.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from kpidesk import KpideskError
from kpidesk.workspace import running_import

__all__ = ["IMPORT_WAIT_S", "READ_WAIT_S", "RETRY_AFTER_S", "DataUpdating", "ImportGate"]

#: How long a request waits for an import before it is told to try again.
READ_WAIT_S = 60.0
#: How long an import waits for the requests being answered: they finish on their own, and meanwhile
#: no new one starts.
IMPORT_WAIT_S = 300.0
#: The Retry-After of that answer, in seconds.
RETRY_AFTER_S = 5
_POLL_S = 0.1


class DataUpdating(KpideskError):
    """An import kept the warehouse longer than a request waits; the answer is a 503 to try again."""


class ImportGate:
    """Many readers or one importer at a time within this process (importers first: a waiting import
    stops new readers), and readers also wait while another process imports into `workspace`."""

    def __init__(
        self, workspace: Path, wait_s: float = READ_WAIT_S, import_wait_s: float = IMPORT_WAIT_S
    ) -> None:
        self.workspace = workspace
        self.wait_s = wait_s
        self.import_wait_s = import_wait_s
        self._changed = threading.Condition()
        self._readers = 0
        self._importing = False
        self._importers_waiting = 0

    def enter_reading(self) -> None:
        """Wait (bounded) until no import is being written, then count this request as a reader."""
        deadline = time.monotonic() + self.wait_s
        with self._changed:
            while self._importing or self._importers_waiting:
                if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                    raise DataUpdating("an import is being written")
            self._readers += 1
        try:
            self._wait_for_other_process(deadline)
        except DataUpdating:
            self.leave_reading()
            raise

    def leave_reading(self) -> None:
        with self._changed:
            self._readers -= 1
            self._changed.notify_all()

    def enter_importing(self) -> None:
        """Take the write side for an import or undo: the requests being answered finish first
        (bounded), and none start until `leave_importing`."""
        deadline = time.monotonic() + self.import_wait_s
        with self._changed:
            self._importers_waiting += 1
            try:
                while self._importing or self._readers:
                    if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                        raise DataUpdating("the pages being answered kept the warehouse")
            finally:
                self._importers_waiting -= 1
            self._importing = True

    def leave_importing(self) -> None:
        with self._changed:
            self._importing = False
            self._changed.notify_all()

    def _wait_for_other_process(self, deadline: float) -> None:
        while True:
            running = running_import(self.workspace)
            if running is None or running.pid == os.getpid():
                return
            if time.monotonic() >= deadline:
                raise DataUpdating(f"{running.describe()} is still running")
            time.sleep(_POLL_S)
