"""The agent scorecard: one agent's KPIs over a span beside their team's value of the same KPI, the change
against the span before, and the agent's own targets (`per: agent` rows of the target status). Who may
see which agent is decided here: an agent only themselves, a manager the agents of their teams, an admin
anyone; a team's value is kept only where at least `MIN_PEERS` agents contribute to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics import number_or_none
from kpidesk.views import MIN_PEERS, Audience, Forbidden

__all__ = ["SCORECARD_METRICS", "AgentEntry", "ScoreLine", "Scorecard", "agents_visible", "scorecard"]

#: The KPIs an agent answers for, in the order of the table: what they handled, how fast, how well.
SCORECARD_METRICS = (
    "volume",
    "solved",
    "tickets_solved_per_hour",
    "first_reply_time",
    "full_resolution_time",
    "agent_replies",
    "one_touch_rate",
    "fcr_rate",
    "reopen_rate",
    "csat",
    "qa_score",
    "answered",
    "aht",
)
#: How many days a scorecard covers unless asked otherwise: one agent's month is a small sample.
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class AgentEntry:
    """An agent of the agents table: id, name (the id where the table has none) and team."""

    agent_id: str
    name: str
    team: str | None


@dataclass(frozen=True)
class ScoreLine:
    """One KPI of the agent. `value` is None when it cannot be measured (`reason` says why); `team_value`
    is None where the team has fewer than `MIN_PEERS` contributing agents (`team_peers` says how many)."""

    metric: str
    stat: str
    unit: str
    direction: str
    value: float | None
    n: int
    reason: str | None
    compare_value: float | None
    change: float | None
    change_unit: str | None
    significant: bool | None
    team_value: float | None
    team_peers: int


@dataclass(frozen=True)
class Scorecard:
    """An agent's KPIs from `start` to `end` against as many days before, and their own target rows."""

    agent: str
    agent_name: str
    team: str | None
    start: date
    end: date
    business_hours: bool
    lines: tuple[ScoreLine, ...]
    targets: tuple[dict[str, Any], ...]


def agents_visible(workspace: Any, audience: Audience) -> list[AgentEntry]:
    """The agents whose scorecard `audience` may open, by name: all for an admin, their teams' for a
    manager, only themselves for an agent."""
    everyone = _directory(workspace)
    if audience.role == "admin":
        chosen = list(everyone.values())
    elif audience.role == "manager":
        chosen = [a for a in everyone.values() if a.team is not None and a.team in audience.teams]
    else:
        own = audience.agent_id
        chosen = [] if own is None else [everyone.get(own, AgentEntry(own, own, audience.agent_team))]
    return sorted(chosen, key=lambda a: (a.name.casefold(), a.agent_id))


def scorecard(
    workspace: Any,
    audience: Audience,
    *,
    agent: str | None = None,
    start: date | None = None,
    end: date | None = None,
    business_hours: bool = False,
    metrics: Sequence[str] = SCORECARD_METRICS,
    last_day: date,
) -> Scorecard:
    """The scorecard of `agent` (an agent: always their own; others: default the first agent they may
    see) from `start` to `end` (default: the `DEFAULT_DAYS` days up to `last_day`, the data's last)."""
    import kpidesk

    entry = _allowed_agent(workspace, audience, agent)
    end = end or last_day
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidRequest(f"the first day {start} comes after the last day {end}")
    common: dict[str, Any] = {
        "metrics": list(metrics),
        "business_hours": business_hours,
        "period": "all",
        "start": start,
        "end": end,
    }
    own = kpidesk.kpis(workspace, by=["agent"], compare="previous", **common)
    own = own[own["agent"].map(lambda v: v == entry.agent_id)]
    team_values, peers = _team_values(workspace, entry.team, common)
    found = {str(r["metric"]): {str(k): v for k, v in r.items()} for r in own.to_dict(orient="records")}
    lines = tuple(
        _line(metric, found.get(metric), team_values.get(metric), peers.get(metric, 0)) for metric in metrics
    )
    return Scorecard(
        agent=entry.agent_id,
        agent_name=entry.name,
        team=entry.team,
        start=start,
        end=end,
        business_hours=business_hours,
        lines=lines,
        targets=_own_targets(workspace, entry.agent_id, end),
    )


