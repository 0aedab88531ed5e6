"""Summarise metric samples per period and group, with sample sizes and confidence intervals.

The engine (DuckDB or Spark, through Ibis) counts, sums, averages and picks order statistics; the
intervals are finished here from those numbers, identically for every engine.
"""

from __future__ import annotations

import calendar as _calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from kpidesk import InvalidRequest
from kpidesk.metrics._availability import (
    NO_DATA,
    NO_VALUE,
    STATUS_COLUMNS,
    left_out_sources,
    mark_availability,
    source_capabilities,
)
from kpidesk.metrics._call_samples import CALL_SAMPLES
from kpidesk.metrics._catalogue import CATALOGUE, Metric, get_metric
from kpidesk.metrics._coverage import (
    COVERAGE_COLUMNS,
    SourceRanges,
    mark_coverage,
    source_ranges,
)
from kpidesk.metrics._customer_samples import CUSTOMER_SAMPLES
from kpidesk.metrics._kinds import MetricKind
from kpidesk.metrics._management_samples import MANAGEMENT_SAMPLES
from kpidesk.metrics._people_samples import PEOPLE_SAMPLES
from kpidesk.metrics._samples import DIMENSIONS, Sample, SampleContext
from kpidesk.metrics._statements import Statement, statements
from kpidesk.metrics._stats import quantile_rank_interval
from kpidesk.metrics._survey_samples import SURVEY_SAMPLES
from kpidesk.metrics._tables import KpiTables
from kpidesk.metrics._ticket_samples import TICKET_SAMPLES
from kpidesk.workspace import Settings

__all__ = [
    "PERIODS",
    "RESULT_COLUMNS",
    "STATE_COLUMNS",
    "KpiQuery",
    "compute_results",
    "parse_stat",
]

