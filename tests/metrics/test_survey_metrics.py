"""Every survey metric on the hand-worked surveys of tests/survey_fixture.py, and the survey comments.

Values in comments are worked out by hand from the fixture's table; z = 1.959964 (z² = 3.841459) for the
Wilson and NPS intervals; periods in the default Israeli calendar (weeks start on Sunday).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kpi_rows import one_result as _one
from survey_fixture import load_surveys
from ticket_fixture import load_fixture, with_sla

import kpidesk
from kpidesk import kpis
from kpidesk.metrics import CATALOGUE, COMMENT_COLUMNS, nps_interval
from kpidesk.workspace import Workspace, default_settings, init_workspace

SURVEY_METRICS = ["csat", "csat_mean", "nps", "enps", "ces", "survey_response_rate"]
WEEK1, WEEK2 = date(2026, 3, 1), date(2026, 3, 8)


def _value_n(frame: pd.DataFrame, metric: str, **where: Any) -> tuple[Any, int]:
    row = _one(frame, metric, **where)
    return row["value"], row["n"]


@pytest.fixture
def survey_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked helpdesk with the hand-worked surveys."""
    ws = init_workspace(tmp_path / "surveys", settings=with_sla(default_settings(country="IL")))
    with ws.connect() as con:
        load_fixture(con)
        load_surveys(con)
    return ws


@pytest.fixture
def whole(survey_workspace: Workspace) -> pd.DataFrame:
    return kpis(survey_workspace, metrics=SURVEY_METRICS, period="all")


def test_catalogue_entries() -> None:
    entries = {m.id: m for m in CATALOGUE if m.area == "surveys"}
    assert list(entries) == SURVEY_METRICS
    assert {m: entries[m].kind for m in entries} == {
        "csat": "proportion",
        "csat_mean": "mean",
        "nps": "nps",
        "enps": "nps",
        "ces": "mean",
        "survey_response_rate": "proportion",
    }
    assert "top point only" in entries["csat"].definition


def test_csat_top_two_points_of_each_scale(whole: pd.DataFrame) -> None:
    row = _one(whole, "csat")
    # Responses (rows with a score): S01 5, S02 4, S03 3, S04 1, S06 2 on 1–5 (top two: 4, 5 → S01 S02);
    # Z1 1, Z2 0 on 0–1 (two points: top point only → Z1); L1 9 on 0–10 (top two: 9, 10 → L1).
    # S05, Z3 were never answered. 4 of 8.
    assert (row["value"], row["n"], row["stat"], row["unit"]) == (0.5, 8, "rate", "ratio")
    # Wilson 4 of 8: centre (0.5 + z²/16) / (1 + z²/8) = 0.740091 / 1.480182 = 0.5;
    # half = z / 1.480182 · sqrt(0.25/8 + z²/256) = 1.324135 · 0.215072 = 0.284784.
    assert row["ci_low"] == pytest.approx(0.5 - 0.284784, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.5 + 0.284784, abs=1e-5)
    assert bool(row["small_sample"]) is True


def test_csat_weekly_and_a_week_without_responses(survey_workspace: Workspace) -> None:
    frame = kpis(survey_workspace, metrics=["csat", "nps"], period="week")
    # Week 1: S01 S02 S03 Z1 Z2 L1 → S01 S02 Z1 L1 = 4 of 6. Week 2: S04 (answered 9 Mar, sent 8 Mar) and
    # S06 (no send, answered 10 Mar) → 0 of 2.
    week1 = _one(frame, "csat", period_start=WEEK1)
    assert (week1["value"], week1["n"], week1["period_end"]) == (pytest.approx(4 / 6), 6, date(2026, 3, 7))
    week2 = _one(frame, "csat", period_start=WEEK2)
    assert (week2["value"], week2["n"]) == (0.0, 2)
    # Wilson 0 of 2: centre (0 + z²/4) / (1 + z²/2) = 0.960365 / 2.920730 = 0.328810, half the same.
    assert week2["ci_low"] == 0.0
    assert week2["ci_high"] == pytest.approx(2 * 0.328810, abs=1e-5)
    # Every NPS response is in week 1: later weeks have no row, not a zero.
    assert set(frame[frame.metric == "nps"].period_start) == {WEEK1}


