"""A small helpdesk with agents, leads and managers, written by hand, whose manager escalations and
resolutions are worked out on paper in tests/metrics/test_management_metrics.py; and the staffing of one
manager for the resilience comparison.

Times are UTC; the default calendar is Israel's (UTC+2 in March 2026, weeks from Sunday, Sunday–Thursday
open). Agents: a1 (role agent), l1 (lead), m1 and m2 (managers). `manager_level` is 3 unless a test sets it.

| ticket | team      | what happens                                                 | reached    | there?  |
| ------ | --------- | ------------------------------------------------------------ | ---------- | ------- |
| M01    | billing   | a1, then m1 Mon 2 Mar, solved                                | Mon 2 Mar  | yes     |
| M02    | billing   | a1, escalate 3 Tue 3 Mar, m1, back to a1, solved             | Tue 3 Mar  | no      |
| M03    | billing   | l1, escalate 2, solved (2 < 3: never reached a manager)      | —          | —       |
| M04    | billing   | m1 Wed 4 Mar, handed to m2, solved                           | Wed 4 Mar  | yes     |
| M05    | billing   | m2 at Sat 7 Mar 22:30 UTC = Sun 8 Mar 00:30 local, open      | Sun 8 Mar  | pending |
| M06    | technical | escalate 3 Mon 9 Mar, escalate 4, solved                     | Mon 9 Mar  | no      |
| M07    | billing   | m1 Tue 10 Mar, solved, reopened, a1, solved                  | Tue 10 Mar | no      |
| M08    | technical | escalate 3 Wed 11 Mar, escalate 3 again, solved              | Wed 11 Mar | yes     |
| M09    | billing   | m1 Sun 15 Mar, solved                                        | Sun 15 Mar | yes     |
| M10    | billing   | summary fields only: escalation level 3, agent m1, no events | —          | —       |
| M11    | billing   | solved Sun 1 Mar, then assigned to m1 without a reopen       | Sun 1 Mar  | no      |

"Reached" is the local day of the first manager event.

Staffing of m1 (agent_states, 07:00–15:00 UTC = 09:00–17:00 local): present on Sun 1, Mon 2, Wed 4, Sun 8,
Tue 10, Wed 11 and Sun 15 March; `away` all of Thu 5 and Thu 12; no state on Tue 3 and Mon 9. a1 has states
from Sun 1 to Sun 15, so staffing is known over the open days Sun 1 – Sun 15 March (no IL holiday then):
7 present days and 4 absent ones (Tue 3, Thu 5, Mon 9, Thu 12).
"""

from __future__ import annotations

from typing import Any

import duckdb
from ticket_fixture import EVENT_COLUMNS, TICKET_COLUMNS, insert_rows, ts

AGENT_COLUMNS = ("agent_id", "name", "team_id", "role")
STATE_COLUMNS = ("agent_id", "start", "end", "state")

AGENTS = [
    {"agent_id": "a1", "name": "Noa", "team_id": "billing", "role": "agent"},
    {"agent_id": "l1", "name": "Dana", "team_id": "billing", "role": "lead"},
    {"agent_id": "m1", "name": "Yossi", "team_id": "billing", "role": "manager"},
    {"agent_id": "m2", "name": "Rana", "team_id": "technical", "role": "manager"},
]


