"""Report periods, worked out on a calendar by hand: runs on the first day of a week, of a month, of a year,
and in a leap year."""

from __future__ import annotations

from datetime import date

import pytest

from kpidesk.reports import PERIOD_KINDS, report_period

SUNDAY, MONDAY = 6, 0


@pytest.mark.parametrize(
    ("kind", "at", "week_start", "start", "end"),
    [
        # Sunday 8 November 2026; weeks from Sunday (Israel): the week before is 1–7 November.
        ("last_day", date(2026, 11, 8), SUNDAY, date(2026, 11, 7), date(2026, 11, 7)),
        ("last_week", date(2026, 11, 8), SUNDAY, date(2026, 11, 1), date(2026, 11, 7)),
        ("last_week", date(2026, 11, 8), MONDAY, date(2026, 10, 26), date(2026, 11, 1)),
        ("last_week", date(2026, 11, 11), SUNDAY, date(2026, 11, 1), date(2026, 11, 7)),
        ("week_to_date", date(2026, 11, 11), SUNDAY, date(2026, 11, 8), date(2026, 11, 10)),
        # On the week's first day the week holding yesterday is the whole week before.
        ("week_to_date", date(2026, 11, 8), SUNDAY, date(2026, 11, 1), date(2026, 11, 7)),
        ("last_7_days", date(2026, 11, 8), SUNDAY, date(2026, 11, 1), date(2026, 11, 7)),
        ("last_28_days", date(2026, 3, 1), SUNDAY, date(2026, 2, 1), date(2026, 2, 28)),
        ("last_month", date(2026, 3, 15), SUNDAY, date(2026, 2, 1), date(2026, 2, 28)),
        ("last_month", date(2028, 3, 1), SUNDAY, date(2028, 2, 1), date(2028, 2, 29)),
        ("last_month", date(2027, 1, 1), SUNDAY, date(2026, 12, 1), date(2026, 12, 31)),
        ("month_to_date", date(2026, 11, 8), SUNDAY, date(2026, 11, 1), date(2026, 11, 7)),
        ("month_to_date", date(2026, 12, 1), SUNDAY, date(2026, 11, 1), date(2026, 11, 30)),
        ("last_quarter", date(2026, 11, 8), SUNDAY, date(2026, 7, 1), date(2026, 9, 30)),
        ("last_quarter", date(2026, 1, 1), SUNDAY, date(2025, 10, 1), date(2025, 12, 31)),
    ],
)
def test_period_days(kind: str, at: date, week_start: int, start: date, end: date) -> None:
    period = report_period(kind, at, week_start)
    assert (period.start, period.end) == (start, end)
    assert period.key == f"{start.isoformat()}..{end.isoformat()}"


def test_no_period_includes_the_day_of_the_run() -> None:
    for kind in PERIOD_KINDS:
        for offset in range(400):
            at = date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + offset)
            period = report_period(kind, at, SUNDAY)
            assert period.start <= period.end < at, (kind, at)
