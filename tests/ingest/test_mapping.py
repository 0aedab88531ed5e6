"""Mappings: every key, the checks that name the key at fault, and time zones done right."""

from __future__ import annotations

import datetime as dt

import pytest

from kpidesk.ingest import FORMATS, Combine, ImportFailed, MappingError, import_files, load_mapping

FULL_MAPPING = """\
kind: calls
source: bank
encoding: windows-1255
delimiter: ","
timezone: Asia/Jerusalem
columns:
  call_id: call_id
  queue: type
  agent_id: server
values:
  agent_id: {NO_SERVER: ~}
  outcome: {yes: answered, no: abandoned, 1:30: odd}
formats:
  abandoned_at: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
timestamp_format: "%Y-%m-%d %H:%M"
combine:
  arrived_at: {date: date, time: q_start, date_format: "%y%m%d"}
constants:
  customer_id: 2026-03-01
null_values: ["?", 0:00:00, NULL]
"""


def test_load_mapping_reads_every_key(write):
    mapping = load_mapping(write("bank.yaml", FULL_MAPPING))
    assert (mapping.kind, mapping.source, mapping.encoding, mapping.delimiter, mapping.timezone) == (
        "calls",
        "bank",
        "windows-1255",
        ",",
        "Asia/Jerusalem",
    )
    assert mapping.columns == {"call_id": "call_id", "queue": "type", "agent_id": "server"}
    # YAML 1.2 scalars: yes/no, 1:30 and dates stay the text written in the export.
    assert mapping.values == {
        "agent_id": {"NO_SERVER": None},
        "outcome": {"yes": "answered", "no": "abandoned", "1:30": "odd"},
    }
    assert mapping.formats == {"abandoned_at": ("%d/%m/%Y %H:%M", "%d/%m/%Y")}
    assert mapping.timestamp_format == ("%Y-%m-%d %H:%M",)
    assert mapping.combine == {"arrived_at": Combine("date", "q_start", "%y%m%d", "%H:%M:%S")}
    assert mapping.constants == {"customer_id": "2026-03-01"}
    assert mapping.null_values == ("", "?", "0:00:00", "NULL")
    assert mapping.formats_for("abandoned_at") == ("%d/%m/%Y %H:%M", "%d/%m/%Y")
    assert mapping.formats_for("ended_at") == ("%Y-%m-%d %H:%M",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colums: {}", "m.yaml: colums: unknown key; expected one of kind, source"),
        ("kind: ticket", "m.yaml: kind: unknown kind 'ticket'; expected one of: tickets, events"),
        (
            "kind: tickets\ncolumns: {created: Opened}",
            "m.yaml: columns.created: 'created' is not a column of tickets",
        ),
        (
            "kind: tickets\nformats: {status: '%d/%m/%Y'}",
            "m.yaml: formats.status: status is not a timestamp column",
        ),
        (
            "combine: {arrived_at: {date: d}}",
            "m.yaml: combine.arrived_at.time: expected the name of the source column",
        ),
        (
            "combine: {arrived_at: {date: d, time: t, zone: x}}",
            "m.yaml: combine.arrived_at.zone: unknown key",
        ),
        ("timezone: Mars/Olympus", "m.yaml: timezone: unknown time zone 'Mars/Olympus'"),
        ("encoding: klingon", "m.yaml: encoding: unknown encoding 'klingon'"),
        ("delimiter: ';;'", "m.yaml: delimiter: expected one character"),
        ("null_values: '?'", "m.yaml: null_values: expected a list of values"),
        (
            "formats: {created_at: 'dd/mm/yyyy'}",
            "m.yaml: formats.created_at: 'dd/mm/yyyy' is not a strptime format",
        ),
        ("formats: {created_at: [epoch, '%Y']}", "m.yaml: formats.created_at: epoch cannot be combined"),
        (
            "columns: {channel: Chan}\nconstants: {channel: phone}",
            "m.yaml: constants.channel: channel is already given under columns.channel",
        ),
        (
            "values: {status: open}",
            "m.yaml: values.status: expected a mapping of source value: canonical value",
        ),
        ("columns: [a, b]", "m.yaml: columns: expected a mapping of column: ..."),
        ("- just\n- a list", "m.yaml: expected a mapping of keys"),
        ("columns: {a: [unclosed", "m.yaml: not valid YAML"),
    ],
)
def test_mapping_mistakes_name_the_key(write, text, message):
    with pytest.raises(MappingError) as failure:
        load_mapping(write("m.yaml", text))
    assert message in str(failure.value)


