"""The slot table: every calendar's timeline cut into slots with at most one open interval each.

With one open interval per slot, business time at any instant is integer arithmetic on one row:
`business_s(t) = cum_before + clamp(t − slot_start, open_from, open_to) − open_from`. A slot is repeated
for every UTC day it overlaps, so finding the slot of an instant is an equi-join on
(calendar_id, utc_day) plus a filter, which DuckDB and Spark both run as a hash join.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa

from kpidesk import InvalidRequest
from kpidesk.calendars._calendar import BusinessCalendar
from kpidesk.workspace import CalendarSettings

__all__ = ["SLOTS_TABLE", "SLOT_SCHEMA", "build_slots", "slot_range_for", "write_calendar_slots"]

SLOTS_TABLE = "calendar_slots"
SLOT_SCHEMA = pa.schema(
    [
        ("calendar_id", pa.string()),
        ("utc_day", pa.int64()),
        ("slot_start", pa.int64()),
        ("slot_end", pa.int64()),
        ("cum_before", pa.int64()),
        ("open_from", pa.int32()),
        ("open_to", pa.int32()),
        ("local_date", pa.date32()),
        ("week", pa.date32()),
        ("month", pa.date32()),
        ("quarter", pa.date32()),
        ("year", pa.date32()),
    ]
)
_DAY = 86400


def _calendar_rows(
    calendar_id: str, calendar: BusinessCalendar, start: date, end: date, columns: dict[str, list[object]]
) -> None:
    cum = 0
    day = start
    while day <= end:
        day_start, day_end = calendar.day_bounds(day)
        opens = calendar.open_intervals(day)
        # A split-shift day is cut at the close of each interval but the last, so each slot keeps one.
        cuts = [day_start, *(closes for _, closes in opens[:-1]), day_end]
        week = day - timedelta(days=(day.weekday() - calendar.week_start) % 7)
        periods = (
            day,
            week,
            day.replace(day=1),
            date(day.year, 3 * ((day.month - 1) // 3) + 1, 1),
            date(day.year, 1, 1),
        )
        for index in range(len(cuts) - 1):
            slot_start, slot_end = cuts[index], cuts[index + 1]
            opens_at, closes_at = opens[index] if opens else (slot_start, slot_start)
            open_from, open_to = opens_at - slot_start, closes_at - slot_start
            for utc_day in range(slot_start // _DAY, (slot_end - 1) // _DAY + 1):
                row = (calendar_id, utc_day, slot_start, slot_end, cum, open_from, open_to, *periods)
                for name, value in zip(SLOT_SCHEMA.names, row, strict=True):
                    columns[name].append(value)
            cum += open_to - open_from
        day += timedelta(days=1)


def build_slots(calendars: Mapping[str, CalendarSettings], start: date, end: date) -> pa.Table:
    """Slots of every calendar (keyed by its id) from local midnight of `start` to local midnight after `end`.

    `cum_before` counts from each calendar's first slot, so business seconds are only comparable within
    one calendar and one build; durations (differences) are what callers use.
    """
    if end < start:
        raise InvalidRequest(f"slot range ends ({end}) before it starts ({start})")
    columns: dict[str, list[object]] = {name: [] for name in SLOT_SCHEMA.names}
    for calendar_id, settings in calendars.items():
        _calendar_rows(calendar_id, BusinessCalendar(settings), start, end, columns)
    return pa.table(columns, schema=SLOT_SCHEMA)


def write_calendar_slots(
    con: duckdb.DuckDBPyConnection, calendars: Mapping[str, CalendarSettings], start: date, end: date
) -> None:
    """Replace the warehouse's `calendar_slots` table, sorted by the join key so DuckDB can skip blocks."""
    slots = build_slots(calendars, start, end)
    view = "__kpidesk_new_calendar_slots"
    con.register(view, slots)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {SLOTS_TABLE} AS "
            f"SELECT * FROM {view} ORDER BY calendar_id, utc_day, slot_start"
        )
    finally:
        con.unregister(view)


def _as_date(value: datetime | date | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    return value


def slot_range_for(min_ts: datetime | date | None, max_ts: datetime | date | None) -> tuple[date, date]:
    """Dates to build slots for: Jan 1 of the year before the first instant to Dec 31 of the year after.

    The margin covers every time zone's local date of an instant and leaves room for data that arrives
    later; a missing bound (an empty table) means today.
    """
    first, last = _as_date(min_ts), _as_date(max_ts)
    if last < first:
        first, last = last, first
    return date(max(first.year - 1, 1), 1, 1), date(min(last.year + 1, 9999), 12, 31)
