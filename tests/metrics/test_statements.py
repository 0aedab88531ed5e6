"""Statements compiled once per question and kept across calls (kpidesk/metrics/_statements.py): a kept
statement reads the rows of every later import, and any change to the question or the settings compiles
it again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import kpidesk
from kpidesk import _api
from kpidesk.metrics._statements import statements
from kpidesk.workspace import Workspace

_QUESTION = {"period": "all", "start": date(2026, 3, 1), "business_hours": True}


@pytest.fixture(autouse=True)
def _no_kept_statements() -> None:
    statements.clear()


def _value(frame: pd.DataFrame, metric: str) -> float:
    rows = frame[frame.metric == metric]
    assert len(rows) == 1
    return float(rows.value.iloc[0])


def _fresh(ws: Workspace, **question: object) -> pd.DataFrame:
    """The same question with nothing kept: neither its results nor its statements."""
    _api._RESULTS.clear()
    statements.clear()
    return kpidesk.kpis(ws, **question)  # type: ignore[arg-type]


def test_a_kept_statement_reads_the_rows_of_a_later_import(
    ticket_workspace: Workspace, tmp_path: Path
) -> None:
    before = kpidesk.kpis(ticket_workspace, **_QUESTION)  # type: ignore[arg-type]
    compiled = statements.misses
    csv = tmp_path / "later.csv"
    csv.write_text(
        "ticket_id,created_at,status,customer_id\n"
        "N1,2026-05-03 10:00:00,open,c1\n"
        "N2,2026-05-04 10:00:00,open,c9\n",
        encoding="utf-8",
    )
    kpidesk.import_files([csv], "tickets", workspace=ticket_workspace, source="desk")
    hits = statements.hits
    after = kpidesk.kpis(ticket_workspace, **_QUESTION)  # type: ignore[arg-type]
    # Answered with the statements kept from the first call…
    assert statements.hits == hits + 1 and statements.misses == compiled
    # …which read the new rows: two more tickets, the period now ends on their last day…
    assert _value(after, "volume") == _value(before, "volume") + 2
    assert after.period_end.iloc[0] == date(2026, 5, 4)
    # …and give exactly what statements compiled afresh give.
    pd.testing.assert_frame_equal(after, _fresh(ticket_workspace, **_QUESTION))


def test_another_question_or_setting_compiles_again(ticket_workspace: Workspace) -> None:
    kpidesk.kpis(ticket_workspace, **_QUESTION)  # type: ignore[arg-type]
    kpidesk.kpis(ticket_workspace, **{**_QUESTION, "business_hours": False})  # type: ignore[arg-type]
    kpidesk.kpis(ticket_workspace, **{**_QUESTION, "start": date(2026, 3, 2)})  # type: ignore[arg-type]
    kpidesk.kpis(ticket_workspace, **_QUESTION, by=["channel"])  # type: ignore[arg-type]
    assert (statements.hits, statements.misses) == (0, 4)
    ticket_workspace.settings.metrics.repeat_contact_days = 1
    changed = kpidesk.kpis(ticket_workspace, **_QUESTION)  # type: ignore[arg-type]
    assert (statements.hits, statements.misses) == (0, 5)
    pd.testing.assert_frame_equal(changed, _fresh(ticket_workspace, **_QUESTION))


def test_the_periods_of_each_call_are_its_own(ticket_workspace: Workspace) -> None:
    """A comparison reads two sets of periods on one connection, one after the other: April's data ends
    on the 23rd, so it is compared with 1–23 March."""
    compared = kpidesk.kpis(ticket_workspace, metrics=["volume"], period="month", compare="previous")
    april = compared[compared.period_start == date(2026, 4, 1)].iloc[0]
    march = kpidesk.kpis(
        ticket_workspace, metrics=["volume"], period="all", start=date(2026, 3, 1), end=date(2026, 3, 23)
    )
    assert (april.compare_from, april.compare_to) == (date(2026, 3, 1), date(2026, 3, 23))
    assert april.compare_value == _value(march, "volume") == 6
    pd.testing.assert_frame_equal(
        compared, _fresh(ticket_workspace, metrics=["volume"], period="month", compare="previous")
    )
