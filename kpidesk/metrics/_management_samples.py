"""Management metrics as samples: tickets that reached a manager, placed in the period they reached one.

A ticket reaches a manager at its first `assign` event to an agent whose role is `manager`, or its first
`escalate` event to `manager_level` or above. From then on it has gone further at an `assign` event to
anyone who is not a manager (or to no agent) and at an `escalate` event sending it back below
`manager_level` or above the highest level it had reached. Only tickets with events can be followed this
way; a ticket known only from summary fields has no instant of escalation and is not counted.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values
from kpidesk.warehouse import SOLVED_STATUSES

__all__ = ["MANAGEMENT_SAMPLES"]

_KEY = ["source", "ticket_id"]


def _manager_tickets(ctx: SampleContext) -> ir.Table:
    """One row per ticket that reached a manager: when it did, and whether it went further afterwards."""
    level = ctx.settings.metrics.manager_level
    events = ctx.tables.events
    moves = events.filter(events.kind.isin(("assign", "escalate")))
    roles = ctx.tables.agents.select(role_agent_id=ctx.tables.agents.agent_id, role=ctx.tables.agents.role)
    moves = moves.left_join(roles, moves.agent_id == roles.role_agent_id).select(
        "source", "ticket_id", "event_id", "at", "kind", "agent_id", "level", "role"
    )
    in_order = ibis.window(group_by=[moves.source, moves.ticket_id], order_by=[moves.at, moves.event_id])
    to_manager = (moves.kind == "assign") & (moves.role == "manager").fill_null(False)
    reaches = to_manager | ((moves.kind == "escalate") & (moves.level >= level).fill_null(False))
    moves = moves.mutate(
        seq=ibis.row_number().over(in_order),
        reaches=reaches,
        level_so_far=moves.level.max().over(
            ibis.window(
                group_by=[moves.source, moves.ticket_id],
                order_by=[moves.at, moves.event_id],
                preceding=None,
                following=0,
            )
        ),
    )
    moves = moves.mutate(prior_level=moves.level_so_far.lag().over(in_order).fill_null(0))
    ticket = ibis.window(group_by=[moves.source, moves.ticket_id])
    moves = moves.mutate(reach_seq=ibis.ifelse(moves.reaches, moves.seq, None).min().over(ticket))
    sent_back = moves.level < level
    sent_above = moves.level > ibis.greatest(moves.prior_level, level)
    leaves = ibis.ifelse(
        moves.kind == "assign",
        ~to_manager,
        (sent_back | sent_above).fill_null(True),
    )
    after_reach = moves.reach_seq.notnull() & (moves.seq > moves.reach_seq)
    moves = moves.mutate(leaves_after=after_reach & leaves).filter(ibis._.reach_seq.notnull())
    return moves.group_by(_KEY).aggregate(
        reached_at=moves.at.min(where=moves.reaches),
        went_further=moves.leaves_after.any(),
    )


def _with_ticket(ctx: SampleContext) -> ir.Table:
    reached = _manager_tickets(ctx)
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
