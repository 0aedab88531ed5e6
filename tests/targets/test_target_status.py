"""Target status on a helpdesk made by hand, every figure worked out on paper.

The workspace is Israeli (Sunday–Thursday, 09:00–17:00, Asia/Jerusalem). Status is asked as of the end of
Sunday 2026-06-14: June 2026 has 22 working days, 10 of them (1–4, 7–11, 14) behind and 12 ahead, all
eight hours long, so every pace below scales by 12 / 10. z is 1.959964 (95%).

Teams (one source, summary fields only; every ticket created at 12:00 local on a working day):

- counts: 4 tickets solved a day, 40 so far. Agents C1 (all month: 16 on Jun 1–4, then 2 a day) and C2
  (hired on Jun 7: 2 a day, 12 so far).
- replies: one ticket a day with a first reply after 10·i minutes (i = 1…10).
- rates: 10 solved tickets a day, 20 of the 100 reopened.
- gamers: May 3–14 (the same ten working days of May) 4 tickets a day answered in about 100 min, 2 of
  40 reopened, 2–3 replies each; June 1–14 4 a day answered in about 5 min, 16 of 40 reopened, 4–5 replies.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ticket_fixture import TICKET_COLUMNS, insert_rows

import kpidesk
from kpidesk.targets import error_budget, parse_targets
from kpidesk.workspace import Workspace, init_workspace

AT = date(2026, 6, 14)
Z = 1.959963984540054
JUNE_DAYS = [date(2026, 6, d) for d in (1, 2, 3, 4, 7, 8, 9, 10, 11, 14)]
MAY_DAYS = [date(2026, 5, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14)]


def _ticket(team: str, number: int, day: date, **fields: Any) -> dict[str, Any]:
    created = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)  # 12:00 in Jerusalem (UTC+3)
    row: dict[str, Any] = dict.fromkeys((*TICKET_COLUMNS, "agent_id"))
    row.update(
        source="desk",
        ticket_id=f"{team}-{number}",
        created_at=created,
        status="open",
        team_id=team,
        channel="email",
        priority="normal",
        customer_id=f"{team}-c{number}",
    )
    for key in ("first_reply_after", "solved_after"):
        if key in fields:
            fields[key.replace("_after", "_at").replace("solved", "last_solved")] = created + timedelta(
                seconds=fields.pop(key)
            )
    if fields.get("last_solved_at") is not None:
        row.update(status="solved", first_solved_at=fields["last_solved_at"])
    row.update(fields)
    return row


def _tickets() -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    rows: list[dict[str, Any]] = []
    agents: list[tuple[str, str]] = []
    number = 0

    def add(team: str, day: date, agent: str | None = None, **fields: Any) -> None:
        nonlocal number
        number += 1
        rows.append(_ticket(team, number, day, **fields))
        if agent is not None:
            agents.append((f"{team}-{number}", agent))

    for i, day in enumerate(JUNE_DAYS):
        for j in range(4):
            agent = "C1" if i < 4 or j < 2 else "C2"
            add("counts", day, agent, solved_after=3600, first_reply_after=600, agent_reply_count=1)
        add("replies", day, first_reply_after=600 * (i + 1))
        for j in range(10):
            add("rates", day, solved_after=3600, first_reply_after=600, reopen_count=int(j < 2))
        for j in range(4):
            reopened = int(i * 4 + j < 16)
            add(
                "gamers",
                day,
                first_reply_after=300 + 10 * (i * 4 + j),
                solved_after=7200,
                reopen_count=reopened,
                agent_reply_count=4 + j % 2,
            )
    for i, day in enumerate(MAY_DAYS):
        for j in range(4):
            add(
                "gamers",
                day,
                first_reply_after=6000 + 60 * (i * 4 + j),
                solved_after=14400,
                reopen_count=int(i * 4 + j < 2),
                agent_reply_count=2 + j % 2,
            )
    by_ticket = dict(agents)
    for row in rows:
        row["agent_id"] = by_ticket.get(row["ticket_id"])
    return rows, agents


TARGETS = """\
targets:
  - {id: counts-on, metric: solved, scope: {team: counts}, per: agent, period: month, target: 60, min_n: 5}
  - {id: counts-risk, metric: solved, scope: {team: counts}, period: month, target: 100, min_n: 5}
  - {id: counts-off, metric: solved, scope: {team: counts}, period: month, target: 120, min_n: 5}
  - {id: counts-met, metric: solved, scope: {team: counts}, from: 2026-06-01, to: 2026-06-07, target: 20,
     min_n: 5}
  - {id: counts-missed, metric: solved, scope: {team: counts}, from: 2026-06-01, to: 2026-06-07,
     target: 25, min_n: 5}
  - {id: counts-later, metric: solved, scope: {team: counts}, from: 2026-07-01, to: 2026-07-31, target: 5}
  - id: counts-changed
    metric: solved
    scope: {team: counts}
    period: month
    target: 130
    min_n: 5
    changes:
      - {effective: 2026-06-10, by: dana, reason: C2 still learning, target: 60}
  - {id: replies-median, metric: first_reply_time, scope: {team: replies}, period: month, target: 5400,
     min_n: 5}
  - {id: replies-few, metric: first_reply_time, scope: {team: replies}, period: month, target: 5400}
  - {id: rates-reopen, metric: reopen_rate, scope: {team: rates}, period: month, target: 0.3, min_n: 5}
  - id: gamers-frt
    metric: first_reply_time
    scope: {team: gamers}
    period: month
    target: 3600
    min_n: 5
    guardrails: [{metric: reopen_rate}, {metric: agent_replies}]
  - id: honest-frt
    metric: first_reply_time
    scope: {team: rates}
    period: month
    target: 3600
    min_n: 5
    guardrails: [{metric: reopen_rate}]
