"""Readers: each input file becomes a temporary table of text columns, in file order.

CSV, JSON and Parquet are read by DuckDB's own readers, never by a Python loop over rows; validation
is left to SQL afterwards, so every value is staged as text, except that Parquet keeps its column types
(the validator reads a typed value as its text wherever it does not convert it directly). XLSX has no
DuckDB reader: openpyxl streams it into a temporary Parquet file first. What Python does read
(transcoding, the blank-line scan) it reads in fixed-size chunks, so a multi-gigabyte file never sits in
memory.
"""

from __future__ import annotations

import contextlib
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpidesk.ingest._encoding import (
    CHUNK_BYTES,
    first_undecodable,
    is_utf8,
    not_utf8_error,
    transcode_to_utf8,
)
from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest._excel import LINE_COLUMN, xlsx_to_parquet
from kpidesk.ingest._lines import LineNumbers, blank_lines, count_embedded_newlines, store_blank_lines
from kpidesk.ingest._progress import ImportProgress
from kpidesk.ingest._sql import first_row, ident, literal

__all__ = ["SUFFIXES", "ReadOptions", "StagedFile", "file_format", "stage_file"]

#: File name endings the importer reads, by reader.
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
_MAX_JSON_OBJECT = 2**32 - 1
_BARE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    records: str | None = None
    #: The columns a file of this kind needs, for the message about an empty file.
    expected: str = ""


@dataclass
class StagedFile:
    """One input file as a temporary table of text columns, one per source column (or, for Parquet, the
    file itself as a relation of typed columns)."""

    display: str
    table: str
    columns: list[str]
    rows: int
    #: What a position in this file is called: "line", "row" (spreadsheets) or "record".
    unit: str
    lines: LineNumbers
    #: Where the header is, for messages about columns ("tickets.csv line 1").
    header_where: str
    #: Whether the file declares its columns even when it has no rows (a JSON `[]` does not).
    has_header: bool = True
    #: Temporary tables to drop once the file is imported.
    tables: list[str] = field(default_factory=list)
    #: DuckDB type of each staged column; empty when every column is text (all but Parquet).
    types: dict[str, str] = field(default_factory=dict)
    #: SQL numbering the rows of `table` in file order.
    row: str = "rowid"
    #: When `table` reads the file itself (Parquet): what a failure to read it during validation means.
    unreadable: str | None = None


def file_format(path: Path) -> str:
    """The reader for a path, from its name; anything else is an ImportFailed listing what is read."""
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        suffix = path.suffix or "(no extension)"
        raise ImportFailed(
            f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}"
        ) from None


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display: str,
    table: str,
    options: ReadOptions,
    workdir: Path,
    progress: ImportProgress,
) -> StagedFile:
    """Read `path` into the temporary table `table`; a whole-file problem is an ImportFailed."""
    reader = file_format(path)
    if reader == "xlsx":
        return _stage_xlsx(con, path, display, table, options, workdir, progress)
    if reader == "parquet":
        return _stage_parquet(con, path, display, table, progress)
    _check_not_empty(path, display, options, reader)
    source = path
    if options.encoding is not None and not is_utf8(options.encoding):
        source = workdir / f"{table}.utf8"
        size = path.stat().st_size
        with progress.task(f"transcoding {path.name}", size, progress.wants(size)) as advance:
            transcode_to_utf8(path, options.encoding, source, display, advance)
    if reader == "csv":
        return _stage_csv(con, path, source, display, table, options, progress)
    return _stage_json(con, source, display, table, options, progress, json_lines=reader == "jsonl")


