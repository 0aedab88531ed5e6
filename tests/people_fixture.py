"""A small team, its QA reviews, staffed time and customers, written by hand; every people, QA, staffing
and customer KPI on it is worked out on paper in tests/metrics/test_people_metrics.py and
tests/metrics/test_customer_metrics.py.

Times are UTC. The default calendar is Israel's (UTC+2 in March 2026, weeks from Sunday), so the weeks the
tests ask for (1–21 March) start and end at 22:00 UTC on Saturdays:
S1 = Sat 28 Feb 22:00 (week 1 starts), E1 = Sat 7 Mar 22:00 (week 1 ends, week 2 starts),
E2 = Sat 14 Mar 22:00, E3 = Sat 21 Mar 22:00.

| agent | team      | hired                    | left                     |
| ----- | --------- | ------------------------ | ------------------------ |
| a1    | billing   | 2025-03-01 00:00         | —                        |
| a2    | billing   | 2026-01-01 00:00         | E1 exactly               |
| a3    | technical | Wed 4 Mar 10:00 (mid-W1) | —                        |
| a4    | technical | Mon 9 Mar 08:00          | Thu 12 Mar 16:00 (in W2) |
| a5    | technical | S1 exactly               | Wed 18 Mar 12:00 (in W3) |
| a6    | billing   | unknown                  | —                        |
| a7    | billing   | E2 exactly               | —                        |

Each agent id is one spell of employment (no rehires).
"""

from __future__ import annotations

from typing import Any

import duckdb
from ticket_fixture import insert_rows, ts

S1, E1, E2, E3 = "2026-02-28 22:00", "2026-03-07 22:00", "2026-03-14 22:00", "2026-03-21 22:00"

AGENT_COLUMNS = ("agent_id", "name", "team_id", "role", "hired_at", "left_at")
AGENTS = [
    ("a1", "Noa", "billing", "lead", "2025-03-01 00:00", None),
    ("a2", "Samir", "billing", "agent", "2026-01-01 00:00", E1),
    ("a3", "Dana", "technical", "agent", "2026-03-04 10:00", None),
    ("a4", "Omar", "technical", "agent", "2026-03-09 08:00", "2026-03-12 16:00"),
    ("a5", "Yael", "technical", "agent", S1, "2026-03-18 12:00"),
    ("a6", "Rami", "billing", "agent", None, None),
    ("a7", "Lina", "billing", "agent", E2, None),
]

QA_COLUMNS = ("review_id", "ticket_id", "agent_id", "reviewer_id", "reviewed_at", "score", "auto_fail")
# R7's agent is not in the agents table (no team); R8 falls exactly on E1, so in week 2; R9 is undated.
QA_REVIEWS = [
    ("R1", "a1", "2026-03-02 10:00", 90.0, False),
    ("R2", "a1", "2026-03-03 10:00", 80.0, False),
    ("R3", "a3", "2026-03-05 10:00", 0.0, True),
    ("R4", "a3", "2026-03-10 10:00", 70.0, False),
    ("R5", "a5", "2026-03-11 10:00", None, True),
    ("R6", "a1", "2026-03-12 10:00", 85.0, None),
    ("R7", "a9", "2026-03-04 10:00", 60.0, False),
    ("R8", "a1", E1, 100.0, False),
    ("R9", "a1", None, 10.0, False),
]

STATE_COLUMNS = ("agent_id", "start", "end", "state")
# a1: week 1 = 4 + 2 + 2 h (away does not count), week 2 = 2 + 4 h; a3: 4 h in week 1, 2 h in week 2.
AGENT_STATES = [
    ("a1", "2026-03-01 06:00", "2026-03-01 10:00", "available"),
    ("a1", "2026-03-01 10:00", "2026-03-01 11:00", "away"),
    ("a1", "2026-03-01 11:00", "2026-03-01 13:00", "busy"),
    ("a1", "2026-03-07 20:00", "2026-03-08 00:00", "wrap"),  # across E1: 2 h in each week
    ("a1", "2026-03-09 06:00", "2026-03-09 10:00", "available"),
    ("a3", "2026-03-04 10:00", "2026-03-04 14:00", "busy"),
    ("a3", "2026-03-10 06:00", "2026-03-10 08:00", "available"),
]

