"""Cron schedules (`minute hour day month weekday`) and the moments they fire in a time zone.

The five fields take `*`, numbers, lists (`1,15`), ranges (`mon-fri`), steps (`*/15`, `8-18/2`) and
the names of months and weekdays; 0 and 7 are Sunday. As in cron, when both the day of the month and the
weekday are restricted a day matches either one (`0 7 1 * mon`: the 1st and every Monday).

Fire times are local wall-clock times of the zone. When the clocks go forward, a time that does not exist
that day fires once, at the first minute after the jump; when they go back, a time that happens twice
fires once, the first time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kpidesk import KpideskError

__all__ = ["CronError", "CronSchedule"]


class CronError(KpideskError, ValueError):
    """A cron schedule cannot be read; the message names the field and what it expects."""


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    #: The number of the first name (jan = 1, sun = 0).
    names_from: int = 0
    note: str = ""

    def expected(self) -> str:
        names = f" or {self.names[0]}–{self.names[-1]}" if self.names else ""
        return f"{self.low}–{self.high}{self.note}{names}"

    def number(self, text: str, schedule: str) -> int:
        lowered = text.lower()
        if lowered in self.names:
            return self.names.index(lowered) + self.names_from
        if not text.isdigit():
            raise self.error(schedule, f"{text!r} is not a number")
        value = int(text)
        if not self.low <= value <= self.high:
            raise self.error(schedule, f"{value} is out of range")
        return value

    def error(self, schedule: str, problem: str) -> CronError:
        return CronError(
            f"cron schedule {schedule!r}: the {self.name} field: {problem}; expected {self.expected()}, "
            "a list (1,15), a range (1-5) or a step (*/15)"
        )

    def parse(self, text: str, schedule: str) -> frozenset[int]:
        values: set[int] = set()
        for part in text.split(","):
            span, slash, step_text = part.partition("/")
            step = 1
            if slash:
                if not step_text.isdigit() or int(step_text) == 0:
                    raise self.error(schedule, f"the step in {part!r} should be a whole number above 0")
                step = int(step_text)
            if span == "*":
                first, last = self.low, self.high
            elif "-" in span:
                start, _, end = span.partition("-")
                first, last = self.number(start, schedule), self.number(end, schedule)
                if first > last:
                    raise self.error(schedule, f"the range {span!r} runs backwards")
            elif span:
                first = self.number(span, schedule)
                last = self.high if slash else first
            else:
                raise self.error(schedule, f"{text!r} has an empty item")
            values.update(range(first, last + 1, step))
        return frozenset(values)


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("weekday", 0, 7, _WEEKDAYS, 0, " (0 and 7 are Sunday)"),
)


@dataclass(frozen=True)
class CronSchedule:
    """A parsed cron schedule: the minutes, hours, days, months and weekdays (0 = Sunday) it fires on."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    #: Whether the day-of-month and weekday fields restrict the days (they do unless they start with `*`).
    days_restricted: bool
    weekdays_restricted: bool

    @classmethod
    def parse(cls, text: str) -> CronSchedule:
        schedule = text.strip()
        fields = _MACROS.get(schedule.lower(), schedule).split()
        if len(fields) != 5:
            raise CronError(
                f"cron schedule {text!r} has {len(fields)} field{'' if len(fields) == 1 else 's'}; expected "
                'five: minute hour day-of-month month weekday, e.g. "0 7 * * sun" for Sundays at 07:00'
            )
        minutes, hours, days, months, weekdays = (
            f.parse(v, text) for f, v in zip(_FIELDS, fields, strict=True)
        )
        return cls(
            text=schedule,
            minutes=minutes,
            hours=hours,
            days=days,
            months=months,
            weekdays=frozenset(d % 7 for d in weekdays),
            days_restricted=not fields[2].startswith("*"),
            weekdays_restricted=not fields[4].startswith("*"),
        )

    def runs_on(self, day: date) -> bool:
        """Whether the schedule fires on local day `day` (at some of its hours and minutes)."""
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = (day.weekday() + 1) % 7 in self.weekdays
        if self.days_restricted and self.weekdays_restricted:
            return by_day or by_weekday
        return by_day and by_weekday

    def _day_fires(self, day: date, zone: ZoneInfo) -> list[datetime]:
        """The moments the schedule fires on local day `day`, in order, each once."""
        fires: dict[datetime, None] = {}
        for hour in sorted(self.hours):
            for minute in sorted(self.minutes):
                fires[_existing(datetime.combine(day, time(hour, minute)), zone)] = None
        return sorted(fires, key=lambda moment: moment.timestamp())

    def _days(self, start: date, end: date, backwards: bool = False) -> Iterator[date]:
        count = (end - start).days
        for offset in range(count, -1, -1) if backwards else range(count + 1):
            day = start + timedelta(days=offset)
            if self.runs_on(day):
                yield day

    def fires_between(self, start: datetime, end: datetime, zone: str | ZoneInfo) -> list[datetime]:
        """The moments after `start` up to and including `end` (both aware) that the schedule fires,
        as aware times in `zone`, oldest first."""
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        first_day = start.astimezone(tz).date() - timedelta(days=1)
        last_day = end.astimezone(tz).date()
        after, until = start.timestamp(), end.timestamp()
        return [
            moment
            for day in self._days(first_day, last_day)
            for moment in self._day_fires(day, tz)
            if after < moment.timestamp() <= until
        ]

    def latest_between(self, start: datetime, end: datetime, zone: str | ZoneInfo) -> datetime | None:
        """The last moment after `start` up to `end` the schedule fires (a run missed while down runs
        once, for this moment), without listing the others."""
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        first_day = start.astimezone(tz).date() - timedelta(days=1)
        after, until = start.timestamp(), end.timestamp()
        for day in self._days(first_day, end.astimezone(tz).date(), backwards=True):
            fires = [m for m in self._day_fires(day, tz) if after < m.timestamp() <= until]
            if fires:
                return fires[-1]
        return None


def _existing(local: datetime, zone: ZoneInfo) -> datetime:
    """`local` (naive) in `zone`: the first of two times when the clocks went back, the first minute after
    the jump when the clocks went forward past it."""
    moment = local.replace(tzinfo=zone, fold=0)
    while _round_trip(moment, zone) != moment.replace(tzinfo=None):
        local += timedelta(minutes=1)
        moment = local.replace(tzinfo=zone, fold=0)
    return moment


def _round_trip(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
