"""Keep the fact tables in step with the canonical tables, re-deriving only the tickets an import touched.

A full rebuild happens when the facts do not exist yet, when the calendars in kpidesk.toml changed, or
when new data falls outside the calendar slots built so far (business seconds are measured from the
first slot, so every ticket and call must be measured on the same slot table). Call facts are one cheap
pass over the calls, so they are derived again as a whole whenever the calls or the agents changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

import duckdb
import ibis
import ibis.expr.types as ir

from kpidesk.calendars import SLOTS_TABLE, slot_range_for, write_calendar_slots
from kpidesk.facts._call_facts import CALL_FACTS_TABLE, derive_call_facts
from kpidesk.facts._manager_reach import MANAGER_REACH_TABLE, derive_manager_reach
from kpidesk.facts._ticket_facts import (
    annotate_messages,
    derive_open_spans,
    derive_reply_stretches,
    derive_ticket_facts,
    status_changes,
)
from kpidesk.warehouse import clear_pending_facts, undone_count
from kpidesk.workspace import Settings

__all__ = [
    "FACT_TABLES",
    "FactRefresh",
    "Materialize",
    "build_call_facts",
    "build_manager_reach",
    "build_ticket_facts",
    "facts_current",
    "facts_generation",
    "refresh_facts",
]

TICKET_FACT_TABLES = ("ticket_facts", "reply_stretches", "ticket_open_spans", MANAGER_REACH_TABLE)
FACT_TABLES = (*TICKET_FACT_TABLES, CALL_FACTS_TABLE)
#: Intermediate steps of a refresh, dropped when it ends.
MESSAGES_TABLE = "_fact_messages"
CHANGES_TABLE = "_fact_status_changes"
_STATE_DDL = "CREATE TABLE IF NOT EXISTS fact_state (key VARCHAR PRIMARY KEY, value VARCHAR)"
#: Each derived table's rows are stored in this order, so that a date range reads only the row groups
#: that hold it (DuckDB skips a row group whose min/max lie outside a filter).
_STORED_ORDER = {
    "ticket_facts": "created_at",
    "reply_stretches": "stretch_start_at",
    "ticket_open_spans": "open_from",
    CALL_FACTS_TABLE: "arrived_at",
}
#: The fact tables' columns and meaning; a workspace derived with another layout is derived again.
_LAYOUT = 2
#: fact_state's count of the refreshes that changed anything, part of `facts_generation`.
_GENERATION = "generation"


@dataclass
class FactRefresh:
    """Whether everything was rebuilt, and how many tickets and calls were derived."""

    full: bool
    tickets: int
    calls: int = 0


def _calendar_fingerprint(settings: Settings) -> str:
    return json.dumps(
        {
            "calendars": {name: asdict(c) for name, c in sorted(settings.calendars.items())},
            "teams": dict(sorted(settings.teams.items())),
            "default": settings.default_calendar,
            "manager_level": settings.metrics.manager_level,
            "layout": _LAYOUT,
        },
        sort_keys=True,
    )


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
          UNION ALL
          SELECT min(arrived_at),
                 max(greatest(arrived_at, coalesce(answered_at, arrived_at),
                              coalesce(abandoned_at, arrived_at), coalesce(ended_at, arrived_at)))
          FROM calls
          UNION ALL
          SELECT min("start"), max("end") FROM agent_states
          UNION ALL
          SELECT min(coalesce(sent_at, responded_at)), max(greatest(coalesce(sent_at, responded_at),
                                                                    coalesce(responded_at, sent_at)))
          FROM surveys
          UNION ALL
          SELECT min(reviewed_at), max(reviewed_at) FROM qa_reviews
        )
        """
    ).fetchall()[0]
    assert row is not None
    return row[0], row[1]


def _calls_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an import inserts or updates calls or agents (each import has a new import_id),
    or an import is undone."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM calls), (SELECT max(import_id) FROM calls), "
        "(SELECT count(*) FROM agents), (SELECT max(import_id) FROM agents)"
    ).fetchall()[0]
    undone = undone_count(con)
    return json.dumps([*row, undone] if undone else list(row))


#: Stores an expression as a table named so and returns that table; `temporary` marks intermediate steps.
Materialize = Callable[[str, ir.Table, bool], ir.Table]


