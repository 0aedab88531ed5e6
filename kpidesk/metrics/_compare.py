"""Differences between two KPI results, with a confidence interval for the change.

Two comparisons use them: a period against an earlier one (`kpis --compare previous|year`), and the days
a named person was absent against the days they were present (`resilience`). A change is significant only
when its interval excludes zero; each metric kind has its own interval (see `_differences`).
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics._catalogue import Metric, get_metric
from kpidesk.metrics._compute import (
    _SAMPLES,
    SUMMARY_COLUMNS,
    KpiQuery,
    KpiTables,
    _data_range,
    _finish,
    _summarise,
    compute_kpis,
    parse_stat,
    sample_context,
)
from kpidesk.metrics._differences import (
    Interval,
    joint_confidence,
    newcombe_interval,
    nps_difference_interval,
    poisson_difference_interval,
    quantile_difference_interval,
    ratio_difference_interval,
    welch_interval,
)
from kpidesk.metrics._kinds import KINDS
from kpidesk.metrics._partial import cut_to_covered_days
from kpidesk.metrics._samples import Sample
from kpidesk.workspace import Settings

__all__ = [
    "COMPARE_COLUMNS",
    "COMPARISONS",
    "RESILIENCE_COLUMNS",
    "compare_kpis",
    "difference_interval",
    "newcombe_interval",
    "nps_difference_interval",
    "poisson_difference_interval",
    "quantile_difference_interval",
    "ratio_difference_interval",
    "resilience",
    "welch_interval",
]

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
RESILIENCE_COLUMNS = (
    "metric",
    "stat",
    "unit",
    "person",
    "present_value",
    "absent_value",
    "difference",
    "ci_low",
    "ci_high",
    "significant",
    "present_n",
    "absent_n",
    "present_days",
    "absent_days",
    "small_sample",
)
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


def _significant(low: float | None, high: float | None) -> bool | None:
    if low is None or high is None:
        return None
    return bool(low > 0 or high < 0)


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
    bounds = compute_kpis(tables, wide, dataclasses.replace(query, metrics=durations, compare=None))
    if not len(bounds):
        return frame.assign(q_low=None, q_high=None)
    bounds = bounds[bounds.stat != "mean"]
    keys = [*_keys(query, bounds), "period_start"]
    bounds = bounds[[*keys, "ci_low", "ci_high"]].rename(columns={"ci_low": "q_low", "ci_high": "q_high"})
    return frame.merge(bounds, on=keys, how="left")


def compare_kpis(tables: KpiTables, settings: Settings, query: KpiQuery) -> pd.DataFrame:
    """The results of `query`, each with the same metric and group in the comparison period (`previous`:
    the period before, of the same length; `year`: the same period a year earlier) and the change.

    The comparison runs the same query over the shifted dates and joins on metric, statistic and groups,
    so it is engine-agnostic. A group without a result in the comparison period has no compare_value.
    """
    if query.compare not in COMPARISONS:
        raise InvalidRequest(
            f"unknown comparison {query.compare!r}; expected one of: {', '.join(COMPARISONS)}"
        )
    base = dataclasses.replace(query, compare=None)
    current = compute_kpis(tables, settings, base, summaries=True)
    columns = [c for c in current.columns if c not in SUMMARY_COLUMNS]
    if not len(current):
        return current[columns].assign(**dict.fromkeys(COMPARE_COLUMNS))
    start, end, shift, shift_end = _earlier_span(query, current)
    earlier_query = dataclasses.replace(base, start=start, end=end)
    earlier = compute_kpis(tables, settings, earlier_query, summaries=True)
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
        out["significant"].append(_significant(low, high))
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
    rows = compute_kpis(tables, settings, query, summaries=True)
    return _with_quantile_bounds(tables, settings, query, rows) if bounds else rows


def _open_days(tables: KpiTables, settings: Settings) -> ir.Table:
    """Local days of the default calendar with business hours: local_date and their UTC bounds."""
    s = tables.slots.filter(tables.slots.calendar_id == settings.default_calendar)
    days = s.group_by("local_date").aggregate(
        start_s=s.slot_start.min(), end_s=s.slot_end.max(), open_s=(s.open_to - s.open_from).max()
    )
    return days.filter(days.open_s > 0)


def _day_sides(tables: KpiTables, settings: Settings, person: str, first: date, last: date) -> ir.Table:
    """The open days from `first` to `last` within the span of all agent_states (staffing known), each as
    `present` (the person has a state other than `away` overlapping it) or `absent`."""
    states = tables.agent_states
    open_days = _open_days(tables, settings)
    open_days = open_days.filter(open_days.local_date.between(first, last))
    span = states.aggregate(first_at=states.start.min(), last_at=states["end"].max())
    both = open_days.cross_join(span)
    known = both.filter(
        (both.start_s < both.last_at.epoch_seconds()) & (both.end_s > both.first_at.epoch_seconds())
    ).select("local_date", "start_s", "end_s")
    working = states.filter((states.agent_id == person) & (states.state != "away"))
    present = (
        known.join(
            working,
            [known.start_s < working["end"].epoch_seconds(), known.end_s > working.start.epoch_seconds()],
        )
        .select(present_date=known.local_date)
        .distinct()
    )
    return known.left_join(present, known.local_date == present.present_date).select(
        day=known.local_date, side=ibis.ifelse(present.present_date.notnull(), "present", "absent")
    )


def _per_day_counts(t: ir.Table, sides: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """A count metric as a mean count per day: each side's days, those without a unit counting 0."""
    counts = t.group_by(["side", "period_start", *extra]).aggregate(count=t.count()).execute()
    counts["period_start"] = pd.to_datetime(counts["period_start"])
    groups = counts[extra].drop_duplicates() if extra else pd.DataFrame(index=[0])
    grid = sides.rename(columns={"day": "period_start"}).merge(groups, how="cross")
    daily = grid.merge(counts, on=["side", "period_start", *extra], how="left").fillna({"count": 0})
    summary = daily.groupby(["side", *extra], dropna=False)["count"].agg(["count", "mean", "std"])
    return summary.reset_index().rename(columns={"count": "n"})


