"""`deliveries.sqlite`: every run of a report and every delivery of one, shared by the processes that send
(the scheduler, `kpidesk report send`, the web app's scheduler thread).

A delivery is claimed before anything is sent: one row per (report, period, member) under a UNIQUE key,
inserted in a write transaction, so of two processes that want to send the same report for the same
period exactly one gets the claim. The claim stores the whole message, so a retry or a takeover sends the
very same bytes with the same Message-ID. A claim names its process (pid@host and the process's start
time); a claim whose process has ended is taken over by the next sender. Like the accounts file, the
journal uses write-ahead logging and waits for a busy database instead of failing."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kpidesk.delivery._errors import DeliveryError
from kpidesk.delivery._lease import Claimant, current_claimant
from kpidesk.workspace import SqliteSchema, open_sqlite, sqlite_writing

__all__ = [
    "DELIVERIES_FILE",
    "DELIVERY_STATES",
    "Claim",
    "DeliveryRecord",
    "Journal",
    "RunRecord",
]

DELIVERIES_FILE = "deliveries.sqlite"
#: claimed: a process is sending it; sent: the server accepted it; retrying: a temporary failure, tried
#: again at next_attempt_at; failed: a permanent failure, or temporary ones for longer than retry_for.
DELIVERY_STATES = ("claimed", "sent", "retrying", "failed")

_MIGRATIONS = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        report TEXT NOT NULL,
        period_key TEXT NOT NULL,
        at TEXT NOT NULL,
        trigger TEXT NOT NULL,
        fire_time REAL,
        started REAL NOT NULL,
        finished REAL,
        outcome TEXT,
        files TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX runs_by_report ON runs (report, period_key);
    CREATE TABLE deliveries (
        report TEXT NOT NULL,
        period_key TEXT NOT NULL,
        member TEXT NOT NULL,
        recipients TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'retrying', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL,
        first_attempt_at REAL,
        last_error TEXT,
        claimed_by TEXT,
        claimer_started TEXT,
        claimed_at REAL,
        sent_at REAL,
        message_id TEXT NOT NULL,
        generation INTEGER NOT NULL DEFAULT 0,
        message BLOB,
        note TEXT,
        notice TEXT,
        UNIQUE (report, period_key, member)
    );
    CREATE TABLE scheduler (key TEXT PRIMARY KEY, value REAL NOT NULL);
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)
_SCHEMA = SqliteSchema("journal", _MIGRATIONS, DeliveryError)


@dataclass(frozen=True)
class RunRecord:
    """One run of a report: made on local day `at` for `period_key`, by the schedule (or a missed fire
    time), `report send` or `report run`; `outcome` in words, `files` the files written or attached."""

    id: int
    report: str
    period_key: str
    at: str
    trigger: str
    fire_time: float | None
    started: float
    finished: float | None
    outcome: str | None
    files: tuple[str, ...]


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery of one report for one period (and one agent of an agents' report)."""

    report: str
    period_key: str
    member: str
    recipients: tuple[str, ...]
    state: str
    attempts: int
    next_attempt_at: float | None
    first_attempt_at: float | None
    last_error: str | None
    claimed_by: str | None
    claimer_started: str | None
    claimed_at: float | None
    sent_at: float | None
    message_id: str
    generation: int
    note: str | None
    notice: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.report, self.period_key, self.member)


@dataclass(frozen=True)
class Claim:
    """A delivery this process holds: it may send `message` (bytes of the e-mail) and must then record
    the outcome. `takeover` says the previous claimant ended without recording one."""

    record: DeliveryRecord
    message: bytes
    takeover: bool


_DELIVERY_COLUMNS = (
    "report, period_key, member, recipients, state, attempts, next_attempt_at, first_attempt_at, "
    "last_error, claimed_by, claimer_started, claimed_at, sent_at, message_id, generation, note, notice"
)


#: The condition that picks one delivery by its key.
_KEY = "report = ? AND period_key = ? AND member = ?"


def _delivery(row: Sequence[object]) -> DeliveryRecord:
    values = list(row)
    values[3] = tuple(json.loads(str(values[3])))
    return DeliveryRecord(*values)  # type: ignore[arg-type]


