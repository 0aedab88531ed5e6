"""Volume anomalies: a window's count against its baseline, with separate raise and clear thresholds.

An alert is raised when |z| reaches `raise` and the count is also at least `floor` away from the baseline
(so a quiet night's 4 tickets against 1 pages no one); an open alert clears once z falls back below `clear`
on its side. Spikes (`up`) and dips (`down`) alike. A window whose baseline rests on fewer comparable days
than `min_history` is learning: reported, never alerted, and an open alert stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kpidesk.alerts._baseline import Baseline, ComparableDays, window_baseline
from kpidesk.calendars import BusinessCalendar

__all__ = ["GRAINS_BY_NAME", "Assessment", "DayGrain", "Grain", "HourGrain", "Thresholds", "assess", "scan"]


class Grain:
    """A length of window volume is counted over; windows start on local wall-clock times."""

    name: str
    step: timedelta

    def last_complete(self, at: datetime) -> datetime:
        """The start of the last window that has ended at local time `at`."""
        raise NotImplementedError

    def windows(self, first: datetime, last: datetime) -> Iterator[datetime]:
        start = first
        while start <= last:
            yield start
            start += self.step


class DayGrain(Grain):
    name = "day"
    step = timedelta(days=1)

    def last_complete(self, at: datetime) -> datetime:
        return datetime.combine(at.date(), time()) - self.step


class HourGrain(Grain):
    name = "hour"
    step = timedelta(hours=1)

    def last_complete(self, at: datetime) -> datetime:
        return at.replace(minute=0, second=0, microsecond=0) - self.step


GRAINS_BY_NAME: Mapping[str, Grain] = {"day": DayGrain(), "hour": HourGrain()}


@dataclass(frozen=True)
class Thresholds:
    """One grain's settings of a volume rule."""

    raise_z: float
    clear_z: float
    floor: float
    min_history: int
    history: int


@dataclass(frozen=True)
class Assessment:
    """One window judged: its count, baseline and what happened to the alert of its series."""

    start: datetime
    end: datetime
    value: int
    baseline: Baseline | None
    learning: bool
    #: The direction of the alert raised in this window, of the one cleared, and of the one open after it.
    raised: str | None
    cleared: str | None
    open: str | None

    @property
    def z(self) -> float | None:
        return None if self.baseline is None else self.baseline.z(self.value)


def assess(
    start: datetime,
    end: datetime,
    value: int,
    baseline: Baseline | None,
    thresholds: Thresholds,
    open_direction: str | None,
) -> Assessment:
    """Judge one window given the direction of the alert open before it (None: none open)."""
    if baseline is None or baseline.history < thresholds.min_history:
        return Assessment(start, end, value, baseline, True, None, None, open_direction)
    z = baseline.z(value)
    cleared = None
    if (open_direction == "up" and z < thresholds.clear_z) or (
        open_direction == "down" and z > -thresholds.clear_z
    ):
        cleared, open_direction = open_direction, None
    raised = None
    if (
        open_direction is None
        and abs(z) >= thresholds.raise_z
        and abs(value - baseline.value) >= thresholds.floor
    ):
        raised = open_direction = "up" if z > 0 else "down"
    return Assessment(start, end, value, baseline, False, raised, cleared, open_direction)


def scan(
    counts: Mapping[datetime, int],
    first_day: date,
    windows: Sequence[datetime],
    grain: Grain,
    calendar: BusinessCalendar,
    thresholds: Thresholds,
    compare: str,
    open_direction: str | None = None,
) -> list[Assessment]:
    """Judge `windows` (local starts, in order) of a series whose history starts on `first_day`: `counts`
    holds each window's count by its local start (a window left out counted none)."""
    if not windows:
        return []
    comparable = ComparableDays(calendar, first_day, windows[-1].date(), compare)
    out = []
    for start in windows:
        baseline = window_baseline(counts, comparable, start, thresholds.history)
        assessment = assess(
            start, start + grain.step, counts.get(start, 0), baseline, thresholds, open_direction
        )
        open_direction = assessment.open
        out.append(assessment)
    return out
