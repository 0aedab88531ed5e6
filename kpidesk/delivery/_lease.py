"""Who holds a claim: a process named `pid@host` and its start time, so that a claim outlives neither its
process nor a later process that happens to get the same pid. A claim made on another machine cannot be
checked and counts as held for an hour after it was made."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FOREIGN_LEASE_S", "Claimant", "current_claimant"]

#: How long a claim made by a process on another machine is respected.
FOREIGN_LEASE_S = 3600.0


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None where /proc is not there."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


@dataclass(frozen=True)
class Claimant:
    """A process that claims deliveries."""

    name: str
    started: str | None

    @staticmethod
    def alive(name: str | None, started: str | None, claimed_at: float | None) -> bool:
        """Whether the process that made a claim may still be sending it."""
        if not name:
            return False
        pid_text, _, host = name.partition("@")
        if host != socket.gethostname():
            return claimed_at is not None and time.time() - claimed_at < FOREIGN_LEASE_S
        pid = int(pid_text)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        now_started = _start_time(pid)
        return started is None or now_started is None or now_started == started


def current_claimant() -> Claimant:
    pid = os.getpid()
    return Claimant(f"{pid}@{socket.gethostname()}", _start_time(pid))
