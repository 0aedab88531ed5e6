"""Occupancy, calls per staffed hour and per shift, FCR and repeat contacts across calls and tickets, and
call intervals, on the hand-worked staffed call center of tests/call_staffing_fixture.py.

Values in comments are worked out by hand from the fixture's tables: z = 1.959964 (z² = 3.841459) for
Wilson intervals, t quantiles t(0.975, 2) = 4.302653 and t(0.975, 3) = 3.182446. Local days and weeks are
the default Israeli calendar's (UTC+2 in March until the 27th; weeks start on Sunday).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest
from call_staffing_fixture import load_second_week, load_staffed_calls
from click.testing import CliRunner
from kpi_rows import one_result as _one

import kpidesk
from kpidesk import kpis, refresh_facts
from kpidesk.cli import main
from kpidesk.facts import CALL_FACTS_TABLE
from kpidesk.facts._call_facts import derive_agent_shifts, staffed_agent_days
from kpidesk.metrics import CATALOGUE
from kpidesk.metrics._people_samples import STAFFED_STATES
from kpidesk.workspace import Workspace, init_workspace

STAFFING = ["occupancy", "calls_per_hour", "calls_per_shift"]
REPEATS = ["call_fcr_rate", "cross_channel_repeat_rate"]


@pytest.fixture
def staffed(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "staffed", country="IL")
    with ws.connect() as con:
        load_staffed_calls(con)
    return ws


@pytest.fixture
def whole(staffed: Workspace) -> pd.DataFrame:
    return kpis(staffed, metrics=[*STAFFING, *REPEATS], period="all")


def test_staffed_time_per_local_day_and_shifts(staffed: Workspace) -> None:
    refresh_facts(staffed)
    with staffed.connect() as con:
        icon = ibis.duckdb.from_connection(con)
        states, slots = icon.table("agent_states"), icon.table("calendar_slots")
        days = staffed_agent_days(states, slots, calendar="default", staffed=STAFFED_STATES).execute()
        shifts = derive_agent_shifts(states, staffed=STAFFED_STATES).execute()
    days = {(r.agent_id, pd.Timestamp(r.local_date).date()): r.staffed_s for r in days.itertuples()}
    # a1: 7200 + 3600 + 2400 + 1800 (the two away states are not staffed). a2's 21:00–23:00 UTC state is
    # 23:00–01:00 local: 3600 s before midnight (with its 06:00–07:00 UTC hour, 7200 on Sunday), 3600 after.
    assert days == {
        ("a1", date(2026, 3, 1)): 15000,
        ("a2", date(2026, 3, 1)): 7200,
        ("a2", date(2026, 3, 2)): 3600,
    }
    found = sorted(
        (r.agent_id, str(r.shift_start), str(r.shift_end), r.staffed_s) for r in shifts.itertuples()
    )
    # A: the 20-minute break stays inside; B: the 30-minute away state (not less than 30) starts a new one;
    # D: one night shift across local midnight.
    assert found == [
        ("a1", "2026-03-01 06:00:00", "2026-03-01 10:00:00", 13200),
        ("a1", "2026-03-01 10:30:00", "2026-03-01 11:00:00", 1800),
        ("a2", "2026-03-01 06:00:00", "2026-03-01 07:00:00", 3600),
        ("a2", "2026-03-01 21:00:00", "2026-03-01 23:00:00", 7200),
    ]


def test_occupancy_is_a_ratio_of_sums_with_the_ratio_estimator_interval(whole: pd.DataFrame) -> None:
    row = _one(whole, "occupancy")
    # Agent-days (handle y / staffed x): a1 Sun D01–D04 600 + 900 + 300 + 480 = 2280 / 15000; a2 Sun D05
    # 1200 / 7200; a2 Mon D06 (answered 00:30 local) 600 / 3600. a3 has no states: D07 and D09 do not count.
    # R = 4080 / 25800 = 0.158140.
    assert (row["value"], row["n"]) == (pytest.approx(4080 / 25800), 3)
    assert (row["stat"], row["unit"]) == ("ratio", "ratio")
    # Residuals y − R·x: −92.093023, 61.395349, 30.697674; Σ² = 13,192.861; s² = 13,192.861 / 2;
    # se = sqrt(s² / 3) / (25800 / 3) = 0.0054525; half = 4.302653 · 0.0054525 = 0.0234602.
    assert row["ci_low"] == pytest.approx(4080 / 25800 - 0.0234602, abs=1e-6)
    assert row["ci_high"] == pytest.approx(4080 / 25800 + 0.0234602, abs=1e-6)
    assert bool(row["small_sample"]) is True


def test_occupancy_per_day_agent_and_team(staffed: Workspace) -> None:
    daily = kpis(staffed, metrics=["occupancy"], by=["agent"], period="day")
    # The night state is split at local midnight, and D06 belongs to Monday.
    sunday = date(2026, 3, 1)
    assert _one(daily, "occupancy", agent="a1", period_start=sunday)["value"] == pytest.approx(0.152)
    assert _one(daily, "occupancy", agent="a2", period_start=sunday)["value"] == pytest.approx(1 / 6)
    monday = _one(daily, "occupancy", agent="a2", period_start=date(2026, 3, 2))
    assert (monday["value"], monday["n"]) == (pytest.approx(1 / 6), 1)
    assert pd.isna(monday["ci_low"]) and pd.isna(monday["ci_high"])  # one unit: no interval
    teams = kpis(staffed, metrics=["occupancy"], by=["team"], period="all")
    # billing: a1 only (a3 has no states) 2280 / 15000; technical: a2 1800 / 10800, both of its days exactly
    # 1/6, so no residual and a zero-width interval.
    assert _one(teams, "occupancy", team="billing")["value"] == pytest.approx(0.152)
    technical = _one(teams, "occupancy", team="technical")
    assert (technical["value"], technical["n"]) == (pytest.approx(1 / 6), 2)
    assert technical["ci_low"] == pytest.approx(1 / 6) and technical["ci_high"] == pytest.approx(1 / 6)


def test_occupancy_against_the_previous_week(staffed: Workspace) -> None:
    with staffed.connect() as con:
        load_second_week(con)
    frame = kpis(staffed, metrics=["occupancy"], period="week", compare="previous")
    row = _one(frame, "occupancy", period_start=date(2026, 3, 8))
    # Week of 8 March: a1 3600 / 7200, a2 1800 / 7200: R₂ = 5400 / 14400 = 0.375; residuals ±900, s² =
    # 1,620,000, se₂ = sqrt(1,620,000 / 2) / 7200 = 0.125. The agent states end on Sunday 8 March, so the
    # week is partial (1 day) and is compared with Sunday 1 March alone: a1 2280 / 15000, a2 1200 / 7200
    # (D05; D06 and a2's hour after local midnight are Monday's): R₁ = 3480 / 22200 = 0.156757; residuals
    # ±71.351351, se₁ = sqrt(2 · 71.351351² / (1 · 2 · 11100²)) = 0.0064280. Change 0.218243;
    # v = 4.131982e-5 + 0.015625 = 0.015666; df = 0.015666² / (v₁²/1 + v₂²/1) = 1.005289;
    # t(0.975, 1.0053) = 12.549319; half = 1.570738. A change of a fraction is told in percentage points
    # (× 100).
    assert (row["partial"], row["days_covered"]) == (True, 1)
    assert (row["compare_from"], row["compare_to"]) == (date(2026, 3, 1), date(2026, 3, 1))
    assert row["value"] == pytest.approx(0.375)
    assert row["compare_value"] == pytest.approx(3480 / 22200)
    assert (row["change"], row["change_unit"]) == (pytest.approx(21.8243, abs=1e-4), "pp")
    assert row["change_ci_low"] == pytest.approx(21.8243 - 157.0738, abs=1e-3)
    assert row["change_ci_high"] == pytest.approx(21.8243 + 157.0738, abs=1e-3)
    assert bool(row["significant"]) is False


def test_staffed_time_years_away_from_every_call_and_ticket_counts(staffed: Workspace) -> None:
    # Calendar days are built around all activity, agent states included: a 2-hour state in June 2020,
    # five years before any call or ticket, is one agent-day with 7200 staffed seconds and no handle time.
    with staffed.connect() as con:
        con.execute(
            'INSERT INTO agent_states (source, agent_id, start, "end", state) VALUES '
            "('pbx', 'a1', '2020-06-07 06:00:00', '2020-06-07 08:00:00', 'available')"
        )
    frame = kpis(
        staffed,
        metrics=["occupancy", "calls_per_hour"],
        period="all",
        start=date(2020, 6, 1),
        end=date(2020, 6, 30),
    )
    assert (_one(frame, "occupancy")["value"], _one(frame, "occupancy")["n"]) == (0, 1)
    assert _one(frame, "calls_per_hour")["value"] == 0


def test_calls_per_staffed_hour(whole: pd.DataFrame, staffed: Workspace) -> None:
    row = _one(whole, "calls_per_hour")
    # 6 calls of agents with states (a1 4, a2 2) / 25800 s = 7.166667 staffed hours = 0.837209.
    assert (row["value"], row["n"], row["unit"]) == (pytest.approx(6 / (25800 / 3600)), 6, "calls per hour")
    # Garwood: χ²(0.025; 12) / 2 = 2.201894 and χ²(0.975; 14) / 2 = 13.059474, over 7.166667 hours.
    assert row["ci_low"] == pytest.approx(2.201894 / (25800 / 3600), abs=1e-6)
    assert row["ci_high"] == pytest.approx(13.059474 / (25800 / 3600), abs=1e-6)
    daily = kpis(staffed, metrics=["calls_per_hour"], by=["agent"], period="day")
    # a1 Sunday: 4 / (15000 / 3600) = 0.96; a2 Sunday 1 call / 2 h; a2 Monday 1 call / 1 h.
    assert _one(daily, "calls_per_hour", agent="a1")["value"] == pytest.approx(0.96)
    assert _one(daily, "calls_per_hour", agent="a2", period_start=date(2026, 3, 1))["value"] == 0.5
    assert _one(daily, "calls_per_hour", agent="a2", period_start=date(2026, 3, 2))["value"] == 1.0


def test_calls_per_shift(whole: pd.DataFrame, staffed: Workspace) -> None:
    row = _one(whole, "calls_per_shift")
    # A: D01, D02 and D03 (answered 09:05 during the break) = 3; B: D04 = 1; C: D05 = 1; D: D06 = 1.
    # mean 6 / 4 = 1.5; Σ(x − 1.5)² = 2.25 + 3 · 0.25 = 3, sd = 1; half = 3.182446 · 1 / 2 = 1.591223.
    assert (row["value"], row["n"], row["stat"]) == (1.5, 4, "mean")
    # 1.5 − 1.591223 = −0.09 calls is no possible count, so the interval stops at 0.
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == pytest.approx(1.5 + 1.591223, abs=1e-6)
    by_day = kpis(staffed, metrics=["calls_per_shift"], by=["agent"], period="day")
    # The night shift starts at 23:00 local on Sunday: both of a2's shifts are Sunday's.
    assert _one(by_day, "calls_per_shift", agent="a1")["value"] == 2  # (3 + 1) / 2
    a2 = _one(by_day, "calls_per_shift", agent="a2")
    assert (a2["value"], a2["n"], a2["period_start"]) == (1, 2, date(2026, 3, 1))


def test_staffing_metrics_have_no_queue_and_no_empty_periods(staffed: Workspace) -> None:
    frame = kpis(staffed, metrics=STAFFING, by=["queue"], period="week")
    # Staffed time belongs to no queue; everything falls in the week of Sunday 1 March, none in later weeks.
    assert frame.queue.isna().all()
    assert set(frame.period_start) == {date(2026, 3, 1)}
    assert _one(frame, "occupancy")["value"] == pytest.approx(4080 / 25800)
    assert kpis(staffed, metrics=STAFFING, start=date(2026, 3, 8)).empty
    # From Monday 2 March: only a2's Monday (600 / 3600), 1 call in 1 hour; every shift started on Sunday.
    monday = kpis(staffed, metrics=STAFFING, period="all", start=date(2026, 3, 2))
    assert _one(monday, "occupancy")["value"] == pytest.approx(1 / 6)
    assert _one(monday, "calls_per_hour")["value"] == 1.0
    assert monday[monday.metric == "calls_per_shift"].empty


def test_staffing_metrics_without_agent_states(call_workspace: Workspace) -> None:
    assert kpis(call_workspace, metrics=STAFFING, period="all").empty
    assert not set(STAFFING) & set(kpis(call_workspace, period="all").metric)


def test_default_metrics_include_staffing_when_states_exist(staffed: Workspace) -> None:
    reported = set(kpis(staffed, period="all").metric)
    assert {m.id for m in CATALOGUE if m.area == "staffing" and m.id in STAFFING} == set(STAFFING)
    assert set(STAFFING) | set(REPEATS) <= reported


def test_call_fcr_rate(whole: pd.DataFrame, staffed: Workspace) -> None:
    row = _one(whole, "call_fcr_rate")
    # Answered calls of known customers: D01–D07, D09. Not resolved: D01 (cust1 called again, D04),
    # D02 (cust2 opened T1 two days later), D05 (cust4 opened T5 the next day). D03's T3 comes 19 days
    # later; D06's T2 is the ticket the call was logged in; D09 came after D08, not before it. 5 of 8.
    assert (row["value"], row["n"], row["stat"]) == (pytest.approx(5 / 8), 8, "rate")
    # Wilson 5 of 8: 1 + z²/8 = 1.480182; centre (0.625 + 0.240091) / 1.480182 = 0.584449;
    # half 1.324137 · sqrt(0.029297 + 0.015006) = 0.278707.
    assert row["ci_low"] == pytest.approx(0.584449 - 0.278707, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.584449 + 0.278707, abs=1e-5)
    staffed.settings.metrics.fcr_repeat_days = 30
    # Within 30 days T3 breaks D03 too: 4 of 8.
    assert _one(kpis(staffed, metrics=["call_fcr_rate"], period="all"), "call_fcr_rate")["value"] == 0.5
    staffed.settings.metrics.fcr = "one_reply"  # the ticket FCR definitions do not change the call metric
    assert _one(kpis(staffed, metrics=["call_fcr_rate"], period="all"), "call_fcr_rate")["value"] == 0.5


def test_call_fcr_rate_without_tickets(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "calls-only", country="IL")
    with ws.connect() as con:
        load_staffed_calls(con, tickets=False)
    # Only calls can repeat now: D01 (D04) alone is not resolved → 7 of 8.
    row = _one(kpis(ws, metrics=["call_fcr_rate"], period="all"), "call_fcr_rate")
    assert (row["value"], row["n"]) == (pytest.approx(7 / 8), 8)


def test_cross_channel_repeat_rate(whole: pd.DataFrame, staffed: Workspace) -> None:
    row = _one(whole, "cross_channel_repeat_rate")
    # Units: the 8 answered calls and the solved tickets T1–T4 (T5 is open). Repeated: D01, D02, D05 and
    # T4 (cust1 called, D01, within 7 days of its solve on 26 February) → 4 of 12.
    assert (row["value"], row["n"]) == (pytest.approx(4 / 12), 12)
    # Wilson 4 of 12: centre 0.373749, half 1.484684 · 0.158706 = 0.235629.
    assert row["ci_low"] == pytest.approx(0.373749 - 0.235629, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.373749 + 0.235629, abs=1e-5)
    weekly = kpis(staffed, metrics=["cross_channel_repeat_rate"], period="week")
    # Week of 22 Feb: T4 (1 of 1); week of 1 March: 8 calls + T1 and T2 (3 of 10); week of 15 March: T3.
    assert _one(weekly, "cross_channel_repeat_rate", period_start=date(2026, 2, 22))["value"] == 1
    assert _one(weekly, "cross_channel_repeat_rate", period_start=date(2026, 3, 1))["value"] == 0.3
    assert _one(weekly, "cross_channel_repeat_rate", period_start=date(2026, 3, 15))["value"] == 0
    # The ticket-only repeat contact rate sees no second ticket from any customer.
    tickets_only = _one(kpis(staffed, metrics=["repeat_contact_rate"], period="all"), "repeat_contact_rate")
    assert (tickets_only["value"], tickets_only["n"]) == (0, 4)


def _intervals(ws: Workspace, minutes: int, day: date, **options: Any) -> pd.DataFrame:
    return kpidesk.call_intervals(ws, minutes=minutes, from_=day, to=day, **options)


def _at(frame: pd.DataFrame, local: str) -> dict[str, Any]:
    rows = frame[[t.isoformat() == local for t in frame.interval_start]]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def test_call_intervals_of_30_minutes_split_09_29_59_from_09_30(staffed: Workspace) -> None:
    frame = _intervals(staffed, 30, date(2026, 3, 1))
    assert len(frame) == 48  # an ordinary day, intervals without calls included
    first = _at(frame, "2026-03-01T00:00:00+02:00")
    assert (first["interval_start_utc"], first["offered"]) == (datetime(2026, 2, 28, 22, 0), 0)
    assert pd.isna(first["mean_handle_s"]) and pd.isna(first["mean_wait_s"])
    # 08:00: D01 (08:10, wait 20, handle 600) and D05 (08:29:30, wait 30, handle 1200).
    eight = _at(frame, "2026-03-01T08:00:00+02:00")
    assert (eight["offered"], eight["answered"], eight["abandoned"]) == (2, 2, 0)
    assert (eight["mean_handle_s"], eight["mean_wait_s"]) == (900, 25)
    # 09:00: D07 (09:00, wait 15, handle 300) and D08 (09:29:59, abandoned); 09:30: D09 (wait 40, 200).
    nine = _at(frame, "2026-03-01T09:00:00+02:00")
    assert (nine["offered"], nine["answered"], nine["abandoned"]) == (2, 1, 1)
    assert (nine["mean_handle_s"], nine["mean_wait_s"]) == (300, 15)
    # The sums patience and pooled handle time are estimated from: D08 waited 31 s (07:29:59–07:30:30 UTC)
    # before leaving, so the queue held the two calls for 15 + 31 = 46 s, with one timed abandon.
    assert (nine["handled"], nine["handle_sum_s"], nine["queue_time_s"], nine["timed_abandons"]) == (
        1,
        300,
        46,
        1,
    )
    half_past = _at(frame, "2026-03-01T09:30:00+02:00")
    assert (half_past["offered"], half_past["answered"], half_past["mean_handle_s"]) == (1, 1, 200)
    assert half_past["interval_start_utc"] == datetime(2026, 3, 1, 7, 30)
    # D06 arrived at 00:29 on Monday local: not Sunday's.
    assert frame.offered.sum() == 8


def test_call_intervals_of_60_and_15_minutes(staffed: Workspace) -> None:
    hourly = _intervals(staffed, 60, date(2026, 3, 1))
    nine = _at(hourly, "2026-03-01T09:00:00+02:00")
    # D07, D08, D09: handle (300 + 200) / 2, wait (15 + 40) / 2.
    assert (nine["offered"], nine["answered"]) == (3, 2)
    assert (nine["mean_handle_s"], nine["mean_wait_s"]) == (250, 27.5)
    quarter = _intervals(staffed, 15, date(2026, 3, 1))
    assert len(quarter) == 96
    assert _at(quarter, "2026-03-01T09:15:00+02:00")["abandoned"] == 1  # D08 at 09:29:59
    assert _at(quarter, "2026-03-01T09:30:00+02:00")["answered"] == 1  # D09 at 09:30:00


def test_call_intervals_across_dst(staffed: Workspace) -> None:
    spring = _intervals(staffed, 60, date(2026, 3, 27))
    # Friday 27 March: 02:00 local does not exist, so the day has 23 hourly intervals; 01:00 (+02) starts at
    # 23:00 UTC and 03:00 (+03) one hour later, at 00:00 UTC. D10 at 01:45 +02, D11 at 03:00 +03.
    assert len(spring) == 23
    one = _at(spring, "2026-03-27T01:00:00+02:00")
    three = _at(spring, "2026-03-27T03:00:00+03:00")
    assert (one["interval_start_utc"], one["abandoned"]) == (datetime(2026, 3, 26, 23, 0), 1)
    assert (three["interval_start_utc"], three["abandoned"]) == (datetime(2026, 3, 27, 0, 0), 1)
    assert len(_intervals(staffed, 30, date(2026, 3, 27))) == 46
    autumn = _intervals(staffed, 60, date(2026, 10, 25))
    # Sunday 25 October: 02:00 +03 falls back to 01:00 +02, so 01:00 comes twice: 25 intervals.
    assert len(autumn) == 25
    assert [t.isoformat() for t in autumn.interval_start[1:3]] == [
        "2026-10-25T01:00:00+03:00",
        "2026-10-25T01:00:00+02:00",
    ]
    assert autumn.offered.sum() == 0


def test_call_intervals_by_and_for_a_queue(call_workspace: Workspace) -> None:
    # tests/call_fixture.py: billing C01–C06 on Sunday 1 March 10:00–10:50 local, tech C07–C09 at 11:00–11:20.
    frame = kpidesk.call_intervals(
        call_workspace, minutes=60, from_=date(2026, 3, 1), to=date(2026, 3, 1), by="queue"
    )
    assert len(frame) == 48  # 24 hours × 2 queues
    ten = frame[[t.hour == 10 for t in frame.interval_start]].set_index("queue")
    assert (ten.loc["billing", "offered"], ten.loc["billing", "abandoned"]) == (6, 2)
    assert ten.loc["tech", "offered"] == 0
    # Answered C01–C04: handle (330 + 360 + 420 + 600) / 4, waits (10 + 15 + 45 + 120) / 4.
    assert ten.loc["billing", "mean_handle_s"] == pytest.approx(427.5)
    assert ten.loc["billing", "mean_wait_s"] == pytest.approx(47.5)
    tech = kpidesk.call_intervals(call_workspace, minutes=60, queue="tech")
    # Without dates: the local dates of the queue's calls, only Sunday 1 March.
    assert len(tech) == 24 and tech.offered.sum() == 3
    assert len(kpidesk.call_intervals(call_workspace, minutes=60)) == 8 * 24  # all calls: 1 to 8 March
    eleven = _at(tech, "2026-03-01T11:00:00+02:00")
    # C07 has no handle time; C08 200 s; waits 20 and 5.
    assert (eleven["offered"], eleven["answered"], eleven["mean_handle_s"], eleven["mean_wait_s"]) == (
        3,
        2,
        200,
        12.5,
    )


def test_call_intervals_refuse_bad_requests(staffed: Workspace, workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="15, 30 or 60"):
        kpidesk.call_intervals(staffed, minutes=20)
    with pytest.raises(ValueError, match="channel"):
        kpidesk.call_intervals(staffed, by="channel")
    with pytest.raises(ValueError, match="before the first"):
        kpidesk.call_intervals(staffed, from_=date(2026, 3, 2), to=date(2026, 3, 1))
    assert kpidesk.call_intervals(workspace).empty  # no calls


def test_cli_calls_intervals(staffed: Workspace) -> None:
    runner = CliRunner()
    base = ["calls", "intervals", "--from", "2026-03-01", "--to", "2026-03-01", "-w", str(staffed.path)]
    result = runner.invoke(main, [*base, "--interval", "60", "--as", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["interval_start"]: r for r in json.loads(result.output)}
    assert len(rows) == 24
    nine = rows["2026-03-01T09:00:00+02:00"]
    assert nine["interval_start_utc"] == "2026-03-01T07:00:00"
    assert (nine["offered"], nine["mean_wait_s"]) == (3, 27.5)
    assert rows["2026-03-01T00:00:00+02:00"]["mean_handle_s"] is None
    result = runner.invoke(main, [*base, "--queue", "billing", "--by-queue", "--as", "csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert len(table) == 48 and {r["queue"] for r in table} == {"billing"}
    result = runner.invoke(main, [*base, "--interval", "15"])
    assert result.exit_code == 0, result.output
    assert "2026-03-01 09:15" in result.output and "local times, Asia/Jerusalem" in result.output
    result = runner.invoke(main, ["calls", "intervals", "--interval", "20", "-w", str(staffed.path)])
    assert result.exit_code == 2


def test_call_intervals_count_every_offered_call(staffed: Workspace) -> None:
    refresh_facts(staffed)
    with staffed.connect() as con:
        offered = con.execute(f"SELECT count(*) FROM {CALL_FACTS_TABLE} WHERE offered").fetchall()[0][0]
    assert offered == kpidesk.call_intervals(staffed, minutes=60).offered.sum() == 11
