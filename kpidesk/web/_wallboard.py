"""The wallboard: a team's few big numbers for "today" and the running week, for a screen on the wall.
"Today" is the data's last day (an export ends when it was taken, not now); the week runs from the team
calendar's first weekday to that day. The board says how fresh its data is: the last instant the
warehouse holds (a ticket created, a call arriving, a survey answered). Managers see their teams' boards,
admins any team's; agents none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kpidesk.metrics import number_or_none
from kpidesk.views import Audience, Forbidden

__all__ = ["WALLBOARD_METRICS", "Tile", "Wallboard", "data_until", "wallboard"]

#: The board's numbers, in order: a stock (the backlog) and what came in, went out and how fast.
WALLBOARD_METRICS = ("backlog", "volume", "solved", "first_reply_time", "service_level")
#: The instants that date the warehouse's newest data: the same ones its last day is taken from.
_NEWEST = (("tickets", "created_at"), ("calls", "arrived_at"), ("surveys", "responded_at"))
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Tile:
    """One number of the board for today and for the week so far (a stock such as the backlog has one
    value, at the end of today: `week` is None). A value is None when it cannot be measured (`reason`)."""

    metric: str
    stat: str
    unit: str
    today: float | None
    today_n: int
    week: float | None
    week_n: int
    reason: str | None
    stock: bool


@dataclass(frozen=True)
class Wallboard:
    """A team's board as of `today` (the data's last day), from `week_start`; `data_until` is the newest
    instant in the warehouse (local time), `refreshed` when the board was computed (local time)."""

    team: str
    today: date
    week_start: date
    data_until: datetime | None
    refreshed: datetime
    business_hours: bool
    tiles: tuple[Tile, ...]
    targets: tuple[dict[str, Any], ...]


def wallboard(
    workspace: Any, audience: Audience, *, team: str, last_day: date, business_hours: bool = False
) -> Wallboard:
    """The board of `team` (refused to agents and to managers of other teams)."""
    import kpidesk

    if audience.role == "agent":
        raise Forbidden("the wallboard is for managers and administrators")
    audience.check_team(team)
    calendar = workspace.settings.calendars.get(workspace.settings.calendar_for_team(team))
    first_weekday = _WEEKDAYS.index(calendar.week_start) if calendar is not None else 0
    week_start = last_day - timedelta(days=(last_day.weekday() - first_weekday) % 7)
    common: dict[str, Any] = {
        "metrics": list(WALLBOARD_METRICS),
        "by": ["team"],
        "business_hours": business_hours,
        "end": last_day,
    }
    today = _rows(kpidesk.kpis(workspace, period="day", start=last_day, **common), team)
    week = _rows(kpidesk.kpis(workspace, period="all", start=week_start, **common), team)
    tiles = tuple(_tile(metric, today.get(metric), week.get(metric)) for metric in WALLBOARD_METRICS)
    zone = ZoneInfo(workspace.settings.timezone)
    return Wallboard(
        team=team,
        today=last_day,
        week_start=week_start,
        data_until=data_until(workspace),
        refreshed=datetime.now(zone).replace(microsecond=0, tzinfo=None),
        business_hours=business_hours,
        tiles=tiles,
        targets=_team_targets(workspace, team, last_day),
    )


def data_until(workspace: Any) -> datetime | None:
    """The newest instant the warehouse holds, in the workspace's local time (None without data)."""
    newest: datetime | None = None
    with workspace.connect(read_only=True) as con:
        for table, column in _NEWEST:
            (found,) = con.execute(f"SELECT max({column}) FROM {table}").fetchone() or (None,)
            if found is not None and (newest is None or found > newest):
                newest = found
    if newest is None:
        return None
    zone = ZoneInfo(workspace.settings.timezone)
    return newest.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)


def _rows(frame: Any, team: str) -> dict[str, dict[str, Any]]:
    frame = frame[frame["team"].map(lambda v: v == team)]
    out: dict[str, dict[str, Any]] = {}
    for record in frame.to_dict(orient="records"):
        out.setdefault(str(record["metric"]), {str(k): v for k, v in record.items()})
    return out


def _tile(metric: str, today: dict[str, Any] | None, week: dict[str, Any] | None) -> Tile:
    from kpidesk.metrics import get_metric

    definition = get_metric(metric)
    stock = metric == "backlog"
    counted = definition.kind == "count"
    found = today or week or {}
    reasons = [str(r.get("reason") or "") for r in (today, week) if r and not r.get("available", True)]
    return Tile(
        metric=metric,
        stat=str(found.get("stat") or definition.default_stat),
        unit=str(found.get("unit") or definition.unit),
        today=_value(today, counted),
        today_n=int(number_or_none((today or {}).get("n")) or 0),
        week=None if stock else _value(week, counted),
        week_n=int(number_or_none((week or {}).get("n")) or 0),
        reason=next((r for r in reasons if r), None),
        stock=stock,
    )


def _value(row: dict[str, Any] | None, counted: bool) -> float | None:
    """A row's value; a count the team has no row for is zero (nothing was created, solved or open)."""
    if row is None:
        return 0.0 if counted else None
    if not row.get("available", True):
        return None
    return number_or_none(row.get("value"))


def _team_targets(workspace: Any, team: str, at: date) -> tuple[dict[str, Any], ...]:
    """The status rows of the team's own targets (not those per agent: the wall is seen by everyone)."""
    import kpidesk

    frame = kpidesk.targets_status(workspace, at=at)
    if not len(frame) or "team" not in frame.columns:
        return ()
    mine = frame[(frame["team"] == team) & frame["member"].isna()]
    return tuple({str(k): v for k, v in r.items()} for r in mine.to_dict(orient="records"))
