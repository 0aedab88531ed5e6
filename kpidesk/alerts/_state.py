"""The alerts file: one SQLite file per workspace (`alerts.sqlite`), so that one problem is one alert.

An alert is open from the check that raises it until the check that resolves it; while it is open, at
most one alert exists per rule, subject and key (the direction of a volume anomaly, the status of a target
row), which a partial unique index guarantees even when two checks run at once. Every notice (raised or
resolved, per channel) is written in the same transaction as the change it reports and stays in the file
until it is sent: a failed one is retried by the next check, never dropped. Write-ahead logging lets the
scheduler, the web app and the command line read while one of them writes; every write runs in a
`BEGIN IMMEDIATE` transaction and a busy file is waited for.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpidesk import KpideskError
from kpidesk.workspace import SqliteSchema, open_sqlite, sqlite_writing

__all__ = ["ALERTS_FILE", "MAX_ATTEMPTS", "AlertRecord", "AlertStore", "Notice"]

ALERTS_FILE = "alerts.sqlite"
#: A notice still failing after this many attempts is kept, shown as failed, and no longer retried.
MAX_ATTEMPTS = 48
#: A notice claimed for sending this long ago by a process that never finished is sent again.
_CLAIM_EXPIRES_S = 600.0

_MIGRATIONS = (
    """
    CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        key TEXT NOT NULL,
        raised_at REAL NOT NULL,
        raised TEXT NOT NULL,
        resolved_at REAL,
        resolved TEXT
    );
    CREATE UNIQUE INDEX one_open_alert ON alerts (rule, subject, key) WHERE resolved_at IS NULL;
    CREATE INDEX alerts_by_time ON alerts (raised_at);
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts (id),
        event TEXT NOT NULL CHECK (event IN ('raised', 'resolved')),
        channel TEXT NOT NULL,
        destination TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at REAL NOT NULL,
        claimed_at REAL,
        sent_at REAL
    );
    CREATE INDEX notices_by_status ON notices (status);
    CREATE TABLE marks (
        rule TEXT NOT NULL,
        grain TEXT NOT NULL,
        last_window TEXT NOT NULL,
        PRIMARY KEY (rule, grain)
    );
    """,
)


class AlertsFileError(KpideskError):
    """The alerts file cannot be used as it is."""


_SCHEMA = SqliteSchema("alerts", _MIGRATIONS, AlertsFileError, foreign_keys=True, busy_timeout_ms=30_000)


@dataclass(frozen=True)
class AlertRecord:
    """One alert as the file holds it: the notice body it was raised with and, once resolved, the
    resolved one."""

    id: str
    rule: str
    kind: str
    subject: str
    key: str
    raised_at: float
    raised: Mapping[str, Any]
    resolved_at: float | None
    resolved: Mapping[str, Any] | None


@dataclass(frozen=True)
class Notice:
    """One message about one alert to one channel's destination."""

    id: int
    alert_id: str
    event: str
    channel: str
    destination: Mapping[str, Any]
    body: Mapping[str, Any]
    status: str
    attempts: int
    last_error: str | None


