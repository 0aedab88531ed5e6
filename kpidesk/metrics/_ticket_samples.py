"""Ticket metrics as samples: one row per unit measured, ready to be summarised per period and group.

Each builder returns the rows a metric is computed over (a ticket, a reply stretch, a ticket in a
backlog) with its `value`. Summaries, intervals and periods are the engine's job, so a definition here
reads like the catalogue's sentence.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_business_seconds
from kpidesk.metrics._samples import Sample, SampleContext, dimension_values, duration

__all__ = ["TICKET_SAMPLES"]

_DAY = 86_400


def _unit_key(t: ir.Table) -> ir.Value:
    return t.source.concat("\x1f", t.ticket_id)


def _solved(ctx: SampleContext) -> ir.Table:
    f = ctx.tables.facts
    return f.filter(f.last_solved_at.notnull())


def _anchored(t: ir.Table, anchor: ir.Value, value: ir.Value) -> ir.Table:
    return t.select(*dimension_values(t), unit_key=_unit_key(t), anchor_at=anchor, value=value)


def volume(ctx: SampleContext) -> Sample:
    f = ctx.tables.facts
    return Sample(_anchored(f, f.created_at, ibis.literal(1.0)))


def solved(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(_anchored(f, f.last_solved_at, ibis.literal(1.0)))


def first_reply_time(ctx: SampleContext) -> Sample:
    f = ctx.tables.facts.filter(ctx.tables.facts.frt_start_at.notnull())
    value = ibis.ifelse(
        f.first_reply_at.notnull(), duration(f, "frt_start_at", "first_reply_at", ctx.business_hours), None
    )
    return Sample(_anchored(f, f.created_at, value), missing_as="unanswered")


def reply_time(ctx: SampleContext) -> Sample:
    s = ctx.tables.stretches.filter(ctx.tables.stretches.replied_at.notnull())
    value = duration(s, "stretch_start_at", "replied_at", ctx.business_hours)
    table = s.select(
        *dimension_values(s),
        unit_key=_unit_key(s).concat("\x1f", s.stretch.cast("string")),
        anchor_at=s.replied_at,
        value=value,
    )
    return Sample(table)


def first_resolution_time(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(
        _anchored(f, f.last_solved_at, duration(f, "created_at", "first_solved_at", ctx.business_hours))
    )


def full_resolution_time(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(
        _anchored(f, f.last_solved_at, duration(f, "created_at", "last_solved_at", ctx.business_hours))
    )


def agent_replies(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(_anchored(f, f.last_solved_at, f.agent_replies.cast("float64")))


def reassignments(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(_anchored(f, f.last_solved_at, f.reassignments.cast("float64")))


def one_touch_rate(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    value = (f.agent_replies <= 1) & (f.reopens == 0)
    return Sample(_anchored(f, f.last_solved_at, value))


def _repeat_within(f: ir.Table, days: int) -> ir.Value:
    limit = f.last_solved_at.epoch_seconds() + days * _DAY
    return f.next_contact_at.notnull() & (f.next_contact_at.epoch_seconds() <= limit)


def fcr_rate(ctx: SampleContext) -> Sample:
    options = ctx.settings.metrics
    f = ctx.tables.facts
    f = f.filter(f.last_solved_at.notnull())
    clean = (f.reopens == 0) & ~f.escalated
    if options.fcr == "one_reply":
        value = clean & (f.agent_replies == 1)
    elif options.fcr == "no_customer_followup":
        value = ibis.ifelse(f.customer_followups.isnull(), None, clean & (f.customer_followups == 0))
    else:
        value = (f.reopens == 0) & ~_repeat_within(f, options.fcr_repeat_days)
    return Sample(_anchored(f, f.last_solved_at, value))


def reopen_rate(ctx: SampleContext) -> Sample:
    f = _solved(ctx)
    return Sample(_anchored(f, f.last_solved_at, f.reopens > 0))


def escalation_rate(ctx: SampleContext) -> Sample:
    f = ctx.tables.facts
    return Sample(_anchored(f, f.created_at, f.escalated))


def repeat_contact_rate(ctx: SampleContext) -> Sample:
    f = ctx.tables.facts
    f = f.filter(f.last_solved_at.notnull() & f.customer_id.notnull())
    return Sample(_anchored(f, f.last_solved_at, _repeat_within(f, ctx.settings.metrics.repeat_contact_days)))


def _backlog_rows(ctx: SampleContext, at_start: bool) -> ir.Table:
    """One row per (period, ticket open at the period's end — or start). A source's periods stop at its
    own last instant: the period holding it is measured there, later periods hold none of its tickets."""
    p = ctx.periods
    ends = ctx.source_ends
    # Each source's periods up to its last instant, with the instant its backlog is taken at.
    by_source = p.cross_join(ends).filter(p.start_at <= ends.data_end_at)
    by_source = by_source.select(
        "period_start",
        "source",
        at=by_source.start_at if at_start else ibis.least(by_source.end_at, by_source.data_end_at),
    )
    s = ctx.tables.spans
    rows = by_source.join(
        s,
        [
            by_source.source == s.source,
            s.open_from <= by_source.at,
            s.open_to.isnull() | (s.open_to > by_source.at),
        ],
    )
    return rows.select(by_source.period_start, by_source.at, s)


def backlog(ctx: SampleContext) -> Sample:
    rows = _backlog_rows(ctx, at_start=False)
    return Sample(
        rows.select(
            *dimension_values(rows), "period_start", unit_key=_unit_key(rows), value=ibis.literal(1.0)
        ),
        periodic=True,
    )


def backlog_age(ctx: SampleContext) -> Sample:
    rows = _backlog_rows(ctx, at_start=False)
    if ctx.business_hours:
        rows = with_business_seconds(rows, ("at",), "calendar_id", ctx.tables.slots)
        age = (rows.at_bs - rows.created_at_bs).cast("float64")
    else:
        age = (rows.at.epoch_seconds() - rows.created_at.epoch_seconds()).cast("float64")
    return Sample(
        rows.select(*dimension_values(rows), "period_start", unit_key=_unit_key(rows), value=age),
        periodic=True,
    )


def resolution_rate(ctx: SampleContext) -> Sample:
    open_at_start = _backlog_rows(ctx, at_start=True).select("period_start", "source", "ticket_id")
    p = ctx.periods
    f = ctx.tables.facts
    created = ctx.place_in_periods(
        f.select("source", "ticket_id", "created_at"), "created_at", local_dates=False
    )
    units = open_at_start.union(created.select("period_start", "source", "ticket_id"))
    units = units.join(p, "period_start").select(units, p.start_at, p.end_at)
    units = units.join(f, ["source", "ticket_id"]).select(
        units, *[f[c] for c in f.columns if c not in units.columns]
    )
    solved_in = (units.last_solved_at >= units.start_at) & (units.last_solved_at < units.end_at)
    table = units.select(
        *dimension_values(units), "period_start", unit_key=_unit_key(units), value=solved_in.fill_null(False)
    )
    return Sample(table, periodic=True)


def _sla_target(policy_targets: dict[str, float], priority: ir.Value) -> ir.Value | None:
    if not policy_targets:
        return None
    specific = [(priority == p, float(t)) for p, t in sorted(policy_targets.items()) if p != "*"]
    fallback = policy_targets.get("*")
    if not specific:
        return ibis.literal(float(fallback)) if fallback is not None else None
    return ibis.cases(*specific, else_=ibis.literal(fallback) if fallback is not None else None)


def _sla_value(t: ir.Table, start: str, stop: str, target: ir.Value, business: bool) -> ir.Value:
    """Met, breached, or null while the clock still runs within the target."""
    done = duration(t, start, stop, business)
    waited = duration(t, start, "now_at", business)
    return ibis.cases((t[stop].notnull(), done <= target), (waited > target, False), else_=None)


def _in_calendar(
    t: ir.Table,
    instants: tuple[str, ...],
    calendar: str | None,
    ends: ir.Table,
    now_bs: ir.Table,
    slots: ir.Table,
) -> ir.Table:
    """`t` with `now_at` (its source's last instant: a clock still running stops there, not at another
    source's) and the business seconds of `instants` and of `now_at` in an SLA policy's calendar.

    In the ticket's own calendar (`calendar` None) the facts already carry them; only `now_at`, one
    instant per source and calendar, is looked up. A policy with a calendar of its own measures them
    again in it."""
    t = t.join(ends, "source").select(t, now_at=ends.data_end_at)
    if calendar is None:
        return t.left_join(now_bs, ["source", "calendar_id"]).select(t, now_at_bs=now_bs.now_at_bs)
    t = t.mutate(calendar_id=ibis.literal(calendar)).drop(*[c for c in t.columns if c.endswith("_bs")])
    return with_business_seconds(t, (*instants, "now_at"), "calendar_id", slots)


def sla_attainment(ctx: SampleContext) -> Sample:
    parts: list[ir.Table] = []
    ends = ctx.source_ends
    calendars = ctx.tables.slots.select("calendar_id").distinct()
    now_bs = with_business_seconds(
        ends.cross_join(calendars).select("source", "calendar_id", now_at=ends.data_end_at),
        ("now_at",),
        "calendar_id",
        ctx.tables.slots,
    )
    for name, policy in sorted(ctx.settings.sla_policies.items()):
        instants = ("created_at", "frt_start_at", "first_reply_at", "last_solved_at")
        f = _in_calendar(
            ctx.tables.facts.filter(ctx.tables.facts.sla_policy == name),
            instants,
            policy.calendar,
            ends,
            now_bs,
            ctx.tables.slots,
        )
        business = policy.business_hours
        for metric, start, stop in (
            ("first_reply", "frt_start_at", "first_reply_at"),
            ("resolution", "created_at", "last_solved_at"),
        ):
            g = f.filter(f[start].notnull())
            target = _sla_target(policy.targets.get(metric, {}), g.priority)
            if target is None:
                continue
            parts.append(
                g.select(
                    *dimension_values(g),
                    unit_key=_unit_key(g),
                    anchor_at=g.created_at,
                    value=_sla_value(g, start, stop, target, business),
                    sla_metric=ibis.literal(metric),
                )
            )
        s = _in_calendar(
            ctx.tables.stretches.filter(ctx.tables.stretches.sla_policy == name),
            ("stretch_start_at", "replied_at"),
            policy.calendar,
            ends,
            now_bs,
            ctx.tables.slots,
        )
        target = _sla_target(policy.targets.get("reply", {}), s.priority)
        if target is not None:
            parts.append(
                s.select(
                    *dimension_values(s),
                    unit_key=_unit_key(s).concat("\x1f", s.stretch.cast("string")),
                    anchor_at=s.stretch_start_at,
                    value=_sla_value(s, "stretch_start_at", "replied_at", target, business),
                    sla_metric=ibis.literal("reply"),
                )
            )

    carried = ctx.tables.facts.filter(ctx.tables.facts.sla_met.notnull())
    parts.append(
        carried.select(
            *dimension_values(carried),
            unit_key=_unit_key(carried),
            anchor_at=carried.created_at,
            value=carried.sla_met,
            sla_metric=ibis.literal("source"),
        )
    )
    table = parts[0]
    for part in parts[1:]:
        table = table.union(part)
    return Sample(table, extra_dims=("sla_metric",))


TICKET_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "volume": volume,
    "solved": solved,
    "backlog": backlog,
    "backlog_age": backlog_age,
    "first_reply_time": first_reply_time,
    "reply_time": reply_time,
    "first_resolution_time": first_resolution_time,
    "full_resolution_time": full_resolution_time,
    "agent_replies": agent_replies,
    "reassignments": reassignments,
    "one_touch_rate": one_touch_rate,
    "fcr_rate": fcr_rate,
    "resolution_rate": resolution_rate,
    "reopen_rate": reopen_rate,
    "escalation_rate": escalation_rate,
    "repeat_contact_rate": repeat_contact_rate,
    "sla_attainment": sla_attainment,
}
