"""Real line numbers. DuckDB numbers rows; a user fixing a file needs the line an editor shows.

A staged row's line is the line of the first row, plus the rows before it, plus the newlines inside
quoted fields of earlier rows, plus the blank lines the reader skipped before it. Rows are numbered by
`rowid` of the staging table, which keeps the file's order (Parquet, read in place, by each record's
`file_row_number`). Only rejected rows ever need a line, so the corrections are SQL subqueries evaluated
for those rows alone.
"""

from __future__ import annotations

import array
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from kpidesk.ingest._encoding import CHUNK_BYTES
from kpidesk.ingest._sql import first_row, ident

__all__ = ["LineNumbers", "blank_lines", "count_embedded_newlines", "store_blank_lines"]

_BLANK_CSV = re.compile(rb"\n(?=\r?\n)")
_BLANK_JSONL = re.compile(rb"\n(?=[ \t]*\r?\n)")


@dataclass(frozen=True)
class LineNumbers:
    """Turns a staged row's rowid into its line (or spreadsheet row, or record number) as SQL."""

    stage: str
    first_rowid: int
    #: Number of the first staged row: 2 below a header line, 1 for records and JSON lines.
    first: int = 2
    #: Table (r, cum): rowids holding quoted newlines, with the running count up to and including r.
    newlines: str | None = None
    #: Table (t): blank line b_k (sorted, k from 0) as b_k - k, compared with the uncorrected line.
    blanks: str | None = None
    #: Staged column already holding the number (spreadsheet rows).
    column: str | None = None

    def sql(self, rowid: str) -> str:
        if self.column is not None:
            return f"(SELECT {ident(self.column)} FROM {self.stage} WHERE rowid = {rowid})"
        line = f"({rowid} - {self.first_rowid} + {self.first}"
        if self.newlines is not None:
            line += f" + coalesce((SELECT max(cum) FROM {self.newlines} WHERE r < {rowid}), 0)"
        line += ")"
        if self.blanks is not None:
            line = f"({line} + (SELECT count(*) FROM {self.blanks} WHERE t <= {line}))"
        return line


def count_embedded_newlines(
    con: duckdb.DuckDBPyConnection, stage: str, columns: list[str], table: str
) -> str | None:
    """Record the rows whose quoted fields span lines; None when there are none (the usual case)."""
    if not columns:
        return None
    per_row = " + ".join(
        f"coalesce(length({ident(c)}) - length(replace({ident(c)}, chr(10), '')), 0)" for c in columns
    )
    any_newline = " OR ".join(f"contains({ident(c)}, chr(10))" for c in columns)
    con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT r, sum(n) OVER (ORDER BY r ROWS UNBOUNDED PRECEDING) AS cum "
        f"FROM (SELECT rowid AS r, {per_row} AS n FROM {stage} WHERE {any_newline})"
    )
    found = first_row(con, f"SELECT count(*) FROM {table}")
    if found and found[0]:
        return table
    con.execute(f"DROP TABLE {table}")
    return None


def blank_lines(
    path: Path, quote: str | None, *, json_lines: bool = False, advance: Callable[[int], None] | None = None
) -> array.array[int]:
    """Numbers (1-based) of the blank lines outside quoted fields, which DuckDB's readers skip.

    One streaming pass at memory speed: only the candidates are examined, and a candidate counts when
    an even number of quote characters precedes it (RFC 4180 doubles quotes inside fields).
    """
    pattern = _BLANK_JSONL if json_lines else _BLANK_CSV
    q = quote.encode() if quote else None
    found: array.array[int] = array.array("q")
    lines_before = 0
    quotes_before = 0
    carry = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            buf = carry + chunk
            end = buf.rfind(b"\n")
            if end < 0:
                carry = buf
                continue
            pos = lines = quotes = 0
            for match in pattern.finditer(buf, 0, end + 1):
                p = match.start()
                lines += buf.count(b"\n", pos, p)
                if q is not None:
                    quotes += buf.count(q, pos, p)
                pos = p
                if (quotes_before + quotes) % 2 == 0:
                    found.append(lines_before + lines + 2)
            lines_before += buf.count(b"\n", 0, end)
            if q is not None:
                quotes_before += buf.count(q, 0, end)
            carry = buf[end:]
            if advance is not None:
                advance(len(chunk))
    return found


def store_blank_lines(con: duckdb.DuckDBPyConnection, blanks: array.array[int], table: str) -> str | None:
    """The blank-line table for `LineNumbers.blanks`, or None when there are no blank lines."""
    if not blanks:
        return None
    thresholds = pa.array((b - k for k, b in enumerate(blanks)), type=pa.int64())
    view = f"{table}_arrow"
    con.register(view, pa.table({"t": thresholds}))
    try:
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT t FROM {view}")
    finally:
        con.unregister(view)
    return table
