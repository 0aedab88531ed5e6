"""A baseline and a suggested target from a scope's own history: what `kpidesk targets suggest` prints.

A target a team has already reached in its better periods is attainable; one it reached in its best is a
stretch. Both come from the scope's complete periods (those the data covers entirely and that ended before
the day of the suggestion), never from other teams, so that a target is measured against what the same
people did under the same definitions. docs/targets.md gives the exact rules.
"""

from __future__ import annotations

import difflib
import math
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics import (
    DIMENSIONS,
    KpiQuery,
    KpiTables,
    Metric,
    compute_kpis,
    get_metric,
    number_or_none,
    parse_stat,
)
from kpidesk.targets._file import DIRECTIONS, TARGET_PERIODS
from kpidesk.targets._guardrails import counter_metrics
from kpidesk.workspace import Settings

__all__ = [
    "BASELINE_PERIODS",
    "HISTORY_PERIODS",
    "MIN_PERIODS",
    "Baseline",
    "PeriodValue",
    "Suggestion",
    "period_label",
    "suggest_target",
]

#: How many of the last complete periods the baseline spans.
BASELINE_PERIODS = 3
#: How many of the last complete periods the proposal reads at most.
HISTORY_PERIODS = 12
#: The fewest usable periods a proposal needs.
MIN_PERIODS = 3
#: From this many usable periods on, the stretch is the 90th percentile rather than the best period.
_PERCENTILE_STRETCH_FROM = 10
#: The quantile in the good direction each proposal reads (mirrored for metrics where lower is better).
_ATTAINABLE_QUANTILE = 0.75
_STRETCH_QUANTILE = 0.9

_PERIOD_LABELS: dict[str, Callable[[date], str]] = {
    "day": lambda d: d.isoformat(),
    "week": lambda d: d.isoformat(),
    "month": lambda d: f"{d:%Y-%m}",
    "quarter": lambda d: f"{d.year} Q{(d.month - 1) // 3 + 1}",
    "year": lambda d: str(d.year),
}


def _seconds_step(seconds: float) -> float:
    if seconds < 60:
        return 1.0
    if seconds < 3600:
        return 30.0
    if seconds < 86400:
        return 60.0
    return 3600.0


#: The step a suggested threshold is rounded to, by unit, from the size of the value: whole seconds under
#: a minute, half minutes under an hour, whole minutes under a day, whole hours above; a tenth of a
#: percentage point for rates; whole NPS points and whole counts. Other units: hundredths.
_STEPS: dict[str, Callable[[float], float]] = {
    "seconds": _seconds_step,
    "days": lambda value: 0.1,
    "ratio": lambda value: 0.001,
    "NPS points": lambda value: 1.0,
    "tickets": lambda value: 1.0,
    "calls": lambda value: 1.0,
    "agents": lambda value: 1.0,
}
_OTHER_STEP = 0.01


def _clock(seconds: float) -> str:
    """A rounded duration in whole units: 1 h 21 min, 31 min 30 s, 2 d 4 h."""
    left = round(seconds)
    parts = []
    for size, name in ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")):
        if left >= size:
            parts.append(f"{left // size} {name}")
            left %= size
    return " ".join(parts) or "0 s"


#: How a suggested threshold reads, by unit, where the result's short text would hide its rounding
#: (1.4 h for 81 minutes); other units read as results do.
_THRESHOLD_TEXT: dict[str, Callable[[float], str]] = {"seconds": _clock}
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class PeriodValue:
    """One complete period of the scope: its first and last day, value and number of units measured."""

    start: date
    end: date
    value: float | None
    n: int


