"""The canonical tables as described in the design, created in a real DuckDB file."""

from __future__ import annotations

import pytest

from kpidesk.warehouse import CANONICAL_TABLES, queue_ticket_facts, table_schema
from kpidesk.workspace import Workspace


def test_every_canonical_table_exists_with_source_and_import_id(workspace: Workspace) -> None:
    with workspace.connect() as con:
        for table in CANONICAL_TABLES:
            columns = [r[0] for r in con.execute(f'DESCRIBE "{table.name}"').fetchall()]
            assert columns[0] == "source" and columns[-1] == "import_id"
            assert set(table.column_names) <= set(columns)


def test_keys_follow_the_design() -> None:
    assert table_schema("tickets").full_key == ("source", "ticket_id")
    assert table_schema("events").full_key == ("source", "event_id")
    assert table_schema("agents").full_key == ("agent_id",)
    assert table_schema("agent_states").full_key == ("agent_id", "start")


def test_the_canonical_tables_and_the_fact_queue_have_no_key_index(workspace: Workspace) -> None:
    """Keys are kept unique by the importer (tests/ingest/test_upsert.py), not by a DuckDB index."""
    with workspace.connect() as con:
        constrained = con.execute(
            "SELECT DISTINCT table_name FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
    unindexed = {t.name for t in CANONICAL_TABLES} | {"pending_ticket_facts"}
    assert {t for (t,) in constrained} & unindexed == set()


def test_queued_tickets_are_queued_once(workspace: Workspace) -> None:
    with workspace.connect() as con:
        queue_ticket_facts(
            con,
            "SELECT * FROM (VALUES ('s', 'T1'), ('s', 'T1'), ('s', 'T2'), ('s', NULL)) t(source, ticket_id)",
        )
        queue_ticket_facts(con, "SELECT 's' AS source, 'T2' AS ticket_id UNION ALL SELECT 'r', 'T2'")
        queued = con.execute("SELECT * FROM pending_ticket_facts ORDER BY ALL").fetchall()
    assert queued == [("r", "T2"), ("s", "T1"), ("s", "T2")]


def test_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(ValueError, match="expected one of: tickets, events, calls"):
        table_schema("tix")
