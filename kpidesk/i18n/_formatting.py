"""Numbers, percentages, durations, dates, metric values and changes as a reader of each language expects
them, with Babel's CLDR data. All three languages write Latin digits (0–9), as most business software in
Israel and the Arab world does; the separators and signs are the locale's. In Hebrew and Arabic every
formatted value is a bidi isolate, so "42.8 דק׳" keeps its order inside a right-to-left sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import dates, numbers

from kpidesk.i18n._bidi import FSI, PDI
from kpidesk.i18n._languages import DEFAULT_LANGUAGE, LANGUAGES
from kpidesk.i18n._vocabulary import pattern

__all__ = [
    "MISSING",
    "format_change",
    "format_date",
    "format_duration",
    "format_number",
    "format_percent",
    "format_value",
]

#: What a missing value (None, NaN, NaT) shows.
MISSING = "—"
#: The digits 0–9 in every language (CLDR's `latn` numbering system).
_NUMBERING = "latn"
_MINUS = "−"
_PLUS = "+"
#: LEFT-TO-RIGHT ISOLATE: a number with its sign and percent sign is always laid out left to right, and
#: the FSI around the whole value then takes its direction from the words (a unit), not from the number.
_LRI = "\u2066"


@dataclass(frozen=True)
class _Writing:
    """How one language writes a formatted value: right-to-left languages isolate it."""

    isolates: bool

    def number(self, text: str) -> str:
        return f"{_LRI}{text}{PDI}" if self.isolates else text

    def value(self, text: str) -> str:
        return f"{FSI}{text}{PDI}" if self.isolates else text


_WRITING = {lang: _Writing(isolates=lang != DEFAULT_LANGUAGE) for lang in LANGUAGES}


def _writing(lang: str) -> _Writing:
    try:
        return _WRITING[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}") from None


def _missing(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA: anything that is not equal to itself or has no truth value."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def _decimal_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def _digits(x: float, lang: str, digits: int | None, *, percent: bool = False, signed: bool = False) -> str:
    """The number's text without isolation: the locale's separators, Latin digits, `−` for a negative
    and, when `signed`, `+` for a positive or zero value. It rounds the float's exact value, half to
    even, as Python's own formatting (and so the command line) does: 0.12345 → "12.35%"."""
    magnitude = Decimal(abs(x))
    if percent:
        text = numbers.format_percent(
            magnitude, _decimal_pattern(digits or 0) + "%", locale=lang, numbering_system=_NUMBERING
        )
    elif digits is None:
        text = numbers.format_decimal(magnitude, locale=lang, numbering_system=_NUMBERING)
    else:
        text = numbers.format_decimal(
            magnitude, _decimal_pattern(digits), locale=lang, numbering_system=_NUMBERING
        )
    if x < 0:
        return _MINUS + text
    return _PLUS + text if signed else text


def format_number(x: Any, lang: str, digits: int | None = None) -> str:
    """`x` with `digits` decimals (Babel's default, at most three, when None): 12345.678 → "12,345.678"."""
    writing = _writing(lang)
    if _missing(x):
        return MISSING
    return writing.value(writing.number(_digits(float(x), lang, digits)))