def _ticket(
    ticket_id: str, created: str, status: str, team: str = "billing", **summary: Any
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(TICKET_COLUMNS)
    row.update(
        source="desk",
        ticket_id=ticket_id,
        created_at=ts(created),
        status=status,
        team_id=team,
        channel="email",
        priority="normal",
        customer_id=f"c{ticket_id}",
    )
    row.update(summary)
    return row


TICKETS = [
    _ticket("M01", "2026-03-01 07:00", "solved"),
    _ticket("M02", "2026-03-01 07:00", "solved"),
    _ticket("M03", "2026-03-02 07:00", "solved"),
    _ticket("M04", "2026-03-04 07:00", "solved"),
    _ticket("M05", "2026-03-05 07:00", "open"),
    _ticket("M06", "2026-03-08 07:00", "solved", team="technical"),
    _ticket("M07", "2026-03-09 07:00", "solved"),
    _ticket("M08", "2026-03-10 07:00", "solved", team="technical"),
    _ticket("M09", "2026-03-15 07:00", "solved"),
    _ticket(
        "M10",
        "2026-03-02 07:00",
        "solved",
        agent_id="m1",
        escalation_level=3,
        first_solved_at=ts("2026-03-02 09:00"),
        last_solved_at=ts("2026-03-02 09:00"),
    ),
    _ticket("M11", "2026-03-01 07:00", "solved"),
]

# (ticket, at, kind, status, agent_id, level)
_EVENTS = [
    ("M01", "2026-03-01 07:00", "created", None, None, None),
    ("M01", "2026-03-01 07:01", "assign", None, "a1", None),
    ("M01", "2026-03-02 08:00", "assign", None, "m1", None),
    ("M01", "2026-03-02 10:00", "status", "solved", None, None),
    ("M02", "2026-03-01 07:00", "created", None, None, None),
    ("M02", "2026-03-01 07:01", "assign", None, "a1", None),
    ("M02", "2026-03-03 08:00", "escalate", None, None, 3),
    ("M02", "2026-03-03 08:05", "assign", None, "m1", None),
    ("M02", "2026-03-03 09:00", "assign", None, "a1", None),
    ("M02", "2026-03-03 12:00", "status", "solved", None, None),
    ("M03", "2026-03-02 07:00", "created", None, None, None),
    ("M03", "2026-03-02 07:01", "assign", None, "l1", None),
    ("M03", "2026-03-02 08:00", "escalate", None, None, 2),
    ("M03", "2026-03-02 09:00", "status", "solved", None, None),
    ("M04", "2026-03-04 07:00", "created", None, None, None),
    ("M04", "2026-03-04 08:00", "assign", None, "m1", None),
    ("M04", "2026-03-04 09:00", "assign", None, "m2", None),
    ("M04", "2026-03-04 10:00", "status", "solved", None, None),
    ("M05", "2026-03-05 07:00", "created", None, None, None),
    ("M05", "2026-03-07 22:30", "assign", None, "m2", None),
    ("M06", "2026-03-08 07:00", "created", None, None, None),
    ("M06", "2026-03-09 08:00", "escalate", None, None, 3),
    ("M06", "2026-03-09 09:00", "escalate", None, None, 4),
    ("M06", "2026-03-09 10:00", "status", "solved", None, None),
    ("M07", "2026-03-09 07:00", "created", None, None, None),
    ("M07", "2026-03-10 08:00", "assign", None, "m1", None),
    ("M07", "2026-03-10 09:00", "status", "solved", None, None),
    ("M07", "2026-03-10 12:00", "status", "open", None, None),
    ("M07", "2026-03-10 12:05", "assign", None, "a1", None),
    ("M07", "2026-03-10 13:00", "status", "solved", None, None),
    ("M08", "2026-03-10 07:00", "created", None, None, None),
    ("M08", "2026-03-11 08:00", "escalate", None, None, 3),
    ("M08", "2026-03-11 08:30", "escalate", None, None, 3),
    ("M08", "2026-03-11 09:00", "status", "solved", None, None),
    ("M09", "2026-03-15 07:00", "created", None, None, None),
    ("M09", "2026-03-15 08:00", "assign", None, "m1", None),
    ("M09", "2026-03-15 09:00", "status", "solved", None, None),
    ("M11", "2026-03-01 07:00", "created", None, None, None),
    ("M11", "2026-03-01 09:00", "status", "solved", None, None),
    ("M11", "2026-03-01 10:00", "assign", None, "m1", None),
]


_M1_PRESENT = (
    "2026-03-01",
    "2026-03-02",
    "2026-03-04",
    "2026-03-08",
    "2026-03-10",
    "2026-03-11",
    "2026-03-15",
)
_M1_AWAY = ("2026-03-05", "2026-03-12")


def _state(agent: str, day: str, state: str) -> dict[str, Any]:
    return {"agent_id": agent, "start": ts(f"{day} 07:00"), "end": ts(f"{day} 15:00"), "state": state}


STATES = [
    *[_state("m1", day, "busy") for day in _M1_PRESENT],
    *[_state("m1", day, "away") for day in _M1_AWAY],
    _state("a1", "2026-03-01", "available"),
    _state("a1", "2026-03-15", "available"),
]


def event_rows() -> list[dict[str, Any]]:
    rows = []
    for i, (ticket, at, kind, status, agent, level) in enumerate(_EVENTS):
        rows.append(
            {
                "source": "desk",
                "event_id": f"ME{i:03d}",
                "ticket_id": ticket,
                "at": ts(at),
                "kind": kind,
                "actor_type": "customer" if kind == "created" else "agent",
                "actor_id": None,
                "public": None,
                "status": status,
                "agent_id": agent,
                "team_id": None,
                "level": level,
            }
        )
    return rows


def load_management(con: duckdb.DuckDBPyConnection) -> None:
    insert_rows(con, "agents", AGENT_COLUMNS, AGENTS)
    insert_rows(con, "tickets", TICKET_COLUMNS, TICKETS)
    insert_rows(con, "ticket_events", EVENT_COLUMNS, event_rows())
    insert_rows(con, "agent_states", STATE_COLUMNS, STATES)