def _check_not_empty(path: Path, display: str, options: ReadOptions, reader: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(4096)
        blank = not head.lstrip(b"\xef\xbb\xbf").strip() and not fh.read(1)
    if blank:
        expected = "a header line and at least one row" if reader == "csv" else "at least one record"
        raise ImportFailed(f"{display} is empty: expected {expected} with columns {options.expected}")


def _query(
    con: duckdb.DuckDBPyConnection, progress: ImportProgress, size: int, description: str
) -> contextlib.AbstractContextManager[None]:
    return progress.query(con, description) if progress.wants(size) else contextlib.nullcontext()


def _first_rowid(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int]:
    row = first_row(con, f"SELECT count(*), coalesce(min(rowid), 0) FROM {table}")
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    description = con.execute(f"SELECT * FROM {table} LIMIT 0").description or []
    return [d[0] for d in description]


# CSV ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    delimiter: str
    quote: str | None
    escape: str | None

    def read_args(self) -> str:
        return (
            f"all_varchar = true, header = true, comment = '', skip = 0, "
            f"delim = {literal(self.delimiter)}, quote = {literal(self.quote or '')}, "
            f"escape = {literal(self.escape or '')}"
        )


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Path,
    display: str,
    table: str,
    options: ReadOptions,
    progress: ImportProgress,
) -> StagedFile:
    delimiter = options.delimiter or ("\t" if path.suffix.lower() == ".tsv" else None)
    dialect = _sniff(con, source, display, delimiter)
    size = source.stat().st_size
    with progress.task(f"scanning {path.name}", size, progress.wants(size)) as advance:
        blanks = blank_lines(source, dialect.quote, advance=advance)
    try:
        with _query(con, progress, size, f"reading {Path(display).name}"):
            con.execute(
                f"CREATE TEMP TABLE {table} AS SELECT * FROM read_csv({literal(str(source))}, "
                f"{dialect.read_args()})"
            )
    except duckdb.Error as exc:
        raise _csv_failure(source, display, dialect.delimiter, dialect.quote, exc) from None
    rows, first_rowid = _first_rowid(con, table)
    columns = _columns(con, table) if rows else _header_names(source, dialect)
    tables = [table]
    newlines = count_embedded_newlines(con, table, columns, f"{table}_newlines") if rows else None
    blank_table = store_blank_lines(con, blanks, f"{table}_blanks") if rows else None
    tables += [t for t in (newlines, blank_table) if t is not None]
    return StagedFile(
        display=display,
        table=table,
        columns=columns,
        rows=rows,
        unit="line",
        lines=LineNumbers(table, first_rowid, first=2, newlines=newlines, blanks=blank_table),
        header_where=f"{display} line 1",
        tables=tables,
    )


def _sniff(con: duckdb.DuckDBPyConnection, source: Path, display: str, delimiter: str | None) -> _Dialect:
    """DuckDB's sniffer, told there is a header and no comment lines (a '#' in data is data)."""
    args = "all_varchar = true, header = true, comment = '', skip = 0"
    if delimiter is not None:
        args += f", delim = {literal(delimiter)}"
    try:
        row = first_row(
            con, f"SELECT Delimiter, Quote, Escape, Columns FROM sniff_csv({literal(str(source))}, {args})"
        )
    except duckdb.Error as exc:
        raise _csv_failure(source, display, delimiter, '"', exc) from None
    if row is None:
        raise ImportFailed(f"{display} could not be read as CSV")
    found, quote, escape, columns = row
    if delimiter is None and len(columns) == 1:
        # One column although the header holds a delimiter: rows disagree on their number of fields, so
        # the sniffer gave up on splitting; name the delimiter and let the read report the bad line.
        guess = _header_delimiter(source)
        if guess is not None:
            return _sniff(con, source, display, guess)
    quote = None if quote in ("", "(empty)") else quote
    escape = None if escape in ("", "(empty)") else escape
    if quote is None and _quoting_intended(_head(source), found):
        quote = '"'
    if quote is not None and escape is None:
        escape = quote
    return _Dialect(found, quote, escape)


def _quoting_intended(head: bytes, delimiter: str) -> bool:
    """Whether a file the sniffer read without quoting still opens fields with a double quote.

    The sniffer drops quoting when a quote is never closed; a quote opening a field means the file does
    quote (and is broken), while one inside a field (`5" screen`) is just a character.
    """
    return (
        b'"' not in head
        or re.search(rb"(?:^|" + re.escape(delimiter.encode()) + rb')"', head, re.MULTILINE) is not None
    )


def _head(source: Path, size: int = 1 << 20) -> bytes:
    with source.open("rb") as fh:
        return fh.read(size)


def _header_delimiter(source: Path) -> str | None:
    first = _head(source, 1 << 16).split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in _DELIMITER_NAMES}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _header_names(source: Path, dialect: _Dialect) -> list[str]:
    """Column names of a file with no rows (DuckDB names the columns of a lone line column0...)."""
    with source.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(
            fh,
            delimiter=dialect.delimiter,
            quotechar=dialect.quote or '"',
            quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE,
        )
        header = next(reader, [])
    return [name.strip() or f"column{i}" for i, name in enumerate(header)]


def _csv_failure(
    source: Path, display: str, delimiter: str | None, quote: str | None, exc: duckdb.Error
) -> ImportFailed:
    """Locate what DuckDB could not read, with Python's csv module (only ever on this failure path)."""
    if first_undecodable(source, "utf-8") is not None:
        return not_utf8_error(source, display)
    bare = _bare_carriage_return(source, quote)
    if bare is not None:
        return ImportFailed(
            f"{display} line {bare}: a carriage return (\\r) inside an unquoted field splits "
            "the row; quote that field or remove the character"
        )
    delimiter = delimiter or _header_delimiter(source) or ","
    found = _diagnose_csv(source, display, delimiter, quote)
    if found is not None:
        return found
    detail = " ".join(line.strip() for line in str(exc).splitlines()[:3] if line.strip())
    return ImportFailed(f"{display} could not be read as CSV: {detail}")


