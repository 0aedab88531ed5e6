"""What a day or an hour of volume is compared with: the same window on comparable past days.

Days are comparable when the business calendar treats them alike: a holiday with past holidays, a half
day with past half days, a weekend day with past days of the same weekday, and a working day with past
working days of the same weekday (`compare: weekday`) or with any past working day (`compare: day_type`).
The baseline is the median of the last `history` comparable values; the spread is 1.4826 × the median
absolute deviation, floored at √baseline (the Poisson spread of a count), so that a history that happens to
be flat does not turn every wobble into an alert.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from kpidesk.calendars import BusinessCalendar

__all__ = ["MAD_SCALE", "Baseline", "ComparableDays", "day_class", "robust_baseline", "window_baseline"]

#: 1.4826 × MAD estimates the standard deviation of normally distributed values.
MAD_SCALE = 1.4826
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Baseline:
    """The expected count of a window, its spread, and how many comparable values it rests on."""

    value: float
    spread: float
    history: int

    def z(self, observed: float) -> float:
        return (observed - self.value) / self.spread


def robust_baseline(values: Sequence[float]) -> Baseline:
    """Median and floored MAD spread of `values` (at least one)."""
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return Baseline(median, max(MAD_SCALE * mad, math.sqrt(max(median, 1.0))), len(values))


def day_class(calendar: BusinessCalendar, day: date, compare: str) -> str:
    """The class of days `day` is compared within (see the module's description)."""
    if calendar.holiday_name(day) is not None:
        return "holiday"
    if day in calendar.half_days:
        return "half_day"
    weekday = day.strftime("%a").lower()
    if not calendar.weekly[day.weekday()]:
        return f"weekend {weekday}"
    return f"working {weekday}" if compare == "weekday" else "working"


class ComparableDays:
    """The days from `first` to `last` sorted into their classes, to find a day's comparable past days."""

    def __init__(self, calendar: BusinessCalendar, first: date, last: date, compare: str) -> None:
        self.first = first
        self.classify: Callable[[date], str] = cache(lambda day: day_class(calendar, day, compare))
        self.members: dict[str, list[date]] = defaultdict(list)
        day = first
        while day <= last:
            self.members[self.classify(day)].append(day)
            day += _DAY

    def before(self, day: date, count: int) -> list[date]:
        """The last `count` (or fewer) days of `day`'s class before it, from `first` on."""
        members = self.members.get(self.classify(day), [])
        end = bisect.bisect_left(members, day)
        return members[max(0, end - count) : end]


def window_baseline(
    counts: Mapping[datetime, int], comparable: ComparableDays, start: datetime, history: int
) -> Baseline | None:
    """The baseline of the window starting at local `start`: the same time of day on its comparable past
    days (None when it has none)."""
    offset = start - datetime.combine(start.date(), datetime.min.time())
    days = comparable.before(start.date(), history)
    values = [counts.get(datetime.combine(day, datetime.min.time()) + offset, 0) for day in days]
    return robust_baseline(values) if values else None
