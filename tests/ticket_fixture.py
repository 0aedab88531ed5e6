"""A small helpdesk, written by hand, whose every KPI was worked out on paper (see the tests).

Times are UTC. The default calendar is Israel's: Asia/Jerusalem, Sunday–Thursday 09:00–17:00, IL holidays;
Jerusalem is UTC+2 until the DST change on Friday 2026-03-27 and UTC+3 after it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from kpidesk.warehouse import queue_ticket_facts
from kpidesk.workspace import Settings, SlaPolicy

TICKET_COLUMNS = (
    "source",
    "ticket_id",
    "created_at",
    "status",
    "team_id",
    "channel",
    "priority",
    "customer_id",
    "sla_policy",
    "first_reply_at",
    "first_solved_at",
    "last_solved_at",
    "agent_reply_count",
    "reopen_count",
    "reassignment_count",
    "escalation_level",
    "sla_met",
)
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
    "agent_id",
    "team_id",
    "level",
)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _t(
    ticket_id: str,
    created: str,
    status: str,
    channel: str,
    priority: str,
    customer: str,
    sla: str | None = None,
    source: str = "desk",
    team: str = "billing",
    **summary: Any,
) -> dict[str, Any]:
    row = {c: None for c in TICKET_COLUMNS}
    row.update(
        source=source,
        ticket_id=ticket_id,
        created_at=ts(created),
        status=status,
        team_id=team,
        channel=channel,
        priority=priority,
        customer_id=customer,
        sla_policy=sla,
    )
    row.update(summary)
    return row


TICKETS = [
    _t("T1", "2026-03-01 07:00", "closed", "email", "high", "c1", "standard"),
    _t("T2", "2026-03-05 14:00", "solved", "chat", "normal", "c2", "standard"),
    _t("T3", "2026-03-02 08:00", "pending", "email", "low", "c1"),
    _t("T4", "2026-03-03 08:00", "solved", "phone", "urgent", "c3", "standard"),
    _t("T5", "2026-04-21 13:00", "solved", "email", "normal", "c4"),
    _t("T6", "2026-03-26 14:00", "solved", "email", "normal", "c5"),
    _t("T7", "2026-03-04 10:00", "open", "chat", "normal", "c6", "standard"),
    # A source without events: only summary fields.
    _t(
        "T8",
        "2026-03-02 07:00",
        "solved",
        "email",
        "normal",
        "c7",
        source="legacy",
        first_reply_at=ts("2026-03-02 09:00"),
        first_solved_at=ts("2026-03-02 10:00"),
        last_solved_at=ts("2026-03-02 10:00"),
        agent_reply_count=2,
        reopen_count=0,
        reassignment_count=0,
        escalation_level=1,
        sla_met=False,
    ),
]

# (ticket, at, kind, actor_type, public, status, agent_id, level)
_EVENTS = [
    ("T1", "2026-03-01 07:00:00", "created", "customer", True, None, None, None),
    ("T1", "2026-03-01 07:00:10", "message", "bot", True, None, None, None),
    ("T1", "2026-03-01 07:00:20", "assign", "system", None, None, "a1", None),
    ("T1", "2026-03-01 07:30:00", "note", "agent", False, None, None, None),
    ("T1", "2026-03-01 07:45:00", "message", "agent", False, None, None, None),
    ("T1", "2026-03-01 08:00:00", "message", "agent", True, None, None, None),
    ("T1", "2026-03-01 09:00:00", "status", "agent", None, "solved", None, None),
    ("T1", "2026-03-04 09:00:00", "status", "system", None, "closed", None, None),
    ("T2", "2026-03-05 14:00:00", "created", "customer", True, None, None, None),
    ("T2", "2026-03-05 14:00:30", "assign", "system", None, None, "a2", None),
    ("T2", "2026-03-06 10:00:00", "assign", "agent", None, None, "a3", None),
    ("T2", "2026-03-08 08:00:00", "message", "agent", True, None, None, None),
    ("T2", "2026-03-08 09:00:00", "message", "customer", True, None, None, None),
    ("T2", "2026-03-08 10:00:00", "message", "agent", True, None, None, None),
    ("T2", "2026-03-08 10:30:00", "status", "agent", None, "solved", None, None),
    ("T2", "2026-03-09 07:00:00", "message", "customer", True, None, None, None),
    ("T2", "2026-03-09 07:00:01", "status", "system", None, "open", None, None),
    ("T2", "2026-03-09 08:00:00", "message", "agent", True, None, None, None),
    ("T2", "2026-03-09 08:30:00", "status", "agent", None, "solved", None, None),
    # Agent-opened (outbound): the first-reply clock starts at the customer's answer.
    ("T3", "2026-03-02 08:00:00", "created", "agent", True, None, None, None),
    ("T3", "2026-03-02 08:00:05", "message", "agent", True, None, None, None),
    ("T3", "2026-03-02 12:00:00", "message", "customer", True, None, None, None),
    ("T3", "2026-03-03 07:30:00", "message", "agent", True, None, None, None),
    ("T3", "2026-03-03 07:31:00", "status", "agent", None, "pending", None, None),
    ("T4", "2026-03-03 08:00:00", "created", "customer", True, None, None, None),
    ("T4", "2026-03-03 09:00:00", "escalate", "agent", None, None, None, 2),
    ("T4", "2026-03-03 10:00:00", "message", "agent", True, None, None, None),
    ("T4", "2026-03-03 12:00:00", "status", "agent", None, "solved", None, None),
    # Across Independence Day (Wednesday 2026-04-22).
    ("T5", "2026-04-21 13:00:00", "created", "customer", True, None, None, None),
    ("T5", "2026-04-23 07:00:00", "message", "agent", True, None, None, None),
    ("T5", "2026-04-23 07:30:00", "status", "agent", None, "solved", None, None),
    # Across the weekend and the spring DST change (Friday 2026-03-27 02:00 local).
    ("T6", "2026-03-26 14:00:00", "created", "customer", True, None, None, None),
    ("T6", "2026-03-29 07:00:00", "message", "agent", True, None, None, None),
    ("T6", "2026-03-29 07:30:00", "status", "agent", None, "solved", None, None),
    # Only a bot and the system answered: unanswered.
    ("T7", "2026-03-04 10:00:00", "created", "customer", True, None, None, None),
    ("T7", "2026-03-04 10:00:05", "message", "bot", True, None, None, None),
    ("T7", "2026-03-04 10:00:06", "message", "system", True, None, None, None),
]


def event_rows() -> list[dict[str, Any]]:
    rows = []
    for i, (ticket, at, kind, actor, public, status, agent, level) in enumerate(_EVENTS):
        rows.append(
            {
                "source": "desk",
                "event_id": f"E{i:03d}",
                "ticket_id": ticket,
                "at": ts(at),
                "kind": kind,
                "actor_type": actor,
                "actor_id": agent if kind == "assign" else None,
                "public": public,
                "status": status,
                "agent_id": agent,
                "team_id": "billing" if kind == "assign" else None,
                "level": level,
            }
        )
    return rows


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", [[r[c] for c in columns] for r in rows])
    if table in ("tickets", "ticket_events"):
        queue_ticket_facts(con, f"SELECT source, ticket_id FROM {table}")


def load_fixture(con: duckdb.DuckDBPyConnection) -> None:
    insert_rows(con, "tickets", TICKET_COLUMNS, TICKETS)
    insert_rows(con, "ticket_events", EVENT_COLUMNS, event_rows())


def with_sla(settings: Settings) -> Settings:
    settings.sla_policies = {
        "standard": SlaPolicy(
            name="standard",
            calendar="default",
            business_hours=True,
            targets={
                "first_reply": {"high": 7200.0, "normal": 14400.0, "*": 28800.0},
                "resolution": {"*": 86400.0},
                "reply": {"*": 3600.0},
            },
        )
    }
    return settings
