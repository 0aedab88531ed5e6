"""`import_files`: read, validate and upsert one or more files as a single transaction.

Either every file is imported (accepted rows written, rejected rows recorded with their reasons, one
row in `imports`, what it replaced kept for undo) or, on any whole-file problem, nothing is: the
warehouse is exactly as before. Files are read and checked first; the warehouse is written at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from kpidesk.ingest._binding import Binding, bind_columns
from kpidesk.ingest._destination import Destination, OpenWarehouse
from kpidesk.ingest._encoding import check_encoding
from kpidesk.ingest._errors import ImportFailed, MappingError
from kpidesk.ingest._excel import LINE_COLUMN
from kpidesk.ingest._formats import format_mapping
from kpidesk.ingest._mapping import EPOCH_FORMATS, Mapping, load_mapping, merge_mapping_dicts, parse_mapping
from kpidesk.ingest._misread import misread_text_warnings
from kpidesk.ingest._progress import LARGE_INPUT_BYTES, ImportProgress
from kpidesk.ingest._readers import ReadOptions, StagedFile, file_format, stage_file
from kpidesk.ingest._sql import first_row, ident, literal
from kpidesk.ingest._summary import SAMPLE_SIZE, ImportSummary, Rejection
from kpidesk.ingest._upsert import upsert
from kpidesk.ingest._validate import Validated, reads_warehouse, record_rejections, validate
from kpidesk.ingest._zones import naive_zone
from kpidesk.warehouse import TableSchema, create_history, table_schema

__all__ = [
    "CheckedFile",
    "check_formats",
    "check_staged",
    "check_text_options",
    "import_files",
    "input_files",
    "next_import_id",
    "record_import",
    "resolve_mapping",
    "sample_rejections",
    "work_tables",
    "write_checked",
]


def import_files(
    destination: duckdb.DuckDBPyConnection | Destination,
    paths: Sequence[str | Path],
    kind: str,
    *,
    mapping: str | Path | dict[str, Any] | Mapping | None = None,
    source: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: bool = False,
    format: str | None = None,
    timezone: str | None = None,
    workspace_timezone: str = "UTC",
) -> ImportSummary:
    """Import `paths` as `kind` (tickets, events, calls, surveys, agents, agent_states, customers, qa).

    `destination` is a warehouse connection or a `Destination` (files read and checked apart from the
    warehouse, which is written only at the end). `mapping` is a YAML path, a dict or a `Mapping`;
    `format` names a built-in format it is layered over. `source` defaults to the mapping's, else the
    format's name, else "default"; `encoding` and `delimiter` override the mapping's. Timestamps without
    an offset are read in `timezone`, else the mapping's, else `workspace_timezone` (see `naive_zone`).
    Raises ImportFailed (nothing written) for a whole-file problem; rows that fail validation are counted
    and stored in `rejected_rows` instead.
    """
    target = destination if isinstance(destination, Destination) else OpenWarehouse(destination)
    con = target.con
    try:
        schema = table_schema(kind)
    except ValueError as exc:
        raise ImportFailed(str(exc)) from None
    resolved = resolve_mapping(mapping, format)
    zone = naive_zone(
        asked=timezone,
        mapping=resolved.timezone,
        format_zone=None,
        format_title=None,
        workspace=workspace_timezone,
    )
    resolved = dataclasses.replace(resolved, timezone=zone.zone)
    resolved.check_kind(kind)
    check_formats(resolved, schema)
    files = input_files(paths)
    for path in files:
        file_format(path)
    encoding = encoding or resolved.encoding
    delimiter = delimiter or resolved.delimiter
    check_text_options(encoding, delimiter)
    source_name = source or resolved.source or format or "default"
    options = ReadOptions(
        encoding=encoding,
        delimiter=delimiter,
        sheet=resolved.sheet,
        records=resolved.records,
        expected=_expected_columns(schema),
    )
    summary = ImportSummary(
        import_id=0, kind=kind, source=source_name, files=[str(p) for p in files], timezone=zone
    )
    show_progress = progress and any(p.stat().st_size > LARGE_INPUT_BYTES for p in files)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with (
        tempfile.TemporaryDirectory(prefix="kpidesk-import-") as workdir,
        ImportProgress(show_progress) as bar,
        work_tables(con),
    ):
        checked = [
            _check_file(con, path, number, schema, resolved, options, Path(workdir), bar, summary, target)
            for number, path in enumerate(files)
        ]
        with target.writing():
            con.execute("BEGIN TRANSACTION")
            try:
                summary.import_id = next_import_id(con)
                for part in checked:
                    if part is not None:
                        write_checked(con, part, bar, summary)
                record_import(con, summary, started)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
    return summary


@contextlib.contextmanager
def work_tables(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Drop the temporary tables an import made when it stops half-way, so the connection can import
    again (files are read and checked before the transaction that writes them)."""
    before = _temp_tables(con)
    try:
        yield
    except BaseException:
        for table in _temp_tables(con) - before:
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DROP TABLE IF EXISTS temp.main.{ident(table)}")
        raise