def test_csat_by_agent_team_and_channel(survey_workspace: Workspace) -> None:
    by_agent = kpis(survey_workspace, metrics=["csat"], by=["agent"], period="all")
    # a1: S01 (no agent on the survey → its ticket T1's a1) and Z1 → 2/2. a2: S02 (the survey's a2 wins over
    # T2's a3) and Z2 → 1/2. No agent: S03 (T4), S04 (T6), S06 (T3), L1 (T8) → only L1 → 1/4.
    assert _one(by_agent, "csat", agent="a1")["value"] == 1.0
    assert _one(by_agent, "csat", agent="a2")["value"] == 0.5
    assert _value_n(by_agent, "csat", agent=None) == (0.25, 4)
    assert by_agent[by_agent.agent == "a3"].empty
    by_team = kpis(survey_workspace, metrics=["csat"], by=["team"], period="all")
    # billing: S01 S03 S04 S06 L1 (their tickets') and Z1 (its own) → S01 Z1 L1 = 3/6; support: S02 Z2 → 1/2.
    assert _value_n(by_team, "csat", team="billing") == (0.5, 6)
    assert _one(by_team, "csat", team="support")["value"] == 0.5
    by_channel = kpis(survey_workspace, metrics=["csat"], by=["channel"], period="all")
    # email: S01 (T1) S04 (T6) S06 (T3) L1 (T8) → 2/4; chat: S02 (T2) 1/1; phone: S03 (T4) 0/1; Z1 Z2 have no
    # ticket, so no channel → 1/2.
    assert _value_n(by_channel, "csat", channel="email") == (0.5, 4)
    assert _one(by_channel, "csat", channel="chat")["value"] == 1.0
    assert _one(by_channel, "csat", channel="phone")["value"] == 0.0
    assert _one(by_channel, "csat", channel=None)["value"] == 0.5


def test_csat_mean_per_source(survey_workspace: Workspace) -> None:
    frame = kpis(survey_workspace, metrics=["csat_mean"], by=["source"], period="all")
    desk = _one(frame, "csat_mean", source="desk")
    # 5 4 3 1 2: mean 15/5 = 3; Σ(x − 3)² = 4 + 1 + 0 + 4 + 1 = 10, sd = sqrt(10/4) = 1.581139;
    # half = t(0.975, 4) 2.776445 · 1.581139 / sqrt(5) = 1.963243.
    assert (desk["value"], desk["n"], desk["stat"], desk["unit"]) == (3.0, 5, "mean", "score")
    assert desk["ci_low"] == pytest.approx(3 - 1.963243, abs=1e-5)
    assert desk["ci_high"] == pytest.approx(3 + 1.963243, abs=1e-5)
    zen = _one(frame, "csat_mean", source="zen")
    # 1 0: mean 0.5, sd 0.707107; half = t(0.975, 1) 12.706205 · 0.707107 / sqrt(2) = 6.353102.
    assert zen["value"] == 0.5
    assert zen["ci_high"] == pytest.approx(0.5 + 6.353102, abs=1e-5)
    legacy = _one(frame, "csat_mean", source="legacy")
    # One response: a mean, but no t interval.
    assert (legacy["value"], legacy["n"]) == (9.0, 1)
    assert pd.isna(legacy["ci_low"]) and pd.isna(legacy["ci_high"])