def test_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match=r"mapping file .*nope.yaml does not exist"):
        load_mapping(tmp_path / "nope.yaml")


def test_mapping_checked_against_the_import_kind(con, write):
    path = write("t.csv", "ticket_id,created_at\nT1,2026-03-01\n")
    with pytest.raises(
        MappingError, match=r"kind: this mapping is for kind 'calls', but the import is of kind 'tickets'"
    ):
        import_files(con, [path], "tickets", mapping={"kind": "calls"})
    with pytest.raises(MappingError, match=r"columns.call_id: 'call_id' is not a column of tickets"):
        import_files(con, [path], "tickets", mapping={"columns": {"call_id": "x"}})
    with pytest.raises(MappingError, match=r"formats.created_at: '%Q' is not a strptime format DuckDB reads"):
        import_files(con, [path], "tickets", mapping={"formats": {"created_at": "%Q"}})


def test_mapped_column_missing_from_the_file(con, write):
    path = write("t.csv", "id,opened\nT1,2026-03-01\n")
    with pytest.raises(ImportFailed) as failure:
        import_files(
            con, [path], "tickets", mapping={"columns": {"ticket_id": "id", "created_at": "Opened At"}}
        )
    assert str(failure.value) == (
        f"{path} line 1: the mapping's columns.created_at names the column 'Opened At', which the file "
        "does not have; the file has columns: id, opened"
    )


def test_columns_values_constants_and_null_values(con, write):
    path = write(
        "export.csv",
        "Id,Opened,State,Who,Labels,Level\n"
        "Z-1,01/03/2026 10:00,Resolved,?,a|b,1\n"
        "Z-2,02/03/2026 08:15,Waiting,dana,,N/A\n",
    )
    mapping = {
        "columns": {
            "ticket_id": "Id",
            "created_at": "Opened",
            "status": "State",
            "agent_id": "Who",
            "tags": "Labels",
            "escalation_level": "Level",
        },
        "values": {"status": {"Resolved": "solved", "Waiting": "pending"}},
        "formats": {"created_at": "%d/%m/%Y %H:%M"},
        "constants": {"channel": "email", "sla_policy": None},
        "null_values": ["?", "N/A"],
    }
    summary = import_files(con, [path], "tickets", mapping=mapping)
    assert (summary.inserted, summary.rejected, summary.ignored_columns) == (2, 0, [])
    rows = con.execute(
        "SELECT ticket_id, created_at, status, agent_id, tags, escalation_level, channel, "
        "sla_policy FROM tickets ORDER BY ticket_id"
    ).fetchall()
    assert rows == [
        ("Z-1", dt.datetime(2026, 3, 1, 10, 0), "solved", None, ["a", "b"], 1, "email", None),
        ("Z-2", dt.datetime(2026, 3, 2, 8, 15), "pending", "dana", None, None, "email", None),
    ]


def test_columns_already_canonical_pass_through_in_any_case(con, write):
    path = write("t.csv", "Ticket_ID, Created_At ,STATUS\nT1,2026-03-01T10:00:00Z,Open\n")
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.ignored_columns) == (1, [])
    assert con.execute("SELECT status FROM tickets").fetchall() == [("open",)]


