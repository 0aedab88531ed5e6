"""`AccountStore`: the users of a workspace with their passwords, sessions and API tokens, over the
workspace's accounts file. Each call opens its own connection, so one store serves many threads."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from kpidesk.accounts import _sessions
from kpidesk.accounts._database import ACCOUNTS_FILE, connect, writing
from kpidesk.accounts._errors import AccountError
from kpidesk.accounts._passwords import MAX_PASSWORD_LENGTH, Passwords, check_policy
from kpidesk.accounts._rate_limit import RateLimit
from kpidesk.accounts._sessions import SessionPolicy
from kpidesk.accounts._tokens import ApiToken, create_token, list_tokens, revoke_token, token_user
from kpidesk.accounts._users import User, check_user, user_columns, user_from_row

__all__ = ["AccountStore"]

_USER_COLUMNS = user_columns()


class AccountStore:
    """The accounts of one workspace, in `path` (created on first use).

    `now` is the clock (seconds since the epoch), given by tests to move time without sleeping."""

    def __init__(
        self,
        path: str | Path,
        *,
        sessions: SessionPolicy | None = None,
        rate_limit: RateLimit | None = None,
        hasher: PasswordHasher | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.sessions = sessions or SessionPolicy()
        self.rate_limit = rate_limit or RateLimit()
        self.passwords = Passwords(hasher)
        self.now = now
        self._csrf_secret: bytes | None = None

    @classmethod
    def of_workspace(cls, directory: str | Path, **options: Any) -> AccountStore:
        """The store in a workspace folder (its `accounts.sqlite`)."""
        return cls(Path(directory) / ACCOUNTS_FILE, **options)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with connect(self.path) as con:
            yield con

    # --- users ------------------------------------------------------------------------------------------

    def add_user(
        self, name: str, password: str, role: str, teams: Sequence[str] = (), agent_id: str | None = None
    ) -> User:
        """Add a user; refused when the name is taken, the role's teams or agent id are missing, or the
        password breaks the policy."""
        if isinstance(teams, str):
            teams = (teams,)
        unique = check_user(name, role, teams, agent_id)
        check_policy(name, password)
        hashed = self.passwords.hash(password)
        with self._connection() as con, writing(con):
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(
                    f"user {name} already exists; `kpidesk users passwd {name}` changes the password"
                )
            con.execute(
                "INSERT INTO users (name, role, teams, agent_id, created_at, password_hash) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, role, json.dumps(unique), agent_id, self.now(), hashed),
            )
            row = con.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
        return user_from_row(row)

    def set_password(self, name: str, password: str) -> None:
        """Change a password; every session of the user ends (API tokens stay, until revoked)."""
        check_policy(name, password)
        hashed = self.passwords.hash(password)
        with self._connection() as con, writing(con):
            if not con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hashed, name)).rowcount:
                raise AccountError(f"unknown user {name}")
            con.execute("DELETE FROM sessions WHERE user_name = ?", (name,))

    def remove_user(self, name: str) -> None:
        """Remove a user with their sessions and API tokens."""
        with self._connection() as con, writing(con):
            con.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
            con.execute("DELETE FROM api_tokens WHERE user_name = ?", (name,))
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"unknown user {name}")

    def set_language(self, name: str, language: str) -> None:
        """Remember the language `name` chose, for their next log-in on any device."""
        from kpidesk.i18n import LANGUAGES

        if language not in LANGUAGES:
            raise AccountError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
        with self._connection() as con, writing(con):
            con.execute("UPDATE users SET language = ? WHERE name = ?", (language, name))

    def users(self) -> list[User]:
        """Every user, by name."""
        with self._connection() as con:
            rows = con.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name").fetchall()
        return [user_from_row(row) for row in rows]

    def user(self, name: str) -> User | None:
        with self._connection() as con:
            row = con.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else user_from_row(row)

    # --- log-in -----------------------------------------------------------------------------------------

    def verify_password(self, name: str, password: str, client: str) -> User | None:
        """The user when `password` is theirs, else None (an unknown name and a wrong password alike).

        Raises `TooManyAttempts`, without checking the password, after too many failures for the name or
        from the client address within the rate limit's window."""
        with self._connection() as con:
            self.rate_limit.begin_attempt(con, name, client, self.now())
            row = con.execute(
                f"SELECT password_hash, {_USER_COLUMNS} FROM users WHERE name = ?", (name,)
            ).fetchone()
            stored = None if row is None else row[0]
            if len(password) > MAX_PASSWORD_LENGTH or not self.passwords.verify(stored, password):
                return None
            self.rate_limit.succeeded(con, name)
            if stored is not None and self.passwords.needs_rehash(stored):
                with writing(con):
                    con.execute(
                        "UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?",
                        (self.passwords.hash(password), name, stored),
                    )
        return user_from_row(row[1:])

    # --- sessions and CSRF ------------------------------------------------------------------------------

    def start_session(self, user: User, client: str) -> str:
        """A new session for `user` (after `verify_password`): the token for the browser's cookie."""
        with self._connection() as con:
            return self.sessions.start(con, user, client, self.now())

    def session_user(self, token: str) -> User | None:
        """The user of a live session, which counts as a request; None when the token is unknown, tampered
        with, logged out or expired."""
        with self._connection() as con:
            return self.sessions.user(con, token, self.now())

    def end_session(self, token: str) -> None:
        """Log out: the token never works again."""
        with self._connection() as con:
            self.sessions.end(con, token)

    def end_sessions(self, name: str) -> int:
        """End every session of a user; how many there were."""
        with self._connection() as con:
            return self.sessions.end_all(con, name)

    def csrf_token(self, session_token: str) -> str:
        """The token every form of this session carries."""
        return _sessions.csrf_token(self._secret(), session_token)

    def check_csrf(self, session_token: str, csrf: str) -> bool:
        """Whether `csrf` is this session's form token (compared in constant time)."""
        return _sessions.check_csrf(self._secret(), session_token, csrf)

    def _secret(self) -> bytes:
        if self._csrf_secret is None:
            with self._connection() as con:
                (self._csrf_secret,) = con.execute(
                    "SELECT value FROM settings WHERE key = 'csrf_secret'"
                ).fetchone()
        return self._csrf_secret

    # --- API tokens -------------------------------------------------------------------------------------

    def create_api_token(self, name: str, label: str) -> str:
        """A new API token of `name`, labelled so it can be listed and revoked: shown this once only."""
        with self._connection() as con:
            return create_token(con, name, label, self.now())

    def api_token_user(self, token: str) -> User | None:
        """The user an API token acts for; None when unknown, revoked or the user was removed."""
        with self._connection() as con:
            return token_user(con, token, self.now())

    def revoke_api_token(self, name: str, label: str) -> None:
        with self._connection() as con:
            revoke_token(con, name, label)

    def api_tokens(self, name: str) -> list[ApiToken]:
        """A user's tokens by label, without the secrets (which are not kept)."""
        with self._connection() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
                raise AccountError(f"unknown user {name}")
            return list_tokens(con, name)
