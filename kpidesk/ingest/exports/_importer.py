"""`import_export`: one system's export, in any number of files, into every canonical table it feeds.

The format converts the files into canonical rows; each kind is then validated and upserted exactly like
a mapped import, with its own row in `imports` and its own summary, all in one transaction: a problem
with any file leaves the warehouse as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from kpidesk.ingest._destination import Destination, OpenWarehouse
from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest._importer import (
    CheckedFile,
    check_formats,
    check_staged,
    check_text_options,
    input_files,
    next_import_id,
    record_import,
    sample_rejections,
    work_tables,
    write_checked,
)
from kpidesk.ingest._lines import LineNumbers
from kpidesk.ingest._mapping import parse_mapping, read_mapping_file
from kpidesk.ingest._progress import LARGE_INPUT_BYTES, ImportProgress
from kpidesk.ingest._readers import StagedFile
from kpidesk.ingest._sql import first_row
from kpidesk.ingest._summary import ImportSummary
from kpidesk.ingest._validate import reads_warehouse
from kpidesk.ingest._zones import naive_zone
from kpidesk.ingest.exports._format import LINE, Emitted, ExportContext, ExportFormat, FormatOptions
from kpidesk.ingest.exports._registry import export_format
from kpidesk.warehouse import table_schema

__all__ = ["OPTION_KEYS", "format_options", "import_export"]

#: Keys of a mapping file given with an export format.
OPTION_KEYS = ("source", "timezone", "encoding", "delimiter", "columns", "values", "settings")


def import_export(
    destination: duckdb.DuckDBPyConnection | Destination,
    paths: Sequence[str | Path],
    format: str | ExportFormat,
    *,
    mapping: str | Path | dict[str, Any] | None = None,
    source: str | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    kinds: Sequence[str] | None = None,
    progress: bool = False,
    workspace_timezone: str = "UTC",
) -> list[ImportSummary]:
    """Import `paths`, an export of the built-in `format`, in one transaction; one summary per kind.

    `mapping` (a YAML path or dict, keys `OPTION_KEYS`) points the format's column roles at other
    columns, remaps canonical values, and sets the format's own settings. `timezone` is the zone of
    timestamps written without an offset (default: the mapping's, else the format's documented zone,
    else `workspace_timezone`). `kinds` keeps only those of the tables the format writes. `destination`
    is as for `import_files`.
    """
    target = destination if isinstance(destination, Destination) else OpenWarehouse(destination)
    con = target.con
    export = format if isinstance(format, ExportFormat) else export_format(format)
    wanted = tuple(kinds) if kinds else export.kinds
    for kind in wanted:
        if kind not in export.kinds:
            raise ImportFailed(f"the {export.title} format writes {', '.join(export.kinds)}, not {kind!r}")
    raw = _mapping_dict(mapping)
    origin = str(mapping) if isinstance(mapping, str | Path) else "mapping"
    options = format_options(
        export,
        raw,
        timezone=timezone,
        encoding=encoding,
        delimiter=delimiter,
        origin=origin,
        workspace_timezone=workspace_timezone,
    )
    source_name = source or raw.get("source") or export.name
    _check_values(export, options, wanted)
    check_text_options(options.encoding, options.delimiter)
    files = input_files(paths)
    for path in files:
        if path.suffix.lower() not in export.suffixes:
            raise ImportFailed(
                f"{path}: the {export.title} format reads {', '.join(export.suffixes)} files, "
                f"not {path.suffix or '(no extension)'!r}"
            )
    show_progress = progress and any(p.stat().st_size > LARGE_INPUT_BYTES for p in files)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    summaries: list[ImportSummary] = []
    with (
        tempfile.TemporaryDirectory(prefix="kpidesk-import-") as workdir,
        ImportProgress(show_progress) as bar,
    ):
        context = ExportContext(con, export, options, Path(workdir), bar)
        try:
            with work_tables(con):
                export.convert(context, files)
                parts: list[tuple[ImportSummary, list[CheckedFile]]] = []
                for kind in (k for k in export.kinds if k in wanted):
                    emitted = [e for e in context.emitted if e.kind == kind]
                    dropped = [r for r in context.rejected if r.kind == kind]
                    if not emitted and not dropped:
                        continue
                    displays = list(
                        dict.fromkeys([*(e.display for e in emitted), *(r.file for r in dropped)])
                    )
                    summary = ImportSummary(
                        import_id=0,
                        kind=kind,
                        source=source_name,
                        files=displays,
                        timezone=options.naive_zone,
                    )
                    parts.append((summary, _check_kind(con, context, summary, emitted, bar, target)))
                if not parts:
                    raise ImportFailed(
                        f"{', '.join(map(str, files))}: no rows found that a {export.title} export holds"
                    )
                with target.writing():
                    con.execute("BEGIN TRANSACTION")
                    try:
                        batch = next_id = next_import_id(con)
                        for summary, checked in parts:
                            summary.import_id = next_id
                            next_id += 1
                            _write_kind(con, context, summary, checked, bar)
                            record_import(con, summary, started, batch)
                            summaries.append(summary)
                        summaries[0].warnings += context.warnings
                        con.execute("COMMIT")
                    except BaseException:
                        with contextlib.suppress(duckdb.Error):
                            con.execute("ROLLBACK")
                        raise
        finally:
            context.close()
    return summaries


def format_options(
    export: ExportFormat,
    raw: dict[str, Any],
    *,
    timezone: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    origin: str = "mapping",
    workspace_timezone: str = "UTC",
) -> FormatOptions:
    """Check a mapping dict meant for `export` and turn it into its options."""

    def fail(key: str, message: str) -> MappingError:
        return MappingError(f"{origin}: {key}: {message}")

    unknown = [str(k) for k in raw if k not in OPTION_KEYS]
    if unknown:
        raise fail(
            unknown[0], f"unknown key for the {export.name} format; expected one of {', '.join(OPTION_KEYS)}"
        )
    chosen = naive_zone(
        asked=timezone,
        mapping=raw.get("timezone"),
        format_zone=export.timezone,
        format_title=export.title,
        workspace=workspace_timezone,
    )
    zone = chosen.zone
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            "timezone", f"unknown time zone {zone!r}; expected an IANA name such as Asia/Jerusalem"
        ) from None
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict) or any(not isinstance(v, str) for v in columns.values()):
        raise fail("columns", 'expected role: "File column" pairs')
    values = raw.get("values") or {}
    if not isinstance(values, dict) or any(not isinstance(v, dict) for v in values.values()):
        raise fail("values", "expected canonical column: {value: canonical value} mappings")
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        raise fail("settings", "expected name: value pairs")
    for name in settings:
        if name not in export.settings:
            known = ", ".join(export.settings) or "none"
            raise fail(
                f"settings.{name}", f"the {export.name} format has no such setting; its settings: {known}"
            )
    return FormatOptions(
        timezone=str(zone),
        naive_zone=chosen,
        columns={str(k): v for k, v in columns.items()},
        values={
            str(k): {str(a): None if b is None else str(b) for a, b in v.items()} for k, v in values.items()
        },
        encoding=encoding or raw.get("encoding"),
        delimiter=delimiter or raw.get("delimiter"),
        settings=dict(settings),
        origin=origin,
    )


def _check_values(export: ExportFormat, options: FormatOptions, kinds: tuple[str, ...]) -> None:
    """Fail on a `values:` column that no table the import writes has."""
    for column in options.values:
        tables = [table_schema(k) for k in kinds]
        if not any(column in t.column_names for t in tables):
            names = sorted({n for t in tables for n in t.column_names})
            raise MappingError(
                f"{options.origin}: values.{column}: {column!r} is not a column of the tables the "
                f"{export.name} format writes ({', '.join(t.name for t in tables)}); expected one of "
                f"{', '.join(names)}"
            )


def _mapping_dict(mapping: str | Path | dict[str, Any] | None) -> dict[str, Any]:
    if mapping is None:
        return {}
    if isinstance(mapping, dict):
        return dict(mapping)
    return read_mapping_file(mapping)


def _check_kind(
    con: duckdb.DuckDBPyConnection,
    context: ExportContext,
    summary: ImportSummary,
    emitted: list[Emitted],
    bar: ImportProgress,
    target: Destination,
) -> list[CheckedFile]:
    """Validate each converted part of one kind, before the warehouse is written."""
    schema = table_schema(summary.kind)
    origin = f"format {context.export.name}"
    checked: list[CheckedFile] = []
    for number, part in enumerate(emitted):
        parse = dict(part.parse)
        # The user's values apply to the kinds whose table has the column (`_check_values` saw to typos).
        users = {c: t for c, t in context.options.values.items() if c in schema.column_names}
        if users:
            own = parse.get("values", {})
            parse["values"] = {
                column: {**own.get(column, {}), **table} for column, table in users.items()
            } | {column: table for column, table in own.items() if column not in users}
        mapping = parse_mapping(parse, origin)
        mapping.check_kind(summary.kind)
        check_formats(mapping, schema)
        described = con.execute(f"DESCRIBE SELECT * FROM {part.table}").fetchall()
        columns = [str(d[0]) for d in described]
        counted = first_row(con, f"SELECT count(*) FROM {part.table}")
        staged = StagedFile(
            display=part.display,
            table=part.table,
            columns=columns,
            rows=int(counted[0]) if counted else 0,
            unit=part.unit,
            lines=LineNumbers(part.table, 0, column=LINE),
            header_where=part.display,
            tables=[part.table],
            types={str(d[0]): str(d[1]) for d in described if str(d[1]) != "VARCHAR"},
        )
        now = isinstance(target, OpenWarehouse) or not reads_warehouse(schema)
        part_checked = check_staged(
            con,
            staged,
            f"kpidesk_export_{summary.kind}_{number}",
            schema,
            mapping,
            bar,
            summary,
            part.size,
            encoding=context.options.encoding,
            now=now,
        )
        if part_checked is not None:
            checked.append(part_checked)
    return checked


def _write_kind(
    con: duckdb.DuckDBPyConnection,
    context: ExportContext,
    summary: ImportSummary,
    checked: list[CheckedFile],
    bar: ImportProgress,
) -> None:
    """Upsert one kind's checked parts and record the rows the format dropped or repaired."""
    schema = table_schema(summary.kind)
    for part in checked:
        write_checked(con, part, bar, summary)
    dropped = [r for r in context.rejected if r.kind == summary.kind]
    if dropped:
        con.executemany(
            'INSERT INTO rejected_rows (import_id, kind, file, line, "column", value, reason, repaired) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [summary.import_id, schema.kind, r.file, r.line, r.column, r.value, r.reason, r.repaired]
                for r in dropped
            ],
        )
        repaired = sum(1 for r in dropped if r.repaired)
        summary.read += len(dropped) - repaired
        summary.rejected += len(dropped) - repaired
        summary.repaired += repaired
        summary.rejections_sample.clear()
        for display in summary.files:
            summary.units.setdefault(display, "line")
            sample_rejections(con, summary, display)