"""


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("status") / "ws", country="IL")
    rows, _ = _tickets()
    with ws.connect() as con:
        insert_rows(con, "tickets", (*TICKET_COLUMNS, "agent_id"), rows)
        con.executemany(
            "INSERT INTO agents (agent_id, name, team_id, hired_at) VALUES (?, ?, ?, ?)",
            [
                ("C1", "Dana Levi", "counts", datetime(2025, 1, 1)),
                ("C2", "Omar Haddad", "counts", datetime(2026, 6, 7, 6)),
            ],
        )
    (Path(ws.path) / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def status(helpdesk: Workspace) -> pd.DataFrame:
    return kpidesk.targets_status(helpdesk, at=AT)


def _row(status: pd.DataFrame, target_id: str, member: str | None = None) -> dict[str, Any]:
    rows = status[(status.target_id == target_id) & (status.member.map(lambda m: m == member))]
    assert len(rows) == 1, rows
    return dict(rows.iloc[0])


def test_a_count_projects_its_own_pace_over_the_working_days_ahead(status: pd.DataFrame) -> None:
    # 40 solved in 10 working days; 12 ahead: m = 48, final 88, variance 48 · (1 + 48/40) = 105.6.
    row = _row(status, "counts-on")
    spread = Z * math.sqrt(105.6)
    assert (row["value"], row["n"]) == (40, 40)
    assert (row["period_start"], row["period_end"]) == (date(2026, 6, 1), date(2026, 6, 30))
    assert row["projected"] == pytest.approx(88)
    assert row["projected_low"] == pytest.approx(88 - spread)  # 67.86
    assert row["projected_high"] == pytest.approx(88 + spread)  # 108.14
    assert row["status"] == "on_track"  # 67.86 ≥ 60
    assert _row(status, "counts-risk")["status"] == "at_risk"  # 67.86 < 100 ≤ 108.14
    assert _row(status, "counts-off")["status"] == "off_track"  # 108.14 < 120


def test_an_ended_period_is_met_or_missed_by_its_value(status: pd.DataFrame) -> None:
    # June 1–7 holds five working days with 4 solved each: 20.
    met, missed = _row(status, "counts-met"), _row(status, "counts-missed")
    assert (met["value"], met["status"]) == (20, "met")
    assert (missed["value"], missed["status"]) == (20, "missed")
    assert met["projected"] == pytest.approx(20) and met["projected_low"] == met["projected_high"] == 20


def test_a_scope_dimension_a_target_lacks_is_none_not_nan(helpdesk: Workspace) -> None:
    (helpdesk.path / "targets.yaml").write_text(
        TARGETS + "  - {id: org-solved, metric: solved, period: month, target: 10, min_n: 5}\n",
        encoding="utf-8",
    )
    try:
        frame = kpidesk.targets_status(helpdesk, at=AT)
    finally:
        (helpdesk.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    org = frame[frame.target_id == "org-solved"].iloc[0]
    assert org["team"] is None and org["value"] == 180  # 40 + 100 + 40 solved in June 1–14


def test_a_period_not_begun_says_so(status: pd.DataFrame) -> None:
    row = _row(status, "counts-later")
    assert row["status"] == "not_started" and row["value"] is None
    assert row["note"] == "the target starts on 2026-07-01"


def test_each_agent_is_projected_over_the_days_they_work(status: pd.DataFrame) -> None:
    # C1: 28 in 10 days, m = 33.6, variance 33.6 · (1 + 33.6/28) = 73.92.
    c1 = _row(status, "counts-on", "C1")
    assert (c1["value"], c1["member_name"], c1["per"]) == (28, "Dana Levi", "agent")
    assert c1["projected"] == pytest.approx(61.6)
    assert c1["projected_low"] == pytest.approx(61.6 - Z * math.sqrt(73.92))
    assert c1["status"] == "at_risk"  # 44.75 < 60 ≤ 78.45
    # C2 joined on Sunday June 7: 12 in 6 working days, m = 12 · 12/6 = 24, variance 24 · (1 + 24/12) = 72.
    c2 = _row(status, "counts-on", "C2")
    assert c2["value"] == 12 and c2["projected"] == pytest.approx(36)
    assert c2["projected_high"] == pytest.approx(36 + Z * math.sqrt(72))  # 52.63 < 60
    assert c2["status"] == "off_track"
    assert c2["note"] == "joined on 2026-06-07"
    assert c2["team"] == "counts"


def test_status_at_a_past_date_uses_the_target_as_it_stood_then(
    helpdesk: Workspace, status: pd.DataFrame
) -> None:
    # After the change (June 10 on), the target is 60: 67.86 ≥ 60, on track.
    now = _row(status, "counts-changed")
    assert (now["target"], now["status"]) == (60, "on_track")
    # On June 7 it was 130: 20 solved in 5 working days, 17 ahead: m = 68, final 88, variance
    # 68 · (1 + 68/20) = 299.2 → 88 ± 33.90, wholly below 130.
    then = kpidesk.targets_status(helpdesk, at=date(2026, 6, 7))
    row = _row(then, "counts-changed")
    assert (row["target"], row["value"], row["projected"]) == (130, 20, pytest.approx(88))
    assert row["projected_high"] == pytest.approx(88 + Z * math.sqrt(299.2))
    assert row["status"] == "off_track"


def test_a_median_projects_by_the_ranks_of_the_values_so_far(status: pd.DataFrame) -> None:
    # 10 replies after 600…6000 s, 12 more expected: sd = √(0.25 · 12 / (10 · 22)) = 0.116775, the
    # shares 0.5 ∓ 0.228874 → ranks ⌈2.71⌉ = 3 and ⌈7.29⌉ = 8 → 1800 s and 4800 s.
    row = _row(status, "replies-median")
    assert (row["value"], row["n"]) == (3300, 10)
    assert (row["projected"], row["projected_low"], row["projected_high"]) == (3300, 1800, 4800)
    assert row["expected_n"] == pytest.approx(22)
    assert row["status"] == "on_track"
    assert "no earlier periods" in row["note"]


def test_too_little_data_is_said_not_judged(status: pd.DataFrame) -> None:
    row = _row(status, "replies-few")  # min_n is the small_sample setting, 30
    assert row["status"] == "not_enough_data"
    assert row["note"].endswith("n 10 below min_n 30")


def test_a_rate_projects_with_the_volume_still_expected(status: pd.DataFrame) -> None:
    # 20 of 100 reopened; m = 120, N = 220: sd = √(0.2 · 0.8 · 120 / (100 · 220)) = 0.029542.
    row = _row(status, "rates-reopen")
    spread = Z * math.sqrt(0.16 * 120 / (100 * 220))
    assert row["value"] == pytest.approx(0.2)
    assert row["projected_low"] == pytest.approx(0.2 - spread)  # 0.1421
    assert row["projected_high"] == pytest.approx(0.2 + spread)  # 0.2579
    assert row["status"] == "on_track"
    # Misses are reopens: 30% of 220 expected = 66 allowed, 20 so far, spent at 0.2 / 0.3 of the pace.
    assert (row["budget_allowed"], row["budget_used"]) == (66, 20)
    assert row["burn_rate"] == pytest.approx(2 / 3)


def test_a_team_that_games_its_target_trips_the_guardrail_breach(status: pd.DataFrame) -> None:
    row = _row(status, "gamers-frt")
    assert row["status"] == "on_track"
    assert row["change"] < 0 and row["change_ci_high"] < 0  # replies significantly faster than in May
    guards = {g["metric"]: g for g in row["guardrails"]}
    # Reopens: 2 of 40 in May 1–14, 16 of 40 in June 1–14: +35 pp.
    assert guards["reopen_rate"]["baseline"] == pytest.approx(0.05)
    assert guards["reopen_rate"]["value"] == pytest.approx(0.4)
    assert guards["reopen_rate"]["change"] == pytest.approx(35)
    assert guards["reopen_rate"]["breached"]
    # Replies per solved ticket: 2.5 then 4.5.
    assert (guards["agent_replies"]["baseline"], guards["agent_replies"]["value"]) == (2.5, 4.5)
    assert guards["agent_replies"]["breached"]
    assert row["guardrail_breach"]


def test_a_guardrail_that_holds_raises_nothing(status: pd.DataFrame) -> None:
    row = _row(status, "honest-frt")
    assert row["guardrails"][0]["metric"] == "reopen_rate"
    assert row["guardrails"][0]["baseline"] is None  # no tickets of the team in May
    assert not row["guardrails"][0]["breached"] and not row["guardrail_breach"]


def test_the_error_budget_of_a_higher_is_better_proportion() -> None:
    # 90% answered in time: 85 of 100 so far and 100 more expected. 10% of 200 = 20 misses allowed,
    # 15 used, spent at 0.15 / 0.10 = 1.5 times the allowed pace.
    (target,) = parse_targets("targets: [{id: sl, metric: service_level, period: month, target: 0.9}]")
    budget = error_budget(target, successes=85, n=100, expected_n=200)
    assert (budget.allowed, budget.used) == (20, 15)
    assert budget.burn_rate == pytest.approx(1.5)
