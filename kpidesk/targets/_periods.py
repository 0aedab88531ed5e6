"""A target's periods on the default calendar: the one that holds a day, the ones before it, and how many
open hours lie behind and ahead of a day inside them (what a projection spreads the rest of a period on)."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

from kpidesk.calendars import BusinessCalendar
from kpidesk.targets._file import Target

__all__ = ["earlier_span", "open_seconds", "period_of"]

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_of(target: Target, day: date, week_start: int) -> tuple[date, date]:
    """The first and last day of the target's period that holds `day` (its fixed dates, when it has them);
    weeks start on the calendar's `week_start` (0 = Monday)."""
    if target.period is None:
        assert target.start is not None and target.end is not None
        return target.start, target.end
    if target.period == "day":
        return day, day
    if target.period == "week":
        first = day - timedelta(days=(day.weekday() - week_start) % 7)
        return first, first + timedelta(days=6)
    months = _MONTHS[target.period]
    first_month = (day.month - 1) // months * months + 1
    first = date(day.year, first_month, 1)
    last_month = first_month + months - 1
    return first, date(day.year, last_month, _calendar.monthrange(day.year, last_month)[1])


def earlier_span(target: Target, first: date, count: int, week_start: int) -> tuple[date, date]:
    """The `count` whole periods just before the period starting on `first`, as one span of days (for
    fixed dates: `count` spans of the same length)."""
    if target.period is None:
        assert target.start is not None and target.end is not None
        length = (target.end - target.start).days + 1
        return first - timedelta(days=count * length), first - timedelta(days=1)
    start = first
    for _ in range(count):
        start = period_of(target, start - timedelta(days=1), week_start)[0]
    return start, first - timedelta(days=1)


def open_seconds(calendar: BusinessCalendar, first: date, last: date) -> float:
    """The calendar's open seconds on the local days `first`–`last` (0 when `last` is before `first`): a
    half day counts by its hours, a holiday not at all."""
    total = 0
    day = first
    while day <= last:
        total += sum(closes - opens for opens, closes in calendar.hours_on(day))
        day += timedelta(days=1)
    return float(total)