def test_nps_with_its_interval(whole: pd.DataFrame) -> None:
    row = _one(whole, "nps")
    # Scores 10 9 9 10 9 8 7 6 0 8 (N10's scale undeclared: 0–10 by definition): promoters (9–10) 5,
    # passives (7–8) 3, detractors (0–6) 2. NPS = 50% − 20% = +30, a score in points, not a percentage.
    assert (row["value"], row["n"]) == (pytest.approx(30), 10)
    assert (row["stat"], row["unit"]) == ("score", "NPS points")
    # Variance (p₊ + p₋ − (p₊ − p₋)²) / n = (0.5 + 0.2 − 0.09) / 10 = 0.061; se = 0.246982;
    # z · se = 0.484075, i.e. 48.4075 points.
    assert row["ci_low"] == pytest.approx(30 - 48.4075, abs=1e-3)
    assert row["ci_high"] == pytest.approx(30 + 48.4075, abs=1e-3)


def test_nps_interval_worked_numbers() -> None:
    # n = 10, 5 promoters, 2 detractors: as above.
    low, high = nps_interval(5, 2, 10)
    assert (low, high) == (pytest.approx(-0.184075, abs=1e-5), pytest.approx(0.784075, abs=1e-5))
    # All promoters: p₊ = 1, variance 1 + 0 − 1 = 0 → the interval is the point.
    assert nps_interval(4, 0, 4) == (1.0, 1.0)
    # Half promoters, half detractors: NPS 0, variance (0.5 + 0.5 − 0) / 4 = 0.25, se 0.5, z · se 0.979982.
    assert nps_interval(2, 2, 4) == (pytest.approx(-0.979982, abs=1e-5), pytest.approx(0.979982, abs=1e-5))
    assert nps_interval(0, 0, 0) == (None, None)


def test_enps_counts_enps_and_zero_to_ten_pulse_surveys(whole: pd.DataFrame) -> None:
    row = _one(whole, "enps")
    # E1 10 promoter, E2 3 detractor, E3 pulse on 0–10 9 promoter, E5 7 passive (enps: 0–10 by definition);
    # E4 is a pulse on 1–5 (no recommend question) and E6 never answered. n = 4, P = 2, D = 1 → 50% − 25%
    # = +25 points.
    assert (row["value"], row["n"]) == (25.0, 4)
    # Variance (0.5 + 0.25 − 0.0625) / 4 = 0.171875, se = 0.414578, z · se = 81.2558 points; the upper
    # bound 25 + 81.2558 = 106.2558 is cut to the score's limit, +100.
    assert row["ci_low"] == pytest.approx(25 - 81.2558, abs=1e-3)
    assert row["ci_high"] == 100.0


def test_ces_mean(whole: pd.DataFrame) -> None:
    row = _one(whole, "ces")
    # C1 6, C2 4, C3 5 (C4 unanswered): mean 5, sd 1; half = t(0.975, 2) 4.302653 / sqrt(3) = 2.484138.
    assert (row["value"], row["n"]) == (5.0, 3)
    assert row["ci_low"] == pytest.approx(5 - 2.484138, abs=1e-5)
    assert row["ci_high"] == pytest.approx(5 + 2.484138, abs=1e-5)


def test_response_rate_by_sends_or_by_solved_tickets(
    survey_workspace: Workspace, whole: pd.DataFrame
) -> None:
    frame = kpis(survey_workspace, metrics=["survey_response_rate"], by=["source"], period="all")
    # desk dates its sends: 10 surveys (S06's undated send still counts), 8 with a score (not S05, C4).
    assert _value_n(frame, "survey_response_rate", source="desk") == (0.8, 10)
    # zen: Z1 Z2 of Z1–Z3; hr: E1–E5 of E1–E6.
    assert _one(frame, "survey_response_rate", source="zen")["value"] == pytest.approx(2 / 3)
    assert _one(frame, "survey_response_rate", source="hr")["value"] == pytest.approx(5 / 6)
    # legacy never dates a send: its solved tickets (T8) with a response (L1) → 1/1.
    assert _value_n(frame, "survey_response_rate", source="legacy") == (1.0, 1)
    # delighted has neither sends nor tickets: no response rate.
    assert frame[frame.source == "delighted"].empty
    row = _one(whole, "survey_response_rate")
    # 8 + 2 + 5 + 1 = 16 of 10 + 3 + 6 + 1 = 20. Wilson: centre (0.8 + z²/40) / (1 + z²/20)
    # = 0.896037 / 1.192073 = 0.751663; half = z / 1.192073 · sqrt(0.16/20 + z²/1600) = 1.644168 · 0.101985
    # = 0.167681.
    assert (row["value"], row["n"]) == (0.8, 20)
    assert row["ci_low"] == pytest.approx(0.751663 - 0.167681, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.751663 + 0.167681, abs=1e-5)


