"""Where a period's value will end: the value so far projected over the volume still expected, with a
prediction interval (not a confidence interval: it also holds the randomness of the records to come).

Three shapes cover every metric kind (each kind picks one in `MetricKind.project`):

- a **count** adds the expected further units; with C counted so far and m expected, the final count is
  C + m with variance m (1 + m / C): Poisson noise of the units to come plus the uncertainty of the pace
  they were projected from (m = C · r / e for r open seconds ahead and e behind);
- a **share** (a rate, a mean, a score, a ratio) keeps its value so far; with v units (or exposure) so far,
  its standard error se and m more expected, the final value has standard deviation se · √(m / (v + m)) —
  the m new units' own noise and the uncertainty of the level they are drawn at, weighted by their share;
- a **percentile** q keeps its value so far; the share of the final records at or below a value has the
  same standard deviation √(q (1 − q) m / (v (v + m))), and the bounds are the values so far at ranks
  ⌈v (q ∓ z · sd)⌉.

With nothing more expected (a period that has ended) every interval closes on the value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import ndtri

__all__ = ["Projection", "count_projection", "quantile_projection", "share_projection"]


@dataclass(frozen=True)
class Projection:
    """The projected end-of-period value and its prediction interval (None where it cannot be told)."""

    value: float | None
    low: float | None
    high: float | None


def _z(confidence: float) -> float:
    return float(ndtri(0.5 + confidence / 2))


def _clip(value: float, limits: tuple[float | None, float | None]) -> float:
    floor, ceiling = limits
    if floor is not None:
        value = max(floor, value)
    if ceiling is not None:
        value = min(ceiling, value)
    return value


def count_projection(count: float, more: float, confidence: float) -> Projection:
    """A count so far plus `more` expected units: C + m ± z √(m (1 + m / C)); √m alone when nothing has
    been counted yet (the pace then comes from elsewhere and its own error is not known here)."""
    variance = more * (1 + more / count) if count > 0 else more
    spread = _z(confidence) * math.sqrt(variance)
    final = count + more
    return Projection(final, max(count, final - spread), final + spread)


def share_projection(
    value: float,
    standard_error: float,
    volume: float,
    more: float,
    confidence: float,
    limits: tuple[float | None, float | None] = (None, None),
) -> Projection:
    """A value so far with standard error `standard_error` over `volume`, and `more` volume expected:
    value ± z · se · √(m / (v + m)), kept within the metric's `limits`."""
    if volume <= 0:
        return Projection(value, None, None)
    spread = _z(confidence) * standard_error * math.sqrt(more / (volume + more))
    return Projection(value, _clip(value - spread, limits), _clip(value + spread, limits))


def quantile_projection(
    value: float, ordered: Sequence[float], quantile: float, more: float, confidence: float
) -> Projection:
    """A percentile `quantile` whose values so far are `ordered` (ascending), with `more` records
    expected: the values so far at ranks ⌈v (q ∓ z · sd)⌉, sd = √(q (1 − q) m / (v (v + m)))."""
    v = len(ordered)
    if v == 0:
        return Projection(value, None, None)
    if more <= 0:
        return Projection(value, value, value)
    sd = math.sqrt(quantile * (1 - quantile) * more / (v * (v + more)))
    spread = _z(confidence) * sd

    def at(share: float) -> float:
        rank = min(v, max(1, math.ceil(v * share - 1e-9)))
        return float(ordered[rank - 1])

    return Projection(value, min(value, at(quantile - spread)), max(value, at(quantile + spread)))
