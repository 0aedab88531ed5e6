"""Every ticket metric on the hand-worked helpdesk (tests/ticket_fixture.py).

Values in comments are worked out by hand from the fixture's events; times in the default Israeli calendar.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from kpi_rows import one_result as _one

from kpidesk import kpis
from kpidesk.workspace import Workspace


@pytest.fixture
def whole(ticket_workspace: Workspace) -> pd.DataFrame:
    return kpis(ticket_workspace, period="all")


@pytest.fixture
def whole_business(ticket_workspace: Workspace) -> pd.DataFrame:
    return kpis(ticket_workspace, period="all", business_hours=True, stat="mean")


def test_counts(whole: pd.DataFrame) -> None:
    assert _one(whole, "volume")["value"] == 8
    assert _one(whole, "solved")["value"] == 6  # T1 T2 T4 T5 T6 T8
    # At the latest instant (T5's solve, 2026-04-23 07:30 UTC) T3 and T7 are still open.
    assert _one(whole, "backlog")["value"] == 2


def test_backlog_age(whole: pd.DataFrame) -> None:
    # T3: 52 days − 30 min = 4,491,000 s; T7: 49 days 21.5 h = 4,311,000 s; median 4,401,000.
    assert _one(whole, "backlog_age")["value"] == 4_401_000


def test_first_reply_time_calendar(whole: pd.DataFrame) -> None:
    row = _one(whole, "first_reply_time")
    # 3600, 7200, 7200, 70200, 151200, 234000, 237600 → median 70,200; T7 unanswered.
    assert row["value"] == 70_200
    assert row["n"] == 7
    assert row["unanswered"] == 1
    # Order statistics for n=7: ranks 1 and 7 (coverage 1 − 2·0.0078).
    assert (row["ci_low"], row["ci_high"]) == (3600, 237_600)


def test_first_reply_time_business_mean(whole_business: pd.DataFrame) -> None:
    # 3600 + 5 × 7200 + 12600 = 52,200 over 7 tickets.
    assert _one(whole_business, "first_reply_time")["value"] == pytest.approx(52_200 / 7)


def test_reply_time(whole: pd.DataFrame, whole_business: pd.DataFrame) -> None:
    # Stretches: 3600 | 237600, 3600, 3600 | 70200 | 7200 | 151200 | 234000 → median (7200 + 70200) / 2.
    assert _one(whole, "reply_time")["value"] == 38_700
    assert _one(whole, "reply_time")["n"] == 8
    # Business: 3600, 7200, 3600, 3600, 12600, 7200, 7200, 7200 → 52,200 / 8.
    assert _one(whole_business, "reply_time")["value"] == pytest.approx(6525)


def test_resolution_times(whole: pd.DataFrame, whole_business: pd.DataFrame) -> None:
    # First: 7200, 10800, 14400, 153000, 235800, 246600 → median 83,700.
    assert _one(whole, "first_resolution_time")["value"] == 83_700
    # Business means: first (7200 + 16200 + 14400 + 9000 + 9000 + 10800) / 6; full with T2 at 37,800.
    assert _one(whole_business, "first_resolution_time")["value"] == pytest.approx(11_100)
    assert _one(whole_business, "full_resolution_time")["value"] == pytest.approx(14_700)


def test_per_ticket_means(whole: pd.DataFrame) -> None:
    replies = _one(whole, "agent_replies")
    assert replies["value"] == pytest.approx(1.5)  # 1, 3, 1, 1, 1, 2
    # sd = sqrt(3.5 / 5); t(0.975, 5) = 2.570582 → 1.5 ± 0.878021.
    assert replies["ci_low"] == pytest.approx(0.621979, abs=1e-6)
    assert replies["ci_high"] == pytest.approx(2.378021, abs=1e-6)
    assert _one(whole, "reassignments")["value"] == pytest.approx(1 / 6)


def test_rates(whole: pd.DataFrame) -> None:
    assert _one(whole, "one_touch_rate")["value"] == pytest.approx(4 / 6)  # not T2 (3 replies), not T8 (2)
    assert _one(whole, "fcr_rate")["value"] == pytest.approx(3 / 6)  # T1 T5 T6; T4 escalated
    assert _one(whole, "reopen_rate")["value"] == pytest.approx(1 / 6)  # T2
    assert _one(whole, "escalation_rate")["value"] == pytest.approx(1 / 8)  # T4
    assert _one(whole, "repeat_contact_rate")["value"] == pytest.approx(1 / 6)  # c1: T1 then T3
    # Nothing open at the start; 8 created, 6 of them solved.
    resolution = _one(whole, "resolution_rate")
    assert (resolution["value"], resolution["n"]) == (0.75, 8)
    # Wilson, 6 of 8: centre 0.668893, half-width 0.259622.
    assert resolution["ci_low"] == pytest.approx(0.409275, abs=1e-5)
    assert resolution["ci_high"] == pytest.approx(0.928521, abs=1e-5)


@pytest.mark.parametrize(
    "definition,expected,n",
    [
        ("one_reply", 3 / 6, 6),
        # No follow-up, no reopen, no escalation: T1 T5 T6; T8 has no events, so it is unknown and left out.
        ("no_customer_followup", 3 / 5, 5),
        # No reopen and no new ticket from the customer within 7 days: T4 T5 T6 T8 (c1 came back after T1).
        ("no_repeat_contact", 4 / 6, 6),
    ],
)
def test_fcr_options(ticket_workspace: Workspace, definition: str, expected: float, n: int) -> None:
    ticket_workspace.settings.metrics.fcr = definition
    row = _one(kpis(ticket_workspace, metrics=["fcr_rate"], period="all"), "fcr_rate")
    assert row["value"] == pytest.approx(expected)
    assert row["n"] == n


def test_sla_attainment(whole: pd.DataFrame) -> None:
    # first reply (business): T1 1h ≤ 2h, T2 2h ≤ 4h, T4 2h ≤ 8h met; T7 unanswered for weeks: breached.
    assert _one(whole, "sla_attainment", sla_metric="first_reply")["value"] == pytest.approx(3 / 4)
    # resolution ≤ 24 business hours: T1, T2 (10.5 h), T4 met; T7 still open and past it.
    assert _one(whole, "sla_attainment", sla_metric="resolution")["value"] == pytest.approx(3 / 4)
    # reply ≤ 1 h per stretch: T1 ✓ | T2 ✗ ✓ ✓ | T4 ✗ | T7 unanswered ✗ → 3 of 6.
    reply = _one(whole, "sla_attainment", sla_metric="reply")
    assert (reply["value"], reply["n"]) == (0.5, 6)
    # T8 carries its source's own outcome: missed.
    assert _one(whole, "sla_attainment", sla_metric="source")["value"] == 0


def test_weekly_periods_start_on_sunday(ticket_workspace: Workspace) -> None:
    weekly = kpis(ticket_workspace, metrics=["volume", "solved", "backlog", "resolution_rate"], period="week")
    week1, week2 = date(2026, 3, 1), date(2026, 3, 8)
    assert _one(weekly, "volume", period_start=week1)["value"] == 6  # T1 T2 T3 T4 T7 T8
    assert _one(weekly, "volume", period_start=week1)["period_end"] == date(2026, 3, 7)
    assert _one(weekly, "solved", period_start=week1)["value"] == 3  # T1 T4 T8; T2's last solve is on the 9th
    assert _one(weekly, "backlog", period_start=week1)["value"] == 3  # T2 T3 T7 at Saturday midnight
    assert _one(weekly, "backlog", period_start=week2)["value"] == 2  # T3 T7
    # Week 2: 3 open at its start, none created, T2 solved → 1/3.
    assert _one(weekly, "resolution_rate", period_start=week2)["value"] == pytest.approx(1 / 3)
    # T6 (Thursday 26 March) falls in the week of Sunday 22 March.
    assert _one(weekly, "volume", period_start=date(2026, 3, 22))["value"] == 1


def test_by_dimension_and_date_filter(ticket_workspace: Workspace) -> None:
    frame = kpis(
        ticket_workspace,
        metrics=["volume"],
        by=["channel"],
        period="all",
        start=date(2026, 3, 1),
        end=date(2026, 3, 7),
    )
    counts = dict(zip(frame.channel, frame.value, strict=True))
    assert counts == {"chat": 2, "email": 3, "phone": 1}  # chat T2 T7; email T1 T3 T8; phone T4


def test_percentile_and_small_sample_flag(ticket_workspace: Workspace) -> None:
    row = _one(
        kpis(ticket_workspace, metrics=["first_reply_time"], period="all", stat="p90"), "first_reply_time"
    )
    # Interpolated p90 of 7 values: position 0.9 × 6 = 5.4 → 234000 + 0.4 × 3600.
    assert row["value"] == pytest.approx(235_440)
    assert row["stat"] == "p90"
    assert bool(row["small_sample"]) is True


def test_empty_groups_and_empty_warehouse(workspace: Workspace, ticket_workspace: Workspace) -> None:
    assert kpis(workspace).empty
    frame = kpis(ticket_workspace, metrics=["volume"], period="all", start=date(2030, 1, 1))
    assert frame.empty


def test_unknown_metric_dimension_and_stat_are_clear(ticket_workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="unknown metric 'frt'"):
        kpis(ticket_workspace, metrics=["frt"])
    with pytest.raises(ValueError, match="unknown dimension"):
        kpis(ticket_workspace, by=["colour"])
    with pytest.raises(ValueError, match="unknown statistic"):
        kpis(ticket_workspace, stat="p100")
