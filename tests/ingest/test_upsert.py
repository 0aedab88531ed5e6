"""Keys stay unique without a PRIMARY KEY: the importer rejects a key repeated in a file and updates a
stored row instead of adding one, however the same key arrives (again, in overlapping files, from two
files of one import); undo and a failed import leave the rows as they were; warehouses made with primary
keys still work."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from kpidesk.ingest import ImportFailed, _importer, import_files, undo_import
from kpidesk.warehouse import CANONICAL_TABLES, create_history

HEADER = "ticket_id,created_at,status,subject\n"
MONDAY = HEADER + "T1,2026-03-01 10:00:00,open,first\nT2,2026-03-01 11:00:00,open,second\n"
#: Overlaps MONDAY on T2 (now solved) and adds T3.
TUESDAY = HEADER + "T2,2026-03-01 11:00:00,solved,second\nT3,2026-03-02 09:00:00,new,third\n"
EVENTS_HEADER = "event_id,ticket_id,at,kind\n"


def tickets(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int]]:
    return con.execute("SELECT source, ticket_id, status, import_id FROM tickets ORDER BY ALL").fetchall()


def repeated_keys(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every (table, keys stored more than once) of the canonical tables; empty when keys are unique."""
    found = []
    for schema in CANONICAL_TABLES:
        keys = ", ".join(f'"{k}"' for k in schema.full_key)
        rows = con.execute(f'SELECT {keys} FROM "{schema.name}" GROUP BY ALL HAVING count(*) > 1').fetchall()
        if rows:
            found.append((schema.name, rows))
    return found


def test_reimporting_a_file_adds_no_row(con, write):
    path = write("monday.csv", MONDAY)
    import_files(con, [path], "tickets")
    again = import_files(con, [path], "tickets")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert tickets(con) == [("default", "T1", "open", 1), ("default", "T2", "open", 1)]
    assert repeated_keys(con) == []


def test_an_overlapping_file_updates_the_stored_row(con, write):
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    summary = import_files(con, [write("tuesday.csv", TUESDAY)], "tickets")
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 0)
    assert tickets(con) == [
        ("default", "T1", "open", 1),
        ("default", "T2", "solved", 2),
        ("default", "T3", "new", 2),
    ]
    assert repeated_keys(con) == []


def test_two_files_of_one_import_sharing_a_key_leave_the_later_one(con, write):
    summary = import_files(con, [write("monday.csv", MONDAY), write("tuesday.csv", TUESDAY)], "tickets")
    # T2 is inserted from the first file, then updated from the second, in the same transaction.
    assert (summary.read, summary.inserted, summary.updated) == (4, 3, 1)
    assert tickets(con) == [
        ("default", "T1", "open", 1),
        ("default", "T2", "solved", 1),
        ("default", "T3", "new", 1),
    ]
    assert repeated_keys(con) == []


def test_a_key_repeated_in_one_file_is_rejected_after_its_first_row(con, write, rejected_rows):
    path = write("dups.csv", MONDAY + "T1,2026-03-05 10:00:00,solved,again\nT1,2026-03-06 10:00:00,new,3rd\n")
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (4, 2, 2)
    assert tickets(con) == [("default", "T1", "open", 1), ("default", "T2", "open", 1)]
    lines = [(line, column) for _, line, column, _, _ in rejected_rows(con)]
    assert lines == [(4, "ticket_id"), (5, "ticket_id")]
    assert repeated_keys(con) == []


def test_a_repeated_key_in_a_later_file_of_the_same_import_is_rejected_there(con, write, rejected_rows):
    later = write("later.csv", TUESDAY + "T3,2026-03-02 09:00:00,open,dup\n")
    summary = import_files(con, [write("monday.csv", MONDAY), later], "tickets")
    assert (summary.inserted, summary.updated, summary.rejected) == (3, 1, 1)
    assert [(f, line) for f, line, *_ in rejected_rows(con)] == [("later.csv", 4)]
    assert repeated_keys(con) == []


def test_the_same_id_from_two_sources_is_two_tickets_but_one_agent(con, write):
    import_files(con, [write("a.csv", MONDAY)], "tickets", source="a")
    import_files(con, [write("b.csv", MONDAY)], "tickets", source="b")
    assert len(tickets(con)) == 4
    agents = "agent_id,name\nA1,Dana\n"
    import_files(con, [write("agents_a.csv", agents)], "agents", source="a")
    summary = import_files(con, [write("agents_b.csv", agents.replace("Dana", "Dan"))], "agents", source="b")
    assert (summary.inserted, summary.updated) == (0, 1)
    assert con.execute("SELECT agent_id, name FROM agents").fetchall() == [("A1", "Dan")]
    assert repeated_keys(con) == []