def test_format_mismatch_reason_shows_the_expected_format(con, write, rejected_rows):
    path = write("t.csv", "ticket_id,opened\nT1,2026-03-01 10:00\n")
    import_files(
        con,
        [path],
        "tickets",
        mapping={"columns": {"created_at": "opened"}, "timestamp_format": "%d/%m/%Y %H:%M"},
    )
    [(_, line, column, value, reason)] = rejected_rows(con)
    assert (line, column, value) == (2, "opened", "2026-03-01 10:00")
    assert reason == (
        "created_at: expected a timestamp in the format %d/%m/%Y %H:%M (e.g. 01/03/2026 14:05), "
        "got '2026-03-01 10:00'"
    )


def test_combine_date_and_time_in_a_zone_with_summer_time(con, write, rejected_rows):
    # A call log in the style of the Anonymous Bank data: yymmdd dates, h:mm:ss times, Israeli local time.
    path = write(
        "calls.csv",
        "call_id,date,q_start,ser_start\n"
        "1,990801,0:10:10,0:10:30\n"  # 1999-08-01: summer time, UTC+3
        "2,260326,12:00:00,0:00:00\n"  # the day before summer time starts in 2026: UTC+2
        "3,260327,12:00:00,12:00:05\n"  # 27 March 2026, summer time since 02:00: UTC+3
        "4,261026,12:00:00,12:00:05\n"  # after summer time ended on 25 October 2026: UTC+2
        "5,990832,1:00:00,1:00:05\n",
    )
    mapping = {
        "timezone": "Asia/Jerusalem",
        "null_values": ["0:00:00"],
        "combine": {
            "arrived_at": {"date": "date", "time": "q_start", "date_format": "%y%m%d"},
            "answered_at": {"date": "date", "time": "ser_start", "date_format": "%y%m%d"},
        },
    }
    summary = import_files(con, [path], "calls", mapping=mapping)
    assert (summary.inserted, summary.rejected, summary.ignored_columns) == (4, 1, [])
    rows = con.execute("SELECT call_id, arrived_at, answered_at FROM calls ORDER BY call_id").fetchall()
    assert rows == [
        ("1", dt.datetime(1999, 7, 31, 21, 10, 10), dt.datetime(1999, 7, 31, 21, 10, 30)),
        ("2", dt.datetime(2026, 3, 26, 10, 0, 0), None),
        ("3", dt.datetime(2026, 3, 27, 9, 0, 0), dt.datetime(2026, 3, 27, 9, 0, 5)),
        ("4", dt.datetime(2026, 10, 26, 10, 0, 0), dt.datetime(2026, 10, 26, 10, 0, 5)),
    ]
    (_, line, column, value, reason), answered = rejected_rows(con)
    assert (line, column, value) == (6, "date + q_start", "990832 1:00:00")
    assert answered[1:3] == (6, "date + ser_start")
    assert reason == (
        "arrived_at: expected a date and time as %y%m%d %H:%M:%S (e.g. 260301 14:05:00), from "
        "columns date and q_start, got '990832 1:00:00'"
    )


def test_offsets_win_over_the_source_zone_and_naive_values_use_it(con, write):
    path = write(
        "t.csv",
        "ticket_id,created_at\n"
        "T1,2026-03-01T10:00:00+02:00\n"
        "T2,2026-03-01 10:00:00\n"
        "T3,2026-07-01 10:00:00 z\n"
        "T4,2026-07-01\n",
    )
    import_files(con, [path], "tickets", mapping={"timezone": "America/New_York"})
    rows = con.execute("SELECT ticket_id, created_at FROM tickets ORDER BY ticket_id").fetchall()
    assert rows == [
        ("T1", dt.datetime(2026, 3, 1, 8, 0)),
        ("T2", dt.datetime(2026, 3, 1, 15, 0)),  # EST, UTC-5
        ("T3", dt.datetime(2026, 7, 1, 10, 0)),
        ("T4", dt.datetime(2026, 7, 1, 4, 0)),  # midnight EDT, UTC-4
    ]


