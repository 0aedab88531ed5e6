"""Generated ticket volume with the shape of an Israeli helpdesk and no anomaly in it, to count false
alarms on and to inject spikes and dips into.

Sunday–Thursday working days (Sunday busiest), a quieter Friday and a near-empty Saturday; public holidays
(the moving Jewish ones included, from the calendar) as quiet as a Saturday; nights nearly silent; every
hour's count Poisson around its expected value. Hours are local wall-clock hours, 24 a day.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

import kpidesk
from kpidesk.calendars import BusinessCalendar
from kpidesk.workspace import Workspace, default_settings, init_workspace

__all__ = [
    "CLOSED_DAY_SHARE",
    "DAILY_LEVEL",
    "FIRST_DAY",
    "HOLIDAY_LEVEL",
    "LAST_DAY",
    "SPIKE_DAY",
    "WORKING_DAY_SHARE",
    "expected_hour",
    "generated_hours",
    "israel_calendar",
    "per_day",
    "tickets_on",
    "write_spike_workspace",
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


#: A small workspace with one spike: tickets every day from Sunday 1 March 2026, 40 on a working day, 10 on
#: Friday and Saturday, 120 on Tuesday 14 April; created between 09:00 and 16:59 local time, every fourth
#: one for team sales, the others for billing.
FIRST_DAY, LAST_DAY = date(2026, 3, 1), date(2026, 4, 18)
SPIKE_DAY = date(2026, 4, 14)


def tickets_on(day: date) -> int:
    if day == SPIKE_DAY:
        return 120
    return 10 if day.weekday() in (4, 5) else 40


def write_spike_workspace(folder: Path) -> Workspace:
    """The spike workspace, imported through the normal importer. Passover's first and seventh days (2 and
    8 April 2026) are holidays; they get the same counts, and the holiday class has too little history to
    be judged."""
    ws = init_workspace(folder, country="IL")
    path = folder.parent / f"{folder.name}-tickets.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "created_at", "status", "channel", "team_id", "category"])
        day, number = FIRST_DAY, 0
        while day <= LAST_DAY:
            for i in range(tickets_on(day)):
                number += 1
                created = datetime.combine(day, time(9)) + timedelta(seconds=i * 28800 // tickets_on(day))
                team = "sales" if i % 4 == 0 else "billing"
                writer.writerow([f"T{number:05d}", created.isoformat(), "open", "email", team, "refunds"])
            day += timedelta(days=1)
    kpidesk.import_files([path], "tickets", workspace=ws)
    return ws
