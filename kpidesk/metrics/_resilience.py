"""Resilience: a KPI on the days a named person was absent against the days they were present, with the
difference and its confidence interval (see `_differences`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.metrics._catalogue import Metric, get_metric
from kpidesk.metrics._compute import (
    _SAMPLES,
    KpiQuery,
    _data_range,
    _finish,
    _summarise,
    parse_stat,
    sample_context,
)
from kpidesk.metrics._differences import joint_confidence, significant
from kpidesk.metrics._kinds import KINDS
from kpidesk.metrics._samples import Sample
from kpidesk.metrics._tables import KpiTables
from kpidesk.workspace import Settings

__all__ = ["RESILIENCE_COLUMNS", "resilience"]

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


def _num(row: Mapping[str, Any], column: str) -> float | None:
    value = row.get(column)
    return None if value is None or pd.isna(value) else float(value)


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
            kind,
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
                    "significant": significant(low, high),
                    "present_n": present_n,
                    "absent_n": absent_n,
                    "present_days": int(days.get("present", 0)),
                    "absent_days": int(days.get("absent", 0)),
                    "small_sample": min(present_n, absent_n) < settings.metrics.small_sample,
                    **group,
                }
            )
    return pd.DataFrame(rows, columns=[*RESILIENCE_COLUMNS, *extra])