def _temp_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    return {str(r[0]) for r in rows}


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the next import, inside the writing transaction (history tables made if missing)."""
    create_history(con)
    row = first_row(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
    return int(row[0]) if row else 1


def record_import(
    con: duckdb.DuckDBPyConnection, summary: ImportSummary, started: dt.datetime, batch_id: int | None = None
) -> None:
    """The import's row in `imports` (what it read and what it did, per kind) and in `import_log`
    (`batch_id`: the first import of the same command, undone with it)."""
    con.execute(
        "INSERT INTO import_log (import_id, batch_id, finished_at) VALUES (?, ?, ?)",
        [summary.import_id, batch_id or summary.import_id, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )
    con.execute(
        "INSERT INTO imports (import_id, started_at, kind, source, files, read, inserted, updated, "
        "unchanged, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            summary.import_id,
            started,
            summary.kind,
            summary.source,
            summary.files,
            summary.read,
            summary.inserted,
            summary.updated,
            summary.unchanged,
            summary.rejected,
        ],
    )


def input_files(paths: Sequence[str | Path] | str | Path) -> list[Path]:
    """The paths to import, each an existing file; anything else is an ImportFailed naming it."""
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise ImportFailed("no files to import")
    for path in files:
        if not path.exists():
            raise ImportFailed(f"{path} does not exist")
        if not path.is_file():
            raise ImportFailed(f"{path} is not a file")
    return files


def check_text_options(encoding: str | None, delimiter: str | None) -> None:
    """Refuse an encoding Python does not know or a delimiter that is not one character."""
    if encoding is not None:
        check_encoding(encoding)
    if delimiter is not None and len(delimiter) != 1:
        raise ImportFailed(f"delimiter must be one character such as ',', ';' or a tab, got {delimiter!r}")


def _check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    number: int,
    schema: TableSchema,
    mapping: Mapping,
    options: ReadOptions,
    workdir: Path,
    bar: ImportProgress,
    summary: ImportSummary,
    destination: Destination,
) -> CheckedFile | None:
    prefix = f"kpidesk_import_{number}"
    display = str(path)
    try:
        staged = stage_file(con, path, display, f"{prefix}_stage", options, workdir, bar)
    except (duckdb.IOException, duckdb.OutOfMemoryException) as exc:
        raise ImportFailed(f"{display} could not be read: {str(exc).splitlines()[0]}") from None
    return check_staged(
        con,
        staged,
        prefix,
        schema,
        mapping,
        bar,
        summary,
        path.stat().st_size,
        encoding=options.encoding,
        now=isinstance(destination, OpenWarehouse) or not reads_warehouse(schema),
    )


@dataclass
class CheckedFile:
    """A staged file bound to its canonical columns and, once checked, its validated rows."""

    staged: StagedFile
    prefix: str
    schema: TableSchema
    mapping: Mapping
    size: int
    bindings: list[Binding]
    #: The encoding the file was read with (None: UTF-8), named when text looks misread.
    encoding: str | None
    validated: Validated | None = None


def check_staged(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    prefix: str,
    schema: TableSchema,
    mapping: Mapping,
    bar: ImportProgress,
    summary: ImportSummary,
    size: int,
    *,
    encoding: str | None = None,
    now: bool = True,
) -> CheckedFile | None:
    """Bind and validate one staged file (before the warehouse is written); None when it has no rows.

    `size` (bytes of the file read) decides whether long steps show progress. Without `now`,
    validation waits for `write_checked` (it reads the warehouse: surveys are checked against tickets).
    """
    display = staged.display
    summary.units[display] = staged.unit
    if staged.rows == 0 and not staged.has_header:
        summary.warnings.append(f"{display} has no records; nothing was imported from it")
        _drop(con, staged.tables)
        return None
    bindings, ignored = bind_columns(schema, mapping, staged.columns, staged.header_where)
    summary.ignored_columns += [c for c in ignored if c not in summary.ignored_columns and c != LINE_COLUMN]
    if staged.rows == 0:
        summary.warnings.append(f"{display} has a header but no rows; nothing was imported from it")
        _drop(con, staged.tables)
        return None
    checked = CheckedFile(staged, prefix, schema, mapping, size, bindings, encoding)
    if now:
        _validate(con, checked, bar, summary)
    return checked


def _validate(
    con: duckdb.DuckDBPyConnection, checked: CheckedFile, bar: ImportProgress, summary: ImportSummary
) -> Validated:
    staged = checked.staged
    large = bar.wants(checked.size)
    with bar.query(con, f"checking {Path(staged.display).name}") if large else contextlib.nullcontext():
        try:
            checked.validated = validate(
                con,
                staged.table,
                staged.columns,
                checked.bindings,
                checked.schema,
                checked.mapping,
                f"{checked.prefix}_valid",
                staged.types,
                staged.row,
                source=summary.source,
            )
        except duckdb.Error as exc:
            failure = _read_failure(exc, staged.unreadable)
            if failure is None:
                raise
            raise failure from None
    return checked.validated


def write_checked(
    con: duckdb.DuckDBPyConnection, checked: CheckedFile, bar: ImportProgress, summary: ImportSummary
) -> None:
    """Record the file's rejections and upsert its rows, inside the caller's writing transaction;
    the staged tables are dropped afterwards."""
    staged, schema = checked.staged, checked.schema
    display = staged.display
    name = Path(display).name
    validated = checked.validated or _validate(con, checked, bar, summary)
    large = bar.wants(checked.size)
    with bar.query(con, f"recording problems of {name}") if large else contextlib.nullcontext():
        rejected = record_rejections(
            con,
            validated,
            checked.bindings,
            schema,
            staged.lines,
            staged.unit,
            summary.import_id,
            schema.kind,
            display,
        )
    actions = f"{checked.prefix}_actions"
    with bar.query(con, f"writing {name}") if large else contextlib.nullcontext():
        counts = upsert(
            con,
            validated.accepted(),
            validated.read - rejected,
            schema,
            summary.source,
            summary.import_id,
            actions,
        )
    if counts.updated:
        summary.warnings += misread_text_warnings(
            con,
            schema,
            summary.source,
            actions,
            summary.import_id,
            staged.lines,
            staged.unit,
            display,
            checked.encoding,
        )
    summary.read += validated.read
    summary.rejected += rejected
    summary.inserted += counts.inserted
    summary.updated += counts.updated
    summary.unchanged += counts.unchanged
    if validated.empty:
        rows = (
            "1 row with every field empty was"
            if validated.empty == 1
            else f"{validated.empty:,} rows with every field empty were"
        )
        summary.warnings.append(f"{display}: {rows} skipped")
    sample_rejections(con, summary, display)
    _drop(con, [*staged.tables, validated.table, validated.duplicates, actions])


def sample_rejections(con: duckdb.DuckDBPyConnection, summary: ImportSummary, display: str) -> None:
    """Quote the file's first problems in the summary, up to its sample size."""
    room = SAMPLE_SIZE - len(summary.rejections_sample)
    if room <= 0:
        return
    sample = con.execute(
        'SELECT file, line, "column", reason FROM rejected_rows WHERE import_id = ? AND file = ? '
        "ORDER BY line LIMIT ?",
        [summary.import_id, display, room],
    ).fetchall()
    summary.rejections_sample += [Rejection(*r) for r in sample]