def format_percent(fraction: Any, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.529 → "52.9%"."""
    writing = _writing(lang)
    if _missing(fraction):
        return MISSING
    return writing.value(writing.number(_digits(float(fraction), lang, digits, percent=True)))


@dataclass(frozen=True)
class _TimeUnit:
    """One unit a duration is told in: from `seconds` up, with `digits` decimals."""

    seconds: float
    pattern: str
    digits: int


#: Largest first, as the command line writes them: "2.3 d", "1.1 h", "42.8 min", "37 s".
_TIME_UNITS = (
    _TimeUnit(86400, "{value} d", 1),
    _TimeUnit(3600, "{value} h", 1),
    _TimeUnit(60, "{value} min", 1),
    _TimeUnit(0, "{value} s", 0),
)


def _in_unit(amount: float, unit: _TimeUnit, lang: str, *, signed: bool = False) -> str:
    writing = _writing(lang)
    number = writing.number(_digits(amount, lang, unit.digits, signed=signed))
    return writing.value(pattern(unit.pattern, lang).format(value=number))


def _duration(seconds: float, lang: str, *, signed: bool = False) -> str:
    unit = next(u for u in _TIME_UNITS if abs(seconds) >= u.seconds)
    amount = seconds / unit.seconds if unit.seconds else seconds
    return _in_unit(amount, unit, lang, signed=signed)


def format_duration(seconds: Any, lang: str) -> str:
    """Seconds in the largest unit that fits: 2568 → "42.8 min", 3960 → "1.1 h", 198720 → "2.3 d"."""
    _writing(lang)
    if _missing(seconds):
        return MISSING
    return _duration(float(seconds), lang)


def _days(days: float, lang: str, *, signed: bool = False) -> str:
    return _in_unit(days, _TIME_UNITS[0], lang, signed=signed)


def format_date(day: Any, lang: str, form: str = "medium") -> str:
    """A date (or the date of a datetime) in the locale's `form` (`short`, `medium`, `long`, `full`):
    "Mar 14, 2026", "14 במרץ 2026"."""
    writing = _writing(lang)
    if _missing(day):
        return MISSING
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if isinstance(day, datetime):
        day = day.date()
    return writing.value(dates.format_date(day, form, locale=lang))


def _percent_of(value: float, lang: str, *, signed: bool = False) -> str:
    writing = _writing(lang)
    return writing.value(writing.number(_digits(value, lang, 1, percent=True, signed=signed)))


def _signed_number(value: float, lang: str, *, signed: bool = True) -> str:
    writing = _writing(lang)
    return writing.value(writing.number(_digits(value, lang, 1, signed=True)))


def _whole(value: float, lang: str, *, signed: bool = False) -> str:
    writing = _writing(lang)
    return writing.value(writing.number(_digits(value, lang, 0, signed=signed)))


def _decimal(value: float, lang: str, *, signed: bool = False) -> str:
    writing = _writing(lang)
    return writing.value(writing.number(_digits(value, lang, 2, signed=signed)))


def _points(value: float, lang: str, *, signed: bool = False) -> str:
    """Percentage points, the unit of a change of a rate: "+1.2 pp"."""
    writing = _writing(lang)
    number = writing.number(_digits(value, lang, 1, signed=signed))
    return writing.value(pattern("{value} pp", lang).format(value=number))


_Formatter = Callable[..., str]
#: How a value in each unit is written; a unit not named here (a score, replies per ticket, calls per
#: hour) is a decimal with two digits. Counts of things are whole numbers; NPS points always carry a sign.
_BY_UNIT: dict[str, _Formatter] = {
    "ratio": _percent_of,
    "NPS points": _signed_number,
    "seconds": _duration,
    "days": _days,
    "tickets": _whole,
    "calls": _whole,
    "agents": _whole,
    "pp": _points,
}


def format_value(value: Any, unit: str, lang: str) -> str:
    """A metric's value in its `unit` (the catalogue's): ratio 0.529 → "52.9%", seconds 2568 →
    "42.8 min", tickets 1234 → "1,234", NPS points 32 → "+32.0"; "—" when there is none."""
    _writing(lang)
    if _missing(value):
        return MISSING
    return _BY_UNIT.get(unit, _decimal)(float(value), lang)


def format_change(change: Any, change_unit: str, lang: str) -> str:
    """A change with an explicit sign, in its `change_unit` (`pp` for rates, else the metric's unit):
    "+1.2 pp", "−42.8 min", "+3"; "—" when there is none."""
    _writing(lang)
    if _missing(change):
        return MISSING
    return _BY_UNIT.get(change_unit, _decimal)(float(change), lang, signed=True)
