"""Three small sources in one workspace, written by hand, that hold different things.

Times are UTC; the default calendar is Israel's (UTC+2 in March 2026, weeks from Sunday). Tickets carry
summary fields only (no events).

| source | ticket | created         | first reply   | solved         | agent replies | holds                |
| ------ | ------ | --------------- | ------------- | -------------- | ------------- | -------------------- |
| chat   | C1     | Tue 3 Mar 08:00 | 08:30 (30 m)  | 3 Mar 10:00    | 1             | messages and solves  |
| chat   | C2     | Mon 9 Mar 08:00 | 09:00 (60 m)  | 9 Mar 12:00    | 2             |                      |
| chat   | C3     | Thu 19 Mar 08:00| —             | open           | 0             |                      |
| desk   | D1     | Wed 4 Mar 08:00 | —             | 4 Mar 12:00    | —             | solves, no messages  |
| desk   | D2     | Mon 9 Mar 08:00 | —             | open           | —             |                      |
| desk   | D3     | Tue 10 Mar 08:00| —             | 10 Mar 14:00   | —             |                      |
| social | S1     | Sun 15 Mar 08:00| 08:10 (10 m)  | open           | 1             | messages, no solves  |

Each source's data: chat 3–19 Mar (its last instant C3's creation), desk 4–10 Mar (D3's solve at
14:00), social 15 Mar.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
from ticket_fixture import TICKET_COLUMNS, insert_rows


def _ticket(
    source: str,
    ticket_id: str,
    created: str,
    *,
    reply: str | None = None,
    solved: str | None = None,
    replies: int | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(TICKET_COLUMNS)
    row.update(
        source=source,
        ticket_id=ticket_id,
        created_at=datetime.fromisoformat(created),
        status="solved" if solved else "open",
        team_id="billing",
        channel="email",
        priority="normal",
        first_reply_at=datetime.fromisoformat(reply) if reply else None,
        first_solved_at=datetime.fromisoformat(solved) if solved else None,
        last_solved_at=datetime.fromisoformat(solved) if solved else None,
        agent_reply_count=replies,
        reopen_count=0,
        escalation_level=1,
    )
    return row


TICKETS = [
    _ticket("chat", "C1", "2026-03-03 08:00", reply="2026-03-03 08:30", solved="2026-03-03 10:00", replies=1),
    _ticket("chat", "C2", "2026-03-09 08:00", reply="2026-03-09 09:00", solved="2026-03-09 12:00", replies=2),
    _ticket("chat", "C3", "2026-03-19 08:00", replies=0),
    _ticket("desk", "D1", "2026-03-04 08:00", solved="2026-03-04 12:00"),
    _ticket("desk", "D2", "2026-03-09 08:00"),
    _ticket("desk", "D3", "2026-03-10 08:00", solved="2026-03-10 14:00"),
    _ticket("social", "S1", "2026-03-15 08:00", reply="2026-03-15 08:10", replies=1),
]


def load_sources(
    con: duckdb.DuckDBPyConnection, sources: tuple[str, ...] = ("chat", "desk", "social")
) -> None:
    insert_rows(con, "tickets", TICKET_COLUMNS, [t for t in TICKETS if t["source"] in sources])