def _read_failure(exc: duckdb.Error, unreadable: str | None) -> ImportFailed | None:
    """A file validated where it lies (Parquet) is first read by validation: a corrupt page fails there,
    and is reported as when a file is staged. None for an error that is not about reading."""
    if unreadable is None or isinstance(exc, duckdb.ProgrammingError | duckdb.InterruptException):
        return None
    return ImportFailed(f"{unreadable}: {str(exc).splitlines()[0]}")


def _expected_columns(schema: TableSchema) -> str:
    required = ", ".join(c.name for c in schema.columns if c.required)
    optional = ", ".join(c.name for c in schema.columns if not c.required)
    return f"{required} (required) and optionally {optional}" if optional else required


def _drop(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Free a file's temporary tables before the next file (the transaction would drop them at the end)."""
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def resolve_mapping(mapping: str | Path | dict[str, Any] | Mapping | None, format: str | None) -> Mapping:
    if isinstance(mapping, Mapping):
        own, origin = mapping.raw, mapping.origin
    elif isinstance(mapping, dict):
        own, origin = mapping, "mapping"
    elif mapping is not None:
        loaded = load_mapping(mapping)
        own, origin = loaded.raw, loaded.origin
    else:
        own, origin = {}, "mapping"
    if format is None:
        return mapping if isinstance(mapping, Mapping) else parse_mapping(own, origin)
    base = format_mapping(format)
    return parse_mapping(merge_mapping_dicts(base, own), f"format {format}" + (f" + {origin}" if own else ""))


def check_formats(mapping: Mapping, schema: TableSchema) -> None:
    """Reject a zone or strptime pattern DuckDB does not know, before anything is read."""
    patterns: list[tuple[str, str]] = []
    for column in schema.columns:
        if column.type != "TIMESTAMP":
            continue
        if column.name in mapping.combine:
            patterns.append((f"combine.{column.name}", mapping.combine[column.name].format))
        elif column.name in mapping.formats:
            patterns += [(f"formats.{column.name}", f) for f in mapping.formats[column.name]]
    patterns += [("timestamp_format", f) for f in mapping.timestamp_format or ()]
    with duckdb.connect() as scratch:
        try:
            zone = literal(mapping.zone)
            scratch.execute(f"SELECT timezone({zone}, TIMESTAMP '2026-01-01')").fetchall()
        except duckdb.Error:
            raise MappingError(
                f"{mapping.origin}: timezone: DuckDB does not know the time zone {mapping.zone!r}"
            ) from None
        for key, pattern in patterns:
            if pattern in EPOCH_FORMATS:
                continue
            try:
                scratch.execute(f"SELECT try_strptime('', {literal(pattern)})").fetchall()
            except duckdb.Error as exc:
                detail = str(exc).splitlines()[0].split(": ", 1)[-1]
                raise MappingError(
                    f"{mapping.origin}: {key}: {pattern!r} is not a strptime format DuckDB reads ({detail})"
                ) from None