def resilience(
    tables: KpiTables,
    settings: Settings,
    metric: str,
    person: str,
    *,
    start: date | None = None,
    end: date | None = None,
    stat: str | list[str] | None = None,
    business_hours: bool = False,
) -> pd.DataFrame:
    """A KPI on the days `person` was absent against the days they were present, and the difference
    (absent − present) with its interval.

    Days are the open local days of the default calendar, within `start`–`end` and the span of the
    agent_states; a day is present when the person has a state other than `away` overlapping it, else
    absent. Units count on the local day of their anchor (stocks: at the day's end); units on closed days
    count on neither side. A count metric is compared as its mean per day (n = days, Welch interval).
    """
    m: Metric = get_metric(metric)
    states = tables.agent_states
    if int(states.filter(states.agent_id == person).count().execute()) == 0:
        raise InvalidRequest(
            f"agent {person!r} has no agent_states: absent and present days come from staffed time "
            "(import them with `kpidesk import FILE --kind agent_states`)"
        )
    stats = [parse_stat(s) for s in ([stat] if isinstance(stat, str) else stat or [m.default_stat])]
    kind = m.kind_object
    if not kind.chooses_statistic:
        stats = [("", None)]
    query = KpiQuery(metrics=[metric], period="day", start=start, end=end, business_hours=business_hours)
    data = _data_range(tables)
    built = sample_context(tables, settings, query, data) if data is not None else None
    if built is None:
        return pd.DataFrame(columns=RESILIENCE_COLUMNS)
    ctx, periods = built
    days_asked = [pd.Timestamp(d).date() for d in periods.period_start]
    side_table = _day_sides(tables, settings, person, min(days_asked), max(days_asked))
    sides = side_table.execute()
    sides["day"] = pd.to_datetime(sides["day"])
    sample = _SAMPLES[m.id](ctx)
    placed = sample.table if sample.periodic else ctx.place_in_periods(sample.table, "anchor_at")
    t = placed.join(side_table, placed.period_start == side_table.day).select(placed, side_table.side)
    extra = list(sample.extra_dims)
    confidence = settings.metrics.confidence
    wide = joint_confidence(confidence)
    quantiles = list(dict.fromkeys(q for _, q in stats if q is not None))
    if kind.value_is_count:
        frame = _per_day_counts(t, sides, extra)
        frame["value"] = frame["mean"]
        frames = [frame.assign(stat="count")]
        kind = KINDS["mean"]
    else:
        summary = _summarise(
            m,
            Sample(t, True, sample.extra_dims, sample.missing_as),
            ["side", *extra],
            quantiles if kind.chooses_statistic else [],
            wide,
        )
        frames = []
        for name, q in stats:
            part = summary
            if q is not None:
                i = quantiles.index(q)
                part = summary.rename(
                    columns={f"quantile_{i}": "quantile", f"ci_low_{i}": "q_low", f"ci_high_{i}": "q_high"}
                ).assign(ci_low=None, ci_high=None)
            finished = _finish(m, part, name, q, settings)
            frames.append(finished)
    days = sides.side.value_counts()
    unit = f"{m.unit} per day" if m.kind_object.value_is_count else m.unit
    rows = []
    for frame in frames:
        groups = frame[extra].drop_duplicates().to_dict(orient="records") if extra else [{}]
        for group in groups:
            part = frame
            for column, value in group.items():
                part = part[part[column].isna()] if pd.isna(value) else part[part[column] == value]
            records = part.to_dict(orient="records")
            by_side = {str(r["side"]): {str(k): v for k, v in r.items()} for r in records}
            present, absent = by_side.get("present", {}), by_side.get("absent", {})
            stat_name = str(frame.stat.iloc[0]) if len(frame) else ""
            low, high = (
                (None, None)
                if not present or not absent
                else kind.difference_interval(stat_name, absent, present, confidence)
            )
            present_value, absent_value = _num(present, "value"), _num(absent, "value")
            present_n, absent_n = int(_num(present, "n") or 0), int(_num(absent, "n") or 0)
            rows.append(
                {
                    "metric": m.id,
                    "stat": stat_name,
                    "unit": unit,
                    "person": person,
                    "present_value": present_value,
                    "absent_value": absent_value,
                    "difference": None
                    if present_value is None or absent_value is None
                    else absent_value - present_value,
                    "ci_low": low,
                    "ci_high": high,
                    "significant": _significant(low, high),
                    "present_n": present_n,
                    "absent_n": absent_n,
                    "present_days": int(days.get("present", 0)),
                    "absent_days": int(days.get("absent", 0)),
                    "small_sample": min(present_n, absent_n) < settings.metrics.small_sample,
                    **group,
                }
            )
    return pd.DataFrame(rows, columns=[*RESILIENCE_COLUMNS, *extra])
