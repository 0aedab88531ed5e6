"""Ticket facts: one row per ticket, derived from its events (or from the summary fields of its source).

Written once as Ibis expressions so that the same derivation runs on DuckDB and on Spark. The rules are
the design's: bot and system messages and private notes never count as replies; an agent-opened ticket's
first-reply clock starts at the first customer message after the agent's; windows always carry a
tie-breaker so that equal timestamps give the same order on every engine.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_business_seconds
from kpidesk.warehouse import SOLVED_STATUSES

__all__ = [
    "FACT_INSTANTS",
    "TicketFactTables",
    "derive_ticket_facts",
    "nullable",
]

#: The instants of a ticket whose business-seconds value (`<name>_bs`) ticket_facts carries.
FACT_INSTANTS = (
    "created_at",
    "frt_start_at",
    "first_reply_at",
    "first_solved_at",
    "last_solved_at",
    "closed_at",
)

_KEY = ("source", "ticket_id")


class TicketFactTables:
    """The three fact expressions built from one set of canonical tables."""

    def __init__(self, ticket_facts: ir.Table, reply_stretches: ir.Table, open_spans: ir.Table) -> None:
        self.ticket_facts = ticket_facts
        self.reply_stretches = reply_stretches
        self.open_spans = open_spans


def nullable(t: ir.Table) -> ir.Table:
    """The same table with every column nullable, so that set operations accept both sides."""
    return t.cast({name: dtype.copy(nullable=True) for name, dtype in t.schema().items()})


def _ordered_events(events: ir.Table) -> ir.Table:
    """Events with the flags the derivation reads, ordered per ticket with a tie-breaker."""
    message = events.kind == "message"
    public = events.public.fill_null(True)
    customer_created = (events.kind == "created") & (events.actor_type.fill_null("customer") == "customer")
    is_customer = (message & (events.actor_type == "customer") & public) | customer_created
    is_agent = message & (events.actor_type == "agent") & public
    solved_now = events.status.isin(SOLVED_STATUSES)
    return events.mutate(
        is_customer=is_customer,
        is_agent=is_agent,
        is_status=(events.kind == "status") & events.status.notnull(),
        solved_now=solved_now.fill_null(False),
        order_rank=ibis.ifelse(events.kind == "created", 0, 1),
    )


def _per_ticket(*, descending: bool = False, **frame: int | None) -> ibis.Window:
    """A window over one ticket's events in event order; the event id breaks ties."""
    order = [ibis._.at, ibis._.order_rank, ibis._.event_id]
    return ibis.window(
        group_by=[ibis._.source, ibis._.ticket_id],
        order_by=[c.desc() for c in order] if descending else order,
        **frame,
    )


def _message_facts(ev: ir.Table) -> ir.Table:
    """First reply, agent replies, customer follow-ups, per ticket."""
    running = _per_ticket(preceding=None, following=0)
    public_messages = ev.filter(ev.is_customer | ev.is_agent)
    seen = public_messages.mutate(
        customer_seen=public_messages.is_customer.cast("int8").max().over(running) == 1,
    )
    seen = seen.mutate(is_reply=seen.is_agent & seen.customer_seen)
    seen = seen.mutate(replied_so_far=seen.is_reply.cast("int8").max().over(running))
    seen = seen.mutate(replied_before=seen.replied_so_far.lag().over(_per_ticket()).fill_null(0) == 1)
    first_message = public_messages.mutate(rn=ibis.row_number().over(_per_ticket()))
    first_message = first_message.filter(first_message.rn == 0).select(
        "source", "ticket_id", agent_opened=first_message.is_agent
    )
    agg = seen.group_by(["source", "ticket_id"]).aggregate(
        ev_first_customer_at=seen.at.min(where=seen.is_customer),
        ev_first_reply_at=seen.at.min(where=seen.is_reply),
        ev_agent_replies=seen.is_agent.cast("int64").sum(),
        ev_customer_messages=seen.is_customer.cast("int64").sum(),
        ev_customer_followups=(seen.is_customer & seen.replied_before).cast("int64").sum(),
    )
    return agg.join(first_message, list(_KEY), how="left").select(
        agg, ev_agent_opened=first_message.agent_opened.fill_null(False)
    )


def _status_transitions(ev: ir.Table) -> ir.Table:
    """Status events with the solve / reopen transitions they make."""
    statuses = ev.filter(ev.is_status)
    w = _per_ticket()
    statuses = statuses.mutate(
        was_solved=statuses.solved_now.lag().over(w).fill_null(False),
        rn_desc=ibis.row_number().over(_per_ticket(descending=True)),
    )
    return statuses.mutate(
        solves=statuses.solved_now & ~statuses.was_solved,
        reopens=~statuses.solved_now & statuses.was_solved,
    )


