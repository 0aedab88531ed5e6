"""The canonical tables as described in the design, created in a real DuckDB file."""

from __future__ import annotations

import pytest

from kpidesk.warehouse import CANONICAL_TABLES, table_schema
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


def test_upsert_key_is_enforced(workspace: Workspace) -> None:
    with workspace.connect() as con:
        con.execute("INSERT INTO tickets (source, ticket_id, created_at) VALUES ('s', 'T1', '2026-01-01')")
        with pytest.raises(Exception, match=r"(?i)constraint"):
            con.execute(
                "INSERT INTO tickets (source, ticket_id, created_at) VALUES ('s', 'T1', '2026-01-02')"
            )


def test_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(ValueError, match="expected one of: tickets, events, calls"):
        table_schema("tix")