def test_response_rate_weekly_by_send(survey_workspace: Workspace) -> None:
    frame = kpis(survey_workspace, metrics=["survey_response_rate"], by=["source"], period="week")
    # desk, by the week of the send: week 1 S01 S02 S03 S05 C1 C2 C3 C4 → 6 of 8; week 2 S04 (sent 8 Mar)
    # and S06 (no send: its response on 10 Mar) → 2 of 2.
    assert _one(frame, "survey_response_rate", source="desk", period_start=WEEK1)["value"] == 0.75
    assert _one(frame, "survey_response_rate", source="desk", period_start=WEEK2)["value"] == 1.0


def test_date_filter_empty_range_and_no_surveys(
    survey_workspace: Workspace, ticket_workspace: Workspace
) -> None:
    frame = kpis(survey_workspace, metrics=["csat"], period="all", start=WEEK2)
    assert _value_n(frame, "csat") == (0.0, 2)  # S04, S06
    assert kpis(survey_workspace, metrics=SURVEY_METRICS, start=date(2030, 1, 1)).empty
    # Without surveys, no survey metric is reported by default, and one asked for has no rows.
    assert not set(kpis(ticket_workspace, period="all").metric) & set(SURVEY_METRICS)
    assert kpis(ticket_workspace, metrics=SURVEY_METRICS, period="all").empty


def test_default_metrics_include_surveys_by_channel(survey_workspace: Workspace) -> None:
    # Survey units carry their ticket's channel, so `--by channel` keeps them; they have no priority.
    assert set(SURVEY_METRICS) <= set(kpis(survey_workspace, by=["channel"], period="all").metric)
    assert not set(SURVEY_METRICS) & set(kpis(survey_workspace, by=["priority"], period="all").metric)


def test_survey_comments(survey_workspace: Workspace) -> None:
    comments = kpidesk.survey_comments(survey_workspace, metric="csat")
    assert tuple(comments.columns) == COMMENT_COLUMNS
    # CSAT responses with a comment (S06's is blank), newest first; S02 and Z1 both at 2 Mar 09:00, by
    # source.
    assert list(comments.response_id) == ["S04", "Z2", "S02", "Z1", "S01"]
    first = comments[comments.response_id == "S01"].iloc[0]
    assert (first.comment, first.score, first.agent_id, first.team_id, first.channel, first.ticket_id) == (
        "Great help",
        5.0,
        "a1",
        "billing",
        "email",
        "T1",
    )
    by_agent = kpidesk.survey_comments(survey_workspace, metric="csat", filters={"agent": "a2"})
    assert list(by_agent.response_id) == ["Z2", "S02"]
    both = kpidesk.survey_comments(
        survey_workspace, filters={"team": ["support", "billing"], "source": "zen"}
    )
    assert list(both.response_id) == ["Z2", "Z1"]
    assert list(kpidesk.survey_comments(survey_workspace, metric="csat", start=WEEK2).response_id) == ["S04"]
    # Every response the metric counts, with or without a comment.
    assert len(kpidesk.survey_comments(survey_workspace, metric="csat", commented_only=False)) == 8
    assert list(kpidesk.survey_comments(survey_workspace, metric="nps").comment) == ["Never again"]
    assert kpidesk.survey_comments(survey_workspace, metric="enps").empty
    with pytest.raises(ValueError, match="'volume' is not a survey metric"):
        kpidesk.survey_comments(survey_workspace, metric="volume")
    with pytest.raises(ValueError, match="cannot be filtered by 'queue'"):
        kpidesk.survey_comments(survey_workspace, filters={"queue": "billing"})