def build_ticket_facts(
    icon: ibis.BaseBackend, settings: Settings, materialize: Materialize, *, only_pending: bool = False
) -> None:
    """Derive ticket_facts, reply_stretches and ticket_open_spans on any Ibis engine.

    Intermediate steps are stored once and read by the steps after them, so no engine computes the
    same windows twice.
    """
    tickets = icon.table("tickets")
    events = icon.table("ticket_events")
    pending = icon.table("pending_ticket_facts") if only_pending else None
    if pending is not None:
        tickets = tickets.semi_join(pending, ["source", "ticket_id"])
        events = events.semi_join(pending, ["source", "ticket_id"])
    slots = icon.table(SLOTS_TABLE)
    messages = materialize(MESSAGES_TABLE, annotate_messages(events), True)
    changes = materialize(CHANGES_TABLE, status_changes(events), True)
    facts = materialize(
        "ticket_facts",
        derive_ticket_facts(
            tickets,
            events,
            messages,
            changes,
            slots,
            team_calendars=settings.teams,
            default_calendar=settings.default_calendar,
        ),
        False,
    )
    if pending is not None:
        facts = facts.semi_join(pending, ["source", "ticket_id"])
    materialize("reply_stretches", derive_reply_stretches(messages, facts, slots), False)
    materialize("ticket_open_spans", derive_open_spans(changes, facts), False)
    build_manager_reach(icon, settings, materialize, events)


def build_manager_reach(
    icon: ibis.BaseBackend, settings: Settings, materialize: Materialize, events: ir.Table | None = None
) -> None:
    """Derive manager_reach from `events` (all of them by default). It reads the agents' roles too, so it is
    derived again whenever the agents change."""
    reach = derive_manager_reach(
        icon.table("ticket_events") if events is None else events,
        icon.table("agents"),
        settings.metrics.manager_level,
    )
    materialize(MANAGER_REACH_TABLE, reach, False)


def build_call_facts(icon: ibis.BaseBackend, settings: Settings, materialize: Materialize) -> ir.Table:
    """Derive call_facts on any Ibis engine, in the workspace's default calendar."""
    facts = derive_call_facts(
        icon.table("calls"), icon.table("agents"), icon.table(SLOTS_TABLE), calendar=settings.default_calendar
    )
    return materialize(CALL_FACTS_TABLE, facts, False)


def _duckdb_materializer(
    con: duckdb.DuckDBPyConnection, icon: ibis.BaseBackend, *, replace: bool
) -> Materialize:
    def materialize(name: str, expr: ir.Table, temporary: bool) -> ir.Table:
        sql = icon.compile(expr)
        if name in _STORED_ORDER:
            sql = f"SELECT * FROM ({sql}) ORDER BY {_STORED_ORDER[name]}"
        if temporary or replace:
            # Intermediate steps go to the warehouse file too (and are dropped after): a TEMP table
            # lives in memory, which tens of millions of events do not fit.
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")
        else:
            con.execute(
                f"DELETE FROM {name} WHERE (source, ticket_id) IN "
                "(SELECT source, ticket_id FROM pending_ticket_facts)"
            )
            con.execute(f"INSERT INTO {name} BY NAME {sql}")
        return icon.table(name)

    return materialize


_TOUCHED_CUSTOMERS = "_fact_touched_customers"


