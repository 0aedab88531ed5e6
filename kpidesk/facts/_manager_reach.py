"""When each ticket reached a manager, and whether it went further afterwards, derived with the facts.

A ticket reaches a manager at its first `assign` event to an agent whose role is `manager`, or its first
`escalate` event to `manager_level` or above. From then on it has gone further at an `assign` event to
anyone who is not a manager (or to no agent) and at an `escalate` event sending it back below
`manager_level` or above the highest level it had reached. Only tickets with events can be followed this
way; a ticket known only from summary fields has no instant of escalation and has no row.

Deriving it once per import, instead of at every query, spares the management metrics a window over
every assign and escalate event.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["MANAGER_REACH_TABLE", "derive_manager_reach"]

MANAGER_REACH_TABLE = "manager_reach"
_KEY = ["source", "ticket_id"]


def derive_manager_reach(events: ir.Table, agents: ir.Table, manager_level: int) -> ir.Table:
    """One row per ticket that reached a manager: `reached_at`, and `went_further` after it."""
    level = manager_level
    moves = events.filter(events.kind.isin(("assign", "escalate")))
    roles = agents.select(role_agent_id=agents.agent_id, role=agents.role)
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
