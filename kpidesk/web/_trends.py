"""The trends page's figures: one metric by day, week or month for the organisation, a team, or an agent's
own numbers — each period's value with n and its interval, whether the period is partial, and the
threshold of the target on that metric and scope. Every period from the first to the last day asked for
has a row, so a period without a value says why instead of vanishing. What the audience may see is
decided here (see `kpidesk.views`): an agent gets their own line, and their team's only in the periods
where at least `MIN_PEERS` agents contribute to it."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics import number_or_none
from kpidesk.views import MIN_PEERS, Audience, scope_rows

__all__ = [
    "TREND_PERIODS",
    "Trend",
    "TrendRow",
    "TrendTarget",
    "default_span",
    "trend_metrics",
    "trends",
]

#: Why a period without a row in the result has no value.
NO_DATA = "no data in this period"
#: The periods a trend can be drawn by.
TREND_PERIODS = ("day", "week", "month")
#: How many periods a trend shows unless asked otherwise: about a month of days, half a year of weeks, a
#: year of months.
DEFAULT_COUNT = {"day": 31, "week": 26, "month": 12}
#: Columns of a `kpis` result that split one metric's value into several lines (the SLA attained on
#: first replies and on resolutions).
SERIES_COLUMNS = ("sla_metric",)


@dataclass(frozen=True)
class TrendRow:
    """One period of one line. `value` is None when it cannot be measured (`reason` says why); a `partial`
    period covers only `covered_from`–`covered_to` of its days (the data or the dates asked for end
    inside it). For an agent, `team_value` is their team's value, None where `team_hidden` (fewer than
    `MIN_PEERS` agents contribute) or where the team has none."""

    period_start: date
    period_end: date
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    partial: bool
    covered_from: date | None
    covered_to: date | None
    reason: str | None
    series: str | None = None
    team_value: float | None = None
    team_hidden: bool = False


@dataclass(frozen=True)
class TrendTarget:
    """The target drawn on a trend: its threshold as it stands at the trend's last day."""

    target_id: str
    value: float
    direction: str


@dataclass(frozen=True)
class Trend:
    """One metric by `period` from `start` to `end` for `team` (None: the organisation), or for the
    agent `agent` (their own numbers). `target_elsewhere` says a target on this metric and scope exists
    but in the other clock (business or calendar hours), so it is not drawn against these values."""

    metric: str
    stat: str
    unit: str
    direction: str
    period: str
    team: str | None
    agent: str | None
    start: date
    end: date
    business_hours: bool
    rows: tuple[TrendRow, ...] = field(default_factory=tuple)
    target: TrendTarget | None = None
    target_elsewhere: bool = False


def trend_metrics(workspace: Any) -> list[str]:
    """The catalogue's metrics the workspace's data can measure, in the catalogue's order."""
    import kpidesk

    frame = kpidesk.kpis(workspace, by=[], period="all")
    available = {str(m) for m, ok in zip(frame.metric, frame.available, strict=True) if bool(ok)}
    return [m.id for m in kpidesk.CATALOGUE if m.id in available]


def week_start_of(workspace: Any) -> int:
    """The default calendar's first day of the week (0 = Monday): where a trend's weeks start."""
    from kpidesk.calendars import BusinessCalendar

    settings = workspace.settings
    return int(BusinessCalendar(settings.calendars[settings.default_calendar]).week_start)