PERIODS = ("day", "week", "month", "quarter", "year", "all")
RESULT_COLUMNS = ("metric", "stat", "value", "unit", "n", "ci_low", "ci_high", "period_start", "period_end")
#: After the groups and `small_sample`: whether a value exists and why not (see `_availability`), and which
#: days of its period the row covers (see `_coverage`).
STATE_COLUMNS = (*STATUS_COLUMNS, *COVERAGE_COLUMNS)
#: The counts and moments a result's value comes from, kept by `compute_results(summaries=True)`.
SUMMARY_COLUMNS = ("k", "mean", "std", "promoters", "detractors", "exposure", "se")
_PERIOD_COLUMN = {"day": "date", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
_SAMPLES = {
    **TICKET_SAMPLES,
    **CALL_SAMPLES,
    **SURVEY_SAMPLES,
    **PEOPLE_SAMPLES,
    **CUSTOMER_SAMPLES,
    **MANAGEMENT_SAMPLES,
}
_PERIODS_SCHEMA = {
    "period_start": "date",
    "period_end": "date",
    "start_at": "timestamp",
    "end_at": "timestamp",
}
_SOURCE_ENDS_SCHEMA = {"source": "string", "data_end_at": "timestamp"}
#: Areas whose dates (hires, customer sign-ups) do not set the periods while there is activity data.
_BACKGROUND_AREAS = ("people", "customers")


@dataclass
class KpiQuery:
    metrics: Sequence[str] | None = None
    by: Sequence[str] = ()
    period: str = "week"
    start: date | None = None
    end: date | None = None
    #: One statistic for durations, or several (one result row each): median, mean, pNN. None: each
    #: metric's own default statistic (`Metric.default_stat`).
    stat: str | Sequence[str] | None = None
    business_hours: bool = False
    #: `previous` or `year`: every row also gets the comparison period's value and the change.
    compare: str | None = None


def parse_stat(stat: str) -> tuple[str, float | None]:
    """`median`, `mean`, `p90`, `p95`… → (name, quantile or None for the mean)."""
    stat = stat.lower().strip()
    if stat == "mean":
        return "mean", None
    if stat == "median":
        return "median", 0.5
    if stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit():
        q = float(stat[1:]) / 100
        if 0 < q < 1:
            return stat, q
    raise InvalidRequest(
        f"unknown statistic {stat!r}; expected median, mean or pNN such as p90 (0 < NN < 100)"
    )


def data_ranges(tables: KpiTables, settings: Settings, data: _DataRange) -> SourceRanges:
    """Each source's data range per area; hires and customer sign-ups take the activity data's range."""
    timezone = settings.calendars[settings.default_calendar].timezone
    background = {area: (data.first, data.last) for area in _BACKGROUND_AREAS}
    return source_ranges(tables.source_instants(), timezone, background)


def _period_end(start: date, period: str) -> date:
    if period == "day":
        return start
    if period == "week":
        return start + timedelta(days=6)
    if period == "month":
        return start.replace(day=_calendar.monthrange(start.year, start.month)[1])
    if period == "quarter":
        month = start.month + 2
        return date(start.year, month, _calendar.monthrange(start.year, month)[1])
    return date(start.year, 12, 31)


@dataclass
class _DataRange:
    """When the data starts and ends: every area together, tickets on their own (None without tickets),
    and the areas that hold any data."""

    first: datetime
    last: datetime
    ticket_first: datetime | None
    ticket_last: datetime | None
    areas: frozenset[str]

    def period_bounds(self, period: str) -> tuple[datetime, datetime]:
        """The span the periods table covers. Stocks (backlog, resolution rate) are ticket periods, so
        only the one `all` period reaches over the calls too."""
        if period == "all" or self.ticket_first is None or self.ticket_last is None:
            return self.first, self.last
        return self.ticket_first, self.ticket_last


def _data_range(tables: KpiTables) -> _DataRange | None:
    ranges: dict[str, tuple[datetime, datetime]] = {
        area: (min(r[0] for r in by_source.values()), max(r[1] for r in by_source.values()))
        for area, by_source in tables.source_instants().items()
        if by_source
    }
    if not ranges:
        return None
    ticket_first, ticket_last = ranges.get("tickets", (None, None))
    spanning = [r for a, r in ranges.items() if a not in _BACKGROUND_AREAS] or list(ranges.values())
    return _DataRange(
        min(r[0] for r in spanning),
        max(r[1] for r in spanning),
        ticket_first,
        ticket_last,
        frozenset(ranges),
    )


def _periods_table(
    tables: KpiTables,
    settings: Settings,
    query: KpiQuery,
    first: datetime,
    last: datetime,
) -> pd.DataFrame:
    """Local periods of the default calendar with their UTC start and end instants."""
    s = tables.slots.filter(tables.slots.calendar_id == settings.default_calendar)
    days = (
        s.group_by("local_date", "week", "month", "quarter", "year")
        .aggregate(start_s=s.slot_start.min(), end_s=s.slot_end.max())
        .execute()
    )
    days["local_date"] = pd.to_datetime(days["local_date"]).dt.date
    lo = query.start or pd.Timestamp(first).date() - timedelta(days=1)
    hi = query.end or pd.Timestamp(last).date() + timedelta(days=1)
    days = days[(days.local_date >= lo) & (days.local_date <= hi)]
    # The slot table names the local day `local_date`; every other period by its own name.
    key = "all" if query.period == "all" else _PERIOD_COLUMN[query.period].replace("date", "local_date")
    if key == "all":
        first_s, last_s = int(pd.Timestamp(first).timestamp()), int(pd.Timestamp(last).timestamp())
        first_day = days[(days.start_s <= first_s) & (days.end_s > first_s)].local_date.min()
        last_day = days[(days.start_s <= last_s) & (days.end_s > last_s)].local_date.max()
        period_start = query.start or first_day
        period_end = query.end or last_day
        chosen = days[(days.local_date >= period_start) & (days.local_date <= period_end)]
        grouped = pd.DataFrame(
            {
                "period_start": [period_start],
                "period_end": [period_end],
                "start_s": [chosen.start_s.min()],
                "end_s": [chosen.end_s.max()],
            }
        )
    else:
        grouped = days.groupby(key, as_index=False).agg(start_s=("start_s", "min"), end_s=("end_s", "max"))
        grouped = grouped.rename(columns={key: "period_start"})
        grouped["period_start"] = pd.to_datetime(grouped["period_start"]).dt.date
    grouped["start_at"] = pd.to_datetime(grouped.start_s, unit="s")
    grouped["end_at"] = pd.to_datetime(grouped.end_s, unit="s")
    if "period_end" not in grouped:
        grouped["period_end"] = [_period_end(d, query.period) for d in grouped.period_start]
    return grouped[["period_start", "period_end", "start_at", "end_at"]].reset_index(drop=True)


def _finish(
    metric: Metric, frame: pd.DataFrame, stat: str, quantile: float | None, settings: Settings
) -> pd.DataFrame:
    """Each group's value and interval from its aggregated numbers (see `MetricKind.estimate`), the
    bounds kept within the metric's limits."""
    kind = metric.kind_object
    confidence = settings.metrics.confidence
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    estimates = [kind.estimate(row, quantile, confidence) for row in rows]
    floor, ceiling = metric.limits
    out = frame.copy()
    out["value"] = [e.value for e in estimates]
    out["ci_low"] = [_within(e.low, floor, ceiling) for e in estimates]
    out["ci_high"] = [_within(e.high, floor, ceiling) for e in estimates]
    if kind.has_standard_error:
        out["se"] = [e.standard_error for e in estimates]
    out["stat"] = stat if kind.chooses_statistic else metric.statistic
    return out


def _within(value: float | None, floor: float | None, ceiling: float | None) -> float | None:
    """An interval bound kept inside what the metric can take (a mean wait's interval stops at 0 s)."""
    if value is None or math.isnan(value):
        return value
    if floor is not None:
        value = max(value, floor)
    if ceiling is not None:
        value = min(value, ceiling)
    return value


def _order_statistics(
    n: pd.Series, ordered: pa.ListArray, quantile: float, confidence: float
) -> tuple[list[float | None], list[float | None]]:
    """Order-statistic interval of each group: the l-th and u-th smallest of its sorted values.

    The ranks come from the exact binomial distribution for the group's n (one computation per distinct
    n); the values are read from the sorted lists the engine returned, so no second query is needed.
    """
    offsets = ordered.offsets.to_numpy()
    values = ordered.values.to_numpy(zero_copy_only=False)
    missing = ordered.is_null().to_numpy(zero_copy_only=False)
    ranks: dict[int, tuple[int | None, int | None]] = {}
    low: list[float | None] = []
    high: list[float | None] = []
    for row, count in enumerate(n):
        size = int(offsets[row + 1] - offsets[row])
        if missing[row] or pd.isna(count) or int(count) <= 0 or size != int(count):
            low.append(None)
            high.append(None)
            continue
        if size not in ranks:
            ranks[size] = quantile_rank_interval(size, quantile, confidence)
        first = int(offsets[row])
        rank_low, rank_high = ranks[size]
        low.append(None if rank_low is None else float(values[first + rank_low - 1]))
        high.append(None if rank_high is None else float(values[first + rank_high - 1]))
    return low, high


def _aggregation(kind: MetricKind, sample: Sample, keys: list[str], quantiles: Sequence[float]) -> ir.Table:
    """Counts, sums and moments of `sample` per group of `keys`, as `kind` summarises; with quantiles,
    each as `quantile_i` and the group's sorted values as `ordered`."""
    t = sample.table
    aggs = kind.aggregations(t, quantiles)
    if sample.missing_as:
        aggs[sample.missing_as] = t.value.isnull().cast("int64").sum()
    return t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)


