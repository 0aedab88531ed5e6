"""`kpidesk report log`: every run of a report and every delivery, oldest first, as plain records with
times in the workspace's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kpidesk.delivery._journal import DeliveryRecord, Journal, RunRecord

__all__ = ["LOG_COLUMNS", "LogEntry", "report_log"]

LOG_COLUMNS = (
    "time",
    "kind",
    "report",
    "period",
    "trigger",
    "member",
    "recipients",
    "outcome",
    "attempts",
    "error",
    "message_id",
    "files",
    "note",
)


@dataclass(frozen=True)
class LogEntry:
    """A run (`kind` run: made by the schedule, a missed fire time, `report send` or `report run`) or a
    delivery (`kind` delivery: its state, attempts, last error and the admin notice)."""

    time: datetime | None
    kind: str
    report: str
    period: str
    trigger: str
    member: str
    recipients: tuple[str, ...]
    outcome: str
    attempts: int | None
    error: str
    message_id: str
    files: tuple[str, ...]
    note: str

    def record(self) -> dict[str, object]:
        """The entry as JSON values (null where a value does not apply)."""
        return {
            "time": self.time.isoformat(timespec="seconds") if self.time else None,
            "kind": self.kind,
            "report": self.report,
            "period": self.period,
            "trigger": self.trigger or None,
            "member": self.member or None,
            "recipients": list(self.recipients),
            "outcome": self.outcome,
            "attempts": self.attempts,
            "error": self.error or None,
            "message_id": self.message_id or None,
            "files": list(self.files),
            "note": self.note or None,
        }


def _when(stamp: float | None, zone: ZoneInfo) -> datetime | None:
    return datetime.fromtimestamp(stamp, zone) if stamp is not None else None


def _run_entry(run: RunRecord, zone: ZoneInfo) -> LogEntry:
    return LogEntry(
        time=_when(run.started, zone),
        kind="run",
        report=run.report,
        period=run.period_key,
        trigger=run.trigger,
        member="",
        recipients=(),
        outcome=run.outcome or "unfinished (the process ended while making it)",
        attempts=None,
        error="",
        message_id="",
        files=run.files,
        note=f"made on {run.at}",
    )


def _delivery_entry(delivery: DeliveryRecord, zone: ZoneInfo) -> LogEntry:
    outcome = delivery.state
    if delivery.state == "retrying" and delivery.next_attempt_at is not None:
        outcome += f" at {_when(delivery.next_attempt_at, zone):%Y-%m-%d %H:%M}"
    notes = [n for n in (delivery.note, f"admin notice {delivery.notice}" if delivery.notice else "") if n]
    return LogEntry(
        time=_when(delivery.sent_at or delivery.claimed_at, zone),
        kind="delivery",
        report=delivery.report,
        period=delivery.period_key,
        trigger="",
        member=delivery.member,
        recipients=delivery.recipients,
        outcome=outcome,
        attempts=delivery.attempts,
        error=delivery.last_error or "",
        message_id=delivery.message_id,
        files=(),
        note="; ".join(notes),
    )


def report_log(folder: Path, zone: str, *, report: str | None = None) -> list[LogEntry]:
    """Every run and delivery of the workspace in `folder` (of one report), oldest first."""
    tz = ZoneInfo(zone)
    journal = Journal(folder)
    if not journal.path.exists():
        return []
    entries = [_run_entry(run, tz) for run in journal.runs(report)]
    entries += [_delivery_entry(d, tz) for d in journal.deliveries(report)]
    return sorted(entries, key=lambda e: (e.time.timestamp() if e.time else 0.0, e.kind != "run"))
