"""Shift rules and the shifts they allow: lengths, start times, breaks and the labour rules of a roster.

A shift is a local day, a wall-clock start, a length and, when the rules have a break, where the break
lies. Its instants are UTC epoch seconds resolved through the roster's time zone, so a shift across a
DST change lasts its real length. A shift *covers* an interval when it works the whole interval: an
interval cut by the shift's start, end or break is not covered by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kpidesk import InvalidRequest

__all__ = [
    "RULE_OPTIONS",
    "Shift",
    "ShiftRules",
    "candidate_shifts",
    "clock_text",
    "duration_text",
    "parse_clock",
    "parse_clock_window",
    "parse_length",
    "parse_offset_window",
    "shift_rules",
]

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|m|min)?\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DAY_S = 86400


def parse_length(text: str, what: str) -> int:
    """ "8h", "7.5h", "30m", "90min" → seconds; a bare number is hours."""
    match = _LENGTH.match(str(text))
    if not match:
        raise InvalidRequest(f"{what}: expected a length such as 8h, 7.5h or 30m, got {text!r}")
    unit = match.group(2) or "h"
    seconds = float(match.group(1)) * (3600 if unit == "h" else 60)
    if seconds <= 0 or seconds % 60:
        raise InvalidRequest(f"{what}: expected a whole number of minutes above zero, got {text!r}")
    return int(seconds)


def parse_clock(text: str, what: str) -> int:
    """ "06:30" → seconds after local midnight (00:00 to 24:00)."""
    match = _CLOCK.match(str(text))
    if not match or int(match.group(2)) > 59 or int(match.group(1)) * 60 + int(match.group(2)) > 1440:
        raise InvalidRequest(f"{what}: expected a time of day such as 06:00, got {text!r}")
    return (int(match.group(1)) * 60 + int(match.group(2))) * 60


def parse_clock_window(text: str, what: str) -> tuple[int, int]:
    """ "06:00-14:00" (or one time, "08:00") → first and last allowed start, seconds after midnight."""
    parts = [p for p in str(text).replace("–", "-").split("-")]
    if len(parts) == 1:
        one = parse_clock(parts[0], what)
        return one, one
    if len(parts) != 2:
        raise InvalidRequest(f"{what}: expected start times such as 06:00-14:00, got {text!r}")
    first, last = parse_clock(parts[0], what), parse_clock(parts[1], what)
    if last < first:
        raise InvalidRequest(f"{what}: the window {text!r} ends before it begins")
    return first, last


def parse_offset_window(text: str, what: str) -> tuple[int, int]:
    """ "3h-5h": the part of a shift, counted from its start, a break must lie in."""
    parts = str(text).replace("–", "-").split("-")
    if len(parts) != 2:
        raise InvalidRequest(f"{what}: expected hours after the shift's start such as 3h-5h, got {text!r}")
    low, high = (parse_length(p, what) if p.strip() not in ("0", "0h") else 0 for p in parts)
    if high <= low:
        raise InvalidRequest(f"{what}: the window {text!r} ends before it begins")
    return low, high


def clock_text(seconds: int) -> str:
    """Seconds after midnight as HH:MM."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def duration_text(seconds: float) -> str:
    """ "8 h", "7.5 h", "30 min"."""
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    return f"{seconds / 3600:g} h"