def _summary_frame(
    statement: Statement, backend: ibis.BaseBackend, quantiles: Sequence[float], confidence: float
) -> pd.DataFrame:
    """Run an `_aggregation` statement: one row per group with a value, and for each quantile `i` its
    order-statistic bounds `ci_low_i`, `ci_high_i` picked from the sorted values."""
    if "ordered" not in statement.schema:
        frame = statement.to_pandas(backend)
        return frame[frame["n"].notna()]
    # One query: the sorted values come back as Arrow lists, read without a Python object per value.
    arrow = statement.to_pyarrow(backend)
    frame = statement.frame(arrow, drop=("ordered",))
    ordered = arrow.column("ordered").combine_chunks()
    for i, q in enumerate(quantiles):
        frame[f"ci_low_{i}"], frame[f"ci_high_{i}"] = _order_statistics(frame["n"], ordered, q, confidence)
    return frame[frame["n"].notna()]


def _summarise(
    kind: MetricKind, sample: Sample, keys: list[str], quantiles: list[float], confidence: float
) -> pd.DataFrame:
    """Counts, sums and moments per group; for durations each quantile `i` as `quantile_i` with its
    order-statistic bounds `ci_low_i`, `ci_high_i`, all from one pass over the sample."""
    expr = _aggregation(kind, sample, keys, quantiles)
    return _summary_frame(Statement.compile(expr), ibis.get_backend(expr), quantiles, confidence)


