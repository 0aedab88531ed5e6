"""Baselines worked out by hand: the median of comparable days, 1.4826 × MAD floored at √baseline."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from volume_fixture import israel_calendar

from kpidesk.alerts import Baseline, ComparableDays, day_class, robust_baseline, window_baseline


def test_a_quiet_history_is_floored_at_the_poisson_spread() -> None:
    # 9 10 11 12 30: median 11; |deviations| 2 1 0 1 19, median 1; 1.4826 < √11 = 3.317.
    baseline = robust_baseline([10, 12, 9, 30, 11])
    assert baseline.value == 11
    assert baseline.spread == pytest.approx(math.sqrt(11))
    assert baseline.history == 5
    assert baseline.z(20) == pytest.approx(9 / math.sqrt(11))  # 2.714


def test_a_wide_history_uses_the_mad() -> None:
    # 60 80 100 120 140: median 100; |deviations| 40 20 0 20 40, median 20; 1.4826 × 20 = 29.652.
    baseline = robust_baseline([100, 120, 80, 140, 60])
    assert baseline.value == 100
    assert baseline.spread == pytest.approx(29.652)
    assert baseline.z(160) == pytest.approx(60 / 29.652)
    assert baseline.z(40) == pytest.approx(-60 / 29.652)


def test_an_empty_history_is_floored_at_one() -> None:
    assert robust_baseline([0, 0, 0]) == Baseline(0, 1.0, 3)


def test_days_are_classed_by_the_israeli_calendar() -> None:
    calendar = israel_calendar()
    assert day_class(calendar, date(2025, 9, 21), "weekday") == "working sun"
    assert day_class(calendar, date(2025, 9, 21), "day_type") == "working"
    assert day_class(calendar, date(2025, 9, 26), "weekday") == "weekend fri"
    assert day_class(calendar, date(2025, 9, 27), "day_type") == "weekend sat"
    # Rosh Hashanah 5786 fell on Tuesday and Wednesday 23–24 September 2025; Yom Kippur on Thursday 2 October.
    assert day_class(calendar, date(2025, 9, 23), "weekday") == "holiday"
    assert day_class(calendar, date(2025, 10, 2), "weekday") == "holiday"
    # A year earlier, Rosh Hashanah was on Thursday and Friday 3–4 October 2024: a moving holiday.
    assert day_class(calendar, date(2024, 10, 3), "weekday") == "holiday"
    assert day_class(calendar, date(2025, 10, 3), "weekday") == "weekend fri"


def test_comparable_days_skip_holidays_and_start_with_the_data() -> None:
    calendar = israel_calendar()
    comparable = ComparableDays(calendar, date(2025, 9, 1), date(2025, 10, 31), "weekday")
    # The Tuesdays before 21 October 2025 from 1 September on: 2, 9, 16, 30 September; the 23rd (Rosh
    # Hashanah), 7 October (Sukkot) and 14 October (Simchat Torah) were holidays.
    assert comparable.before(date(2025, 10, 21), 12) == [
        date(2025, 9, 2),
        date(2025, 9, 9),
        date(2025, 9, 16),
        date(2025, 9, 30),
    ]
    assert comparable.before(date(2025, 9, 30), 2) == [date(2025, 9, 9), date(2025, 9, 16)]
    # The holidays before Simchat Torah (14 October): Rosh Hashanah ×2, Yom Kippur, Sukkot.
    assert comparable.before(date(2025, 10, 14), 12) == [
        date(2025, 9, 23),
        date(2025, 9, 24),
        date(2025, 10, 2),
        date(2025, 10, 7),
    ]


def test_an_hour_is_compared_with_the_same_hour_of_comparable_days() -> None:
    calendar = israel_calendar()
    comparable = ComparableDays(calendar, date(2025, 9, 1), date(2025, 9, 30), "weekday")
    counts = {
        datetime(2025, 9, 1, 11): 20,  # Monday 11:00
        datetime(2025, 9, 8, 11): 24,
        datetime(2025, 9, 15, 11): 22,
        datetime(2025, 9, 15, 12): 90,  # another hour: not compared
        datetime(2025, 9, 16, 11): 90,  # another weekday: not compared
    }
    baseline = window_baseline(counts, comparable, datetime(2025, 9, 22, 11), 12)
    # 20 22 24: median 22, MAD 2 → 2.965 < √22 = 4.690.
    assert baseline == Baseline(22, pytest.approx(math.sqrt(22)), 3)  # type: ignore[arg-type]
    # Monday 29 September has four Mondays before it, the 22nd (no records) counted as 0: 0 20 22 24.
    later = window_baseline(counts, comparable, datetime(2025, 9, 29, 11), 12)
    assert later is not None and later.value == 21 and later.history == 4
    assert window_baseline(counts, comparable, datetime(2025, 9, 1, 11), 12) is None
