"""The shortcuts the importer takes on large files give exactly what the general path gives.

Typed Parquet columns are converted directly instead of through their text, and the first import into a
table with nothing to compare with inserts without classifying rows; neither may change a row, a count,
a line number or a rejection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpidesk.ingest import ImportFailed, import_files
from kpidesk.ingest._convert import as_text
from kpidesk.ingest._sql import ident
from kpidesk.warehouse import create_warehouse

# Typed values, edge cases included: out of range, negative, infinite, NaN, empty and NULL lists, a
# status outside its choices, a reply before creation, a missing required instant and a repeated key.
TICKETS = """
SELECT * FROM (VALUES
    ('T1', TIMESTAMP '2026-03-01 10:00:00', TIMESTAMPTZ '2026-03-01 12:00:00+00', 'open', ['a', 'b'],
     1::BIGINT, 0::SMALLINT, true),
    ('T2', TIMESTAMP '2026-03-30 02:30:00', NULL, 'SOLVED', [], 0, 2, false),
    ('T3', TIMESTAMP '2026-03-01 10:00:00', TIMESTAMPTZ '2026-03-01 07:00:00+00', 'open', NULL, 0, 0, NULL),
    ('T4', NULL, NULL, 'open', ['x', NULL], 0, 0, true),
    ('T5', TIMESTAMP 'infinity', NULL, 'bogus', ['y'], 3000000000, -1, true),
    ('T1', TIMESTAMP '2026-03-05 10:00:00', NULL, 'new', NULL, 0, 0, NULL),
    ('T6', TIMESTAMP '2026-03-06 10:00:00', TIMESTAMPTZ 'infinity', 'hold', ['z'], -5, 7, false),
    ('T7', TIMESTAMP '2026-03-07 10:00:00.123456', TIMESTAMPTZ '2026-03-07 13:00:00.5+02', 'new', ['1'],
     NULL, NULL, NULL)
) t(ticket_id, created_at, first_reply_at, status, tags, reopen_count, escalation_level, sla_met)
"""
CALLS = """
SELECT * FROM (VALUES
    ('C1', 10.5, TIMESTAMP_NS '2026-03-01 10:00:00.123456789', 0::INTEGER),
    ('C2', -4.0, NULL, 1),
    ('C3', 'nan'::DOUBLE, TIMESTAMP_MS '2026-03-01 10:00:00.5', 0),
    ('C4', 'inf'::DOUBLE, TIMESTAMP_S '2026-03-01 10:00:00', 0),
    ('C5', 1e300, NULL, NULL),
    ('C6', NULL, NULL, 0)
) t(call_id, talk_s, arrived_at, hold_s)
"""


def _write(query: str, path: Path, *, text: bool) -> Path:
    """The values as a typed Parquet file, or (text) as the text each typed value reads as."""
    with duckdb.connect() as scratch:
        relation = f"({query})"
        if text:
            described = scratch.execute(f"DESCRIBE {query}").fetchall()
            fields = ", ".join(f"{as_text(ident(d[0]), str(d[1]))} AS {ident(d[0])}" for d in described)
            relation = f"(SELECT {fields} FROM {relation})"
        scratch.execute(f"COPY {relation} TO '{path}' (FORMAT parquet)")
    return path


def _outcome(tmp_path: Path, name: str, path: Path, kind: str, mapping: dict[str, Any]) -> tuple:
    con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
    try:
        create_warehouse(con)
        summary = import_files(con, [path], kind, mapping=mapping)
        table = "tickets" if kind == "tickets" else "calls"
        rows = con.execute(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL").fetchall()
        problems = con.execute(
            'SELECT line, "column", value, reason FROM rejected_rows ORDER BY line, "column", reason'
        ).fetchall()
        pending = con.execute("SELECT * FROM pending_ticket_facts ORDER BY ALL").fetchall()
        counts = (summary.read, summary.inserted, summary.updated, summary.unchanged, summary.rejected)
        return counts, rows, problems, pending, summary.warnings
    finally:
        con.close()


@pytest.mark.parametrize(
    "mapping",
    [
        {},
        {"timezone": "Europe/Berlin"},
        # A null value that is the text of a typed value sends the columns through their text.
        {"null_values": ["0", "true"]},
        {"formats": {"created_at": "%Y-%m-%d %H:%M:%S"}, "values": {"reopen_count": {"1": "5"}}},
    ],
)
@pytest.mark.parametrize(("kind", "query"), [("tickets", TICKETS), ("calls", CALLS)])
def test_typed_parquet_imports_as_its_text_would(tmp_path, kind, query, mapping):
    if kind == "calls":
        renamed = {"created_at": "arrived_at", "reopen_count": "hold_s"}
        for section in ("formats", "values"):
            if section in mapping:
                mapping = {**mapping, section: {renamed[c]: v for c, v in mapping[section].items()}}
    typed = _write(query, tmp_path / "typed.parquet", text=False)
    text = _write(query, tmp_path / "text.parquet", text=True)
    outcome = _outcome(tmp_path, "typed", typed, kind, mapping)
    assert outcome == _outcome(tmp_path, "text", text, kind, mapping)
    assert outcome[0][4] > 0  # the edge cases were rejected, not just imported alike


def test_typed_parquet_rejects_what_its_type_allows(con, tmp_path, rejected_rows):
    path = _write(TICKETS, tmp_path / "tickets.parquet", text=False)
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (8, 3, 5)
    problems = {(line, column): reason for _, line, column, _, reason in rejected_rows(con)}
    assert problems[(3, "first_reply_at")].startswith("first_reply_at 2026-03-01 07:00:00 UTC is before")
    assert problems[(4, "created_at")] == "required value is empty"
    assert problems[(5, "status")].startswith("'bogus' is not one of new, open, pending")
    assert problems[(5, "created_at")].startswith("expected a timestamp like")
    assert problems[(5, "reopen_count")] == "expected a whole number, got '3000000000'"
    assert problems[(5, "escalation_level")] == "must be at least 0, got -1"
    assert problems[(6, "ticket_id")].endswith(
        "already appeared on record 1 of this file; the first one is imported"
    )
    assert problems[(7, "reopen_count")] == "must be at least 0, got -5"
    assert problems[(7, "first_reply_at")].startswith("expected a timestamp like")
    rows = con.execute("SELECT ticket_id, status, tags FROM tickets ORDER BY ticket_id").fetchall()
    assert rows == [("T1", "open", ["a", "b"]), ("T2", "solved", []), ("T7", "new", ["1"])]


def _tickets_csv(rows: int) -> str:
    lines = ["ticket_id,created_at,status,reopen_count"]
    lines += [f"T{i},2026-03-01 10:00:00,{'open' if i % 3 else 'solved'},{i % 4}" for i in range(rows)]
    lines += ["T1,2026-03-02 10:00:00,open,0", "T2,2026-03-02 10:00:00,nope,0"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("kind", "table", "key"), [("tickets", "tickets", "ticket_id"), ("agents", "agents", "agent_id")]
)
def test_first_import_into_an_empty_table_matches_the_general_path(con, write, kind, table, key):
    if kind == "tickets":
        content = _tickets_csv(20)
    else:
        content = "agent_id,name,role\nA1,Ann,agent\nA2,Bob,lead\nA1,Ann again,agent\nA3,Cy,boss\n"
    path = write(f"{kind}.csv", content)
    first = import_files(con, [path], kind)
    rows = con.execute(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL").fetchall()
    problems = con.execute('SELECT line, "column", value, reason FROM rejected_rows ORDER BY ALL').fetchall()
    queued = con.execute("SELECT * FROM pending_ticket_facts ORDER BY ALL").fetchall()

    # The same file once a row with another key is stored: every row is compared, and still inserted.
    for cleared in (table, "rejected_rows", "pending_ticket_facts"):
        con.execute(f"DELETE FROM {cleared}")
    stored = "ticket_id,created_at\nX9,2026-01-01 00:00:00\n" if kind == "tickets" else "agent_id\nX9\n"
    import_files(con, [write("other.csv", stored)], kind)
    con.execute("DELETE FROM pending_ticket_facts")
    general = import_files(con, [path], kind)
    assert (general.read, general.inserted, general.updated, general.unchanged, general.rejected) == (
        first.read,
        first.inserted,
        first.updated,
        first.unchanged,
        first.rejected,
    )
    assert first.inserted > 0 and first.rejected == 2
    con.execute(f"DELETE FROM {table} WHERE {key} = 'X9'")
    assert con.execute(f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL").fetchall() == rows
    assert (
        con.execute('SELECT line, "column", value, reason FROM rejected_rows ORDER BY ALL').fetchall()
        == problems
    )
    assert con.execute("SELECT * FROM pending_ticket_facts ORDER BY ALL").fetchall() == queued
    # And again: the general path now finds every row stored and unchanged.
    again = import_files(con, [path], kind)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)


def test_two_files_where_the_first_fills_an_empty_table(con, write):
    header = "ticket_id,created_at,status\n"
    first = write("a.csv", header + "T1,2026-03-01 10:00:00,open\nT2,2026-03-01 10:00:00,open\n")
    rows = ("T1,2026-03-01 10:00:00,solved", "T2,2026-03-01 10:00:00,open", "T3,2026-03-01 10:00:00,new")
    second = write("b.csv", header + "\n".join(rows) + "\n")
    summary = import_files(con, [first, second], "tickets")
    assert (summary.read, summary.inserted, summary.updated, summary.unchanged) == (5, 3, 1, 1)


def test_a_parquet_file_corrupt_past_its_footer_fails_whole(con, tmp_path, warehouse_snapshot):
    path = tmp_path / "tickets.parquet"
    ids = [f"T{i}" for i in range(2000)]
    pq.write_table(pa.table({"ticket_id": ids, "created_at": ["2026-03-01 10:00:00"] * 2000}), path)
    data = bytearray(path.read_bytes())
    data[4 : len(data) // 2] = bytes(len(data) // 2 - 4)
    path.write_bytes(bytes(data))
    before = warehouse_snapshot(con)
    with pytest.raises(ImportFailed, match=r"tickets.parquet is not a readable Parquet file: "):
        import_files(con, [path], "tickets")
    assert warehouse_snapshot(con) == before


def test_a_parquet_column_named_file_row_number_is_just_a_column(con, tmp_path, rejected_rows):
    path = tmp_path / "tickets.parquet"
    table = {
        "ticket_id": ["T1", "T2", "T3"],
        "created_at": ["2026-03-01 10:00:00", "yesterday", "2026-03-01 10:00:00"],
        "file_row_number": [7, 8, 9],
    }
    pq.write_table(pa.table(table), path)
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected, summary.ignored_columns) == (2, 1, ["file_row_number"])
    assert [(line, column) for _, line, column, _, _ in rejected_rows(con)] == [(2, "created_at")]
