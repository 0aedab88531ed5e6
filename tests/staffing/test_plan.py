"""Staffing plans on four weeks of simulated calls with a known pattern (tests/plan_fixture.py)."""

from __future__ import annotations

import io
import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from bank_fixture import BankImport
from click.testing import CliRunner
from plan_fixture import AHT_S, mean_calls

import kpidesk
from kpidesk.cli import main
from kpidesk.staffing import PLAN_COLUMNS, StaffingTarget, required_agents, scheduled_agents
from kpidesk.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
BANK_LOG = ROOT.parent / "shared" / "datasets" / "anonymous-bank-1999-08" / "august_calls_1999.csv"

WEEK = {"start": date(2026, 3, 1), "end": date(2026, 3, 7)}


@pytest.fixture(scope="module")
def plan(plan_workspace: Workspace) -> kpidesk.staffing.StaffingPlan:
    return kpidesk.staffing_plan(plan_workspace, queue="billing", target="80/20", **WEEK)


def test_every_local_interval_of_the_week_is_planned(plan: kpidesk.staffing.StaffingPlan) -> None:
    frame = plan.intervals
    assert list(frame.columns) == list(PLAN_COLUMNS)
    assert len(frame) == 7 * 48
    assert frame.interval_start.iloc[0].isoformat() == "2026-03-01T00:00:00+02:00"
    # Saturday and the nights never had a call: nothing forecast, nobody needed, nothing to measure.
    saturday = frame[[s.weekday() == 5 for s in frame.interval_start]]
    assert (saturday.forecast_calls == 0).all() and (saturday.agents == 0).all()
    assert saturday.service_level.isna().all()
    night = frame[[s.hour < 8 or s.hour >= 17 for s in frame.interval_start]]
    assert (night.agents == 0).all()


def test_the_forecast_finds_the_pattern(plan: kpidesk.staffing.StaffingPlan) -> None:
    frame = plan.intervals
    truth = [mean_calls(s.date(), s.hour + s.minute / 60) for s in frame.interval_start]
    # The week's true mean is 1,040 (Sunday) + 4 · 800 + 80 (Friday) = 4,320 calls.
    assert sum(truth) == 4320
    assert frame.forecast_calls.sum() == pytest.approx(4320, rel=0.05)
    open_rows = [(f, t) for f, t in zip(frame.forecast_calls, truth, strict=True) if t > 0]
    # Each interval-of-day shape rests on four weeks of that interval: a standard error of about √(t / 4).
    assert all(abs(f - t) < 3.5 * math.sqrt(t / 4) for f, t in open_rows)
    accuracy = plan.forecast.accuracy.set_index("method")
    assert set(accuracy.index) == {"model", "seasonal_naive"}
    assert accuracy.loc["model", "mae"] < accuracy.loc["seasonal_naive", "mae"]


def test_handle_time_and_patience_come_from_the_calls(
    plan: kpidesk.staffing.StaffingPlan, plan_workspace: Workspace
) -> None:
    with plan_workspace.connect(read_only=True) as con:
        handled, handle = con.execute(
            "SELECT count(*), sum(talk_s + hold_s + wrap_s) FROM calls "
            "WHERE queue = 'billing' AND outcome = 'answered'"
        ).fetchall()[0]
        abandons, queue_time = con.execute(
            "SELECT count(*) FILTER (WHERE outcome = 'abandoned'), "
            "sum(epoch(coalesce(answered_at, abandoned_at)) - epoch(arrived_at)) "
            "FROM calls WHERE queue = 'billing'"
        ).fetchall()[0]
    assert plan.estimates.handled == handled
    assert plan.estimates.aht_s == pytest.approx(handle / handled)
    assert plan.estimates.aht_s == pytest.approx(AHT_S, rel=0.03)
    assert plan.estimates.patience_s == pytest.approx(queue_time / abandons)


def test_agents_meet_the_target_in_every_interval_with_calls(plan: kpidesk.staffing.StaffingPlan) -> None:
    target = StaffingTarget(service_level=0.8, threshold_s=20)
    busy = plan.intervals[plan.intervals.forecast_calls > 0]
    assert (busy.service_level >= 0.8).all()
    for row in busy.itertuples():
        expected = required_agents(row.forecast_calls, 1800, row.aht_s, target).figures.agents
        assert row.agents == expected
        assert row.agents > row.forecast_calls * row.aht_s / 1800  # Erlang C needs more than A
    totals = plan.totals()
    assert totals["agent_hours"] == busy.agents.sum() / 2
    assert totals["peak_agents"] == busy.agents.max()