def _diagnose_csv(source: Path, display: str, delimiter: str, quote: str | None) -> ImportFailed | None:
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    with source.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(
            fh,
            delimiter=delimiter,
            quotechar=quote or '"',
            strict=True,
            quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
        )
        last = 0
        try:
            header = next(reader, [])
            last = reader.line_num
            for row in reader:
                start, last = last + 1, reader.line_num
                if row and len(row) != len(header):
                    separated = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
                    return ImportFailed(
                        f"{display} line {start}: expected {len(header)} fields separated by {separated} "
                        f"as in the header (line 1), found {len(row)}; a field holding a {delimiter!r} "
                        "must be quoted"
                    )
        except csv.Error as exc:
            if "end of data" in str(exc) or "EOF" in str(exc):
                closing = quote or '"'
                return ImportFailed(
                    f"{display} line {last + 1}: a quoted field starts here and is never "
                    f"closed (a closing {closing} is missing)"
                )
            return ImportFailed(f"{display} line {last + 1}: not valid CSV: {exc}")
    return None


def _bare_carriage_return(source: Path, quote: str | None) -> int | None:
    """Line of the first carriage return outside quotes that does not end a line (readers split there)."""
    q = quote.encode() if quote else None
    lines, quotes, carry = 1, 0, b""
    with source.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            buf = carry + chunk
            usable = len(buf) - 1
            pos = 0
            for match in _BARE_CR.finditer(buf, 0, usable):
                p = match.start()
                lines += buf.count(b"\n", pos, p)
                if q is not None:
                    quotes += buf.count(q, pos, p)
                pos = p
                if quotes % 2 == 0:
                    return lines
            lines += buf.count(b"\n", pos, usable)
            if q is not None:
                quotes += buf.count(q, pos, usable)
            carry = buf[usable:]
    return lines if carry == b"\r" and quotes % 2 == 0 else None


# JSON -----------------------------------------------------------------------------------------------


def _stage_json(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    display: str,
    table: str,
    options: ReadOptions,
    progress: ImportProgress,
    *,
    json_lines: bool,
) -> StagedFile:
    first = _head(source, 1 << 16).lstrip(b"\xef\xbb\xbf").lstrip()[:1]
    size = source.stat().st_size
    raw = f"{table}_json"
    unit = "line" if json_lines else "record"
    path_sql = literal(str(source))
    try:
        if json_lines:
            objects = f"read_json_objects({path_sql}, format = 'newline_delimited')"
        elif first == b"[":
            objects = f"read_json_objects({path_sql}, format = 'array')"
        elif first == b"{":
            objects = _json_object_records(con, path_sql, size, display, options.records, f"{table}_object")
        else:
            raise ImportFailed(
                f"{display} line 1: expected a JSON array of objects ([...]) or an object "
                f"holding one, found {first.decode(errors='replace')!r}"
            )
        with _query(con, progress, size, f"reading {Path(display).name}"):
            con.execute(f"CREATE TEMP TABLE {raw} AS SELECT json FROM {objects}")
    except duckdb.Error as exc:
        raise _json_failure(source, display, exc) from None
    con.execute(f"DROP TABLE IF EXISTS {table}_object")
    first_rowid = _first_rowid(con, raw)[1]
    not_object = first_row(
        con,
        f"SELECT rowid - {first_rowid} + 1, json_type(json) FROM {raw} WHERE json_type(json) <> 'OBJECT' "
        "ORDER BY rowid LIMIT 1",
    )
    blanks = blank_lines(source, None, json_lines=True) if json_lines else None
    if not_object is not None:
        number = not_object[0]
        if blanks:
            number += sum(1 for k, b in enumerate(blanks) if b - k <= number)
        raise ImportFailed(
            f"{display} {unit} {number}: expected an object with named fields, found "
            f"{str(not_object[1]).lower()}"
        )
    keys = [
        k
        for (k,) in con.execute(
            "SELECT k FROM (SELECT k, min(r) AS r, min(i) AS i FROM (SELECT rowid AS r, "
            "unnest(json_keys(json)) AS k, unnest(range(len(json_keys(json)))) AS i "
            f"FROM {raw}) GROUP BY k) ORDER BY r, i"
        ).fetchall()
    ]
    fields = ", ".join(f"json ->> {literal(_json_path(k))} AS {ident(k)}" for k in keys) or "NULL AS column0"
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT {fields} FROM {raw}")
    con.execute(f"DROP TABLE {raw}")
    rows, first_rowid = _first_rowid(con, table)
    blank_table = store_blank_lines(con, blanks, f"{table}_blanks") if blanks is not None and rows else None
    return StagedFile(
        display=display,
        table=table,
        columns=keys,
        rows=rows,
        unit=unit,
        lines=LineNumbers(table, first_rowid, first=1, blanks=blank_table),
        header_where=display,
        has_header=bool(keys),
        tables=[t for t in (table, blank_table) if t is not None],
    )


