"""Which days of a period the data covers, source by source.

Sources in one workspace rarely span the same dates: a call log of one month, a helpdesk export of two
years. A result row is measured over the days its sources hold data; the first and last periods of the
data are only partly covered. Each row says which days it covers (`covered_from`, `covered_to`,
`days_covered`) and whether that is less than its whole period (`partial`), so that a week of five days
is never read as a whole week, and a comparison can set the same days of the earlier period beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pandas as pd

__all__ = [
    "COVERAGE_COLUMNS",
    "SourceInstants",
    "SourceRanges",
    "covered_days",
    "mark_coverage",
    "source_instants",
    "source_ranges",
]

COVERAGE_COLUMNS = ("partial", "covered_from", "covered_to", "days_covered")


@dataclass(frozen=True)
class SourceRanges:
    """Per area, per source: the first and last instant of its data (UTC), and the same as local dates of
    the default calendar."""

    instants: Mapping[str, Mapping[str, tuple[datetime, datetime]]]
    dates: Mapping[str, Mapping[str, tuple[date, date]]]


def _local_date(instant: datetime, zone: ZoneInfo) -> date:
    return pd.Timestamp(instant).tz_localize("UTC").tz_convert(zone).date()


#: Per area, per source: the first and last instant of its data (UTC).
SourceInstants = Mapping[str, Mapping[str, tuple[datetime, datetime]]]


def source_instants(
    area_facts: Callable[[str], ir.Table], area_instants: Mapping[str, Sequence[ir.Value]]
) -> SourceInstants:
    """Each area's first and last instant per source (`area_instants`), all areas in one query."""
    parts = []
    for area, values in area_instants.items():
        t = area_facts(area)
        firsts, lasts = [v.min() for v in values], [v.max() for v in values]
        parts.append(
            t.group_by(source=t.source.cast("string")).aggregate(
                area=ibis.literal(area),
                first=(ibis.least(*firsts) if len(firsts) > 1 else firsts[0]).cast("timestamp"),
                last=(ibis.greatest(*lasts) if len(lasts) > 1 else lasts[0]).cast("timestamp"),
            )
        )
    if not parts:
        return {}
    frame = ibis.union(*parts).execute()
    instants: dict[str, dict[str, tuple[datetime, datetime]]] = {area: {} for area in area_instants}
    for r in frame.itertuples():
        if not pd.isna(r.first) and not pd.isna(r.last):
            first, last = pd.Timestamp(r.first).to_pydatetime(), pd.Timestamp(r.last).to_pydatetime()
            instants[str(r.area)][str(r.source)] = (first, last)
    return instants


def source_ranges(
    instants: SourceInstants, timezone: str, background: Mapping[str, tuple[datetime, datetime]]
) -> SourceRanges:
    """Each source's data range per area, from the instants that set the periods (`source_instants`).

    `background` areas (hires, customer sign-ups reaching years back) take the given range instead: their
    rows are measured over the activity data's dates, not over their own history.
    """
    zone = ZoneInfo(timezone)
    chosen = {
        area: {"": background[area]} if area in background else dict(by_source)
        for area, by_source in instants.items()
    }
    dates = {
        area: {s: (_local_date(a, zone), _local_date(b, zone)) for s, (a, b) in by_source.items()}
        for area, by_source in chosen.items()
    }
    return SourceRanges(chosen, dates)


def covered_days(
    period_start: date, period_end: date, ranges: Sequence[tuple[date, date]]
) -> tuple[date, date, int] | None:
    """The first and last covered day of the period and the number of days covered by any of `ranges`;
    None when none of them reaches into the period."""
    days: set[date] = set()
    for first, last in ranges:
        lo, hi = max(first, period_start), min(last, period_end)
        days.update(lo + timedelta(days=i) for i in range((hi - lo).days + 1))
    if not days:
        return None
    return min(days), max(days), len(days)


def _natural_end(start: date, period: str) -> date:
    """The last day of the period that starts on `start` (`day`, `week`, `month`, `quarter`, `year`)."""
    if period == "day":
        return start
    if period == "week":
        return start + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def mark_coverage(
    result: pd.DataFrame,
    period: str,
    start: date | None,
    end: date | None,
    row_sources: Callable[[Mapping[str, Any]], Sequence[tuple[date, date]] | None],
) -> pd.DataFrame:
    """`result` with the `COVERAGE_COLUMNS`: of each row's period (cut to `start`–`end`), the days within
    the data ranges of its sources (`row_sources`). For the `all` period without dates, the row's
    period is its own data's range. A row whose sources are None covers nothing and is not partial."""
    frame = result.copy()
    columns: dict[str, list[Any]] = {c: [] for c in ("period_start", "period_end", *COVERAGE_COLUMNS)}
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        sources = row_sources(row)
        first, last = row["period_start"], row["period_end"]
        if sources is None:
            columns["period_start"].append(first)
            columns["period_end"].append(last)
            columns["covered_from"].append(None)
            columns["covered_to"].append(None)
            columns["days_covered"].append(0)
            columns["partial"].append(False)
            continue
        ranges = list(sources)
        if period == "all":
            first = start or min((a for a, _ in ranges), default=first)
            last = end or max((b for _, b in ranges), default=last)
            natural = (first, last)
        else:
            natural = (first, _natural_end(first, period))
        lo, hi = max(natural[0], start or natural[0]), min(natural[1], end or natural[1])
        covered = covered_days(lo, hi, ranges) if lo <= hi else None
        length = (natural[1] - natural[0]).days + 1
        columns["period_start"].append(first)
        columns["period_end"].append(last)
        columns["covered_from"].append(covered[0] if covered else None)
        columns["covered_to"].append(covered[1] if covered else None)
        columns["days_covered"].append(covered[2] if covered else 0)
        columns["partial"].append(covered is None or covered[2] < length)
    for column, values in columns.items():
        frame[column] = pd.Series(values, index=frame.index, dtype="object")
    frame["days_covered"] = frame["days_covered"].astype("int64")
    frame["partial"] = frame["partial"].astype(bool)
    return frame
