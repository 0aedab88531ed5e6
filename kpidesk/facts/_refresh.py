"""Keep the fact tables in step with the canonical tables, re-deriving only the tickets an import touched.

A full rebuild happens when the facts do not exist yet, when the calendars in kpidesk.toml changed, or
when new data falls outside the calendar slots built so far (business seconds are measured from the
first slot, so every ticket must be measured on the same slot table).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import ibis

from kpidesk.calendars import SLOTS_TABLE, slot_range_for, write_calendar_slots
from kpidesk.facts._ticket_facts import TicketFactTables, derive_ticket_facts
from kpidesk.workspace import Settings

__all__ = ["FACT_TABLES", "FactRefresh", "refresh_ticket_facts", "ticket_fact_tables"]

FACT_TABLES = ("ticket_facts", "reply_stretches", "ticket_open_spans")
_STATE_DDL = "CREATE TABLE IF NOT EXISTS fact_state (key VARCHAR PRIMARY KEY, value VARCHAR)"


@dataclass
class FactRefresh:
    full: bool
    tickets: int


def _calendar_fingerprint(settings: Settings) -> str:
    return json.dumps(
        {
            "calendars": {name: asdict(c) for name, c in sorted(settings.calendars.items())},
            "teams": dict(sorted(settings.teams.items())),
            "default": settings.default_calendar,
        },
        sort_keys=True,
    )


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    con.execute(_STATE_DDL)
    return dict(con.execute("SELECT key, value FROM fact_state").fetchall())


def _instant_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    row = con.execute(
        """
        SELECT min(lo), max(hi) FROM (
          SELECT min(created_at) AS lo,
                 max(greatest(created_at, coalesce(first_reply_at, created_at),
                              coalesce(last_solved_at, created_at),
                              coalesce(first_solved_at, created_at), coalesce(closed_at, created_at))) AS hi
          FROM tickets
          UNION ALL
          SELECT min("at"), max("at") FROM ticket_events
        )
        """
    ).fetchall()[0]
    assert row is not None
    return row[0], row[1]


def ticket_fact_tables(
    icon: ibis.BaseBackend, settings: Settings, *, only_pending: bool = False
) -> TicketFactTables:
    """The fact expressions over an Ibis connection holding the canonical tables and calendar slots."""
    tickets = icon.table("tickets")
    events = icon.table("ticket_events")
    if only_pending:
        pending = icon.table("pending_ticket_facts")
        tickets = tickets.semi_join(pending, ["source", "ticket_id"])
        events = events.semi_join(pending, ["source", "ticket_id"])
    return derive_ticket_facts(
        tickets,
        events,
        icon.table(SLOTS_TABLE),
        team_calendars=settings.teams,
        default_calendar=settings.default_calendar,
    )


def refresh_ticket_facts(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, full: bool = False
) -> FactRefresh:
    """Bring ticket_facts, reply_stretches and ticket_open_spans up to date, in one transaction."""
    state = _state(con)
    lo, hi = _instant_range(con)
    needed = slot_range_for(lo, hi)
    fingerprint = _calendar_fingerprint(settings)
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    covered = (
        state.get("slots_from", "9999") <= needed[0].isoformat()
        and state.get("slots_to", "0000") >= needed[1].isoformat()
    )
    if not covered or state.get("calendars") != fingerprint or not set(FACT_TABLES) <= existing:
        full = True
    if not full:
        pending = con.execute("SELECT count(*) FROM pending_ticket_facts").fetchall()[0]
        if not pending or pending[0] == 0:
            return FactRefresh(full=False, tickets=0)

    con.execute("BEGIN TRANSACTION")
    try:
        if full:
            write_calendar_slots(con, settings.calendars, needed[0], needed[1])
        icon = ibis.duckdb.from_connection(con)
        tables = ticket_fact_tables(icon, settings, only_pending=not full)
        exprs = {
            "ticket_facts": tables.ticket_facts,
            "reply_stretches": tables.reply_stretches,
            "ticket_open_spans": tables.open_spans,
        }
        if full:
            for name, expr in exprs.items():
                con.execute(f"CREATE OR REPLACE TABLE {name} AS {icon.compile(expr)}")
        else:
            for name, expr in exprs.items():
                sql = icon.compile(expr)
                con.execute(
                    f"DELETE FROM {name} WHERE (source, ticket_id) IN "
                    "(SELECT source, ticket_id FROM pending_ticket_facts)"
                )
                con.execute(f"INSERT INTO {name} BY NAME {sql}")
        row = con.execute(
            "SELECT count(*) FROM ticket_facts" if full else "SELECT count(*) FROM pending_ticket_facts"
        ).fetchall()[0]
        count = int(row[0]) if row else 0
        con.execute("DELETE FROM pending_ticket_facts")
        for key, value in (
            ("slots_from", needed[0].isoformat()),
            ("slots_to", needed[1].isoformat()),
            ("calendars", fingerprint),
        ):
            con.execute("INSERT OR REPLACE INTO fact_state VALUES (?, ?)", [key, value])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return FactRefresh(full=full, tickets=count)
