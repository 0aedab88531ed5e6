"""Server-side sessions: a random token in the browser's cookie, its SHA-256 in the database.

A session ends at log-out, on a password change or the user's removal, after `max_age_s` since log-in,
or after `idle_s` without a request; an ended session is deleted, so its token never works again. Its
CSRF token is an HMAC of the session's id with the workspace's secret: bound to that one session."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from dataclasses import dataclass

from kpidesk.accounts._database import writing
from kpidesk.accounts._secrets import MAX_SECRET_LENGTH, digest, new_secret
from kpidesk.accounts._users import User, user_columns, user_from_row

__all__ = ["SessionPolicy", "check_csrf", "csrf_token"]

#: A session seen within this share of `idle_s` is not written again at its next request.
_TOUCH_SHARE = 0.01
_USER_OF_SESSION = (
    f"SELECT {user_columns('u')} FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id = ?"
)


@dataclass(frozen=True)
class SessionPolicy:
    #: The longest a session lasts after log-in, however busy.
    max_age_s: float = 12 * 3600
    #: The longest a session lasts without a request.
    idle_s: float = 2 * 3600

    def start(self, con: sqlite3.Connection, user: User, client: str, now: float) -> str:
        token = new_secret()
        with writing(con):
            con.execute(
                "INSERT INTO sessions (id, user_name, client, started_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                (digest(token), user.name, client, now, now),
            )
        return token

    def user(self, con: sqlite3.Connection, token: str, now: float) -> User | None:
        """The session's user, its last request moved to `now` (unless it was moments ago); None for an
        unknown or ended session.

        Unknown tokens are answered from a read alone, so a flood of forged ones takes no write lock."""
        if not _plausible(token):
            return None
        session_id = digest(token)
        found = con.execute(
            "SELECT started_at, last_seen FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if found is None:
            return None
        started_at, last_seen = found
        if now - started_at < self.max_age_s and 0 <= now - last_seen < self.idle_s * _TOUCH_SHARE:
            # Seen moments ago: alive without a write, so that a busy page does not queue on the lock
            # (the idle deadline may come that share of `idle_s` early).
            row = con.execute(_USER_OF_SESSION, (session_id,)).fetchone()
            if row is not None:
                return user_from_row(row)
        with writing(con):
            # Alive (neither too old nor idle too long) and not ended meanwhile: one statement decides.
            alive = con.execute(
                "UPDATE sessions SET last_seen = max(last_seen, ?) "
                "WHERE id = ? AND ? - started_at < ? AND ? - last_seen < ?",
                (now, session_id, now, self.max_age_s, now, self.idle_s),
            ).rowcount
            if not alive:
                con.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                return None
            row = con.execute(_USER_OF_SESSION, (session_id,)).fetchone()
        return None if row is None else user_from_row(row)

    def end(self, con: sqlite3.Connection, token: str) -> None:
        if _plausible(token):
            with writing(con):
                con.execute("DELETE FROM sessions WHERE id = ?", (digest(token),))

    def end_all(self, con: sqlite3.Connection, name: str) -> int:
        with writing(con):
            return con.execute("DELETE FROM sessions WHERE user_name = ?", (name,)).rowcount


def csrf_token(secret: bytes, session_token: str) -> str:
    """The form token of a session: an HMAC of its id, so it is worthless with another session."""
    return hmac.new(secret, b"csrf:" + digest(session_token).encode(), hashlib.sha256).hexdigest()


def check_csrf(secret: bytes, session_token: str, csrf: str) -> bool:
    if not _plausible(session_token) or not isinstance(csrf, str) or len(csrf) > MAX_SECRET_LENGTH:
        return False
    expected = csrf_token(secret, session_token).encode()
    return hmac.compare_digest(expected, csrf.encode("utf-8", "surrogatepass"))


def _plausible(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= MAX_SECRET_LENGTH