@dataclass(frozen=True)
class Baseline:
    """The metric over the last complete periods taken together (`periods`, each with its own value), with
    its interval."""

    start: date
    end: date
    periods: tuple[PeriodValue, ...]
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    #: The level of the interval (the `confidence` setting).
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    """A baseline and an attainable and a stretch target for one metric, scope and period length.

    `periods` are the complete periods the proposal reads (oldest first); `left_out` the complete periods
    among the last `HISTORY_PERIODS` with too few units to be used. Without enough history `attainable`
    and `stretch` are None and `note` says why."""

    metric: str
    #: The statistic (durations only; None for the other kinds, as in a target).
    stat: str | None
    business_hours: bool
    scope: Mapping[str, str]
    period: str
    direction: str
    unit: str
    #: The day of the suggestion: only periods that ended before it are complete.
    at: date | None
    baseline: Baseline | None
    periods: tuple[PeriodValue, ...] = ()
    left_out: tuple[PeriodValue, ...] = ()
    attainable: float | None = None
    stretch: float | None = None
    #: How each threshold was reached, in words ("the upper quartile of the 12 months").
    attainable_basis: str | None = None
    stretch_basis: str | None = None
    note: str | None = None
    #: The fewest units a period needs to be used (the `small_sample` setting).
    min_n: int = 0

    def format(self, value: float | None) -> str:
        """A value in the metric's unit as text (45.0 min, 83.1%); "—" for none."""
        metric = get_metric(self.metric)
        return metric.kind_object.format_value(value, metric.unit)

    def format_threshold(self, value: float) -> str:
        """A suggested threshold as text, exact to its rounding: 1 h 21 min, 82.4%."""
        text = _THRESHOLD_TEXT.get(self.unit)
        return text(value) if text is not None else self.format(value)

    def label(self, period: PeriodValue | Baseline) -> str:
        """A period as people name it: 2026-03, 2026 Q1, the first day of a week."""
        return period_label(period.start, self.period)

    @property
    def guardrails(self) -> tuple[str, ...]:
        """The metric's counter-metrics (docs/targets.md), which the adopted target names as guardrails."""
        return tuple(c.metric for c in counter_metrics(self.metric))

    @property
    def target_id(self) -> str:
        """An id for the target this suggests: the scope's values and the metric (billing-fcr_rate)."""
        parts = [*self.scope.values(), self.metric]
        return "-".join(p for p in (_ID_UNSAFE.sub("-", part).strip("-._") for part in parts) if p)

    def add_command(self) -> str | None:
        """The `kpidesk targets add` command line that adopts the attainable target (None without one)."""
        words = self.add_words()
        return shlex.join(words) if words else None

    def add_words(self) -> list[str]:
        """The words of `add_command`, unquoted (none without an attainable target)."""
        if self.attainable is None:
            return []
        words = ["kpidesk", "targets", "add", "--id", self.target_id, "--metric", self.metric]
        if self.stat is not None:
            words += ["--stat", self.stat]
        if self.business_hours:
            words.append("--business-hours")
        for dimension, value in self.scope.items():
            words += ["--scope", f"{dimension}={value}"]
        words += ["--period", self.period, "--target", _plain(self.attainable)]
        if self.stretch is not None:
            words += ["--stretch", _plain(self.stretch)]
        if get_metric(self.metric).direction not in DIRECTIONS:
            words += ["--direction", self.direction]
        for guardrail in self.guardrails:
            words += ["--guardrail", guardrail]
        return words

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON: dates as YYYY-MM-DD."""

        def period(p: PeriodValue) -> dict[str, Any]:
            return {
                "period": self.label(p),
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "value": p.value,
                "n": p.n,
            }

        baseline = None
        if self.baseline is not None:
            b = self.baseline
            baseline = {
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "periods": [period(p) for p in b.periods],
                "value": b.value,
                "n": b.n,
                "ci_low": b.ci_low,
                "ci_high": b.ci_high,
                "confidence": b.confidence,
            }
        return {
            "metric": self.metric,
            "stat": self.stat,
            "business_hours": self.business_hours,
            "scope": dict(self.scope),
            "period": self.period,
            "direction": self.direction,
            "unit": self.unit,
            "at": None if self.at is None else self.at.isoformat(),
            "baseline": baseline,
            "periods": [period(p) for p in self.periods],
            "left_out": [period(p) for p in self.left_out],
            "min_n": self.min_n,
            "attainable": self.attainable,
            "stretch": self.stretch,
            "attainable_basis": self.attainable_basis,
            "stretch_basis": self.stretch_basis,
            "note": self.note,
            "guardrails": list(self.guardrails),
            "add_command": self.add_command(),
        }


def period_label(start: date, period: str) -> str:
    """A period of the default calendar by its first day, as people name it: 2026-03, 2026 Q1, 2026."""
    return _PERIOD_LABELS[period](start)


def suggest_target(
    tables: KpiTables,
    settings: Settings,
    metric: str,
    *,
    scope: Mapping[str, str] | None = None,
    period: str = "month",
    stat: str | None = None,
    business_hours: bool = False,
    direction: str | None = None,
    at: date | None = None,
) -> Suggestion:
    """The baseline of `metric` for `scope` (dimension → value, as `kpis --by`) over the last three complete
    periods, and an attainable and a stretch target from its last twelve (see docs/targets.md).

    `at` is the day of the suggestion (default: the latest day of the metric's data); neutral metrics
    need `direction`. Refused with a clear message: an unknown metric, period, statistic, direction or
    dimension, or a scope value the data does not hold."""
    chosen = get_metric(metric)
    if period not in TARGET_PERIODS:
        near = difflib.get_close_matches(period, TARGET_PERIODS, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(TARGET_PERIODS)}"
        raise InvalidRequest(f"unknown period {period}; {hint}")
    scope = _checked_scope(scope or {})
    good = _direction(chosen, direction)
    stat_name = _stat(chosen, stat)
    by = list(scope)
    rows = compute_kpis(
        tables,
        settings,
        KpiQuery(metrics=[chosen.id], by=by, period=period, stat=stat_name, business_hours=business_hours),
    )
    _check_measurable(rows, chosen)
    own = _scope_rows(rows, chosen, scope)
    if at is None:
        at = max((d for d in rows["covered_to"] if d is not None and not pd.isna(d)), default=None)
    complete = _complete_periods(rows, own, at)
    small = settings.metrics.small_sample
    window = complete[-HISTORY_PERIODS:]
    used = tuple(p for p in window if p.value is not None and p.n >= small)
    left_out = tuple(p for p in window if p not in used)
    base = _baseline(tables, settings, chosen, scope, stat_name, business_hours, complete[-BASELINE_PERIODS:])
    suggestion = Suggestion(
        metric=chosen.id,
        stat=stat_name,
        business_hours=business_hours,
        scope=dict(scope),
        period=period,
        direction=good,
        unit=chosen.unit,
        at=at,
        baseline=base,
        periods=used,
        left_out=left_out,
        min_n=small,
    )
    notes = _notes(suggestion, len(complete), len(window))
    if len(used) < MIN_PERIODS:
        return replace(suggestion, note="; ".join(notes))
    values = [p.value for p in used if p.value is not None]
    attainable, attainable_basis, stretch, stretch_basis = _proposal(chosen, good, period, values, base)
    return replace(
        suggestion,
        attainable=attainable,
        attainable_basis=attainable_basis,
        stretch=stretch,
        stretch_basis=stretch_basis,
        note="; ".join(notes) or None,
    )


def _checked_scope(scope: Mapping[str, str]) -> dict[str, str]:
    checked = {}
    for dimension, value in scope.items():
        if dimension not in DIMENSIONS:
            near = difflib.get_close_matches(dimension, list(DIMENSIONS), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(DIMENSIONS)}"
            raise InvalidRequest(f"unknown dimension {dimension} in the scope; {hint}")
        checked[dimension] = str(value)
    return checked


def _direction(metric: Metric, direction: str | None) -> str:
    if direction is None:
        if metric.direction not in DIRECTIONS:
            raise InvalidRequest(
                f"{metric.id} is neutral in the catalogue (more is neither better nor worse): say which side "
                "is good with direction higher or lower"
            )
        return metric.direction
    if direction not in DIRECTIONS:
        raise InvalidRequest(f"{direction!r} is not a direction; expected higher or lower")
    if metric.direction in DIRECTIONS and direction != metric.direction:
        raise InvalidRequest(
            f"direction {direction} contradicts the catalogue, where {metric.direction} {metric.id} is "
            "better; leave the direction out"
        )
    return direction


def _stat(metric: Metric, stat: str | None) -> str | None:
    if not metric.kind_object.chooses_statistic:
        if stat is not None:
            raise InvalidRequest(
                f"{metric.id} is a {metric.kind_object.name}: only durations take a statistic "
                "(median, mean, p90…); leave the statistic out"
            )
        return None
    return parse_stat(stat)[0] if stat is not None else metric.statistic


def _check_measurable(rows: pd.DataFrame, metric: Metric) -> None:
    """Refuse a metric no source can measure (with the reason), or with no values at all."""
    if len(rows) and rows["available"].astype(bool).any():
        return
    reasons = [r for r in rows["reason"] if isinstance(r, str)] if len(rows) else []
    why = reasons[0] if reasons else f"the workspace holds no {metric.id} values"
    raise InvalidRequest(f"no target can be suggested for {metric.id}: {why}")


def _scope_rows(rows: pd.DataFrame, metric: Metric, scope: Mapping[str, str]) -> pd.DataFrame:
    """The rows of the scope's group; a value the data does not hold is refused, naming the values it
    does hold (or the closest one)."""
    own = rows
    for dimension, value in scope.items():
        held = sorted({str(v) for v in rows[dimension] if v is not None and not pd.isna(v)})
        if not held:
            raise InvalidRequest(f"{metric.id} has no {dimension}: its units cannot be scoped by {dimension}")
        if value not in held:
            near = difflib.get_close_matches(value, held, n=1, cutoff=0.6)
            if near:
                hint = f"; did you mean {near[0]}?"
            elif held and len(held) <= 12:
                hint = f"; the data holds {', '.join(held)}"
            else:
                hint = ""
            raise InvalidRequest(f"no {dimension} {value} in the data of {metric.id}{hint}")
        own = own[own[dimension].map(lambda v, wanted=value: v is not None and str(v) == wanted)]
    return own


def _complete_periods(rows: pd.DataFrame, own: pd.DataFrame, at: date | None) -> list[PeriodValue]:
    """The periods the data covers entirely that ended before `at`, oldest first, with the scope's value
    and n (n 0 where the scope had no units in it)."""
    if at is None:
        return []
    partial: dict[date, bool] = {}
    ends: dict[date, date] = {}
    for r in rows.to_dict(orient="records"):
        start = r["period_start"]
        partial[start] = partial.get(start, False) or bool(r["partial"])
        ends[start] = r["period_end"]
    values = {r["period_start"]: (r["value"], int(r["n"])) for r in own.to_dict(orient="records")}
    complete = []
    for start in sorted(partial):
        if partial[start] or not ends[start] < at:
            continue
        value, n = values.get(start, (None, 0))
        complete.append(PeriodValue(start, ends[start], number_or_none(value), n))
    return complete


def _baseline(
    tables: KpiTables,
    settings: Settings,
    metric: Metric,
    scope: Mapping[str, str],
    stat: str | None,
    business_hours: bool,
    periods: list[PeriodValue],
) -> Baseline | None:
    """The metric over `periods` taken together: one query from the first day of the first to the last day
    of the last. A count (tickets created, backlog) over three periods is no count per period, so its
    baseline is the mean of the periods' counts, without an interval, as counts have none."""
    if not periods:
        return None
    start, end = periods[0].start, periods[-1].end
    confidence = settings.metrics.confidence
    if metric.kind_object.value_is_count:
        mean = sum(p.value or 0.0 for p in periods) / len(periods)
        return Baseline(start, end, tuple(periods), mean, sum(p.n for p in periods), None, None, confidence)
    rows = compute_kpis(
        tables,
        settings,
        KpiQuery(
            metrics=[metric.id],
            by=list(scope),
            period="all",
            start=start,
            end=end,
            stat=stat,
            business_hours=business_hours,
        ),
    )
    for dimension, value in scope.items():
        rows = rows[rows[dimension].map(lambda v, wanted=value: v is not None and str(v) == wanted)]
    if not len(rows):
        return Baseline(start, end, tuple(periods), None, 0, None, None, confidence)
    row = rows.iloc[0]
    return Baseline(
        start,
        end,
        tuple(periods),
        number_or_none(row["value"]),
        int(row["n"]),
        number_or_none(row["ci_low"]),
        number_or_none(row["ci_high"]),
        confidence,
    )


def _notes(suggestion: Suggestion, complete: int, window: int) -> list[str]:
    """Plain sentences on what the proposal could not use."""
    unit = f"{suggestion.period}{'' if complete == 1 else 's'}"
    used = len(suggestion.periods)
    notes = []
    if complete == 0:
        notes.append(
            f"no complete {suggestion.period} of history yet; a proposal needs at least {MIN_PERIODS}"
        )
    elif complete < MIN_PERIODS:
        notes.append(f"only {complete} complete {unit} of history; a proposal needs at least {MIN_PERIODS}")
    elif used < MIN_PERIODS:
        notes.append(
            f"only {used} of the last {window} complete {suggestion.period}s have at least "
            f"{suggestion.min_n} measured units; a proposal needs at least {MIN_PERIODS}"
        )
    if suggestion.left_out:
        count = len(suggestion.left_out)
        labels = ", ".join(suggestion.label(p) for p in suggestion.left_out)
        notes.append(
            f"{count} {suggestion.period}{'' if count == 1 else 's'} left out with fewer than "
            f"{suggestion.min_n} measured units (the small_sample setting): {labels}"
        )
    return notes


def _proposal(
    metric: Metric, direction: str, period: str, values: list[float], baseline: Baseline | None
) -> tuple[float, str, float, str]:
    """The attainable and stretch thresholds, rounded for people, each with how it was reached (the rules
    of docs/targets.md)."""
    lower = direction == "lower"
    count = f"the {len(values)} {period}s"

    def quantile(q: float) -> float:
        # numpy's default rule: linear interpolation between the closest ranks.
        return float(np.quantile(values, 1 - q if lower else q))

    def better(a: float, b: float) -> float:
        return min(a, b) if lower else max(a, b)

    attainable = quantile(_ATTAINABLE_QUANTILE)
    attainable_basis = f"the upper quartile of {count}"
    if (
        baseline is not None
        and baseline.value is not None
        and better(baseline.value, attainable) != attainable
    ):
        attainable = baseline.value
        attainable_basis = "the baseline, which is better than the upper quartile of " + count
    if len(values) >= _PERCENTILE_STRETCH_FROM:
        stretch, stretch_basis = quantile(_STRETCH_QUANTILE), f"the 90th percentile of {count}"
    else:
        stretch, stretch_basis = (min(values) if lower else max(values)), f"the best of {count}"
    if better(stretch, attainable) != stretch:
        stretch, stretch_basis = attainable, "the attainable target, which is better than " + stretch_basis
    floor = baseline.value if baseline is not None else None
    rounded = _rounded(attainable, metric, lower, floor)
    return (
        rounded,
        attainable_basis,
        better(_rounded(stretch, metric, lower, rounded), rounded),
        stretch_basis,
    )


def _rounded(value: float, metric: Metric, lower: bool, not_worse_than: float | None) -> float:
    """`value` rounded to its unit's step (`_STEPS`): to the nearest step, or towards the good side where the
    nearest would fall on the wrong side of `not_worse_than`; kept within the metric's limits."""
    step = _STEPS.get(metric.unit, lambda v: _OTHER_STEP)(abs(value))
    steps = round(value / step, 9)
    nearest = math.floor(steps + 0.5) * step
    if not_worse_than is not None:
        at_least_as_good = value <= not_worse_than if lower else value >= not_worse_than
        worse = nearest > not_worse_than if lower else nearest < not_worse_than
        if at_least_as_good and worse:
            nearest = (math.floor(steps) if lower else math.ceil(steps)) * step
    floor, ceiling = metric.limits
    if floor is not None:
        nearest = max(nearest, floor)
    if ceiling is not None:
        nearest = min(nearest, ceiling)
    return round(nearest, 9)


def _plain(value: float) -> str:
    """A threshold as a command line takes it: 7260, 0.824."""
    return str(int(value)) if float(value).is_integer() else f"{value:.9g}"