@dataclass(frozen=True)
class _Planned:
    """One metric of a query: its statistics, the quantiles they need, and the sources left out of it."""

    metric: Metric
    stats: list[tuple[str, float | None]]
    quantiles: list[float]
    left_out: tuple[str, ...]


@dataclass(frozen=True)
class _Shape:
    """Metrics summarised by one statement, told apart by `_METRIC_KEY`."""

    metric_ids: tuple[str, ...]
    quantiles: tuple[float, ...]
    statement: Statement


_METRIC_KEY = "_metric"


def _shapes(planned: Sequence[_Planned], ctx: SampleContext, dim_columns: list[str]) -> list[_Shape]:
    """One statement per shape rather than one per metric.

    Metrics of one kind whose samples have the same columns (and the same quantiles, extra dimensions
    and missing-value count) are stacked into one table with the metric's id as a key: it is placed in
    the periods once, and summarised by one aggregation, so the engine reads the facts they share once
    and one statement is compiled.
    """
    groups: dict[tuple[Any, ...], list[tuple[_Planned, Sample, ir.Table]]] = {}
    for plan in planned:
        sample = _SAMPLES[plan.metric.id](ctx)
        t = sample.table
        if plan.left_out:
            t = t.filter(~t.source.isin(plan.left_out))
        wanted = [
            *dim_columns,
            *sample.extra_dims,
            "period_start" if sample.periodic else "anchor_at",
            "value",
            *(["exposure"] if "exposure" in t.columns else []),
        ]
        columns = {c: t[c].cast(t[c].type().copy(nullable=True)) for c in dict.fromkeys(wanted)}
        projected = t.select(**{_METRIC_KEY: ibis.literal(plan.metric.id, "string")}, **columns)
        key = (
            plan.metric.kind_object.name,
            sample.periodic,
            sample.extra_dims,
            sample.missing_as,
            tuple(plan.quantiles),
            projected.schema(),
        )
        groups.setdefault(key, []).append((plan, sample, projected))
    shapes = []
    for members in groups.values():
        first, sample, _ = members[0]
        parts = [projected for _, _, projected in members]
        stacked = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
        placed = stacked if sample.periodic else ctx.place_in_periods(stacked, "anchor_at", local_dates=False)
        keys = [_METRIC_KEY, "period_start", *dim_columns, *sample.extra_dims]
        expr = _aggregation(
            first.metric.kind_object,
            Sample(placed, True, sample.extra_dims, sample.missing_as),
            keys,
            first.quantiles,
        )
        shapes.append(
            _Shape(
                tuple(plan.metric.id for plan, _, _ in members),
                tuple(first.quantiles),
                Statement.compile(expr),
            )
        )
    return shapes


