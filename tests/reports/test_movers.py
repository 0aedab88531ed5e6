"""The biggest movers and their drivers.

By hand, on a helpdesk of two teams (tests below build it): team `a` answers email, team `b` chat; every
ticket is solved an hour after it is created. The week of 7 June: `a` 10 tickets of which 1 reopened,
`b` 10 of which 5 reopened — 6 of 20, a reopen rate R0 = 0.3. The week of 14 June: `a` 10 tickets, 1
reopened; `b` 30, 12 reopened — 13 of 40 = 0.325, up 2.5 percentage points. Shares of the tickets: w0 =
(0.5, 0.5), w1 = (0.25, 0.75). With mix = (w1 − w0)·(r0 − R0) and rate = w1·(r1 − r0):

- `a`: mix = (0.25 − 0.5)·(0.1 − 0.3) = +0.05, rate = 0.25·(0.1 − 0.1) = 0 — change +5 pp, all "more
  tickets" (fewer of them, from a team below the average);
- `b`: mix = (0.75 − 0.5)·(0.5 − 0.3) = +0.05, rate = 0.75·(0.4 − 0.5) = −0.075 — change −2.5 pp;

+5 − 2.5 = +2.5 pp, the reopen rate's change. Volume: `a` 10 → 10 (0), `b` 10 → 30 (+20), all "more
tickets".
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from web_fixture import hand_made_helpdesk, solved_ticket

import kpidesk
from kpidesk.reports import (
    DRIVERS_PER_DIMENSION,
    Driver,
    MemberValue,
    ReportAudience,
    ReportDefinition,
    build_content,
    decomposition_of,
    split_change,
)
from kpidesk.workspace import Workspace

RUN = date(2026, 6, 21)
#: team → (agent, channel, {week's first day: (tickets, reopened)})
TEAMS = {
    "a": ("A1", "email", {date(2026, 6, 7): (10, 1), date(2026, 6, 14): (10, 1)}),
    "b": ("B1", "chat", {date(2026, 6, 7): (10, 5), date(2026, 6, 14): (30, 12)}),
}


def _tickets() -> list[dict[str, Any]]:
    rows = []
    for team, (agent, channel, weeks) in TEAMS.items():
        for week, (count, reopened) in weeks.items():
            for i in range(count):
                created = datetime.combine(week + timedelta(days=i % 5), datetime.min.time()) + timedelta(
                    hours=9
                )
                row = solved_ticket(agent, team, len(rows), created, 10, 1)
                row.update(channel=channel, reopen_count=1 if i < reopened else 0)
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return hand_made_helpdesk(tmp_path_factory.mktemp("movers") / "ws", _tickets())


def _definition(*metrics: str, audience: ReportAudience | None = None) -> ReportDefinition:
    return ReportDefinition(
        name="weekly",
        title=None,
        audience=audience or ReportAudience("org"),
        metrics=metrics,
        targets=(),
        period="last_week",
        business_hours=False,
        language="en",
        formats=("html",),
        recipients=(),
    )


def test_a_rates_change_splits_into_more_tickets_and_a_different_rate_by_hand(helpdesk: Workspace) -> None:
    content = build_content(helpdesk, _definition("reopen_rate"), at=RUN)
    (mover,) = content.movers
    assert (mover.metric, mover.change_unit, mover.decomposition) == ("reopen_rate", "pp", "exact")
    assert math.isclose(mover.previous, 0.3) and math.isclose(mover.value, 0.325)
    assert math.isclose(mover.change, 2.5)
    assert (
        mover.significant is False
    )  # the only headline metric: shown as the largest change, not significant
    teams = [d for d in mover.drivers if d.dimension == "team"]
    assert [d.member for d in teams] == ["a", "b"]
    assert [pytest.approx((d.change, d.mix, d.rate)) for d in teams] == [(5.0, 5.0, 0.0), (-2.5, 5.0, -7.5)]
    # The channels are the teams' (a: email, b: chat); the tickets carry no category, so none is shown.
    channels = {d.member: (d.change, d.mix, d.rate) for d in mover.drivers if d.dimension == "channel"}
    assert channels == {"email": pytest.approx((5.0, 5.0, 0.0)), "chat": pytest.approx((-2.5, 5.0, -7.5))}
    assert not [d for d in mover.drivers if d.dimension == "category"]


def test_a_counts_change_is_each_members_own_change(helpdesk: Workspace) -> None:
    (mover,) = build_content(helpdesk, _definition("volume"), at=RUN).movers
    assert (mover.previous, mover.value, mover.change) == (20, 40, 20)
    teams = [(d.member, d.change, d.mix, d.rate) for d in mover.drivers if d.dimension == "team"]
    assert teams == [("b", 20, 20, 0), ("a", 0, 0, 0)]


def test_significant_changes_are_the_movers(helpdesk: Workspace) -> None:
    content = build_content(helpdesk, _definition("reopen_rate", "volume"), at=RUN)
    significant = {c.metric for c in content.cards if c.significant}
    assert significant == {"volume"}
    assert [m.metric for m in content.movers] == ["volume"]


def test_an_agents_movers_have_no_team_dimension(helpdesk: Workspace) -> None:
    audience = ReportAudience("agents", "b")
    content = build_content(helpdesk, _definition("volume", audience=audience), at=RUN, member="B1")
    (mover,) = content.movers
    assert mover.change == 20
    # One channel only: nothing to split; no team or agent dimension for an agent ever.
    assert mover.drivers == ()


def test_split_by_hand_without_a_warehouse() -> None:
    before = {"x": MemberValue(0.5, 10), "y": MemberValue(0.9, 10, small_sample=True)}
    after = {"x": MemberValue(0.5, 30), "y": MemberValue(0.8, 10)}
    # R0 = 0.7, V1 = (15 + 8) / 40 = 0.575: −12.5 pp. x: (0.75 − 0.5)·(0.5 − 0.7) = −0.05, rate 0;
    # y: (0.25 − 0.5)·(0.9 − 0.7) = −0.05, rate 0.25·(0.8 − 0.9) = −0.025.
    drivers = split_change("team", before, after, metric="fcr_rate", stat="rate", scale=100)
    assert [(d.member, d.small_sample) for d in drivers] == [("y", True), ("x", False)]
    assert drivers[0].change == pytest.approx(-7.5) and drivers[0].rate == pytest.approx(-2.5)
    assert drivers[1].change == pytest.approx(-5.0) and drivers[1].mix == pytest.approx(-5.0)
    assert sum(d.change for d in drivers) == pytest.approx(-12.5)


def test_a_member_new_in_the_period_moves_the_mix_only() -> None:
    # Before: x alone at 0.5. After: x at 0.5 and z at 1.0, ten tickets each: 0.75, up 0.25, all of it z's
    # arrival: (0.5 − 0)·(1.0 − 0.5) = 0.25.
    drivers = split_change(
        "channel",
        {"x": MemberValue(0.5, 10)},
        {"x": MemberValue(0.5, 10), "z": MemberValue(1.0, 10)},
        metric="csat",
        stat="rate",
    )
    assert [(d.member, d.change, d.mix, d.rate) for d in drivers] == [
        ("z", pytest.approx(0.25), pytest.approx(0.25), 0.0),
        ("x", 0.0, 0.0, 0.0),
    ]


def test_a_vanished_member_moves_the_mix_only() -> None:
    # x at 0.2 and y at 0.6 (R0 = 0.4); then x alone at 0.2: down 0.2. y: (0 − 0.5)·(0.6 − 0.4) = −0.1;
    # x: (1 − 0.5)·(0.2 − 0.4) = −0.1.
    drivers = split_change(
        "team",
        {"x": MemberValue(0.2, 5), "y": MemberValue(0.6, 5)},
        {"x": MemberValue(0.2, 8)},
        metric="fcr_rate",
        stat="rate",
    )
    assert {d.member: (d.mix, d.rate) for d in drivers} == {
        "x": pytest.approx((-0.1, 0.0)),
        "y": pytest.approx((-0.1, 0.0)),
    }


def test_how_each_kind_decomposes() -> None:
    assert decomposition_of("aht", "mean").name == "exact"
    assert decomposition_of("first_reply_time", "mean").name == "exact"
    assert decomposition_of("first_reply_time", "median").name == "approximate"
    assert decomposition_of("first_reply_time", "p90").name == "approximate"
    assert decomposition_of("volume", "count").name == "exact"
    assert decomposition_of("nps", "score").name == "exact"
    assert decomposition_of("tickets_solved_per_hour", "rate").name == "none"
    assert split_change("team", {}, {"x": MemberValue(2.0, 4)}, metric="occupancy", stat="ratio") == ()


def _members(frame: Any, dimension: str, metric: str) -> dict[str, MemberValue]:
    rows = frame[frame.metric == metric]
    return {
        "" if m is None or (isinstance(m, float) and math.isnan(m)) else str(m): MemberValue(float(v), int(n))
        for m, v, n in zip(rows[dimension], rows.value, rows.n, strict=True)
        if n > 0
    }


@pytest.mark.parametrize("dimension", ["team", "channel", "category"])
def test_every_dimensions_drivers_add_up_to_the_change_on_the_demo(
    report_demo: Workspace, dimension: str
) -> None:
    last = kpidesk.last_data_day(report_demo)
    assert last is not None
    end = last - timedelta(days=7)
    start = end - timedelta(days=27)
    metrics = ["volume", "solved", "fcr_rate", "reopen_rate", "csat", "aht", "agent_replies", "csat_mean"]
    headline = kpidesk.kpis(
        report_demo, metrics=metrics, period="all", start=start, end=end, compare="previous"
    )
    common: dict[str, Any] = {"metrics": metrics, "by": [dimension], "period": "all"}
    after = kpidesk.kpis(report_demo, start=start, end=end, **common)
    before = kpidesk.kpis(
        report_demo, start=start - timedelta(days=28), end=start - timedelta(days=1), **common
    )
    checked = 0
    for row in headline.to_dict(orient="records"):
        metric = str(row["metric"])
        scale = 100.0 if row["change_unit"] == "pp" else 1.0
        drivers = split_change(
            dimension,
            _members(before, dimension, metric),
            _members(after, dimension, metric),
            metric=metric,
            stat=str(row["stat"]),
            scale=scale,
        )
        assert all(isinstance(d, Driver) for d in drivers)
        assert math.isclose(sum(d.change for d in drivers), row["change"], rel_tol=1e-9, abs_tol=1e-9), metric
        assert math.isclose(sum(d.mix + d.rate for d in drivers), row["change"], rel_tol=1e-9, abs_tol=1e-9)
        checked += 1
    assert checked == len(metrics)


def test_a_report_lists_at_most_three_drivers_per_dimension(report_demo: Workspace) -> None:
    last = kpidesk.last_data_day(report_demo)
    assert last is not None
    content = build_content(
        report_demo, _definition("volume", "fcr_rate", "aht", "csat"), at=last - timedelta(days=7)
    )
    assert content.movers
    for mover in content.movers:
        for dimension in ("team", "channel", "category"):
            mine = [d.change for d in mover.drivers if d.dimension == dimension]
            assert len(mine) <= DRIVERS_PER_DIMENSION
            assert mine == sorted(mine, key=abs, reverse=True)
