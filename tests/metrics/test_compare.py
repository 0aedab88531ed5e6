"""Comparisons: the interval of a difference for each metric kind, `kpis --compare previous|year`, and the
resilience comparison of the days a person was absent against the days present.

Values in comments are worked out by hand; z = 1.959964 (z² = 3.841459); t quantiles from the t table.
The warehouse is the management helpdesk of tests/management_fixture.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kpi_rows import one_result as _one
from management_fixture import event_rows
from ticket_fixture import EVENT_COLUMNS, TICKET_COLUMNS, insert_rows

import kpidesk
from kpidesk import kpis, resilience
from kpidesk.cli import main
from kpidesk.metrics import RESILIENCE_COLUMNS, RESULT_COLUMNS, STATE_COLUMNS
from kpidesk.metrics._compare import COMPARE_COLUMNS, difference_interval
from kpidesk.metrics._differences import (
    newcombe_interval,
    nps_difference_interval,
    poisson_difference_interval,
    quantile_difference_interval,
    ratio_difference_interval,
    welch_interval,
)
from kpidesk.workspace import Workspace, init_workspace

METRICS = ["manager_escalations", "manager_resolution_rate"]


# --- The intervals of a difference -------------------------------------------------------------------


def test_newcombe_difference_of_two_proportions() -> None:
    # 30/100: Wilson centre (0.3 + z²/200) / (1 + z²/100) = 0.319207 / 1.038415 = 0.307401,
    # half = z / 1.038415 · sqrt(0.21/100 + z²/40,000) = 1.887456 · 0.046862 = 0.088450
    # → [0.218951, 0.395851].
    # 20/100: centre 0.219207 / 1.038415 = 0.211099, half 1.887456 · 0.041183 = 0.077732
    # → [0.133367, 0.288831].
    # d = 0.1; low = 0.1 − sqrt((0.3 − 0.218951)² + (0.288831 − 0.2)²) = 0.1 − sqrt(0.006569 + 0.007891)
    # = −0.020249; high = 0.1 + sqrt((0.395851 − 0.3)² + (0.2 − 0.133367)²) = 0.1 + sqrt(0.009187 + 0.004440)
    # = 0.216735.
    low, high = newcombe_interval(30, 100, 20, 100)
    assert low == pytest.approx(-0.020249, abs=2e-6)
    assert high == pytest.approx(0.216735, abs=2e-6)
    assert newcombe_interval(1, 0, 1, 10) == (None, None)


def test_welch_difference_of_two_means() -> None:
    # 10 ± sd 2 over 10 against 8 ± sd 3 over 12: v₁ = 4/10 = 0.4, v₂ = 9/12 = 0.75, se = sqrt(1.15)
    # = 1.072381; df = 1.15² / (0.4²/9 + 0.75²/11) = 1.3225 / 0.068914 = 19.1905; t(0.975, 19.19) = 2.091618;
    # half = 2.243011 → [2 − 2.243011, 2 + 2.243011].
    low, high = welch_interval(10, 2, 10, 8, 3, 12)
    assert low == pytest.approx(-0.243011, abs=1e-5)
    assert high == pytest.approx(4.243011, abs=1e-5)
    assert welch_interval(10, 2, 1, 8, 3, 12) == (None, None)  # one side has no spread to measure
    assert welch_interval(3, 0, 5, 1, 0, 5) == (2, 2)  # no spread on either side: the difference itself


def test_poisson_difference_of_two_counts() -> None:
    # 120 against 100: 20 ± z · sqrt(220) = 20 ± 1.959964 · 14.832397 = 20 ± 29.070964.
    low, high = poisson_difference_interval(120, 100)
    assert (low, high) == (pytest.approx(-9.070964, abs=1e-5), pytest.approx(49.070964, abs=1e-5))


def test_nps_difference() -> None:
    # 50 promoters and 20 detractors of 100 (NPS 0.30): v = (0.5 + 0.2 − 0.09) / 100 = 0.0061;
    # 40 and 30 of 100 (NPS 0.10): v = (0.4 + 0.3 − 0.01) / 100 = 0.0069;
    # 0.2 ± z · sqrt(0.013) = 0.2 ± 0.223470.
    low, high = nps_difference_interval(50, 20, 100, 40, 30, 100)
    assert (low, high) == (pytest.approx(-0.023470, abs=1e-6), pytest.approx(0.423470, abs=1e-6))
    # A result reads NPS in points (+30 against +10), so its change's interval is in points too.
    first = {"value": 30.0, "n": 100, "promoters": 50, "detractors": 20}
    second = {"value": 10.0, "n": 100, "promoters": 40, "detractors": 30}
    assert difference_interval("nps", "score", first, second, 0.95) == (
        pytest.approx(-2.3470, abs=1e-4),
        pytest.approx(42.3470, abs=1e-4),
    )


def test_ratio_difference_of_two_ratio_estimators() -> None:
    # 0.60 with se 0.05 over 10 units against 0.50 with se 0.04 over 12: v₁ = 0.0025, v₂ = 0.0016,
    # se = sqrt(0.0041) = 0.064031; df = 0.0041² / (0.0025²/9 + 0.0016²/11) = 1.681e-5 / 9.2717e-7
    # = 18.1304; t(0.975, 18.13) = 2.099839; half = 0.134455 → [0.1 − 0.134455, 0.1 + 0.134455].
    low, high = ratio_difference_interval(0.60, 0.05, 10, 0.50, 0.04, 12)
    assert low == pytest.approx(-0.034455, abs=1e-6)
    assert high == pytest.approx(0.234455, abs=1e-6)
    assert ratio_difference_interval(0.6, 0.05, 1, 0.5, 0.04, 12) == (None, None)  # one unit: no spread
    assert ratio_difference_interval(0.6, 0, 5, 0.5, 0, 5) == (pytest.approx(0.1), pytest.approx(0.1))


def test_quantile_difference_combines_the_two_order_statistic_intervals() -> None:
    # Medians within [10, 20] and [5, 12]: the difference lies within [10 − 12, 20 − 5].
    assert quantile_difference_interval(10, 20, 5, 12) == (-2, 15)
    assert quantile_difference_interval(None, 20, 5, 12) == (None, None)


# --- kpis --compare ----------------------------------------------------------------------------------


def test_compare_with_the_previous_week(management_workspace: Workspace) -> None:
    frame = kpis(management_workspace, metrics=METRICS, period="week", compare="previous")
    assert list(frame.columns) == [*RESULT_COLUMNS, "small_sample", *STATE_COLUMNS, *COMPARE_COLUMNS]
    # The first week has no week before it with data.
    first = _one(frame, "manager_escalations", period_start=date(2026, 3, 1))
    assert [first[c] for c in COMPARE_COLUMNS[:5]] == [None] * 5
    # Week of 8 Mar: 4 against 4: 0 ± z · sqrt(8) = ± 5.543615.
    second = _one(frame, "manager_escalations", period_start=date(2026, 3, 8))
    assert (second["compare_value"], second["change"]) == (4, 0)
    assert second["change_ci_low"] == pytest.approx(-5.543615, abs=1e-5)
    assert second["change_ci_high"] == pytest.approx(5.543615, abs=1e-5)
    assert second["significant"] is False
    # Week of 15 Mar: the data ends on Sunday 15 Mar, so the week is partial (1 of 7 days) and is compared
    # with Sunday 8 Mar alone, not with the whole week: M09 (15 Mar) against M05 (Sun 8 Mar 00:30 local),
    # 1 against 1: 0 ± z · sqrt(2) = ± 2.771808.
    third = _one(frame, "manager_escalations", period_start=date(2026, 3, 15))
    assert (third["partial"], third["days_covered"], third["covered_from"], third["covered_to"]) == (
        True,
        1,
        date(2026, 3, 15),
        date(2026, 3, 15),
    )
    assert (third["compare_from"], third["compare_to"]) == (date(2026, 3, 8), date(2026, 3, 8))
    assert (third["value"], third["compare_value"], third["change"]) == (1, 1, 0)
    assert (third["change_ci_low"], third["change_ci_high"]) == (
        pytest.approx(-2.771808, abs=1e-5),
        pytest.approx(2.771808, abs=1e-5),
    )
    assert (second["partial"], second["compare_from"], second["compare_to"]) == (
        False,
        date(2026, 3, 1),
        date(2026, 3, 7),
    )
    # Resolution rate, week of 8 Mar against 1 Mar: 1/3 (Wilson [0.061492, 0.792340]) against 2/4 (Wilson
    # [0.150039, 0.849961]); d = −0.166667;
    # low = d − sqrt((0.333333 − 0.061492)² + (0.849961 − 0.5)²) = d − sqrt(0.073898 + 0.122473) = −0.609805;
    # high = d + sqrt((0.792340 − 0.333333)² + (0.5 − 0.150039)²) = d + sqrt(0.210687 + 0.122473) = 0.410533.
    # A change of a rate is in percentage points: 100 × those fractions.
    rate = _one(frame, "manager_resolution_rate", period_start=date(2026, 3, 8))
    assert (rate["compare_value"], rate["change_unit"]) == (0.5, "pp")
    assert rate["change"] == pytest.approx(-100 / 6)
    assert rate["change_ci_low"] == pytest.approx(-60.9805, abs=2e-4)
    assert rate["change_ci_high"] == pytest.approx(41.0533, abs=2e-4)
    assert rate["significant"] is False


def test_compare_a_whole_span_with_the_span_before(management_workspace: Workspace) -> None:
    frame = kpis(
        management_workspace,
        metrics=["manager_escalations"],
        period="all",
        compare="previous",
        start=date(2026, 3, 8),
        end=date(2026, 3, 14),
    )
    # 8–14 March (4) against the seven days before, 1–7 March (4).
    row = _one(frame, "manager_escalations")
    assert (row["period_start"], row["value"], row["compare_value"], row["change"]) == (
        date(2026, 3, 8),
        4,
        4,
        0,
    )


def _a_year_earlier(ws: Workspace) -> None:
    """Two tickets that reached m1 in the week of Sunday 2 March 2025, 52 weeks before 1 March 2026."""
    tickets, events = [], []
    for number, day in enumerate(("2025-03-02", "2025-03-04")):
        ticket_id = f"Y{number}"
        row: dict[str, Any] = dict.fromkeys(TICKET_COLUMNS)
        row.update(
            source="desk",
            ticket_id=ticket_id,
            created_at=datetime.fromisoformat(f"{day} 07:00"),
            status="open",
            team_id="billing",
            channel="email",
            priority="normal",
        )
        tickets.append(row)
        template = event_rows()[0]
        for kind, at, agent in (("created", "07:00", None), ("assign", "08:00", "m1")):
            events.append(
                {
                    **template,
                    "event_id": f"Y{number}{kind}",
                    "ticket_id": ticket_id,
                    "kind": kind,
                    "at": datetime.fromisoformat(f"{day} {at}"),
                    "agent_id": agent,
                }
            )
    with ws.connect() as con:
        insert_rows(con, "tickets", TICKET_COLUMNS, tickets)
        insert_rows(con, "ticket_events", EVENT_COLUMNS, events)


def test_compare_with_a_year_earlier(management_workspace: Workspace) -> None:
    _a_year_earlier(management_workspace)
    weekly = kpis(
        management_workspace,
        metrics=["manager_escalations"],
        period="week",
        compare="year",
        start=date(2026, 3, 1),
    )
    # Week of 1 Mar 2026 (4) against the week of 2 Mar 2025 (2): 2 ± z · sqrt(6) = 2 ± 4.800912.
    row = _one(weekly, "manager_escalations", period_start=date(2026, 3, 1))
    assert (row["compare_value"], row["change"]) == (2, 2)
    assert row["change_ci_low"] == pytest.approx(-2.800912, abs=1e-5)
    assert row["significant"] is False
    assert _one(weekly, "manager_escalations", period_start=date(2026, 3, 8))["compare_value"] is None
    monthly = kpis(
        management_workspace,
        metrics=["manager_escalations"],
        period="month",
        compare="year",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
    )
    # March 2026 (9) against March 2025 (2): 7 ± z · sqrt(11) = 7 ± 6.500465, which excludes zero.
    row = _one(monthly, "manager_escalations")
    assert (row["compare_value"], row["change"]) == (2, 7)
    assert row["change_ci_low"] == pytest.approx(0.499535, abs=1e-5)
    assert row["change_ci_high"] == pytest.approx(13.500465, abs=1e-5)
    assert row["significant"] is True


def test_compare_by_group_joins_on_the_group(management_workspace: Workspace) -> None:
    frame = kpis(
        management_workspace,
        metrics=["manager_escalations"],
        period="week",
        by=["team"],
        compare="previous",
        start=date(2026, 3, 8),
        end=date(2026, 3, 14),
    )
    # Week of 8 Mar: billing 2 against 4 the week before; technical 2 against none.
    billing = _one(frame, "manager_escalations", team="billing")
    assert (billing["compare_value"], billing["change"]) == (4, -2)
    technical = _one(frame, "manager_escalations", team="technical")
    assert (technical["compare_value"], technical["change"]) == (None, None)


def _generated_workspace(tmp_path: Path) -> Workspace:
    from kpidesk.demo import demo_settings, generate_tickets, write_demo_files

    ws = init_workspace(tmp_path / "generated", settings=demo_settings())
    files = write_demo_files(generate_tickets(400, seed=5, weeks=4), tmp_path / "data", "parquet")
    with ws.connect() as con:
        for kind, table in (("tickets", "tickets"), ("events", "ticket_events"), ("agents", "agents")):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT *, 'demo' AS source FROM read_parquet('{files[kind]}')"
            )
        con.execute("INSERT INTO pending_ticket_facts SELECT source, ticket_id FROM tickets")
    return ws


def test_duration_changes_combine_joint_order_statistic_intervals(tmp_path: Path) -> None:
    ws = _generated_workspace(tmp_path)
    frame = kpis(
        ws, metrics=["full_resolution_time"], period="week", compare="previous", stat=["median", "mean"]
    )
    # Each side's order-statistic interval at 1 − 0.05/2 = 0.975, so that both hold with at least 0.95.
    ws.settings.metrics.confidence = 0.975
    wide = kpis(ws, metrics=["full_resolution_time"], period="week", stat=["median"])
    bounds = {r["period_start"]: (r["ci_low"], r["ci_high"]) for r in wide.to_dict(orient="records")}
    medians = frame[(frame.stat == "median") & frame.compare_value.notna()]
    assert len(medians) >= 2
    for row in medians.to_dict(orient="records"):
        now, before = bounds[row["period_start"]], bounds[row["period_start"] - timedelta(weeks=1)]
        assert row["change"] == row["value"] - row["compare_value"]
        assert row["change_ci_low"] == pytest.approx(now[0] - before[1])
        assert row["change_ci_high"] == pytest.approx(now[1] - before[0])
    means = frame[(frame.stat == "mean") & frame.compare_value.notna()]
    assert means.change_ci_low.notna().all() and (means.change_ci_low < means.change).all()


def test_unknown_comparison(management_workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="unknown comparison 'lastweek'"):
        kpis(management_workspace, metrics=METRICS, compare="lastweek")


def test_cli_compare_json_shape(management_workspace: Workspace) -> None:
    result = CliRunner().invoke(
        main,
        [
            "kpis",
            "--metric",
            "manager_escalations",
            "--period",
            "week",
            "--compare",
            "previous",
            "--as",
            "json",
            "-w",
            str(management_workspace.path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert list(rows[1]) == [*RESULT_COLUMNS, "small_sample", *STATE_COLUMNS, *COMPARE_COLUMNS]
    assert {k: rows[1][k] for k in ("period_start", "value", "compare_value", "change", "significant")} == {
        "period_start": "2026-03-08",
        "value": 4.0,
        "compare_value": 4.0,
        "change": 0.0,
        "significant": False,
    }
    assert rows[0]["compare_value"] is None and rows[0]["significant"] is None


def test_cli_compare_table_and_bad_choice(management_workspace: Workspace) -> None:
    runner = CliRunner()
    table = runner.invoke(
        main,
        [
            "kpis",
            "--metric",
            "manager_escalations",
            "--period",
            "week",
            "--compare",
            "previous",
            "-w",
            str(management_workspace.path),
        ],
    )
    assert table.exit_code == 0, table.output
    text = " ".join(table.output.split())
    assert "change" in text and "2026-03-15 ◐" in text
    assert "2026-03-15 – 2026-03-15 against 2026-03-08 – 2026-03-08" in text
    rates = runner.invoke(
        main,
        [
            "kpis",
            "--metric",
            "manager_resolution_rate",
            "--period",
            "week",
            "--compare",
            "previous",
            "-w",
            str(management_workspace.path),
        ],
        env={"COLUMNS": "160"},
    )
    # Week of 8 Mar against 1 Mar: 1/3 against 2/4, −16.7 percentage points.
    assert "−16.7 pp" in rates.output
    bad = runner.invoke(main, ["kpis", "--compare", "lastweek", "-w", str(management_workspace.path)])
    assert bad.exit_code == 2 and "lastweek" in bad.output


# --- resilience --------------------------------------------------------------------------------------


def test_resilience_of_a_count_per_day(management_workspace: Workspace) -> None:
    frame = resilience(management_workspace, metric="manager_escalations", person="m1")
    assert list(frame.columns) == list(RESILIENCE_COLUMNS)
    row = frame.iloc[0].to_dict()
    # Staffing known Sun 1 – Sun 15 March: 11 open days. m1 present on 7 (Sun 1, Mon 2, Wed 4, Sun 8,
    # Tue 10, Wed 11, Sun 15), one escalation on each: mean 1, sd 0. Absent on 4: Tue 3 (M02) 1, Thu 5 0,
    # Mon 9 (M06) 1, Thu 12 0: mean 0.5, sd sqrt(4 · 0.25 / 3) = 0.577350.
    assert (row["present_value"], row["absent_value"], row["difference"]) == (1, 0.5, -0.5)
    assert (row["present_n"], row["absent_n"], row["present_days"], row["absent_days"]) == (7, 4, 7, 4)
    # Welch: v = 0 + (1/3)/4 = 0.083333, se 0.288675, df = 3; t(0.975, 3) = 3.182446; half 0.918690.
    assert row["ci_low"] == pytest.approx(-1.418690, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.418690, abs=1e-5)
    assert (row["significant"], row["small_sample"], row["stat"], row["person"]) == (
        False,
        True,
        "count",
        "m1",
    )
    assert row["unit"] == "tickets per day"


def test_resilience_of_a_proportion(management_workspace: Workspace) -> None:
    row = resilience(management_workspace, metric="manager_resolution_rate", person="m1").iloc[0].to_dict()
    # Present days: M11 no, M01 yes, M04 yes, M07 no, M08 yes, M09 yes (M05 pending) → 4 of 6.
    # Absent days: M02 no (Tue 3), M06 no (Mon 9) → 0 of 2.
    assert (row["present_value"], row["absent_value"]) == (pytest.approx(2 / 3), 0.0)
    assert (row["present_n"], row["absent_n"]) == (6, 2)
    # Newcombe for 0/2 − 4/6. Wilson 0/2: [0, z²/(2 + z²)] = [0, 0.657621]. Wilson 4/6: centre
    # (0.666667 + z²/12) / (1 + z²/6) = 0.986789 / 1.640243 = 0.601611, half = z / 1.640243 ·
    # sqrt((2/9)/6 + z²/144) = 1.194923 · 0.252416 = 0.301618 → [0.299993, 0.903229]. d = −0.666667;
    # low = d − sqrt(0² + (0.903229 − 0.666667)²) = −0.903229;
    # high = d + sqrt(0.657621² + (0.666667 − 0.299993)²) = d + sqrt(0.432465 + 0.134450) = 0.086271.
    assert row["ci_low"] == pytest.approx(-0.903229, abs=2e-6)
    assert row["ci_high"] == pytest.approx(0.086270, abs=2e-6)
    assert row["significant"] is False


def test_resilience_within_dates(management_workspace: Workspace) -> None:
    frame = resilience(
        management_workspace,
        metric="manager_escalations",
        person="m1",
        start=date(2026, 3, 8),
        end=date(2026, 3, 12),
    )
    # Sun 8 – Thu 12: present Sun 8, Tue 10, Wed 11 (one each); absent Mon 9 (1) and Thu 12 (0).
    row = frame.iloc[0].to_dict()
    sides = (row["present_days"], row["absent_days"], row["present_value"], row["absent_value"])
    assert sides == (3, 2, 1, 0.5)


def test_resilience_needs_the_persons_agent_states(management_workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="agent 'm2' has no agent_states"):
        resilience(management_workspace, metric="manager_escalations", person="m2")


def test_resilience_is_a_package_function_and_a_command(management_workspace: Workspace) -> None:
    assert kpidesk.resilience is resilience
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "resilience",
            "--metric",
            "manager_resolution_rate",
            "--person",
            "m1",
            "--as",
            "json",
            "-w",
            str(management_workspace.path),
        ],
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert list(row) == list(RESILIENCE_COLUMNS)
    assert (row["present_n"], row["absent_n"], row["significant"]) == (6, 2, False)
    table = runner.invoke(
        main,
        [
            "resilience",
            "--metric",
            "manager_escalations",
            "--person",
            "m1",
            "-w",
            str(management_workspace.path),
        ],
    )
    assert table.exit_code == 0, table.output
    assert "present" in table.output and "−0.50" in table.output
    missing = runner.invoke(
        main, ["resilience", "--metric", "volume", "--person", "nobody", "-w", str(management_workspace.path)]
    )
    assert missing.exit_code == 2 and "no agent_states" in missing.output


def test_nothing_a_year_earlier_leaves_the_comparison_empty(ticket_workspace: Workspace) -> None:
    """The fixture's tickets are all from 2026: a year earlier has no rows at all, in any group."""
    frame = kpidesk.kpis(
        ticket_workspace, metrics=["volume"], by=["channel", "priority"], period="month", compare="year"
    )
    assert len(frame) and frame["compare_value"].isna().all() and frame["change"].isna().all()
