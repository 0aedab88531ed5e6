"""Where each target stands at a date: the value so far, where it will end, and whether it was reached the
right way.

For every target (as it stood at the date, see `Target.as_of`), the period of its calendar that holds the
date is measured from its first day to the date: the scope's row, and with `per` one row per member. A
period that has ended is `met` or `missed` by its value; one in progress is judged by the prediction
interval of its end-of-period value (see `MetricKind.project`): `on_track` when the whole interval is on
the good side of the target, `off_track` when it is wholly on the bad side, `at_risk` otherwise. Each
guardrail is compared with the period before over the same days; `guardrail_breach` is raised when the
target's metric improved significantly while a guardrail worsened significantly. docs/targets.md gives
every formula with worked numbers.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpidesk.calendars import BusinessCalendar
from kpidesk.metrics import (
    DIMENSIONS,
    KpiQuery,
    KpiTables,
    Metric,
    compute_kpis,
    get_metric,
    metric_records,
    number_or_none,
    parse_stat,
)
from kpidesk.targets._file import Target
from kpidesk.targets._periods import earlier_span, open_seconds, period_of
from kpidesk.workspace import Settings

__all__ = [
    "BASELINE_PERIODS",
    "STATUSES",
    "STATUS_COLUMNS",
    "Agent",
    "ErrorBudget",
    "error_budget",
    "target_status",
]

#: What a target's row can say, from best known to least known.
STATUSES = ("met", "missed", "on_track", "at_risk", "off_track", "not_enough_data", "not_started")
#: The columns of `target_status`, with one column per scope dimension after `target_id`.
STATUS_COLUMNS = (
    "target_id",
    "metric",
    "stat",
    "unit",
    "per",
    "member",
    "member_name",
    "period_start",
    "period_end",
    "at",
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
    "expected_n",
    "status",
    "change",
    "change_ci_low",
    "change_ci_high",
    "guardrails",
    "guardrail_breach",
    "budget_allowed",
    "budget_used",
    "burn_rate",
    "note",
)
#: How many whole periods before the current one say how much volume the rest of it will bring.
BASELINE_PERIODS = 3
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Agent:
    """What status needs of an agent: the name a lead knows them by, and the days they work (their local
    hiring and leaving days, None when not known)."""

    name: str | None = None
    hired: date | None = None
    left: date | None = None


@dataclass(frozen=True)
class ErrorBudget:
    """A proportion target's misses: how many the expected volume allows, how many happened so far, and how
    fast they are spent (1 = exactly the allowed pace; 2 = twice as fast)."""

    allowed: int
    used: int
    burn_rate: float | None


def error_budget(target: Target, successes: float, n: float, expected_n: float) -> ErrorBudget:
    """The error budget of a proportion target: a miss is a unit on the wrong side (not answered in time
    for a `higher` target, reopened for a `lower` one); the allowed share of misses is 1 − target or the
    target itself; allowed = ⌊allowed share × expected volume⌋; burn rate = share of misses so far /
    allowed share."""
    share = 1 - target.target if target.direction == "higher" else target.target
    misses = n - successes if target.direction == "higher" else successes
    allowed = math.floor(share * expected_n + 1e-9)
    if n <= 0:
        burn = None
    elif share <= 0:
        burn = math.inf if misses > 0 else 0.0
    else:
        burn = (misses / n) / share
    return ErrorBudget(allowed, round(misses), burn)


def target_status(
    tables: KpiTables,
    settings: Settings,
    targets: Sequence[Target],
    at: date,
    agents: Mapping[str, Agent] | None = None,
) -> pd.DataFrame:
    """One row per target, period and member as of the end of local day `at` (see the module's doc), with
    `STATUS_COLUMNS` and one column per dimension any scope names. `agents` gives each agent's name and
    working days, so that an agent who joins or leaves mid-period is projected only over the days they
    work."""
    calendar = BusinessCalendar(settings.calendars[settings.default_calendar])
    scope_columns = [d for d in DIMENSIONS if any(d in t.scope for t in targets)]
    rows: list[dict[str, Any]] = []
    for target in targets:
        version = target.as_of(at)
        rows.extend(_TargetStatus(tables, settings, calendar, version, at, agents or {}).rows())
    columns = [STATUS_COLUMNS[0], *scope_columns, *STATUS_COLUMNS[1:]]
    # Every row holds every column, None where a target has no such scope dimension (never NaN).
    return pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns, dtype=object)


class _TargetStatus:
    """The rows of one target at one date."""

    def __init__(
        self,
        tables: KpiTables,
        settings: Settings,
        calendar: BusinessCalendar,
        target: Target,
        at: date,
        agents: Mapping[str, Agent],
    ) -> None:
        self.tables, self.settings, self.calendar = tables, settings, calendar
        self.target, self.at, self.agents = target, at, agents
        self.metric: Metric = target.catalogue_metric
        self.quantile = parse_stat(target.stat)[1] if target.stat else None
        self.first, self.last = period_of(target, at, calendar.week_start)
        self.through = min(at, self.last)
        self.ended = at >= self.last
        self.min_n = target.min_n or settings.metrics.small_sample
        self.confidence = settings.metrics.confidence

    def rows(self) -> list[dict[str, Any]]:
        if self.at < self.first:
            return [self._empty_row(None, None, "not_started", f"the target starts on {self.first}")]
        dims = list(self.target.scope)
        out = self._group_rows(dims, None)
        if self.target.per is not None:
            out.extend(self._group_rows([*dims, self.target.per], self.target.per))
        return out

    # -- queries -------------------------------------------------------------------------------------

    def _query(self, by: Sequence[str], metrics: Sequence[str], **changes: Any) -> KpiQuery:
        base = KpiQuery(
            metrics=list(metrics),
            by=list(by),
            period=self.target.period or "all",
            start=self.first,
            end=self.through,
            stat=self.target.stat,
            business_hours=self.target.business_hours,
        )
        return dataclasses.replace(base, **changes)

    def _in_scope(self, frame: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=frame.index)
        for dimension, value in self.target.scope.items():
            if dimension not in frame.columns:
                return frame.iloc[0:0]
            keep &= frame[dimension].map(_text) == value
        return frame[keep]

    def _results(self, by: Sequence[str], metrics: Sequence[str], **changes: Any) -> pd.DataFrame:
        query = self._query(by, metrics, **changes)
        return self._in_scope(compute_kpis(self.tables, self.settings, query, summaries=True))

    def _group_rows(self, by: list[str], per: str | None) -> list[dict[str, Any]]:
        t = self.target
        guard_metrics = [g.metric for g in t.guardrails]
        if t.stat in (None, self.metric.statistic):
            # Every metric at its own statistic: the target's and its guardrails' in one query.
            both = self._results(by, [t.metric, *guard_metrics], compare="previous", stat=None)
            current, guard_frame = both[both.metric == t.metric], both[both.metric != t.metric]
        else:
            current = self._results(by, [t.metric], compare="previous")
            guard_frame = (
                self._results(by, guard_metrics, compare="previous", stat=None)
                if guard_metrics
                else pd.DataFrame()
            )
        changed = _by_member(current, per)
        before_first, before_last = earlier_span(t, self.first, BASELINE_PERIODS, self.calendar.week_start)
        baseline = _by_member(
            self._results(by, [t.metric], start=before_first, end=before_last, period="all"), per
        )
        ordered = self._ordered(per) if self.quantile is not None else {}
        if not len(current):
            if per is not None:
                return []
            return [self._empty_row(None, None, "not_enough_data", f"no {self.metric.unit} in scope yet")]
        rows = []
        for record in current.to_dict(orient="records"):
            row = {str(k): v for k, v in record.items()}
            member = None if per is None else _text(row.get(per))
            if per is not None and member is None:
                continue
            guards = (
                guard_frame
                if per is None or not len(guard_frame)
                else guard_frame[guard_frame[per].map(_text) == member]
            )
            rows.append(
                self._row(
                    row,
                    per,
                    member,
                    changed.get(member),
                    baseline.get(member),
                    guards,
                    ordered.get(member, ()),
                )
            )
        return rows

    def _ordered(self, per: str | None) -> dict[str | None, list[float]]:
        """The values so far of a percentile target's records, ascending, per member (None: the scope)."""
        query = self._query([], [self.target.metric])
        records = metric_records(
            self.tables, self.settings, self.target.metric, query, dict(self.target.scope)
        )
        records = records[records.counted.astype(bool) & records.value.notna()]
        out: dict[str | None, list[float]] = {None: sorted(float(v) for v in records.value)}
        if per is not None:
            for member, group in records.groupby(per, dropna=True):
                out[_text(member)] = sorted(float(v) for v in group.value)
        return out

    # -- one row -------------------------------------------------------------------------------------

    def _row(
        self,
        row: Mapping[str, Any],
        per: str | None,
        member: str | None,
        changed: Mapping[str, Any] | None,
        baseline: Mapping[str, Any] | None,
        guards: pd.DataFrame,
        ordered: Sequence[float],
    ) -> dict[str, Any]:
        t, kind = self.target, self.metric.kind_object
        notes: list[str] = []
        value, n = number_or_none(row.get("value")), number_or_none(row.get("n")) or 0.0
        if row.get("available") is False and row.get("reason"):
            notes.append(str(row["reason"]))
        agent = self._agent(per, member)
        hired, left = agent.hired, agent.left
        if hired is not None and hired > self.first:
            notes.append(f"joined on {hired}")
        if left is not None and left <= self.last:
            notes.append(f"left on {left}")
        covered_to = _day(row.get("covered_to")) or self.through
        data_last = min(self.through, covered_to)
        if self.ended and data_last < self.last:
            notes.append(f"the data ends on {data_last}")
        elapsed = open_seconds(
            self.calendar, max(self.first, hired or self.first), min(data_last, left or data_last)
        )
        remaining = 0.0
        if not self.ended:
            remaining = open_seconds(self.calendar, data_last + _ONE_DAY, min(self.last, left or self.last))
        volume = kind.volume(row)
        pace = self._pace(volume, elapsed, baseline, hired, left, notes)
        more = 0.0 if remaining == 0 else (None if pace is None else pace * remaining)
        projection = (
            kind.project(row, self.quantile, more, self.confidence, ordered) if more is not None else None
        )
        status = self._status(value, n, projection)
        if status == "not_enough_data" and value is not None:
            notes.append(f"n {n:.0f} below min_n {self.min_n}")
        guardrails = [self._guardrail(_keyed(g)) for g in guards.to_dict(orient="records")]
        improved = self._improved(changed)
        budget = None
        expected_n = None if more is None else volume + more
        if kind.counts_successes and expected_n is not None and value is not None:
            budget = error_budget(t, number_or_none(row.get("k")) or 0.0, n, expected_n)
        out = self._empty_row(per, member, status, "; ".join(notes) or None)
        out.update(
            member_name=agent.name if per == "agent" else None,
            value=value,
            n=int(n),
            ci_low=number_or_none(row.get("ci_low")),
            ci_high=number_or_none(row.get("ci_high")),
            projected=None if projection is None else projection.value,
            projected_low=None if projection is None else projection.low,
            projected_high=None if projection is None else projection.high,
            expected_n=expected_n,
            change=None if changed is None else number_or_none(changed.get("change")),
            change_ci_low=None if changed is None else number_or_none(changed.get("change_ci_low")),
            change_ci_high=None if changed is None else number_or_none(changed.get("change_ci_high")),
            guardrails=guardrails,
            guardrail_breach=bool(improved and any(g["breached"] for g in guardrails)),
            budget_allowed=None if budget is None else budget.allowed,
            budget_used=None if budget is None else budget.used,
            burn_rate=None if budget is None else budget.burn_rate,
        )
        return out

    def _empty_row(
        self, per: str | None, member: str | None, status: str, note: str | None
    ) -> dict[str, Any]:
        t = self.target
        row: dict[str, Any] = dict.fromkeys(STATUS_COLUMNS)
        row.update(
            target_id=t.id,
            metric=t.metric,
            stat=t.stat or self.metric.statistic,
            unit=self.metric.unit,
            per=per,
            member=member,
            period_start=self.first,
            period_end=self.last,
            at=self.at,
            n=0,
            target=t.target,
            stretch=t.stretch,
            direction=t.direction,
            status=status,
            guardrails=[],
            guardrail_breach=False,
            note=note,
        )
        row.update(t.scope)
        return row

    def _agent(self, per: str | None, member: str | None) -> Agent:
        """The agent a row is about (an empty one when it is not one agent's)."""
        agent = member if per == "agent" else self.target.scope.get("agent")
        return Agent() if agent is None else self.agents.get(agent, Agent())

    def _pace(
        self,
        volume: float,
        elapsed: float,
        baseline: Mapping[str, Any] | None,
        hired: date | None,
        left: date | None,
        notes: list[str],
    ) -> float | None:
        """Volume per open second for the rest of the period: a count's own pace so far; any other
        metric's volume from the periods before (the period's own pace when they hold none)."""
        kind = self.metric.kind_object
        own = volume / elapsed if elapsed > 0 else None
        if kind.value_is_count and own is not None:
            return own
        before = None
        if baseline is not None:
            first = max(_day(baseline.get("covered_from")) or self.first, hired or date.min)
            last = min(_day(baseline.get("covered_to")) or self.first, left or date.max)
            seconds = open_seconds(self.calendar, first, last)
            before_volume = kind.volume(baseline)
            before = before_volume / seconds if seconds > 0 and before_volume > 0 else None
        if before is not None:
            return before
        if own is not None and not self.ended:
            notes.append("no earlier periods: the rest is projected at this period's own pace")
        return own

    def _status(self, value: float | None, n: float, projection: Any) -> str:
        t = self.target
        if value is None or n < self.min_n:
            return "not_enough_data"
        if self.ended:
            return "met" if t.better(value, t.target) else "missed"
        if projection is None or projection.low is None or projection.high is None:
            return "at_risk"
        worst, best = (
            (projection.high, projection.low) if t.direction == "lower" else (projection.low, projection.high)
        )
        if t.better(worst, t.target):
            return "on_track"
        if not t.better(best, t.target):
            return "off_track"
        return "at_risk"

    def _improved(self, changed: Mapping[str, Any] | None) -> bool:
        """Whether the target's metric moved significantly to its good side against the period before."""
        if changed is None or not changed.get("significant"):
            return False
        change = number_or_none(changed.get("change"))
        return change is not None and (change < 0 if self.target.direction == "lower" else change > 0)

    def _guardrail(self, row: Mapping[str, Any]) -> dict[str, Any]:
        metric = get_metric(str(row["metric"]))
        change = number_or_none(row.get("change"))
        worse = change is not None and (change < 0 if metric.direction == "higher" else change > 0)
        significant = bool(row.get("significant"))
        return {
            "metric": metric.id,
            "stat": row.get("stat"),
            "unit": metric.unit,
            "value": number_or_none(row.get("value")),
            "n": int(number_or_none(row.get("n")) or 0),
            "baseline": number_or_none(row.get("compare_value")),
            "change": change,
            "change_ci_low": number_or_none(row.get("change_ci_low")),
            "change_ci_high": number_or_none(row.get("change_ci_high")),
            "change_unit": row.get("change_unit"),
            "breached": bool(worse and significant),
        }


def _by_member(frame: pd.DataFrame, per: str | None) -> dict[str | None, dict[str, Any]]:
    """The rows of a scope's results by member (one row, under None, without `per`)."""
    out: dict[str | None, dict[str, Any]] = {}
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        out[None if per is None else _text(row.get(per))] = row
    return out


def _keyed(record: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in record.items()}


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _day(value: Any) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else None
