"""People, QA and per-staffed-hour metrics on the hand-worked team of tests/people_fixture.py.

Values in comments are worked out by hand from the fixture's tables. Weeks are those of the Israeli
default calendar (from Sunday); S1, E1, E2, E3 are the instants the fixture names. Chi-square quantiles
for the exact Poisson intervals: χ²(0.025; 2) = 0.050636, χ²(0.975; 2) = 7.377759, χ²(0.975; 4) =
11.143287, χ²(0.025; 6) = 1.237344, χ²(0.975; 8) = 17.534546; a rate's bounds are χ²/2 over its exposure.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from kpi_rows import one_result as _one
from people_fixture import load_people

from kpidesk import kpis
from kpidesk.metrics import CATALOGUE
from kpidesk.workspace import SettingsError, Workspace, init_workspace, load_settings

PEOPLE = ["headcount", "tenure", "attrition_rate", "retention_rate"]
QA = ["qa_score", "qa_auto_fail_rate"]
PER_HOUR = ["tickets_solved_per_hour", "replies_per_hour"]
W1, W2, W3 = date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 21)}


@pytest.fixture
def people_workspace(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "people", country="IL")
    with ws.connect() as con:
        load_people(con)
    return ws


@pytest.fixture
def weekly(people_workspace: Workspace) -> pd.DataFrame:
    return kpis(people_workspace, metrics=[*PEOPLE, *QA, *PER_HOUR], period="week", **MARCH)


def test_headcount_is_a_stock_at_each_week_end(weekly: pd.DataFrame) -> None:
    # E1: a1, a3 (hired mid-week), a5 (hired exactly at S1) — a2 left exactly at E1 and is gone.
    # E2: a1, a3, a5 and a7, hired exactly at E2 — a4 came and went inside week 2. E3: a1, a3, a7.
    # a6 has no hire date and is never counted.
    for week, count in ((W1, 3), (W2, 4), (W3, 3)):
        row = _one(weekly, "headcount", period_start=week)
        assert (row["value"], row["n"], row["stat"], row["unit"]) == (count, count, "count", "agents")
        assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
        assert bool(row["small_sample"]) is True


def test_headcount_by_team_and_agent(people_workspace: Workspace) -> None:
    frame = kpis(people_workspace, metrics=["headcount"], by=["team"], period="week", **MARCH)
    # E1: billing a1, technical a3 a5; E2: billing a1 a7, technical a3 a5; E3: billing a1 a7, technical a3.
    expected = {
        (W1, "billing"): 1,
        (W1, "technical"): 2,
        (W2, "billing"): 2,
        (W2, "technical"): 2,
        (W3, "billing"): 2,
        (W3, "technical"): 1,
    }
    assert dict(zip(zip(frame.period_start, frame.team, strict=True), frame.value, strict=True)) == expected
    agents = kpis(people_workspace, metrics=["headcount"], by=["agent"], period="all", **MARCH)
    # At E3 only; a lead counts like every other role.
    assert sorted(agents.agent) == ["a1", "a3", "a7"]


def test_tenure_in_days(weekly: pd.DataFrame, people_workspace: Workspace) -> None:
    # E1: a3 3 d 12 h = 3.5, a5 7, a1 2025-03-01 00:00 → 2026-03-07 22:00 = 371 d 22 h = 371.916667.
    row = _one(weekly, "tenure", period_start=W1)
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (7.0, 3, "median", "days")
    # Bin(3, ½): no rank reaches 2.5% or 97.5%, so the order-statistic interval has no bounds.
    assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])
    # E2: a7 0 (hired at E2), a3 10.5, a5 14, a1 378.916667 → (10.5 + 14) / 2.
    assert _one(weekly, "tenure", period_start=W2)["value"] == pytest.approx(12.25)
    # E3: a7 7, a3 17.5, a1 385.916667.
    assert _one(weekly, "tenure", period_start=W3)["value"] == pytest.approx(17.5)
    mean = kpis(people_workspace, metrics=["tenure"], period="week", stat="mean", **MARCH)
    # (3.5 + 7 + 371.916667) / 3.
    assert _one(mean, "tenure", period_start=W1)["value"] == pytest.approx(382.416667 / 3)
    business = kpis(people_workspace, metrics=["tenure"], period="week", business_hours=True, **MARCH)
    assert _one(business, "tenure", period_start=W1)["value"] == 7.0


def test_attrition_rate_with_its_poisson_interval(weekly: pd.DataFrame) -> None:
    # W1: headcount S1 = 3 (a1 a2 a5), E1 = 3 → average 3; leavers: a2 (left at E1, which is in W1).
    # Employed during W1: a1 a2 a3 a5 → n = 4.
    row = _one(weekly, "attrition_rate", period_start=W1)
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (pytest.approx(1 / 3), 4, "rate", "ratio")
    assert row["ci_low"] == pytest.approx(0.050636 / 2 / 3, abs=1e-6)
    assert row["ci_high"] == pytest.approx(11.143287 / 2 / 3, abs=1e-6)
    # W2: 3 at E1, 4 at E2 → 3.5; leaver a4 (hired and gone inside the week); a2 left at E1, not in W2.
    # Employed: a1 a3 a4 a5 a7 → n = 5.
    row = _one(weekly, "attrition_rate", period_start=W2)
    assert (row["value"], row["n"]) == (pytest.approx(1 / 3.5), 5)
    assert row["ci_high"] == pytest.approx(11.143287 / 2 / 3.5, abs=1e-6)
    # W3: 4 at E2, 3 at E3 → 3.5; leaver a5.
    assert _one(weekly, "attrition_rate", period_start=W3)["value"] == pytest.approx(1 / 3.5)


def test_retention_rate_mirrors_attrition(weekly: pd.DataFrame) -> None:
    row = _one(weekly, "retention_rate", period_start=W1)
    assert row["value"] == pytest.approx(2 / 3)
    # 1 − attrition's bounds, swapped: the upper bound 1.857214 would make the lower one 1 − 1.857214 =
    # −0.857, no possible retention, so it stops at 0.
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == pytest.approx(1 - 0.050636 / 6, abs=1e-6)
    assert (row["n"], row["stat"]) == (4, "rate")


def test_attrition_by_team_with_no_leaver(people_workspace: Workspace) -> None:
    frame = kpis(people_workspace, metrics=["attrition_rate"], by=["team"], period="week", **MARCH)
    # W2 technical: a3 1 + a4 0 + a5 1 → average 2, leaver a4 → 0.5.
    assert _one(frame, "attrition_rate", team="technical", period_start=W2)["value"] == pytest.approx(0.5)
    # W2 billing: a1 1 + a7 ½ (present at the end only) = 1.5, nobody left → 0 with [0, 7.377759 / 2 / 1.5].
    row = _one(frame, "attrition_rate", team="billing", period_start=W2)
    assert (row["value"], row["ci_low"], row["n"]) == (0.0, 0.0, 2)
    assert row["ci_high"] == pytest.approx(7.377759 / 3, abs=1e-6)
    # W1 billing: a1 1 + a2 ½ = 1.5, leaver a2 → 2/3.
    assert _one(frame, "attrition_rate", team="billing", period_start=W1)["value"] == pytest.approx(2 / 3)


def test_annualised_attrition(people_workspace: Workspace) -> None:
    people_workspace.settings.metrics.attrition_annualised = True
    weekly = kpis(people_workspace, metrics=["attrition_rate", "retention_rate"], period="week", **MARCH)
    row = _one(weekly, "attrition_rate", period_start=W1)
    # 52 weeks a year: 52 / 3, the bounds × 52 too.
    assert row["value"] == pytest.approx(52 / 3)
    assert row["ci_high"] == pytest.approx(52 * 11.143287 / 6, abs=1e-4)
    assert _one(weekly, "retention_rate", period_start=W1)["value"] == pytest.approx(1 - 52 / 3)
    whole = kpis(people_workspace, metrics=["attrition_rate"], period="all", **MARCH)
    # 1–21 March: headcount 3 at S1 (a1 a2 a5) and 3 at E3 (a1 a3 a7); leavers a2 a4 a5 → 3 / 3 = 1 over
    # 21 days, annualised × 365 / 21; employed a1 a2 a3 a4 a5 a7.
    row = _one(whole, "attrition_rate")
    assert (row["value"], row["n"]) == (pytest.approx(365 / 21), 6)
    assert row["ci_low"] == pytest.approx(365 / 21 * 1.237344 / 2 / 3, abs=1e-4)
    people_workspace.settings.metrics.attrition_annualised = False
    plain = kpis(people_workspace, metrics=["attrition_rate"], period="all", **MARCH)
    assert _one(plain, "attrition_rate")["value"] == pytest.approx(1.0)
    assert _one(plain, "attrition_rate")["ci_high"] == pytest.approx(17.534546 / 6, abs=1e-6)


def test_attrition_option_in_kpidesk_toml(tmp_path: Path) -> None:
    path = tmp_path / "kpidesk.toml"
    header = '[workspace]\ntimezone = "UTC"\n[metrics]\n'
    path.write_text(header + "attrition_annualised = true\n", encoding="utf-8")
    assert load_settings(path).metrics.attrition_annualised is True
    path.write_text(header + 'attrition_annualised = "yes"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="attrition_annualised: expected true or false"):
        load_settings(path)


def test_a_week_without_staff_and_one_after_the_data(people_workspace: Workspace) -> None:
    # January 2025: nobody hired yet, so no row at all rather than zeros.
    assert kpis(
        people_workspace, metrics=PEOPLE, period="week", start=date(2025, 1, 5), end=date(2025, 1, 11)
    ).empty
    # The week after the data: the stock stays (a1 a3 a7), nobody leaves, no reviews or staffed time.
    later = kpis(
        people_workspace,
        metrics=[*PEOPLE, *QA, *PER_HOUR],
        period="week",
        start=date(2026, 3, 22),
        end=date(2026, 3, 28),
    )
    assert set(later.metric) == set(PEOPLE)
    assert _one(later, "headcount")["value"] == 3
    assert _one(later, "attrition_rate")["value"] == 0.0
    assert _one(later, "retention_rate")["value"] == 1.0


def test_qa_score(weekly: pd.DataFrame, people_workspace: Workspace) -> None:
    # W1: R1 90, R2 80, R3 0 (auto-failed, score kept), R7 60 → 57.5; Σ(x − 57.5)² = 4875, sd = √1625;
    # half = t(0.975, 3) 3.182446 · 40.311289 / 2 = 64.144250.
    row = _one(weekly, "qa_score", period_start=W1)
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (57.5, 4, "mean", "points")
    # 57.5 ± 64.144250 reaches past both ends of the 0–100 scale: the interval is the whole scale.
    assert (row["ci_low"], row["ci_high"]) == (0.0, 100.0)
    # W2: R8 (exactly at E1) 100, R4 70, R6 85; R5 has no score → 85, sd 15, half 4.302653 · 15 / √3.
    row = _one(weekly, "qa_score", period_start=W2)
    assert (row["value"], row["n"]) == (85.0, 3)
    assert row["ci_low"] == pytest.approx(85 - 37.262068, abs=1e-5)
    # R9 is undated: in no period, also not in the whole span.
    whole = kpis(people_workspace, metrics=QA, period="all", **MARCH)
    assert _one(whole, "qa_score")["value"] == pytest.approx(485 / 7)
    assert kpis(people_workspace, metrics=QA, period="week", **MARCH).period_start.isin([W1, W2]).all()


def test_qa_by_team_and_agent(people_workspace: Workspace) -> None:
    frame = kpis(people_workspace, metrics=QA, by=["team"], period="week", **MARCH)
    # W1: billing R1 R2 → 85; technical R3 → 0; R7's agent a9 is not in the agents table → no team.
    assert _one(frame, "qa_score", team="billing", period_start=W1)["value"] == 85.0
    assert _one(frame, "qa_score", team="technical", period_start=W1)["value"] == 0.0
    assert _one(frame, "qa_score", team=None, period_start=W1)["value"] == 60.0
    agents = kpis(people_workspace, metrics=QA, by=["agent"], period="week", **MARCH)
    # W2 a5: only R5, auto-failed without a score: an auto-fail rate of 1, no QA score row.
    assert _one(agents, "qa_auto_fail_rate", agent="a5", period_start=W2)["value"] == 1.0
    assert agents[(agents.metric == "qa_score") & (agents.agent == "a5")].empty
    # One review: the t interval needs two.
    single = _one(agents, "qa_score", agent="a3", period_start=W2)
    assert (single["value"], single["n"]) == (70.0, 1) and pd.isna(single["ci_low"])


def test_qa_auto_fail_rate(weekly: pd.DataFrame) -> None:
    # W1: R3 of R1 R2 R3 R7 → 1/4. Wilson: 1 + z²/4 = 1.960365; centre (0.25 + 0.480182) / 1.960365 =
    # 0.372473; half = 0.999792 · sqrt(0.046875 + 0.060023) = 0.326886.
    row = _one(weekly, "qa_auto_fail_rate", period_start=W1)
    assert (row["value"], row["n"], row["stat"]) == (0.25, 4, "rate")
    assert row["ci_low"] == pytest.approx(0.372473 - 0.326886, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.372473 + 0.326886, abs=1e-5)
    # W2: R5 of R4 R5 R8; R6 carries no auto-fail flag and is left out.
    row = _one(weekly, "qa_auto_fail_rate", period_start=W2)
    assert (row["value"], row["n"]) == (pytest.approx(1 / 3), 3)


def test_tickets_solved_per_staffed_hour(weekly: pd.DataFrame, people_workspace: Workspace) -> None:
    # Staffed W1: a1 4 (available) + 2 (busy) + 2 (the wrap up to E1; the hour away is not staffed), a3 4
    # → 12 h. Solved in W1 by tracked agents: P1 P2 (a1), P4 (a3) → 3 / 12; P5's a5 has no states and P6
    # no assignee.
    row = _one(weekly, "tickets_solved_per_hour", period_start=W1)
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (0.25, 3, "rate", "tickets per hour")
    assert row["ci_low"] == pytest.approx(1.237344 / 2 / 12, abs=1e-6)
    # W2: a1 2 + 4, a3 2 → 8 h; P3 was solved exactly at E1 → 1 / 8.
    row = _one(weekly, "tickets_solved_per_hour", period_start=W2)
    assert (row["value"], row["n"]) == (0.125, 1)
    assert row["ci_high"] == pytest.approx(11.143287 / 2 / 8, abs=1e-6)
    by_agent = kpis(people_workspace, metrics=PER_HOUR, by=["agent"], period="week", **MARCH)
    assert _one(by_agent, "tickets_solved_per_hour", agent="a1", period_start=W1)["value"] == 2 / 8
    assert _one(by_agent, "tickets_solved_per_hour", agent="a1", period_start=W2)["value"] == 1 / 6
    # a3 was staffed 2 h in W2 and solved nothing: 0 per hour, n = 0, interval [0, 7.377759 / 2 / 2].
    idle = _one(by_agent, "tickets_solved_per_hour", agent="a3", period_start=W2)
    assert (idle["value"], idle["n"], idle["ci_low"]) == (0.0, 0, 0.0)
    assert idle["ci_high"] == pytest.approx(7.377759 / 4, abs=1e-6)
    assert set(by_agent.agent) == {"a1", "a3"}


def test_replies_per_staffed_hour(weekly: pd.DataFrame, people_workspace: Workspace) -> None:
    # W1 public agent messages by a tracked author: a1 07:30 and 11:30, a3 11:45 and 11:00 (public
    # unknown) → 4 / 12 h; the bot, the note and the private message do not count.
    row = _one(weekly, "replies_per_hour", period_start=W1)
    assert (row["value"], row["n"], row["unit"]) == (pytest.approx(1 / 3), 4, "replies per hour")
    # W2: a1's reply on 9 March; the authorless reply counts for nobody → 1 / 8.
    assert _one(weekly, "replies_per_hour", period_start=W2)["value"] == 0.125
    teams = kpis(people_workspace, metrics=["replies_per_hour"], by=["team"], period="week", **MARCH)
    # W1 billing (a1): 2 / 8; technical (a3): 2 / 4.
    assert _one(teams, "replies_per_hour", team="billing", period_start=W1)["value"] == 0.25
    assert _one(teams, "replies_per_hour", team="technical", period_start=W1)["value"] == 0.5


def test_small_sample_threshold(people_workspace: Workspace) -> None:
    people_workspace.settings.metrics.small_sample = 4
    frame = kpis(people_workspace, metrics=["headcount"], period="week", **MARCH)
    flags = dict(zip(frame.period_start, frame.small_sample, strict=True))
    assert flags == {W1: True, W2: False, W3: True}  # n = 3, 4, 3


def test_default_metrics_follow_the_data(people_workspace: Workspace, call_workspace: Workspace) -> None:
    by_team = set(kpis(people_workspace, by=["team"], period="week", **MARCH).metric)
    assert {*PEOPLE, *QA, *PER_HOUR} <= by_team
    # Agents without hire dates, reviews or states: none of these metrics is listed.
    calls = set(kpis(call_workspace, period="all").metric)
    assert not calls & {m.id for m in CATALOGUE if m.area in ("people", "qa", "staffing")}
    # Agents have no channel, so --by channel leaves the people metrics out.
    assert not set(kpis(people_workspace, by=["channel"], **MARCH).metric) & set(PEOPLE)
