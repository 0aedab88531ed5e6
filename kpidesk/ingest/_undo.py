"""Undo an import: the warehouse as it was before it, in one transaction.

An import's history (see `kpidesk.warehouse` `import_history_<table>`) holds the keys of the rows it
inserted and a copy of each row it replaced. Undoing deletes the first and puts the second back, removes
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
    INSERTED,
    REPLACED,
    TableSchema,
    create_history,
    history_table,
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
    """Refuse when a row an import wrote now carries another import's id: that import changed it again."""
    ids = [i for i, _ in members]
    later: dict[int, list[str]] = {}
    for member, kind in members:
        schema = table_schema(kind)
        keys = ", ".join(f"h.{ident(k)}" for k in schema.full_key)
        rows = con.execute(
            f"SELECT t.import_id, count(DISTINCT ({keys})) FROM {ident(history_table(schema))} h "
            f"JOIN {ident(schema.name)} t ON {_match(schema, 't', 'h')} "
            f"WHERE h.{ident(HISTORY_IMPORT)} = ? AND t.import_id IS DISTINCT FROM ? "
            "GROUP BY ALL ORDER BY 1",
            [member, member],
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


def _queue_facts(con: duckdb.DuckDBPyConnection, schema: TableSchema, member: int) -> None:
    """The tickets whose rows go back (as they are now and as they will be) are derived again."""
    if schema.kind not in ("tickets", "events"):
        return
    history = ident(history_table(schema))
    con.execute(
        "INSERT OR IGNORE INTO pending_ticket_facts (source, ticket_id) "
        "SELECT DISTINCT source, ticket_id FROM ("
        f"SELECT t.source, t.ticket_id FROM {history} h JOIN {ident(schema.name)} t "
        f"ON {_match(schema, 't', 'h')} WHERE h.{ident(HISTORY_IMPORT)} = {member} "
        f"UNION ALL SELECT source, ticket_id FROM {history} WHERE {ident(HISTORY_IMPORT)} = {member} "
        f"AND {ident(HISTORY_ACTION)} = {literal(REPLACED)}) WHERE ticket_id IS NOT NULL"
    )


def _restore(con: duckdb.DuckDBPyConnection, schema: TableSchema, member: int) -> tuple[int, int]:
    """Delete the rows `member` inserted and put back the rows it replaced; (deleted, restored)."""
    target, history = ident(schema.name), ident(history_table(schema))
    keys = ", ".join(ident(k) for k in schema.full_key)
    of_member = f"{ident(HISTORY_IMPORT)} = {member}"
    action = ident(HISTORY_ACTION)
    inserted = f"SELECT {keys} FROM {history} WHERE {of_member} AND {action} = {literal(INSERTED)}"
    row = con.execute(f"DELETE FROM {target} WHERE ({keys}) IN ({inserted})").fetchall()
    deleted = int(row[0][0]) if row else 0
    # A row replaced twice by one import (two of its files) goes back to its copy from before the import.
    replaced = (
        f"SELECT * FROM {history} WHERE {of_member} AND {ident(HISTORY_ACTION)} = {literal(REPLACED)} "
        f"AND import_id IS DISTINCT FROM {member} AND ({keys}) NOT IN ({inserted})"
    )
    key_set = set(schema.full_key)
    assignments = ", ".join(
        f"{ident(c.name)} = r.{ident(c.name)}" for c in schema.all_columns if c.name not in key_set
    )
    row = con.execute(
        f"UPDATE {target} SET {assignments} FROM ({replaced}) r WHERE {_match(schema, target, 'r')}"
    ).fetchall()
    restored = int(row[0][0]) if row else 0
    return deleted, restored
