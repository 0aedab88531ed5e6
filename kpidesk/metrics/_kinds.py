"""Metric kinds: everything that varies with how a metric is summarised, in one object per kind.

`Metric.kind` names one of `KINDS`. The engine asks the kind for the aggregations of a sample, turns the
aggregated numbers into a value and interval with it, compares two results with its difference interval
and prints values with its `format_value`; nothing else branches on the kind's name.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from kpidesk.metrics._differences import (
    Interval,
    newcombe_interval,
    nps_difference_interval,
    poisson_difference_interval,
    poisson_rate_difference_interval,
    quantile_difference_interval,
    ratio_difference_interval,
    welch_interval,
)
from kpidesk.metrics._projection import (
    Projection,
    count_projection,
    quantile_projection,
    share_projection,
)
from kpidesk.metrics._stats import (
    mean_interval,
    nps_interval,
    poisson_rate_interval,
    ratio_interval,
    ratio_standard_error,
    wilson_interval,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["KINDS", "Estimate", "MetricKind", "format_quantity", "get_kind"]

Limits = tuple[float | None, float | None]


@dataclass(frozen=True)
class Estimate:
    """A result's value and confidence bounds, from one group's aggregated numbers; `standard_error` for
    the kinds whose difference interval needs it (ratios of sums)."""

    value: float | None
    low: float | None
    high: float | None
    standard_error: float | None = None


class MetricKind(ABC):
    """How one kind of metric is summarised, bounded, compared and read.

    A kind answers, for every metric of its kind:

    - `aggregations`: the engine's aggregation expressions over a sample (always `n`, then the counts,
      sums, moments or order statistics its value comes from);
    - `estimate`: the value and its confidence interval from one group's aggregated numbers;
    - `difference_interval`: the interval of the difference of two results (see `_differences`);
    - `statistic`, `reported_statistic` and `limits`: what it reports and the values it can take;
    - `format_value` and `format_record`: how a value, and one record behind it, read as text;
    - `volume`, `standard_error` and `project`: how much data a value stands on, and where a period's
      value will end when more of it comes (see `_projection`), for targets.
    """

    name: ClassVar[str]
    #: The statistic a result reports (a duration's is part of its metric's definition).
    statistic: ClassVar[str]
    #: How the kind is summarised, as docs/metrics.md says it.
    summary: ClassVar[str]
    #: Whether `--stat` chooses the statistic (median, mean, pNN): durations only.
    chooses_statistic: ClassVar[bool] = False
    #: Whether `n` counts every unit of the sample, with or without a value.
    counts_every_unit: ClassVar[bool] = False
    #: Whether the value is the number of units itself, so that days compare by their mean count per day.
    value_is_count: ClassVar[bool] = False
    #: Whether the value is a sum over an exposure (hours, heads, staffed time), so that each record
    #: carries a numerator and a denominator rather than the value itself.
    per_exposure: ClassVar[bool] = False
    #: Whether `estimate` gives a standard error, kept as the `se` summary column.
    has_standard_error: ClassVar[bool] = False
    #: Whether the value is the share `k / n` of units that succeeded, so that a target on it has an
    #: error budget of units allowed to miss.
    counts_successes: ClassVar[bool] = False

    @abstractmethod
    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        """Per group: `n`, the number of units with a value, and the numbers its value comes from."""

    @abstractmethod
    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        """The value and interval of one group from its `aggregations` (a quantile's as `quantile`,
        `ci_low`, `ci_high`)."""

    @abstractmethod
    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        """The interval of first − second, two rows with `value`, `n` and the summary columns."""

    def reported_statistic(self, default_stat: str) -> str:
        """The statistic a metric of this kind reports when none is asked for."""
        return self.statistic

    def volume(self, row: Mapping[str, Any]) -> float:
        """How much data a result stands on, in the unit further data is expected in: its units."""
        return _count(row)

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        """The standard error of a result's value, from its summary columns (None when unknown)."""
        return None

    def project(
        self,
        row: Mapping[str, Any],
        quantile: float | None,
        more: float,
        confidence: float,
        ordered: Sequence[float] = (),
    ) -> Projection:
        """The end-of-period value of a result so far when `more` volume is still expected, with its
        prediction interval: a share's by default (see `_projection.share_projection`)."""
        value, se = _number(row, "value"), self.standard_error(row)
        if value is None or se is None:
            return Projection(value, None, None)
        limits = self.limits(str(row.get("unit", "")))
        return share_projection(value, se, self.volume(row), more, confidence, limits)

    def limits(self, unit: str) -> Limits:
        """The values a metric of this kind in `unit` can take: no interval bound reaches past them (a
        mean wait stops at 0 s, a QA score at 0 and 100). Survey scores keep their survey's own scale."""
        return _UNIT_LIMITS.get(unit, (0.0, None))

    def format_value(self, value: Any, unit: str) -> str:
        """A value (or an interval bound, or a change) in `unit` as text; "—" when there is none."""
        return format_quantity(value, unit)

    def format_record(self, value: Any, unit: str) -> str:
        """The value of one record behind a result (see `metric_records`) as text."""
        return self.format_value(value, unit)


