"""The biggest movers of a report and what drove each: which team, channel or category contributed most to
a headline metric's change against the period before, split into "more tickets" and "a different rate".

A rate or a mean over the whole scope is the n-weighted mean of its members' values: V = Σ_g w_g·r_g, with
w_g = n_g / Σ n the member's share of the units and r_g its own value. Between the earlier period (0) and
the report's (1), with R0 the earlier value of the whole scope,

    ΔV = Σ_g (w1_g − w0_g)·(r0_g − R0)   mix:  "more tickets" — the member's share moved
       + Σ_g w1_g·(r1_g − r0_g)          rate: "a different rate" — the member's own value moved

exactly (Σ_g w1_g = Σ_g w0_g = 1, so subtracting R0 changes no total; it makes a member's mix part say
whether its growing share pulled the value up or down — a member above the average that grows raises it).
A member present in one period only takes its other period's value as r, so all of its part is mix.
A count (volume, solved, backlog) is the sum of its members' counts: a member's part is its own count's
change, all of it "more tickets".

Medians and percentiles do not decompose: the median of the whole is no weighted mean of the members'
medians. Their drivers use the members' medians as r_g and are marked `approximate`: they add up to the
change of the n-weighted mean of the members' medians, not to the change of the median, and say only
which members moved most. Rates over an exposure (per staffed hour, per head) and ratios of sums weigh
their members by exposure, which the results do not carry: they are not decomposed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from kpidesk.metrics import get_metric, number_or_none
from kpidesk.views import Card, scope_rows

__all__ = [
    "DECOMPOSITIONS",
    "DRIVERS_PER_DIMENSION",
    "Driver",
    "MemberValue",
    "Mover",
    "Scope",
    "decomposition_of",
    "find_movers",
    "split_change",
]

#: How many members of each dimension a mover lists, largest |change| first.
DRIVERS_PER_DIMENSION = 3
#: A change of a fraction is told in percentage points (`pp`): 100 × the difference of the fractions.
_POINTS = {"pp": 100.0}


@dataclass(frozen=True)
class Driver:
    """One member's share of a metric's change between the compared periods, split into the part that
    comes from its share of tickets moving (`mix`, "more tickets") and from its own value moving (`rate`,
    "a different rate"); `change` = `mix` + `rate`, in the unit of the mover's change (percentage points
    for a rate). `small_sample`: the member's n is too small in either period to read much into it."""

    dimension: str
    member: str
    change: float
    mix: float
    rate: float
    small_sample: bool = False


@dataclass(frozen=True)
class Mover:
    """A headline metric that moved, and the members of each dimension that moved it most.

    `significant` is False for the one metric shown when no change is significant (the largest relative
    change). `decomposition` says how far the drivers add up: `exact` (each dimension's members sum to
    `change`), `approximate` (medians and percentiles, see the module) or `none` (no drivers)."""

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
    decomposition: str = "exact"


@dataclass(frozen=True)
class MemberValue:
    """One member's value of a metric over one period, with the units it stands on."""

    value: float | None
    n: int
    small_sample: bool = False

    @property
    def present(self) -> bool:
        return self.n > 0 and self.value is not None


class _Decomposition:
    """How one kind of metric's change splits over members; `name` says how exactly (see the module)."""

    name = "none"

    def split(
        self, before: Mapping[str, MemberValue], after: Mapping[str, MemberValue]
    ) -> dict[str, tuple[float, float]]:
        """Each member's (mix, rate) parts of the change."""
        return {}


class _Sums(_Decomposition):
    """A count: each member's part is its own count's change, all of it from more (or fewer) tickets."""

    name = "exact"

    def split(
        self, before: Mapping[str, MemberValue], after: Mapping[str, MemberValue]
    ) -> dict[str, tuple[float, float]]:
        earlier, later = _present(before), _present(after)
        return {m: (_value(later.get(m)) - _value(earlier.get(m)), 0.0) for m in _members(earlier, later)}


class _WeightedMeans(_Decomposition):
    """A rate or a mean: the mix/rate split of the module's formula."""

    def __init__(self, name: str) -> None:
        self.name = name

    def split(
        self, before: Mapping[str, MemberValue], after: Mapping[str, MemberValue]
    ) -> dict[str, tuple[float, float]]:
        earlier, later = _present(before), _present(after)
        if not earlier or not later:
            return {}
        n0, n1 = sum(v.n for v in earlier.values()), sum(v.n for v in later.values())
        whole0 = sum(v.n * _value(v) for v in earlier.values()) / n0
        parts = {}
        for member in _members(earlier, later):
            old, new = earlier.get(member), later.get(member)
            # A member of one period only takes its other period's value: all of its part is mix.
            r0 = _value(old if old is not None else new)
            r1 = _value(new if new is not None else old)
            w0 = old.n / n0 if old is not None else 0.0
            w1 = new.n / n1 if new is not None else 0.0
            parts[member] = ((w1 - w0) * (r0 - whole0), w1 * (r1 - r0))
        return parts


def _value(member: MemberValue | None) -> float:
    return float(member.value) if member is not None and member.value is not None else 0.0


def _present(side: Mapping[str, MemberValue]) -> dict[str, MemberValue]:
    return {m: v for m, v in side.items() if v.present}


def _members(before: Mapping[str, MemberValue], after: Mapping[str, MemberValue]) -> list[str]:
    return list(dict.fromkeys([*before, *after]))


