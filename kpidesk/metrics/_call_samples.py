"""Call metrics as samples: one row per call measured, placed in the period of its arrival in the queue;
repeat contacts across calls and tickets; and the agents' staffed time calls are measured against.

Each builder reads `call_facts` (and, for staffing, `agent_states`) and returns the units a metric is
computed over with their `value`, so a definition here reads like the catalogue's sentence.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_local_periods
from kpidesk.facts import LOCAL_PERIOD_COLUMNS, derive_agent_shifts, staffed_agent_days
from kpidesk.metrics._people_samples import STAFFED_STATES
from kpidesk.metrics._samples import Sample, SampleContext, dimension_values, duration

__all__ = ["CALL_SAMPLES"]

_DAY = 86_400
_HOUR = 3_600.0


def _anchored(c: ir.Table, value: ir.Value) -> ir.Table:
    return c.select(
        *dimension_values(c), unit_key=c.source.concat("\x1f", c.call_id), anchor_at=c.arrived_at, value=value
    )


def _offered(ctx: SampleContext) -> ir.Table:
    return ctx.tables.calls.filter(ctx.tables.calls.offered)


def _answered(ctx: SampleContext) -> ir.Table:
    return ctx.tables.calls.filter(ctx.tables.calls.answered)


def offered(ctx: SampleContext) -> Sample:
    return Sample(_anchored(_offered(ctx), ibis.literal(1.0)))


def answered(ctx: SampleContext) -> Sample:
    return Sample(_anchored(_answered(ctx), ibis.literal(1.0)))


def abandoned(ctx: SampleContext) -> Sample:
    c = ctx.tables.calls.filter(ctx.tables.calls.abandoned)
    return Sample(_anchored(c, ibis.literal(1.0)))


def abandonment_rate(ctx: SampleContext) -> Sample:
    c = _offered(ctx)
    return Sample(_anchored(c, c.abandoned))


def asa(ctx: SampleContext) -> Sample:
    c = _answered(ctx)
    # A caller waits in real time: the same clock as service level and abandonment, whatever the hours.
    return Sample(_anchored(c, duration(c, "arrived_at", "answered_at", business=False)))


def service_level(ctx: SampleContext) -> Sample:
    options = ctx.settings.metrics
    c = _offered(ctx)
    if options.short_abandon_seconds > 0:
        short = c.abandoned & c.wait_s.notnull() & (c.wait_s < options.short_abandon_seconds)
        c = c.filter(~short)
    in_time = c.answered & (c.wait_s <= options.service_level_seconds)
    return Sample(_anchored(c, in_time.fill_null(False)))


def aht(ctx: SampleContext) -> Sample:
    c = _answered(ctx)
    c = c.filter(c.handle_s.notnull())
    return Sample(_anchored(c, c.handle_s))


def _contacts(ctx: SampleContext) -> ir.Table:
    """Every contact a customer made: tickets at their creation, offered calls at their arrival.

    `contact_key` orders contacts of the same instant; `ticket_id` is a ticket's own id and `linked_ticket`
    the ticket a call was logged in, so that a call and its own ticket are not repeats of each other.
    """
    f, c = ctx.tables.facts, ctx.tables.calls.filter(ctx.tables.calls.offered)
    tickets = f.filter(f.customer_id.notnull()).select(
        k_customer_id=f.customer_id,
        k_at=f.created_at,
        k_key=ibis.literal("t\x1f").concat(f.source, "\x1f", f.ticket_id),
        k_ticket_id=f.ticket_id,
        k_linked_ticket=ibis.null("string"),
    )
    calls = c.filter(c.customer_id.notnull()).select(
        k_customer_id=c.customer_id,
        k_at=c.arrived_at,
        k_key=ibis.literal("c\x1f").concat(c.source, "\x1f", c.call_id),
        k_ticket_id=ibis.null("string"),
        k_linked_ticket=c.ticket_id,
    )
    return tickets.union(calls)


def _with_repeat(units: ir.Table, contacts: ir.Table, days: int) -> ir.Table:
    """`units` (contact_key, customer_id, start_at, end_at, ticket_id, linked_ticket) plus `repeated`:
    whether the customer made another contact after the unit started and no later than `days` days after
    it ended. A later contact at the same instant is told apart by its key."""
    u = units
    k = contacts
    same = ibis.coalesce(u.linked_ticket == k.k_ticket_id, False) | ibis.coalesce(
        k.k_linked_ticket == u.ticket_id, False
    )
    later = (k.k_at > u.start_at) | ((k.k_at == u.start_at) & (k.k_key > u.contact_key))
    limit = u.end_at.epoch_seconds() + days * _DAY
    joined = u.join(k, [u.customer_id == k.k_customer_id, later, k.k_at.epoch_seconds() <= limit, ~same])
    repeats = joined.select(repeat_key=joined.contact_key).distinct()
    marked = u.left_join(repeats, u.contact_key == repeats.repeat_key)
    return marked.select(u, repeated=marked.repeat_key.notnull())


def _answered_call_units(ctx: SampleContext) -> ir.Table:
    """Answered calls of a known customer as repeat-contact units: handled from arrival to their end."""
    c = ctx.tables.calls.filter(ctx.tables.calls.answered & ctx.tables.calls.customer_id.notnull())
    return c.mutate(
        contact_key=ibis.literal("c\x1f").concat(c.source, "\x1f", c.call_id),
        start_at=c.arrived_at,
        end_at=ibis.coalesce(c.ended_at, c.answered_at),
        linked_ticket=c.ticket_id,
        ticket_id=ibis.null("string"),
    )


def call_fcr_rate(ctx: SampleContext) -> Sample:
    units = _with_repeat(_answered_call_units(ctx), _contacts(ctx), ctx.settings.metrics.fcr_repeat_days)
    return Sample(_anchored(units, ~units.repeated))


def cross_channel_repeat_rate(ctx: SampleContext) -> Sample:
    days = ctx.settings.metrics.repeat_contact_days
    contacts = _contacts(ctx)
    calls = _with_repeat(_answered_call_units(ctx), contacts, days)
    f = ctx.tables.facts.filter(
        ctx.tables.facts.last_solved_at.notnull() & ctx.tables.facts.customer_id.notnull()
    )
    tickets = f.mutate(
        contact_key=ibis.literal("t\x1f").concat(f.source, "\x1f", f.ticket_id),
        start_at=f.created_at,
        end_at=f.last_solved_at,
        linked_ticket=ibis.null("string"),
    )
    tickets = _with_repeat(tickets, contacts, days)
    parts = [
        t.select(*dimension_values(t), unit_key=t.contact_key, anchor_at=anchor, value=t.repeated)
        for t, anchor in ((calls, calls.arrived_at), (tickets, tickets.last_solved_at))
    ]
    return Sample(parts[0].union(parts[1]))


def _with_team(t: ir.Table, ctx: SampleContext) -> ir.Table:
    teams = ctx.tables.agents.select(
        team_agent_id=ctx.tables.agents.agent_id, team_id=ctx.tables.agents.team_id
    )
    joined = t.left_join(teams, t.agent_id == teams.team_agent_id)
    return joined.select(t, teams.team_id)


def _in_periods(ctx: SampleContext, t: ir.Table) -> ir.Table:
    """Rows carrying local period columns, limited to the chosen dates, with their `period_start`."""
    if ctx.start is not None:
        t = t.filter(t.local_date >= ctx.start)
    if ctx.end is not None:
        t = t.filter(t.local_date <= ctx.end)
    if ctx.period_column is None:
        return t.mutate(period_start=ibis.literal(ctx.first_period))
    column = "local_date" if ctx.period_column == "date" else ctx.period_column
    return t.mutate(period_start=t[column])


#: Each local period column of an agent-day and the suffix `with_local_periods` gives it.
_LOCAL_PERIODS = dict(zip(LOCAL_PERIOD_COLUMNS, ("date", "week", "month", "quarter", "year"), strict=True))


def _tracked_answered(ctx: SampleContext) -> ir.Table:
    """Answered calls of agents whose states are recorded: calls of anyone else have no staffed time to
    be measured against."""
    tracked = ctx.tables.agent_states.select("agent_id").distinct()
    c = ctx.tables.calls
    return c.filter(c.answered & c.agent_id.notnull()).semi_join(tracked, "agent_id")


def _agent_days(ctx: SampleContext) -> ir.Table:
    """One row per agent and local day with staffed time or answered calls, for agents whose states are
    recorded: staffed_s, handle_s (talk + hold + wrap of the calls they answered that day) and answered."""
    calendar = ctx.settings.default_calendar
    staffed = staffed_agent_days(
        ctx.tables.agent_states, ctx.tables.slots, calendar=calendar, staffed=STAFFED_STATES
    )
    c = with_local_periods(_tracked_answered(ctx), "answered_at", calendar, ctx.tables.slots)
    keys = [c.agent_id.name("h_agent_id")]
    keys += [c[f"answered_at_{p}"].name(f"h_{p}") for p in _LOCAL_PERIODS.values()]
    handled = c.group_by(keys).aggregate(
        handle_s=c.handle_s.fill_null(0.0).sum(), answered=c.count().cast("float64")
    )
    days = staffed.outer_join(
        handled, [staffed.agent_id == handled.h_agent_id, staffed.local_date == handled.h_date]
    )
    return days.select(
        agent_id=ibis.coalesce(days.agent_id, days.h_agent_id),
        **{
            column: ibis.coalesce(days[column], days[f"h_{suffix}"])
            for column, suffix in _LOCAL_PERIODS.items()
        },
        staffed_s=days.staffed_s.fill_null(0.0),
        handle_s=days.handle_s.fill_null(0.0),
        answered=days.answered.fill_null(0.0),
    )


def _day_key(t: ir.Table) -> ir.Value:
    return t.agent_id.concat("\x1f", t.local_date.cast("string"))


def occupancy(ctx: SampleContext) -> Sample:
    d = _with_team(_in_periods(ctx, _agent_days(ctx)), ctx)
    table = d.select(
        *dimension_values(d), "period_start", unit_key=_day_key(d), value=d.handle_s, exposure=d.staffed_s
    )
    return Sample(table, periodic=True)


def calls_per_hour(ctx: SampleContext) -> Sample:
    """One row per agent-day's staffed hours (no value) and one per answered call (value 1), so that `n`
    counts the calls, like the other per-staffed-hour rates."""
    d = _with_team(_in_periods(ctx, _agent_days(ctx)), ctx)
    hours = d.select(
        *dimension_values(d),
        "period_start",
        unit_key=_day_key(d),
        value=ibis.null("float64"),
        exposure=d.staffed_s / _HOUR,
    )
    c = with_local_periods(
        _tracked_answered(ctx), "answered_at", ctx.settings.default_calendar, ctx.tables.slots
    )
    c = _in_periods(
        ctx,
        c.select(
            "agent_id",
            "team_id",
            unit_key=c.source.concat("\x1f", c.call_id),
            **{column: c[f"answered_at_{suffix}"] for column, suffix in _LOCAL_PERIODS.items()},
        ),
    )
    calls = c.select(
        *dimension_values(c), "period_start", "unit_key", value=ibis.literal(1.0), exposure=ibis.literal(0.0)
    )
    return Sample(hours.union(calls), periodic=True)


def calls_per_shift(ctx: SampleContext) -> Sample:
    shifts = derive_agent_shifts(ctx.tables.agent_states, staffed=STAFFED_STATES)
    c = ctx.tables.calls.filter(ctx.tables.calls.answered & ctx.tables.calls.agent_id.notnull())
    c = c.select(c_agent_id=c.agent_id, c_answered_at=c.answered_at, c_call_id=c.call_id)
    joined = shifts.left_join(
        c,
        [
            shifts.agent_id == c.c_agent_id,
            c.c_answered_at >= shifts.shift_start,
            c.c_answered_at < shifts.shift_end,
        ],
    )
    counted = joined.group_by("agent_id", "shift_start").aggregate(calls=joined.c_call_id.count())
    s = _with_team(counted, ctx)
    table = s.select(
        *dimension_values(s),
        unit_key=s.agent_id.concat("\x1f", s.shift_start.cast("string")),
        anchor_at=s.shift_start,
        value=s.calls.cast("float64"),
    )
    return Sample(table)


CALL_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "offered": offered,
    "answered": answered,
    "abandoned": abandoned,
    "abandonment_rate": abandonment_rate,
    "asa": asa,
    "service_level": service_level,
    "aht": aht,
    "call_fcr_rate": call_fcr_rate,
    "cross_channel_repeat_rate": cross_channel_repeat_rate,
    "occupancy": occupancy,
    "calls_per_hour": calls_per_hour,
    "calls_per_shift": calls_per_shift,
}