class Count(MetricKind):
    """Units counted in the period: no interval of its own; a difference is of two Poisson counts."""

    name = "count"
    statistic = "count"
    summary = "a count; no interval"
    counts_every_unit = True
    value_is_count = True

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {"n": t.count()}

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        return Estimate(float(int(row["n"])), None, None)

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        return poisson_difference_interval(
            _number(first, "value") or 0.0, _number(second, "value") or 0.0, confidence
        )

    def format_value(self, value: Any, unit: str) -> str:
        return "—" if _missing(value) else _whole(float(value))

    def project(
        self,
        row: Mapping[str, Any],
        quantile: float | None,
        more: float,
        confidence: float,
        ordered: Sequence[float] = (),
    ) -> Projection:
        """The count so far plus the units still expected (see `_projection.count_projection`)."""
        return count_projection(_count(row), more, confidence)


class Proportion(MetricKind):
    """The share of units whose value is true, with a Wilson interval."""

    name = "proportion"
    statistic = "rate"
    summary = "a fraction in [0, 1] with a Wilson interval"
    counts_successes = True

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {"n": t.value.count(), "k": t.value.cast("int64").sum()}

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        n = int(row["n"])
        k = _number(row, "k") or 0.0
        return Estimate(k / n if n else None, *wilson_interval(k, n, confidence))

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        n, k = _count(row), _number(row, "k")
        if not n or k is None:
            return None
        share = k / n
        return math.sqrt(share * (1 - share) / n)

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        k1, k2 = _number(first, "k"), _number(second, "k")
        if k1 is None or k2 is None:
            return None, None
        return newcombe_interval(k1, _count(first), k2, _count(second), confidence)

    def limits(self, unit: str) -> Limits:
        return 0.0, 1.0

    def format_value(self, value: Any, unit: str) -> str:
        return "—" if _missing(value) else _percent(float(value))

    def format_record(self, value: Any, unit: str) -> str:
        """A record's success: yes or no."""
        if _missing(value):
            return "—"
        return "yes" if value else "no"


class NetPromoterScore(MetricKind):
    """% promoters minus % detractors, a score from −100 to +100, from per-response values +1, 0, −1."""

    name = "nps"
    statistic = "score"
    summary = "a score from −100 to +100: % promoters minus % detractors, with the NPS normal interval"

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {
            "n": t.value.count(),
            "promoters": (t.value > 0).cast("int64").sum(),
            "detractors": (t.value < 0).cast("int64").sum(),
        }

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        n = int(row["n"])
        promoters, detractors = _number(row, "promoters") or 0.0, _number(row, "detractors") or 0.0
        low, high = nps_interval(promoters, detractors, n, confidence)
        return Estimate(
            100 * (promoters - detractors) / n if n else None,
            None if low is None else 100 * low,
            None if high is None else 100 * high,
        )

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        """Of the mean of per-response values +1, 0, −1, in score points."""
        n = _count(row)
        promoters, detractors = _number(row, "promoters"), _number(row, "detractors")
        if not n or promoters is None or detractors is None:
            return None
        variance = (promoters + detractors) / n - ((promoters - detractors) / n) ** 2
        return 100 * math.sqrt(max(variance, 0.0) / n)

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        if (parts := _pairs(first, second, "promoters", "detractors")) is None:
            return None, None
        p1, d1, p2, d2 = parts
        low, high = nps_difference_interval(p1, d1, _count(first), p2, d2, _count(second), confidence)
        # NPS reads as a score from −100 to +100, so its change is in the same points.
        return (None, None) if low is None or high is None else (100 * low, 100 * high)

    def limits(self, unit: str) -> Limits:
        return -100.0, 100.0

    def format_value(self, value: Any, unit: str) -> str:
        return "—" if _missing(value) else _signed(float(value))

    def format_record(self, value: Any, unit: str) -> str:
        """A response's part in the score: +1 (promoter), 0 or −1 (detractor)."""
        if _missing(value):
            return "—"
        return {1.0: "+1", 0.0: "0", -1.0: "−1"}.get(float(value), str(value))


