"""The overview: one card per headline KPI for the organisation, a team, or an agent's own numbers — the
value with n and its interval, the change against the period before with its significance, the target's
status, and the weekly values behind a sparkline. What the audience may see is decided here (see
`kpidesk.views._audience`), not in the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kpidesk.metrics import number_or_none
from kpidesk.views._audience import MIN_PEERS, Audience, scope_rows

__all__ = ["OVERVIEW_METRICS", "Card", "Overview", "overview"]

#: The headline KPIs of the overview, in the order of the cards.
OVERVIEW_METRICS = (
    "volume",
    "solved",
    "backlog",
    "first_reply_time",
    "full_resolution_time",
    "fcr_rate",
    "reopen_rate",
    "csat",
    "service_level",
    "aht",
)
#: How many days the overview covers unless asked otherwise, and how many weeks its sparklines show.
DEFAULT_DAYS = 28
SPARK_WEEKS = 12


@dataclass(frozen=True)
class Card:
    """One KPI for one scope. `value` is None when it cannot be measured (`reason` says why)."""

    metric: str
    stat: str
    unit: str
    direction: str
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    compare_value: float | None
    change: float | None
    change_ci_low: float | None
    change_ci_high: float | None
    change_unit: str | None
    significant: bool | None
    reason: str | None
    #: The team's value beside an agent's own (None where it would reveal a colleague's).
    team_value: float | None = None
    target_id: str | None = None
    target: float | None = None
    target_status: str | None = None
    sparkline: tuple[tuple[date, float | None], ...] = ()

    @property
    def better(self) -> bool | None:
        """Whether the change is an improvement (None without a significant change or a direction)."""
        if not self.significant or self.change is None or self.direction not in ("higher", "lower"):
            return None
        return (self.change > 0) == (self.direction == "higher")


@dataclass(frozen=True)
class Overview:
    """The cards of one scope over `start`–`end`, compared with the same number of days before."""

    team: str | None
    agent: str | None
    start: date
    end: date
    business_hours: bool
    cards: tuple[Card, ...] = field(default_factory=tuple)


def overview(
    workspace: Any,
    audience: Audience,
    *,
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    business_hours: bool = False,
    metrics: Sequence[str] = OVERVIEW_METRICS,
    last_day: date,
) -> Overview:
    """The overview of `team` (None: the organisation; for an agent, always their own numbers beside their
    team's) from `start` to `end` (default: the `DEFAULT_DAYS` days up to `last_day`, the data's last)."""
    import kpidesk

    end = end or last_day
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    agent = audience.agent_id if audience.role == "agent" else None
    if agent is None:
        audience.check_team(team)
    else:
        team = audience.agent_team
    by = ["agent"] if agent is not None else (["team"] if team is not None else [])
    common: dict[str, Any] = {"metrics": list(metrics), "business_hours": business_hours}
    rows = kpidesk.kpis(workspace, by=by, period="all", start=start, end=end, compare="previous", **common)
    rows = scope_rows(rows, team, agent)
    spark_start = end - timedelta(weeks=SPARK_WEEKS) + timedelta(days=1)
    weekly = scope_rows(
        kpidesk.kpis(workspace, by=by, period="week", start=spark_start, end=end, **common), team, agent
    )
    team_values = _team_values(workspace, team, start, end, common) if agent is not None else {}
    statuses = _target_statuses(workspace, end, team, agent)
    cards = []
    for record in rows.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        metric = str(row["metric"])
        spark = weekly[weekly.metric == metric].sort_values("period_start")
        status = statuses.get(metric, {})
        cards.append(
            Card(
                metric=metric,
                stat=str(row["stat"]),
                unit=str(row["unit"]),
                direction=_direction(metric),
                value=number_or_none(row.get("value")),
                n=int(number_or_none(row.get("n")) or 0),
                ci_low=number_or_none(row.get("ci_low")),
                ci_high=number_or_none(row.get("ci_high")),
                compare_value=number_or_none(row.get("compare_value")),
                change=number_or_none(row.get("change")),
                change_ci_low=number_or_none(row.get("change_ci_low")),
                change_ci_high=number_or_none(row.get("change_ci_high")),
                change_unit=row.get("change_unit"),
                significant=row.get("significant") if isinstance(row.get("significant"), bool) else None,
                reason=None if row.get("available", True) else str(row.get("reason") or ""),
                team_value=team_values.get(metric),
                target_id=status.get("target_id"),
                target=number_or_none(status.get("target")),
                target_status=status.get("status"),
                sparkline=tuple(
                    (d, number_or_none(v)) for d, v in zip(spark.period_start, spark.value, strict=True)
                ),
            )
        )
    order = {m: i for i, m in enumerate(metrics)}
    cards.sort(key=lambda c: order.get(c.metric, len(order)))
    return Overview(team, agent, start, end, business_hours, tuple(cards))


def _team_values(
    workspace: Any, team: str | None, start: date, end: date, common: dict[str, Any]
) -> dict[str, float | None]:
    """The team's value of each metric, kept only where at least `MIN_PEERS` agents contribute to it."""
    import kpidesk

    if team is None:
        return {}
    per_agent = kpidesk.kpis(workspace, by=["team", "agent"], period="all", start=start, end=end, **common)
    per_agent = per_agent[(per_agent["team"] == team) & per_agent["agent"].notna() & (per_agent["n"] > 0)]
    peers = per_agent.groupby("metric")["agent"].nunique().to_dict()
    whole = kpidesk.kpis(workspace, by=["team"], period="all", start=start, end=end, **common)
    whole = whole[whole["team"] == team]
    return {
        str(m): number_or_none(v)
        for m, v in zip(whole.metric, whole.value, strict=True)
        if peers.get(m, 0) >= MIN_PEERS
    }


def _target_statuses(
    workspace: Any, at: date, team: str | None, agent: str | None
) -> dict[str, dict[str, Any]]:
    """Per metric, the first target whose row is this scope's (an agent's own row for an agent)."""
    import kpidesk
    from kpidesk.metrics import DIMENSIONS

    frame = kpidesk.targets_status(workspace, at=at)
    wanted = {} if team is None else {"team": team}
    out: dict[str, dict[str, Any]] = {}
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        scope = {d: row[d] for d in DIMENSIONS if row.get(d) is not None}
        if agent is not None:
            mine = row.get("per") == "agent" and row.get("member") == agent
        else:
            mine = scope == wanted and row.get("member") is None
        if mine and row["metric"] not in out:
            out[str(row["metric"])] = row
    return out


def _direction(metric_id: str) -> str:
    from kpidesk.metrics import get_metric

    return str(get_metric(metric_id).direction)
