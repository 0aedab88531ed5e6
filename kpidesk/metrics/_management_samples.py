"""Management metrics as samples: tickets that reached a manager, placed in the period they reached one.

When a ticket reached a manager and whether it went further afterwards are derived with the facts (see
`kpidesk.facts.derive_manager_reach`); a ticket known only from summary fields has no instant of
escalation and is not counted.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values
from kpidesk.warehouse import SOLVED_STATUSES

__all__ = ["MANAGEMENT_SAMPLES"]

_KEY = ["source", "ticket_id"]


def _with_ticket(ctx: SampleContext) -> ir.Table:
    reached = ctx.tables.manager_reach
    f = ctx.tables.facts
    return reached.join(f, _KEY).select(reached.reached_at, reached.went_further, f)


def _anchored(t: ir.Table, value: ir.Value) -> ir.Table:
    unit_key = t.source.concat("\x1f", t.ticket_id)
    return t.select(*dimension_values(t), unit_key=unit_key, anchor_at=t.reached_at, value=value)


def manager_escalations(ctx: SampleContext) -> Sample:
    return Sample(_anchored(_with_ticket(ctx), ibis.literal(1.0)))


def manager_resolution_rate(ctx: SampleContext) -> Sample:
    t = _with_ticket(ctx)
    solved_now = t.status.isin(SOLVED_STATUSES).fill_null(False)
    solved_there = t.last_solved_at.notnull() & (t.last_solved_at >= t.reached_at)
    value = ibis.cases(
        (t.went_further, False),
        (solved_now, solved_there.fill_null(False)),
        else_=ibis.null("boolean"),
    )
    return Sample(_anchored(t, value))


MANAGEMENT_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "manager_escalations": manager_escalations,
    "manager_resolution_rate": manager_resolution_rate,
}
