"""A period's KPI results against an earlier period's (`kpis --compare previous|year`), with the change and
its confidence interval; a change is significant only when its interval excludes zero. Each metric kind
has its own interval of a difference (see `MetricKind.difference_interval`).
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics._catalogue import get_metric
from kpidesk.metrics._compute import SUMMARY_COLUMNS, KpiQuery, compute_results
from kpidesk.metrics._differences import Interval, joint_confidence, significant
from kpidesk.metrics._kinds import KINDS
from kpidesk.metrics._partial import cut_to_covered_days
from kpidesk.metrics._tables import KpiTables
from kpidesk.workspace import Settings

__all__ = ["COMPARE_COLUMNS", "COMPARISONS", "compare_kpis", "difference_interval"]

COMPARISONS = ("previous", "year")
#: `change` and its interval are in `change_unit`: percentage points (`pp`) for fractions, else the
#: metric's unit; `compare_from`–`compare_to` are the days the comparison value covers.
COMPARE_COLUMNS = (
    "compare_value",
    "change",
    "change_ci_low",
    "change_ci_high",
    "significant",
    "change_unit",
    "compare_from",
    "compare_to",
)
#: A change of a fraction (a rate, a share) is told in percentage points: 100 × the difference.
_POINTS = 100.0
_EXTRA_DIMENSIONS = ("sla_metric",)


def _num(row: Mapping[str, Any], column: str) -> float | None:
    value = row.get(column)
    return None if value is None or pd.isna(value) else float(value)


def difference_interval(
    kind: str, stat: str, first: Mapping[str, Any], second: Mapping[str, Any], confidence: float
) -> Interval:
    """The interval of first − second for one metric kind and statistic (see `MetricKind`).

    Rows carry `value`, `n` and the summary columns; quantile rows also `q_low`, `q_high`, their
    order-statistic bounds at `joint_confidence(confidence)`.
    """
    metric_kind = KINDS.get(kind)
    if metric_kind is None:
        return None, None
    return metric_kind.difference_interval(stat, first, second, confidence)


def _add_months(day: date, months: int, *, month_end: bool = False) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's length; with
    `month_end`, the last day of a month stays the last day of a month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    length = _calendar.monthrange(year, month + 1)[1]
    if month_end and day.day == _calendar.monthrange(day.year, day.month)[1]:
        return date(year, month + 1, length)
    return date(year, month + 1, min(day.day, length))


def _shifter(period: str, compare: str, *, end: bool = False) -> Callable[[date], date]:
    """How a date moves to the comparison period: one period back, or a year back (52 weeks for weeks, so
    a week still starts on the calendar's week start; the same date for days). An `end` date on a month's
    last day stays on a month's last day."""
    if compare == "year":
        if period == "week":
            return lambda d: d - timedelta(weeks=52)
        return lambda d: _add_months(d, -12, month_end=end)
    if period == "day":
        return lambda d: d - timedelta(days=1)
    if period == "week":
        return lambda d: d - timedelta(weeks=1)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    return lambda d: _add_months(d, -months, month_end=end)


def _earlier_span(
    query: KpiQuery, current: pd.DataFrame
) -> tuple[date, date, Callable[[date], date], Callable[[date], date]]:
    """The dates of the comparison query, how a result's period_start maps onto it, and how its
    period_end does. The `all` period has one comparison period, whatever each metric's own dates."""
    first = query.start or min(current.period_start)
    last = query.end or max(current.period_end)
    compare = query.compare or "previous"
    if query.period == "all":
        if compare == "previous":
            length = last - first + timedelta(days=1)
            earlier_first, earlier_last = first - length, first - timedelta(days=1)
        else:
            earlier_first = _shifter("all", compare)(first)
            earlier_last = _shifter("all", compare, end=True)(last)
        return earlier_first, earlier_last, lambda d: earlier_first, lambda d: earlier_last
    shift = _shifter(query.period, compare)
    shift_end = _shifter(query.period, compare, end=True)
    return shift(first), shift_end(last), shift, shift_end


def _keys(query: KpiQuery, frame: pd.DataFrame) -> list[str]:
    return ["metric", "stat", *query.by, *[c for c in _EXTRA_DIMENSIONS if c in frame.columns]]


def _with_quantile_bounds(
    tables: KpiTables, settings: Settings, query: KpiQuery, frame: pd.DataFrame
) -> pd.DataFrame:
    """`frame` with the order-statistic bounds of its duration percentiles at the joint confidence."""
    durations = sorted({m for m in frame.metric if get_metric(m).kind_object.chooses_statistic})
    if not durations or not len(frame):
        return frame.assign(q_low=None, q_high=None)
    confidence = joint_confidence(settings.metrics.confidence)
    wide = dataclasses.replace(settings, metrics=dataclasses.replace(settings.metrics, confidence=confidence))
    bounds = compute_results(tables, wide, dataclasses.replace(query, metrics=durations, compare=None))
    if not len(bounds):
        return frame.assign(q_low=None, q_high=None)
    bounds = bounds[bounds.stat != "mean"]
    keys = [*_keys(query, bounds), "period_start"]
    bounds = bounds[[*keys, "ci_low", "ci_high"]].rename(columns={"ci_low": "q_low", "ci_high": "q_high"})
    return frame.merge(bounds, on=keys, how="left")


def compare_kpis(
    tables: KpiTables, settings: Settings, query: KpiQuery, *, summaries: bool = False
) -> pd.DataFrame:
    """The results of `query`, each with the same metric and group in the comparison period (`previous`:
    the period before, of the same length; `year`: the same period a year earlier) and the change.

    The comparison runs the same query over the shifted dates and joins on metric, statistic and groups,
    so it is engine-agnostic. A group without a result in the comparison period has no compare_value.
    With `summaries`, the current rows keep the counts and moments their values come from.
    """
    if query.compare not in COMPARISONS:
        raise InvalidRequest(
            f"unknown comparison {query.compare!r}; expected one of: {', '.join(COMPARISONS)}"
        )
    base = dataclasses.replace(query, compare=None)
    current = compute_results(tables, settings, base, summaries=True)
    columns = [c for c in current.columns if summaries or c not in SUMMARY_COLUMNS]
    if not len(current):
        return current[columns].assign(**dict.fromkeys(COMPARE_COLUMNS))
    start, end, shift, shift_end = _earlier_span(query, current)
    earlier_query = dataclasses.replace(base, start=start, end=end)
    earlier = compute_results(tables, settings, earlier_query, summaries=True)
    needs_bounds = any(
        get_metric(m).kind_object.chooses_statistic and s != "mean"
        for m, s in zip(current.metric, current.stat, strict=True)
    )
    if needs_bounds:
        current = _with_quantile_bounds(tables, settings, base, current)
        earlier = _with_quantile_bounds(tables, settings, earlier_query, earlier)
    keys = _keys(query, current)
    current = current.assign(
        compare_period_start=[shift(d) for d in current.period_start],
        compare_from=[shift(d) for d in current.period_start],
        compare_to=[shift_end(d) for d in current.period_end],
    )
    if query.period != "all":
        current, earlier = cut_to_covered_days(
            current,
            earlier,
            keys,
            shift,
            lambda q: _earlier_rows(tables, settings, dataclasses.replace(base, **q), needs_bounds),
        )
    earlier_columns = [
        c
        for c in ("value", "n", *SUMMARY_COLUMNS, "q_low", "q_high", "partial", "covered_from", "covered_to")
        if c in earlier.columns
    ]
    # No rows at all a year earlier leaves a frame without columns: nothing to compare with, not an error.
    absent = [c for c in (*keys, "period_start") if c not in earlier.columns]
    earlier = earlier.reindex(columns=[*earlier.columns, *absent])
    earlier = earlier[[*keys, "period_start", *earlier_columns]].rename(
        columns={"period_start": "compare_period_start", **{c: f"earlier_{c}" for c in earlier_columns}}
    )
    joined = current.merge(earlier, on=[*keys, "compare_period_start"], how="left")
    confidence = settings.metrics.confidence
    out: dict[str, list[Any]] = {c: [] for c in COMPARE_COLUMNS if c not in ("compare_from", "compare_to")}
    for record in joined.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        then = {c: row.get(f"earlier_{c}") for c in earlier_columns}
        compare_value = _num(then, "value")
        value = _num(row, "value")
        low: float | None = None
        high: float | None = None
        change = None
        unit = str(row["unit"])
        scale = _POINTS if unit == "ratio" else 1.0
        if compare_value is not None and value is not None:
            change = (value - compare_value) * scale
            kind = get_metric(row["metric"]).kind_object
            low, high = kind.difference_interval(row["stat"], row, then, confidence)
            low, high = (None if low is None else low * scale), (None if high is None else high * scale)
        out["change_unit"].append("pp" if unit == "ratio" else unit)
        out["compare_value"].append(compare_value)
        out["change"].append(change)
        out["change_ci_low"].append(low)
        out["change_ci_high"].append(high)
        out["significant"].append(significant(low, high))
    result = joined[columns].reset_index(drop=True)
    for column, values in out.items():
        result[column] = pd.Series(values, dtype="object")
    # An earlier period the data covers only in part is named by the days it covers.
    if "earlier_partial" in joined.columns:
        cut = joined["earlier_partial"].eq(True) & joined["earlier_covered_from"].notna()
        joined.loc[cut, "compare_from"] = joined.loc[cut, "earlier_covered_from"]
        joined.loc[cut, "compare_to"] = joined.loc[cut, "earlier_covered_to"]
    result["compare_from"] = joined["compare_from"].to_numpy()
    result["compare_to"] = joined["compare_to"].to_numpy()
    return result[[*columns, *COMPARE_COLUMNS]]


def _earlier_rows(tables: KpiTables, settings: Settings, query: KpiQuery, bounds: bool) -> pd.DataFrame:
    """The results of an earlier span with their summary columns (and percentile bounds when asked)."""
    rows = compute_results(tables, settings, query, summaries=True)
    return _with_quantile_bounds(tables, settings, query, rows) if bounds else rows