class Journal:
    """The journal of one workspace folder; each method opens its own short connection, so one Journal
    may be used from several threads."""

    def __init__(
        self, folder: Path, *, claimant: Claimant | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = folder / DELIVERIES_FILE
        self.claimant = claimant or current_claimant()
        #: Unix time now; the tests move it to see retries fall due.
        self.clock = clock

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with open_sqlite(self.path, _SCHEMA) as con:
            yield con

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con, sqlite_writing(con):
            yield con

    # --- runs ------------------------------------------------------------------------------------

    def start_run(
        self, report: str, period_key: str, at: str, trigger: str, fire_time: float | None = None
    ) -> int:
        with self._writing() as con:
            cursor = con.execute(
                "INSERT INTO runs (report, period_key, at, trigger, fire_time, started) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (report, period_key, at, trigger, fire_time, self.clock()),
            )
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, files: Sequence[str] = ()) -> None:
        with self._writing() as con:
            con.execute(
                "UPDATE runs SET finished = ?, outcome = ?, files = ? WHERE id = ?",
                (self.clock(), outcome, json.dumps(list(files), ensure_ascii=False), run_id),
            )

    def finished_run(self, report: str, period_key: str, triggers: Sequence[str]) -> RunRecord | None:
        """The latest finished run of `report` for `period_key` by one of `triggers`, if any."""
        marks = ", ".join("?" * len(triggers))
        with self._connect() as con:
            row = con.execute(
                f"SELECT * FROM runs WHERE report = ? AND period_key = ? AND finished IS NOT NULL "
                f"AND trigger IN ({marks}) ORDER BY id DESC LIMIT 1",
                (report, period_key, *triggers),
            ).fetchone()
        return _run(row) if row else None

    def runs(self, report: str | None = None) -> list[RunRecord]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM runs WHERE ? IS NULL OR report = ? ORDER BY started, id", (report, report)
            ).fetchall()
        return [_run(row) for row in rows]

    # --- the scheduler's clock ------------------------------------------------------------------

    def last_tick(self) -> float | None:
        """When the scheduler last finished looking for due reports (Unix time), None before its first
        tick."""
        with self._connect() as con:
            row = con.execute("SELECT value FROM scheduler WHERE key = 'last_tick'").fetchone()
        return float(row[0]) if row else None

    def set_last_tick(self, when: float) -> None:
        with self._writing() as con:
            con.execute(
                "INSERT INTO scheduler VALUES ('last_tick', ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                (when, when),
            )

    # --- deliveries -----------------------------------------------------------------------------

    def delivery(self, key: tuple[str, str, str]) -> DeliveryRecord | None:
        with self._connect() as con:
            row = con.execute(
                f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE {_KEY}",
                key,
            ).fetchone()
        return _delivery(row) if row else None

    def deliveries(self, report: str | None = None) -> list[DeliveryRecord]:
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE ? IS NULL OR report = ? "
                "ORDER BY coalesce(sent_at, claimed_at), report, period_key, member",
                (report, report),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def claim(
        self,
        key: tuple[str, str, str],
        recipients: Sequence[str],
        message_id: str,
        message: bytes,
        *,
        generation: int = 0,
    ) -> Claim | None:
        """Claim a new delivery, or take over one whose claimant has ended; None when it is sent,
        failed, waiting for a retry, or being sent by a live process (`delivery(key)` says which)."""
        me = self.claimant
        now = self.clock()
        with self._writing() as con:
            inserted = con.execute(
                "INSERT INTO deliveries (report, period_key, member, recipients, state, claimed_by, "
                "claimer_started, claimed_at, message_id, generation, message) "
                "VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    *key,
                    json.dumps(list(recipients)),
                    me.name,
                    me.started,
                    now,
                    message_id,
                    generation,
                    message,
                ),
            ).rowcount
            if inserted:
                return Claim(self._locked_record(con, key), message, takeover=False)
        return self._take_over_stale(key)

    def _locked_record(self, con: sqlite3.Connection, key: tuple[str, str, str]) -> DeliveryRecord:
        row = con.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE {_KEY}",
            key,
        ).fetchone()
        return _delivery(row)

    def _take_over_stale(self, key: tuple[str, str, str]) -> Claim | None:
        me = self.claimant
        with self._writing() as con:
            row = con.execute(
                "SELECT state, claimed_by, claimer_started, message, claimed_at FROM deliveries "
                f"WHERE {_KEY}",
                key,
            ).fetchone()
            if row is None or row[0] != "claimed" or row[3] is None:
                return None
            if Claimant.alive(row[1], row[2], row[4]):
                return None
            note = (
                f"{row[1]} ended while sending, before recording whether the server accepted the message; "
                "sent again with the same Message-ID"
            )
            con.execute(
                "UPDATE deliveries SET claimed_by = ?, claimer_started = ?, claimed_at = ?, note = ? "
                f"WHERE {_KEY}",
                (me.name, me.started, self.clock(), note, *key),
            )
            return Claim(self._locked_record(con, key), bytes(row[3]), takeover=True)

    def stale_claims(self) -> list[DeliveryRecord]:
        """Deliveries claimed by a process that has ended (to be taken over and sent again)."""
        return [
            d
            for d in self.deliveries()
            if d.state == "claimed" and not Claimant.alive(d.claimed_by, d.claimer_started, d.claimed_at)
        ]

    def take_over(self, key: tuple[str, str, str]) -> Claim | None:
        """Take over a stale claim (see `stale_claims`); None when it is no longer stale."""
        return self._take_over_stale(key)

    def claim_retry(self, key: tuple[str, str, str], now: float) -> Claim | None:
        """Claim a delivery whose retry is due; None when another process got it first."""
        me = self.claimant
        with self._writing() as con:
            updated = con.execute(
                "UPDATE deliveries SET state = 'claimed', claimed_by = ?, claimer_started = ?, "
                f"claimed_at = ? WHERE {_KEY} AND state = 'retrying' "
                "AND next_attempt_at <= ? AND message IS NOT NULL",
                (me.name, me.started, now, *key, now),
            ).rowcount
            if not updated:
                return None
            message = con.execute(f"SELECT message FROM deliveries WHERE {_KEY}", key).fetchone()[0]
            return Claim(self._locked_record(con, key), bytes(message), takeover=False)

    def due_retries(self, now: float) -> list[DeliveryRecord]:
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {_DELIVERY_COLUMNS} FROM deliveries "
                "WHERE state = 'retrying' AND next_attempt_at <= ? ORDER BY next_attempt_at",
                (now,),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def next_retry(self) -> float | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'retrying'"
            ).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def resend(
        self, key: tuple[str, str, str], recipients: Sequence[str], message_id: str, message: bytes
    ) -> Claim | None:
        """Claim a delivery again that was sent or failed, as a new message (`report send --again`)."""
        me = self.claimant
        with self._writing() as con:
            updated = con.execute(
                "UPDATE deliveries SET state = 'claimed', recipients = ?, attempts = 0, "
                "next_attempt_at = NULL, first_attempt_at = NULL, last_error = NULL, claimed_by = ?, "
                "claimer_started = ?, "
                "claimed_at = ?, sent_at = NULL, message_id = ?, generation = generation + 1, message = ?, "
                f"note = NULL, notice = NULL WHERE {_KEY} AND state IN ('sent', 'failed')",
                (json.dumps(list(recipients)), me.name, me.started, self.clock(), message_id, message, *key),
            ).rowcount
            return Claim(self._locked_record(con, key), message, takeover=False) if updated else None

    def _settle(
        self, key: tuple[str, str, str], assignments: str, values: Sequence[object]
    ) -> DeliveryRecord:
        """Record the outcome of an attempt made under this process's claim."""
        now = self.clock()
        with self._writing() as con:
            con.execute(
                "UPDATE deliveries SET attempts = attempts + 1, "
                f"first_attempt_at = coalesce(first_attempt_at, ?), {assignments} "
                f"WHERE {_KEY} AND claimed_by = ?",
                (now, *values, *key, self.claimant.name),
            )
            return self._locked_record(con, key)

    def mark_sent(self, key: tuple[str, str, str]) -> DeliveryRecord:
        return self._settle(
            key, "state = 'sent', sent_at = ?, message = NULL, last_error = NULL", (self.clock(),)
        )

    def mark_retrying(self, key: tuple[str, str, str], error: str, next_attempt_at: float) -> DeliveryRecord:
        return self._settle(
            key, "state = 'retrying', last_error = ?, next_attempt_at = ?", (error, next_attempt_at)
        )

    def mark_failed(self, key: tuple[str, str, str], error: str) -> DeliveryRecord:
        return self._settle(key, "state = 'failed', last_error = ?, next_attempt_at = NULL", (error,))

    def set_notice(self, key: tuple[str, str, str], notice: str) -> None:
        """What became of the failure notice to the workspace's admin."""
        with self._writing() as con:
            con.execute(
                f"UPDATE deliveries SET notice = ? WHERE {_KEY}",
                (notice, *key),
            )


def _run(row: Sequence[object]) -> RunRecord:
    values = list(row)
    values[9] = tuple(json.loads(str(values[9])))
    return RunRecord(*values)  # type: ignore[arg-type]
