"""One value of a result frame as a Python number: engines and pandas write a missing value as None, NaN,
NaT or pandas' NA, and every reader of results needs it as None."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["number_or_none"]


def number_or_none(value: Any) -> float | None:
    """`value` as a float, None when it is missing or not a number."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