@dataclass(frozen=True)
class ShiftRules:
    """What a shift may be and what an agent may work: `kpidesk.toml [roster]` or the command's options.

    Lengths and breaks are in seconds; start windows in seconds after local midnight. `break_window` is
    counted from the shift's start. Weekly limits are per week of the calendar (its `week_start`), days
    off are days without a shift in such a week, rest is the time from one shift's end to the next's start,
    and an evening is a shift still working after `evening_from`.
    """

    lengths: tuple[int, ...] = (8 * 3600,)
    starts: tuple[tuple[int, int], ...] = ((6 * 3600, 14 * 3600),)
    step: int = 1800
    break_length: int = 0
    break_paid: bool = False
    break_window: tuple[int, int] | None = None
    min_weekly_hours: float = 0.0
    max_weekly_hours: float | None = None
    days_off: int = 0
    min_rest: int = 0
    max_evenings: int | None = None
    evening_from: int = 18 * 3600
    week_start: int = 6  # date.weekday(): Sunday
    use_calendar: bool = True

    def __post_init__(self) -> None:
        for length in self.lengths:
            if length <= 0 or length > _DAY_S:
                raise InvalidRequest(
                    f"shift length {duration_text(length)}: expected more than 0 and at most 24 h"
                )
        if self.step <= 0 or self.step % 60:
            raise InvalidRequest("start step: expected a whole number of minutes above zero")
        if self.break_length:
            window = self.break_window
            for length in self.lengths:
                low, high = window if window is not None else (0, length)
                if high - low < self.break_length or high > length:
                    raise InvalidRequest(
                        f"break: a {duration_text(self.break_length)} break must lie inside "
                        f"{duration_text(low)}–{duration_text(high)} of a {duration_text(length)} shift, "
                        "which it cannot"
                    )
        if not 0 <= self.days_off <= 6:
            raise InvalidRequest(f"days off: expected 0 to 6 days a week, got {self.days_off}")
        if self.max_weekly_hours is not None and self.max_weekly_hours < self.min_weekly_hours:
            raise InvalidRequest(
                f"weekly hours: the maximum ({self.max_weekly_hours:g} h) is below the minimum "
                f"({self.min_weekly_hours:g} h)"
            )
        if self.max_evenings is not None and self.max_evenings < 0:
            raise InvalidRequest("evenings: expected at most N evenings a week with N ≥ 0")

    def paid_seconds(self, length: int) -> int:
        """A shift's paid time: its length, less an unpaid break."""
        return length - (0 if self.break_paid else self.break_length)

    def start_times(self) -> list[int]:
        """Every allowed start, seconds after local midnight, in order."""
        out: set[int] = set()
        for first, last in self.starts:
            moment = first
            while moment <= last:
                out.add(moment)
                moment += self.step
        return sorted(out)

    def break_offsets(self, length: int, grid: int) -> list[int | None]:
        """Where a break may begin, counted from the shift's start, on the intervals' grid."""
        if not self.break_length:
            return [None]
        low, high = self.break_window if self.break_window is not None else (0, length)
        first = -(-low // grid) * grid
        return list(range(first, high - self.break_length + 1, grid)) or [low]

    def describe(self) -> list[str]:
        """The rules in words, one line each, for tables and pages."""
        lengths = ", ".join(duration_text(x) for x in self.lengths)
        starts = ", ".join(
            clock_text(a) if a == b else f"{clock_text(a)}–{clock_text(b)}" for a, b in self.starts
        )
        lines = [f"shifts of {lengths} starting {starts} every {duration_text(self.step)}"]
        if self.break_length:
            window = self.break_window
            where = (
                f" between {duration_text(window[0])} and {duration_text(window[1])} after the start"
                if window
                else ""
            )
            paid = "a paid" if self.break_paid else "an unpaid"
            lines.append(f"{paid} break of {duration_text(self.break_length)}{where}")
        low, high = self.min_weekly_hours, self.max_weekly_hours
        if high is not None and low:
            weekly = f"{low:g}–{high:g} paid h a week"
        elif high is not None:
            weekly = f"at most {high:g} paid h a week"
        else:
            weekly = f"at least {low:g} paid h a week" if low else ""
        if weekly:
            lines.append(weekly)
        if self.days_off:
            lines.append(f"at least {self.days_off} days off a week")
        if self.min_rest:
            lines.append(f"at least {duration_text(self.min_rest)} of rest between shifts")
        if self.max_evenings is not None:
            lines.append(
                f"at most {self.max_evenings} evenings a week (working after {clock_text(self.evening_from)})"
            )
        return lines


@dataclass(frozen=True)
class Shift:
    """One shift on one local day: its UTC instants and its break, if any."""

    day: date
    start_clock: int
    length: int
    start: int
    break_start: int | None = None
    break_end: int | None = None
    paid: int = field(default=0, compare=False)

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def key(self) -> tuple[date, int, int, int | None]:
        return (self.day, self.start_clock, self.length, self.break_start)

    def works(self, begin: int, finish: int) -> bool:
        """True when the shift works the whole of [begin, finish)."""
        if begin < self.start or finish > self.end:
            return False
        if self.break_start is None or self.break_end is None:
            return True
        return finish <= self.break_start or begin >= self.break_end

    def is_evening(self, zone: ZoneInfo, evening_from: int) -> bool:
        """Still working after `evening_from` on its local day (or ending after midnight)."""
        local_day_start = datetime.combine(self.day, time(), zone)
        evening = int((local_day_start + timedelta(seconds=evening_from)).timestamp())
        return self.end > evening

    def label(self, zone: ZoneInfo) -> str:
        """ "06:00–14:00" in local time."""
        begin = datetime.fromtimestamp(self.start, zone)
        end = datetime.fromtimestamp(self.end, zone)
        return f"{begin:%H:%M}–{end:%H:%M}"


def _instant(day: date, seconds: int, zone: ZoneInfo) -> int:
    """The first UTC instant the local clock shows `day` + `seconds` or later (a skipped hour jumps)."""
    wall = datetime.combine(day, time()) + timedelta(seconds=seconds)
    guess = int(wall.replace(tzinfo=zone).timestamp())
    shown = datetime.fromtimestamp(guess, zone).replace(tzinfo=None)
    return guess if shown >= wall else int(wall.replace(tzinfo=zone, fold=1).timestamp())


def candidate_shifts(
    rules: ShiftRules,
    days: Sequence[date],
    zone: ZoneInfo,
    grid: int,
    open_hours: dict[date, list[tuple[int, int]]] | None = None,
) -> Iterator[Shift]:
    """Every shift the rules allow on `days`; with `open_hours` (UTC [from, to) per day), only shifts that
    lie inside one of the day's open intervals."""
    for day in days:
        windows = None if open_hours is None else open_hours.get(day, [])
        for clock in rules.start_times():
            start = _instant(day, clock, zone)
            for length in rules.lengths:
                end = start + length
                if windows is not None and not any(a <= start and end <= b for a, b in windows):
                    continue
                for offset in rules.break_offsets(length, grid):
                    brk = None if offset is None else start + offset
                    yield Shift(
                        day,
                        clock,
                        length,
                        start,
                        brk,
                        None if brk is None else brk + rules.break_length,
                        rules.paid_seconds(length),
                    )


#: `[roster]` keys of kpidesk.toml and the command option each is overridden by.
RULE_OPTIONS = {
    "shifts": "--shift",
    "starts": "--starts",
    "step": "--step",
    "break": "--break",
    "break_paid": "--break-paid",
    "break_window": "--break-window",
    "min_weekly_hours": "--min-weekly-hours",
    "max_weekly_hours": "--max-weekly-hours",
    "days_off": "--days-off",
    "min_rest": "--min-rest",
    "max_evenings": "--max-evenings",
    "evening_from": "--evening-from",
}


def shift_rules(
    settings: dict[str, Any], options: dict[str, Any], *, week_start: int, use_calendar: bool = True
) -> ShiftRules:
    """The rules from kpidesk.toml's `[roster]` values, each overridden by the option given for it (None:
    not given). A mistake names where it was written: the toml key or the option."""
    values: dict[str, tuple[Any, str]] = {k: (v, f"kpidesk.toml [roster] {k}") for k, v in settings.items()}
    for key, value in options.items():
        if value is not None and value != ():
            values[key] = (value, RULE_OPTIONS[key])

    def get(key: str) -> tuple[Any, str] | None:
        return values.get(key)

    rules: dict[str, Any] = {"week_start": week_start, "use_calendar": use_calendar}
    if found := get("shifts"):
        texts, where = found
        texts = [texts] if isinstance(texts, str) else list(texts)
        rules["lengths"] = tuple(parse_length(t, where) for part in texts for t in str(part).split(","))
    if found := get("starts"):
        texts, where = found
        texts = [texts] if isinstance(texts, str) else list(texts)
        rules["starts"] = tuple(parse_clock_window(t, where) for part in texts for t in str(part).split(","))
    for key, parse in (("step", parse_length), ("break", parse_length), ("min_rest", parse_length)):
        if found := get(key):
            text, where = found
            seconds = 0 if str(text).strip() in ("0", "0h", "0m") else parse(text, where)
            rules[{"break": "break_length"}.get(key, key)] = seconds
    if found := get("break_window"):
        rules["break_window"] = parse_offset_window(*found)
    if found := get("evening_from"):
        rules["evening_from"] = parse_clock(*found)
    if found := get("break_paid"):
        rules["break_paid"] = bool(found[0])
    for key, kind in (
        ("min_weekly_hours", float),
        ("max_weekly_hours", float),
        ("days_off", int),
        ("max_evenings", int),
    ):
        if found := get(key):
            value, where = found
            try:
                number = kind(value)
            except (TypeError, ValueError):
                raise InvalidRequest(f"{where}: expected a number, got {value!r}") from None
            if number < 0:
                raise InvalidRequest(f"{where}: expected a number ≥ 0, got {value!r}")
            rules[key] = number
    return ShiftRules(**rules)