def _status_facts(transitions: ir.Table) -> ir.Table:
    t = transitions
    return t.group_by(["source", "ticket_id"]).aggregate(
        ev_first_solved_at=t.at.min(where=t.solves),
        ev_last_solved_at=t.at.max(where=t.solves),
        ev_closed_at=t.at.min(where=t.status == "closed"),
        ev_reopens=t.reopens.cast("int64").sum(),
        ev_status=t.status.max(where=t.rn_desc == 0),
    )


def _assignment_facts(ev: ir.Table) -> ir.Table:
    assigns = ev.filter(ev.kind == "assign")
    w = _per_ticket()
    prev_agent = assigns.agent_id.lag().over(w)
    prev_team = assigns.team_id.lag().over(w)
    first = ibis.row_number().over(w) == 0
    changed = ~first & (
        (assigns.agent_id.fill_null("") != prev_agent.fill_null(""))
        | (assigns.team_id.fill_null("") != prev_team.fill_null(""))
    )
    assigns = assigns.mutate(changed=changed, rn_desc=ibis.row_number().over(_per_ticket(descending=True)))
    return assigns.group_by(["source", "ticket_id"]).aggregate(
        ev_reassignments=assigns.changed.cast("int64").sum(),
        ev_agent_id=assigns.agent_id.max(where=assigns.rn_desc == 0),
        ev_team_id=assigns.team_id.max(where=assigns.rn_desc == 0),
    )


def _escalation_facts(ev: ir.Table) -> ir.Table:
    return ev.group_by(["source", "ticket_id"]).aggregate(
        escalate_events=(ev.kind == "escalate").cast("int64").sum(),
        max_event_level=ev.level.max(),
        event_created_at=ev.at.min(),
        last_event_at=ev.at.max(),
        event_count=ev.count(),
    )


def _reply_stretches(ev: ir.Table) -> ir.Table:
    """Each run of unanswered customer messages and the public agent message that answers it."""
    msgs = ev.filter(ev.is_customer | ev.is_agent)
    w = _per_ticket()
    prev_customer = msgs.is_customer.lag().over(w).fill_null(False)
    msgs = msgs.mutate(starts=(msgs.is_customer & ~prev_customer).cast("int64"))
    cumulative = _per_ticket(preceding=None, following=0)
    msgs = msgs.mutate(stretch=msgs.starts.sum().over(cumulative))
    stretches = (
        msgs.filter(msgs.stretch > 0)
        .group_by(["source", "ticket_id", "stretch"])
        .aggregate(
            stretch_start_at=msgs.at.min(where=msgs.is_customer),
            replied_at=msgs.at.min(where=msgs.is_agent),
        )
    )
    return stretches


def _calendar_column(table: ir.Table, team_calendars: Mapping[str, str], default_calendar: str) -> ir.Value:
    value: ir.Value = ibis.literal(default_calendar)
    if team_calendars:
        value = ibis.cases(
            *[(table.team_id == team, cal) for team, cal in sorted(team_calendars.items())],
            else_=default_calendar,
        )
    return value


