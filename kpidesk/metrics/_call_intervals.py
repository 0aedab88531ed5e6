"""Calls per 15-, 30- or 60-minute interval of local time: the arrival and handling profile staffing
plans are built from.

The engine only counts and sums per 15-minute UTC block (integer arithmetic on the arrival's epoch);
Python then gives each block its local interval with `zoneinfo`. Every time zone in use is offset from
UTC by a multiple of 15 minutes and changes its clock on a quarter hour, so a block never straddles two
local intervals, and a DST day simply has 23 or 25 hours of intervals (the repeated hour twice, told
apart by its UTC start and offset).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.calendars import local_interval_start, local_midnight
from kpidesk.metrics._samples import DIMENSIONS
from kpidesk.workspace import Settings

__all__ = ["INTERVAL_COLUMNS", "INTERVAL_MINUTES", "call_intervals"]

INTERVAL_MINUTES = (15, 30, 60)
#: The columns every interval row has, after the `by` dimensions.
INTERVAL_COLUMNS = (
    "offered",
    "answered",
    "abandoned",
    "mean_handle_s",
    "mean_wait_s",
    "handled",
    "handle_sum_s",
    "queue_time_s",
    "timed_abandons",
)
_BLOCK_S = 900
_SUMS = (
    "offered",
    "answered",
    "abandoned",
    "handle_sum",
    "handle_n",
    "wait_sum",
    "wait_n",
    "queue_time",
    "timed_abandons",
)


def _block_sums(
    calls: ir.Table, lo: int | None, hi: int | None, queue: str | None, columns: list[str]
) -> pd.DataFrame:
    c = calls.filter(calls.offered)
    if queue is not None:
        c = c.filter(c.queue == queue)
    epoch = c.arrived_at.epoch_seconds().floor().cast("int64")
    c = c.mutate(_epoch=epoch, block=(epoch // _BLOCK_S).cast("int64") * _BLOCK_S)
    if lo is not None:
        c = c.filter(c._epoch >= lo)
    if hi is not None:
        c = c.filter(c._epoch < hi)
    handle = ibis.ifelse(c.answered, c.handle_s, None)
    wait = ibis.ifelse(c.answered, c.wait_s, None)
    return (
        c.group_by("block", *columns)
        .aggregate(
            offered=c.count(),
            answered=c.answered.cast("int64").sum(),
            abandoned=c.abandoned.cast("int64").sum(),
            handle_sum=handle.sum(),
            handle_n=handle.count(),
            wait_sum=wait.sum(),
            wait_n=wait.count(),
            queue_time=c.wait_s.sum(),
            timed_abandons=(c.abandoned & c.wait_s.notnull()).cast("int64").sum(),
        )
        .execute()
    )


def call_intervals(
    calls: ir.Table,
    settings: Settings,
    *,
    minutes: int = 30,
    start: date | None = None,
    end: date | None = None,
    queue: str | None = None,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Offered calls per local interval of the default calendar, from `call_facts`.

    One row per interval (and `by` group) from the first to the last local date — `start` and `end`,
    else those of the calls — including intervals without calls, so that a staffing profile has its
    zeros. A call is in the interval of its arrival in the queue: `offered`, `answered` and `abandoned`
    count calls; `mean_handle_s` (talk + hold + wrap) and `mean_wait_s` (arrival to answer) are over the
    answered calls that have them, empty when there are none. For estimates pooled over many intervals,
    the sums behind them too: `handled` calls with a handle time and their `handle_sum_s`, and
    `queue_time_s`, the seconds every offered call with a known wait spent in the queue (answered or not),
    beside `timed_abandons`, the abandoned calls among them: patience is estimated from these two.
    `interval_start` is local time with its UTC offset, `interval_start_utc` the same instant in UTC
    without zone.
    """
    if minutes not in INTERVAL_MINUTES:
        raise InvalidRequest(f"unknown interval of {minutes} minutes; expected one of 15, 30 or 60")
    unknown = [b for b in by if b not in DIMENSIONS or DIMENSIONS[b] not in calls.columns]
    if unknown:
        raise InvalidRequest(
            f"calls cannot be grouped by {unknown[0]!r}; expected queue, agent, team or source"
        )
    if start is not None and end is not None and end < start:
        raise InvalidRequest(f"the last date ({end}) is before the first ({start})")
    zone = ZoneInfo(settings.calendars[settings.default_calendar].timezone)
    columns = [DIMENSIONS[b] for b in by]
    lo = local_midnight(start, zone) if start is not None else None
    hi = local_midnight(end + timedelta(days=1), zone) if end is not None else None
    blocks = _block_sums(calls, lo, hi, queue, columns)
    out_columns = ["interval_start", "interval_start_utc", *by, *INTERVAL_COLUMNS]
    if lo is None or hi is None:
        if blocks.empty:
            return pd.DataFrame(columns=out_columns)
        first = datetime.fromtimestamp(int(blocks.block.min()), zone).date()
        last = datetime.fromtimestamp(int(blocks.block.max()), zone).date()
        lo = lo if lo is not None else local_midnight(first, zone)
        hi = hi if hi is not None else local_midnight(last + timedelta(days=1), zone)
    starts = sorted({local_interval_start(b, minutes, zone) for b in range(lo, hi, _BLOCK_S)})
    blocks["interval"] = [local_interval_start(int(b), minutes, zone) for b in blocks.block]
    for name in _SUMS:
        blocks[name] = pd.to_numeric(blocks[name]).fillna(0).astype("float64")
    sums = blocks.groupby(["interval", *columns], dropna=False, as_index=False)[list(_SUMS)].sum()
    groups = sums[columns].drop_duplicates() if columns else pd.DataFrame(index=[0])
    grid = pd.DataFrame({"interval": starts}).merge(groups, how="cross")
    frame = grid.merge(sums, on=["interval", *columns], how="left")
    frame[list(_SUMS)] = frame[list(_SUMS)].fillna(0.0)
    for name in ("offered", "answered", "abandoned", "handle_n", "timed_abandons"):
        frame[name] = frame[name].astype("int64")
    frame["mean_handle_s"] = (frame.handle_sum / frame.handle_n).where(frame.handle_n > 0)
    frame["mean_wait_s"] = (frame.wait_sum / frame.wait_n).where(frame.wait_n > 0)
    frame = frame.rename(
        columns={"handle_n": "handled", "handle_sum": "handle_sum_s", "queue_time": "queue_time_s"}
    )
    frame["interval_start_utc"] = [
        datetime.fromtimestamp(s, UTC).replace(tzinfo=None) for s in frame.interval
    ]
    frame["interval_start"] = [datetime.fromtimestamp(s, zone) for s in frame.interval]
    frame = frame.rename(columns={DIMENSIONS[b]: b for b in by})
    frame = frame.sort_values(["interval", *by], na_position="last", kind="stable")
    return frame[out_columns].reset_index(drop=True)
