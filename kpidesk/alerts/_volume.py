"""Judging a volume rule: each local day or hour since the last check against its baseline, the alert of
each grain raised and cleared with hysteresis, and the records behind each raised or resolved window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kpidesk.alerts._anomaly import GRAINS_BY_NAME, Assessment, Grain, scan
from kpidesk.alerts._counts import SOURCES, VolumeSource, utc_bounds
from kpidesk.alerts._judgement import Finding, Judgement, Learning
from kpidesk.alerts._rules import VolumeRule
from kpidesk.alerts._state import AlertRecord, StoreTransaction
from kpidesk.calendars import BusinessCalendar
from kpidesk.workspace import Workspace

__all__ = ["MAX_WINDOWS", "judge_volume"]

#: A check judges at most this many windows since the last one (a scheduler down longer catches up on
#: the most recent ones only).
MAX_WINDOWS = {"day": 7, "hour": 48}


def _windows(grain: Grain, last: datetime, mark: str | None) -> list[datetime]:
    """The windows to judge: those after the last judged one up to `last`; at least `last` itself (judged
    again when nothing newer ended, so a window whose data came late is judged on it)."""
    first = last
    if mark is not None:
        after = datetime.fromisoformat(mark) + grain.step
        first = max(min(after, last), last - (MAX_WINDOWS[grain.name] - 1) * grain.step)
    return list(grain.windows(first, last))


def judge_volume(
    ws: Workspace,
    rule: VolumeRule,
    at: datetime,
    open_alerts: Mapping[tuple[str, str], AlertRecord],
    tx: StoreTransaction,
) -> Judgement:
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    source = SOURCES[rule.of]
    local_at = at.astimezone(calendar.zone).replace(tzinfo=None)
    judgement = Judgement()
    with ws.connect(read_only=True) as con:
        for name in rule.grains:
            grain = GRAINS_BY_NAME[name]
            subject = f"{source.noun} per {name}"
            windows = _windows(grain, grain.last_complete(local_at), tx.mark(rule.name, name))
            _, until = utc_bounds(windows[-1], windows[-1] + grain.step, calendar.zone)
            series = source.series(con, calendar.zone.key, name, until)
            opened = [key for (s, key) in open_alerts if s == subject]
            thresholds = rule.thresholds(name)
            assessments = scan(
                series.counts,
                series.first_day or windows[-1].date(),
                windows,
                grain,
                calendar,
                thresholds,
                rule.compare[name],
                opened[0] if opened else None,
            )
            for assessment in assessments:
                for event, direction in (("resolved", assessment.cleared), ("raised", assessment.raised)):
                    if direction is not None:
                        body = _body(ws, rule, subject, direction, assessment, source, con, calendar)
                        judgement.findings.append(Finding(event, subject, direction, body))
            last = assessments[-1]
            if last.learning:
                start, end = (_local_text(t, calendar) for t in (last.start, last.end))
                history = last.baseline.history if last.baseline else 0
                judgement.learning.append(
                    Learning(rule.name, subject, start, end, last.value, history, thresholds.min_history)
                )
            judgement.marks[name] = last.start.isoformat()
    return judgement


def _local_text(moment: datetime, calendar: BusinessCalendar) -> str:
    return utc_bounds(moment, moment, calendar.zone)[0].astimezone(calendar.zone).isoformat()


def _body(
    ws: Workspace,
    rule: VolumeRule,
    subject: str,
    direction: str,
    assessment: Assessment,
    source: VolumeSource,
    con: Any,
    calendar: BusinessCalendar,
) -> dict[str, Any]:
    start, end = utc_bounds(assessment.start, assessment.end, calendar.zone)
    baseline = assessment.baseline
    assert baseline is not None
    return {
        "rule": rule.name,
        "kind": "volume",
        "subject": subject,
        "key": direction,
        "direction": direction,
        "window_start": start.astimezone(calendar.zone).isoformat(),
        "window_end": end.astimezone(calendar.zone).isoformat(),
        "value": assessment.value,
        "baseline": round(baseline.value, 3),
        "spread": round(baseline.spread, 3),
        "z": round(baseline.z(assessment.value), 3),
        "history": baseline.history,
        "records": source.records(con, start, end, rule.records),
        "workspace": ws.path.resolve().name,
    }