def test_erlang_a_and_shrinkage(plan_workspace: Workspace, plan: kpidesk.staffing.StaffingPlan) -> None:
    patient = kpidesk.staffing_plan(plan_workspace, queue="billing", model="erlang-a", shrinkage=0.3, **WEEK)
    busy = patient.intervals[patient.intervals.forecast_calls > 0]
    assert (busy.abandonment > 0).all() and (busy.service_level >= 0.8).all()
    assert busy.patience_s.notna().all()
    # Callers who give up shorten the queue: never more agents than Erlang C.
    assert (busy.agents.to_numpy() <= plan.intervals.agents[busy.index].to_numpy()).all()
    assert [scheduled_agents(a, 0.3) for a in busy.agents] == busy.scheduled_agents.tolist()
    assert busy.scheduled_agents.sum() > busy.agents.sum()


def test_a_plan_weeks_after_the_last_call(
    plan_workspace: Workspace, plan: kpidesk.staffing.StaffingPlan
) -> None:
    # The last call came on Friday 27 February (Saturdays have none); the two weeks between it and the plan
    # are not read as weeks without calls, so the forecast stays that of the week after the history.
    later = kpidesk.staffing_plan(
        plan_workspace, queue="billing", start=date(2026, 3, 15), end=date(2026, 3, 21)
    )
    assert later.forecast.holdout_end == date(2026, 2, 27)
    expected = plan.intervals.forecast_calls.sum()
    assert later.intervals.forecast_calls.sum() == pytest.approx(expected, rel=0.02)


def test_plain_errors(plan_workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="no call in queue 'support'; the queues are: billing, sales"):
        kpidesk.staffing_plan(plan_workspace, queue="support", **WEEK)
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        kpidesk.staffing_plan(plan_workspace, start=date(2026, 3, 7), end=date(2026, 3, 1))
    with pytest.raises(ValueError, match="2 full weeks"):
        kpidesk.staffing_plan(plan_workspace, start=date(2026, 2, 10), end=date(2026, 2, 16))