def derive_ticket_facts(
    tickets: ir.Table,
    events: ir.Table,
    slots: ir.Table,
    *,
    team_calendars: Mapping[str, str],
    default_calendar: str,
) -> TicketFactTables:
    """Build ticket_facts, reply_stretches and ticket_open_spans from canonical tables.

    `tickets` and `events` may already be filtered to the tickets being re-derived.
    """
    ev = _ordered_events(events)
    messages = _message_facts(ev)
    transitions = _status_transitions(ev)
    status = _status_facts(transitions)
    assigns = _assignment_facts(ev)
    escal = _escalation_facts(ev)

    # Tickets known only from their events still get a row: created at their first event.
    event_only = escal.anti_join(tickets, list(_KEY)).select(
        "source", "ticket_id", created_at=escal.event_created_at
    )
    base_cols = [c for c in tickets.columns if c not in ("source", "ticket_id", "created_at", "import_id")]
    event_only = event_only.mutate(**{c: ibis.null(tickets[c].type()) for c in base_cols})
    base = nullable(tickets.select("source", "ticket_id", "created_at", *base_cols)).union(
        nullable(event_only.select("source", "ticket_id", "created_at", *base_cols))
    )

    j = base.left_join(escal, list(_KEY)).select(
        base, escal.escalate_events, escal.max_event_level, escal.last_event_at, escal.event_count
    )
    j = j.left_join(messages, list(_KEY)).select(j, *[messages[c] for c in messages.columns if c not in _KEY])
    j = j.left_join(status, list(_KEY)).select(j, *[status[c] for c in status.columns if c not in _KEY])
    j = j.left_join(assigns, list(_KEY)).select(j, *[assigns[c] for c in assigns.columns if c not in _KEY])

    has_events = j.event_count.fill_null(0) > 0
    summary_solved = j.status.isin(SOLVED_STATUSES).fill_null(False)
    team_id = ibis.coalesce(j.team_id, j.ev_team_id)
    max_level = ibis.greatest(j.max_event_level.fill_null(0), j.escalation_level.fill_null(0))
    facts = j.select(
        source=j.source,
        ticket_id=j.ticket_id,
        created_at=j.created_at,
        channel=j.channel,
        priority=j.priority,
        status=ibis.coalesce(j.ev_status, j.status),
        customer_id=j.customer_id,
        agent_id=ibis.coalesce(j.agent_id, j.ev_agent_id),
        team_id=team_id,
        category=j.category,
        sla_policy=j.sla_policy,
        sla_met=j.sla_met,
        has_events=has_events,
        agent_opened=ibis.ifelse(has_events, j.ev_agent_opened.fill_null(False), False),
        frt_start_at=ibis.ifelse(
            has_events,
            ibis.ifelse(j.ev_agent_opened.fill_null(False), j.ev_first_customer_at, j.created_at),
            j.created_at,
        ),
        first_reply_at=ibis.ifelse(has_events, j.ev_first_reply_at, j.first_reply_at),
        first_solved_at=ibis.ifelse(
            has_events,
            j.ev_first_solved_at,
            ibis.coalesce(
                j.first_solved_at, j.last_solved_at, ibis.ifelse(summary_solved, j.closed_at, None)
            ),
        ),
        last_solved_at=ibis.ifelse(
            has_events,
            j.ev_last_solved_at,
            ibis.coalesce(
                j.last_solved_at, j.first_solved_at, ibis.ifelse(summary_solved, j.closed_at, None)
            ),
        ),
        closed_at=ibis.ifelse(has_events, j.ev_closed_at, j.closed_at),
        agent_replies=ibis.ifelse(has_events, j.ev_agent_replies.fill_null(0), j.agent_reply_count),
        customer_messages=ibis.ifelse(has_events, j.ev_customer_messages.fill_null(0), None),
        customer_followups=ibis.ifelse(has_events, j.ev_customer_followups.fill_null(0), None),
        reassignments=ibis.ifelse(has_events, j.ev_reassignments.fill_null(0), j.reassignment_count),
        reopens=ibis.ifelse(has_events, j.ev_reopens.fill_null(0), j.reopen_count),
        escalated=(j.escalate_events.fill_null(0) > 0) | (max_level > 1),
        max_level=max_level,
        last_event_at=j.last_event_at,
    )
    facts = facts.mutate(calendar_id=_calendar_column(facts, team_calendars, default_calendar))
    facts = with_business_seconds(facts, FACT_INSTANTS, "calendar_id", slots)

    # Reply stretches, in the ticket's calendar.
    stretches = _reply_stretches(ev)
    cal = facts.select("source", "ticket_id", "calendar_id")
    stretches = stretches.join(cal, list(_KEY)).select(stretches, cal.calendar_id)
    stretches = with_business_seconds(stretches, ("stretch_start_at", "replied_at"), "calendar_id", slots)

    # Open spans for the backlog: from creation (or a reopen) to the next solve.
    first_span = facts.select(
        "source", "ticket_id", open_from=facts.created_at, open_to=facts.first_solved_at
    )
    # Solves and reopens alternate, so the change after a reopen is the solve that ends its span.
    changes = transitions.filter(transitions.solves | transitions.reopens)
    w = _per_ticket()
    changes = changes.mutate(next_change_at=changes.at.lead().over(w))
    reopen_spans = changes.filter(changes.reopens).select(
        "source", "ticket_id", open_from=changes.at, open_to=changes.next_change_at
    )
    spans = nullable(first_span).union(nullable(reopen_spans))
    facts_created = facts.select("source", "ticket_id", ticket_created_at=facts.created_at)
    spans = spans.join(facts_created, list(_KEY)).select(spans, facts_created.ticket_created_at)
    return TicketFactTables(facts, stretches, spans)
