"""The accounts database: one SQLite file per workspace, beside the warehouse but apart from it, so
log-ins keep working while an import holds the warehouse's write lock.

Write-ahead logging lets readers and one writer work at once across threads and processes; every
write runs in a `BEGIN IMMEDIATE` transaction, and a busy database is waited for. The schema's version
is SQLite's `user_version`; each version's script runs once, in order."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from kpidesk.accounts._errors import AccountError

__all__ = ["ACCOUNTS_FILE", "SCHEMA_VERSION", "connect", "writing"]

ACCOUNTS_FILE = "accounts.sqlite"
#: How long a statement waits for another connection's write to finish.
_BUSY_TIMEOUT_MS = 10_000

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


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the accounts file at `path`, created and brought to the current schema first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)) as con:
        con.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        _write_ahead(con)
        _migrate(con, path)
        yield con


def _write_ahead(con: sqlite3.Connection) -> None:
    """Switch the file to write-ahead logging. The switch takes the file alone and SQLite's busy wait does
    not cover it, so processes opening a new file at once try again until the busy timeout."""
    import time

    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def writing(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _migrate(con: sqlite3.Connection, path: Path) -> None:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    with writing(con):
        # Read again inside the transaction: another process may have migrated meanwhile.
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise AccountError(
                f"{path} was written by a newer kpidesk (accounts schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade kpidesk"
            )
        for script in _MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    con.execute(statement)
        if version == 0:
            con.execute("INSERT INTO settings VALUES ('csrf_secret', ?)", (secrets.token_bytes(32),))
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
