"""Helpers for formats that gather the rows of all their files in one table before deriving anything.

Such a table keeps each row's `file_no` (its source's place in the import's list) and `line`, so that
what spans files (a case, a thread) is derived in one query, while problems and canonical rows are
still reported and handed over per file, naming the line they come from.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpidesk.ingest.exports._format import LINE, ExportContext, SourceTable

__all__ = ["emit_by_file", "reject_problems"]


def reject_problems(
    ctx: ExportContext, kind: str, sources: Sequence[SourceTable], table: str, reason: str
) -> None:
    """Reject, in file and line order, every row of `table` whose column `reason` is set.

    The row's `problem_column` and `problem_value` say which column and value of the file it concerns.
    """
    for file_no, line, column, value, why in ctx.con.execute(
        f"SELECT file_no, line, problem_column, problem_value, {reason} FROM {table} "
        f"WHERE {reason} IS NOT NULL ORDER BY file_no, line"
    ).fetchall():
        ctx.reject(kind, sources[file_no].display, int(line), str(column), value, str(why))


def emit_by_file(
    ctx: ExportContext, sources: Sequence[SourceTable], parts: Sequence[tuple[str, str, str]]
) -> None:
    """Hand over, file by file, the rows of each `(kind, table, order)` in `parts`, sorted by `order`.

    The tables' instants are already typed, so they are taken as UTC.
    """
    for number, src in enumerate(sources):
        size = src.path.stat().st_size
        for kind, table, order in parts:
            ctx.emit(
                kind,
                src.display,
                f"SELECT * EXCLUDE (file_no, line), line AS {LINE} FROM {table} WHERE file_no = {number} "
                f"ORDER BY {order}",
                parse={"timezone": "UTC"},
                size=size,
            )
