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
    "TICKET_DIMENSIONS",
    "annotate_messages",
    "derive_open_spans",
    "derive_reply_stretches",
    "derive_ticket_facts",
    "nullable",
    "status_changes",
]

#: What a ticket is grouped by; reply stretches and open spans carry them too, so KPIs need no join.
TICKET_DIMENSIONS = ("team_id", "agent_id", "channel", "priority", "category", "sla_policy", "calendar_id")

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


def nullable(t: ir.Table) -> ir.Table:
    """The same table with every column nullable, so that set operations accept both sides."""
    return t.cast({name: dtype.copy(nullable=True) for name, dtype in t.schema().items()})


def _ordered_events(events: ir.Table) -> ir.Table:
    """Events with the flags the derivation reads and the rank that orders `created` first."""
    message = events.kind == "message"
    public = events.public.fill_null(True)
    customer_created = (events.kind == "created") & (events.actor_type.fill_null("customer") == "customer")
    is_customer = (message & (events.actor_type == "customer") & public) | customer_created
    is_agent = message & (events.actor_type == "agent") & public
    return events.mutate(
        is_customer=is_customer.fill_null(False),
        is_agent=is_agent.fill_null(False),
        order_rank=ibis.ifelse(events.kind == "created", 0, 1),
    )


def _per_ticket(**frame: int | None) -> ibis.Window:
    """A window over one ticket's events in event order; the event id breaks ties."""
    return ibis.window(
        group_by=[ibis._.source, ibis._.ticket_id],
        order_by=[ibis._.at, ibis._.order_rank, ibis._.event_id],
        **frame,
    )


def annotate_messages(events: ir.Table) -> ir.Table:
    """Public customer and agent messages, each with what came before and after it in one window pass.

    `agents_before` counts the agent messages up to this one, so the customer messages that share it form
    one stretch awaiting a reply; `next_agent_at` is the agent message that answers them.
    """
    ev = _ordered_events(events)
    msgs = ev.filter(ev.is_customer | ev.is_agent)
    return msgs.select(
        "source",
        "ticket_id",
        "at",
        "is_customer",
        "is_agent",
        is_first=ibis.row_number().over(_per_ticket()) == 0,
        customer_seen=msgs.is_customer.cast("int32").max().over(_per_ticket(preceding=None, following=0)),
        agents_before=msgs.is_agent.cast("int64").sum().over(_per_ticket(preceding=None, following=0)),
        next_agent_at=ibis.ifelse(msgs.is_agent, msgs.at, None)
        .min()
        .over(_per_ticket(preceding=0, following=None)),
    )


def status_changes(events: ir.Table) -> ir.Table:
    """Every status event with whether it solves or reopens the ticket, and whether it is the last one."""
    ev = _ordered_events(events)
    statuses = ev.filter((ev.kind == "status") & ev.status.notnull())
    solved_now = statuses.status.isin(SOLVED_STATUSES)
    w = _per_ticket()
    was_solved = solved_now.lag().over(w).fill_null(False)
    return statuses.select(
        "source",
        "ticket_id",
        "event_id",
        "at",
        "order_rank",
        "status",
        solves=solved_now & ~was_solved,
        reopens=~solved_now & was_solved,
        is_last=statuses.at.lead().over(w).isnull(),
    )


def _message_facts(messages: ir.Table) -> ir.Table:
    m = messages
    customer_stretch = ibis.ifelse(m.is_customer, m.agents_before, None)
    return m.group_by(["source", "ticket_id"]).aggregate(
        ev_first_customer_at=m.at.min(where=m.is_customer),
        ev_first_reply_at=m.at.min(where=m.is_agent & (m.customer_seen == 1)),
        ev_agent_replies=m.is_agent.cast("int64").sum(),
        ev_customer_messages=m.is_customer.cast("int64").sum(),
        ev_stretches=customer_stretch.nunique(),
        ev_agent_opened=(m.is_agent & m.is_first).any(),
    )


def _status_facts(changes: ir.Table) -> ir.Table:
    t = changes
    return t.group_by(["source", "ticket_id"]).aggregate(
        ev_first_solved_at=t.at.min(where=t.solves),
        ev_last_solved_at=t.at.max(where=t.solves),
        ev_closed_at=t.at.min(where=t.status == "closed"),
        ev_reopens=t.reopens.cast("int64").sum(),
        ev_status=t.status.max(where=t.is_last),
    )


def _assignment_facts(ev: ir.Table) -> ir.Table:
    assigns = ev.filter(ev.kind == "assign")
    w = _per_ticket()
    first = ibis.row_number().over(w) == 0
    changed = ~first & (
        (assigns.agent_id.fill_null("") != assigns.agent_id.lag().over(w).fill_null(""))
        | (assigns.team_id.fill_null("") != assigns.team_id.lag().over(w).fill_null(""))
    )
    assigns = assigns.mutate(changed=changed, is_last=assigns.at.lead().over(w).isnull())
    return assigns.group_by(["source", "ticket_id"]).aggregate(
        ev_reassignments=assigns.changed.cast("int64").sum(),
        ev_agent_id=assigns.agent_id.max(where=assigns.is_last),
        ev_team_id=assigns.team_id.max(where=assigns.is_last),
    )


