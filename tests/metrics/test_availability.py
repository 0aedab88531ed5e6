"""A metric a source cannot measure is not available from it, with the reason, in every output.

The workspace is the three sources of tests/sources_fixture.py: `chat` holds messages and solves, `desk`
solves without messages, `social` messages without solves. Values are worked out by hand there.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from kpi_rows import one_result
from sources_fixture import load_sources

import kpidesk
from kpidesk.cli import main
from kpidesk.metrics._availability import NO_DATA
from kpidesk.workspace import Workspace, init_workspace

NO_MESSAGES_FRT = "desk holds no public agent message, so first reply time cannot be measured from it"
NO_SOLVES_BACKLOG = "social never records a ticket as solved, so backlog cannot be measured from it"


def _workspace(tmp_path: Path, sources: tuple[str, ...] = ("chat", "desk", "social")) -> Workspace:
    ws = init_workspace(tmp_path / "ws", country="IL")
    with ws.connect() as con:
        load_sources(con, sources)
    return ws


@pytest.fixture
def sources(tmp_path: Path) -> Workspace:
    return _workspace(tmp_path)


def test_by_source_each_source_has_its_own_status(sources: Workspace) -> None:
    frame = kpidesk.kpis(sources, metrics=["first_reply_time", "backlog"], period="all", by=["source"])
    desk = one_result(frame, "first_reply_time", source="desk")
    assert (desk["available"], desk["reason"], desk["n"]) == (False, NO_MESSAGES_FRT, 0)
    assert not desk["small_sample"]
    assert pd.isna(desk["value"]) and pd.isna(desk["ci_low"]) and pd.isna(desk["ci_high"])
    # Its period is its own data: D1 on 4 Mar to D3's solve on 10 Mar.
    assert (str(desk["period_start"]), str(desk["period_end"])) == ("2026-03-04", "2026-03-10")
    # chat: C1 30 min and C2 60 min → median 45 min = 2,700 s; C3 unanswered.
    chat = one_result(frame, "first_reply_time", source="chat")
    assert (chat["available"], chat["value"], chat["n"], chat["unanswered"]) == (True, 2_700, 2, 1)
    assert chat["reason"] is None
    social = one_result(frame, "first_reply_time", source="social")
    assert (social["value"], social["n"]) == (600, 1)  # S1: 08:00 → 08:10
    no_backlog = one_result(frame, "backlog", source="social")
    assert (no_backlog["available"], no_backlog["reason"]) == (False, NO_SOLVES_BACKLOG)
    assert pd.isna(no_backlog["value"])
    # desk's backlog at its own last instant (10 Mar 14:00): D2; chat's at C3's creation: C3.
    assert one_result(frame, "backlog", source="desk")["value"] == 1
    assert one_result(frame, "backlog", source="chat")["value"] == 1


def test_pooled_value_leaves_out_the_sources_that_cannot_measure_it(sources: Workspace) -> None:
    frame = kpidesk.kpis(
        sources, metrics=["fcr_rate", "first_reply_time", "agent_replies", "volume"], period="all"
    )
    # FCR over chat alone (desk has no messages, social no solves): C1 one reply, no reopen → yes;
    # C2 two replies → no: 1/2.
    fcr = one_result(frame, "fcr_rate")
    assert (fcr["available"], fcr["value"], fcr["n"]) == (True, 0.5, 2)
    assert fcr["note"] == (
        "without desk, social: desk holds no public agent message, so first contact resolution cannot be "
        "measured from it; social never records a ticket as solved, so first contact resolution cannot be "
        "measured from it"
    )
    # First reply time over chat and social: 1,800, 3,600 and 600 s → median 1,800 s.
    frt = one_result(frame, "first_reply_time")
    assert (frt["value"], frt["n"]) == (1_800, 3)
    assert frt["note"] == f"without desk: {NO_MESSAGES_FRT}"
    # Agent replies per solved ticket, chat only: (1 + 2) / 2.
    assert one_result(frame, "agent_replies")["value"] == 1.5
    # Volume every source can measure: 3 + 3 + 1, no note.
    volume = one_result(frame, "volume")
    assert (volume["value"], volume["note"], volume["available"]) == (7, None, True)


def test_no_source_can_measure_it(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, ("desk",))
    frame = kpidesk.kpis(ws, metrics=["fcr_rate", "solved"], period="all")
    fcr = one_result(frame, "fcr_rate")
    assert (fcr["available"], fcr["n"]) == (False, 0)
    assert pd.isna(fcr["value"]) and pd.isna(fcr["ci_low"])
    assert fcr["reason"] == (
        "desk holds no public agent message, so first contact resolution cannot be measured from it"
    )
    assert one_result(frame, "solved")["value"] == 2  # D1 and D3
    runner = CliRunner()
    as_json = runner.invoke(
        main, ["kpis", "--metric", "fcr_rate", "--period", "all", "--as", "json", "-w", str(ws.path)]
    )
    assert as_json.exit_code == 0, as_json.output
    (row,) = json.loads(as_json.output)
    assert (row["value"], row["available"], row["reason"]) == (None, False, fcr["reason"])
    table = runner.invoke(
        main,
        ["kpis", "--metric", "fcr_rate", "--metric", "solved", "--period", "all", "-w", str(ws.path)],
        env={"COLUMNS": "80"},
    )
    assert table.exit_code == 0, table.output
    assert "n/a" in table.output and "0.0%" not in table.output and "nan" not in table.output
    assert "desk holds no public agent message: fcr_rate" in " ".join(table.output.split())
    assert max(len(line) for line in table.output.splitlines()) <= 80
    as_csv = runner.invoke(
        main, ["kpis", "--metric", "fcr_rate", "--period", "all", "--as", "csv", "-w", str(ws.path)]
    )
    assert "False" in as_csv.output and "first contact resolution cannot be measured" in as_csv.output


def test_no_source_can_measure_it_grouped(tmp_path: Path) -> None:
    # No metric asked for has a row of its own: the not-available row still carries the group columns.
    ws = _workspace(tmp_path, ("desk",))
    frame = kpidesk.kpis(ws, metrics=["fcr_rate"], by=["team"], period="month")
    assert list(frame["team"].isna()) == [True] and list(frame["available"]) == [False]


def test_a_group_without_units_is_no_data_not_a_small_sample(sources: Workspace) -> None:
    frame = kpidesk.kpis(sources, metrics=["first_reply_time"], period="week", by=["source"])
    # Week of 15 Mar, chat: only C3, unanswered: n = 0.
    row = one_result(frame, "first_reply_time", source="chat", period_start=date(2026, 3, 15))
    assert (row["n"], row["unanswered"]) == (0, 1) and pd.isna(row["value"])
    assert (row["available"], row["reason"], row["small_sample"]) == (False, NO_DATA, False)