class Rate(MetricKind):
    """Events per unit of exposure (staffed hours, average headcount), with the exact Poisson interval."""

    name = "rate"
    statistic = "rate"
    summary = "events per unit of exposure (staffed hour, average head) with an exact Poisson interval"
    per_exposure = True

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {"n": t.value.count(), "k": t.value.sum(), "exposure": t.exposure.sum()}

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        k, exposure = _number(row, "k") or 0.0, _number(row, "exposure") or 0.0
        low, high = poisson_rate_interval(k, exposure, confidence)
        return Estimate(k / exposure if exposure > 0 else None, low, high)

    def volume(self, row: Mapping[str, Any]) -> float:
        """Exposure (staffed hours, average heads): what further events are expected over."""
        return _number(row, "exposure") or 0.0

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        """√k / exposure: the Poisson count's error spread over its exposure."""
        k, exposure = _number(row, "k"), _number(row, "exposure")
        if k is None or not exposure:
            return None
        return math.sqrt(k) / exposure

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        if (parts := _pairs(first, second, "k", "exposure")) is None:
            return None, None
        return poisson_rate_difference_interval(*parts, confidence)


class RateComplement(Rate):
    """1 − a rate (retention from attrition), with the rate's interval mirrored."""

    name = "rate_complement"
    summary = "1 − a rate, with the rate's interval mirrored"

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        rate = super().estimate(row, quantile, confidence)
        return Estimate(
            None if rate.value is None else 1 - rate.value,
            None if rate.high is None else 1 - rate.high,
            None if rate.low is None else 1 - rate.low,
        )

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        low, high = super().difference_interval(stat, first, second, confidence)
        return (-high, -low) if low is not None and high is not None else (low, high)

    def limits(self, unit: str) -> Limits:
        return 0.0, 1.0

    def format_value(self, value: Any, unit: str) -> str:
        return "—" if _missing(value) else _percent(float(value))


class RatioOfSums(MetricKind):
    """Σvalue / Σexposure over units (occupancy over agent-days), with the ratio estimator's t interval."""

    name = "ratio"
    statistic = "ratio"
    summary = "a ratio of sums over units (agent-days) with a ratio-estimator t interval"
    counts_every_unit = True
    per_exposure = True
    has_standard_error = True

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {
            "n": t.count(),
            "sum_y": t.value.sum(),
            "sum_x": t.exposure.sum(),
            "sum_yy": (t.value * t.value).sum(),
            "sum_xx": (t.exposure * t.exposure).sum(),
            "sum_xy": (t.value * t.exposure).sum(),
        }

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        n = int(row["n"])
        y, x, yy, xx, xy = (_number(row, c) or 0.0 for c in ("sum_y", "sum_x", "sum_yy", "sum_xx", "sum_xy"))
        low, high = ratio_interval(y, x, yy, xx, xy, n, confidence)
        return Estimate(y / x if x > 0 else None, low, high, ratio_standard_error(y, x, yy, xx, xy, n))

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        return _number(row, "se")

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        if (parts := _pairs(first, second, "value", "se")) is None:
            return None, None
        r1, se1, r2, se2 = parts
        return ratio_difference_interval(r1, se1, _count(first), r2, se2, _count(second), confidence)


class Mean(MetricKind):
    """A mean per unit (replies per ticket, a QA score), with a Student-t interval."""

    name = "mean"
    statistic = "mean"
    summary = "a mean per unit with a t interval"

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        return {"n": t.value.count(), "mean": t.value.mean(), "std": t.value.std()}

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        mean = _number(row, "mean")
        return Estimate(mean, *mean_interval(mean, _number(row, "std"), int(row["n"]), confidence))

    def standard_error(self, row: Mapping[str, Any]) -> float | None:
        n, std = _count(row), _number(row, "std")
        if not n or std is None:
            return None
        return std / math.sqrt(n)

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        if (parts := _pairs(first, second, "mean", "std")) is None:
            return None, None
        m1, s1, m2, s2 = parts
        return welch_interval(m1, s1, _count(first), m2, s2, _count(second), confidence)


