"""What the warehouse says about past imports: each import with its counts, and its rejected rows."""

from __future__ import annotations

import duckdb
import pandas as pd

__all__ = ["IMPORT_COLUMNS", "REJECTED_COLUMNS", "import_log", "rejected_rows"]

IMPORT_COLUMNS = (
    "import_id", "started_at", "kind", "source", "files", "read", "inserted", "updated", "unchanged",
    "rejected", "repaired", "batch_id", "undone", "undone_at",
)  # fmt: skip
REJECTED_COLUMNS = ("import_id", "kind", "file", "line", "column", "value", "reason", "repaired")


def _has_history(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'import_log' "
        "AND database_name = current_database()"
    ).fetchall()
    return bool(row and row[0][0])


def import_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per import, oldest first (columns `IMPORT_COLUMNS`; times in UTC). `repaired` counts
    the rows a built-in format changed and imported; `batch_id` is the first import of the same command."""
    if not con.execute("SELECT count(*) FROM imports").fetchall()[0][0]:
        return pd.DataFrame(columns=list(IMPORT_COLUMNS))
    if not _has_history(con):
        # A warehouse no import has written since imports kept their history: nothing can be undone.
        log = "(SELECT NULL::BIGINT AS import_id, NULL::BIGINT AS batch_id, NULL::TIMESTAMP AS undone_at)"
        repaired = "(SELECT NULL::BIGINT AS import_id, 0 AS repaired)"
    else:
        log = "import_log"
        repaired = "(SELECT import_id, count(*) AS repaired FROM rejected_rows WHERE repaired GROUP BY 1)"
    frame = con.execute(
        "SELECT i.import_id, i.started_at, i.kind, i.source, i.files, i.read, i.inserted, i.updated, "
        "i.unchanged, i.rejected, coalesce(r.repaired, 0) AS repaired, l.batch_id, "
        "l.undone_at IS NOT NULL AS undone, l.undone_at "
        f"FROM imports i LEFT JOIN {log} l USING (import_id) LEFT JOIN {repaired} r USING (import_id) "
        "ORDER BY i.import_id"
    ).df()
    return frame


def rejected_rows(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> pd.DataFrame:
    """The rows imports rejected or repaired, by import, file and line (columns `REJECTED_COLUMNS`)."""
    repaired = "coalesce(repaired, false)" if _has_history(con) else "false"
    where = "" if import_id is None else f"WHERE import_id = {int(import_id)}"
    return con.execute(
        f'SELECT import_id, kind, file, line, "column", value, reason, {repaired} AS repaired '
        f'FROM rejected_rows {where} ORDER BY import_id, file, line, "column"'
    ).df()
