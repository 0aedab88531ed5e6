"""A small staffed call center with repeat contacts, written by hand; every value of
tests/metrics/test_call_staffing_metrics.py is worked out on paper from these tables.

Times are UTC. The default calendar is Israel's: Asia/Jerusalem, UTC+2 until the DST change on Friday
27 March 2026 (02:00 → 03:00 local), so local midnight of Sunday 1 March is 28 February 22:00 UTC.

Agent states (a3 has none):

| agent | state     | UTC, Sunday 1 March  | staffed s | note                                         |
| ----- | --------- | -------------------- | --------- | -------------------------------------------- |
| a1    | available | 06:00–08:00          | 7200      | shift A starts                               |
| a1    | busy      | 08:00–09:00          | 3600      |                                              |
| a1    | away      | 09:00–09:20          | —         | a 20-minute break: still shift A             |
| a1    | available | 09:20–10:00          | 2400      | shift A ends at 10:00                        |
| a1    | away      | 10:00–10:30          | —         | exactly 30 minutes: shift B is a new shift   |
| a1    | wrap      | 10:30–11:00          | 1800      | shift B                                      |
| a2    | busy      | 06:00–07:00          | 3600      | shift C                                      |
| a2    | available | 21:00–23:00          | 7200      | shift D, across local midnight (22:00 UTC)   |

Calls (all in billing unless noted):

| call | customer | agent | arrived (UTC)        | answered / left    | wait | handle | local arrival     |
| ---- | -------- | ----- | -------------------- | ------------------ | ---- | ------ | ----------------- |
| D01  | cust1    | a1    | Sun 06:10:00         | answered 06:10:20  | 20   | 600    | Sun 08:10         |
| D02  | cust2    | a1    | Sun 08:30:00         | answered 08:30:10  | 10   | 900    | Sun 10:30         |
| D03  | cust3    | a1    | Sun 09:05:00         | answered 09:05:05  | 5    | 300    | Sun 11:05         |
| D04  | cust1    | a1    | Sun 10:39:50         | answered 10:40:00  | 10   | 480    | Sun 12:39:50      |
| D05  | cust4    | a2    | Sun 06:29:30         | answered 06:30:00  | 30   | 1200   | Sun 08:29:30      |
| D06  | cust5    | a2    | Sun 22:29:00         | answered 22:30:00  | 60   | 600    | Mon 2 Mar 00:29   |
| D07  | cust6    | a3    | Sun 07:00:00         | answered 07:00:15  | 15   | 300    | Sun 09:00         |
| D08  | cust7    | —     | Sun 07:29:59         | abandoned 07:30:30 | 31   |        | Sun 09:29:59      |
| D09  | cust7    | a3    | Sun 07:30:00         | answered 07:30:40  | 40   | 200    | Sun 09:30:00      |
| D10  | —        | —     | Thu 26 Mar 23:45:00  | abandoned 23:46:00 | 60   |        | Fri 27 01:45 +02  |
| D11  | —        | —     | Fri 27 Mar 00:00:00  | abandoned 00:00:30 | 30   |        | Fri 27 03:00 +03  |

D06 was logged in ticket T2.
Each answered call ends when its handle time has passed. Tickets (source `desk`, summary fields only):

| ticket | customer | created (UTC)   | last solve (UTC) |
| ------ | -------- | --------------- | ---------------- |
| T1     | cust2    | Tue 3 Mar 08:00 | 3 Mar 10:00      |
| T2     | cust5    | Sun 1 Mar 22:40 | 2 Mar 08:00      | (the ticket D06 was logged in)
| T3     | cust3    | Fri 20 Mar 08:00| 20 Mar 12:00     |
| T4     | cust1    | Thu 26 Feb 08:00| 26 Feb 09:00     |
| T5     | cust4    | Mon 2 Mar 08:00 | open             |
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb
from call_fixture import AGENT_COLUMNS, CALL_COLUMNS
from ticket_fixture import TICKET_COLUMNS, insert_rows, ts

STATE_COLUMNS = ("agent_id", "start", "end", "state")

STATES = [
    {"agent_id": agent, "start": ts(start), "end": ts(end), "state": state}
    for agent, start, end, state in (
        ("a1", "2026-03-01 06:00:00", "2026-03-01 08:00:00", "available"),
        ("a1", "2026-03-01 08:00:00", "2026-03-01 09:00:00", "busy"),
        ("a1", "2026-03-01 09:00:00", "2026-03-01 09:20:00", "away"),
        ("a1", "2026-03-01 09:20:00", "2026-03-01 10:00:00", "available"),
        ("a1", "2026-03-01 10:00:00", "2026-03-01 10:30:00", "away"),
        ("a1", "2026-03-01 10:30:00", "2026-03-01 11:00:00", "wrap"),
        ("a2", "2026-03-01 06:00:00", "2026-03-01 07:00:00", "busy"),
        ("a2", "2026-03-01 21:00:00", "2026-03-01 23:00:00", "available"),
    )
]

AGENTS = [
    {"agent_id": "a1", "name": "Noa", "team_id": "billing", "role": "agent"},
    {"agent_id": "a2", "name": "Samir", "team_id": "technical", "role": "agent"},
    {"agent_id": "a3", "name": "Dana", "team_id": "billing", "role": "agent"},
]


def _call(
    call_id: str,
    customer: str | None,
    arrived: str,
    *,
    agent: str | None = None,
    answered: str | None = None,
    abandoned: str | None = None,
    handle: tuple[float, float, float] | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(CALL_COLUMNS)
    row.update(
        source="pbx",
        call_id=call_id,
        queue="billing",
        customer_id=customer,
        arrived_at=ts(arrived),
        agent_id=agent,
        ticket_id=ticket,
    )
    if answered is not None and handle is not None:
        talk, hold, wrap = handle
        row.update(
            answered_at=ts(answered),
            talk_s=talk,
            hold_s=hold,
            wrap_s=wrap,
            outcome="answered",
            ended_at=ts(answered) + timedelta(seconds=talk + hold + wrap),
        )
    else:
        left = ts(abandoned or arrived)
        row.update(abandoned_at=left, ended_at=left, outcome="abandoned")
    return row


CALLS = [
    _call(
        "D01",
        "cust1",
        "2026-03-01 06:10:00",
        agent="a1",
        answered="2026-03-01 06:10:20",
        handle=(500, 0, 100),
    ),
    _call(
        "D02",
        "cust2",
        "2026-03-01 08:30:00",
        agent="a1",
        answered="2026-03-01 08:30:10",
        handle=(800, 0, 100),
    ),
    _call(
        "D03",
        "cust3",
        "2026-03-01 09:05:00",
        agent="a1",
        answered="2026-03-01 09:05:05",
        handle=(240, 30, 30),
    ),
    _call(
        "D04", "cust1", "2026-03-01 10:39:50", agent="a1", answered="2026-03-01 10:40:00", handle=(400, 0, 80)
    ),
    _call(
        "D05",
        "cust4",
        "2026-03-01 06:29:30",
        agent="a2",
        answered="2026-03-01 06:30:00",
        handle=(1000, 100, 100),
    ),
    _call(
        "D06",
        "cust5",
        "2026-03-01 22:29:00",
        agent="a2",
        answered="2026-03-01 22:30:00",
        handle=(500, 0, 100),
        ticket="T2",
    ),
    _call(
        "D07", "cust6", "2026-03-01 07:00:00", agent="a3", answered="2026-03-01 07:00:15", handle=(300, 0, 0)
    ),
    _call("D08", "cust7", "2026-03-01 07:29:59", abandoned="2026-03-01 07:30:30"),
    _call(
        "D09", "cust7", "2026-03-01 07:30:00", agent="a3", answered="2026-03-01 07:30:40", handle=(150, 0, 50)
    ),
    _call("D10", None, "2026-03-26 23:45:00", abandoned="2026-03-26 23:46:00"),
    _call("D11", None, "2026-03-27 00:00:00", abandoned="2026-03-27 00:00:30"),
]


def _ticket(ticket_id: str, customer: str, created: str, solved: str | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(TICKET_COLUMNS)
    row.update(
        source="desk",
        ticket_id=ticket_id,
        created_at=ts(created),
        status="solved" if solved else "open",
        team_id="billing",
        channel="email",
        priority="normal",
        customer_id=customer,
        agent_reply_count=1 if solved else 0,
        reopen_count=0,
        reassignment_count=0,
        escalation_level=1,
    )
    if solved:
        row.update(
            first_reply_at=ts(created) + timedelta(minutes=30),
            first_solved_at=ts(solved),
            last_solved_at=ts(solved),
        )
    return row


TICKETS = [
    _ticket("T1", "cust2", "2026-03-03 08:00:00", "2026-03-03 10:00:00"),
    _ticket("T2", "cust5", "2026-03-01 22:40:00", "2026-03-02 08:00:00"),
    _ticket("T3", "cust3", "2026-03-20 08:00:00", "2026-03-20 12:00:00"),
    _ticket("T4", "cust1", "2026-02-26 08:00:00", "2026-02-26 09:00:00"),
    _ticket("T5", "cust4", "2026-03-02 08:00:00", None),
]


def load_staffed_calls(con: duckdb.DuckDBPyConnection, *, tickets: bool = True) -> None:
    insert_rows(con, "calls", CALL_COLUMNS, CALLS)
    insert_rows(con, "agents", AGENT_COLUMNS, AGENTS)
    insert_rows(con, "agent_states", STATE_COLUMNS, STATES)
    if tickets:
        insert_rows(con, "tickets", TICKET_COLUMNS, TICKETS)


#: A second week for comparisons: on Sunday 8 March a1 and a2 are each available 06:00–08:00 UTC (7200 s)
#: and each answers one call, a1 with 3600 s of handle time (occupancy 0.5), a2 with 1800 s (0.25).
SECOND_WEEK_STATES = [
    {
        "agent_id": agent,
        "start": ts("2026-03-08 06:00:00"),
        "end": ts("2026-03-08 08:00:00"),
        "state": "available",
    }
    for agent in ("a1", "a2")
]
SECOND_WEEK_CALLS = [
    _call(
        "E01",
        "cust8",
        "2026-03-08 06:00:00",
        agent="a1",
        answered="2026-03-08 06:00:10",
        handle=(3000, 0, 600),
    ),
    _call(
        "E02",
        "cust9",
        "2026-03-08 06:10:00",
        agent="a2",
        answered="2026-03-08 06:10:10",
        handle=(1500, 0, 300),
    ),
]


def load_second_week(con: duckdb.DuckDBPyConnection) -> None:
    insert_rows(con, "calls", CALL_COLUMNS, SECOND_WEEK_CALLS)
    insert_rows(con, "agent_states", STATE_COLUMNS, SECOND_WEEK_STATES)
