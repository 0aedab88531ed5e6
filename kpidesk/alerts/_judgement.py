"""What judging one rule at one moment yields: alerts to raise and to resolve, in the order they happened,
and the windows still learning."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = ["Finding", "Judgement", "Learning", "plain"]


@dataclass(frozen=True)
class Finding:
    """A change of one alert: `event` "raised" or "resolved", of (subject, key), with the notice body."""

    event: str
    subject: str
    key: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Learning:
    """A window a volume rule could not judge yet: its baseline rests on too few comparable days."""

    rule: str
    subject: str
    window_start: str
    window_end: str
    value: int
    history: int
    needed: int


@dataclass
class Judgement:
    findings: list[Finding] = field(default_factory=list)
    learning: list[Learning] = field(default_factory=list)
    #: The last window judged per grain, so the next check starts after it.
    marks: dict[str, str] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """`value` as JSON can hold it: numpy numbers as Python ones, NaN as null, dates as ISO text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    return str(value)
