"""Manager escalations and the manager resolution rate on the hand-worked helpdesk of
tests/management_fixture.py.

Values in comments are worked out by hand from the fixture's table; z = 1.959964 (z² = 3.841459) for the
Wilson intervals, weeks of the default Israeli calendar starting on Sunday.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from kpidesk import kpis
from kpidesk.workspace import SettingsError, Workspace, open_workspace

METRICS = ["manager_escalations", "manager_resolution_rate"]


def _rows(frame: pd.DataFrame, metric: str, **where: Any) -> list[dict[str, Any]]:
    rows = frame[frame.metric == metric]
    for key, value in where.items():
        rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    return [r for r in rows.to_dict(orient="records")]


def _one(frame: pd.DataFrame, metric: str, **where: Any) -> dict[str, Any]:
    rows = _rows(frame, metric, **where)
    assert len(rows) == 1, rows
    return rows[0]


def test_escalations_per_week(management_workspace: Workspace) -> None:
    frame = kpis(management_workspace, metrics=METRICS, period="week")
    counts = {r["period_start"]: (r["value"], r["n"]) for r in _rows(frame, "manager_escalations")}
    # Week of 1 Mar: M11 (Sun), M01 (Mon), M02 (Tue), M04 (Wed) = 4. M03 only reached level 2 and M10 has no
    # events, so neither counts. Week of 8 Mar: M05 (reached Sat 7 Mar 22:30 UTC = Sun 8 Mar 00:30 local),
    # M06, M07, M08 = 4; M08's second escalate to level 3 does not count it twice. Week of 15 Mar: M09.
    assert counts == {date(2026, 3, 1): (4, 4), date(2026, 3, 8): (4, 4), date(2026, 3, 15): (1, 1)}
    row = _one(frame, "manager_escalations", period_start=date(2026, 3, 1))
    assert (row["stat"], row["unit"], bool(row["small_sample"])) == ("count", "tickets", True)
    assert pd.isna(row["ci_low"]) and pd.isna(row["ci_high"])


def test_escalation_on_the_local_day_it_happened(management_workspace: Workspace) -> None:
    frame = kpis(
        management_workspace,
        metrics=["manager_escalations"],
        period="day",
        start=date(2026, 3, 7),
        end=date(2026, 3, 8),
    )
    # M05 reached m2 on Saturday 7 March at 22:30 UTC: Sunday 8 March, 00:30 in Jerusalem.
    assert [(r["period_start"], r["value"]) for r in _rows(frame, "manager_escalations")] == [
        (date(2026, 3, 8), 1)
    ]


def test_resolution_rate_per_week_with_wilson_intervals(management_workspace: Workspace) -> None:
    frame = kpis(management_workspace, metrics=METRICS, period="week")
    # Week of 1 Mar: M01 (solved with m1) and M04 (m1 handed it to m2, another manager) resolved there;
    # M02 went back to a1; M11 was solved before it reached m1. 2 of 4: p = 0.5, 1 + z²/4 = 1.960365,
    # centre 0.5, half = z / 1.960365 · sqrt(0.25/4 + z²/64) = 0.999795 · 0.350033 = 0.349961.
    first = _one(frame, "manager_resolution_rate", period_start=date(2026, 3, 1))
    assert (first["value"], first["n"], first["stat"]) == (0.5, 4, "rate")
    assert first["ci_low"] == pytest.approx(0.150039, abs=1e-5)
    assert first["ci_high"] == pytest.approx(0.849961, abs=1e-5)
    # Week of 8 Mar: M05 is still open with m2, so it is left out; M06 went above (level 4), M07 was
    # reopened and handed to a1; M08 was escalated to level 3 twice and solved. 1 of 3: p = 1/3,
    # 1 + z²/3 = 2.280486, centre (1/3 + z²/6) / 2.280486 = 0.426916,
    # half = z / 2.280486 · sqrt((2/9)/3 + z²/36) = 0.859451 · 0.425183 = 0.365424.
    second = _one(frame, "manager_resolution_rate", period_start=date(2026, 3, 8))
    assert (second["value"], second["n"]) == (pytest.approx(1 / 3), 3)
    assert second["ci_low"] == pytest.approx(0.426916 - 0.365424, abs=1e-5)
    assert second["ci_high"] == pytest.approx(0.426916 + 0.365424, abs=1e-5)
    third = _one(frame, "manager_resolution_rate", period_start=date(2026, 3, 15))
    assert (third["value"], third["n"]) == (1.0, 1)


def test_whole_period(management_workspace: Workspace) -> None:
    frame = kpis(management_workspace, metrics=METRICS, period="all")
    assert _one(frame, "manager_escalations")["value"] == 9
    row = _one(frame, "manager_resolution_rate")
    # M01, M04, M08, M09 of the 8 settled (M05 pending): 4 of 8. 1 + z²/8 = 1.480182, centre 0.5,
    # half = z / 1.480182 · sqrt(0.25/8 + z²/256) = 1.324137 · 0.215072 = 0.284785.
    assert (row["value"], row["n"]) == (0.5, 8)
    assert row["ci_low"] == pytest.approx(0.5 - 0.284785, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.5 + 0.284785, abs=1e-5)


def _agent(row: dict[str, Any]) -> str | None:
    return None if pd.isna(row["agent"]) else str(row["agent"])


def test_by_agent_with_an_empty_group(management_workspace: Workspace) -> None:
    frame = kpis(management_workspace, metrics=METRICS, period="all", by=["agent"])
    # A ticket's agent is its last assignee: a1 M02 M07; m1 M01 M09 M11; m2 M04 M05; none M06 M08.
    counts = {_agent(r): r["value"] for r in _rows(frame, "manager_escalations")}
    assert counts == {"a1": 2, "m1": 3, "m2": 2, None: 2}
    rates = {_agent(r): (r["value"], r["n"]) for r in _rows(frame, "manager_resolution_rate")}
    # a1: 0 of 2; m1: M01, M09 of 3 (M11 no); m2: M04 of 1 (M05 pending); none: M08 of 2 (M06 no).
    assert rates == {"a1": (0.0, 2), "m1": (pytest.approx(2 / 3), 3), "m2": (1.0, 1), None: (0.5, 2)}


def test_by_team(management_workspace: Workspace) -> None:
    frame = kpis(
        management_workspace,
        metrics=METRICS,
        period="week",
        by=["team"],
        start=date(2026, 3, 8),
        end=date(2026, 3, 14),
    )
    # Week of 8 Mar: billing M05 (pending) and M07 (no); technical M06 (no) and M08 (yes).
    assert _one(frame, "manager_escalations", team="billing")["value"] == 2
    assert _one(frame, "manager_escalations", team="technical")["value"] == 2
    billing = _one(frame, "manager_resolution_rate", team="billing")
    assert (billing["value"], billing["n"]) == (0.0, 1)
    technical = _one(frame, "manager_resolution_rate", team="technical")
    assert (technical["value"], technical["n"]) == (0.5, 2)


def test_a_period_without_escalations(management_workspace: Workspace) -> None:
    frame = kpis(
        management_workspace, metrics=METRICS, period="week", start=date(2026, 3, 22), end=date(2026, 3, 28)
    )
    assert frame.empty


def test_manager_level_option(management_workspace: Workspace) -> None:
    management_workspace.settings.metrics.manager_level = 2
    frame = kpis(management_workspace, metrics=METRICS, period="all")
    # Level 2 now reaches a manager: M03 (escalated to 2, then solved) joins as resolved there. M06's
    # escalate to 4 is still above the highest level reached (3), so it went further: 10 tickets, 5 of 9.
    assert _one(frame, "manager_escalations")["value"] == 10
    row = _one(frame, "manager_resolution_rate")
    assert (row["value"], row["n"]) == (pytest.approx(5 / 9), 9)


def test_without_agents_or_events_nothing_reaches_a_manager(ticket_workspace: Workspace) -> None:
    # The ticket fixture has an escalate event to level 2 only and no agents with roles.
    frame = kpis(ticket_workspace, metrics=METRICS, period="all")
    assert frame.empty


@pytest.mark.parametrize("value", ["'high'", "0", "true", "2.5"])
def test_manager_level_must_be_a_whole_level(management_workspace: Workspace, value: str) -> None:
    path = management_workspace.path / "kpidesk.toml"
    text = path.read_text(encoding="utf-8")
    assert "manager_level = 3\n" in text
    path.write_text(text.replace("manager_level = 3\n", f"manager_level = {value}\n"), encoding="utf-8")
    with pytest.raises(SettingsError, match="manager_level"):
        open_workspace(management_workspace.path)
