"""What a report says, checked against the command line: the cards of the organisation, a team and an
agent equal `kpidesk kpis --compare previous` over the report's period; the targets are the rows of
`kpidesk.targets_status` that concern the audience; an agent's report holds no colleague's id, name or
value."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

import kpidesk
from kpidesk.cli import main
from kpidesk.reports import ReportAudience, ReportContent, ReportDefinition, build_content
from kpidesk.views import MIN_PEERS, OVERVIEW_METRICS
from kpidesk.workspace import Workspace

TEAM = "billing"
AGENT = "A002"


def _definition(audience: ReportAudience, **changes: Any) -> ReportDefinition:
    fields: dict[str, Any] = {
        "name": "weekly",
        "title": None,
        "audience": audience,
        "metrics": OVERVIEW_METRICS,
        "targets": None,
        "period": "last_week",
        "business_hours": True,
        "language": "en",
        "formats": ("html",),
        "recipients": (),
    }
    return ReportDefinition(**{**fields, **changes})


def _run_day(ws: Workspace) -> date:
    """A Sunday (the Israeli week's first day) two weeks before the data ends: last week is whole."""
    last = kpidesk.last_data_day(ws)
    assert last is not None
    day = last - timedelta(days=14)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _cli_rows(ws: Workspace, content: ReportContent, *by: str) -> list[dict[str, Any]]:
    args = ["kpis", "-w", str(ws.path), "--period", "all", "--compare", "previous", "--business-hours"]
    args += [
        "--from",
        content.period.start.isoformat(),
        "--to",
        content.period.end.isoformat(),
        "--as",
        "json",
    ]
    for metric in OVERVIEW_METRICS:
        args += ["--metric", metric]
    for dimension in by:
        args += ["--by", dimension]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output))


def _same(card_value: float | None, row_value: Any) -> bool:
    if card_value is None:
        return row_value is None or (isinstance(row_value, float) and math.isnan(row_value))
    return row_value is not None and math.isclose(card_value, float(row_value), rel_tol=1e-9, abs_tol=1e-9)


def _assert_cards_are(content: ReportContent, rows: list[dict[str, Any]]) -> None:
    by_metric = {row["metric"]: row for row in rows}
    assert [c.metric for c in content.cards] == [m for m in OVERVIEW_METRICS if m in by_metric]
    for card in content.cards:
        row = by_metric[card.metric]
        assert (card.stat, card.n) == (row["stat"], row["n"]), card.metric
        for field, column in (("value", "value"), ("compare_value", "compare_value"), ("change", "change")):
            assert _same(getattr(card, field), row.get(column)), (card.metric, field)
        assert card.significant == row.get("significant"), card.metric


@pytest.fixture(scope="module")
def org(report_demo: Workspace) -> ReportContent:
    return build_content(report_demo, _definition(ReportAudience("org")), at=_run_day(report_demo))


@pytest.fixture(scope="module")
def team(report_demo: Workspace) -> ReportContent:
    return build_content(report_demo, _definition(ReportAudience("team", TEAM)), at=_run_day(report_demo))


@pytest.fixture(scope="module")
def agent(report_demo: Workspace) -> ReportContent:
    definition = _definition(ReportAudience("agents", TEAM))
    return build_content(report_demo, definition, at=_run_day(report_demo), member=AGENT)


def test_the_period_is_last_week_compared_with_the_week_before(
    report_demo: Workspace, org: ReportContent
) -> None:
    run = _run_day(report_demo)
    assert (org.period.start, org.period.end) == (run - timedelta(days=7), run - timedelta(days=1))
    assert (org.compare_from, org.compare_to) == (run - timedelta(days=14), run - timedelta(days=8))
    assert org.data_up_to == kpidesk.last_data_day(report_demo)
    assert org.title == "Service report" and org.member is None


def test_the_organisations_cards_are_kpis_compare_previous(
    report_demo: Workspace, org: ReportContent
) -> None:
    _assert_cards_are(org, _cli_rows(report_demo, org))


