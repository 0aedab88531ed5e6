"""Generated ticket volume with the shape of an Israeli helpdesk and no anomaly in it, to count false
alarms on and to inject spikes and dips into.

Sunday–Thursday working days (Sunday busiest), a quieter Friday and a near-empty Saturday; public holidays
(the moving Jewish ones included, from the calendar) as quiet as a Saturday; nights nearly silent; every
hour's count Poisson around its expected value. Hours are local wall-clock hours, 24 a day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from kpidesk.calendars import BusinessCalendar
from kpidesk.workspace import default_settings

__all__ = [
    "CLOSED_DAY_SHARE",
    "DAILY_LEVEL",
    "HOLIDAY_LEVEL",
    "WORKING_DAY_SHARE",
    "expected_hour",
    "generated_hours",
    "israel_calendar",
    "per_day",
]

#: Expected tickets per day by `date.weekday()` (Monday = 0): Sunday busiest, Friday and Saturday quiet.
DAILY_LEVEL = {6: 260.0, 0: 220.0, 1: 210.0, 2: 200.0, 3: 190.0, 4: 60.0, 5: 25.0}
HOLIDAY_LEVEL = 25.0
_WORKING = [0.002] * 7 + [0.02, 0.06] + [0.095] * 8 + [0.05, 0.04, 0.03, 0.02, 0.015, 0.01, 0.007]
#: The share of a day's tickets in each local hour: office hours on working days, flatter on closed days.
WORKING_DAY_SHARE = np.array(_WORKING) / sum(_WORKING)
CLOSED_DAY_SHARE = np.array([0.01] * 8 + [0.06] * 14 + [0.04] * 2)


def israel_calendar() -> BusinessCalendar:
    settings = default_settings("Asia/Jerusalem", "IL")
    return BusinessCalendar(settings.calendars[settings.default_calendar])


def expected_hour(calendar: BusinessCalendar, day: date) -> np.ndarray:
    """The expected count of each hour of `day`."""
    if calendar.holiday_name(day) is not None:
        return HOLIDAY_LEVEL * CLOSED_DAY_SHARE
    share = WORKING_DAY_SHARE if calendar.weekly[day.weekday()] else CLOSED_DAY_SHARE
    return DAILY_LEVEL[day.weekday()] * share


def generated_hours(calendar: BusinessCalendar, first: date, last: date, seed: int) -> dict[datetime, int]:
    """Hourly counts from `first` to `last` (local days, inclusive)."""
    rng = np.random.default_rng(seed)
    counts: dict[datetime, int] = {}
    day = first
    while day <= last:
        midnight = datetime.combine(day, time())
        for hour, n in enumerate(rng.poisson(expected_hour(calendar, day))):
            counts[midnight + timedelta(hours=hour)] = int(n)
        day += timedelta(days=1)
    return counts


def per_day(hours: dict[datetime, int]) -> dict[datetime, int]:
    """The daily counts of hourly ones, keyed by local midnight."""
    days: dict[datetime, int] = {}
    for start, n in hours.items():
        midnight = datetime.combine(start.date(), time())
        days[midnight] = days.get(midnight, 0) + n
    return days