def _directory(workspace: Any) -> dict[str, AgentEntry]:
    with workspace.connect(read_only=True) as con:
        rows = con.execute("SELECT agent_id, name, team_id FROM agents ORDER BY agent_id").fetchall()
    out: dict[str, AgentEntry] = {}
    for agent_id, name, team in rows:
        if agent_id is not None and str(agent_id) not in out:
            out[str(agent_id)] = AgentEntry(str(agent_id), str(name or agent_id), team and str(team))
    return out


def _allowed_agent(workspace: Any, audience: Audience, agent: str | None) -> AgentEntry:
    """The agent asked for, once `audience` may see them; a refusal names no one and does not tell
    whether the id exists."""
    if audience.role == "agent":
        if audience.agent_id is None or agent not in (None, "", audience.agent_id):
            raise Forbidden("you may see only your own figures")
        return agents_visible(workspace, audience)[0]
    visible = agents_visible(workspace, audience)
    if not agent:
        if not visible:
            raise InvalidRequest("there is no agent to show: the agents table is empty for your teams")
        return visible[0]
    for entry in visible:
        if entry.agent_id == agent:
            return entry
    if audience.role == "admin":
        raise InvalidRequest("no agent has this id in the agents table")
    raise Forbidden("you may see the agents of your teams only")


def _team_values(
    workspace: Any, team: str | None, common: dict[str, Any]
) -> tuple[dict[str, float | None], dict[str, int]]:
    """The team's value of each metric (kept only where at least `MIN_PEERS` agents contribute) and how
    many agents contribute to each."""
    import kpidesk

    if team is None:
        return {}, {}
    per_agent = kpidesk.kpis(workspace, by=["team", "agent"], **common)
    per_agent = per_agent[(per_agent["team"] == team) & per_agent["agent"].notna() & (per_agent["n"] > 0)]
    peers = {str(m): int(c) for m, c in per_agent.groupby("metric")["agent"].nunique().items()}
    whole = kpidesk.kpis(workspace, by=["team"], **common)
    whole = whole[whole["team"] == team]
    values = {
        str(m): number_or_none(v)
        for m, v in zip(whole.metric, whole.value, strict=True)
        if peers.get(str(m), 0) >= MIN_PEERS
    }
    return values, peers


def _line(metric: str, row: dict[str, Any] | None, team_value: float | None, peers: int) -> ScoreLine:
    from kpidesk.metrics import get_metric

    definition = get_metric(metric)
    if row is None:
        row = {"stat": definition.default_stat, "unit": definition.unit, "n": 0}
    available = bool(row.get("available", True)) and number_or_none(row.get("value")) is not None
    significant = row.get("significant")
    return ScoreLine(
        metric=metric,
        stat=str(row.get("stat") or definition.default_stat),
        unit=str(row.get("unit") or definition.unit),
        direction=str(definition.direction),
        value=number_or_none(row.get("value")) if available else None,
        n=int(number_or_none(row.get("n")) or 0),
        reason=None if available else str(row.get("reason") or "") or None,
        compare_value=number_or_none(row.get("compare_value")),
        change=number_or_none(row.get("change")) if available else None,
        change_unit=None if pd.isna(row.get("change_unit")) else str(row.get("change_unit")),
        significant=significant if isinstance(significant, bool) else None,
        team_value=team_value,
        team_peers=peers,
    )


def _own_targets(workspace: Any, agent: str, at: date) -> tuple[dict[str, Any], ...]:
    """The agent's own rows of the target status (`per: agent` targets name each agent as a member)."""
    import kpidesk

    frame = kpidesk.targets_status(workspace, at=at)
    if not len(frame):
        return ()
    mine = frame[(frame["per"] == "agent") & (frame["member"] == agent)]
    return tuple({str(k): v for k, v in r.items()} for r in mine.to_dict(orient="records"))
