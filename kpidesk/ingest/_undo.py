"""Undo an import: the warehouse as it was before it, in one transaction.

An import's history (see `kpidesk.warehouse` `import_history_<table>`) holds a copy of each row it
replaced; the rows it wrote carry its id. Undoing deletes the rows it inserted (those with its id and no
copy from before it) and puts the replaced ones back, removes
its rejected rows, and queues the tickets it touched for their facts to be derived again. The imports
of one command (a built-in export writes one per table) are undone together. When a later import
changed the same rows, undoing would lose that import's changes: it is refused and named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from kpidesk import KpideskError
from kpidesk.ingest._sql import ident, literal
from kpidesk.warehouse import (
    HISTORY_ACTION,
    HISTORY_IMPORT,
    REPLACED,
    TableSchema,
    create_history,
    history_table,
    queue_ticket_facts,
    table_schema,
)

__all__ = ["UndoRefused", "UndoResult", "undo_import"]


class UndoRefused(KpideskError):
    """The import cannot be undone (unknown, already undone, or changed again since); nothing changed."""


@dataclass
class UndoResult:
    """What undoing changed: the imports undone together, rows deleted and put back per table."""

    import_ids: list[int]
    deleted: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    rejected: int = 0

    def lines(self) -> list[str]:
        ids = ", ".join(str(i) for i in self.import_ids)
        out = [f"undid import{'s' if len(self.import_ids) > 1 else ''} {ids}"]
        for table in dict.fromkeys([*self.deleted, *self.restored]):
            out.append(
                f"  {table}: {self.deleted.get(table, 0):,} inserted rows deleted, "
                f"{self.restored.get(table, 0):,} replaced rows put back"
            )
        out.append(f"  {self.rejected:,} rejected rows removed")
        return out


def undo_import(con: duckdb.DuckDBPyConnection, import_id: int) -> UndoResult:
    """Undo import `import_id` and the others of its command, or raise UndoRefused saying why."""
    con.execute("BEGIN TRANSACTION")
    try:
        create_history(con)
        members = _batch(con, import_id)
        _refuse_changed_again(con, members)
        result = UndoResult(import_ids=[i for i, _ in members])
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for member, kind in members:
            schema = table_schema(kind)
            _queue_facts(con, schema, member)
            deleted, restored = _restore(con, schema, member)
            result.deleted[schema.name] = result.deleted.get(schema.name, 0) + deleted
            result.restored[schema.name] = result.restored.get(schema.name, 0) + restored
            row = con.execute("DELETE FROM rejected_rows WHERE import_id = ?", [member]).fetchall()
            result.rejected += int(row[0][0]) if row else 0
            history = ident(history_table(schema))
            con.execute(f"DELETE FROM {history} WHERE {ident(HISTORY_IMPORT)} = ?", [member])
            con.execute("UPDATE import_log SET undone_at = ? WHERE import_id = ?", [now, member])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


def _batch(con: duckdb.DuckDBPyConnection, import_id: int) -> list[tuple[int, str]]:
    """(import_id, kind) of the imports made by the same command as `import_id`, newest first."""
    found = con.execute(
        "SELECT i.kind, l.batch_id, l.undone_at FROM imports i LEFT JOIN import_log l USING (import_id) "
        "WHERE i.import_id = ?",
        [import_id],
    ).fetchall()
    if not found:
        raise UndoRefused(f"there is no import {import_id}; `kpidesk imports` lists them")
    _, batch, undone_at = found[0]
    if batch is None:
        raise UndoRefused(
            f"import {import_id} was made before imports kept the rows they replaced; it cannot be undone"
        )
    if undone_at is not None:
        raise UndoRefused(f"import {import_id} is already undone (at {undone_at:%Y-%m-%d %H:%M:%S} UTC)")
    rows = con.execute(
        "SELECT import_id, kind FROM imports JOIN import_log USING (import_id) WHERE batch_id = ? "
        "ORDER BY import_id DESC",
        [batch],
    ).fetchall()
    return [(int(i), str(k)) for i, k in rows]


def _match(schema: TableSchema, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{ident(k)} = {right}.{ident(k)}" for k in schema.full_key)


def _refuse_changed_again(con: duckdb.DuckDBPyConnection, members: list[tuple[int, str]]) -> None:
    """Refuse when a row an import wrote was replaced since by another import: that import's history
    holds a copy of it carrying this import's id (an undone import's history is gone, its rows back)."""
    ids = [i for i, _ in members]
    later: dict[int, list[str]] = {}
    for member, kind in members:
        schema = table_schema(kind)
        keys = ", ".join(ident(k) for k in schema.full_key)
        rows = con.execute(
            f"SELECT {ident(HISTORY_IMPORT)}, count(DISTINCT ({keys})) FROM {ident(history_table(schema))} "
            f"WHERE import_id = ? AND {ident(HISTORY_IMPORT)} <> ? AND {ident(HISTORY_ACTION)} = ? "
            "GROUP BY ALL ORDER BY 1",
            [member, member, REPLACED],
        ).fetchall()
        for other, count in rows:
            rows_text = f"{count:,} row{'s' if count != 1 else ''}"
            later.setdefault(int(other), []).append(f"{schema.name}, {rows_text}")
    if later:
        first = ", ".join(str(i) for i in sorted(ids))
        named = "; ".join(f"by import {other} ({', '.join(where)})" for other, where in sorted(later.items()))
        newest = " then ".join(str(i) for i in sorted(later, reverse=True))
        raise UndoRefused(
            f"rows of import {first} were changed again {named}; undo {newest} first. Nothing was changed"
        )


def _before(schema: TableSchema, member: int) -> str:
    """SQL: the stored rows `member` replaced, as they were before it (a row it replaced twice, from two
    of its files, was first copied as it was before the import)."""
    return (
        f"SELECT * FROM {ident(history_table(schema))} WHERE {ident(HISTORY_IMPORT)} = {member} "
        f"AND {ident(HISTORY_ACTION)} = {literal(REPLACED)} AND import_id IS DISTINCT FROM {member}"
    )


def _queue_facts(con: duckdb.DuckDBPyConnection, schema: TableSchema, member: int) -> None:
    """The tickets whose rows go back (as they are now and as they will be) are derived again."""
    if schema.kind not in ("tickets", "events"):
        return
    queue_ticket_facts(
        con,
        f"SELECT source, ticket_id FROM {ident(schema.name)} WHERE import_id = {member} "
        f"UNION ALL SELECT source, ticket_id FROM ({_before(schema, member)})",
    )


def _restore(con: duckdb.DuckDBPyConnection, schema: TableSchema, member: int) -> tuple[int, int]:
    """Delete the rows `member` inserted and put back the rows it replaced; (deleted, restored).

    The rows it wrote carry its id (none was changed since: `_refuse_changed_again`); those it inserted
    are the ones without a copy from before it.
    """
    target = ident(schema.name)
    before = _before(schema, member)
    row = con.execute(
        f"DELETE FROM {target} WHERE import_id = {member} AND NOT EXISTS "
        f"(SELECT 1 FROM ({before}) r WHERE {_match(schema, 'r', target)})"
    ).fetchall()
    deleted = int(row[0][0]) if row else 0
    key_set = set(schema.full_key)
    assignments = ", ".join(
        f"{ident(c.name)} = r.{ident(c.name)}" for c in schema.all_columns if c.name not in key_set
    )
    row = con.execute(
        f"UPDATE {target} SET {assignments} FROM ({before}) r WHERE {_match(schema, target, 'r')}"
    ).fetchall()
    restored = int(row[0][0]) if row else 0
    return deleted, restored
