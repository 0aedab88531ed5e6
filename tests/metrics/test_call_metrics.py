"""Every call metric on the hand-worked call center (tests/call_fixture.py).

Values in comments are worked out by hand from the fixture's table; z = 1.959964 (z² = 3.841459) for the
Wilson intervals, periods in the default Israeli calendar (weeks start on Sunday).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from call_fixture import CALL_COLUMNS, load_calls
from click.testing import CliRunner
from kpi_rows import one_result as _one
from ticket_fixture import load_fixture, with_sla

import kpidesk
from kpidesk import kpis, refresh_facts
from kpidesk.cli import main
from kpidesk.metrics import CATALOGUE
from kpidesk.workspace import SettingsError, Workspace, default_settings, init_workspace, open_workspace

CALL_METRICS = ["offered", "answered", "abandoned", "abandonment_rate", "asa", "service_level", "aht"]
TICKET_METRICS = {m.id for m in CATALOGUE if m.area == "tickets"}
#: Call metrics reported without --metric when the warehouse holds calls (staffing metrics also need agent
#: states, which this fixture has none of). The repeat-contact rate across channels counts tickets too.
DEFAULT_CALL_METRICS = {*CALL_METRICS, "call_fcr_rate", "cross_channel_repeat_rate"}
CALL_ONLY_METRICS = DEFAULT_CALL_METRICS - {"cross_channel_repeat_rate"}


@pytest.fixture
def whole(call_workspace: Workspace) -> pd.DataFrame:
    return kpis(call_workspace, metrics=CALL_METRICS, period="all", stat=["median", "mean"])


@pytest.fixture
def mixed_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked helpdesk and call center in one warehouse."""
    ws = init_workspace(tmp_path / "mixed", settings=with_sla(default_settings(country="IL")))
    with ws.connect() as con:
        load_fixture(con)
        load_calls(con)
    return ws


def test_call_facts(call_workspace: Workspace) -> None:
    refresh_facts(call_workspace)
    with call_workspace.connect() as con:
        cur = con.execute(
            "SELECT call_id, offered, answered, abandoned, wait_s, handle_s, team_id, "
            "answered_at_bs - arrived_at_bs AS wait_bs FROM call_facts"
        )
        names = [d[0] for d in cur.description]
        facts = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    assert len(facts) == 12
    # IVR-only: never queued, so neither offered, answered nor abandoned, and no wait.
    ivr = facts["C10"]
    assert (ivr["offered"], ivr["answered"], ivr["abandoned"], ivr["wait_s"]) == (False, False, False, None)
    # No abandoned_at: it left the queue when it ended, 8 s after arriving.
    assert (facts["C09"]["abandoned"], facts["C09"]["wait_s"]) == (True, 8)
    assert facts["C03"]["handle_s"] == 420  # 400 + missing hold as 0 + 20
    assert facts["C07"]["handle_s"] is None  # talk, hold and wrap all missing
    # 08:59 → 09:01 local: 120 s on the clock, 60 s after opening.
    assert (facts["C11"]["wait_s"], facts["C11"]["wait_bs"]) == (120, 60)
    assert (facts["C01"]["team_id"], facts["C04"]["team_id"], facts["C05"]["team_id"]) == (
        "billing",
        "technical",
        None,
    )


def test_counts(whole: pd.DataFrame) -> None:
    # Offered: all but C10 (IVR-only) = 11; answered C01–C04, C07, C08, C11, C12 = 8; abandoned C05 C06 C09.
    for metric, count in (("offered", 11), ("answered", 8), ("abandoned", 3)):
        row = _one(whole, metric)
        assert (row["value"], row["n"], row["stat"], row["unit"]) == (count, count, "count", "calls")
        assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])


