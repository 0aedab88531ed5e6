"""One business calendar: its local opening hours, holidays and half days, resolved to UTC instants.

Everything here is plain Python with `zoneinfo`; the engine never sees a time zone. The slot table is
built from `BusinessCalendar.day_bounds` and `BusinessCalendar.open_intervals`, and
`BusinessCalendar.business_seconds_between` is the reference the slot table is checked against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from kpidesk.workspace import CalendarSettings, SettingsError

__all__ = ["BusinessCalendar", "Hours", "parse_hours"]

#: Open intervals of one local day as (from, to) seconds after local midnight on the wall clock.
Hours = tuple[tuple[int, int], ...]

#: In `date.weekday()` order.
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = {
    name: name[:3] for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}
_CLOSED = ("", "closed")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = datetime(1970, 1, 1)
_DAY = 86400
_HOURS_EXPECTED = (
    'expected "HH:MM-HH:MM" or several joined by commas such as "09:00-12:00,13:00-17:00" '
    '(times 00:00 to 24:00, or "closed")'
)


def _clock(hour: str, minute: str) -> int | None:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 3600 + m * 60


def parse_hours(spec: str, where: str) -> Hours:
    """Parse "09:00-17:00" or "09:00-12:00,13:00-17:00" into sorted, merged, non-empty intervals.

    Overnight shifts such as "22:00-06:00" are rejected rather than guessed at: which day a night belongs
    to decides which holiday closes it, so the calendar asks for the two halves on their own days.
    """
    text = str(spec).strip()
    if text.lower() in _CLOSED:
        return ()
    intervals: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _INTERVAL.match(part)
        opens = _clock(match.group(1), match.group(2)) if match else None
        closes = _clock(match.group(3), match.group(4)) if match else None
        if opens is None or closes is None:
            raise SettingsError(f"{where}: {_HOURS_EXPECTED}, got {spec!r}")
        if opens > closes:
            raise SettingsError(
                f"{where}: overnight shift {part.strip()!r} is not supported; write the part before midnight "
                f"on its day (ending 24:00) and the part after midnight on the next day (starting 00:00)"
            )
        if opens == closes:
            raise SettingsError(
                f"{where}: {part.strip()!r} opens and closes at the same time; {_HOURS_EXPECTED}"
            )
        intervals.append((opens, closes))
    intervals.sort()
    merged: list[tuple[int, int]] = [intervals[0]]
    for opens, closes in intervals[1:]:
        last_opens, last_closes = merged[-1]
        if opens < last_closes:
            raise SettingsError(f"{where}: intervals overlap in {spec!r}; {_HOURS_EXPECTED}")
        if opens == last_closes:
            merged[-1] = (last_opens, closes)
        else:
            merged.append((opens, closes))
    return tuple(merged)


def _weekday(value: str, where: str) -> int:
    key = str(value).strip().lower()
    key = _FULL_NAMES.get(key, key)
    if key not in _WEEKDAYS:
        raise SettingsError(f"{where}: unknown day {value!r}; expected one of {', '.join(_WEEKDAYS)}")
    return _WEEKDAYS.index(key)


def _iso_date(value: object, where: str) -> date:
    text = str(value).strip()
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise SettingsError(f"{where}: expected a date written YYYY-MM-DD, got {value!r}")


def _zone(name: str, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{where}: unknown time zone {name!r}; expected an IANA name such as Asia/Jerusalem"
        ) from None


def _public_holidays(country: str | None, subdivision: str | None, where: str) -> holidays.HolidayBase | None:
    if not country:
        if subdivision:
            raise SettingsError(f"{where} subdivision: {subdivision!r} needs a country; set country too")
        return None
    code = str(country).strip().upper()
    supported = holidays.list_supported_countries()
    if code not in supported:
        raise SettingsError(
            f"{where} country: the holidays package knows no country {country!r}; "
            f"expected an ISO 3166-1 alpha-2 code such as IL, SA, AE, EG, JO, US or GB"
        )
    subdiv = None
    if subdivision:
        known = {s.upper(): s for s in supported[code]}
        subdiv = known.get(str(subdivision).strip().upper(), str(subdivision))
    try:
        return holidays.country_holidays(code, subdiv=subdiv)
    except NotImplementedError:
        raise SettingsError(
            f"{where} subdivision: {code} has no subdivision {subdivision!r}; "
            f"expected one of {', '.join(supported[code]) or '(none)'}"
        ) from None


def _utc_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, floored, for an aware datetime or a naive one read as UTC."""
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return (naive - _EPOCH) // timedelta(seconds=1)