def test_a_teams_cards_are_its_rows_of_kpis_by_team(report_demo: Workspace, team: ReportContent) -> None:
    _assert_cards_are(team, [r for r in _cli_rows(report_demo, team, "team") if r["team"] == TEAM])


def test_an_agents_cards_are_their_own_rows_of_kpis_by_agent(
    report_demo: Workspace, agent: ReportContent
) -> None:
    _assert_cards_are(agent, [r for r in _cli_rows(report_demo, agent, "agent") if r["agent"] == AGENT])
    assert agent.member == AGENT and agent.member_name == "Hila Mizrahi"


def test_an_agent_sees_the_team_value_beside_their_own(report_demo: Workspace, agent: ReportContent) -> None:
    team_rows = {r["metric"]: r for r in _cli_rows(report_demo, agent, "team") if r["team"] == TEAM}
    shown = [c for c in agent.cards if c.team_value is not None]
    assert shown, "billing has more than MIN_PEERS agents: its values are shown"
    for card in shown:
        assert _same(card.team_value, team_rows[card.metric]["value"]), card.metric


def _text(content: ReportContent) -> str:
    return repr(dataclasses.asdict(content))


def test_an_agents_report_names_no_colleague_and_shows_no_colleagues_value(
    report_demo: Workspace, agent: ReportContent
) -> None:
    agents = kpidesk.list_values("agents", workspace=report_demo)
    others = agents[agents.agent.notna() & (agents.agent != AGENT)]
    text = _text(agent)
    for other, name in zip(others.agent, others.name, strict=True):
        assert f"'{other}'" not in text and f"'{name}'" not in text, other
    assert all(row["member"] in (None, AGENT) for row in agent.targets)
    # Per-agent target rows of colleagues hold values the agent must not see.
    status = kpidesk.targets_status(report_demo, at=agent.period.end)
    colleagues = status[status.member.notna() & (status.member != AGENT)]
    assert not colleagues.empty
    shown = {(row["target_id"], row["value"]) for row in agent.targets}
    assert not shown & set(zip(colleagues.target_id, colleagues.value, strict=True))
    assert all(d.dimension != "team" for m in agent.movers for d in m.drivers)


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]


def test_the_organisations_targets_are_every_status_row(report_demo: Workspace, org: ReportContent) -> None:
    expected = _rows(kpidesk.targets_status(report_demo, at=org.period.end))
    assert expected and [dict(r) for r in org.targets] == expected


def test_a_teams_targets_are_its_rows_and_its_agents_rows(
    report_demo: Workspace, team: ReportContent
) -> None:
    agents = kpidesk.list_values("agents", workspace=report_demo)
    members = set(agents[agents.team == TEAM].agent)
    expected = [
        r
        for r in _rows(kpidesk.targets_status(report_demo, at=team.period.end))
        if r.get("team") == TEAM or r["member"] in members
    ]
    assert any(r["member"] is not None for r in expected) and any(r["member"] is None for r in expected)
    assert [dict(r) for r in team.targets] == expected


def test_an_agents_targets_are_their_own_rows_and_their_teams(
    report_demo: Workspace, agent: ReportContent
) -> None:
    expected = [
        r
        for r in _rows(kpidesk.targets_status(report_demo, at=agent.period.end))
        if (r["member"] == AGENT and r["per"] == "agent") or (r["member"] is None and r.get("team") == TEAM)
    ]
    assert expected and [dict(r) for r in agent.targets] == expected
    assert (
        len(set(kpidesk.list_values("agents", workspace=report_demo).query("team == @TEAM").agent))
        >= MIN_PEERS
    )


def test_the_targets_a_report_names_are_the_only_ones_it_shows(report_demo: Workspace) -> None:
    at = _run_day(report_demo)
    named = build_content(report_demo, _definition(ReportAudience("org"), targets=("org-fcr",)), at=at)
    assert {row["target_id"] for row in named.targets} == {"org-fcr"}
    assert build_content(report_demo, _definition(ReportAudience("org"), targets=()), at=at).targets == ()