def _summarise_together(
    planned: Sequence[_Planned], ctx: SampleContext, dim_columns: list[str], confidence: float
) -> dict[str, pd.DataFrame]:
    """Each metric's summaries, from the statements of its shape: compiled at the first call of a
    question, and kept for the next (see `_statements`)."""
    backend = ibis.get_backend(ctx.tables.facts)
    key = (
        ctx.statement_key(),
        repr(ctx.settings),
        tuple((p.metric.id, tuple(p.quantiles), p.left_out) for p in planned),
        tuple(dim_columns),
    )
    shapes: list[_Shape] | None = statements.get(key)
    if shapes is None:
        shapes = _shapes(planned, ctx, dim_columns)
        if all(shape.statement.sql is not None for shape in shapes):
            statements.put(key, shapes)
    summaries: dict[str, pd.DataFrame] = {}
    for shape in shapes:
        frame = _summary_frame(shape.statement, backend, shape.quantiles, confidence)
        for metric_id in shape.metric_ids:
            own = frame[frame[_METRIC_KEY] == metric_id].drop(columns=_METRIC_KEY)
            summaries[metric_id] = own.reset_index(drop=True)
    return summaries


def _default_metrics(tables: KpiTables, by: Sequence[str], areas: frozenset[str]) -> list[Metric]:
    """Every ticket metric and the metrics of every other area that holds data, less those whose units
    lack a `by` dimension."""
    return [
        m
        for m in CATALOGUE
        if (m.area == "tickets" or m.area in areas)
        and all(DIMENSIONS[b] in tables.area_facts(m.area).columns for b in by)
    ]


def sample_context(
    tables: KpiTables, settings: Settings, query: KpiQuery, data: _DataRange
) -> tuple[SampleContext, pd.DataFrame] | None:
    """What sample builders read for `query`, and its periods; None when the dates lie outside the
    calendar slots, so that no unit can fall in them."""
    periods = _periods_table(tables, settings, query, *data.period_bounds(query.period))
    if periods.empty:
        return None
    ends = tables.source_instants().get("tickets", {})
    source_ends = pd.DataFrame(
        {
            "source": pd.Series(list(ends), dtype=object),
            "data_end_at": pd.Series([last for _, last in ends.values()], dtype="datetime64[us]"),
        }
    )
    ctx = SampleContext(
        tables=tables,
        periods=tables.frame_table("kpidesk_periods", periods, _PERIODS_SCHEMA),
        source_ends=tables.frame_table("kpidesk_source_ends", source_ends, _SOURCE_ENDS_SCHEMA),
        settings=settings,
        business_hours=query.business_hours,
        period_column=None if query.period == "all" else _PERIOD_COLUMN[query.period],
        first_period=periods.period_start.iloc[0],
        start=query.start,
        end=query.end,
        utc_from=None if query.start is None else _instant(periods.start_at.min()),
        utc_to=None if query.end is None else _instant(periods.end_at.max()),
    )
    return ctx, periods


