"""`check_alerts`: judge every rule of the workspace, record what was raised and resolved, and send the
notices (with those a previous check could not send)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kpidesk.alerts._judgement import Judgement, Learning
from kpidesk.alerts._notify import CHANNELS, NoticeFailed
from kpidesk.alerts._rules import AlertRule, load_alert_rules
from kpidesk.alerts._state import MAX_ATTEMPTS, AlertRecord, AlertStore, StoreTransaction
from kpidesk.alerts._targets import judge_targets
from kpidesk.alerts._volume import judge_volume
from kpidesk.workspace import Workspace

__all__ = ["AlertCheck", "AlertEvent", "NoticeFailure", "check_alerts", "list_alerts"]

#: How each kind of rule is judged.
_JUDGES: Mapping[str, Callable[..., Judgement]] = {"volume": judge_volume, "targets": judge_targets}


@dataclass(frozen=True)
class AlertEvent:
    """An alert as a check or a listing shows it; `body` is its notice (raised, or resolved once it is)."""

    alert_id: str
    rule: str
    kind: str
    subject: str
    key: str
    body: Mapping[str, Any]
    raised_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, record: AlertRecord) -> AlertEvent:
        return cls(
            record.id,
            record.rule,
            record.kind,
            record.subject,
            record.key,
            record.resolved or record.raised,
            datetime.fromtimestamp(record.raised_at, UTC),
            None if record.resolved_at is None else datetime.fromtimestamp(record.resolved_at, UTC),
        )


@dataclass(frozen=True)
class NoticeFailure:
    """A notice that could not be sent; it is tried again by the next check."""

    alert_id: str
    event: str
    channel: str
    error: str
    attempts: int
    #: Not tried again (an SMTP 5xx, or too many attempts).
    final: bool = False


@dataclass(frozen=True)
class AlertCheck:
    """What one check found and did."""

    at: datetime
    raised: tuple[AlertEvent, ...]
    resolved: tuple[AlertEvent, ...]
    open: tuple[AlertEvent, ...]
    learning: tuple[Learning, ...]
    notices_sent: int
    failures: tuple[NoticeFailure, ...]


def _moment(ws: Workspace, at: datetime | None) -> datetime:
    """`at` as an aware instant; a naive one is the workspace's local time."""
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None:
        return at.replace(tzinfo=ZoneInfo(ws.settings.calendars[ws.settings.default_calendar].timezone))
    return at


def _destinations(rule: AlertRule) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if rule.webhook is not None:
        out.append(("webhook", {"url": rule.webhook.url, "secret_env": rule.webhook.secret_env}))
    if rule.email:
        out.append(("email", {"to": list(rule.email)}))
    return out


def _apply(
    tx: StoreTransaction, rule: AlertRule, judgement: Judgement
) -> tuple[list[AlertRecord], list[AlertRecord]]:
    raised, resolved = [], []
    for finding in judgement.findings:
        open_alerts = tx.open_alerts(rule.name)
        current = open_alerts.get((finding.subject, finding.key))
        if finding.event == "raised" and current is None:
            record = tx.raise_alert(rule.name, rule.kind, finding.subject, finding.key, finding.body)
            raised.append(record)
            body = record.raised
        elif finding.event == "resolved" and current is not None:
            record = tx.resolve_alert(current, finding.body)
            resolved.append(record)
            assert record.resolved is not None
            body = record.resolved
        else:
            continue
        for channel, destination in _destinations(rule):
            tx.add_notice(record.id, finding.event, channel, destination, body)
    for grain, mark in judgement.marks.items():
        tx.set_mark(rule.name, grain, mark)
    return raised, resolved


def _deliver(ws: Workspace, store: AlertStore) -> tuple[int, list[NoticeFailure]]:
    """Send every due notice once (each claimed first, so two checks at once never send one twice)."""
    sent, failures = 0, []
    for notice in store.due_notices():
        if not store.claim(notice):
            continue
        try:
            CHANNELS[notice.channel].send(ws, notice.destination, notice.body)
        except NoticeFailed as exc:
            store.failed(notice, str(exc), final=exc.final)
            failures.append(
                NoticeFailure(
                    notice.alert_id, notice.event, notice.channel, str(exc), notice.attempts + 1, exc.final
                )
            )
            continue
        store.sent(notice)
        sent += 1
    return sent, failures


def check_alerts(ws: Workspace, *, at: datetime | None = None) -> AlertCheck:
    """Judge every alert rule of the workspace's `reports.yaml` at `at` (default: now; naive means the
    workspace's local time): volume of the last whole local days and hours since the previous check, and
    target status as of the last whole local day. Raised and resolved alerts get their notices, which are
    sent together with any a previous check could not send."""
    moment = _moment(ws, at)
    store = AlertStore.of_workspace(ws.path)
    raised: list[AlertRecord] = []
    resolved: list[AlertRecord] = []
    learning: list[Learning] = []
    for rule in load_alert_rules(ws):
        with store.writing() as tx:
            judgement = _JUDGES[rule.kind](ws, rule, moment, tx.open_alerts(rule.name), tx)
            new, gone = _apply(tx, rule, judgement)
        raised += new
        resolved += gone
        learning += judgement.learning
    sent, failures = _deliver(ws, store)
    return AlertCheck(
        at=moment,
        raised=tuple(map(AlertEvent.of, raised)),
        resolved=tuple(map(AlertEvent.of, resolved)),
        open=tuple(map(AlertEvent.of, store.open_alerts())),
        learning=tuple(learning),
        notices_sent=sent,
        failures=tuple(failures),
    )


def list_alerts(ws: Workspace, *, days: float = 7.0) -> tuple[list[AlertEvent], list[NoticeFailure]]:
    """Open alerts and those raised or resolved in the last `days` days, newest first; and the notices
    that have not gone out (still being retried, or given up on)."""
    store = AlertStore.of_workspace(ws.path)
    alerts = [AlertEvent.of(a) for a in store.alerts(since=time.time() - days * 86400)]
    unsent = [
        NoticeFailure(
            n.alert_id, n.event, n.channel, n.last_error or n.status, n.attempts, n.attempts >= MAX_ATTEMPTS
        )
        for n in store.notices()
        if n.status != "sent"
    ]
    return alerts, unsent
