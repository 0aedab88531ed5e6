"""Each bad input of the design: a clear message naming file, line, column and what was expected, and the
warehouse either unchanged or holding exactly the accepted rows."""

from __future__ import annotations

import datetime as dt

import pytest

from kpidesk.ingest import ImportFailed, import_files

TICKETS_HEADER = "ticket_id,created_at,status,subject\n"


def ticket_ids(con):
    return [r[0] for r in con.execute("SELECT ticket_id FROM tickets ORDER BY ticket_id").fetchall()]


def test_missing_required_column_fails_the_file_at_line_1(con, write, warehouse_snapshot):
    before = warehouse_snapshot(con)
    path = write("tickets.csv", "ticket_id,opened,status\nT1,2026-03-01 10:00:00,open\n")
    with pytest.raises(ImportFailed) as failure:
        import_files(con, [path], "tickets")
    message = str(failure.value)
    assert f"{path} line 1: missing required column created_at" in message
    assert "the file has columns: ticket_id, opened, status" in message
    assert "columns:" in message
    assert warehouse_snapshot(con) == before


def test_unparseable_timestamp_is_rejected_with_line_column_and_value(con, write, rejected_rows):
    path = write(
        "tickets.csv",
        TICKETS_HEADER
        + "T1,2026-03-01 10:00:00,open,fine\n"
        + "T2,31/02/2026,open,bad date\n"
        + "T3,2026-03-02 11:30:00,new,fine too\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (3, 2, 1)
    assert rejected_rows(con) == [
        (
            "tickets.csv",
            3,
            "created_at",
            "31/02/2026",
            "expected a timestamp like 2026-03-01 14:05:00 (ISO 8601; an offset such as +02:00 is allowed) "
            "or the format given in the mapping, got '31/02/2026'",
        )
    ]
    assert ticket_ids(con) == ["T1", "T3"]
    assert summary.rejections_sample[0][:3] == (str(path), 3, "created_at")
    assert f"{path} line 3, column 'created_at': expected a timestamp" in str(summary)


def test_unknown_status_needs_a_value_mapping(con, write, rejected_rows):
    path = write(
        "tickets.csv",
        TICKETS_HEADER
        + "T1,2026-03-01 10:00:00,Open,capitals are fine\n"
        + "T2,2026-03-01 11:00:00,Resolved,not a canonical status\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (1, 1)
    [(_, line, column, value, reason)] = rejected_rows(con)
    assert (line, column, value) == (2 + 1, "status", "Resolved")
    assert reason.startswith("'Resolved' is not one of new, open, pending, hold, solved, closed")
    assert 'add a value mapping, e.g. values: {status: {"Resolved": <one of those>}}' in reason

    again = import_files(con, [path], "tickets", mapping={"values": {"status": {"Resolved": "solved"}}})
    assert (again.inserted, again.unchanged, again.rejected) == (1, 1, 0)
    statuses = con.execute("SELECT ticket_id, status FROM tickets ORDER BY ticket_id").fetchall()
    assert statuses == [("T1", "open"), ("T2", "solved")]


def test_duplicate_key_in_one_file_keeps_the_first_and_names_its_line(con, write, rejected_rows):
    path = write(
        "tickets.csv",
        TICKETS_HEADER
        + "T1,2026-03-01 10:00:00,open,first\n"
        + "T2,2026-03-01 10:00:00,open,other\n"
        + "T1,2026-03-01 12:00:00,solved,second\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (3, 2, 1)
    assert rejected_rows(con) == [
        (
            "tickets.csv",
            4,
            "ticket_id",
            "T1",
            "duplicate key: ticket_id 'T1' already appeared on line 2 of this file; "
            "the first one is imported",
        )
    ]
    assert con.execute("SELECT subject FROM tickets WHERE ticket_id = 'T1'").fetchall() == [("first",)]


def test_end_before_start_is_rejected_naming_both_columns(con, write, rejected_rows):
    path = write(
        "calls.csv",
        "call_id,arrived_at,answered_at,ended_at\n"
        "C1,2026-03-01 10:00:00,2026-03-01 10:00:20,2026-03-01 10:05:00\n"
        "C2,2026-03-01 10:00:00,2026-03-01 10:01:00,2026-03-01 10:00:30\n",
    )
    summary = import_files(con, [path], "calls")
    assert (summary.inserted, summary.rejected) == (1, 1)
    assert rejected_rows(con) == [
        (
            "calls.csv",
            3,
            "ended_at",
            "2026-03-01 10:00:30",
            "ended_at 2026-03-01 10:00:30 UTC is before answered_at 2026-03-01 10:01:00 UTC; "
            "ended_at may not be before answered_at",
        )
    ]


def test_agent_state_end_before_start_with_mapped_columns_names_the_file_columns(con, write, rejected_rows):
    path = write("states.csv", "Agent,From,To,State\nA1,2026-03-01 09:00,2026-03-01 08:00,busy\n")
    mapping = {
        "columns": {"agent_id": "Agent", "start": "From", "end": "To", "state": "State"},
        "timestamp_format": "%Y-%m-%d %H:%M",
    }
    import_files(con, [path], "agent_states", mapping=mapping)
    [(_, line, column, _, reason)] = rejected_rows(con)
    assert (line, column) == (2, "To")
    assert reason == (
        "end: end 2026-03-01 08:00:00 UTC is before start (From) 2026-03-01 09:00:00 UTC; end may "
        "not be before start"
    )


def test_empty_file_fails_naming_the_expected_columns(con, write, warehouse_snapshot):
    before = warehouse_snapshot(con)
    path = write("empty.csv", "")
    with pytest.raises(ImportFailed) as failure:
        import_files(con, [path], "tickets")
    assert str(failure.value).startswith(
        f"{path} is empty: expected a header line and at least one row with columns ticket_id, created_at "
        "(required) and optionally channel"
    )
    assert warehouse_snapshot(con) == before


def test_header_only_file_imports_nothing_with_a_warning(con, write):
    path = write("header.csv", TICKETS_HEADER)
    summary = import_files(con, [path], "tickets")
    assert (summary.read, summary.inserted, summary.rejected) == (0, 0, 0)
    assert summary.warnings == [f"{path} has a header but no rows; nothing was imported from it"]
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(1,)]


def test_header_only_file_still_needs_the_required_columns(con, write):
    path = write("header.csv", "id,subject\n")
    with pytest.raises(ImportFailed, match=r"line 1: missing required columns ticket_id, created_at"):
        import_files(con, [path], "tickets")


HEBREW_CSV = "ticket_id,created_at,subject\nT1,2026-03-01 10:00:00,plain\nT2,2026-03-01 11:00:00,שלום עולם\n"


def test_undeclared_windows_1255_fails_at_the_first_bad_byte(con, write, warehouse_snapshot):
    before = warehouse_snapshot(con)
    path = write("hebrew.csv", HEBREW_CSV, encoding="windows-1255")
    with pytest.raises(ImportFailed) as failure:
        import_files(con, [path], "tickets")
    assert str(failure.value).startswith(
        f"{path} is not valid UTF-8: line 3, column 24 has the byte 0xF9. If it was saved by Excel in "
        "Hebrew or Arabic, declare the encoding: --encoding windows-1255 (Hebrew)"
    )
    assert warehouse_snapshot(con) == before


def test_declared_windows_1255_round_trips_the_hebrew(con, write):
    path = write("hebrew.csv", HEBREW_CSV, encoding="windows-1255")
    summary = import_files(con, [path], "tickets", encoding="windows-1255")
    assert (summary.inserted, summary.rejected) == (2, 0)
    assert con.execute("SELECT subject FROM tickets WHERE ticket_id = 'T2'").fetchall() == [("שלום עולם",)]


def test_declared_encoding_that_does_not_fit_fails_with_its_position(con, write):
    path = write("bad.csv", b"ticket_id,created_at\nT1,2026-03-01\nT\xff2,2026-03-01\n")
    with pytest.raises(
        ImportFailed, match=r"bad.csv is not valid windows-1255: line 3, column 2 has the byte 0xFF"
    ):
        import_files(con, [path], "tickets", encoding="windows-1255")


def test_embedded_newlines_and_blank_lines_keep_line_numbers_exact(con, write, rejected_rows):
    path = write(
        "tickets.csv",
        TICKETS_HEADER
        + 'T1,2026-03-01 10:00:00,open,"a subject\nspanning\nthree lines"\n'
        + "\n"
        + 'T2,2026-03-01 10:00:00,open,"""quoted"" and\r\nsplit"\n'
        + "T3,not a time,open,x\n"
        + "\n\n"
        + "T4,2026-03-01 10:00:00,open,fine\n"
        + "T5,also not a time,open,x\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (3, 2)
    assert [(line, value) for _, line, _, value, _ in rejected_rows(con)] == [
        (8, "not a time"),
        (12, "also not a time"),
    ]
    subjects = dict(con.execute("SELECT ticket_id, subject FROM tickets").fetchall())
    assert subjects["T1"] == "a subject\nspanning\nthree lines"
    assert subjects["T2"] == '"quoted" and\r\nsplit'


def test_row_with_too_many_fields_fails_the_file_naming_the_line(con, write, warehouse_snapshot):
    before = warehouse_snapshot(con)
    path = write(
        "tickets.csv",
        TICKETS_HEADER + "T1,2026-03-01,open,ok\nT2,2026-03-01,open,a, b\nT3,2026-03-01,open,x\n",
    )
    with pytest.raises(ImportFailed) as failure:
        import_files(con, [path], "tickets")
    assert str(failure.value) == (
        f"{path} line 3: expected 4 fields separated by commas as in the header (line 1), found 5; a field "
        "holding a ',' must be quoted"
    )
    assert warehouse_snapshot(con) == before


def test_ragged_row_far_beyond_the_sniffer_sample_names_the_real_line(con, write):
    rows = "".join(f'T{i},2026-03-01,open,"two\nlines"\n' for i in range(30_000))
    path = write("tickets.csv", TICKETS_HEADER + rows + "T-last,2026-03-01,open,x,extra\n")
    with pytest.raises(ImportFailed, match=r"tickets.csv line 60002: expected 4 fields .* found 5"):
        import_files(con, [path], "tickets")


def test_unclosed_quote_fails_naming_where_it_opens(con, write):
    path = write(
        "tickets.csv", TICKETS_HEADER + 'T1,2026-03-01,open,ok\nT2,2026-03-01,open,"never closed\nT3,x,y,z\n'
    )
    with pytest.raises(
        ImportFailed, match=r"tickets.csv line 3: a quoted field starts here and is never closed"
    ):
        import_files(con, [path], "tickets", delimiter=",")


def test_bare_carriage_return_in_an_unquoted_field_is_named(con, write):
    path = write("tweets.csv", TICKETS_HEADER + "T1,2026-03-01,open,ok\nT2,2026-03-01,open,split\r\rhere\n")
    with pytest.raises(
        ImportFailed, match=r"tweets.csv line 3: a carriage return \(\\r\) inside an unquoted field"
    ):
        import_files(con, [path], "tickets")


def test_required_value_empty_and_out_of_range_values_are_rejected(con, write, rejected_rows):
    path = write(
        "tickets.csv",
        "ticket_id,created_at,reopen_count,escalation_level,sla_met\n"
        "T1,2026-03-01,0,1,yes\n"
        ",2026-03-01,0,1,no\n"
        "T3,2026-03-01,-1,1,true\n"
        "T4,2026-03-01,2.5,1,false\n"
        "T5,2026-03-01,1,1,maybe\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (1, 4)
    assert [(line, column, reason) for _, line, column, _, reason in rejected_rows(con)] == [
        (3, "ticket_id", "required value is empty"),
        (4, "reopen_count", "must be at least 0, got -1"),
        (5, "reopen_count", "expected a whole number, got '2.5'"),
        (6, "sla_met", "expected true/false, 1/0 or yes/no, got 'maybe'"),
    ]


def test_a_row_with_several_problems_lists_each_once_and_counts_once(con, write, rejected_rows):
    path = write("qa.csv", "review_id,reviewed_at,score,auto_fail\nR1,yesterday,120,perhaps\n")
    summary = import_files(con, [path], "qa")
    assert summary.rejected == 1
    assert [(column, reason) for _, _, column, _, reason in rejected_rows(con)] == [
        (
            "reviewed_at",
            "expected a timestamp like 2026-03-01 14:05:00 (ISO 8601; an offset such as +02:00 is "
            "allowed) or the format given in the mapping, got 'yesterday'",
        ),
        ("score", "must be at most 100, got 120"),
        ("auto_fail", "expected true/false, 1/0 or yes/no, got 'perhaps'"),
    ]


def test_malformed_json_lines_fail_with_the_line(con, write, warehouse_snapshot):
    before = warehouse_snapshot(con)
    path = write("events.jsonl", '{"event_id": "E1"}\n{"event_id": "E2"\n{"event_id": "E3"}\n')
    with pytest.raises(ImportFailed, match=r"events.jsonl line 3: not valid JSON"):
        import_files(con, [path], "events")
    assert warehouse_snapshot(con) == before


def test_json_array_of_non_objects_fails_naming_the_record(con, write):
    path = write("tickets.json", '[{"ticket_id": "T1", "created_at": "2026-03-01"}, 5]')
    with pytest.raises(ImportFailed, match=r"tickets.json record 2: expected an object with named fields"):
        import_files(con, [path], "tickets")


def test_missing_file_and_unknown_type_fail_before_anything_is_read(con, write, tmp_path):
    with pytest.raises(ImportFailed, match=r"does not exist"):
        import_files(con, [tmp_path / "nope.csv"], "tickets")
    path = write("tickets.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFailed, match=r"unsupported file type '.xls'; expected one of .csv"):
        import_files(con, [path], "tickets")
    with pytest.raises(ImportFailed, match=r"unknown kind 'ticket'"):
        import_files(con, [path], "ticket")


def test_failure_in_the_second_file_leaves_the_warehouse_as_it_was(con, write, warehouse_snapshot):
    import_files(
        con, [write("old.csv", TICKETS_HEADER + "T0,2026-02-01 09:00:00,open,earlier import\n")], "tickets"
    )
    before = warehouse_snapshot(con)
    good = write(
        "good.csv", TICKETS_HEADER + "T1,2026-03-01 10:00:00,open,x\nT0,2026-02-01 09:00:00,solved,y\n"
    )
    bad = write("bad.csv", "ticket_id,subject\nT2,no created_at column\n")
    with pytest.raises(ImportFailed, match=r"bad.csv line 1: missing required column created_at"):
        import_files(con, [good, bad], "tickets")
    assert warehouse_snapshot(con) == before
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(1,)]
    summary = import_files(con, [good], "tickets")
    assert (summary.import_id, summary.inserted, summary.updated) == (2, 1, 1)
    created = con.execute("SELECT created_at FROM tickets WHERE ticket_id = 'T1'").fetchall()
    assert created == [(dt.datetime(2026, 3, 1, 10, 0),)]


def test_infinity_is_not_an_instant(con, write, rejected_rows):
    path = write("tickets.csv", "ticket_id,created_at\nT1,infinity\nT2,-infinity\n")
    assert import_files(con, [path], "tickets").rejected == 2
    assert [value for *_, value, _ in rejected_rows(con)] == ["infinity", "-infinity"]
