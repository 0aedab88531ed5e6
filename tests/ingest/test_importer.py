"""The import as a whole: counts, upsert semantics, bookkeeping tables, the summary, large files."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import duckdb
import pytest

from kpidesk.ingest import LARGE_INPUT_BYTES, ImportFailed, import_files

HEADER = "ticket_id,created_at,status,subject,tags,reopen_count,sla_met\n"
EXPORT = (
    HEADER
    + "T1,2026-03-01 10:00:00,open,Printer on fire,hardware;urgent,0,true\n"
    + "T2,2026-03-01 11:00:00,pending,Invoice copy,,1,\n"
    + "T3,2026-03-02 09:30:00,solved,Password reset,account,0,false\n"
)


def pending(con):
    return con.execute("SELECT source, ticket_id FROM pending_ticket_facts ORDER BY ALL").fetchall()


def test_import_stores_typed_rows_and_an_imports_row(con, write):
    path = write("tickets.csv", EXPORT)
    summary = import_files(con, [path], "tickets")
    assert (summary.import_id, summary.kind, summary.source, summary.files) == (
        1,
        "tickets",
        "default",
        [str(path)],
    )
    assert (summary.read, summary.inserted, summary.updated, summary.unchanged, summary.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    rows = con.execute(
        "SELECT source, ticket_id, created_at, status, tags, reopen_count, sla_met, import_id "
        "FROM tickets ORDER BY ticket_id"
    ).fetchall()
    assert rows == [
        ("default", "T1", dt.datetime(2026, 3, 1, 10), "open", ["hardware", "urgent"], 0, True, 1),
        ("default", "T2", dt.datetime(2026, 3, 1, 11), "pending", None, 1, None, 1),
        ("default", "T3", dt.datetime(2026, 3, 2, 9, 30), "solved", ["account"], 0, False, 1),
    ]
    [(import_id, started_at, kind, source, files, *counts)] = con.execute("SELECT * FROM imports").fetchall()
    assert (import_id, kind, source, files, counts) == (1, "tickets", "default", [str(path)], [3, 3, 0, 0, 0])
    assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - started_at) < dt.timedelta(minutes=5)
    assert pending(con) == [("default", "T1"), ("default", "T2"), ("default", "T3")]


def test_reimporting_the_same_export_changes_nothing(con, write, warehouse_snapshot):
    path = write("tickets.csv", EXPORT)
    import_files(con, [path], "tickets")
    con.execute("DELETE FROM pending_ticket_facts")
    before = warehouse_snapshot(con)
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.updated, summary.unchanged) == (3, 0, 0, 3)
    after = warehouse_snapshot(con)
    assert after["tickets"] == before["tickets"]
    assert after["pending_ticket_facts"] == []
    assert len(after["imports"]) == 2


def test_a_newer_export_updates_only_what_changed(con, write):
    import_files(con, [write("monday.csv", EXPORT)], "tickets")
    con.execute("DELETE FROM pending_ticket_facts")
    newer = (
        EXPORT.replace("T2,2026-03-01 11:00:00,pending", "T2,2026-03-01 11:00:00,solved")
        + "T4,2026-03-03 08:00:00,new,Fresh,,0,\n"
    )
    summary = import_files(con, [write("tuesday.csv", newer)], "tickets")
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 2)
    rows = con.execute("SELECT ticket_id, status, import_id FROM tickets ORDER BY ticket_id").fetchall()
    assert rows == [("T1", "open", 1), ("T2", "solved", 2), ("T3", "solved", 1), ("T4", "new", 2)]
    assert pending(con) == [("default", "T2"), ("default", "T4")]


def test_a_cleared_value_counts_as_a_change(con, write):
    import_files(con, [write("a.csv", EXPORT)], "tickets")
    summary = import_files(con, [write("b.csv", EXPORT.replace("hardware;urgent", ""))], "tickets")
    assert (summary.updated, summary.unchanged) == (1, 2)
    assert con.execute("SELECT tags FROM tickets WHERE ticket_id = 'T1'").fetchall() == [(None,)]


def test_files_of_one_import_apply_in_order(con, write):
    first = write("a.csv", HEADER + "T1,2026-03-01 10:00:00,open,x,,0,\n")
    second = write(
        "b.csv", HEADER + "T1,2026-03-01 10:00:00,solved,x,,0,\nT2,2026-03-01 10:00:00,new,y,,0,\n"
    )
    summary = import_files(con, [first, second], "tickets")
    assert (summary.read, summary.inserted, summary.updated, summary.unchanged) == (3, 2, 1, 0)
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(1,)]
    assert con.execute("SELECT status FROM tickets WHERE ticket_id = 'T1'").fetchall() == [("solved",)]


def test_the_same_ticket_id_from_two_sources_is_two_tickets(con, write):
    path = write("tickets.csv", EXPORT)
    import_files(con, [path], "tickets", source="zendesk")
    summary = import_files(con, [path], "tickets", source="freshdesk")
    assert summary.inserted == 3
    assert con.execute("SELECT count(*), count(DISTINCT source) FROM tickets").fetchall() == [(6, 2)]
    assert len(pending(con)) == 6


def test_events_queue_their_tickets_including_the_one_an_event_left(con, write):
    events = (
        "event_id,ticket_id,at,kind,actor_type,public\n"
        "E1,T1,2026-03-01 10:00:00,created,customer,true\n"
        "E2,T1,2026-03-01 10:05:00,message,agent,true\n"
        "E3,T2,2026-03-01 11:00:00,created,customer,true\n"
    )
    import_files(con, [write("events.csv", events)], "events", source="desk")
    assert pending(con) == [("desk", "T1"), ("desk", "T2")]
    con.execute("DELETE FROM pending_ticket_facts")
    moved = events.replace("E2,T1,", "E2,T3,")
    summary = import_files(con, [write("events2.csv", moved)], "events", source="desk")
    assert (summary.updated, summary.unchanged) == (1, 2)
    assert pending(con) == [("desk", "T1"), ("desk", "T3")]


def test_tables_keyed_without_source_upsert_across_sources(con, write):
    path = write("agents.csv", "agent_id,name,team_id,role\nA1,Dana,billing,agent\nA2,Omar,billing,lead\n")
    import_files(con, [path], "agents", source="hr")
    summary = import_files(con, [path], "agents", source="payroll")
    assert (summary.inserted, summary.unchanged) == (0, 2)
    changed = write("agents2.csv", "agent_id,name,team_id,role\nA1,Dana,support,agent\n")
    summary = import_files(con, [changed], "agents", source="payroll")
    assert summary.updated == 1
    rows = con.execute("SELECT agent_id, team_id, source FROM agents ORDER BY agent_id").fetchall()
    assert rows == [("A1", "support", "payroll"), ("A2", "billing", "hr")]
    assert pending(con) == []


def test_rejected_rows_are_kept_per_import(con, write):
    bad = write("bad.csv", HEADER + "T9,not a date,open,x,,0,\n")
    first = import_files(con, [bad], "tickets")
    second = import_files(con, [bad], "tickets", source="other")
    rows = con.execute(
        'SELECT import_id, kind, file, line, "column", value FROM rejected_rows ORDER BY ALL'
    ).fetchall()
    assert rows == [
        (first.import_id, "tickets", str(bad), 2, "created_at", "not a date"),
        (second.import_id, "tickets", str(bad), 2, "created_at", "not a date"),
    ]


def test_summary_lines_read_like_the_design(con, write):
    rows = "".join(f"T{i},2026-03-01 10:00:00,open,s{i},5\n" for i in range(1200))
    bad = "".join(f"X{i},2026-03-0{i + 1} 25:00:00,open,s,\n" for i in range(4))
    path = write("tickets.csv", "ticket_id,created_at,status,subject,Satisfaction\n" + rows + bad)
    summary = import_files(con, [path], "tickets")
    lines = summary.lines()
    assert lines[0] == f"imported tickets from {path} (source 'default', import 1)"
    assert lines[1] == "read 1,204 · inserted 1,200 · updated 0 · unchanged 0 · rejected 4"
    assert lines[2] == "timestamps without an offset read in UTC (the workspace's)"
    assert lines[3] == "ignored columns: Satisfaction"
    assert lines[4] == "first problems (all are in table rejected_rows, import_id = 1):"
    assert lines[5] == (
        f"  {path} line 1202, column 'created_at': expected a timestamp like 2026-03-01 14:05:00 "
        "(ISO 8601; an offset such as +02:00 is allowed) or the format given in the mapping, got "
        "'2026-03-01 25:00:00'"
    )
    assert len(lines) == 9
    assert str(summary) == "\n".join(lines)
    assert [r.line for r in summary.rejections_sample] == [1202, 1203, 1204, 1205]


def test_sample_is_capped_at_ten_problems(con, write):
    path = write("tickets.csv", HEADER + "".join(f"T{i},never,open,x,,0,\n" for i in range(25)))
    summary = import_files(con, [path], "tickets")
    assert summary.rejected == 25
    assert len(summary.rejections_sample) == 10
    assert con.execute("SELECT count(*) FROM rejected_rows").fetchall() == [(25,)]


def big_csv(path, rows=1_000_000):
    """About 60 MB of tickets, four of them with a status that is not canonical."""
    with duckdb.connect() as scratch:
        scratch.execute(
            "COPY (SELECT 'T' || i AS ticket_id, TIMESTAMP '2026-01-01' + to_seconds(i) AS created_at, "
            "CASE WHEN i % 250000 = 7 THEN 'lost' ELSE 'open' END AS status, "
            f"'subject number ' || i AS subject, 'web' AS channel FROM range({rows}) t(i)) "
            f"TO '{path}' (HEADER)"
        )
    assert path.stat().st_size > LARGE_INPUT_BYTES
    return path


PROGRESS_SETTINGS = (
    "SELECT current_setting('enable_progress_bar'), current_setting('enable_progress_bar_print')"
)


def pin_progress_settings(con):
    """Start from DuckDB's settings in a script (no progress bar, printing allowed), the opposite of what a
    bar needs, so that giving them back is seen. DuckDB's default depends on the process: it turns the
    progress bar on when `__main__` has no file (a REPL, `python -c`, a pytest-xdist worker)."""
    con.execute("SET enable_progress_bar = false")
    con.execute("SET enable_progress_bar_print = true")
    assert con.execute(PROGRESS_SETTINGS).fetchall() == [(False, True)]


def test_a_large_csv_streams_and_shows_progress(con, tmp_path, capsys):
    path = big_csv(tmp_path / "big.csv")
    pin_progress_settings(con)
    tracemalloc.start()
    try:
        summary = import_files(con, [path], "tickets", progress=True)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (summary.read, summary.inserted, summary.rejected) == (1_000_000, 999_996, 4)
    assert [r.line for r in summary.rejections_sample] == [9, 250009, 500009, 750009]
    # Python never held the file: what it allocated is a small fraction of the ~60 MB read.
    assert python_peak < path.stat().st_size / 5
    shown = capsys.readouterr().err
    for step in ("scanning", "reading", "checking", "writing"):
        assert f"{step} big.csv" in shown
    assert con.execute(PROGRESS_SETTINGS).fetchall() == [(False, True)]


def test_a_large_csv_failing_mid_read_names_the_line_and_changes_nothing(con, tmp_path, warehouse_snapshot):
    path = big_csv(tmp_path / "big.csv")
    with path.open("a") as fh:
        fh.write("T-bad,2026-03-01,open,one field too many,web,extra\n")
    pin_progress_settings(con)
    before = warehouse_snapshot(con)
    with pytest.raises(ImportFailed, match=r"big.csv line 1000002: expected 5 fields .* found 6"):
        import_files(con, [path], "tickets", progress=True)
    assert warehouse_snapshot(con) == before
    assert con.execute(PROGRESS_SETTINGS).fetchall() == [(False, True)]