def test_epoch_and_offset_formats(con, write):
    path = write(
        "events.csv",
        "event_id,ticket_id,at,kind,public\nE1,T1,1772373900,created,Y\nE2,T1,1772373960.5,message,N\n",
    )
    mapping = {"formats": {"at": "epoch"}, "values": {"public": {"Y": True, "N": False}}}
    import_files(con, [path], "events", mapping=mapping)
    rows = con.execute('SELECT event_id, "at", public FROM ticket_events ORDER BY event_id').fetchall()
    assert rows == [
        ("E1", dt.datetime(2026, 3, 1, 14, 5), True),
        ("E2", dt.datetime(2026, 3, 1, 14, 6, 0, 500000), False),
    ]

    path = write("tickets.csv", "ticket_id,created_at,closed_at\nT1,01/03/2026 16:05 +0200,1772380000000\n")
    import_files(
        con,
        [path],
        "tickets",
        mapping={"formats": {"created_at": "%d/%m/%Y %H:%M %z", "closed_at": "epoch_ms"}},
    )
    rows = con.execute("SELECT created_at, closed_at FROM tickets").fetchall()
    assert rows == [(dt.datetime(2026, 3, 1, 14, 5), dt.datetime(2026, 3, 1, 15, 46, 40))]


def test_tags_in_every_accepted_shape(con, write, rejected_rows):
    path = write(
        "t.csv",
        "ticket_id,created_at,tags\n"
        'T1,2026-03-01,"[""vip"", ""billing""]"\n'
        'T2,2026-03-01,"vip, billing"\n'
        "T3,2026-03-01,vip;billing\n"
        "T4,2026-03-01, vip | billing |\n"
        "T5,2026-03-01,[broken\n",
    )
    summary = import_files(con, [path], "tickets")
    assert (summary.inserted, summary.rejected) == (4, 1)
    tags = con.execute("SELECT DISTINCT tags FROM tickets").fetchall()
    assert tags == [(["vip", "billing"],)]
    assert rejected_rows(con)[0][2:4] == ("tags", "[broken")


def test_mapping_given_as_a_path_or_a_loaded_mapping(con, write):
    path = write("t.csv", "Id,Opened\nT1,2026-03-01\n")
    yaml_path = write(
        "m.yaml", "kind: tickets\nsource: helpdesk\ncolumns: {ticket_id: Id, created_at: Opened}\n"
    )
    assert import_files(con, [path], "tickets", mapping=yaml_path).source == "helpdesk"
    summary = import_files(con, [path], "tickets", mapping=load_mapping(yaml_path), source="override")
    assert (summary.source, summary.inserted) == ("override", 1)
    assert con.execute("SELECT source FROM tickets ORDER BY source").fetchall() == [
        ("helpdesk",),
        ("override",),
    ]


def test_a_registered_format_is_a_mapping_named_after_its_source(con, write, monkeypatch):
    path = write("t.csv", "Id,Opened\nT1,01/03/2026\n")
    with pytest.raises(MappingError, match=r"unknown format 'acme'; known formats: none are built in yet"):
        import_files(con, [path], "tickets", format="acme")
    monkeypatch.setitem(
        FORMATS,
        "acme",
        {
            "kind": "tickets",
            "columns": {"ticket_id": "Id", "created_at": "Opened"},
            "formats": {"created_at": "%d/%m/%Y"},
        },
    )
    summary = import_files(con, [path], "tickets", format="acme")
    assert (summary.source, summary.inserted) == ("acme", 1)
    # A user mapping is layered over the format, section by section.
    summary = import_files(
        con, [path], "tickets", format="acme", mapping={"formats": {"created_at": "%m/%d/%Y"}}
    )
    assert summary.updated == 1
    assert con.execute("SELECT created_at FROM tickets").fetchall() == [(dt.datetime(2026, 1, 3),)]
