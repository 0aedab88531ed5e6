"""The small SQLite files a workspace keeps beside its warehouse — the accounts, the delivery journal, the
alerts — so that log-ins, deliveries and alerts keep working while an import holds the warehouse.

Write-ahead logging lets readers and one writer work at once across threads and processes; every write
runs in a `BEGIN IMMEDIATE` transaction, and a busy file is waited for. A file's schema version is SQLite's
`user_version`; each version's script runs once, in order, by whichever process opens the file first."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from kpidesk import KpideskError

__all__ = ["SqliteSchema", "open_sqlite", "sqlite_writing"]


@dataclass(frozen=True)
class SqliteSchema:
    """What one kind of file holds: its scripts in order (the schema version is their count), what it is
    called in messages, and the error a file written by a newer kpidesk raises."""

    name: str
    migrations: Sequence[str]
    error: type[KpideskError]
    #: Run in the same transaction when the file is created (version 0 → current), e.g. to make a secret.
    on_create: Callable[[sqlite3.Connection], None] | None = None
    foreign_keys: bool = False
    busy_timeout_ms: int = 10_000

    @property
    def version(self) -> int:
        return len(self.migrations)


@contextmanager
def sqlite_writing(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def open_sqlite(path: Path, schema: SqliteSchema) -> Iterator[sqlite3.Connection]:
    """A connection to the file at `path` (autocommit; see `sqlite_writing`), created and brought to the
    current schema first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    timeout_s = schema.busy_timeout_ms / 1000
    with closing(sqlite3.connect(path, timeout=timeout_s, isolation_level=None)) as con:
        con.execute(f"PRAGMA busy_timeout = {schema.busy_timeout_ms}")
        if schema.foreign_keys:
            con.execute("PRAGMA foreign_keys = ON")
        _write_ahead(con, timeout_s)
        _migrate(con, path, schema)
        yield con


def _write_ahead(con: sqlite3.Connection, timeout_s: float) -> None:
    """Switch the file to write-ahead logging. The switch takes the file alone and SQLite's busy wait does
    not cover it, so processes opening a new file at once try again until the busy timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(con: sqlite3.Connection, path: Path, schema: SqliteSchema) -> None:
    if con.execute("PRAGMA user_version").fetchone()[0] == schema.version:
        return
    with sqlite_writing(con):
        # Read again inside the transaction: another process may have migrated meanwhile.
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.version:
            raise schema.error(
                f"{path} was written by a newer kpidesk ({schema.name} schema {version}, this one knows "
                f"{schema.version}); upgrade kpidesk"
            )
        for script in schema.migrations[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    con.execute(statement)
        if version == 0 and schema.on_create is not None:
            schema.on_create(con)
        con.execute(f"PRAGMA user_version = {schema.version}")
