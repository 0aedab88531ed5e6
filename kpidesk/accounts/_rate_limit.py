"""The log-in rate limit: after too many failures for one name, or from one client address, within a
window, further attempts are refused without checking the password until the window has passed.

Each attempt is written down before its password is checked, in the same transaction that counts the
earlier ones, so worker processes logging in at once cannot slip past the limit together; a success
takes its own attempt and the name's failures off the list."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kpidesk.accounts._database import writing
from kpidesk.accounts._errors import TooManyAttempts

__all__ = ["RateLimit"]

#: Names and client addresses are recorded up to this length: a long made-up one cannot bloat the file.
_KEY_LENGTH = 256


@dataclass(frozen=True)
class RateLimit:
    per_name: int = 5
    per_client: int = 20
    window_s: float = 15 * 60

    def begin_attempt(self, con: sqlite3.Connection, name: str, client: str, now: float) -> int:
        """Record an attempt and return its id, or raise `TooManyAttempts` when the name or the client
        has had its share of failures within the window."""
        name, client = name[:_KEY_LENGTH], client[:_KEY_LENGTH]
        since = now - self.window_s
        with writing(con):
            con.execute("DELETE FROM login_attempts WHERE at <= ?", (since,))
            waits = [
                self._wait(con, column, value, limit, now)
                for column, value, limit in (
                    ("name", name, self.per_name),
                    ("client", client, self.per_client),
                )
            ]
            longest = max(waits)
            if longest > 0:
                raise TooManyAttempts(longest)
            cursor = con.execute(
                "INSERT INTO login_attempts (name, client, at) VALUES (?, ?, ?)", (name, client, now)
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def succeeded(self, con: sqlite3.Connection, name: str) -> None:
        """A success clears the name's failures (a client's stay: they may be guessing other names)."""
        with writing(con):
            con.execute("DELETE FROM login_attempts WHERE name = ?", (name[:_KEY_LENGTH],))

    def _wait(self, con: sqlite3.Connection, column: str, value: str, limit: int, now: float) -> float:
        """Seconds until fewer than `limit` of the failures with this name or client lie in the window."""
        times = [
            at
            for (at,) in con.execute(
                f"SELECT at FROM login_attempts WHERE {column} = ? AND at > ? ORDER BY at DESC",
                (value, now - self.window_s),
            )
        ]
        if len(times) < limit:
            return 0.0
        return times[limit - 1] + self.window_s - now