def test_abandonment_rate_with_its_wilson_interval(whole: pd.DataFrame) -> None:
    row = _one(whole, "abandonment_rate")
    # 3 of 11: p = 0.272727; 1 + z²/11 = 1.349224; centre = (p + z²/22) / 1.349224 = 0.331553;
    # half = z / 1.349224 · sqrt(p(1 − p)/11 + z²/484) = 1.452661 · sqrt(0.0180316 + 0.0079369) = 0.234092.
    assert (row["value"], row["n"]) == (pytest.approx(3 / 11), 11)
    assert row["ci_low"] == pytest.approx(0.331553 - 0.234092, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.331553 + 0.234092, abs=1e-5)
    assert bool(row["small_sample"]) is True


def test_asa_mean_and_median(whole: pd.DataFrame) -> None:
    # Waits of the 8 answered calls, sorted: 5, 10, 15, 20, 30, 45, 120, 120.
    median = _one(whole, "asa", stat="median")
    assert (median["value"], median["n"]) == (25, 8)  # (20 + 30) / 2
    # Bin(8, ½): P(B ≤ 0) = 1/256 < 0.025 ≤ P(B ≤ 1) and P(B ≤ 7) = 255/256 ≥ 0.975 → ranks 1 and 8.
    assert (median["ci_low"], median["ci_high"]) == (5, 120)
    mean = _one(whole, "asa", stat="mean")
    # 365 / 8 = 45.625; Σ(x − mean)² = 32,475 − 8 · 45.625² = 15,821.875, sd = sqrt(15,821.875 / 7)
    # = 47.542274; half = t(0.975, 7) 2.364624 · 47.542274 / sqrt(8) = 39.746336.
    assert mean["value"] == pytest.approx(45.625)
    assert mean["ci_low"] == pytest.approx(45.625 - 39.746336, abs=1e-5)
    assert mean["ci_high"] == pytest.approx(45.625 + 39.746336, abs=1e-5)


def test_a_callers_wait_is_on_one_clock_with_business_hours(call_workspace: Workspace) -> None:
    metrics = ["asa", "service_level", "abandonment_rate"]
    calendar = kpis(call_workspace, metrics=metrics, period="all", stat=["mean", "median"])
    business = kpis(
        call_workspace, metrics=metrics, period="all", business_hours=True, stat=["mean", "median"]
    )
    # C11 waited 120 s of which only 60 fell in business hours; a caller waits in real time, so ASA keeps
    # the 120 s, as service level and abandonment do: 365 / 8 = 45.625, median (20 + 30) / 2 = 25.
    assert _one(business, "asa", stat="mean")["value"] == pytest.approx(45.625)
    assert _one(business, "asa", stat="median")["value"] == 25
    for metric in ("service_level", "abandonment_rate"):
        assert _one(business, metric)["value"] == _one(calendar, metric)["value"]
    assert _one(business, "service_level")["value"] == pytest.approx(4 / 11)


def test_asa_and_aht_report_their_mean_by_default(call_workspace: Workspace) -> None:
    frame = kpis(call_workspace, metrics=["asa", "aht"], period="all")
    # ASA and AHT are averages by name: 365 / 8 and 2270 / 7, with stat "mean" and no median row.
    assert list(frame.stat) == ["mean", "mean"]
    assert _one(frame, "asa")["value"] == pytest.approx(45.625)
    assert _one(frame, "aht")["value"] == pytest.approx(2270 / 7)
    # Asked for, the median is still there.
    assert _one(kpis(call_workspace, metrics=["asa"], period="all", stat="median"), "asa")["value"] == 25


def test_service_level_at_20_seconds(whole: pd.DataFrame) -> None:
    row = _one(whole, "service_level")
    # Answered within 20 s (wait ≤ 20): C01 10, C02 15, C07 20, C08 5 → 4 of the 11 offered.
    assert (row["value"], row["n"], row["stat"]) == (pytest.approx(4 / 11), 11, "rate")
    # Wilson 4 of 11: centre (0.363636 + 0.174612) / 1.349224 = 0.398932,
    # half 1.452661 · sqrt(0.0210379 + 0.0079369) = 0.247267.
    assert row["ci_low"] == pytest.approx(0.398932 - 0.247267, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.398932 + 0.247267, abs=1e-5)