def _instant(value: Any) -> datetime | None:
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def compute_results(
    tables: KpiTables, settings: Settings, query: KpiQuery, *, summaries: bool = False
) -> pd.DataFrame:
    """KPI results: one row per metric × period × group, with n and confidence bounds; `query.compare`
    is left to `compare_kpis`.

    Without `query.metrics`, the metrics of `_default_metrics`. A metric asked for by name whose units
    lack a `by` dimension reports that dimension empty. With `summaries`, also the `SUMMARY_COLUMNS` the
    values come from, for comparisons.
    """
    metrics = [get_metric(m) for m in query.metrics or ()]
    unknown = [b for b in query.by if b not in DIMENSIONS]
    if unknown:
        raise InvalidRequest(
            f"unknown dimension {unknown[0]!r} for --by; expected one of: {', '.join(DIMENSIONS)}"
        )
    if query.period not in PERIODS:
        raise InvalidRequest(f"unknown period {query.period!r}; expected one of: {', '.join(PERIODS)}")
    asked = [parse_stat(s) for s in ([query.stat] if isinstance(query.stat, str) else query.stat or ())]
    dim_columns = [DIMENSIONS[b] for b in query.by]
    data = _data_range(tables)
    columns = [*RESULT_COLUMNS, *query.by, "small_sample", *STATE_COLUMNS]
    if data is None:
        return pd.DataFrame(columns=columns)
    if not metrics:
        metrics = _default_metrics(tables, query.by, data.areas)
    built = sample_context(tables, settings, query, data)
    if built is None:
        return pd.DataFrame(columns=columns)
    ctx, periods = built
    held = source_capabilities(tables.area_facts, metrics)
    ranges = data_ranges(tables, settings, data)
    planned = []
    for metric in metrics:
        stats = asked or [parse_stat(metric.default_stat)]
        quantiles = list(dict.fromkeys(q for _, q in stats if q is not None))
        planned.append(
            _Planned(
                metric,
                stats,
                quantiles if metric.kind_object.chooses_statistic else [],
                tuple(left_out_sources(metric, held)),
            )
        )
    summarised = _summarise_together(planned, ctx, dim_columns, settings.metrics.confidence)
    frames = []
    for plan in planned:
        metric, stats, quantiles = plan.metric, plan.stats, plan.quantiles
        frame = summarised[metric.id]
        if metric.kind_object.chooses_statistic:
            parts = []
            for name, q in stats:
                part = frame
                if q is not None:
                    i = quantiles.index(q)
                    part = frame.rename(
                        columns={
                            f"quantile_{i}": "quantile",
                            f"ci_low_{i}": "ci_low",
                            f"ci_high_{i}": "ci_high",
                        }
                    )
                parts.append(_finish(metric, part, name, q, settings))
            frame = pd.concat(parts, ignore_index=True)
        else:
            frame = _finish(metric, frame, "", None, settings)
        frame["metric"] = metric.id
        frame["unit"] = metric.unit
        frames.append(frame)
    result = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(
            columns=["metric", "stat", "value", "unit", "n", "period_start", *dim_columns, "small_sample"]
        )
    )
    if len(result):
        result["period_start"] = pd.to_datetime(result["period_start"]).dt.date
        if query.period == "all":
            result["period_end"] = periods.period_end.iloc[0]
        else:
            result["period_end"] = [_period_end(d, query.period) for d in result["period_start"]]
        result["n"] = result["n"].astype("int64")
        result["small_sample"] = result["n"] < settings.metrics.small_sample
    result = result.rename(columns={DIMENSIONS[b]: b for b in query.by})
    stat_names = {
        m.id: [name for name, _ in asked or [parse_stat(m.default_stat)]]
        if m.kind_object.chooses_statistic
        else [m.statistic]
        for m in metrics
    }
    whole = (periods.period_start.min(), periods.period_end.max())
    result = mark_availability(result, metrics, held, stat_names, query.by, whole)
    if not len(result):
        return pd.DataFrame(columns=columns)
    by_source = "source" in query.by

    def row_sources(row: Mapping[str, Any]) -> list[tuple[date, date]] | None:
        """The data ranges a row is measured over; None for a row no source could measure, except over
        the whole period, where it spans its sources' dates."""
        if row["reason"] not in (None, NO_DATA, NO_VALUE) and query.period != "all":
            return None
        metric = get_metric(row["metric"])
        dates = ranges.dates.get(metric.area, {})
        if by_source and isinstance(row.get("source"), str):
            own = [d[row["source"]] for d in ranges.dates.values() if row["source"] in d]
            if own:
                return own
        left = left_out_sources(metric, held)
        return [r for s, r in dates.items() if s not in left] or list(dates.values())

    result = mark_coverage(result, query.period, query.start, query.end, row_sources)
    order = {m.id: i for i, m in enumerate(metrics)}
    result["_order"] = result["metric"].map(order)
    extra = [c for c in ("sla_metric", "unanswered") if c in result.columns]
    result = result.sort_values(
        ["_order", "period_start", *query.by, *[e for e in extra if e == "sla_metric"]],
        na_position="last",
        kind="stable",
    )
    kept = [c for c in SUMMARY_COLUMNS if summaries and c in result.columns]
    result = result[[*RESULT_COLUMNS, *query.by, *extra, "small_sample", *STATE_COLUMNS, *kept]]
    result = result.reset_index(drop=True)
    for col in ("value", "ci_low", "ci_high"):
        result[col] = [
            None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in result[col]
        ]
    return result