def period_start_of(day: date, period: str, week_start: int) -> date:
    """The first day of the `period` that holds `day`."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=(day.weekday() - week_start) % 7)
    return day.replace(day=1)


def period_end_of(first: date, period: str) -> date:
    """The last day of the `period` that starts on `first`."""
    if period == "day":
        return first
    if period == "week":
        return first + timedelta(days=6)
    return first.replace(day=_calendar.monthrange(first.year, first.month)[1])


def default_span(period: str, end: date, week_start: int) -> tuple[date, date]:
    """The `DEFAULT_COUNT` periods up to `end`, the first one whole."""
    first = period_start_of(end, period, week_start)
    for _ in range(DEFAULT_COUNT[period] - 1):
        first = period_start_of(first - timedelta(days=1), period, week_start)
    return first, end


def trends(
    workspace: Any,
    audience: Audience,
    *,
    metric: str,
    period: str = "week",
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    business_hours: bool = False,
    last_day: date,
) -> Trend:
    """The trend of `metric` by `period` for `team` (None: the organisation; an agent always gets their
    own numbers), from `start` to `end` (default: `default_span` up to `last_day`, the data's last)."""
    import kpidesk
    from kpidesk.metrics import get_metric

    if period not in TREND_PERIODS:
        raise InvalidRequest(f"expected a period of {', '.join(TREND_PERIODS)}, got {period!r}")
    definition = get_metric(metric)
    agent = audience.agent_id if audience.role == "agent" else None
    if agent is not None:
        if team and team != audience.agent_team:
            audience.check_team(team)
        team = audience.agent_team
    else:
        audience.check_team(team)
    week_start = week_start_of(workspace)
    end = end or last_day
    asked_start = start is not None
    start = start or default_span(period, end, week_start)[0]
    if start > end:
        raise InvalidRequest(f"the first day ({start}) is after the last ({end})")
    by = ["agent"] if agent is not None else (["team"] if team is not None else [])
    common: dict[str, Any] = {"metrics": [metric], "business_hours": business_hours, "period": period}
    frame = kpidesk.kpis(workspace, by=by, start=start, end=end, **common)
    frame = scope_rows(frame, team, agent)
    team_line = _team_line(workspace, team, start, end, common) if agent is not None else _TeamLine()
    grid = _periods(start, end, period, week_start)
    rows = _rows(frame, grid, period, start, end, last_day, team_line)
    if not asked_start:
        # Without a first day asked for, the trend starts where this scope's data does.
        starts = [r.period_start for r in rows if r.value is not None or r.team_value is not None]
        if starts:
            start = max(start, min(starts))
            rows = [r for r in rows if r.period_start >= start]
    stat = str(frame["stat"].iloc[0]) if len(frame) else ""
    target, elsewhere = _target(workspace, metric, stat, team, agent, business_hours, end)
    return Trend(
        metric=metric,
        stat=stat,
        unit=str(definition.unit),
        direction=str(definition.direction),
        period=period,
        team=team,
        agent=agent,
        start=start,
        end=end,
        business_hours=business_hours,
        rows=tuple(rows),
        target=target,
        target_elsewhere=elsewhere,
    )


def _periods(start: date, end: date, period: str, week_start: int) -> list[date]:
    """The first day of every period that reaches into `start`–`end`."""
    out, first = [], period_start_of(start, period, week_start)
    while first <= end:
        out.append(first)
        first = period_end_of(first, period) + timedelta(days=1)
    return out


def _series_of(row: dict[str, Any]) -> str | None:
    for column in SERIES_COLUMNS:
        value = row.get(column)
        if isinstance(value, str):
            return value
    return None


def _rows(
    frame: pd.DataFrame,
    grid: list[date],
    period: str,
    start: date,
    end: date,
    last_day: date,
    team_line: _TeamLine,
) -> list[TrendRow]:
    """One row per series and period of `grid`; a period the result has no row for has no value. An
    agent's rows carry no coverage of their own: the team's tells which periods the data only partly
    cover."""
    found: dict[tuple[str | None, date], dict[str, Any]] = {}
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        found[(_series_of(row), pd.Timestamp(row["period_start"]).date())] = row
    series = sorted({s for s, _ in found}, key=lambda s: (s is not None, s or "")) or [None]
    rows = []
    for name in series:
        for first in grid:
            last = period_end_of(first, period)
            row = found.get((name, first), {})
            value = number_or_none(row.get("value")) if row.get("available", True) else None
            reason = None
            if value is None:
                given = row.get("reason")
                reason = str(given) if isinstance(given, str) and given else NO_DATA
            # Cut by the dates asked for or by the data's end, whatever the engine could tell of its sources.
            cut = first < start or last > end or last > last_day
            team_key = (name, first)
            partial_team, team_from, team_to = team_line.coverage.get(team_key, (False, None, None))
            covered_from = _day(row.get("covered_from")) or team_from or max(first, start)
            covered_to = _day(row.get("covered_to")) or team_to or min(last, end, last_day)
            rows.append(
                TrendRow(
                    period_start=first,
                    period_end=last,
                    value=value,
                    n=int(number_or_none(row.get("n")) or 0),
                    ci_low=number_or_none(row.get("ci_low")) if value is not None else None,
                    ci_high=number_or_none(row.get("ci_high")) if value is not None else None,
                    partial=bool(row.get("partial", False)) or partial_team or cut,
                    covered_from=covered_from,
                    covered_to=covered_to,
                    reason=reason,
                    series=name,
                    team_value=team_line.shown.get(team_key),
                    team_hidden=team_key in team_line.hidden,
                )
            )
    return rows


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


@dataclass
class _TeamLine:
    """An agent's team per series and period: its value where at least `MIN_PEERS` agents contribute
    (`shown`), the periods where it has one but fewer do (`hidden`), and which days of each period the
    data cover (partial, first, last)."""

    shown: dict[tuple[str | None, date], float | None] = field(default_factory=dict)
    hidden: set[tuple[str | None, date]] = field(default_factory=set)
    coverage: dict[tuple[str | None, date], tuple[bool, date | None, date | None]] = field(
        default_factory=dict
    )


def _team_line(workspace: Any, team: str | None, start: date, end: date, common: dict[str, Any]) -> _TeamLine:
    """The team beside an agent's own line, kept only where it never gives away one colleague's value."""
    import kpidesk

    line = _TeamLine()
    if team is None:
        return line
    per_agent = kpidesk.kpis(workspace, by=["team", "agent"], start=start, end=end, **common)
    per_agent = per_agent[(per_agent["team"] == team) & per_agent["agent"].notna() & (per_agent["n"] > 0)]
    peers: dict[tuple[str | None, date], set[str]] = {}
    for record in per_agent.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        key = (_series_of(row), pd.Timestamp(row["period_start"]).date())
        peers.setdefault(key, set()).add(str(row["agent"]))
    whole = kpidesk.kpis(workspace, by=["team"], start=start, end=end, **common)
    for record in whole[whole["team"] == team].to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        key = (_series_of(row), pd.Timestamp(row["period_start"]).date())
        line.coverage[key] = (
            bool(row.get("partial")),
            _day(row.get("covered_from")),
            _day(row.get("covered_to")),
        )
        value = number_or_none(row.get("value")) if row.get("available", True) else None
        if value is None:
            continue
        if len(peers.get(key, ())) >= MIN_PEERS:
            line.shown[key] = value
        else:
            line.hidden.add(key)
    return line


def _target(
    workspace: Any,
    metric: str,
    stat: str,
    team: str | None,
    agent: str | None,
    business_hours: bool,
    at: date,
) -> tuple[TrendTarget | None, bool]:
    """The target on `metric` for this scope as it stands at `at`, and whether one exists only in the
    other clock. A team's target is one scoped to exactly that team (its `per: agent` targets set each
    agent the same threshold); an agent's is a `per: agent` target of their team or of everyone."""
    from kpidesk.targets import TARGETS_FILE, read_targets

    wanted = {} if team is None else {"team": team}
    elsewhere = False
    for target in read_targets(workspace.path / TARGETS_FILE):
        if target.metric != metric:
            continue
        current = target.as_of(at)
        if agent is not None:
            fits = current.per == "agent" and dict(current.scope) in ({}, wanted)
        else:
            fits = dict(current.scope) == wanted
        if not fits or (current.stat is not None and stat and current.stat != stat):
            continue
        if current.business_hours != business_hours:
            elsewhere = True
            continue
        return TrendTarget(current.id, float(current.target), str(current.direction)), False
    return None, elsewhere
