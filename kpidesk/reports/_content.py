"""What a report says, before it is rendered: the headline KPIs of its audience over its period, the
targets that concern that audience, the biggest movers and what drove them, and the weekly trend. It only
collects numbers computed by `kpidesk.kpis` and `kpidesk.targets_status`; rendering is elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpidesk import KpideskError
from kpidesk.metrics import number_or_none
from kpidesk.reports._definition import ReportAudience, ReportDefinition
from kpidesk.reports._movers import Driver, Mover, Scope, find_movers
from kpidesk.reports._period import ReportPeriod
from kpidesk.views import MIN_PEERS, SPARK_WEEKS, Audience, Card, overview

__all__ = ["Driver", "Mover", "ReportContent", "TrendPoint", "build_content"]


@dataclass(frozen=True)
class TrendPoint:
    """One week's value of a headline metric, for the report's charts."""

    metric: str
    period_start: date
    period_end: date
    value: float | None
    n: int
    partial: bool


@dataclass(frozen=True)
class ReportContent:
    """Everything one rendering of a report shows, for one audience (and one agent of an agents' report)."""

    title: str
    language: str
    audience: ReportAudience
    #: The agent of an agents' report, and their name.
    member: str | None
    member_name: str | None
    period: ReportPeriod
    compare_from: date | None
    compare_to: date | None
    #: The data's last day; the period is partial when it ends later.
    data_up_to: date | None
    business_hours: bool
    cards: tuple[Card, ...]
    #: Rows of `kpidesk.targets_status` that concern the audience.
    targets: tuple[Mapping[str, Any], ...]
    movers: tuple[Mover, ...]
    trend: tuple[TrendPoint, ...]


def build_content(
    workspace: Any, definition: ReportDefinition, *, at: date, member: str | None = None
) -> ReportContent:
    """What `definition` says when run on local day `at`: for an agents' report, `member`'s (an agent of
    its team) own numbers beside their team's, as the web app's agent view shows them."""
    import kpidesk
    from kpidesk.calendars import BusinessCalendar
    from kpidesk.i18n import translator

    settings = workspace.settings
    week_start = BusinessCalendar(settings.calendars[settings.default_calendar]).week_start
    period = definition.period_at(at, week_start)
    data_up_to = kpidesk.last_data_day(workspace)
    as_of = min(period.end, data_up_to) if data_up_to is not None else period.end
    reader = _VIEWS[definition.audience.kind].reader(workspace, definition.audience, member)
    metrics = list(definition.metrics)
    common: dict[str, Any] = {"metrics": metrics, "business_hours": definition.business_hours}
    cards = overview(
        workspace,
        reader.audience,
        team=reader.scope.team,
        start=period.start,
        end=period.end,
        last_day=as_of,
        **common,
    ).cards
    headline = reader.scope.rows(
        kpidesk.kpis(
            workspace,
            by=reader.scope.by,
            period="all",
            start=period.start,
            end=period.end,
            compare="previous",
            **common,
        )
    )
    compare_from, compare_to = _compared_days(headline)
    movers: tuple[Mover, ...] = ()
    if compare_from is not None and compare_to is not None:
        movers = find_movers(
            workspace,
            cards,
            reader.scope,
            start=period.start,
            end=period.end,
            compare_from=compare_from,
            compare_to=compare_to,
            business_hours=definition.business_hours,
        )
    trend = _trend(workspace, reader.scope, period.end, common)
    return ReportContent(
        title=definition.title or translator(definition.language).gettext("Service report"),
        language=definition.language,
        audience=definition.audience,
        member=reader.scope.agent,
        member_name=reader.member_name,
        period=period,
        compare_from=compare_from,
        compare_to=compare_to,
        data_up_to=data_up_to,
        business_hours=definition.business_hours,
        cards=cards,
        targets=_targets(workspace, reader, as_of, definition.targets),
        movers=movers,
        trend=trend,
    )


@dataclass(frozen=True)
class _Reader:
    """One report's reader as the web app would see them: their role, the scope of their numbers, and how
    their kind of audience picks the target rows that concern them."""

    view: _AudienceView
    audience: Audience
    scope: Scope
    member_name: str | None = None

    def concerns(self, workspace: Any, row: Mapping[str, Any]) -> bool:
        return self.view.concerns(workspace, self.scope, row)


class _AudienceView:
    """How one kind of report audience maps to a web role, and which rows of `kpidesk.targets_status`
    concern it."""

    def reader(self, workspace: Any, audience: ReportAudience, member: str | None) -> _Reader:
        raise NotImplementedError

    def concerns(self, workspace: Any, scope: Scope, row: Mapping[str, Any]) -> bool:
        raise NotImplementedError


class _OrgView(_AudienceView):
    """An administrator: every row."""

    def reader(self, workspace: Any, audience: ReportAudience, member: str | None) -> _Reader:
        _refuse_member(audience, member)
        return _Reader(self, Audience("admin"), Scope())

    def concerns(self, workspace: Any, scope: Scope, row: Mapping[str, Any]) -> bool:
        return True


class _TeamView(_AudienceView):
    """The team's manager: the rows of targets scoped to the team and the per-agent rows of its agents."""

    def reader(self, workspace: Any, audience: ReportAudience, member: str | None) -> _Reader:
        _refuse_member(audience, member)
        return _Reader(self, Audience("manager", teams=(str(audience.team),)), Scope(team=audience.team))

    def concerns(self, workspace: Any, scope: Scope, row: Mapping[str, Any]) -> bool:
        member = row.get("member")
        if member is not None:
            return _agent_teams(workspace).get(str(member)) == scope.team
        return row.get("team") == scope.team


class _AgentsView(_AudienceView):
    """One agent of the team: their own per-agent rows, and the team's rows where no single colleague's
    value can be read from them."""

    def reader(self, workspace: Any, audience: ReportAudience, member: str | None) -> _Reader:
        if member is None:
            raise KpideskError(f"an agents' report of team {audience.team} is made for one of its agents")
        teams = _agent_teams(workspace)
        if member in teams and teams[member] != audience.team:
            raise KpideskError(f"agent {member} is not in team {audience.team}")
        return _Reader(
            self,
            Audience("agent", agent_id=member, agent_team=audience.team),
            Scope(team=audience.team, agent=member),
            _agent_names(workspace).get(member),
        )

    def concerns(self, workspace: Any, scope: Scope, row: Mapping[str, Any]) -> bool:
        member = row.get("member")
        if member is not None:
            return row.get("per") == "agent" and member == scope.agent
        return row.get("team") == scope.team and _peers(workspace, row) >= MIN_PEERS


_VIEWS: dict[str, _AudienceView] = {"org": _OrgView(), "team": _TeamView(), "agents": _AgentsView()}


def _refuse_member(audience: ReportAudience, member: str | None) -> None:
    if member is not None:
        raise KpideskError(f"a report about {audience.describe()} is not made per agent")


def _agents(workspace: Any) -> pd.DataFrame:
    import kpidesk

    frame = kpidesk.list_values("agents", workspace=workspace)
    return frame[frame["agent"].notna()] if "agent" in frame.columns else frame.iloc[0:0]


def _agent_teams(workspace: Any) -> dict[str, str | None]:
    frame = _agents(workspace)
    return {str(a): (None if pd.isna(t) else str(t)) for a, t in zip(frame.agent, frame.team, strict=True)}


def _agent_names(workspace: Any) -> dict[str, str]:
    frame = _agents(workspace)
    return {str(a): str(n) for a, n in zip(frame.agent, frame.name, strict=True) if not pd.isna(n)}


def _compared_days(headline: pd.DataFrame) -> tuple[date | None, date | None]:
    """The days the headline's change compares against (None: nothing to compare)."""
    if headline.empty or "compare_from" not in headline.columns:
        return None, None
    starts, ends = headline["compare_from"].dropna(), headline["compare_to"].dropna()
    if starts.empty or ends.empty:
        return None, None
    return min(starts), max(ends)


def _trend(workspace: Any, scope: Scope, end: date, common: dict[str, Any]) -> tuple[TrendPoint, ...]:
    """The weekly values of the headline metrics over the `SPARK_WEEKS` weeks up to `end`."""
    import kpidesk

    start = end - timedelta(weeks=SPARK_WEEKS) + timedelta(days=1)
    weekly = scope.rows(kpidesk.kpis(workspace, by=scope.by, period="week", start=start, end=end, **common))
    order = {m: i for i, m in enumerate(common["metrics"])}
    points = [
        TrendPoint(
            metric=str(row["metric"]),
            period_start=row["period_start"],
            period_end=row["period_end"],
            value=number_or_none(row.get("value")),
            n=int(number_or_none(row.get("n")) or 0),
            partial=row.get("partial") is True,
        )
        for row in weekly.to_dict(orient="records")
    ]
    return tuple(sorted(points, key=lambda p: (order.get(p.metric, len(order)), p.period_start)))


def _targets(
    workspace: Any, reader: _Reader, as_of: date, wanted: tuple[str, ...] | None
) -> tuple[Mapping[str, Any], ...]:
    """The rows of `kpidesk.targets_status` as of `as_of` that concern `reader`, of the `wanted` targets
    (None: all of them)."""
    import kpidesk

    if wanted == ():
        return ()
    frame = kpidesk.targets_status(workspace, at=as_of)
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {str(k): _plain(v) for k, v in record.items()}
        if wanted is not None and row["target_id"] not in wanted:
            continue
        if reader.concerns(workspace, row):
            rows.append(row)
    return tuple(rows)


def _peers(workspace: Any, row: Mapping[str, Any]) -> int:
    """How many agents of the row's team contribute to its value: a team's row is shown to an agent only
    when no single colleague's value can be read from it."""
    import kpidesk

    team = row.get("team")
    if team is None:
        return 0
    per_agent = kpidesk.kpis(
        workspace,
        metrics=[str(row["metric"])],
        by=["team", "agent"],
        period="all",
        start=row["period_start"],
        end=row["at"],
    )
    mine = per_agent[(per_agent["team"] == team) & per_agent["agent"].notna() & (per_agent["n"] > 0)]
    return int(mine["agent"].nunique())


def _plain(value: Any) -> Any:
    """A status cell without pandas' missing values (None instead of NaN), guardrails' cells too."""
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
