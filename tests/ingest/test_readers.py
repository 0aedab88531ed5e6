"""Every file format and dialect the importer reads, each ending as the same typed rows."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpidesk.ingest import ImportFailed, import_files

ROWS = [
    ("T1", "2026-03-01 10:00:00", "open", "first"),
    ("T2", "2026-03-02 11:30:00", "solved", "second"),
]
EXPECTED = [
    ("T1", dt.datetime(2026, 3, 1, 10, 0), "open", "first"),
    ("T2", dt.datetime(2026, 3, 2, 11, 30), "solved", "second"),
]


def tickets(con):
    return con.execute(
        "SELECT ticket_id, created_at, status, subject FROM tickets ORDER BY ticket_id"
    ).fetchall()


def delimited(delimiter: str, newline: str = "\n") -> str:
    header = delimiter.join(("ticket_id", "created_at", "status", "subject"))
    return newline.join([header, *(delimiter.join(r) for r in ROWS)]) + newline


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("comma.csv", delimited(",")),
        ("semicolon.csv", delimited(";")),
        ("tabs.tsv", delimited("\t")),
        ("pipes.txt", delimited("|")),
        ("windows.csv", delimited(",", "\r\n")),
        ("bom.csv", "\ufeff" + delimited(";")),
    ],
)
def test_delimited_text_in_any_dialect(con, write, name, content):
    summary = import_files(con, [write(name, content)], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (2, 2, 0)
    assert tickets(con) == EXPECTED


def test_bom_does_not_stick_to_the_first_column_name(con, write):
    summary = import_files(con, [write("bom.csv", "\ufeff" + delimited(","))], "tickets")
    assert summary.ignored_columns == []


def test_delimiter_given_explicitly(con, write):
    content = "ticket_id:created_at:subject\nT1:2026-03-01:a,b;c\n"
    summary = import_files(con, [write("colon.csv", content)], "tickets", delimiter=":")
    assert summary.inserted == 1
    assert con.execute("SELECT subject FROM tickets").fetchall() == [("a,b;c",)]


def test_hash_at_line_start_is_data_not_a_comment(con, write):
    content = "ticket_id,created_at,subject\n#42,2026-03-01,hash id\n"
    import_files(con, [write("hash.csv", content)], "tickets")
    assert con.execute("SELECT ticket_id FROM tickets").fetchall() == [("#42",)]


def test_json_array_of_objects(con, write):
    records = [dict(zip(("ticket_id", "created_at", "status", "subject"), r, strict=True)) for r in ROWS]
    records[0]["tags"] = ["vip", "billing"]
    records[1]["escalation_level"] = 2
    summary = import_files(con, [write("tickets.json", json.dumps(records, indent=2))], "tickets")
    assert (summary.inserted, summary.rejected) == (2, 0)
    assert tickets(con) == EXPECTED
    extra = con.execute("SELECT tags, escalation_level FROM tickets ORDER BY ticket_id").fetchall()
    assert extra == [(["vip", "billing"], None), (None, 2)]


def test_json_object_holding_the_records(con, write):
    records = [dict(zip(("ticket_id", "created_at", "status", "subject"), r, strict=True)) for r in ROWS]
    document = {"count": 2, "next_page": None, "tickets": records}
    import_files(con, [write("export.json", json.dumps(document))], "tickets")
    assert tickets(con) == EXPECTED


def test_json_object_with_several_lists_needs_records(con, write):
    records = [dict(zip(("ticket_id", "created_at", "status", "subject"), r, strict=True)) for r in ROWS]
    document = {"tickets": records, "users": [{"id": 1}]}
    path = write("export.json", json.dumps(document))
    with pytest.raises(ImportFailed, match=r"several lists of records .*tickets, users.*`records:`"):
        import_files(con, [path], "tickets")
    import_files(con, [path], "tickets", mapping={"records": "tickets"})
    assert tickets(con) == EXPECTED


def test_json_lines_with_blank_lines_report_real_lines(con, write, rejected_rows):
    lines = [json.dumps({"ticket_id": t, "created_at": c, "status": s, "subject": j}) for t, c, s, j in ROWS]
    bad = json.dumps({"ticket_id": "T3", "created_at": "soon", "status": "open"})
    path = write("tickets.jsonl", lines[0] + "\n\n" + lines[1] + "\n  \n" + bad + "\n")
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (2, 1)
    assert [(line, value) for _, line, _, value, _ in rejected_rows(con)] == [(5, "soon")]
    assert summary.units[str(path)] == "line"


def test_ndjson_extension(con, write):
    content = "".join(
        json.dumps(dict(zip(("ticket_id", "created_at", "status", "subject"), r, strict=True))) + "\n"
        for r in ROWS
    )
    import_files(con, [write("tickets.ndjson", content)], "tickets")
    assert tickets(con) == EXPECTED


def test_parquet_with_typed_columns(con, tmp_path):
    path = tmp_path / "tickets.parquet"
    table = pa.table(
        {
            "ticket_id": ["T1", "T2"],
            "created_at": pa.array(
                [dt.datetime(2026, 3, 1, 10), dt.datetime(2026, 3, 2, 11, 30)], pa.timestamp("us")
            ),
            "first_reply_at": pa.array(
                [dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), None], pa.timestamp("us", tz="UTC")
            ),
            "tags": [["a", "b"], []],
            "reopen_count": pa.array([1, 0], pa.int64()),
            "sla_met": [True, False],
            "unused": [1.5, 2.5],
        }
    )
    pq.write_table(table, path)
    summary = import_files(con, [path], "tickets", mapping={"timezone": "Asia/Jerusalem"})
    assert (summary.inserted, summary.rejected, summary.ignored_columns) == (2, 0, ["unused"])
    rows = con.execute(
        "SELECT ticket_id, created_at, first_reply_at, tags, reopen_count, sla_met FROM tickets "
        "ORDER BY ticket_id"
    ).fetchall()
    assert rows == [
        # A naive Parquet timestamp is local time in the source's zone; one with a zone is kept as is.
        ("T1", dt.datetime(2026, 3, 1, 8, 0), dt.datetime(2026, 3, 1, 12, 0), ["a", "b"], 1, True),
        ("T2", dt.datetime(2026, 3, 2, 9, 30), None, [], 0, False),
    ]


def test_parquet_rejections_are_numbered_by_record(con, tmp_path, rejected_rows):
    path = tmp_path / "calls.parquet"
    pq.write_table(pa.table({"call_id": ["C1", "C2", "C3"], "talk_s": [10.0, -4.0, 3.0]}), path)
    summary = import_files(con, [path], "calls")
    assert (summary.inserted, summary.rejected) == (2, 1)
    assert [(line, column) for _, line, column, _, _ in rejected_rows(con)] == [(2, "talk_s")]
    assert "calls.parquet record 2, column 'talk_s': must be at least 0, got -4.0" in str(summary)


def test_not_a_parquet_file(con, write):
    with pytest.raises(ImportFailed, match=r"broken.parquet is not a readable Parquet file"):
        import_files(con, [write("broken.parquet", b"PAR1 but not really")], "tickets")


def test_xlsx_reports_excel_row_numbers(con, tmp_path, rejected_rows):
    path = tmp_path / "tickets.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Export"
    sheet.append(["Ticket", "Created", "Status", "Replies", "SLA"])
    sheet.append(["T1", dt.datetime(2026, 3, 1, 10, 0), "open", 3, True])
    sheet.append([None, None, None, None, None])
    sheet.append(["T2", "31/02/2026", "open", 1.0, False])
    sheet.append([1003, dt.datetime(2026, 3, 2, 11, 30), "solved", 0, None])
    workbook.save(path)
    mapping = {
        "columns": {
            "ticket_id": "Ticket",
            "created_at": "Created",
            "status": "Status",
            "agent_reply_count": "Replies",
            "sla_met": "SLA",
        }
    }
    summary = import_files(con, [path], "tickets", mapping=mapping)
    assert (summary.read, summary.inserted, summary.rejected) == (3, 2, 1)
    assert [(line, column, value) for _, line, column, value, _ in rejected_rows(con)] == [
        (4, "Created", "31/02/2026"),
    ]
    assert "tickets.xlsx row 4, column 'Created': created_at: expected a timestamp" in str(summary)
    rows = con.execute(
        "SELECT ticket_id, created_at, agent_reply_count, sla_met FROM tickets ORDER BY ticket_id"
    ).fetchall()
    assert rows == [
        ("1003", dt.datetime(2026, 3, 2, 11, 30), 0, None),
        ("T1", dt.datetime(2026, 3, 1, 10), 3, True),
    ]


def test_xlsx_sheet_by_name(con, tmp_path):
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["notes"])
    data = workbook.create_sheet("Agents")
    data.append(["agent_id", "name", "role"])
    data.append(["A1", "Dana", "lead"])
    workbook.save(path)
    with pytest.raises(ImportFailed, match=r"missing required column agent_id"):
        import_files(con, [path], "agents")
    with pytest.raises(ImportFailed, match=r"has no sheet 'Staff'.*its sheets: Sheet, Agents"):
        import_files(con, [path], "agents", mapping={"sheet": "Staff"})
    import_files(con, [path], "agents", mapping={"sheet": "Agents"})
    assert con.execute("SELECT agent_id, name, role FROM agents").fetchall() == [("A1", "Dana", "lead")]


def test_empty_xlsx_and_not_an_xlsx(con, tmp_path, write):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ImportFailed, match=r"empty.xlsx is empty"):
        import_files(con, [path], "tickets")
    with pytest.raises(ImportFailed, match=r"fake.xlsx is not an XLSX workbook"):
        import_files(con, [write("fake.xlsx", "ticket_id\nT1\n")], "tickets")


def test_windows_1256_arabic_declared_in_the_mapping(con, write):
    content = "agent_id,name\nA1,سارة\nA2,Omar\n"
    path = write("agents.csv", content, encoding="windows-1256")
    summary = import_files(con, [path], "agents", mapping={"encoding": "windows-1256"})
    assert summary.inserted == 2
    assert con.execute("SELECT name FROM agents ORDER BY agent_id").fetchall() == [("سارة",), ("Omar",)]


def test_utf16_declared_is_transcoded_too(con, write):
    path = write("agents.csv", "agent_id,name\nA1,שירה\n", encoding="utf-16")
    import_files(con, [path], "agents", encoding="utf-16")
    assert con.execute("SELECT name FROM agents").fetchall() == [("שירה",)]


def test_quoted_fields_beyond_the_sniffer_sample(con, write):
    rows = "".join(f"T{i},2026-03-01,open,plain\n" for i in range(25_000))
    path = write(
        "late.csv", "ticket_id,created_at,status,subject\n" + rows + 'T-last,2026-03-01,open,"a, b\nc"\n'
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (25_001, 0)
    assert con.execute("SELECT subject FROM tickets WHERE ticket_id = 'T-last'").fetchall() == [("a, b\nc",)]


def test_reader_leaves_no_temporary_tables(con, write):
    import_files(con, [write("t.csv", delimited(","))], "tickets")
    temporary = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    assert temporary == []
    assert isinstance(con, duckdb.DuckDBPyConnection)


def test_json_without_records_imports_nothing_with_a_warning(con, write):
    path = write("tickets.json", "[]")
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.warnings) == (0, [f"{path} has no records; nothing was imported from it"])


def test_json_single_object_is_one_record(con, write):
    path = write("ticket.json", json.dumps({"ticket_id": "T1", "created_at": "2026-03-01", "tags": ["a"]}))
    assert import_files(con, [path], "tickets").inserted == 1