class AlertStore:
    """The alerts file of one workspace."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of_workspace(cls, directory: Path) -> AlertStore:
        return cls(directory / ALERTS_FILE)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with open_sqlite(self.path, _SCHEMA) as con:
            yield con

    @contextmanager
    def writing(self) -> Iterator[StoreTransaction]:
        """One write transaction: committed when the block ends, rolled back when it raises. Checks hold
        it while they judge a rule, so two checks at once act one after the other."""
        with self.connect() as con, sqlite_writing(con):
            yield StoreTransaction(con)

    def due_notices(self) -> list[Notice]:
        """Notices to send now: new ones, failed ones not yet given up on, and claims left by a process
        that stopped while sending."""
        expired = time.time() - _CLAIM_EXPIRES_S
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {_NOTICE_COLUMNS} FROM notices WHERE status = 'pending' "
                "OR (status = 'failed' AND attempts < ?) OR (status = 'sending' AND claimed_at < ?) "
                "ORDER BY id",
                (MAX_ATTEMPTS, expired),
            ).fetchall()
        return [_notice(row) for row in rows]

    def claim(self, notice: Notice) -> bool:
        """Take `notice` for sending; False when another process has taken or sent it meanwhile."""
        now = time.time()
        with self.connect() as con:
            cursor = con.execute(
                "UPDATE notices SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
                "WHERE id = ? AND (status = 'pending' OR (status = 'failed' AND attempts < ?) "
                "OR (status = 'sending' AND claimed_at < ?))",
                (now, notice.id, MAX_ATTEMPTS, now - _CLAIM_EXPIRES_S),
            )
            return cursor.rowcount == 1

    def sent(self, notice: Notice) -> None:
        with self.connect() as con:
            con.execute(
                "UPDATE notices SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                (time.time(), notice.id),
            )

    def failed(self, notice: Notice, error: str, *, final: bool = False) -> None:
        """Record a failed attempt; a `final` one is not retried (kept, and listed as not sent)."""
        with self.connect() as con:
            con.execute(
                "UPDATE notices SET status = 'failed', last_error = ?, "
                "attempts = CASE WHEN ? THEN max(attempts, ?) ELSE attempts END WHERE id = ?",
                (error, final, MAX_ATTEMPTS, notice.id),
            )

    def notices(self, alert_id: str | None = None) -> list[Notice]:
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {_NOTICE_COLUMNS} FROM notices WHERE ? IS NULL OR alert_id = ? ORDER BY id",
                (alert_id, alert_id),
            ).fetchall()
        return [_notice(row) for row in rows]

    def open_alerts(self) -> list[AlertRecord]:
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE resolved_at IS NULL ORDER BY raised_at DESC, id"
            ).fetchall()
        return [_alert(row) for row in rows]

    def alerts(self, *, since: float | None = None) -> list[AlertRecord]:
        """Open alerts, and those raised or resolved at or after `since` (epoch seconds; None: all)."""
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE resolved_at IS NULL OR ? IS NULL "
                "OR raised_at >= ? OR resolved_at >= ? ORDER BY raised_at DESC, id",
                (since, since, since),
            ).fetchall()
        return [_alert(row) for row in rows]


class StoreTransaction:
    """What a check does to the alerts file inside its transaction."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def open_alerts(self, rule: str) -> dict[tuple[str, str], AlertRecord]:
        rows = self.con.execute(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE rule = ? AND resolved_at IS NULL", (rule,)
        ).fetchall()
        return {(a.subject, a.key): a for a in map(_alert, rows)}

    def raise_alert(
        self, rule: str, kind: str, subject: str, key: str, body: Mapping[str, Any]
    ) -> AlertRecord:
        alert_id = uuid.uuid4().hex
        now = time.time()
        raised = {**body, "event": "raised", "alert_id": alert_id}
        self.con.execute(
            "INSERT INTO alerts (id, rule, kind, subject, key, raised_at, raised) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (alert_id, rule, kind, subject, key, now, _json(raised)),
        )
        return AlertRecord(alert_id, rule, kind, subject, key, now, raised, None, None)

    def resolve_alert(self, alert: AlertRecord, body: Mapping[str, Any]) -> AlertRecord:
        now = time.time()
        resolved = {**body, "event": "resolved", "alert_id": alert.id}
        self.con.execute(
            "UPDATE alerts SET resolved_at = ?, resolved = ? WHERE id = ?", (now, _json(resolved), alert.id)
        )
        return AlertRecord(
            alert.id,
            alert.rule,
            alert.kind,
            alert.subject,
            alert.key,
            alert.raised_at,
            alert.raised,
            now,
            resolved,
        )

    def add_notice(
        self, alert_id: str, event: str, channel: str, destination: Mapping[str, Any], body: Any
    ) -> None:
        self.con.execute(
            "INSERT INTO notices (alert_id, event, channel, destination, body, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?)",
            (alert_id, event, channel, _json(destination), _json(body), time.time()),
        )

    def mark(self, rule: str, grain: str) -> str | None:
        row = self.con.execute(
            "SELECT last_window FROM marks WHERE rule = ? AND grain = ?", (rule, grain)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_mark(self, rule: str, grain: str, last_window: str) -> None:
        self.con.execute(
            "INSERT INTO marks VALUES (?, ?, ?) "
            "ON CONFLICT (rule, grain) DO UPDATE SET last_window = excluded.last_window",
            (rule, grain, last_window),
        )


_ALERT_COLUMNS = "id, rule, kind, subject, key, raised_at, raised, resolved_at, resolved"
_NOTICE_COLUMNS = "id, alert_id, event, channel, destination, body, status, attempts, last_error"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _alert(row: tuple[Any, ...]) -> AlertRecord:
    id_, rule, kind, subject, key, raised_at, raised, resolved_at, resolved = row
    return AlertRecord(
        id_,
        rule,
        kind,
        subject,
        key,
        raised_at,
        json.loads(raised),
        resolved_at,
        json.loads(resolved) if resolved else None,
    )


def _notice(row: tuple[Any, ...]) -> Notice:
    id_, alert_id, event, channel, destination, body, status, attempts, last_error = row
    return Notice(
        id_, alert_id, event, channel, json.loads(destination), json.loads(body), status, attempts, last_error
    )