class Duration(Mean):
    """Seconds (or days) between two instants: the mean with a t interval, or a median or any percentile
    with its distribution-free order-statistic interval. `--stat` chooses; each metric has a default."""

    name = "duration"
    statistic = "median"
    summary = (
        "a duration in its unit (seconds: calendar or business): mean, median, p90 or any pNN "
        "with n; order-statistic interval for percentiles, t interval for the mean"
    )
    chooses_statistic = True

    def aggregations(self, t: ir.Table, quantiles: Sequence[float] = ()) -> dict[str, ir.Value]:
        """With `quantiles`, also each quantile `i` as `quantile_i` and the group's sorted values as
        `ordered`, from which the order-statistic bounds are picked."""
        aggs = super().aggregations(t)
        for i, q in enumerate(quantiles):
            aggs[f"quantile_{i}"] = t.value.quantile(q)
        if quantiles:
            aggs["ordered"] = t.value.collect().sort()
        return aggs

    def estimate(self, row: Mapping[str, Any], quantile: float | None, confidence: float) -> Estimate:
        if quantile is None:
            return super().estimate(row, quantile, confidence)
        return Estimate(_number(row, "quantile"), _number(row, "ci_low"), _number(row, "ci_high"))

    def difference_interval(
        self, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
    ) -> Interval:
        """Welch for the mean; for a percentile, rows also carry `q_low` and `q_high`, its order-statistic
        bounds at `joint_confidence(confidence)`."""
        if stat == "mean":
            return super().difference_interval(stat, first, second, confidence)
        first_low, first_high = _number(first, "q_low"), _number(first, "q_high")
        return quantile_difference_interval(
            first_low, first_high, _number(second, "q_low"), _number(second, "q_high")
        )

    def reported_statistic(self, default_stat: str) -> str:
        return default_stat

    def project(
        self,
        row: Mapping[str, Any],
        quantile: float | None,
        more: float,
        confidence: float,
        ordered: Sequence[float] = (),
    ) -> Projection:
        """The mean's as a share; a percentile's from the values so far, `ordered` ascending (see
        `_projection.quantile_projection`)."""
        if quantile is None:
            return super().project(row, quantile, more, confidence, ordered)
        value = _number(row, "value")
        if value is None:
            return Projection(None, None, None)
        return quantile_projection(value, ordered, quantile, more, confidence)


#: Every metric kind by name.
KINDS: dict[str, MetricKind] = {
    k.name: k
    for k in (
        Count(),
        Proportion(),
        Duration(),
        Mean(),
        RatioOfSums(),
        NetPromoterScore(),
        Rate(),
        RateComplement(),
    )
}


def get_kind(name: str) -> MetricKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown metric kind {name!r}; expected one of: {', '.join(KINDS)}") from None


def format_quantity(value: Any, unit: str) -> str:
    """A number in `unit` as text: ratios as percentages, seconds in the largest fitting unit (s, min, h,
    d), counts of things as whole numbers; "—" when there is none."""
    if _missing(value):
        return "—"
    return _UNIT_TEXT.get(unit, _decimal)(float(value))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(row: Mapping[str, Any], column: str) -> float | None:
    """A float from an engine value, None for SQL NULL (None, NaN, pandas' NA) or a missing column."""
    value = row.get(column)
    if value is None:
        return None
    try:
        number = float(value)
    except TypeError:
        return None
    return None if math.isnan(number) else number


def _count(row: Mapping[str, Any]) -> float:
    return _number(row, "n") or 0.0


def _pairs(
    first: Mapping[str, Any], second: Mapping[str, Any], a: str, b: str
) -> tuple[float, float, float, float] | None:
    """(first[a], first[b], second[a], second[b]), or None when any of them is missing."""
    values = (_number(first, a), _number(first, b), _number(second, a), _number(second, b))
    if values[0] is None or values[1] is None or values[2] is None or values[3] is None:
        return None
    return values[0], values[1], values[2], values[3]


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _decimal(value: float) -> str:
    return f"{value:.2f}"


def _days(value: float) -> str:
    return f"{value:,.1f} d"


def _seconds(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s"


_UNIT_TEXT = {
    "ratio": _percent,
    "NPS points": _signed,
    "seconds": _seconds,
    "days": _days,
    "tickets": _whole,
    "calls": _whole,
    "agents": _whole,
}
_UNIT_LIMITS: dict[str, Limits] = {"points": (0.0, 100.0), "score": (None, None)}
