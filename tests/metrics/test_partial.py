"""A partial period is compared with the same days of the period before, not with all of it.

One source, `desk`, in an Israeli workspace (UTC+3 in May–July 2026, weeks from Sunday): tickets created
at 08:00 UTC on Thursday 28 May, on 2, 4, 10 and 20 June and on 1, 3 and 5 July, each solved at 10:00 the
same day. The data starts on Thursday 28 May and ends on Sunday 5 July, so May (28–31) and July (1–5) are
partial, and June is whole.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kpi_rows import one_result
from ticket_fixture import TICKET_COLUMNS, insert_rows

import kpidesk
from kpidesk.cli import main
from kpidesk.workspace import Workspace, init_workspace

DAYS = (
    "2026-05-28",
    "2026-06-02",
    "2026-06-04",
    "2026-06-10",
    "2026-06-20",
    "2026-07-01",
    "2026-07-03",
    "2026-07-05",
)


@pytest.fixture
def months(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws", country="IL")
    rows = []
    for number, day in enumerate(DAYS):
        row: dict[str, Any] = dict.fromkeys(TICKET_COLUMNS)
        row.update(
            source="desk",
            ticket_id=f"T{number}",
            created_at=datetime.fromisoformat(f"{day} 08:00"),
            status="solved",
            team_id="billing",
            channel="email",
            priority="normal",
            first_solved_at=datetime.fromisoformat(f"{day} 10:00"),
            last_solved_at=datetime.fromisoformat(f"{day} 10:00"),
            reopen_count=0,
        )
        rows.append(row)
    with ws.connect() as con:
        insert_rows(con, "tickets", TICKET_COLUMNS, rows)
    return ws


def test_the_last_month_is_compared_with_the_same_days_before(months: Workspace) -> None:
    frame = kpidesk.kpis(months, metrics=["volume"], period="month", compare="previous")
    july = one_result(frame, "volume", period_start=date(2026, 7, 1))
    assert (july["partial"], july["covered_from"], july["covered_to"], july["days_covered"]) == (
        True,
        date(2026, 7, 1),
        date(2026, 7, 5),
        5,
    )
    # 1–5 July (1, 3 and 5 July: 3) against 1–5 June (2 and 4 June: 2), not against all of June (4):
    # +1 ± z · sqrt(3 + 2) = 1 ± 4.382613, not significant.
    assert (july["compare_from"], july["compare_to"]) == (date(2026, 6, 1), date(2026, 6, 5))
    assert (july["value"], july["compare_value"], july["change"], july["change_unit"]) == (3, 2, 1, "tickets")
    assert july["change_ci_low"] == pytest.approx(-3.382613, abs=1e-5)
    assert july["change_ci_high"] == pytest.approx(5.382613, abs=1e-5)
    assert july["significant"] is False
    # June is whole; May, which it is compared with, holds data from 28 May only, and the comparison
    # says so: 4 against 1 (28 May).
    june = one_result(frame, "volume", period_start=date(2026, 6, 1))
    assert (june["partial"], june["days_covered"], june["value"]) == (False, 30, 4)
    assert (june["compare_from"], june["compare_to"], june["compare_value"], june["change"]) == (
        date(2026, 5, 28),
        date(2026, 5, 31),
        1,
        3,
    )
    may = one_result(frame, "volume", period_start=date(2026, 5, 1))
    assert (may["partial"], may["covered_from"], may["days_covered"]) == (True, date(2026, 5, 28), 4)


def test_the_days_compared_are_the_days_the_earlier_data_covers(months: Workspace) -> None:
    frame = kpidesk.kpis(
        months,
        metrics=["volume"],
        period="week",
        compare="previous",
        start=date(2026, 5, 31),
        end=date(2026, 6, 13),
    )
    # Sun 7 – Sat 13 June (10 June: 1) against the whole week of Sun 31 May – Sat 6 June (2 and 4 June: 2).
    whole = one_result(frame, "volume", period_start=date(2026, 6, 7))
    assert (whole["partial"], whole["days_covered"]) == (False, 7)
    assert (whole["compare_from"], whole["compare_to"], whole["compare_value"], whole["change"]) == (
        date(2026, 5, 31),
        date(2026, 6, 6),
        2,
        -1,
    )
    # Sun 31 May – Sat 6 June against Sun 24 – Sat 30 May, whose data starts on Thu 28 May (28 May: 1):
    # the comparison names the days it covers, 28–30 May.
    week = one_result(frame, "volume", period_start=date(2026, 5, 31))
    assert (week["compare_from"], week["compare_to"], week["compare_value"], week["change"]) == (
        date(2026, 5, 28),
        date(2026, 5, 30),
        1,
        1,
    )


def test_the_table_says_which_days_were_compared(months: Workspace) -> None:
    result = CliRunner().invoke(
        main,
        [
            "kpis",
            "--metric",
            "volume",
            "--period",
            "month",
            "--compare",
            "previous",
            "--from",
            "2026-07-01",
            "-w",
            str(months.path),
        ],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "KPIs · 2026-07-01 → 2026-07-31 ◐" in text
    covered = "◐ partial: 2026-07-01 → 2026-07-31 holds data on 5 of its 31 days (2026-07-01 – 2026-07-05)"
    assert covered in text
    assert "2026-07-01 – 2026-07-05 against 2026-06-01 – 2026-06-05" in text
    assert max(len(line) for line in result.output.splitlines()) <= 80
