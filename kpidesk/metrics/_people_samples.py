"""People and quality metrics as samples: the agents present at each period's end, the leavers, the QA
reviews, and agents' output per staffed hour.

An agent is active at an instant when hired at or before it and not yet gone (no `left_at`, or one after
it) — the same half-open span as a ticket's time in the backlog, so whoever leaves exactly at a period's
end is a leaver of that period and no longer counted at its end. Agents without a hire date cannot be
placed in time and are left out of the people metrics.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values
from kpidesk.metrics._tables import reviews_with_team, team_of_agent

__all__ = ["PEOPLE_SAMPLES", "STAFFED_STATES"]

_DAY = 86_400.0
_HOUR = 3_600.0
#: Agent states that count as staffed time; `away` (breaks, training, meetings) does not.
STAFFED_STATES = ("available", "busy", "wrap")
#: Periods per year for the annualised attrition rate; the `all` period uses 365 / its days.
_PERIODS_PER_YEAR = {"date": 365, "week": 52, "month": 12, "quarter": 4, "year": 1}


def _hired(ctx: SampleContext) -> ir.Table:
    return ctx.tables.agents.filter(ctx.tables.agents.hired_at.notnull())


def _active_at(t: ir.Table, instant: ir.Value) -> ir.Value:
    return (t.hired_at <= instant) & (t.left_at.isnull() | (t.left_at > instant))


def _active_at_end(ctx: SampleContext) -> ir.Table:
    """One row per (period, agent active at the period's end)."""
    p, a = ctx.periods, _hired(ctx)
    rows = p.join(a, [a.hired_at <= p.end_at, a.left_at.isnull() | (a.left_at > p.end_at)])
    return rows.select(p.period_start, p.end_at, a)


def headcount(ctx: SampleContext) -> Sample:
    rows = _active_at_end(ctx)
    table = rows.select(
        *dimension_values(rows), "period_start", unit_key=rows.agent_id, value=ibis.literal(1.0)
    )
    return Sample(table, periodic=True)


def tenure(ctx: SampleContext) -> Sample:
    rows = _active_at_end(ctx)
    days = (rows.end_at.epoch_seconds() - rows.hired_at.epoch_seconds()).cast("float64") / _DAY
    table = rows.select(*dimension_values(rows), "period_start", unit_key=rows.agent_id, value=days)
    return Sample(table, periodic=True)


def _periods_per_year(ctx: SampleContext, p: ir.Table) -> ir.Value:
    if ctx.period_column is not None:
        return ibis.literal(float(_PERIODS_PER_YEAR[ctx.period_column]))
    days = ((p.end_at.epoch_seconds() - p.start_at.epoch_seconds()).cast("float64") / _DAY).round()
    return 365.0 / days


def _attrition(ctx: SampleContext) -> Sample:
    """One row per (period, agent employed at some instant of it): `value` 1 for a leaver, 0 otherwise;
    `exposure` half for being active at the start and half for being active at the end, so that the
    exposures add up to the average headcount (start + end) / 2."""
    p, a = ctx.periods, _hired(ctx)
    rows = p.join(a, [a.hired_at <= p.end_at, a.left_at.isnull() | (a.left_at > p.start_at)])
    rows = rows.select(p.period_start, p.start_at, p.end_at, a)
    left = rows.left_at.notnull() & (rows.left_at <= rows.end_at)
    present = (
        _active_at(rows, rows.start_at).cast("float64") + _active_at(rows, rows.end_at).cast("float64")
    ) / 2
    if ctx.settings.metrics.attrition_annualised:
        present = present / _periods_per_year(ctx, rows)
    table = rows.select(
        *dimension_values(rows),
        "period_start",
        unit_key=rows.agent_id,
        value=left.cast("float64"),
        exposure=present,
    )
    return Sample(table, periodic=True)


def _reviews(ctx: SampleContext) -> ir.Table:
    q = reviews_with_team(ctx.tables.qa, ctx.tables.agents)
    return q.filter(q.reviewed_at.notnull())


def _anchored_review(q: ir.Table, value: ir.Value) -> Sample:
    return Sample(q.select(*dimension_values(q), unit_key=q.review_id, anchor_at=q.reviewed_at, value=value))


def qa_score(ctx: SampleContext) -> Sample:
    q = _reviews(ctx)
    return _anchored_review(q.filter(q.score.notnull()), q.score.cast("float64"))


def qa_auto_fail_rate(ctx: SampleContext) -> Sample:
    q = _reviews(ctx)
    return _anchored_review(q, q.auto_fail)


def _staffed_hours(ctx: SampleContext) -> ir.Table:
    """Staffed hours of each agent in each period: staffed spans cut at the period's bounds."""
    s = ctx.tables.agent_states.filter(ctx.tables.agent_states.state.isin(STAFFED_STATES))
    p = ctx.periods
    rows = p.join(s, [s["start"] < p.end_at, s["end"] > p.start_at])
    since = ibis.greatest(rows["start"], rows.start_at).epoch_seconds()
    until = ibis.least(rows["end"], rows.end_at).epoch_seconds()
    return rows.select(
        "period_start",
        "agent_id",
        value=ibis.null("float64"),
        exposure=(until - since).cast("float64") / _HOUR,
    )


def _per_staffed_hour(ctx: SampleContext, done: ir.Table) -> Sample:
    """Events (`agent_id`, `at`) per staffed hour: one row per event (`value` 1) and one per piece of
    staffed time (`exposure` in hours, no value), so `n` counts the events. Only agents whose states are
    recorded count: work by an agent without any state would have no hours to divide by."""
    p = ctx.periods
    tracked = ctx.tables.agent_states.select("agent_id").distinct()
    done = done.filter(done.agent_id.notnull()).semi_join(tracked, "agent_id")
    placed = p.join(done, [done.at >= p.start_at, done.at < p.end_at]).select(
        "period_start", "agent_id", value=ibis.literal(1.0), exposure=ibis.literal(0.0)
    )
    units = team_of_agent(placed.union(_staffed_hours(ctx)), ctx.tables.agents)
    table = units.select(
        *dimension_values(units),
        "period_start",
        unit_key=units.agent_id,
        value=units["value"],
        exposure=units.exposure,
    )
    return Sample(table, periodic=True)


def tickets_solved_per_hour(ctx: SampleContext) -> Sample:
    f = ctx.tables.facts.filter(ctx.tables.facts.last_solved_at.notnull())
    return _per_staffed_hour(ctx, f.select(agent_id=f.agent_id, at=f.last_solved_at))


def replies_per_hour(ctx: SampleContext) -> Sample:
    e = ctx.tables.events
    replies = e.filter((e.kind == "message") & (e.actor_type == "agent") & e.public.fill_null(True))
    return _per_staffed_hour(ctx, replies.select(agent_id=replies.actor_id, at=replies.at))


PEOPLE_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "headcount": headcount,
    "tenure": tenure,
    "attrition_rate": _attrition,
    "retention_rate": _attrition,
    "qa_score": qa_score,
    "qa_auto_fail_rate": qa_auto_fail_rate,
    "tickets_solved_per_hour": tickets_solved_per_hour,
    "replies_per_hour": replies_per_hour,
}
