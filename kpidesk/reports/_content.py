"""What a report says, before it is rendered: the headline KPIs of its audience over its period, the
targets that concern that audience, the biggest movers and what drove them, and the weekly trend. It only
collects numbers computed by `kpidesk.kpis` and `kpidesk.targets_status`; rendering is elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpidesk.reports._definition import ReportAudience
from kpidesk.reports._period import ReportPeriod
from kpidesk.views import Card

__all__ = ["Driver", "Mover", "ReportContent", "TrendPoint"]


@dataclass(frozen=True)
class Driver:
    """One member's share of a metric's change between the compared periods, split into the part that
    comes from its share of tickets moving (`mix`, "more tickets") and from its own value moving (`rate`,
    "a different rate"); `change` = `mix` + `rate`."""

    dimension: str
    member: str
    change: float
    mix: float
    rate: float


@dataclass(frozen=True)
class Mover:
    """A headline metric that moved, and the members of each dimension that moved it most."""

    metric: str
    stat: str
    unit: str
    direction: str
    value: float
    previous: float
    change: float
    change_unit: str | None
    significant: bool | None
    drivers: tuple[Driver, ...]


@dataclass(frozen=True)
class TrendPoint:
    """One week's value of a headline metric, for the report's charts."""

    metric: str
    period_start: date
    period_end: date
    value: float | None
    n: int
    partial: bool


@dataclass(frozen=True)
class ReportContent:
    """Everything one rendering of a report shows, for one audience (and one agent of an agents' report)."""

    title: str
    language: str
    audience: ReportAudience
    #: The agent of an agents' report, and their name.
    member: str | None
    member_name: str | None
    period: ReportPeriod
    compare_from: date | None
    compare_to: date | None
    #: The data's last day; the period is partial when it ends later.
    data_up_to: date | None
    business_hours: bool
    cards: tuple[Card, ...]
    #: Rows of `kpidesk.targets_status` that concern the audience.
    targets: tuple[Mapping[str, Any], ...]
    movers: tuple[Mover, ...]
    trend: tuple[TrendPoint, ...]
