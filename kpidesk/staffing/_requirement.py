"""The fewest agents that meet a staffing target, and what a given number of agents achieves.

A target combines any of: a service level SL(T) ("80/20": 80% of calls answered within 20 seconds), a
longest ASA, a highest abandonment share and an occupancy cap. Every one of them improves as agents are
added, so the answer is the smallest n meeting all of them. For Erlang C the search starts at
floor(A) + 1, the fewest agents with a finite queue (starting at round(A + 1) instead, as some tools do,
skips floor(A) + 1 whenever A's fraction is .5 or more, and overstaffs when that number already meets the
target). Erlang A is stable with any number of agents, so its search starts at one.

Shrinkage is the share of paid time agents are not available for calls (breaks, training, absence):
`scheduled = ceil(required / (1 − shrinkage))`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kpidesk import InvalidRequest
from kpidesk.staffing._erlang import QueueFigures, erlang_a, erlang_c, offered_traffic

__all__ = [
    "MODELS",
    "Requirement",
    "StaffingTarget",
    "evaluate_agents",
    "parse_interval",
    "parse_target",
    "required_agents",
    "required_agents_erlang_c",
    "scheduled_agents",
]

MODELS = ("erlang-c", "erlang-a")
#: Beyond this many agents over the traffic, a target is taken to be out of reach.
_SEARCH_MARGIN = 10_000


@dataclass(frozen=True)
class StaffingTarget:
    """What an interval must achieve; None leaves a criterion out. Rates are fractions, times seconds."""

    service_level: float | None = None
    threshold_s: float = 20.0
    max_asa_s: float | None = None
    max_abandonment: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise InvalidRequest("the service level target must lie between 0% and 100%, both excluded")
        if self.threshold_s < 0:
            raise InvalidRequest("the service level's answer time cannot be negative")
        if self.max_asa_s is not None and self.max_asa_s <= 0:
            raise InvalidRequest("the longest ASA must be more than 0 seconds")
        if self.max_abandonment is not None and not 0 < self.max_abandonment < 1:
            raise InvalidRequest("the highest abandonment must lie between 0% and 100%, both excluded")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise InvalidRequest("the occupancy cap must lie above 0% and at most 100%")
        if all(
            v is None for v in (self.service_level, self.max_asa_s, self.max_abandonment, self.max_occupancy)
        ):
            raise InvalidRequest(
                "give at least one target: a service level, an ASA, an abandonment or an occupancy cap"
            )

    def met_by(self, figures: QueueFigures) -> bool:
        """Whether `figures` meet every criterion of the target."""
        if not figures.stable:
            return False
        return (
            (self.service_level is None or figures.service_level >= self.service_level)
            and (self.max_asa_s is None or figures.asa <= self.max_asa_s)
            and (self.max_abandonment is None or figures.abandonment <= self.max_abandonment)
            and (self.max_occupancy is None or figures.occupancy <= self.max_occupancy)
        )


@dataclass(frozen=True)
class Requirement:
    """The agents an interval needs on the phones (`figures.agents`) and to schedule."""

    figures: QueueFigures
    scheduled: int
    shrinkage: float


_TARGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$")


def parse_target(text: str) -> tuple[float, float]:
    """ "80/20" (or "80%/20s") → (0.8, 20.0): the service level share and its answer time."""
    match = _TARGET.match(text)
    if not match:
        raise InvalidRequest(
            f"the target {text!r} is not PERCENT/SECONDS, e.g. 80/20 for 80% of calls answered "
            "within 20 seconds"
        )
    percent, seconds = float(match.group(1)), float(match.group(2))
    if not 0 < percent < 100:
        raise InvalidRequest(
            f"the target {text!r} asks for {percent:g}%; a service level lies between 0% and "
            "100%, both excluded"
        )
    return percent / 100, seconds


def parse_interval(text: str) -> float:
    """ "30m", "1h", "900s" or "30" (minutes) → seconds."""
    match = _INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InvalidRequest(f"the interval {text!r} is not a length such as 15m, 30m, 1h or 900s")
    value, unit = float(match.group(1)), match.group(2) or "m"
    return value * {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}[unit]


def _figures_for(
    model: str, patience_s: float | None
) -> Callable[[float, float, float, int, float], QueueFigures]:
    if model not in MODELS:
        raise InvalidRequest(f"unknown queueing model {model!r}; choose one of {', '.join(MODELS)}")
    if model == "erlang-c":
        return erlang_c
    if patience_s is None:
        raise InvalidRequest("Erlang A needs the callers' mean patience in seconds")

    def figures(
        calls: float, interval_s: float, aht_s: float, agents: int, threshold_s: float
    ) -> QueueFigures:
        return erlang_a(calls, interval_s, aht_s, agents, patience_s, threshold_s)

    return figures


def scheduled_agents(required: int, shrinkage: float) -> int:
    """Agents to schedule so that `required` remain on the phones after `shrinkage`."""
    if not 0 <= shrinkage < 1:
        raise InvalidRequest("shrinkage must lie between 0% (included) and 100% (excluded)")
    return math.ceil(required / (1 - shrinkage) - 1e-9)


def evaluate_agents(
    calls: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    threshold_s: float = 20.0,
    *,
    model: str = "erlang-c",
    patience_s: float | None = None,
) -> QueueFigures:
    """What `agents` agents on the phones achieve on one interval's load."""
    if agents < 0:
        raise InvalidRequest("the number of agents cannot be negative")
    return _figures_for(model, patience_s)(calls, interval_s, aht_s, agents, threshold_s)


