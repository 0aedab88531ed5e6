"""`kpidesk lake export`: the warehouse's canonical tables written to the lake as Parquet, one file per
(source, month), rewriting only the partitions whose rows changed since the last export.

Each partition's rows are fingerprinted in the warehouse (count and two order-independent sums of the
rows' hashes, one query per table) and compared with the manifest. Changed partitions are written under
new names, the manifest naming them replaces the old one in one step, and only then are the files no
manifest names deleted: an export that stops half-way leaves the previous lake whole.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
from rich.console import Console

from kpidesk.lake._errors import LakeError
from kpidesk.lake._files import LakeFiles, lake_files
from kpidesk.lake._layout import TABLE_LAYOUTS, TableLayout
from kpidesk.lake._manifest import (
    LakeManifest,
    LakePartition,
    LakeSpan,
    LakeTable,
    load_manifest,
    save_manifest,
)
from kpidesk.workspace import Workspace

__all__ = ["LakeExport", "TableExport", "export_lake"]


@dataclass(frozen=True)
class TableExport:
    """What an export did to one table: partitions written, left as they were and removed, and the rows
    the table holds now."""

    table: str
    written: int
    unchanged: int
    removed: int
    rows: int


@dataclass(frozen=True)
class LakeExport:
    location: str
    generation: int
    tables: tuple[TableExport, ...]

    @property
    def changed(self) -> bool:
        return any(t.written or t.removed for t in self.tables)


def _write_partition(files: LakeFiles, con: duckdb.DuckDBPyConnection, sql: str, relative: str) -> None:
    """Write one partition's file (its own function so that a test can make the write fail)."""
    files.write_query(con, sql, relative)


def _file_name(folder: str, generation: int) -> str:
    return f"{folder}/part-{generation}-{uuid.uuid4().hex[:8]}.parquet"


class _Progress:
    """What the export is doing, on one line of stderr that is replaced as it goes (nothing when off)."""

    def __init__(self, enabled: bool) -> None:
        self._status = Console(stderr=True).status("lake export") if enabled else None

    def __enter__(self) -> _Progress:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()

    def say(self, message: str) -> None:
        if self._status is not None:
            self._status.update(f"lake export: {message}")

    def warn(self, message: str) -> None:
        if self._status is not None:
            self._status.console.print(message, highlight=False, markup=False)


def _export_table(
    con: duckdb.DuckDBPyConnection,
    files: LakeFiles,
    layout: TableLayout,
    previous: LakeTable | None,
    generation: int,
    gone: set[str],
    progress: _Progress,
) -> tuple[LakeTable, TableExport, list[LakeSpan]]:
    progress.say(f"{layout.name}: comparing partitions with the manifest")
    groups = con.execute(layout.fingerprint_sql()).fetchall()
    before = {(p.source, p.month): p for p in previous.partitions} if previous else {}
    partitions: list[LakePartition] = []
    written = 0
    firsts: dict[str, datetime] = {}
    lasts: dict[str, datetime] = {}
    for source, month, rows, hash_sum, hash_xor, first, last in sorted(
        groups, key=lambda g: (g[0] is None, g[0] or "", g[1] or "")
    ):
        fingerprint = f"{rows}:{hash_sum}:{hash_xor}"
        old = before.get((source, month))
        if old is not None and old.fingerprint == fingerprint and old.file not in gone:
            partitions.append(old)
        else:
            relative = _file_name(layout.folder(source, month), generation)
            progress.say(f"{layout.name}: writing {relative}")
            _write_partition(files, con, layout.rows_sql(source, month), relative)
            partitions.append(LakePartition(source, month, relative, int(rows), fingerprint))
            written += 1
        if first is not None and source is not None:
            firsts[source] = min(first, firsts.get(source, first))
            lasts[source] = max(last, lasts.get(source, last))
    empty_file = None
    if not partitions:
        empty_file = previous.empty_file if previous and not previous.partitions else None
        if empty_file is None or empty_file in gone:
            empty_file = _file_name(layout.name, generation)
            _write_partition(files, con, layout.empty_sql(), empty_file)
            written += 1
    kept = {(p.source, p.month) for p in partitions}
    removed = sum(1 for key in before if key not in kept)
    if previous is not None and previous.empty_file and partitions:
        removed += 1
    table = LakeTable(layout.name, tuple(partitions), empty_file)
    report = TableExport(layout.name, written, len(table.files) - written, removed, table.rows)
    spans = [LakeSpan(layout.name, s, firsts[s], lasts[s]) for s in sorted(firsts)] if layout.span else []
    return table, report, spans


def _previous(files: LakeFiles, progress: _Progress) -> LakeManifest | None:
    try:
        return load_manifest(files)
    except LakeError as exc:
        progress.warn(f"{exc}; writing every partition anew")
        return None


def export_lake(ws: Workspace, *, progress: bool = False) -> LakeExport:
    """Export the workspace's canonical tables to its lake (`[lake] path`), writing only the partitions
    that changed; the generation goes up by one when any did. With `progress`, say on stderr what is
    written."""
    location = ws.lake_location
    files = lake_files(location)
    with files.lock(), _Progress(progress) as shown:
        previous = _previous(files, shown)
        generation = previous.generation + 1 if previous else 1
        # Files deleted by hand are written again, whatever their fingerprint says.
        gone = set(files.missing(f for t in previous.tables.values() for f in t.files)) if previous else set()
        tables: dict[str, LakeTable] = {}
        reports: list[TableExport] = []
        spans: list[LakeSpan] = []
        with ws.connect(read_only=True) as con:
            for layout in TABLE_LAYOUTS:
                before = previous.tables.get(layout.name) if previous else None
                table, report, table_spans = _export_table(
                    con, files, layout, before, generation, gone, shown
                )
                tables[layout.name] = table
                reports.append(report)
                spans += table_spans
        result = LakeExport(location, generation, tuple(reports))
        if previous is not None and not result.changed and set(previous.tables) == set(tables):
            result = LakeExport(location, previous.generation, tuple(reports))
        else:
            save_manifest(
                files,
                LakeManifest(
                    location=location,
                    generation=generation,
                    exported_at=datetime.now(UTC),
                    tables=tables,
                    dated=tuple(spans),
                    facts=previous.facts if previous else None,
                ),
            )
        _delete_unnamed(files, tables)
    return result


def _delete_unnamed(files: LakeFiles, tables: dict[str, LakeTable]) -> None:
    """Remove the files of the tables' folders no manifest names: replaced partitions, and those an
    interrupted export wrote."""
    for table in tables.values():
        named = set(table.files)
        for relative in files.listing(table.name):
            if relative not in named:
                files.delete(relative)
