"""The accounts database: one SQLite file per workspace, beside the warehouse but apart from it, so
log-ins keep working while an import holds the warehouse's write lock (see
`kpidesk.workspace.open_sqlite` for how concurrent processes share it)."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpidesk.accounts._errors import AccountError
from kpidesk.workspace import SqliteSchema, open_sqlite, sqlite_writing

__all__ = ["ACCOUNTS_FILE", "SCHEMA_VERSION", "connect", "writing"]

ACCOUNTS_FILE = "accounts.sqlite"
_MIGRATIONS = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'agent')),
        teams TEXT NOT NULL,
        agent_id TEXT,
        created_at REAL NOT NULL
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
        client TEXT NOT NULL,
        started_at REAL NOT NULL,
        last_seen REAL NOT NULL
    );
    CREATE INDEX sessions_by_user ON sessions (user_name);
    CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
        label TEXT NOT NULL,
        created_at REAL NOT NULL,
        last_used REAL,
        UNIQUE (user_name, label)
    );
    CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        client TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX login_attempts_by_name ON login_attempts (name, at);
    CREATE INDEX login_attempts_by_client ON login_attempts (client, at);
    """,
    """
    ALTER TABLE users ADD COLUMN language TEXT;
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)


def _make_secret(con: sqlite3.Connection) -> None:
    con.execute("INSERT INTO settings VALUES ('csrf_secret', ?)", (secrets.token_bytes(32),))


_SCHEMA = SqliteSchema("accounts", _MIGRATIONS, AccountError, on_create=_make_secret, foreign_keys=True)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the accounts file at `path`, created and brought to the current schema first."""
    with open_sqlite(path, _SCHEMA) as con:
        yield con


#: One write transaction: committed when the block ends, rolled back when it raises.
writing = sqlite_writing