def test_the_trend_is_twelve_weeks_of_the_headline_metrics(
    report_demo: Workspace, team: ReportContent
) -> None:
    weekly = kpidesk.kpis(
        report_demo,
        metrics=["volume"],
        by=["team"],
        period="week",
        start=team.period.end - timedelta(weeks=12) + timedelta(days=1),
        end=team.period.end,
        business_hours=True,
    )
    weekly = weekly[weekly.team == TEAM].sort_values("period_start")
    points = [p for p in team.trend if p.metric == "volume"]
    assert len(points) in (12, 13)
    assert [(p.period_start, p.value, p.n, p.partial) for p in points] == [
        (s, float(v), int(n), bool(p))
        for s, v, n, p in zip(weekly.period_start, weekly.value, weekly.n, weekly.partial, strict=True)
    ]
    assert points[-1].period_end == team.period.end


def test_an_agents_report_needs_its_agent(report_demo: Workspace) -> None:
    with pytest.raises(kpidesk.KpideskError, match="one of its agents"):
        build_content(report_demo, _definition(ReportAudience("agents", TEAM)), at=_run_day(report_demo))
    with pytest.raises(kpidesk.KpideskError, match="not in team"):
        build_content(
            report_demo,
            _definition(ReportAudience("agents", "sales")),
            at=_run_day(report_demo),
            member=AGENT,
        )


#: A hand-made helpdesk for the team rows an agent may see: team `duo` has two agents, `trio` three; each
#: agent solves three tickets in the first week of June 2026.
_TEAMS = {"D1": "duo", "D2": "duo", "T1": "trio", "T2": "trio", "T3": "trio"}
_TARGETS = """targets:
  - id: duo-solved
    metric: solved
    scope: {team: duo}
    per: agent
    period: month
    target: 5
  - id: trio-solved
    metric: solved
    scope: {team: trio}
    per: agent
    period: month
    target: 5
"""


@pytest.fixture(scope="module")
def duo_and_trio(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from web_fixture import hand_made_helpdesk, solved_ticket

    from kpidesk.targets import TARGETS_FILE

    rows = [
        solved_ticket(agent, team, i, datetime(2026, 6, 7 + i, 9), 10, 1)
        for agent, team in _TEAMS.items()
        for i in range(3)
    ]
    ws = hand_made_helpdesk(tmp_path_factory.mktemp("duo-trio") / "ws", rows)
    (ws.path / TARGETS_FILE).write_text(_TARGETS, encoding="utf-8")
    return ws


def _agent_targets(ws: Workspace, team: str, agent: str) -> list[tuple[str, str | None]]:
    definition = _definition(ReportAudience("agents", team), metrics=("solved",), period="last_7_days")
    content = build_content(ws, definition, at=date(2026, 6, 14), member=agent)
    return [(row["target_id"], row["member"]) for row in content.targets]


def test_an_agent_of_a_team_of_three_sees_their_row_and_the_teams(duo_and_trio: Workspace) -> None:
    assert _agent_targets(duo_and_trio, "trio", "T2") == [("trio-solved", None), ("trio-solved", "T2")]


def test_an_agent_of_a_team_of_two_sees_only_their_own_row(duo_and_trio: Workspace) -> None:
    status = kpidesk.targets_status(duo_and_trio, at=date(2026, 6, 13))
    assert set(status[status.target_id == "duo-solved"].member.fillna("team")) == {"team", "D1", "D2"}
    assert _agent_targets(duo_and_trio, "duo", "D1") == [("duo-solved", "D1")]


def test_a_teams_report_holds_its_agents_rows_and_no_other_teams(duo_and_trio: Workspace) -> None:
    definition = _definition(ReportAudience("team", "duo"), metrics=("solved",), period="last_7_days")
    content = build_content(duo_and_trio, definition, at=date(2026, 6, 14))
    assert [(r["target_id"], r["member"], r["value"]) for r in content.targets] == [
        ("duo-solved", None, 6),
        ("duo-solved", "D1", 3),
        ("duo-solved", "D2", 3),
    ]
