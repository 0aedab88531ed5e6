"""Each row says which days of its period the data covers, source by source, and each source's backlog
stops where its data ends.

The workspace is the three sources of tests/sources_fixture.py (Israel: weeks from Sunday, UTC+2): chat
3–19 March, desk 4–10 March (last instant D3's solve, Tue 10 Mar 14:00 UTC), social 15 March.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from kpi_rows import one_result
from sources_fixture import load_sources

import kpidesk
from kpidesk.metrics._coverage import covered_days
from kpidesk.workspace import Workspace, init_workspace


@pytest.fixture
def sources(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws", country="IL")
    with ws.connect() as con:
        load_sources(con)
    return ws


def test_covered_days_unites_the_ranges_within_the_period() -> None:
    march = (date(2026, 3, 1), date(2026, 3, 7))
    # 3–19 Mar and 4–10 Mar within 1–7 Mar: 3–7, five days.
    chat, desk = (date(2026, 3, 3), date(2026, 3, 19)), (date(2026, 3, 4), date(2026, 3, 10))
    assert covered_days(*march, [chat, desk]) == (date(2026, 3, 3), date(2026, 3, 7), 5)
    # Two apart: 1–2 and 5–6 → four days from the 1st to the 6th.
    apart = [(date(2026, 3, 1), date(2026, 3, 2)), (date(2026, 3, 5), date(2026, 3, 6))]
    assert covered_days(*march, apart) == (date(2026, 3, 1), date(2026, 3, 6), 4)
    assert covered_days(*march, [(date(2026, 3, 8), date(2026, 3, 9))]) is None


def test_first_and_last_periods_are_partial(sources: Workspace) -> None:
    weekly = kpidesk.kpis(sources, metrics=["volume"], period="week")
    flags = {
        r["period_start"]: (r["partial"], r["covered_from"], r["covered_to"], r["days_covered"], r["value"])
        for r in weekly.to_dict(orient="records")
    }
    assert flags == {
        # Sun 1 – Sat 7 Mar: data from Tue 3 (C1); C1 and D1.
        date(2026, 3, 1): (True, date(2026, 3, 3), date(2026, 3, 7), 5, 2),
        # Sun 8 – Sat 14 Mar: every day within chat's data; C2, D2, D3.
        date(2026, 3, 8): (False, date(2026, 3, 8), date(2026, 3, 14), 7, 3),
        # Sun 15 – Sat 21 Mar: data until Thu 19 (C3); C3 and S1.
        date(2026, 3, 15): (True, date(2026, 3, 15), date(2026, 3, 19), 5, 2),
    }
    # desk ends on Tue 10 Mar: its own second week is partial, three days (8–10 Mar).
    by_source = kpidesk.kpis(sources, metrics=["volume"], period="week", by=["source"])
    desk = one_result(by_source, "volume", source="desk", period_start=date(2026, 3, 8))
    assert (desk["partial"], desk["days_covered"], desk["covered_to"], desk["value"]) == (
        True,
        3,
        date(2026, 3, 10),
        2,
    )
    # March: 3–19, 17 of 31 days.
    month = one_result(kpidesk.kpis(sources, metrics=["volume"], period="month"), "volume")
    assert (month["partial"], month["days_covered"], month["value"]) == (True, 17, 7)
    # The whole span is the data's own: 3–19 March, not partial.
    whole = one_result(kpidesk.kpis(sources, metrics=["volume"], period="all"), "volume")
    assert (whole["period_start"], whole["period_end"], whole["partial"], whole["days_covered"]) == (
        date(2026, 3, 3),
        date(2026, 3, 19),
        False,
        17,
    )


def test_each_source_backlog_ends_where_its_data_ends(sources: Workspace) -> None:
    frame = kpidesk.kpis(sources, metrics=["backlog", "backlog_age"], period="week", by=["source"])
    rows = {
        (r["metric"], r["source"], r["period_start"]): r["value"]
        for r in frame.to_dict(orient="records")
        if r["available"]
    }
    assert rows == {
        # desk, week of 8 Mar, at its last instant (Tue 10 Mar 14:00 UTC), not at the week's end: D2, open
        # since Mon 9 Mar 08:00, aged 30 h = 108,000 s.
        ("backlog", "desk", date(2026, 3, 8)): 1,
        ("backlog_age", "desk", date(2026, 3, 8)): 108_000,
        # chat, week of 15 Mar, at C3's creation (its last instant): C3, aged 0. D2 is in no later week.
        ("backlog", "chat", date(2026, 3, 15)): 1,
        ("backlog_age", "chat", date(2026, 3, 15)): 0,
    }
    pooled = kpidesk.kpis(sources, metrics=["backlog"], period="week")
    # Week of 15 Mar: C3 only (desk's data ended on 10 Mar; social cannot measure a backlog).
    last = one_result(pooled, "backlog", period_start=date(2026, 3, 15))
    assert (last["value"], last["note"]) == (
        1,
        "without social: social never records a ticket as solved, so backlog cannot be measured from it",
    )
