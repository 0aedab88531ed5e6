"""Call facts: one row per call, with what happened to it in the agent queue and how long it was handled.

Written once as Ibis expressions, like the ticket facts, so the same derivation runs on DuckDB and on
Spark. Calls are measured in the workspace's default calendar; a call's team is its agent's team.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_business_seconds

__all__ = ["CALL_FACTS_TABLE", "CALL_INSTANTS", "derive_call_facts"]

CALL_FACTS_TABLE = "call_facts"
#: The instants of a call whose business-seconds value (`<name>_bs`) call_facts carries.
CALL_INSTANTS = ("arrived_at", "answered_at")


def _seconds_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    return (end.epoch_seconds() - start.epoch_seconds()).cast("float64")


def derive_call_facts(calls: ir.Table, agents: ir.Table, slots: ir.Table, *, calendar: str) -> ir.Table:
    """One row per call from the canonical `calls` and `agents` tables.

    `offered`: the call entered the agent queue. `answered`: an offered call an agent picked up.
    `abandoned`: an offered call that was not answered. `wait_s`: seconds in the queue, until the answer
    or until the caller left (`abandoned_at`, else `ended_at`; null when neither is known).
    `handle_s`: talk + hold + wrap with a missing part as 0; null when all three are missing.
    """
    team = agents.select("agent_id", agent_team_id=agents.team_id)
    c = calls.left_join(team, "agent_id").select(calls, team.agent_team_id)
    offered = c.arrived_at.notnull()
    answered = offered & c.answered_at.notnull()
    left_at = ibis.coalesce(c.abandoned_at, c.ended_at)
    wait = ibis.cases(
        (answered, _seconds_between(c.arrived_at, c.answered_at)),
        (offered & left_at.notnull(), _seconds_between(c.arrived_at, left_at)),
        else_=ibis.null("float64"),
    )
    parts = (c.talk_s, c.hold_s, c.wrap_s)
    any_part = parts[0].notnull() | parts[1].notnull() | parts[2].notnull()
    handle = ibis.ifelse(
        any_part, parts[0].fill_null(0.0) + parts[1].fill_null(0.0) + parts[2].fill_null(0.0), None
    )
    facts = c.select(
        "source",
        "call_id",
        "queue",
        "agent_id",
        "customer_id",
        "ticket_id",
        "outcome",
        "arrived_at",
        "answered_at",
        "abandoned_at",
        "ended_at",
        team_id=c.agent_team_id,
        calendar_id=ibis.literal(calendar),
        offered=offered,
        answered=answered,
        abandoned=offered & ~answered,
        wait_s=wait,
        handle_s=handle.cast("float64"),
    )
    return with_business_seconds(facts, CALL_INSTANTS, "calendar_id", slots)
