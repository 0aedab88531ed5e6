"""What each import changed, kept so that it can be undone.

For every canonical table, `import_history_<table>` holds, per import, an exact copy of every row it
replaced (same columns, written in the import's own transaction); the rows an import wrote carry its
`import_id`, so those it inserted are the ones it holds no copy of and need no history row. And
`import_log` says which imports were made together (one command, one transaction) and which were undone;
`rejected_rows.repaired` tells a repaired row from a rejected one.
These tables are additions beside the canonical and bookkeeping tables; nothing else depends on them.
"""

from __future__ import annotations

import duckdb

from kpidesk.warehouse._schema import CANONICAL_TABLES, TableSchema

__all__ = [
    "HISTORY_ACTION",
    "HISTORY_DDL",
    "HISTORY_IMPORT",
    "INSERTED",
    "REPLACED",
    "create_history",
    "history_table",
    "undone_count",
]

#: Columns a history table adds before the table's own columns.
HISTORY_IMPORT = "history_import_id"
HISTORY_ACTION = "history_action"
#: history_action of a row an import replaced. INSERTED marks the key of a row it inserted, which earlier
#: versions kept too; undo now tells inserted rows by their import_id and leaves those rows aside.
INSERTED, REPLACED = "inserted", "replaced"


def history_table(schema: TableSchema) -> str:
    return f"import_history_{schema.name}"


def _history_ddl(schema: TableSchema) -> str:
    cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in schema.all_columns)
    return (
        f'CREATE TABLE IF NOT EXISTS "{history_table(schema)}" (\n'
        f'  "{HISTORY_IMPORT}" BIGINT,\n  "{HISTORY_ACTION}" VARCHAR,\n  {cols}\n)'
    )


HISTORY_DDL: tuple[str, ...] = (
    *(_history_ddl(t) for t in CANONICAL_TABLES),
    """CREATE TABLE IF NOT EXISTS import_log (
  import_id BIGINT PRIMARY KEY,
  batch_id BIGINT,
  finished_at TIMESTAMP,
  undone_at TIMESTAMP
)""",
    # Rows a built-in format repaired (imported all the same) beside those it rejected.
    "ALTER TABLE rejected_rows ADD COLUMN IF NOT EXISTS repaired BOOLEAN DEFAULT false",
)


def create_history(con: duckdb.DuckDBPyConnection) -> None:
    """Create the history tables that do not exist yet (a warehouse made before they existed has none)."""
    for ddl in HISTORY_DDL:
        con.execute(ddl)


def undone_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many imports were undone: derived tables compare it to know the canonical rows went back."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'import_log' AND schema_name = 'main' "
        "AND database_name = current_database()"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return int(con.execute("SELECT count(*) FROM import_log WHERE undone_at IS NOT NULL").fetchall()[0][0])
