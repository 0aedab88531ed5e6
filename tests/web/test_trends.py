"""The trends' figures per role on a helpdesk made by hand: team `duo` has agents D1 and D2, team `trio`
T1, T2 and T3. Weeks start on Sunday (the Israeli calendar). Every ticket is created at 09:00 UTC and
first answered after the minutes below:

    week of Sun 7 June:   D1 10 (7 Jun), 30 (11 Jun); D2 20 (8 Jun); T1 40 (9); T2 50 (10); T3 60 (11)
    week of Sun 14 June:  no ticket
    week of Sun 21 June:  D1 5, T1 15, T2 25 (all on Wed 24 June, the data's last day)

So the organisation's median first reply is 35 min in the first week (six tickets), none in the second, 15
min in the third, which is partial (the data end on its Wednesday). Trio's first week is made by three
agents (median 50 min), its third by two (T1 and T2: hidden from T1); duo's first week by two.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from web_fixture import client_of, hand_made_helpdesk, log_in, solved_ticket

from kpidesk.accounts import AccountStore
from kpidesk.web import Audience, Forbidden, default_span, trends
from kpidesk.workspace import Workspace

LAST = date(2026, 6, 24)
#: agent → (team, [(day of June, minutes to the first reply)])
REPLIES = {
    "D1": ("duo", [(7, 10), (11, 30), (24, 5)]),
    "D2": ("duo", [(8, 20)]),
    "T1": ("trio", [(9, 40), (24, 15)]),
    "T2": ("trio", [(10, 50), (24, 25)]),
    "T3": ("trio", [(11, 60)]),
}
TARGETS = """
targets:
  - id: org-first-reply
    metric: first_reply_time
    stat: median
    period: month
    target: 1800
  - id: trio-first-reply
    metric: first_reply_time
    stat: median
    business_hours: true
    scope: {team: trio}
    period: month
    target: 1200