TICKET_COLUMNS = ("source", "ticket_id", "created_at", "status", "agent_id", "team_id", "channel")
# (ticket, assignee, created, solved or None)
_TICKETS = [
    ("P1", "a1", "2026-03-01 07:00", "2026-03-01 08:00"),
    ("P2", "a1", "2026-03-01 11:00", "2026-03-01 12:00"),
    ("P3", "a1", "2026-03-05 09:00", E1),  # solved exactly at E1: week 2
    ("P4", "a3", "2026-03-04 10:30", "2026-03-04 12:00"),
    ("P5", "a5", "2026-03-05 08:00", "2026-03-05 09:00"),  # a5 has no recorded states
    ("P6", None, "2026-03-02 08:00", "2026-03-02 09:00"),  # solved without an assignee
    ("P7", "a1", "2026-03-03 08:00", None),
]
EVENT_COLUMNS = (
    "source",
    "event_id",
    "ticket_id",
    "at",
    "kind",
    "actor_type",
    "actor_id",
    "public",
    "status",
)
# (ticket, at, kind, actor_type, actor_id, public): replies besides the created and solved events.
_MESSAGES = [
    ("P1", "2026-03-01 07:10", "message", "bot", None, True),
    ("P1", "2026-03-01 07:20", "note", "agent", "a1", False),
    ("P1", "2026-03-01 07:25", "message", "agent", "a1", False),  # private message: not a reply
    ("P1", "2026-03-01 07:30", "message", "agent", "a1", True),
    ("P2", "2026-03-01 11:30", "message", "agent", "a1", True),
    ("P2", "2026-03-01 11:45", "message", "agent", "a3", True),
    ("P4", "2026-03-04 11:00", "message", "agent", "a3", None),  # public unknown counts as public
    ("P3", "2026-03-09 07:00", "message", "agent", "a1", True),
    ("P3", "2026-03-09 07:05", "message", "agent", None, True),  # no author: nobody's reply
    ("P5", "2026-03-05 08:30", "message", "agent", "a5", True),
]

CUSTOMER_COLUMNS = ("customer_id", "created_at", "churned_at", "segment", "country")
CUSTOMERS = [
    ("k1", "2025-06-01 00:00", None, "enterprise", "IL"),
    ("k2", "2025-06-01 00:00", S1, "enterprise", "IL"),  # churns exactly at week 1's start: week 1
    ("k3", "2025-07-01 00:00", E1, "smb", "IL"),  # churns exactly at week 1's end: week 2
    ("k4", "2025-08-01 00:00", "2026-03-03 12:00", "smb", "AE"),
    ("k5", S1, None, "smb", "AE"),  # created exactly at week 1's start: in its base
    ("k6", "2026-03-02 00:00", "2026-03-04 00:00", "smb", "AE"),  # created and churned inside week 1
    ("k7", "2026-03-10 00:00", None, None, "IL"),  # no segment
    ("k8", None, None, "smb", "IL"),  # no creation date: left out
    ("k9", "2025-01-01 00:00", "2026-02-01 00:00", "smb", "IL"),  # gone before the weeks asked for
]


def _instant(text: str | None) -> Any:
    return ts(text) if text else None


def load_people(con: duckdb.DuckDBPyConnection) -> None:
    """Agents, reviews, states, tickets with their events, and customers."""
    insert_rows(
        con,
        "agents",
        AGENT_COLUMNS,
        [dict(zip(AGENT_COLUMNS, (*a[:4], _instant(a[4]), _instant(a[5])), strict=True)) for a in AGENTS],
    )
    insert_rows(
        con,
        "qa_reviews",
        QA_COLUMNS,
        [
            {
                "review_id": r,
                "ticket_id": None,
                "agent_id": agent,
                "reviewer_id": "q1",
                "reviewed_at": _instant(at),
                "score": score,
                "auto_fail": fail,
            }
            for r, agent, at, score, fail in QA_REVIEWS
        ],
    )
    insert_rows(
        con,
        "agent_states",
        STATE_COLUMNS,
        [{"agent_id": a, "start": ts(s), "end": ts(e), "state": state} for a, s, e, state in AGENT_STATES],
    )
    insert_rows(
        con,
        "customers",
        CUSTOMER_COLUMNS,
        [
            dict(zip(CUSTOMER_COLUMNS, (c, _instant(made), _instant(gone), seg, cc), strict=True))
            for c, made, gone, seg, cc in CUSTOMERS
        ],
    )
    tickets, events = [], []
    for ticket, agent, created, solved in _TICKETS:
        tickets.append(
            {
                "source": "desk",
                "ticket_id": ticket,
                "created_at": ts(created),
                "status": "solved" if solved else "open",
                "agent_id": agent,
                "team_id": None,
                "channel": "email",
            }
        )
        events.append((ticket, created, "created", "customer", None, True, None))
        if solved:
            events.append((ticket, solved, "status", "agent", agent, None, "solved"))
    events += [(*m, None) for m in _MESSAGES]
    insert_rows(con, "tickets", TICKET_COLUMNS, tickets)
    insert_rows(
        con,
        "ticket_events",
        EVENT_COLUMNS,
        [
            dict(
                zip(
                    EVENT_COLUMNS,
                    ("desk", f"E{i:03d}", t, ts(at), kind, actor, actor_id, public, status),
                    strict=True,
                )
            )
            for i, (t, at, kind, actor, actor_id, public, status) in enumerate(events)
        ],
    )
