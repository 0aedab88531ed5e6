"""Judging a targets rule: every target row at risk or off track, and every row whose guardrail is
breached, is an alert (one per row and status); it resolves when the row no longer has that status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import kpidesk
from kpidesk.alerts._judgement import Finding, Judgement, plain
from kpidesk.alerts._rules import TargetsRule
from kpidesk.alerts._state import AlertRecord, StoreTransaction
from kpidesk.workspace import Workspace

__all__ = ["TARGET_DETAILS", "judge_targets"]

#: What a target notice lists of its row of `kpidesk.targets_status`.
TARGET_DETAILS = (
    "target_id",
    "metric",
    "stat",
    "unit",
    "member",
    "member_name",
    "status",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "target",
    "stretch",
    "direction",
    "projected",
    "projected_low",
    "projected_high",
    "period_start",
    "period_end",
    "at",
    "note",
)


def _subject(row: Mapping[str, Any]) -> str:
    member = row.get("member")
    return f"target {row['target_id']}" + (f" for {member}" if member else "")


def _keys(row: Mapping[str, Any], events: tuple[str, ...]) -> list[str]:
    """The alerts a row is in: its status when alerted on, and a breached guardrail."""
    keys = [row["status"]] if row["status"] in events and row["status"] != "guardrail_breach" else []
    if "guardrail_breach" in events and bool(row.get("guardrail_breach")):
        keys.append("guardrail_breach")
    return keys


def judge_targets(
    ws: Workspace,
    rule: TargetsRule,
    at: datetime,
    open_alerts: Mapping[tuple[str, str], AlertRecord],
    tx: StoreTransaction,
) -> Judgement:
    """Targets as of the last whole local day before `at`."""
    day = (at.astimezone(_zone(ws)) - timedelta(days=1)).date()
    frame = kpidesk.targets_status(ws, at=day)
    rows = [
        plain(row)
        for row in frame.to_dict(orient="records")
        if rule.targets is None or row["target_id"] in rule.targets
    ]
    by_subject = {_subject(row): row for row in rows}
    current = {(_subject(row), key): row for row in rows for key in _keys(row, rule.events)}
    judgement = Judgement()
    for (subject, key), alert in open_alerts.items():
        if (subject, key) not in current:
            row = by_subject.get(subject)
            body = (
                _body(ws, rule, subject, key, row) if row else {**alert.raised, "records": {"status": "gone"}}
            )
            judgement.findings.append(Finding("resolved", subject, key, body))
    for (subject, key), row in current.items():
        if (subject, key) not in open_alerts:
            judgement.findings.append(Finding("raised", subject, key, _body(ws, rule, subject, key, row)))
    return judgement


def _zone(ws: Workspace) -> ZoneInfo:
    return ZoneInfo(ws.settings.calendars[ws.settings.default_calendar].timezone)


def _body(ws: Workspace, rule: TargetsRule, subject: str, key: str, row: Mapping[str, Any]) -> dict[str, Any]:
    records: dict[str, Any] = {name: row.get(name) for name in TARGET_DETAILS}
    records["guardrails_breached"] = [g for g in row.get("guardrails") or [] if g.get("breached")]
    return {
        "rule": rule.name,
        "kind": "targets",
        "subject": subject,
        "key": key,
        "status": row.get("status"),
        "window_start": row.get("period_start"),
        "window_end": row.get("period_end"),
        "value": row.get("value"),
        "baseline": None,
        "spread": None,
        "z": None,
        "records": records,
        "workspace": ws.path.resolve().name,
    }