def _json_object_records(
    con: duckdb.DuckDBPyConnection, path_sql: str, size: int, display: str, records: str | None, table: str
) -> str:
    """Records of a JSON file that starts with an object: the list inside it, or the objects themselves."""
    limit = min(max(size + 1, 16 * 1024 * 1024), _MAX_JSON_OBJECT)
    con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT json FROM read_json_objects({path_sql}, "
        f"format = 'unstructured', maximum_object_size = {limit})"
    )
    objects = first_row(con, f"SELECT count(*) FROM {table}")
    if not objects or objects[0] != 1:
        return table
    row = first_row(con, f"SELECT json_keys(json) FROM {table}")
    keys: list[str] = list(row[0]) if row and row[0] else []
    if records is not None:
        if records not in keys:
            raise ImportFailed(
                f"{display} has no field {records!r} (mapping `records:`); its fields: "
                f"{', '.join(keys) or '(none)'}"
            )
        field_name = records
    else:
        lists = [
            k
            for k in keys
            if first_row(
                con,
                f"SELECT json_type(json -> {literal(_json_path(k))}), "
                f"json_type(json -> {literal(_json_path(k) + '[0]')}) FROM {table}",
            )
            == ("ARRAY", "OBJECT")
        ]
        if len(lists) != 1:
            if not lists:
                return table
            raise ImportFailed(
                f"{display} holds several lists of records ({', '.join(lists)}); name the "
                "one to import with `records:` in the mapping"
            )
        field_name = lists[0]
    return (
        f"(SELECT unnest(from_json(json -> {literal(_json_path(field_name))}, '[\"JSON\"]')) AS json "
        f"FROM {table})"
    )


def _json_path(key: str) -> str:
    return '$."' + key.replace('"', '\\"') + '"'


def _json_failure(source: Path, display: str, exc: duckdb.Error) -> ImportFailed:
    if first_undecodable(source, "utf-8") is not None:
        return not_utf8_error(source, display)
    message = str(exc)
    found = re.search(r"line (\d+): ([^\n]*)", message)
    if found:
        return ImportFailed(f"{display} line {found.group(1)}: not valid JSON ({found.group(2).strip(' .')})")
    detail = " ".join(line.strip() for line in message.splitlines()[:2] if line.strip())
    return ImportFailed(f"{display} could not be read as JSON: {detail}")


# Parquet and XLSX -------------------------------------------------------------------------------------


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, display: str, table: str, progress: ImportProgress
) -> StagedFile:
    """Parquet is not copied: the validator reads the file itself, numbering records by their position
    in it, and keeps its column types (converting typed values directly where that gives what their text
    would, and through their text otherwise). A file that has a column called file_row_number is
    copied into `table` instead."""
    source = f"read_parquet({literal(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        columns = [str(d[0]) for d in described]
        if "file_row_number" in (c.lower() for c in columns):
            with _query(con, progress, path.stat().st_size, f"reading {Path(display).name}"):
                con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {source}")
            rows, first_rowid = _first_rowid(con, table)
            relation, row, tables = table, "rowid", [table]
        else:
            relation = f"read_parquet({literal(str(path))}, file_row_number = true)"
            counted = first_row(con, f"SELECT count(*) FROM {source}")
            rows, first_rowid = (int(counted[0]) if counted else 0), 0
            row, tables = "file_row_number", []
    except duckdb.Error as exc:
        raise ImportFailed(f"{display} is not a readable Parquet file: {_first_line(exc)}") from None
    return StagedFile(
        display=display,
        table=relation,
        columns=columns,
        rows=rows,
        unit="record",
        lines=LineNumbers(relation, first_rowid, first=1),
        header_where=display,
        tables=tables,
        types={str(d[0]): str(d[1]) for d in described},
        row=row,
        unreadable=f"{display} is not a readable Parquet file",
    )


def _first_line(exc: duckdb.Error) -> str:
    return str(exc).splitlines()[0]


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display: str,
    table: str,
    options: ReadOptions,
    workdir: Path,
    progress: ImportProgress,
) -> StagedFile:
    parquet = workdir / f"{table}.parquet"
    sheet = xlsx_to_parquet(path, parquet, options.sheet, display, progress)
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM read_parquet({literal(str(parquet))})")
    rows, first_rowid = _first_rowid(con, table)
    return StagedFile(
        display=display,
        table=table,
        columns=sheet.columns,
        rows=rows,
        unit="row",
        lines=LineNumbers(table, first_rowid, column=LINE_COLUMN),
        header_where=f"{display} row {sheet.header_row}",
        tables=[table],
    )
