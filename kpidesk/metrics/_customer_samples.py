"""Customer metrics as samples: the customers active at each period's start and whether they churned in it.

A customer is active at the period's start when created at or before it and not churned before it, so one
who churns exactly at the start instant is still in that period's base and counts as its churn; one who
churns exactly at the period's end belongs to the next period. Customers without a creation date cannot be
placed in time and are left out.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values

__all__ = ["CUSTOMER_SAMPLES"]


def _active_at_start(ctx: SampleContext) -> ir.Table:
    """One row per (period, customer active at its start) with whether the customer churned in it."""
    p = ctx.periods
    c = ctx.tables.customers.filter(ctx.tables.customers.created_at.notnull())
    rows = p.join(c, [c.created_at <= p.start_at, c.churned_at.isnull() | (c.churned_at >= p.start_at)])
    rows = rows.select(p.period_start, p.end_at, c)
    return rows.mutate(churned=rows.churned_at.notnull() & (rows.churned_at < rows.end_at))


def _sample(rows: ir.Table, value: ir.Value) -> Sample:
    table = rows.select(*dimension_values(rows), "period_start", unit_key=rows.customer_id, value=value)
    return Sample(table, periodic=True)


def churn_rate(ctx: SampleContext) -> Sample:
    rows = _active_at_start(ctx)
    return _sample(rows, rows.churned)


def customer_retention_rate(ctx: SampleContext) -> Sample:
    rows = _active_at_start(ctx)
    return _sample(rows, ~rows.churned)


CUSTOMER_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "churn_rate": churn_rate,
    "customer_retention_rate": customer_retention_rate,
}