def _escalation_facts(ev: ir.Table) -> ir.Table:
    return ev.group_by(["source", "ticket_id"]).aggregate(
        escalate_events=(ev.kind == "escalate").cast("int64").sum(),
        max_event_level=ev.level.max(),
        event_created_at=ev.at.min(),
        last_event_at=ev.at.max(),
        event_count=ev.count(),
    )


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
    messages: ir.Table,
    changes: ir.Table,
    slots: ir.Table,
    *,
    team_calendars: Mapping[str, str],
    default_calendar: str,
) -> ir.Table:
    """One row per ticket from the canonical tables and the annotated messages and status changes.

    All inputs may already be limited to the tickets being re-derived. `next_contact_at`, the creation of
    the same customer's next ticket (in any source; equal instants ordered by source and id), which repeat
    contact and FCR read, then only sees those tickets: the refresh sets it again for their customers.
    """
    ev = _ordered_events(events)
    msg = _message_facts(messages)
    status = _status_facts(changes)
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
    for part in (msg, status, assigns):
        j = j.left_join(part, list(_KEY)).select(j, *[part[c] for c in part.columns if c not in _KEY])

    has_events = j.event_count.fill_null(0) > 0
    summary_solved = j.status.isin(SOLVED_STATUSES).fill_null(False)
    agent_opened = ibis.ifelse(has_events, j.ev_agent_opened.fill_null(False), False)
    max_level = ibis.greatest(j.max_event_level.fill_null(0), j.escalation_level.fill_null(0))
    summary_solve = ibis.ifelse(summary_solved, j.closed_at, None)
    facts = j.select(
        source=j.source,
        ticket_id=j.ticket_id,
        created_at=j.created_at,
        channel=j.channel,
        priority=j.priority,
        status=ibis.coalesce(j.ev_status, j.status),
        customer_id=j.customer_id,
        agent_id=ibis.coalesce(j.agent_id, j.ev_agent_id),
        team_id=ibis.coalesce(j.team_id, j.ev_team_id),
        category=j.category,
        sla_policy=j.sla_policy,
        sla_met=j.sla_met,
        has_events=has_events,
        agent_opened=agent_opened,
        frt_start_at=ibis.ifelse(agent_opened, j.ev_first_customer_at, j.created_at),
        first_reply_at=ibis.ifelse(has_events, j.ev_first_reply_at, j.first_reply_at),
        first_solved_at=ibis.ifelse(
            has_events,
            j.ev_first_solved_at,
            ibis.coalesce(j.first_solved_at, j.last_solved_at, summary_solve),
        ),
        last_solved_at=ibis.ifelse(
            has_events, j.ev_last_solved_at, ibis.coalesce(j.last_solved_at, j.first_solved_at, summary_solve)
        ),
        closed_at=ibis.ifelse(has_events, j.ev_closed_at, j.closed_at),
        agent_replies=ibis.ifelse(has_events, j.ev_agent_replies.fill_null(0), j.agent_reply_count),
        customer_messages=ibis.ifelse(has_events, j.ev_customer_messages.fill_null(0), None),
        # Stretches after the first are the customer writing again after a reply.
        customer_followups=ibis.ifelse(has_events, ibis.greatest(j.ev_stretches.fill_null(0) - 1, 0), None),
        reassignments=ibis.ifelse(has_events, j.ev_reassignments.fill_null(0), j.reassignment_count),
        reopens=ibis.ifelse(has_events, j.ev_reopens.fill_null(0), j.reopen_count),
        escalated=(j.escalate_events.fill_null(0) > 0) | (max_level > 1),
        max_level=max_level,
        last_event_at=j.last_event_at,
    )
    facts = facts.mutate(calendar_id=_calendar_column(facts, team_calendars, default_calendar))
    same_customer = ibis.window(
        group_by=facts.customer_id, order_by=[facts.created_at, facts.source, facts.ticket_id]
    )
    facts = facts.mutate(
        next_contact_at=ibis.ifelse(
            facts.customer_id.notnull(), facts.created_at.lead().over(same_customer), None
        )
    )
    return with_business_seconds(facts, FACT_INSTANTS, "calendar_id", slots)


def derive_reply_stretches(messages: ir.Table, facts: ir.Table, slots: ir.Table) -> ir.Table:
    """Each run of unanswered customer messages and the agent message that answers it (ticket's calendar)."""
    customers = messages.filter(messages.is_customer)
    stretches = customers.group_by(["source", "ticket_id", "agents_before"]).aggregate(
        stretch_start_at=customers.at.min(),
        replied_at=customers.next_agent_at.min(),
    )
    w = ibis.window(group_by=[stretches.source, stretches.ticket_id], order_by=stretches.agents_before)
    stretches = stretches.select(
        "source", "ticket_id", "stretch_start_at", "replied_at", stretch=ibis.row_number().over(w) + 1
    )
    ticket = facts.select(*_KEY, *TICKET_DIMENSIONS)
    stretches = stretches.join(ticket, list(_KEY)).select(stretches, *[ticket[c] for c in TICKET_DIMENSIONS])
    return with_business_seconds(stretches, ("stretch_start_at", "replied_at"), "calendar_id", slots)


def derive_open_spans(changes: ir.Table, facts: ir.Table) -> ir.Table:
    """When each ticket was open, for the backlog: from creation (or a reopen) to the next solve."""
    ticket = (*TICKET_DIMENSIONS, "created_at", "created_at_bs")
    first_span = facts.select(*_KEY, *ticket, open_from=facts.created_at, open_to=facts.first_solved_at)
    # Solves and reopens alternate, so the change after a reopen is the solve that ends its span.
    moves = changes.filter(changes.solves | changes.reopens)
    moves = moves.mutate(next_change_at=moves.at.lead().over(_per_ticket()))
    reopened = moves.filter(moves.reopens)
    reopen_spans = reopened.join(facts, list(_KEY)).select(
        reopened.source,
        reopened.ticket_id,
        *[facts[c] for c in ticket],
        open_from=reopened.at,
        open_to=reopened.next_change_at,
    )
    return nullable(first_span).union(nullable(reopen_spans))