@pytest.mark.parametrize(
    "threshold,short_abandon,expected,n",
    [
        (30, 0, 5 / 11, 11),  # C12 (30 s) joins the four
        (20, 10, 4 / 9, 9),  # C05 (5 s) and C09 (8 s) abandoned too soon to count; C06 (60 s) stays
        (20, 8, 4 / 10, 10),  # only C05: C09 left after exactly 8 s, not fewer
    ],
)
def test_service_level_options(
    call_workspace: Workspace, threshold: float, short_abandon: float, expected: float, n: int
) -> None:
    call_workspace.settings.metrics.service_level_seconds = threshold
    call_workspace.settings.metrics.short_abandon_seconds = short_abandon
    row = _one(kpis(call_workspace, metrics=["service_level"], period="all"), "service_level")
    assert (row["value"], row["n"]) == (pytest.approx(expected), n)


def test_aht(whole: pd.DataFrame, call_workspace: Workspace) -> None:
    # Answered with a handle time (C07 has none): 120 200 240 330 360 420 600.
    median = _one(whole, "aht", stat="median")
    assert (median["value"], median["n"]) == (330, 7)
    mean = _one(whole, "aht", stat="mean")
    # 2,270 / 7; sd = sqrt(150,771.43 / 6) = 158.519940; half = t(0.975, 6) 2.446912 · 158.51994 / sqrt(7).
    assert mean["value"] == pytest.approx(2270 / 7)
    assert mean["ci_low"] == pytest.approx(2270 / 7 - 146.606493, abs=1e-4)
    # Handle times are reported durations: business hours leave them as they are.
    business = kpis(call_workspace, metrics=["aht"], period="all", business_hours=True, stat="mean")
    assert _one(business, "aht")["value"] == pytest.approx(2270 / 7)


def test_by_queue(call_workspace: Workspace) -> None:
    frame = kpis(call_workspace, metrics=CALL_METRICS, by=["queue"], period="all", stat="mean")
    # billing: C01–C06, C11, C12; tech: C07 C08 C09 (C10 never queued).
    assert _one(frame, "offered", queue="billing")["value"] == 8
    assert _one(frame, "offered", queue="tech")["value"] == 3
    assert _one(frame, "abandonment_rate", queue="billing")["value"] == pytest.approx(2 / 8)
    assert _one(frame, "abandonment_rate", queue="tech")["value"] == pytest.approx(1 / 3)
    # billing waits 10 15 45 120 120 30 → 340 / 6; tech 20 5 → 12.5.
    assert _one(frame, "asa", queue="billing")["value"] == pytest.approx(340 / 6)
    assert _one(frame, "asa", queue="tech")["value"] == pytest.approx(12.5)
    # Within 20 s: billing C01 C02 of 8; tech C07 C08 of 3.
    assert _one(frame, "service_level", queue="billing")["value"] == pytest.approx(2 / 8)
    assert _one(frame, "service_level", queue="tech")["value"] == pytest.approx(2 / 3)


def test_by_agent_and_team(call_workspace: Workspace) -> None:
    frame = kpis(call_workspace, metrics=["offered", "asa"], by=["agent"], period="all")
    # a1: C01 C02 C07 C11 C12 (waits 10 15 20 120 30 → mean 195 / 5 = 39); a2: C03 C04 C08 (45 120 5 →
    # 170 / 3); the three abandoned calls reached no agent.
    assert _one(frame, "offered", agent="a1")["value"] == 5
    assert _one(frame, "offered", agent="a2")["value"] == 3
    assert _one(frame, "offered", agent=None)["value"] == 3
    assert _one(frame, "asa", agent="a1")["value"] == 39
    assert _one(frame, "asa", agent="a2")["value"] == pytest.approx(170 / 3)
    # a2's mean wait: Σ(x − x̄)² = 6,816.667, sd = sqrt(6,816.667 / 2) = 58.380933, half-width
    # t(0.975, 2) 4.302653 · 58.380933 / sqrt(3) = 145.026277; 56.667 − 145.026 = −88.36 s is no possible
    # wait, so the interval stops at 0 s.
    a2 = _one(frame, "asa", agent="a2")
    assert (a2["ci_low"], a2["ci_high"]) == (0.0, pytest.approx(170 / 3 + 145.026277, abs=1e-5))
    # a1: 39 ± t(0.975, 4) 2.776445 · 45.880279 / sqrt(5) = 56.967891 → −17.97 cut to 0 as well.
    a1 = _one(frame, "asa", agent="a1")
    assert (a1["ci_low"], a1["ci_high"]) == (0.0, pytest.approx(39 + 56.967891, abs=1e-5))
    teams = kpis(call_workspace, metrics=["answered"], by=["team"], period="all")
    assert dict(zip(teams.team, teams.value, strict=True)) == {"billing": 5, "technical": 3}


