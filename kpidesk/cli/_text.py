"""Figures as short terminal text: a value with its unit, an interval in the value's unit, a change."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["format_bounds", "format_change", "format_value", "missing"]

#: Units of the count metrics, printed as whole numbers.
_WHOLE_UNITS = ("tickets", "calls", "agents")

#: A duration's scale by its size: the divisor and the suffix, largest first.
_DURATION_SCALES = ((86400.0, "d"), (3600.0, "h"), (60.0, "min"), (1.0, "s"))


def missing(value: Any) -> bool:
    """None, NaN or pandas' NaT (told by its type, so that printing does not import pandas)."""
    if value is None or type(value).__name__ == "NaTType":
        return True
    return isinstance(value, float) and math.isnan(value)


def _duration_scale(seconds: float) -> tuple[float, str]:
    return next(((d, s) for d, s in _DURATION_SCALES if abs(seconds) >= d), (1.0, "s"))


def format_value(unit: str, value: Any) -> str:
    """A value with its unit, short: `83.1%`, `1.2 h`, `45 s`, `+12.5` (NPS), `1,234`."""
    if missing(value):
        return "—"
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "NPS points":
        return f"{value:+.1f}".replace("-", "−")
    if unit == "seconds":
        divisor, suffix = _duration_scale(float(value))
        return f"{float(value) / divisor:.{0 if divisor == 1 else 1}f} {suffix}"
    if unit in _WHOLE_UNITS:
        return f"{value:,.0f}"
    if unit == "days":
        return f"{value:,.1f} d"
    return f"{value:.2f}"


def format_bounds(unit: str, value: Any, low: Any, high: Any) -> str:
    """An interval in the unit and scale of its value, without repeating the unit: `41.6–59.0` beside
    `52.8 min`, `75.5–93.0` beside `86.4%`; empty when a bound is missing."""
    if missing(low) or missing(high):
        return ""
    if unit == "ratio":
        return f"{low * 100:.1f}–{high * 100:.1f}"
    if unit == "seconds":
        divisor, _ = _duration_scale(float(value if not missing(value) else high))
        digits = 0 if divisor == 1 else 1
        return f"{low / divisor:.{digits}f}–{high / divisor:.{digits}f}"
    if unit == "NPS points":
        return f"{low:+.1f}–{high:+.1f}".replace("-", "−")
    if unit in _WHOLE_UNITS:
        return f"{low:,.0f}–{high:,.0f}"
    return f"{low:.{1 if unit == 'days' else 2}f}–{high:.{1 if unit == 'days' else 2}f}"


def format_change(row: Mapping[Any, Any]) -> str:
    """A change with its sign, marked ✱ when significant."""
    value = row.get("change")
    if value is None or missing(value):
        return "—"
    change = float(value)
    marker = " ✱" if row.get("significant") is True else ""
    sign = "+" if change >= 0 else "−"
    if row.get("change_unit") == "pp":
        return f"{sign}{abs(change):.1f} pp{marker}"
    if row["unit"] == "NPS points":
        return f"{sign}{abs(change):.1f}{marker}"  # the value itself carries a sign already
    return f"{sign}{format_value(row['unit'], abs(change))}{marker}"