_EXACT = _WeightedMeans("exact")
#: The decomposition of each metric kind (durations: by statistic, see `decomposition_of`).
DECOMPOSITIONS: dict[str, _Decomposition] = {
    "count": _Sums(),
    "proportion": _EXACT,
    "mean": _EXACT,
    "nps": _EXACT,
    "rate": _Decomposition(),
    "rate_complement": _Decomposition(),
    "ratio": _Decomposition(),
}
_DURATION_STATISTICS: dict[str, _Decomposition] = {"mean": _EXACT}
_QUANTILES = _WeightedMeans("approximate")


def decomposition_of(metric: str, stat: str) -> _Decomposition:
    """How `metric`'s `stat` decomposes: a duration's mean exactly, its median and percentiles only
    approximately; every other kind as `DECOMPOSITIONS` says."""
    kind = get_metric(metric).kind
    if kind == "duration":
        return _DURATION_STATISTICS.get(stat, _QUANTILES)
    return DECOMPOSITIONS.get(kind, _Decomposition())


def split_change(
    dimension: str,
    before: Mapping[str, MemberValue],
    after: Mapping[str, MemberValue],
    *,
    metric: str,
    stat: str,
    scale: float = 1.0,
) -> tuple[Driver, ...]:
    """Every member's part of `metric`'s change from `before` to `after` (member → value), largest |change|
    first, times `scale` (100 for a change in percentage points). A member is flagged `small_sample` when
    its n is too small in either period."""
    parts = decomposition_of(metric, stat).split(before, after)
    drivers = [
        Driver(
            dimension=dimension,
            member=member,
            change=(mix + rate) * scale,
            mix=mix * scale,
            rate=rate * scale,
            small_sample=any(side.get(member, _ABSENT).small_sample for side in (before, after)),
        )
        for member, (mix, rate) in parts.items()
    ]
    return tuple(sorted(drivers, key=lambda d: (-abs(d.change), d.member)))


_ABSENT = MemberValue(None, 0)


@dataclass(frozen=True)
class Scope:
    """Whose numbers a report is about: the organisation, one team, or one agent."""

    team: str | None = None
    agent: str | None = None

    @property
    def by(self) -> list[str]:
        return ["agent"] if self.agent is not None else (["team"] if self.team is not None else [])

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions a mover is decomposed by: by team only for the organisation (a team's report has
        one team; an agent's must reveal no colleague), never by agent."""
        return ("team", "channel", "category") if not self.by else ("channel", "category")

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        return scope_rows(frame, self.team, self.agent)


def find_movers(
    workspace: Any,
    cards: Sequence[Card],
    scope: Scope,
    *,
    start: date,
    end: date,
    compare_from: date,
    compare_to: date,
    business_hours: bool,
) -> tuple[Mover, ...]:
    """The headline metrics whose change is significant, largest relative change first — or, when none
    is, the one with the largest relative change (its `significant` is then False) — each with its top
    `DRIVERS_PER_DIMENSION` drivers per dimension of `scope`."""
    moved = [c for c in cards if c.value is not None and c.compare_value is not None and c.change is not None]
    chosen = sorted((c for c in moved if c.significant), key=_relative_change, reverse=True)
    if not chosen and moved:
        chosen = [max(moved, key=_relative_change)]
    if not chosen:
        return ()
    metrics = [c.metric for c in chosen]
    groups = {
        dimension: (
            _members_of(workspace, scope, dimension, metrics, compare_from, compare_to, business_hours),
            _members_of(workspace, scope, dimension, metrics, start, end, business_hours),
        )
        for dimension in scope.dimensions
    }
    movers = []
    for card in chosen:
        decomposition = decomposition_of(card.metric, card.stat)
        drivers: list[Driver] = []
        for dimension, (before, after) in groups.items():
            earlier, later = before.get(card.metric, {}), after.get(card.metric, {})
            if len({*earlier, *later}) < 2:
                continue
            every = split_change(
                dimension,
                earlier,
                later,
                metric=card.metric,
                stat=card.stat,
                scale=_POINTS.get(card.change_unit or "", 1.0),
            )
            drivers.extend(every[:DRIVERS_PER_DIMENSION])
        movers.append(
            Mover(
                metric=card.metric,
                stat=card.stat,
                unit=card.unit,
                direction=card.direction,
                value=float(card.value or 0.0),
                previous=float(card.compare_value or 0.0),
                change=float(card.change or 0.0),
                change_unit=card.change_unit,
                significant=bool(card.significant),
                drivers=tuple(drivers),
                decomposition=decomposition.name,
            )
        )
    return tuple(movers)


def _relative_change(card: Card) -> float:
    previous, value = card.compare_value or 0.0, card.value or 0.0
    if previous == 0:
        return float("inf") if value != previous else 0.0
    return abs((value - previous) / previous)


def _members_of(
    workspace: Any,
    scope: Scope,
    dimension: str,
    metrics: Sequence[str],
    start: date,
    end: date,
    business_hours: bool,
) -> dict[str, dict[str, MemberValue]]:
    """metric → member of `dimension` → its value over `start`–`end`, within `scope`. A unit without the
    dimension's value is the member "" (no team, no channel…)."""
    import kpidesk

    frame = kpidesk.kpis(
        workspace,
        metrics=list(metrics),
        by=[*scope.by, dimension],
        period="all",
        start=start,
        end=end,
        business_hours=business_hours,
    )
    out: dict[str, dict[str, MemberValue]] = {}
    for record in scope.rows(frame).to_dict(orient="records"):
        member = record.get(dimension)
        name = "" if member is None or (isinstance(member, float) and pd.isna(member)) else str(member)
        out.setdefault(str(record["metric"]), {})[name] = MemberValue(
            value=number_or_none(record.get("value")),
            n=int(number_or_none(record.get("n")) or 0),
            small_sample=bool(record.get("small_sample") is True),
        )
    return out
