"""The breakdown: one KPI split by one dimension over a span of days, each row with n, its interval and the
change against the same number of days before. What the audience may see is decided
here (see `kpidesk.views`):

- an **admin** sees every row, or one team's rows when a team is chosen;
- a **manager** sees the rows of one of their teams (by team: their teams' rows only);
- an **agent** sees only their own numbers: by agent, their own row; by any other dimension, their own
  tickets (or calls) split by it — never a colleague's row, id or name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.metrics import number_or_none
from kpidesk.views import Audience

__all__ = ["BREAKDOWN_DIMENSIONS", "SORTS", "Breakdown", "BreakdownRow", "breakdown", "dimensions_present"]

#: The dimensions a breakdown splits by, each with the `kpidesk list` listing that says the data has it.
BREAKDOWN_DIMENSIONS = {
    "team": "teams",
    "agent": "agents",
    "channel": "channels",
    "priority": "priorities",
    "category": "categories",
    "queue": "queues",
}
#: The orders of the rows: by the row's name, its value or its n (a leading `-` for descending).
SORTS = ("name", "-name", "value", "-value", "n", "-n")
DEFAULT_DAYS = 28


@dataclass(frozen=True)
class BreakdownRow:
    """One value of the dimension. `value` is None when it cannot be measured (`reason` says why)."""

    key: str | None
    name: str | None
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    change: float | None
    change_unit: str | None
    significant: bool | None
    reason: str | None
    #: The records' filters of this row (for `/records`): the dimension's value and the audience's scope.
    filters: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdown:
    metric: str
    by: str
    team: str | None
    start: date
    end: date
    business_hours: bool
    stat: str
    unit: str
    direction: str
    sort: str
    #: True when the rows are the viewer's own numbers only (an agent).
    own: bool
    rows: tuple[BreakdownRow, ...] = ()


def dimensions_present(workspace: Any) -> list[str]:
    """The breakdown dimensions the workspace's data has at least one value of."""
    import kpidesk

    present = []
    for dim, listing in BREAKDOWN_DIMENSIONS.items():
        frame = kpidesk.list_values(listing, workspace=workspace)
        if dim in frame.columns and frame[dim].notna().any():
            present.append(dim)
    return present


def breakdown(
    workspace: Any,
    audience: Audience,
    *,
    metric: str,
    by: str,
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    business_hours: bool = False,
    sort: str = "name",
    last_day: date,
) -> Breakdown:
    """`metric` by `by` from `start` to `end` (default: the `DEFAULT_DAYS` days up to `last_day`), for what
    `audience` may see; `team` narrows an admin's or manager's rows to one team."""
    import kpidesk
    from kpidesk.metrics import get_metric

    if by not in BREAKDOWN_DIMENSIONS:
        raise InvalidRequest(f"expected a dimension among {', '.join(BREAKDOWN_DIMENSIONS)}, got {by!r}")
    if sort not in SORTS:
        raise InvalidRequest(f"expected a sort among {', '.join(SORTS)}, got {sort!r}")
    try:
        definition = get_metric(metric)
    except Exception:
        raise InvalidRequest(f"unknown metric {metric!r}; `kpidesk metrics` lists them") from None
    end = end or last_day
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidRequest("the first day comes after the last")
    scope, group = _scope(audience, by, team)
    frame = kpidesk.kpis(
        workspace,
        by=group,
        period="all",
        start=start,
        end=end,
        metrics=[metric],
        business_hours=business_hours,
        compare="previous",
    )
    for dim, value in scope.items():
        frame = frame[frame[dim].map(lambda v, want=value: v == want)]
    if audience.role == "manager" and by == "team":
        frame = frame[frame["team"].map(lambda v: v in audience.teams)]
    rows = [_row(record, by, scope) for record in frame.to_dict(orient="records")]
    stat = str(frame["stat"].iloc[0]) if len(frame) else ""
    unit = str(frame["unit"].iloc[0]) if len(frame) else str(definition.unit)
    return Breakdown(
        metric=metric,
        by=by,
        team=scope.get("team") if audience.role != "agent" else None,
        start=start,
        end=end,
        business_hours=business_hours,
        stat=stat,
        unit=unit,
        direction=str(definition.direction),
        sort=sort,
        own=audience.role == "agent",
        rows=tuple(sort_rows(rows, sort)),
    )


def _scope(audience: Audience, by: str, team: str | None) -> tuple[dict[str, str], list[str]]:
    """The fixed dimensions of the audience's rows and the `by` of the query that gives them."""
    if audience.role == "agent":
        if audience.agent_id is None:
            raise InvalidRequest("this account is not linked to an agent")
        mine = {"agent": audience.agent_id}
        return mine, ["agent"] if by == "agent" else ["agent", by]
    if by == "team":
        if team:
            audience.check_team(team)
            return {"team": team}, ["team"]
        return {}, ["team"]
    if not team and audience.role == "manager":
        raise InvalidRequest("choose one of your teams")
    if team:
        audience.check_team(team)
        return {"team": team}, ["team", by]
    return {}, [by]


def _row(record: dict[Any, Any], by: str, scope: dict[str, str]) -> BreakdownRow:
    row = {str(k): v for k, v in record.items()}
    key = row.get(by)
    key = None if key is None or (isinstance(key, float) and key != key) else str(key)
    name = row.get("agent_name") if by == "agent" else None
    available = bool(row.get("available", True))
    return BreakdownRow(
        key=key,
        name=None if not isinstance(name, str) else name,
        value=number_or_none(row.get("value")) if available else None,
        n=int(number_or_none(row.get("n")) or 0),
        ci_low=number_or_none(row.get("ci_low")),
        ci_high=number_or_none(row.get("ci_high")),
        change=number_or_none(row.get("change")),
        change_unit=row.get("change_unit") if isinstance(row.get("change_unit"), str) else None,
        significant=row.get("significant") if isinstance(row.get("significant"), bool) else None,
        reason=None if available else str(row.get("reason") or ""),
        filters={**scope, by: key},
    )


def sort_rows(rows: list[BreakdownRow], sort: str) -> list[BreakdownRow]:
    """The rows in the order `sort` asks for; rows without a value last whichever the direction."""
    field_name = sort.lstrip("-")
    descending = sort.startswith("-")

    def named(row: BreakdownRow) -> str:
        return (row.name or row.key or "").casefold()

    if field_name == "name":
        return sorted(rows, key=named, reverse=descending)
    measured = [r for r in rows if (r.value if field_name == "value" else r.n) is not None]
    unmeasured = [r for r in rows if r not in measured]
    measured.sort(key=lambda r: (r.value if field_name == "value" else r.n) or 0, reverse=descending)
    return measured + sorted(unmeasured, key=named)
