"""The ticket, the agent and the month the demo's suggested commands name, read from the demo workspace
itself so that each suggestion prints a real answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

__all__ = ["DemoExamples", "demo_examples"]


@dataclass(frozen=True)
class DemoExamples:
    #: The first ticket, for `kpidesk explain`.
    ticket_id: str
    #: An agent on the default calendar, employed throughout, with the most days away: `kpidesk resilience`
    #: compares those days with the others (an agent on another team calendar would be "away" on every day
    #: that calendar is closed).
    agent_id: str
    #: The last day of the last month the tickets cover entirely: `kpidesk targets status --at` it shows
    #: where each monthly target ended.
    month_end: date
    #: The day after the last ticket: the day `kpidesk report run --at` and `kpidesk alerts check --at`
    #: look back from, so last week and last night are the data's.
    report_day: date


def demo_examples(con: duckdb.DuckDBPyConnection, default_calendar: str) -> DemoExamples:
    ticket = con.execute("SELECT ticket_id FROM tickets ORDER BY created_at, ticket_id LIMIT 1").fetchone()
    agent = con.execute(
        """
        WITH span AS (SELECT min(start) AS first_state FROM agent_states),
        present AS (
            SELECT agent_id, count(DISTINCT CAST(start AS DATE)) AS present_days
            FROM agent_states WHERE state <> 'away' GROUP BY agent_id
        )
        SELECT a.agent_id FROM agents a JOIN present p USING (agent_id), span
        WHERE a.left_at IS NULL AND a.hired_at <= span.first_state AND a.calendar = ?
        ORDER BY p.present_days, a.agent_id
        LIMIT 1
        """,
        [default_calendar],
    ).fetchone()
    last = con.execute("SELECT max(created_at) FROM tickets").fetchone()
    if ticket is None or agent is None or last is None or last[0] is None:
        raise ValueError("the demo workspace holds no ticket or no agent with agent states")
    month_end = last[0].date().replace(day=1) - timedelta(days=1)
    return DemoExamples(
        ticket_id=str(ticket[0]),
        agent_id=str(agent[0]),
        month_end=month_end,
        report_day=last[0].date() + timedelta(days=1),
    )
