"""API tokens for automation: `kpd_` and 256 random bits, shown once, kept as a SHA-256 digest, acting
as their user until revoked or the user is removed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from kpidesk.accounts._database import writing
from kpidesk.accounts._errors import AccountError
from kpidesk.accounts._secrets import MAX_SECRET_LENGTH, digest, new_secret
from kpidesk.accounts._users import MAX_NAME_LENGTH, User, user_columns, user_from_row

__all__ = ["TOKEN_PREFIX", "ApiToken", "create_token", "list_tokens", "revoke_token", "token_user"]

TOKEN_PREFIX = "kpd_"


@dataclass(frozen=True)
class ApiToken:
    """A token as listed: its label and dates, never the token itself."""

    user_name: str
    label: str
    created_at: datetime
    last_used: datetime | None


def create_token(con: sqlite3.Connection, name: str, label: str, now: float) -> str:
    if not label or label != label.strip() or len(label) > MAX_NAME_LENGTH or not label.isprintable():
        raise AccountError(f"a token label is 1 to {MAX_NAME_LENGTH} printable characters, got {label!r}")
    token = new_secret(TOKEN_PREFIX)
    with writing(con):
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
            raise AccountError(f"unknown user {name}")
        taken = con.execute(
            "SELECT 1 FROM api_tokens WHERE user_name = ? AND label = ?", (name, label)
        ).fetchone()
        if taken:
            raise AccountError(f"{name} already has a token labelled {label}; revoke it first")
        con.execute(
            "INSERT INTO api_tokens (id, user_name, label, created_at) VALUES (?, ?, ?, ?)",
            (digest(token), name, label, now),
        )
    return token


def token_user(con: sqlite3.Connection, token: str, now: float) -> User | None:
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > MAX_SECRET_LENGTH:
        return None
    token_id = digest(token)
    # Unknown tokens are answered from a read alone; a known one notes its use and is read again in the
    # same transaction, so a token revoked meanwhile is not honoured.
    if con.execute("SELECT 1 FROM api_tokens WHERE id = ?", (token_id,)).fetchone() is None:
        return None
    with writing(con):
        if not con.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?", (now, token_id)).rowcount:
            return None
        row = con.execute(
            f"SELECT {user_columns('u')} "
            "FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.id = ?",
            (token_id,),
        ).fetchone()
    return None if row is None else user_from_row(row)


def revoke_token(con: sqlite3.Connection, name: str, label: str) -> None:
    with writing(con):
        deleted = con.execute(
            "DELETE FROM api_tokens WHERE user_name = ? AND label = ?", (name, label)
        ).rowcount
    if not deleted:
        raise AccountError(f"{name} has no token labelled {label}")


def list_tokens(con: sqlite3.Connection, name: str) -> list[ApiToken]:
    rows = con.execute(
        "SELECT user_name, label, created_at, last_used FROM api_tokens WHERE user_name = ? ORDER BY label",
        (name,),
    ).fetchall()
    return [
        ApiToken(
            user_name=user_name,
            label=label,
            created_at=datetime.fromtimestamp(created_at, UTC),
            last_used=None if last_used is None else datetime.fromtimestamp(last_used, UTC),
        )
        for user_name, label, created_at, last_used in rows
    ]