def test_events_and_tickets_queue_each_ticket_once(con, write):
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    events = EVENTS_HEADER + "E1,T1,2026-03-01 10:00:00,created\nE2,T1,2026-03-01 10:05:00,message\n"
    import_files(con, [write("events.csv", events)], "events")
    queued = con.execute("SELECT source, ticket_id FROM pending_ticket_facts ORDER BY ALL").fetchall()
    assert queued == [("default", "T1"), ("default", "T2")]


def test_undo_of_an_overlapping_import_puts_the_stored_rows_back(con, write, warehouse_snapshot):
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    before = warehouse_snapshot(con)
    summary = import_files(con, [write("tuesday.csv", TUESDAY)], "tickets")
    undo_import(con, summary.import_id)
    assert tickets(con) == [("default", "T1", "open", 1), ("default", "T2", "open", 1)]
    after = warehouse_snapshot(con)
    for table in [s.name for s in CANONICAL_TABLES]:
        assert after[table] == before[table]
    # Importing the same file again after the undo inserts and updates as the first time.
    again = import_files(con, [write("tuesday.csv", TUESDAY)], "tickets")
    assert (again.inserted, again.updated) == (1, 1)
    assert repeated_keys(con) == []


def test_a_failure_after_the_rows_are_written_leaves_the_warehouse_as_it_was(
    con, write, warehouse_snapshot, monkeypatch
):
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    before = warehouse_snapshot(con)

    def fail(*args: object, **kwargs: object) -> None:
        raise ImportFailed("the disk is full")

    # The rows of both files are inserted and updated; recording the import then fails.
    monkeypatch.setattr(_importer, "record_import", fail)
    with pytest.raises(ImportFailed, match="the disk is full"):
        import_files(con, [write("tuesday.csv", TUESDAY), write("more.csv", MONDAY)], "tickets")
    assert warehouse_snapshot(con) == before
    monkeypatch.undo()
    summary = import_files(con, [write("tuesday.csv", TUESDAY)], "tickets")
    assert (summary.import_id, summary.inserted, summary.updated) == (2, 1, 1)


def _legacy_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """The canonical tables and the fact queue as warehouses made before keys were left to the importer
    declared them: with a PRIMARY KEY."""
    for schema in CANONICAL_TABLES:
        columns = ", ".join(f'"{c.name}" {c.type}' for c in schema.all_columns)
        keys = ", ".join(f'"{k}"' for k in schema.full_key)
        con.execute(f'DROP TABLE "{schema.name}"')
        con.execute(f'CREATE TABLE "{schema.name}" ({columns}, PRIMARY KEY ({keys}))')
    con.execute("DROP TABLE pending_ticket_facts")
    con.execute(
        "CREATE TABLE pending_ticket_facts "
        "(source VARCHAR, ticket_id VARCHAR, PRIMARY KEY (source, ticket_id))"
    )
    create_history(con)


def test_a_warehouse_made_with_primary_keys_imports_updates_and_undoes(con, write):
    _legacy_warehouse(con)
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    summary = import_files(con, [write("tuesday.csv", TUESDAY), write("monday2.csv", MONDAY)], "tickets")
    assert (summary.inserted, summary.updated) == (1, 2)
    # T1 is the same in monday2.csv (unchanged); T2 is solved by tuesday.csv, then open again.
    assert tickets(con) == [
        ("default", "T1", "open", 1),
        ("default", "T2", "open", 2),
        ("default", "T3", "new", 2),
    ]
    undo_import(con, summary.import_id)
    assert tickets(con) == [("default", "T1", "open", 1), ("default", "T2", "open", 1)]
    created = con.execute("SELECT created_at FROM tickets WHERE ticket_id = 'T2'").fetchall()
    assert created == [(dt.datetime(2026, 3, 1, 11),)]


def test_an_import_that_kept_the_keys_it_inserted_is_undone_alike(con, write, warehouse_snapshot):
    """Earlier versions also kept a history row per inserted key; undo leaves those rows aside."""
    import_files(con, [write("monday.csv", MONDAY)], "tickets")
    before = warehouse_snapshot(con)
    summary = import_files(con, [write("tuesday.csv", TUESDAY)], "tickets")
    con.execute(
        "INSERT INTO import_history_tickets (history_import_id, history_action, source, ticket_id) "
        "VALUES (?, 'inserted', 'default', 'T3')",
        [summary.import_id],
    )
    result = undo_import(con, summary.import_id)
    assert (result.deleted, result.restored) == ({"tickets": 1}, {"tickets": 1})
    after = warehouse_snapshot(con)
    for table in [s.name for s in CANONICAL_TABLES]:
        assert after[table] == before[table]
    assert after["import_history_tickets"] == before["import_history_tickets"]