class BusinessCalendar:
    """A `CalendarSettings` checked and resolved: which local hours are open on any date, as UTC instants.

    Precedence on a date: an extra holiday closes it; else a half day replaces its hours; else a public
    holiday (the `holidays` package for the country and subdivision) closes it; else the weekly hours apply.
    A wall-clock time is read as the first instant the local clock shows it or later, so on a
    spring-forward day a time inside the skipped hour means the moment the clocks jump, and on a
    fall-back day a repeated time means its first occurrence. Overnight shifts are rejected (see
    `parse_hours`). Bad settings raise `SettingsError` naming the calendar and the key.
    """

    def __init__(self, settings: CalendarSettings) -> None:
        where = f"kpidesk.toml [calendars.{settings.name}]"
        self.name = settings.name
        self.settings = settings
        self.zone = _zone(settings.timezone, f"{where} timezone")
        self.week_start = _weekday(settings.week_start, f"{where} week_start")
        weekly: list[Hours] = [()] * 7
        for day, spec in settings.hours.items():
            index = _weekday(day, f"{where} hours")
            weekly[index] = parse_hours(spec, f"{where} hours.{_WEEKDAYS[index]}")
        self.weekly: tuple[Hours, ...] = tuple(weekly)
        self.extra_holidays = frozenset(
            _iso_date(value, f"{where} extra_holidays") for value in settings.extra_holidays
        )
        self.half_days: dict[date, Hours] = {}
        for key, spec in settings.half_days.items():
            half_day = _iso_date(key, f"{where} half_days")
            if half_day in self.extra_holidays:
                raise SettingsError(
                    f"{where} half_days.{key}: the date is also in extra_holidays; "
                    f"expected it in only one of them"
                )
            self.half_days[half_day] = parse_hours(spec, f"{where} half_days.{key}")
        self._public = _public_holidays(settings.country, settings.subdivision, where)

    def holiday_name(self, day: date) -> str | None:
        """Why `day` is closed as a holiday (None when it is not), for explanations."""
        if day in self.extra_holidays:
            return "extra holiday"
        if day in self.half_days or self._public is None:
            return None
        return self._public.get(day)

    def hours_on(self, day: date) -> Hours:
        """Open intervals of the local date as wall-clock seconds after midnight."""
        if day in self.extra_holidays:
            return ()
        if day in self.half_days:
            return self.half_days[day]
        if self._public is not None and day in self._public:
            return ()
        return self.weekly[day.weekday()]

    def instant(self, day: date, seconds: int) -> int:
        """UTC epoch second of the first instant the local clock shows `day` + `seconds` or later."""
        wall = datetime.combine(day, time()) + timedelta(seconds=seconds)
        guess = int(wall.replace(tzinfo=self.zone).timestamp())
        if self._wall(guess) == wall:
            return guess
        before = int(wall.replace(tzinfo=self.zone, fold=1).timestamp())
        after = guess
        while after - before > 1:
            middle = (before + after) // 2
            if self._wall(middle) >= wall:
                after = middle
            else:
                before = middle
        return after

    def _wall(self, epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, self.zone).replace(tzinfo=None)

    def local_date(self, epoch: int) -> date:
        return datetime.fromtimestamp(epoch, self.zone).date()

    def day_bounds(self, day: date) -> tuple[int, int]:
        """The local date as [start, end) UTC epoch seconds: 23, 24 or 25 hours long."""
        return self.instant(day, 0), self.instant(day, _DAY)

    def open_intervals(self, day: date) -> list[tuple[int, int]]:
        """The date's open intervals as [from, to) UTC epoch seconds; empty ones (lost to DST) are dropped."""
        out = []
        for opens, closes in self.hours_on(day):
            start, end = self.instant(day, opens), self.instant(day, closes)
            if end > start:
                out.append((start, end))
        return out

    def _days(self, first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            yield day
            day += timedelta(days=1)

    def business_seconds_between(self, start_utc: datetime, end_utc: datetime) -> int:
        """Open seconds from `start_utc` to `end_utc` (naive means UTC; both floored to whole seconds).

        The reference the slot table is checked against: it walks local days one by one. Negative when
        `end_utc` is before `start_utc`, so it always equals business_s(end) − business_s(start).
        """
        start, end = _utc_seconds(start_utc), _utc_seconds(end_utc)
        if end < start:
            return -self.business_seconds_between(end_utc, start_utc)
        total = 0
        for day in self._days(self.local_date(start), self.local_date(end)):
            for opens, closes in self.open_intervals(day):
                total += max(0, min(closes, end) - max(opens, start))
        return total

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r}, {self.zone.key})"