def test_weekly_periods_and_an_empty_group(call_workspace: Workspace) -> None:
    frame = kpis(call_workspace, metrics=["offered", "answered"], by=["queue"], period="week")
    week1, week2 = date(2026, 3, 1), date(2026, 3, 8)
    # C11 arrived on Monday 2 March: week 1. C12 is the only call of week 2.
    assert _one(frame, "offered", queue="billing", period_start=week1)["value"] == 7
    assert _one(frame, "offered", queue="billing", period_start=week1)["period_end"] == date(2026, 3, 7)
    assert _one(frame, "answered", queue="billing", period_start=week1)["value"] == 5
    assert _one(frame, "offered", queue="billing", period_start=week2)["value"] == 1
    # No tech call in week 2: no row, not a zero.
    assert frame[(frame.queue == "tech") & (frame.period_start == week2)].empty


def test_date_filter_and_no_calls(call_workspace: Workspace, workspace: Workspace) -> None:
    frame = kpis(call_workspace, metrics=["offered"], period="all", start=date(2026, 3, 8))
    assert _one(frame, "offered")["value"] == 1  # C12
    assert kpis(call_workspace, metrics=CALL_METRICS, start=date(2030, 1, 1)).empty
    assert kpis(workspace, metrics=CALL_METRICS).empty


def test_calls_without_tickets(call_workspace: Workspace) -> None:
    # Without --metric: the call metrics, and the ticket metrics have nothing to measure.
    frame = kpis(call_workspace, period="all")
    assert set(frame.metric) == DEFAULT_CALL_METRICS
    assert kpis(call_workspace, metrics=["volume", "backlog", "first_reply_time", "sla_attainment"]).empty


def test_tickets_without_calls(ticket_workspace: Workspace) -> None:
    frame = kpis(ticket_workspace, period="all")
    assert set(frame.metric) <= TICKET_METRICS
    assert "queue" not in frame.columns
    assert kpis(ticket_workspace, metrics=CALL_METRICS, period="all").empty
    assert kpis(ticket_workspace, by=["queue"]).empty  # no calls, so no metric has a queue


def test_tickets_and_calls_together(
    mixed_workspace: Workspace, ticket_workspace: Workspace, call_workspace: Workspace
) -> None:
    mixed = kpis(mixed_workspace, period="all")
    assert set(mixed.metric) == set(kpis(ticket_workspace, period="all").metric) | DEFAULT_CALL_METRICS
    # Ticket results do not change when calls arrive, nor call results when tickets do.
    for part, alone in ((TICKET_METRICS, ticket_workspace), (CALL_ONLY_METRICS, call_workspace)):
        together = mixed[mixed.metric.isin(part)].reset_index(drop=True)
        single = kpis(alone, period="all").reset_index(drop=True)
        single = single[single.metric.isin(part)].reset_index(drop=True)
        columns = [c for c in single.columns if c != "period_end"]
        pd.testing.assert_frame_equal(together[columns], single[columns])
    # Without --metric, a dimension leaves out the metrics whose units lack it.
    assert set(kpis(mixed_workspace, by=["queue"], period="all").metric) == DEFAULT_CALL_METRICS
    assert set(kpis(mixed_workspace, by=["channel"], period="all").metric) <= TICKET_METRICS
    # Asked for by name, they report it empty.
    named = kpis(mixed_workspace, metrics=["volume", "offered"], by=["queue"], period="all")
    assert _one(named, "volume", queue=None)["value"] == 8
    assert _one(named, "offered", queue="tech")["value"] == 3