def test_cli_plan_formats(plan_workspace: Workspace, tmp_path: Path) -> None:
    runner = CliRunner()
    base = [
        "staffing",
        "plan",
        "--queue",
        "sales",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-07",
        "--target",
        "80/20",
        "-w",
        str(plan_workspace.path),
    ]
    table = runner.invoke(main, base)
    assert table.exit_code == 0, table.output
    assert "Staffing plan · sales · erlang-c" in table.output and "seasonal_naive" in table.output
    out = tmp_path / "plan.json"
    result = runner.invoke(main, [*base, "--as", "json", "--output", str(out), "--shrinkage", "25%"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    assert record["queue"] == "sales" and record["shrinkage"] == 0.25
    assert record["target"]["service_level"] == 0.8 and len(record["intervals"]) == 336
    assert {"model", "seasonal_naive"} == {a["method"] for a in record["forecast"]["accuracy"]}
    first = record["intervals"][0]
    assert first["interval_start"] == "2026-03-01T00:00:00+02:00" and first["agents"] == 0
    csv_text = runner.invoke(main, [*base, "--as", "csv"]).output
    frame = pd.read_csv(io.StringIO(csv_text))
    assert list(frame.columns) == list(PLAN_COLUMNS) and len(frame) == 336
    by_occupancy = runner.invoke(
        main,
        [
            *base[:-4],
            "--target",
            "none",
            "--max-occupancy",
            "0.5",
            "--as",
            "json",
            "-w",
            str(plan_workspace.path),
        ],
    )
    assert by_occupancy.exit_code == 0, by_occupancy.output
    busy = [r for r in json.loads(by_occupancy.output)["intervals"] if r["forecast_calls"] > 0]
    assert busy and all(r["occupancy"] <= 0.5 for r in busy)
    assert json.loads(by_occupancy.output)["target"]["service_level"] is None
    bad = runner.invoke(main, [*base, "--model", "erlang-x"])
    assert bad.exit_code == 2


def test_cli_simulate_one_interval_and_a_plan_day(plan_workspace: Workspace) -> None:
    runner = CliRunner()
    one = runner.invoke(
        main,
        [
            "staffing",
            "simulate",
            "--calls",
            "100",
            "--aht",
            "180",
            "--agents",
            "14",
            "--replications",
            "10",
            "--hours",
            "2",
            "--as",
            "json",
        ],
    )
    assert one.exit_code == 0, one.output
    record = json.loads(one.output)
    (row,) = record["intervals"]
    assert row["asa_s"] == pytest.approx(7.8359, abs=1e-3)
    assert row["asa_low"] < row["asa_simulated"] < row["asa_high"]
    assert "lie inside their simulated 95% intervals" in record["summary"]
    # A Friday of the plan: 8 morning intervals with about 10 calls each.
    day = runner.invoke(
        main,
        [
            "staffing",
            "simulate",
            "--queue",
            "billing",
            "--from",
            "2026-03-06",
            "--to",
            "2026-03-06",
            "--replications",
            "8",
            "--hours",
            "2",
            "--as",
            "json",
            "-w",
            str(plan_workspace.path),
        ],
    )
    assert day.exit_code == 0, day.output
    rows = json.loads(day.output)["intervals"]
    simulated = [r for r in rows if r["service_level_inside"] is not None]
    assert len(simulated) == 8
    inside = [r[f"{m}_inside"] for r in simulated for m in ("service_level", "asa", "p_wait", "occupancy")]
    assert sum(inside) >= 0.8 * len(inside)
    # The other 40 intervals of the day have no calls: nothing simulated, nothing to compare.
    empty = [r for r in rows if r["service_level_inside"] is None]
    assert all(r["service_level"] is None and r["agents"] == 0 for r in empty)
    table = runner.invoke(
        main,
        [
            "staffing",
            "simulate",
            "--calls",
            "100",
            "--aht",
            "180",
            "--agents",
            "14",
            "--replications",
            "5",
            "--hours",
            "1",
        ],
    )
    assert table.exit_code == 0 and "Simulation check" in table.output
    missing = runner.invoke(main, ["staffing", "simulate", "--calls", "100"])
    assert missing.exit_code == 2 and "--aht" in missing.output


# The real log: Anonymous Bank, August 1999 --------------------------------------------------------------


@pytest.fixture
def bank(bank_import: BankImport) -> Workspace:
    return bank_import.workspace


@pytest.mark.dataset
def test_bank_plan_for_the_week_after_august(bank: Workspace) -> None:
    with bank.connect(read_only=True) as con:
        queues = dict(con.execute("SELECT queue, count(*) FROM calls GROUP BY queue").fetchall())
        busiest = max(queues, key=lambda q: queues[q])
        handled, handle, abandons, queue_time = con.execute(
            "SELECT count(*) FILTER (WHERE answered_at IS NOT NULL AND coalesce(talk_s, hold_s, wrap_s) "
            "IS NOT NULL), sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) FILTER "
            "(WHERE answered_at IS NOT NULL AND coalesce(talk_s, hold_s, wrap_s) IS NOT NULL), "
            "count(*) FILTER (WHERE answered_at IS NULL AND abandoned_at IS NOT NULL), "
            "sum(epoch(coalesce(answered_at, abandoned_at)) - epoch(arrived_at)) "
            "FROM calls WHERE queue = ? AND arrived_at IS NOT NULL",
            [busiest],
        ).fetchall()[0]
    plan = kpidesk.staffing_plan(
        bank, queue=busiest, start=date(1999, 9, 5), end=date(1999, 9, 11), model="erlang-a", shrinkage=0.3
    )
    # Handle time and patience, recomputed in SQL from the imported calls.
    assert plan.estimates.handled == handled
    assert plan.estimates.aht_s == pytest.approx(handle / handled)
    assert plan.estimates.timed_abandons == abandons
    assert plan.estimates.patience_s == pytest.approx(queue_time / abandons)
    frame = plan.intervals
    assert len(frame) == 7 * 48  # no DST change in this week
    busy = frame[frame.forecast_calls > 1]
    assert len(busy) > 100
    assert (busy.service_level >= 0.8).all() and (busy.agents >= 1).all()
    assert (frame.scheduled_agents >= frame.agents).all()
    accuracy = plan.forecast.accuracy.set_index("method")
    assert accuracy.loc["model", "mae"] < accuracy.loc["seasonal_naive", "mae"]
