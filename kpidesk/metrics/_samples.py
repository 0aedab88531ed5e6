"""What every metric sample shares: the `--by` dimensions, the context builders read, the sample itself.

A builder (in `_ticket_samples` or `_call_samples`) returns the rows a metric is computed over with their
`value`; summaries, intervals and periods are the engine's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_local_periods
from kpidesk.metrics._tables import KpiTables
from kpidesk.workspace import Settings

__all__ = ["DIMENSIONS", "Sample", "SampleContext", "dimension_values", "duration"]

#: `--by` names and the fact columns they group on. A unit without the column (a call has no channel, a
#: ticket no queue) is grouped under an empty value.
DIMENSIONS = {
    "team": "team_id",
    "agent": "agent_id",
    "channel": "channel",
    "priority": "priority",
    "category": "category",
    "source": "source",
    "sla_policy": "sla_policy",
    "calendar": "calendar_id",
    "queue": "queue",
    "segment": "segment",
    "country": "country",
}
_DIM_COLUMNS = tuple(dict.fromkeys(DIMENSIONS.values()))
_MARGIN = timedelta(days=1)


@dataclass
class SampleContext:
    """What a sample builder reads: the tables, and the periods and options of the query."""

    tables: KpiTables
    #: Periods for stocks: period_start, period_end (dates), start_at, end_at (UTC instants).
    periods: ir.Table
    #: Each ticket source's last instant (`source`, `data_end_at`): its backlog and pending clocks stop there.
    source_ends: ir.Table
    settings: Settings
    business_hours: bool
    #: Local period of the slot table to group by (`week`…), or None for one period from `first_period`.
    period_column: str | None
    first_period: date
    start: date | None = None
    end: date | None = None
    #: The UTC instants the chosen dates lie within (None: no date chosen on that side).
    utc_from: datetime | None = None
    utc_to: datetime | None = None

    def statement_key(self) -> tuple[object, ...]:
        """What the statements built from this context depend on besides the metrics asked for: the
        tables' layout and every option a builder reads (`periods` and `source_ends` are read by name)."""
        return (
            self.tables.layout(),
            self.business_hours,
            self.period_column,
            self.first_period if self.period_column is None else None,
            self.start,
            self.end,
            self.utc_from,
            self.utc_to,
        )

    def place_in_periods(self, table: ir.Table, column: str, *, local_dates: bool = True) -> ir.Table:
        """Rows with the `period_start` of their instant `column`, limited to the chosen dates; with
        `local_dates`, also the local date, week, month… of the instant (`<column>_date`…).

        Rows are first kept within the dates' UTC bounds (a day wider, so no local date is cut), which
        the engine applies while reading the facts, before any of them is joined to the slots. A single
        period without local dates needs no slots at all: its chosen days are exactly the UTC instants
        from `utc_from` to `utc_to`."""
        if self.period_column is None and not local_dates:
            return self._within_chosen_days(table, column).mutate(
                period_start=ibis.literal(self.first_period)
            )
        if self.utc_from is not None:
            table = table.filter(table[column] >= self.utc_from - _MARGIN)
        if self.utc_to is not None:
            table = table.filter(table[column] < self.utc_to + _MARGIN)
        t = with_local_periods(table, column, self.settings.default_calendar, self.tables.slots)
        local_date = t[f"{column}_date"]
        if self.start is not None:
            t = t.filter(local_date >= self.start)
        if self.end is not None:
            t = t.filter(local_date <= self.end)
        if self.period_column is None:
            return t.mutate(period_start=ibis.literal(self.first_period))
        return t.mutate(period_start=t[f"{column}_{self.period_column}"])

    def _within_chosen_days(self, table: ir.Table, column: str) -> ir.Table:
        """Rows whose instant `column` lies on the chosen days, read from their UTC bounds (none when a
        chosen side has no day in the calendar slots)."""
        if self.start is not None:
            table = table.filter(
                table[column] >= self.utc_from if self.utc_from is not None else ibis.literal(False)
            )
        if self.end is not None:
            table = table.filter(
                table[column] < self.utc_to if self.utc_to is not None else ibis.literal(False)
            )
        return table


@dataclass
class Sample:
    """Rows to summarise. `anchor_at` places a row in a period, unless the rows already carry
    `period_start` (`periodic`). `extra_dims` are dimensions the metric always reports (e.g. sla_metric);
    `missing_as` names the count of rows without a value (e.g. unanswered tickets for first reply time)."""

    table: ir.Table
    periodic: bool = False
    extra_dims: tuple[str, ...] = ()
    missing_as: str | None = None


def dimension_values(t: ir.Table) -> list[ir.Value]:
    """Every dimension column of `t`, and an empty one for each dimension its units do not have."""
    return [t[c] if c in t.columns else ibis.null("string").name(c) for c in _DIM_COLUMNS]


def duration(t: ir.Table, start: str, end: str, business: bool) -> ir.Value:
    """Seconds from instant `start` to `end`: on the clock, or business seconds from their `_bs` columns."""
    if business:
        return (t[f"{end}_bs"] - t[f"{start}_bs"]).cast("float64")
    return (t[end].epoch_seconds() - t[start].epoch_seconds()).cast("float64")