def required_agents(
    calls: float,
    interval_s: float,
    aht_s: float,
    target: StaffingTarget,
    *,
    model: str = "erlang-c",
    patience_s: float | None = None,
    shrinkage: float = 0.0,
) -> Requirement:
    """The fewest agents meeting `target`, with their figures and the agents to schedule."""
    figures_at = _figures_for(model, patience_s)
    traffic = offered_traffic(calls, interval_s, aht_s)
    if calls == 0:
        figures = figures_at(calls, interval_s, aht_s, 0, target.threshold_s)
        return Requirement(figures, 0, shrinkage)
    known: dict[int, QueueFigures] = {}

    def meets(n: int) -> bool:
        known[n] = figures_at(calls, interval_s, aht_s, n, target.threshold_s)
        return target.met_by(known[n])

    lowest = math.floor(traffic) + 1 if model == "erlang-c" else 1
    limit = math.floor(traffic) + _SEARCH_MARGIN
    # Gallop from near the traffic (the answer is A + O(√A) agents) until the target flips, then halve
    # the last step: O(log n) evaluations. `failed` < answer ≤ `n` throughout the halving.
    n = max(lowest, math.floor(traffic))
    step = 1
    if meets(n):
        failed = n - 1
        while failed >= lowest and meets(failed):
            n, step = failed, step * 2
            failed = max(lowest - 1, n - step)
    else:
        failed = n
        while not meets(n := min(failed + step, limit)):
            if n >= limit:
                raise InvalidRequest(
                    f"no number of agents up to {limit} meets the target for {calls:g} calls "
                    f"of {aht_s:g} s in {interval_s:g} s"
                )
            failed, step = n, step * 2
    while n - failed > 1:
        middle = (failed + n) // 2
        if meets(middle):
            n = middle
        else:
            failed = middle
    return Requirement(known[n], scheduled_agents(n, shrinkage), shrinkage)


def required_agents_erlang_c(
    calls: np.ndarray, interval_s: float, aht_s: np.ndarray, target: StaffingTarget
) -> np.ndarray:
    """Erlang C requirements of many intervals at once (0 where there are no calls).

    One pass of the Erlang B recursion over n = 1, 2, … serves every interval: each takes the first n
    above its traffic that meets the target, so the cost is the largest requirement times the intervals.
    """
    calls = np.asarray(calls, dtype=np.float64)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), calls.shape)
    traffic = calls * aht / interval_s
    need = np.where(calls > 0, 0, -1).astype(np.int64)
    blocking = np.ones_like(traffic)
    pending = need == 0
    n = 0
    limit = int(np.floor(traffic.max(initial=0.0))) + _SEARCH_MARGIN
    while pending.any():
        n += 1
        if n > limit:
            raise InvalidRequest(f"no number of agents up to {limit} meets the target in some interval")
        blocking = traffic * blocking / (n + traffic * blocking)
        stable = pending & (n > traffic)
        if not stable.any():
            continue
        a, b, h = traffic[stable], blocking[stable], aht[stable]
        wait = n * b / (n - a * (1 - b))
        ok = np.ones(len(a), dtype=bool)
        if target.service_level is not None:
            ok &= 1 - wait * np.exp(-(n - a) * target.threshold_s / h) >= target.service_level
        if target.max_asa_s is not None:
            ok &= wait * h / (n - a) <= target.max_asa_s
        if target.max_occupancy is not None:
            ok &= a / n <= target.max_occupancy
        done = np.flatnonzero(stable)[ok]
        need[done] = n
        pending[done] = False
    return np.maximum(need, 0)
