"""Business seconds and local periods of timestamp columns, by joining the slot table in the engine.

The same Ibis expression runs on DuckDB and on Spark: an equi-join on (calendar, UTC day) plus a
range filter that matches exactly one slot, then integer arithmetic. No time zone function runs in the
engine; everything local was worked out in Python when the slots were built.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

__all__ = ["PERIODS", "with_business_seconds", "with_local_periods"]

#: Local period columns of the slot table, added by `with_local_periods` as `<column>_<suffix>`.
PERIODS = {"date": "local_date", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}

_EPOCH = "_kpidesk_epoch"
_UTC_DAY = "_kpidesk_utc_day"
_SLOT = "_kpidesk_slot_"


def _join_slot(
    table: ibis.Table,
    column: str,
    slots: ibis.Table,
    calendar_column: str | None,
    slot_columns: Sequence[str],
) -> ibis.Table:
    """`table` left-joined to the one slot holding each row's `column` instant (nulls when there is none).

    The slot's columns come back prefixed with `_kpidesk_slot_`; with no `calendar_column`, `slots` must
    already hold a single calendar.
    """
    epoch = table[column].epoch_seconds().floor().cast("int64")
    left = table.mutate(**{_EPOCH: epoch, _UTC_DAY: (epoch // 86400).cast("int64")})
    wanted = {"calendar_id", "utc_day", "slot_start", "slot_end", *slot_columns}
    right = slots.select(**{_SLOT + name: slots[name] for name in sorted(wanted)})
    predicates = [
        left[_UTC_DAY] == right[_SLOT + "utc_day"],
        right[_SLOT + "slot_start"] <= left[_EPOCH],
        left[_EPOCH] < right[_SLOT + "slot_end"],
    ]
    if calendar_column is not None:
        predicates.insert(0, left[calendar_column] == right[_SLOT + "calendar_id"])
    return left.left_join(right, predicates)


def _business_seconds(joined: ibis.Table) -> ir.IntegerValue:
    def slot(name: str) -> ir.IntegerValue:
        return joined[_SLOT + name].cast("int64")

    into_slot = joined[_EPOCH] - slot("slot_start")
    clamped = ibis.greatest(ibis.least(into_slot, slot("open_to")), slot("open_from"))
    return (slot("cum_before") + clamped - slot("open_from")).cast("int64")


def with_business_seconds(
    table: ibis.Table, columns: Sequence[str], calendar_column: str, slots: ibis.Table
) -> ibis.Table:
    """`table` plus `<C>_bs` for each timestamp column C: business seconds at C in the row's calendar.

    `calendar_column` names each row's calendar id. `<C>_bs` is null when C is null or falls outside the
    slots; a business duration is the difference of two such columns in the same calendar. Timestamps are
    UTC without zone and are floored to whole seconds. Row count and the original columns are unchanged.
    """
    result = table
    for column in dict.fromkeys(columns):
        name = f"{column}_bs"
        joined = _join_slot(result, column, slots, calendar_column, ("cum_before", "open_from", "open_to"))
        kept = [c for c in result.columns if c != name]
        result = joined.select(*kept, **{name: _business_seconds(joined)})
    return result


def with_local_periods(table: ibis.Table, column: str, calendar_id: str, slots: ibis.Table) -> ibis.Table:
    """`table` plus `<C>_date`, `<C>_week`, `<C>_month`, `<C>_quarter`, `<C>_year` in calendar `calendar_id`.

    These are the local date of C and the first days of its week (the calendar's week start), month,
    quarter and year, for bucketing into periods; null when C is null or outside the slots.
    """
    one_calendar = slots.filter(slots.calendar_id == calendar_id)
    joined = _join_slot(table, column, one_calendar, None, tuple(PERIODS.values()))
    added = {f"{column}_{suffix}": joined[_SLOT + source] for suffix, source in PERIODS.items()}
    kept = [c for c in table.columns if c not in added]
    return joined.select(*kept, **added)