def test_options_are_read_from_kpidesk_toml(call_workspace: Workspace) -> None:
    toml = call_workspace.path / "kpidesk.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("service_level_seconds = 20.0", "service_level_seconds = 30")
    text = text.replace("short_abandon_seconds = 0.0", 'short_abandon_seconds = "10s"')
    toml.write_text(text, encoding="utf-8")
    ws = open_workspace(call_workspace.path)
    assert (ws.settings.metrics.service_level_seconds, ws.settings.metrics.short_abandon_seconds) == (30, 10)
    # Within 30 s: C01 C02 C07 C08 C12; C05 and C09 left too soon to count → 5 of 9.
    row = _one(kpis(ws, metrics=["service_level"], period="all"), "service_level")
    assert (row["value"], row["n"]) == (pytest.approx(5 / 9), 9)
    toml.write_text(text.replace('short_abandon_seconds = "10s"', "short_abandon_seconds = -5"), "utf-8")
    with pytest.raises(SettingsError, match=r"\[metrics\] short_abandon_seconds"):
        open_workspace(call_workspace.path)


def test_cli_kpis_for_calls(call_workspace: Workspace) -> None:
    result = CliRunner().invoke(
        main,
        [
            "kpis",
            "--metric",
            "asa",
            "--by",
            "queue",
            "--period",
            "all",
            "--stat",
            "mean",
            "--as",
            "json",
            "-w",
            str(call_workspace.path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r["queue"]: r for r in json.loads(result.output)}
    assert rows["billing"]["value"] == pytest.approx(340 / 6)
    assert (rows["tech"]["value"], rows["tech"]["n"], rows["tech"]["unit"]) == (12.5, 2, "seconds")


def test_imported_calls_are_measured_and_reimports_update_them(workspace: Workspace, tmp_path: Path) -> None:
    header = ",".join(c for c in CALL_COLUMNS if c != "source")

    def write(answered: str) -> Path:
        path = tmp_path / "calls.csv"
        path.write_text(
            f"{header}\n"
            "K1,billing,k1,2026-03-01 08:00:00,2026-03-01 08:00:15,,2026-03-01 08:03:00,a1,150,0,15,,\n"
            f"K2,billing,k2,2026-03-01 08:05:00,{answered},,2026-03-01 08:06:00,,,,,,\n",
            encoding="utf-8",
        )
        return path

    kpidesk.import_files([write("")], "calls", workspace=workspace, source="pbx")
    frame = kpis(workspace, metrics=["offered", "answered"], period="all")
    assert (_one(frame, "offered")["value"], _one(frame, "answered")["value"]) == (2, 1)
    # A newer export: K2 was answered after all.
    kpidesk.import_files([write("2026-03-01 08:05:40")], "calls", workspace=workspace, source="pbx")
    frame = kpis(workspace, metrics=["answered", "asa"], period="all", stat="mean")
    assert _one(frame, "answered")["value"] == 2
    assert _one(frame, "asa")["value"] == pytest.approx((15 + 40) / 2)
    assert refresh_facts(workspace).calls == 0  # nothing changed since


def test_refresh_rederives_calls_only_when_they_change(call_workspace: Workspace) -> None:
    first = refresh_facts(call_workspace)
    assert (first.calls, first.tickets) == (12, 0)
    assert refresh_facts(call_workspace).calls == 0
    with call_workspace.connect() as con:
        con.execute("DELETE FROM calls WHERE call_id = 'C12'")
    assert refresh_facts(call_workspace).calls == 11
    assert _one(kpis(call_workspace, metrics=["offered"], period="all"), "offered")["value"] == 10
