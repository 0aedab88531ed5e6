"""`export_lake`: every canonical table in the lake row for row as in the warehouse, with its columns
and types; only the partitions an import touched rewritten; an export that stops half-way leaves the
previous lake whole. Real warehouse files and Parquet files throughout."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import ibis
import pytest

import kpidesk
import kpidesk.lake._export
from kpidesk.lake import LakeError, LakeManifest, export_lake, lake_tables, read_manifest
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import Workspace

TABLES = [t.name for t in CANONICAL_TABLES]


def _lake_con(ws: Workspace, manifest: LakeManifest) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake's tables registered by `lake_tables` and the warehouse attached
    read-only as `wh`."""
    icon = ibis.duckdb.connect()
    lake_tables(icon, manifest)
    con: duckdb.DuckDBPyConnection = icon.con
    con.execute(f"ATTACH '{ws.warehouse_path}' AS wh (READ_ONLY)")
    return con


def _files(manifest: LakeManifest) -> dict[str, set[str]]:
    return {t: set(manifest.files(t)) for t in TABLES}


def _on_disk(ws: Workspace) -> set[str]:
    lake = Path(ws.lake_location)
    return {str(p) for p in lake.rglob("*.parquet")}


def test_the_lake_holds_the_warehouse_row_for_row(lake_demo: Workspace) -> None:
    result = export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    assert result.generation == manifest.generation == 1
    con = _lake_con(lake_demo, manifest)
    for table in TABLES:
        expected = con.execute(f'SELECT count(*) FROM wh.main."{table}"').fetchall()[0]
        report = next(t for t in result.tables if t.table == table)
        assert report.rows == manifest.table(table).rows == expected[0]
        assert con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0] == expected
        for left, right in ((f'wh.main."{table}"', f'"{table}"'), (f'"{table}"', f'wh.main."{table}"')):
            extra = con.execute(f"SELECT count(*) FROM (FROM {left} EXCEPT ALL FROM {right})").fetchall()[0]
            assert extra == (0,), (table, left)
        described = [r[:2] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
        assert described == [r[:2] for r in con.execute(f'DESCRIBE wh.main."{table}"').fetchall()]
    # The demo holds rows in every table but source_figures: that one is there, with its columns, empty.
    assert manifest.table("source_figures").rows == 0
    assert len(manifest.files("source_figures")) == 1
    assert manifest.table("tickets").rows == 300
    assert _on_disk(lake_demo) == set().union(*_files(manifest).values())


def test_partitions_are_the_utc_months_of_each_source(lake_demo: Workspace) -> None:
    export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    with lake_demo.connect(read_only=True) as con:
        months = con.execute(
            "SELECT strftime(created_at, '%Y-%m'), count(*) FROM tickets GROUP BY ALL ORDER BY 1"
        ).fetchall()
    assert [(p.month, p.rows) for p in manifest.partitions("tickets")] == months
    first = manifest.partitions("tickets")[0]
    assert first.source == "demo"
    assert first.file.startswith(f"tickets/source=demo/month={first.month}/part-1-")
    agents = manifest.partitions("agents")
    assert [(p.source, p.month) for p in agents] == [("demo", None)]
    assert agents[0].file.startswith("agents/source=demo/part-1-")


def test_an_export_rewrites_only_the_partitions_that_changed(lake_demo: Workspace) -> None:
    export_lake(lake_demo)
    before = read_manifest(lake_demo.lake_location)
    manifest_text = (Path(lake_demo.lake_location) / "_manifest.json").read_text()

    again = export_lake(lake_demo)
    assert (again.generation, again.changed) == (1, False)
    assert all((t.written, t.removed) == (0, 0) for t in again.tables)
    assert (Path(lake_demo.lake_location) / "_manifest.json").read_text() == manifest_text

    with lake_demo.connect() as con:
        # One ticket more in March, and one event of an existing March ticket changed.
        con.execute(
            "INSERT INTO tickets (source, ticket_id, created_at, status) "
            "VALUES ('demo', 'LAKE-1', TIMESTAMP '2026-03-10 09:00', 'open')"
        )
        event = con.execute(
            "SELECT event_id, strftime(\"at\", '%Y-%m') FROM ticket_events WHERE \"at\" >= '2026-05-01' "
            'ORDER BY "at" LIMIT 1'
        ).fetchall()[0]
        con.execute("UPDATE ticket_events SET actor_id = 'someone else' WHERE event_id = ?", [event[0]])

    result = export_lake(lake_demo)
    after = read_manifest(lake_demo.lake_location)
    assert result.generation == after.generation == 2
    counts = {t.table: (t.written, t.removed) for t in result.tables}
    assert counts["tickets"] == (1, 0)
    assert counts["ticket_events"] == (1, 0)
    assert all(counts[t] == (0, 0) for t in TABLES if t not in ("tickets", "ticket_events"))

    old = {(p.source, p.month): p for p in before.partitions("tickets")}
    new = {(p.source, p.month): p for p in after.partitions("tickets")}
    assert new.keys() == old.keys()
    assert [k for k in new if new[k].file != old[k].file] == [("demo", "2026-03")]
    assert new["demo", "2026-03"].rows == old["demo", "2026-03"].rows + 1
    assert new["demo", "2026-03"].file.startswith("tickets/source=demo/month=2026-03/part-2-")
    old_events = {p.month: p.file for p in before.partitions("ticket_events")}
    new_events = {p.month: p.file for p in after.partitions("ticket_events")}
    assert [m for m in new_events if new_events[m] != old_events[m]] == [event[1]]
    # The replaced files are gone; the lake holds exactly what the manifest names.
    assert _on_disk(lake_demo) == set().union(*_files(after).values())
    con = _lake_con(lake_demo, after)
    assert con.execute("SELECT status FROM tickets WHERE ticket_id = 'LAKE-1'").fetchall() == [("open",)]


def test_an_undone_import_removes_its_partitions(lake_demo: Workspace, tmp_path: Path) -> None:
    export_lake(lake_demo)
    csv = tmp_path / "extra.csv"
    csv.write_text(
        "ticket_id,created_at,status\nX1,2025-11-03 10:00:00,open\nX2,2025-12-01 10:00:00,solved\n",
        encoding="utf-8",
    )
    summary = kpidesk.import_files([csv], "tickets", workspace=lake_demo, source="extra")
    added = export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    extra = [(p.source, p.month, p.rows) for p in manifest.partitions("tickets") if p.source == "extra"]
    # Jerusalem wall-clock times: both are the same UTC month as their local one.
    assert extra == [("extra", "2025-11", 1), ("extra", "2025-12", 1)]
    assert next(t for t in added.tables if t.table == "tickets").written == 2

    kpidesk.undo_import(summary.import_id, workspace=lake_demo)
    undone = export_lake(lake_demo)
    tickets = next(t for t in undone.tables if t.table == "tickets")
    assert (tickets.written, tickets.removed, tickets.rows) == (0, 2, 300)
    assert undone.generation == 3
    manifest = read_manifest(lake_demo.lake_location)
    assert {p.source for p in manifest.partitions("tickets")} == {"demo"}
    # Their files are gone, and so are the folders they leave empty.
    assert not (Path(lake_demo.lake_location) / "tickets" / "source=extra").exists()
    assert (Path(lake_demo.lake_location) / "tickets" / "source=demo").is_dir()


def test_rows_without_their_instant_go_to_month_none(lake_demo: Workspace) -> None:
    with lake_demo.connect() as con:
        con.execute("INSERT INTO calls (source, call_id, queue) VALUES ('demo', 'NEVER-QUEUED', 'sales')")
        never_queued = con.execute("SELECT count(*) FROM calls WHERE arrived_at IS NULL").fetchall()[0]
    assert never_queued[0] > 1  # the demo's own, and this one
    export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    none = [p for p in manifest.partitions("calls") if p.month == "none"]
    assert [(p.source, p.rows) for p in none] == [("demo", never_queued[0])]
    assert none[0].file.startswith("calls/source=demo/month=none/")
    con = _lake_con(lake_demo, manifest)
    assert con.execute("SELECT queue FROM calls WHERE call_id = 'NEVER-QUEUED'").fetchall() == [("sales",)]
    assert con.execute("SELECT count(*) FROM calls WHERE arrived_at IS NULL").fetchall()[0] == never_queued


class _Crash(KeyboardInterrupt):
    """Stands for the process being stopped (Ctrl-C) in the middle of an export."""


@pytest.mark.parametrize("crash", [_Crash, OSError], ids=["interrupted", "disk-error"])
def test_an_export_that_stops_half_way_leaves_the_previous_lake(
    lake_demo: Workspace, monkeypatch: pytest.MonkeyPatch, crash: type[BaseException]
) -> None:
    export_lake(lake_demo)
    before = read_manifest(lake_demo.lake_location)
    rows_before = {
        t: sorted(map(repr, _lake_con(lake_demo, before).execute(f'FROM "{t}"').fetchall())) for t in TABLES
    }
    with lake_demo.connect() as con:
        con.execute("UPDATE tickets SET priority = 'urgent'")  # every month of tickets changes

    write = kpidesk.lake._export._write_partition
    written: list[str] = []

    def write_one_then_fail(*args: object) -> None:
        if written:
            raise crash("the export stops here")
        write(*args)  # type: ignore[arg-type]
        written.append(str(args[-1]))

    monkeypatch.setattr(kpidesk.lake._export, "_write_partition", write_one_then_fail)
    with pytest.raises(crash):
        export_lake(lake_demo)
    assert len(written) == 1

    after = read_manifest(lake_demo.lake_location)
    assert after.to_json() == before.to_json()
    con = _lake_con(lake_demo, after)
    assert {t: sorted(map(repr, con.execute(f'FROM "{t}"').fetchall())) for t in TABLES} == rows_before
    assert con.execute("SELECT count(*) FROM tickets WHERE priority = 'urgent'").fetchall()[0] != (300,)

    monkeypatch.setattr(kpidesk.lake._export, "_write_partition", write)
    result = export_lake(lake_demo)
    assert result.generation == 2
    final = read_manifest(lake_demo.lake_location)
    # The file the stopped export wrote is not named by any manifest, and the next export removed it.
    assert _on_disk(lake_demo) == set().union(*_files(final).values())
    assert not any(p.endswith(written[0]) for p in _on_disk(lake_demo))
    con = _lake_con(lake_demo, final)
    assert con.execute("SELECT count(*) FROM tickets WHERE priority = 'urgent'").fetchall()[0] == (300,)


def test_a_missing_file_names_its_partition_and_what_to_run(lake_demo: Workspace) -> None:
    export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    partition = manifest.partitions("calls")[2]
    path = Path(lake_demo.lake_location) / partition.file
    path.unlink()
    with pytest.raises(LakeError) as raised:
        lake_tables(ibis.duckdb.connect(), manifest)
    assert str(raised.value) == (
        f"the lake's table calls, partition source=demo, month={partition.month}, is missing its file "
        f"{path}: it was deleted or the lake was changed by hand; run `kpidesk lake export` again"
    )
    # The export puts it back, whatever the partition's fingerprint says.
    result = export_lake(lake_demo)
    assert next(t for t in result.tables if t.table == "calls").written == 1
    assert result.generation == 2
    tables = lake_tables(ibis.duckdb.connect(), read_manifest(lake_demo.lake_location))
    assert tables["calls"].count().execute() == manifest.table("calls").rows


def test_no_lake_and_an_unreadable_manifest_say_what_to_run(lake_demo: Workspace) -> None:
    with pytest.raises(LakeError, match=r"no lake at .*lake yet .*run `kpidesk lake export`"):
        read_manifest(lake_demo.lake_location)
    export_lake(lake_demo)
    manifest_file = Path(lake_demo.lake_location) / "_manifest.json"
    manifest_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(LakeError, match=r"_manifest.json cannot be read .*run `kpidesk lake export` again"):
        read_manifest(lake_demo.lake_location)
    # An export writes every partition anew and a manifest that reads.
    result = export_lake(lake_demo)
    assert result.generation == 1
    assert read_manifest(lake_demo.lake_location).table("tickets").rows == 300
    assert json.loads(manifest_file.read_text())["generation"] == 1


def test_a_workspace_without_a_lake_says_what_to_add(demo_template: Path, tmp_path: Path) -> None:
    from demo_fixture import copy_workspace

    from kpidesk.workspace import SettingsError

    ws = copy_workspace(demo_template, tmp_path / "nolake")
    with pytest.raises(SettingsError, match=r"\[lake\] section"):
        export_lake(ws)


def test_an_export_waits_for_the_lake_lock(lake_demo: Workspace) -> None:
    """While another process holds the lake's lock (here: another open file of this one), an export waits
    and has written nothing; it goes on once the lock is released."""
    import fcntl
    import os
    import threading

    lake = Path(lake_demo.lake_location)
    lake.mkdir()
    fd = os.open(lake / "_lake.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    done: list[int] = []
    export = threading.Thread(target=lambda: done.append(export_lake(lake_demo).generation))
    try:
        export.start()
        export.join(3)
        assert export.is_alive() and done == []
        assert not (lake / "_manifest.json").exists()
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    export.join(120)
    assert done == [1]
    assert read_manifest(str(lake)).table("tickets").rows == 300


def test_a_missing_file_of_a_table_without_rows(lake_demo: Workspace) -> None:
    export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    (empty,) = manifest.files("source_figures")
    Path(empty).unlink()
    with pytest.raises(
        LakeError, match=r"^the lake's table source_figures \(a table without rows\) is missing"
    ):
        lake_tables(ibis.duckdb.connect(), manifest)
    result = export_lake(lake_demo)
    assert next(t for t in result.tables if t.table == "source_figures").written == 1
    figures = lake_tables(ibis.duckdb.connect(), read_manifest(lake_demo.lake_location))["source_figures"]
    assert figures.count().execute() == 0
    assert "precision_s" in figures.columns
