"""The export-format framework, through a small format defined here: roles, emitted kinds, rows a
format rejects itself, one transaction over every kind, and mapping files for a format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kpidesk.ingest import ImportFailed, MappingError
from kpidesk.ingest.exports import EXPORT_FORMATS, LINE, ExportContext, ExportFormat, Role, import_export

ROLES = (
    Role("number", "number", description="incident number"),
    Role("opened", "opened_at", description="when it was opened", aliases=("opened",)),
    Role("state", "state", required=False),
)


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    for path in files:
        src = ctx.read(path)
        number = src.col("number")
        ctx.reject_where(
            "tickets", src, f"{number} LIKE 'TEST%'", "number", number, "'a test incident, not a real one'"
        )
        kept = f"WHERE {number} NOT LIKE 'TEST%'"
        status = f"lower({src.col('state')})" if src.has("state") else "NULL"
        ctx.emit(
            "tickets",
            src.display,
            f"SELECT {number} AS ticket_id, {src.col('opened')} AS created_at, {status} AS status, "
            f"{src.line} AS {LINE} FROM {src.table} {kept}",
            parse={"formats": {"created_at": "%d/%m/%Y %H:%M"}},
        )
        ctx.emit(
            "events",
            src.display,
            f"SELECT {number} || '-created' AS event_id, {number} AS ticket_id, {src.col('opened')} AS at, "
            f"'created' AS kind, {src.line} AS {LINE} FROM {src.table} {kept}",
            parse={"timestamp_format": "%d/%m/%Y %H:%M"},
        )


TOY = ExportFormat(
    name="toy",
    title="Toy tracker",
    description="A tracker for the tests.",
    kinds=("tickets", "events"),
    convert=_convert,
    timezone="Asia/Jerusalem",
    roles=ROLES,
    settings={"flag": "a setting"},
)

EXPORT = (
    "number,opened_at,state\nA1,01/03/2026 10:00,New\nTEST9,01/03/2026 10:00,New\nA2,31/02/2026 10:00,New\n"
)


def _tickets(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT source, ticket_id, created_at, status FROM tickets ORDER BY ticket_id"
    ).fetchall()


def test_rows_of_every_kind_with_the_export_s_lines(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path], rejected_rows: Callable[..., list[Any]]
) -> None:
    path = write("incidents.csv", EXPORT)
    tickets, events = import_export(con, [path], TOY)
    assert (tickets.kind, tickets.read, tickets.inserted, tickets.rejected) == ("tickets", 3, 1, 2)
    assert (events.kind, events.read, events.inserted, events.rejected) == ("events", 2, 1, 1)
    assert tickets.import_id + 1 == events.import_id
    # 10:00 in Jerusalem on 1 March (winter time, UTC+2) is 08:00 UTC.
    assert [(s, t, str(c), st) for s, t, c, st in _tickets(con)] == [
        ("toy", "A1", "2026-03-01 08:00:00", "new")
    ]
    problems = rejected_rows(con, tickets.import_id)
    assert [(f, line, col) for f, line, col, _, _ in problems] == [
        ("incidents.csv", 3, "number"),
        ("incidents.csv", 4, "created_at"),
    ]
    assert problems[0][4] == "a test incident, not a real one"
    assert "31/02/2026 10:00" in problems[1][4]
    assert "line 3, column 'number': a test incident" in "\n".join(tickets.lines())
    kinds = con.execute("SELECT kind, source FROM imports ORDER BY import_id").fetchall()
    assert kinds == [("tickets", "toy"), ("events", "toy")]


def test_importing_again_changes_nothing_and_a_newer_export_updates(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    path = write("incidents.csv", EXPORT)
    import_export(con, [path], TOY)
    again = import_export(con, [path], TOY)
    assert [(s.inserted, s.updated, s.unchanged) for s in again] == [(0, 0, 1), (0, 0, 1)]
    newer = write("newer.csv", "number,opened_at,state\nA1,01/03/2026 10:00,Solved\n")
    tickets, _ = import_export(con, [newer], TOY)
    assert (tickets.inserted, tickets.updated) == (0, 1)
    assert _tickets(con)[0][3] == "solved"
    leftovers = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'kpidesk_export%'"
    ).fetchall()
    assert leftovers == []


def test_a_failing_file_leaves_the_warehouse_as_it_was(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path], warehouse_snapshot: Callable[..., Any]
) -> None:
    import_export(con, [write("first.csv", EXPORT)], TOY)
    before = warehouse_snapshot(con)
    good = write("good.csv", "number,opened_at\nB1,02/03/2026 10:00\n")
    bad = write("bad.csv", "number,closed\nB2,02/03/2026\n")
    with pytest.raises(ImportFailed) as failure:
        import_export(con, [good, bad], TOY)
    message = str(failure.value)
    assert "bad.csv line 1" in message
    assert "opened_at (when it was opened)" in message
    assert "columns: {opened:" in message
    assert warehouse_snapshot(con) == before


def test_aliases_and_a_mapping_point_roles_at_other_columns(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    aliased = write("aliased.csv", "Number,OPENED\nC1,03/03/2026 09:00\n")
    import_export(con, [aliased], TOY)
    renamed = write("renamed.csv", "Incident,When\nC2,03/03/2026 09:00\n")
    mapping = {"columns": {"number": "Incident", "opened": "When"}, "timezone": "UTC", "source": "legacy"}
    import_export(con, [renamed], TOY, mapping=mapping)
    rows = [(s, t, str(c)) for s, t, c, _ in _tickets(con)]
    assert rows == [("toy", "C1", "2026-03-03 07:00:00"), ("legacy", "C2", "2026-03-03 09:00:00")]


def test_values_from_a_mapping_apply_to_what_the_format_emits(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    path = write("states.csv", "number,opened_at,state\nD1,03/03/2026 09:00,Parked\n")
    import_export(con, [path], TOY, mapping={"values": {"status": {"parked": "hold"}}})
    assert _tickets(con)[0][3] == "hold"


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"columns": {"nmbr": "X"}}, "columns.nmbr: the toy format has no column role 'nmbr'"),
        ({"columns": {"number": "Missing"}}, "columns.number names the column 'Missing'"),
        (
            {"settings": {"other": 1}},
            "settings.other: the toy format has no such setting; its settings: flag",
        ),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"formats": {}}, "formats: unknown key for the toy format"),
    ],
)
def test_mapping_mistakes_name_their_key(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path], mapping: dict[str, Any], expected: str
) -> None:
    path = write("incidents.csv", EXPORT)
    with pytest.raises(MappingError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        import_export(con, [path], TOY, mapping=mapping)


def test_kinds_keep_only_some_tables_and_unknown_ones_are_refused(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    path = write("incidents.csv", EXPORT)
    (only,) = import_export(con, [path], TOY, kinds=["events"])
    assert only.kind == "events"
    assert con.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
    with pytest.raises(ImportFailed, match="writes tickets, events, not 'calls'"):
        import_export(con, [path], TOY, kinds=["calls"])


def test_files_a_format_does_not_read_are_refused(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    with pytest.raises(ImportFailed, match=r"reads \.csv files, not '\.json'"):
        import_export(con, [write("x.json", "[]")], TOY)
    with pytest.raises(MappingError, match="unknown format 'nope'; known formats: "):
        import_export(con, [write("x.csv", EXPORT)], "nope")


def test_every_built_in_format_is_documented() -> None:
    assert EXPORT_FORMATS, "no export format is registered"
    for export in EXPORT_FORMATS.values():
        assert export.documentation.strip(), f"{export.name} has no documentation"
        assert export.kinds and export.title and export.description


def test_a_mapping_s_values_extend_the_format_s_own_for_the_same_column(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    def convert(ctx: ExportContext, files: list[Path]) -> None:
        src = ctx.read(files[0])
        ctx.emit(
            "tickets",
            src.display,
            f"SELECT {src.col('number')} AS ticket_id, {src.col('opened')} AS created_at, "
            f"{src.col('state')} AS status, {src.line} AS {LINE} FROM {src.table}",
            parse={"formats": {"created_at": "%d/%m/%Y %H:%M"}, "values": {"status": {"Fixed": "solved"}}},
        )

    fixer = ExportFormat("fixer", "Fixer", "Maps its own states.", ("tickets",), convert, roles=ROLES)
    path = write("s.csv", "number,opened_at,state\nE1,03/03/2026 09:00,Fixed\nE2,03/03/2026 09:00,Parked\n")
    import_export(con, [path], fixer, mapping={"values": {"status": {"Parked": "hold"}}})
    assert [row[3] for row in _tickets(con)] == ["solved", "hold"]


def test_a_repaired_row_is_listed_but_counted_as_imported(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path], rejected_rows: Callable[..., list[Any]]
) -> None:
    def convert(ctx: ExportContext, files: list[Path]) -> None:
        src = ctx.read(files[0])
        ctx.repair("tickets", src.display, 2, "opened_at", "1/3/2026 10:00", "day written without its zero")
        ctx.emit(
            "tickets",
            src.display,
            f"SELECT {src.col('number')} AS ticket_id, '2026-03-01 10:00' AS created_at, "
            f"{src.line} AS {LINE} FROM {src.table}",
        )

    mender = ExportFormat("mender", "Mender", "Repairs a date.", ("tickets",), convert, roles=ROLES)
    (summary,) = import_export(con, [write("m.csv", "number,opened_at\nF1,1/3/2026 10:00\n")], mender)
    assert (summary.read, summary.inserted, summary.rejected, summary.repaired) == (1, 1, 0, 1)
    assert rejected_rows(con, summary.import_id) == [
        ("m.csv", 2, "opened_at", "1/3/2026 10:00", "day written without its zero")
    ]
