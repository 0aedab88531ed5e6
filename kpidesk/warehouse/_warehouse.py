"""The warehouse: one DuckDB file per workspace holding canonical tables, import bookkeeping and facts."""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpidesk.warehouse._history import create_history
from kpidesk.warehouse._schema import CANONICAL_TABLES

__all__ = [
    "BOOKKEEPING_DDL",
    "PENDING_FACTS_DDL",
    "clear_pending_facts",
    "connect",
    "create_warehouse",
    "queue_ticket_facts",
]

#: Tickets whose facts must be re-derived: written by an import in the same transaction as its rows.
#: Each ticket once, kept so by `queue_ticket_facts` (no key index: a first import queues every ticket).
PENDING_FACTS_DDL = """CREATE TABLE IF NOT EXISTS pending_ticket_facts (
  source VARCHAR,
  ticket_id VARCHAR
)"""

#: Tables the importer and the fact builder keep beside the canonical tables.
BOOKKEEPING_DDL = (
    """CREATE TABLE IF NOT EXISTS imports (
  import_id BIGINT PRIMARY KEY,
  started_at TIMESTAMP,
  kind VARCHAR,
  source VARCHAR,
  files VARCHAR[],
  read BIGINT,
  inserted BIGINT,
  updated BIGINT,
  unchanged BIGINT,
  rejected BIGINT
)""",
    """CREATE TABLE IF NOT EXISTS rejected_rows (
  import_id BIGINT,
  kind VARCHAR,
  file VARCHAR,
  line BIGINT,
  "column" VARCHAR,
  value VARCHAR,
  reason VARCHAR
)""",
    PENDING_FACTS_DDL,
)


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; tables are created by `create_warehouse`."""
    return duckdb.connect(str(path), read_only=read_only)


def create_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical and bookkeeping table that does not exist yet."""
    for table in CANONICAL_TABLES:
        con.execute(table.create_sql())
    for ddl in BOOKKEEPING_DDL:
        con.execute(ddl)
    create_history(con)


def clear_pending_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Empty the queue of tickets to re-derive.

    Dropped and created again rather than deleted from: deleting millions of rows from a table with a
    primary key makes DuckDB's commit rewrite the index row by row.
    """
    con.execute("DROP TABLE IF EXISTS pending_ticket_facts")
    con.execute(PENDING_FACTS_DDL)


def queue_ticket_facts(con: duckdb.DuckDBPyConnection, tickets: str) -> None:
    """Queue the tickets of `tickets` (SQL selecting source and ticket_id) for the fact builder, each once:
    those already queued and empty ids are left out."""
    con.execute(
        "INSERT INTO pending_ticket_facts (source, ticket_id) "
        f"SELECT source, ticket_id FROM ({tickets}) WHERE ticket_id IS NOT NULL "
        "EXCEPT SELECT source, ticket_id FROM pending_ticket_facts"
    )