def _note_touched_customers(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the customers of the queued tickets, read from the tickets and from the facts (which still
    hold an undone ticket's): their tickets' next contact may move."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_TOUCHED_CUSTOMERS} AS "
        "SELECT customer_id FROM tickets JOIN pending_ticket_facts USING (source, ticket_id) "
        "WHERE customer_id IS NOT NULL "
        "UNION SELECT customer_id FROM ticket_facts JOIN pending_ticket_facts USING (source, ticket_id) "
        "WHERE customer_id IS NOT NULL"
    )


def _renumber_next_contacts(con: duckdb.DuckDBPyConnection) -> None:
    """Set `next_contact_at` again on every ticket of the touched customers, from all their facts: a
    re-derived ticket saw only the tickets derived with it, and a new or undone ticket moves its
    neighbours'. The same window as `derive_ticket_facts`, over these customers only."""
    con.execute(
        "UPDATE ticket_facts SET next_contact_at = n.next_at FROM ("
        "  SELECT source, ticket_id, lead(created_at) OVER ("
        "    PARTITION BY customer_id ORDER BY created_at, source, ticket_id) AS next_at"
        f"  FROM ticket_facts WHERE customer_id IN (SELECT customer_id FROM {_TOUCHED_CUSTOMERS})"
        ") n WHERE ticket_facts.source = n.source AND ticket_facts.ticket_id = n.ticket_id "
        "AND ticket_facts.next_contact_at IS DISTINCT FROM n.next_at"
    )
    con.execute(f"DROP TABLE {_TOUCHED_CUSTOMERS}")


@dataclass(frozen=True)
class _Plan:
    """What a refresh has to do, read from the warehouse without writing it."""

    fingerprint: str
    current: bool
    calls_current: bool
    calls_version: str
    pending: int
    needed: tuple[date, date]
    covered: bool

    @property
    def idle(self) -> bool:
        return self.current and self.calls_current and self.covered and self.pending == 0


def _plan(con: duckdb.DuckDBPyConnection, settings: Settings) -> _Plan:
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    state: dict[str, str] = (
        dict(con.execute("SELECT key, value FROM fact_state").fetchall()) if "fact_state" in existing else {}
    )
    fingerprint = _calendar_fingerprint(settings)
    # Every activity table counts: staffed time, surveys and reviews are read per local day too.
    lo, hi = _instant_range(con)
    needed = slot_range_for(lo, hi)
    calls_version = _calls_version(con)
    # Exactly the needed range: after an undo shrinks the data, slots (and the business seconds measured
    # from their first day) are built again as if the undone rows had never been imported.
    built = (state.get("slots_from"), state.get("slots_to"))
    return _Plan(
        fingerprint=fingerprint,
        current=state.get("calendars") == fingerprint and set(TICKET_FACT_TABLES) <= existing,
        calls_current=state.get("calls") == calls_version and CALL_FACTS_TABLE in existing,
        calls_version=calls_version,
        pending=int(con.execute("SELECT count(*) FROM pending_ticket_facts").fetchall()[0][0]),
        needed=needed,
        covered=built == (needed[0].isoformat(), needed[1].isoformat()),
    )


def facts_current(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Whether the facts are up to date, so that `refresh_facts` would change nothing. It only reads,
    so a read-only connection can ask (and then compute from the facts as they are)."""
    return _plan(con, settings).idle


def facts_generation(con: duckdb.DuckDBPyConnection) -> tuple[object, ...] | None:
    """Changes whenever what KPIs read may have changed: at every import and undo (`import_log`) and every
    refresh that derived anything. None when the warehouse has no facts yet."""
    try:
        row = con.execute(
            f"SELECT (SELECT value FROM fact_state WHERE key = '{_GENERATION}'), count(*), max(import_id), "
            "count(undone_at) FROM import_log"
        ).fetchall()[0]
    except duckdb.CatalogException:
        return None
    return tuple(row)


def refresh_facts(con: duckdb.DuckDBPyConnection, settings: Settings, *, full: bool = False) -> FactRefresh:
    """Bring ticket_facts, reply_stretches, ticket_open_spans and call_facts up to date in one transaction."""
    con.execute(_STATE_DDL)
    plan = _plan(con, settings)
    if plan.idle and not full:
        return FactRefresh(full=False, tickets=0)
    fingerprint, needed, pending = plan.fingerprint, plan.needed, plan.pending
    calls_current, calls_version = plan.calls_current, plan.calls_version
    full = full or not plan.covered or not plan.current
    if not full and pending:
        # Re-deriving most tickets one by one costs more than rebuilding them all.
        total = con.execute("SELECT count(*) FROM ticket_facts").fetchall()[0][0]
        full = pending * 2 > total

    con.execute("BEGIN TRANSACTION")
    try:
        if full:
            write_calendar_slots(con, settings.calendars, needed[0], needed[1])
        icon = ibis.duckdb.from_connection(con)
        tickets = 0
        if not full and pending:
            _note_touched_customers(con)
        if full or pending:
            build_ticket_facts(
                icon, settings, _duckdb_materializer(con, icon, replace=full), only_pending=not full
            )
            con.execute(f"DROP TABLE IF EXISTS {MESSAGES_TABLE}")
            con.execute(f"DROP TABLE IF EXISTS {CHANGES_TABLE}")
            if not full:
                _renumber_next_contacts(con)
            row = con.execute(
                "SELECT count(*) FROM ticket_facts" if full else "SELECT count(*) FROM pending_ticket_facts"
            ).fetchall()[0]
            tickets = int(row[0]) if row else 0
            clear_pending_facts(con)
        if not full and not calls_current:
            # The agents (whose roles say who is a manager) may have changed.
            build_manager_reach(icon, settings, _duckdb_materializer(con, icon, replace=True))
        calls = 0
        if full or not calls_current:
            build_call_facts(icon, settings, _duckdb_materializer(con, icon, replace=True))
            calls = int(con.execute(f"SELECT count(*) FROM {CALL_FACTS_TABLE}").fetchall()[0][0])
        for key, value in (
            ("slots_from", needed[0].isoformat()),
            ("slots_to", needed[1].isoformat()),
            ("calendars", fingerprint),
            ("calls", calls_version),
            ("derived_at", datetime.now(UTC).replace(tzinfo=None).isoformat()),
        ):
            con.execute("INSERT OR REPLACE INTO fact_state VALUES (?, ?)", [key, value])
        con.execute(
            f"INSERT OR REPLACE INTO fact_state SELECT '{_GENERATION}', "
            f"CAST(coalesce(max(CAST(value AS BIGINT)), 0) + 1 AS VARCHAR) FROM fact_state "
            f"WHERE key = '{_GENERATION}'"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return FactRefresh(full=full, tickets=tickets, calls=calls)