"""
WEEKS = [date(2026, 6, 7), date(2026, 6, 14), date(2026, 6, 21)]


def _rows() -> list[dict[str, Any]]:
    return [
        solved_ticket(agent, team, i, datetime(2026, 6, day, 9), minutes, 2)
        for agent, (team, replies) in REPLIES.items()
        for i, (day, minutes) in enumerate(replies)
    ]


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = hand_made_helpdesk(tmp_path_factory.mktemp("trends") / "ws", _rows())
    (ws.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return ws


def _values(result: Any) -> list[tuple[date, float | None, int, bool]]:
    return [(r.period_start, r.value, r.n, r.partial) for r in result.rows]


def test_the_organisation_by_week_with_a_gap_and_a_partial_last_week(helpdesk: Workspace) -> None:
    result = trends(helpdesk, Audience("admin"), metric="first_reply_time", period="week", last_day=LAST)
    assert (result.start, result.end) == (WEEKS[0], LAST)
    assert _values(result) == [
        (WEEKS[0], 35 * 60, 6, False),
        (WEEKS[1], None, 0, False),
        (WEEKS[2], 15 * 60, 3, True),
    ]
    gap, last = result.rows[1], result.rows[2]
    assert gap.reason and gap.ci_low is None
    assert (last.covered_from, last.covered_to, last.period_end) == (WEEKS[2], LAST, date(2026, 6, 27))
    # The organisation's calendar-hours target; trio's is in business hours and not the organisation's.
    assert result.target is not None and (result.target.target_id, result.target.value) == (
        "org-first-reply",
        1800,
    )


def test_a_first_day_inside_a_week_makes_that_week_partial(helpdesk: Workspace) -> None:
    result = trends(
        helpdesk,
        Audience("admin"),
        metric="first_reply_time",
        period="week",
        start=date(2026, 6, 10),
        end=date(2026, 6, 20),
        last_day=LAST,
    )
    # 10 June onwards: T2 50, D1 30, T3 60 → median 50 minutes of three tickets, on 10–13 June only.
    assert _values(result) == [(WEEKS[0], 50 * 60, 3, True), (WEEKS[1], None, 0, False)]
    assert (result.rows[0].covered_from, result.rows[0].covered_to) == (date(2026, 6, 10), date(2026, 6, 13))


def _csv(helpdesk: Workspace, name: str, role: str, query: str, **kind: Any) -> list[list[str]]:
    import csv
    import io

    store = AccountStore(helpdesk.path / "accounts.sqlite")
    if name not in {u.name for u in store.users()}:
        store.add_user(name, "a long password 1", role, **kind)
    client = client_of((helpdesk, store))
    assert log_in(client, name, "a long password 1").status_code == 303
    answer = client.get(f"/trends.csv?{query}")
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_a_period_without_a_value_reads_not_available_never_zero(helpdesk: Workspace) -> None:
    header, *rows = _csv(helpdesk, "ana", "admin", "metric=first_reply_time&period=week")
    assert header == ["Period", "Value", "n", "95% interval"]
    assert rows[1][1] == "not available: No data in this period."
    assert rows[1][2] == "—" and rows[1][3] == "—"
    assert rows[0][1] == "35.0 min" and rows[2][1] == "15.0 min"
    assert "partial" in rows[2][0] and "partial" not in rows[0][0]


def test_a_team_has_its_own_line_and_target_only_in_the_same_hours(helpdesk: Workspace) -> None:
    admin = Audience("admin")
    calendar = trends(helpdesk, admin, metric="first_reply_time", team="trio", last_day=LAST)
    assert _values(calendar) == [
        (WEEKS[0], 50 * 60, 3, False),
        (WEEKS[1], None, 0, False),
        (WEEKS[2], 20 * 60, 2, True),
    ]
    assert calendar.target is None and calendar.target_elsewhere
    business = trends(
        helpdesk, admin, metric="first_reply_time", team="trio", business_hours=True, last_day=LAST
    )
    assert business.target is not None and business.target.value == 1200 and not business.target_elsewhere


def test_a_manager_sees_their_team_and_nothing_else(helpdesk: Workspace) -> None:
    lead = Audience("manager", teams=("duo",))
    result = trends(helpdesk, lead, metric="first_reply_time", team="duo", last_day=LAST)
    assert _values(result)[0] == (WEEKS[0], 20 * 60, 3, False)
    with pytest.raises(Forbidden):
        trends(helpdesk, lead, metric="first_reply_time", team="trio", last_day=LAST)
    with pytest.raises(Forbidden):
        trends(helpdesk, lead, metric="first_reply_time", last_day=LAST)


def test_an_agent_sees_their_team_only_where_three_agents_make_it(helpdesk: Workspace) -> None:
    me = Audience("agent", agent_id="T1", agent_team="trio")
    result = trends(helpdesk, me, metric="first_reply_time", last_day=LAST)
    assert result.agent == "T1" and result.team == "trio"
    assert _values(result) == [
        (WEEKS[0], 40 * 60, 1, False),
        (WEEKS[1], None, 0, False),
        (WEEKS[2], 15 * 60, 1, True),
    ]
    # Week one: T1, T2 and T3 answered (median 50 min). Week three: only T1 and T2 — with T1's own 15
    # minutes, trio's 20 would give away T2's 25, so it is hidden.
    assert [(r.team_value, r.team_hidden) for r in result.rows] == [
        (50 * 60, False),
        (None, False),
        (None, True),
    ]
    header, *rows = _csv(helpdesk, "tal", "agent", "metric=first_reply_time", agent_id="T1")
    assert header[-1] == "Team" and [r[-1] for r in rows] == [
        "50.0 min",
        "—",
        "not shown: fewer than 3 agents",
    ]
    for colleague in ("T2", "T3", "D1", "D2", "Agent"):
        assert colleague not in str(rows)


def test_an_agent_of_a_team_of_two_never_gets_a_team_line(helpdesk: Workspace) -> None:
    me = Audience("agent", agent_id="D1", agent_team="duo")
    result = trends(helpdesk, me, metric="first_reply_time", last_day=LAST)
    assert [r.value for r in result.rows] == [20 * 60, None, 5 * 60]
    assert all(r.team_value is None for r in result.rows)
    assert result.rows[0].team_hidden
    with pytest.raises(Forbidden):
        trends(helpdesk, me, metric="first_reply_time", team="trio", last_day=LAST)


def test_default_spans_end_on_the_last_day_and_start_on_a_whole_period() -> None:
    wednesday = date(2026, 6, 24)
    assert default_span("week", wednesday, 6) == (date(2025, 12, 28), wednesday)
    assert default_span("week", wednesday, 0) == (date(2025, 12, 29), wednesday)
    assert default_span("month", wednesday, 6) == (date(2025, 7, 1), wednesday)
    assert default_span("day", wednesday, 6) == (date(2026, 5, 25), wednesday)


def test_by_day_and_by_month(helpdesk: Workspace) -> None:
    admin = Audience("admin")
    by_day = trends(helpdesk, admin, metric="first_reply_time", period="day", last_day=LAST)
    assert by_day.start == date(2026, 6, 7) and len(by_day.rows) == 18
    assert [(r.period_start.day, r.value) for r in by_day.rows if r.value is not None] == [
        (7, 600),
        (8, 1200),
        (9, 2400),
        (10, 3000),
        (11, 45 * 60),
        (24, 900),
    ]
    by_month = trends(helpdesk, admin, metric="first_reply_time", period="month", last_day=LAST)
    # June: 5, 10, 15, 20, 25, 30, 40, 50, 60 → median 25 minutes; partial, the data end on the 24th.
    assert _values(by_month) == [(date(2026, 6, 1), 25 * 60, 9, True)]
