"""Call facts: one row per call, with what happened to it in the agent queue and how long it was handled;
and the agents' staffed time those calls are measured against, per local day and per shift.

Written once as Ibis expressions, like the ticket facts, so the same derivation runs on DuckDB and on
Spark. Calls are measured in the workspace's default calendar; a call's team is its agent's team.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import with_business_seconds

__all__ = [
    "CALL_FACTS_TABLE",
    "CALL_INSTANTS",
    "LOCAL_PERIOD_COLUMNS",
    "SHIFT_GAP_SECONDS",
    "derive_agent_shifts",
    "derive_call_facts",
    "staffed_agent_days",
]

CALL_FACTS_TABLE = "call_facts"
#: The instants of a call whose business-seconds value (`<name>_bs`) call_facts carries.
CALL_INSTANTS = ("arrived_at", "answered_at")
#: Local period columns of the slot table that a local day carries.
LOCAL_PERIOD_COLUMNS = ("local_date", "week", "month", "quarter", "year")
#: Staffed states of one agent less than this far apart belong to the same shift (a break, not a new day).
SHIFT_GAP_SECONDS = 1800


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


def _epoch(t: ir.Table, column: str) -> ir.IntegerValue:
    return t[column].epoch_seconds().floor().cast("int64")


def staffed_agent_days(
    agent_states: ir.Table, slots: ir.Table, *, calendar: str, staffed: Sequence[str]
) -> ir.Table:
    """Staffed seconds of each agent on each local day of `calendar`, with the day's local periods.

    States in `staffed` are cut at local midnight (from the slot table, so a 23- or 25-hour DST day is as
    long as it really is); a state across midnight is split between the two days.
    """
    s = slots.filter(slots.calendar_id == calendar)
    days = s.group_by(*LOCAL_PERIOD_COLUMNS).aggregate(day_start=s.slot_start.min(), day_end=s.slot_end.max())
    st = agent_states.filter(agent_states.state.isin(tuple(staffed)))
    st = st.select("agent_id", since=_epoch(st, "start"), until=_epoch(st, "end"))
    rows = st.join(days, [st.since < days.day_end, st.until > days.day_start])
    seconds = ibis.least(rows.until, rows.day_end) - ibis.greatest(rows.since, rows.day_start)
    return rows.group_by("agent_id", *LOCAL_PERIOD_COLUMNS).aggregate(staffed_s=seconds.sum().cast("float64"))


def derive_agent_shifts(
    agent_states: ir.Table, *, staffed: Sequence[str], max_gap_s: int = SHIFT_GAP_SECONDS
) -> ir.Table:
    """One row per shift: a run of one agent's staffed states in which each state starts less than
    `max_gap_s` seconds after the latest end before it. A shorter away state or logged-out gap is a break
    within the shift; a longer one ends it. Columns: agent_id, shift_start, shift_end, staffed_s."""
    st = agent_states.filter(agent_states.state.isin(tuple(staffed)))
    order = [st["start"], st["end"]]
    before = ibis.window(group_by=st.agent_id, order_by=order, rows=(None, -1))
    latest_end = st["end"].max().over(before)
    gap = st["start"].epoch_seconds() - latest_end.epoch_seconds()
    starts = latest_end.isnull() | (gap >= max_gap_s)
    st = st.mutate(starts_shift=starts.cast("int64"))
    running = ibis.cumulative_window(group_by=st.agent_id, order_by=[st["start"], st["end"]])
    st = st.mutate(shift_no=st.starts_shift.sum().over(running))
    seconds = (st["end"].epoch_seconds() - st["start"].epoch_seconds()).cast("float64")
    return st.group_by("agent_id", "shift_no").aggregate(
        shift_start=st["start"].min(), shift_end=st["end"].max(), staffed_s=seconds.sum()
    )
