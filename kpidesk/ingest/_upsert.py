"""The upsert: accepted rows are inserted, or update the stored row with the same key when a value
changed, or are counted unchanged, so re-importing an export never duplicates and the counts say what
happened. Tickets and events touched (inserted or updated) are queued for the fact builder.

In the same statements' transaction, the table's history records a copy of each row before it is
replaced; every row written carries the import's id. Together they let the import be undone (`_undo.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpidesk.ingest._sql import first_row, ident, literal
from kpidesk.warehouse import (
    REPLACED,
    TableSchema,
    history_table,
    queue_ticket_facts,
)

__all__ = ["ACTIONS_UPDATE", "Counts", "upsert"]

_INSERT, _UPDATE = 0, 1
#: The value of `act` in the actions table for a row that replaced a stored one.
ACTIONS_UPDATE = _UPDATE


@dataclass(frozen=True)
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert(
    con: duckdb.DuckDBPyConnection,
    accepted: str,
    accepted_rows: int,
    schema: TableSchema,
    source: str,
    import_id: int,
    actions: str,
) -> Counts:
    """Write the rows of the SQL relation `accepted` (typed canonical columns plus ROW, `accepted_rows`
    of them) into the table."""
    target = ident(schema.name)
    columns = [c.name for c in schema.columns]
    names = ", ".join(ident(c) for c in ["source", *columns, "import_id"])
    values = f"{literal(source)}, {', '.join(f'a.{ident(c)}' for c in columns)}, {import_id}"
    if accepted_rows == 0:
        return Counts()
    if not _has_rows(con, schema, source):
        # Nothing stored to compare with (a first import): every accepted row is an insert.
        row = con.execute(f"INSERT INTO {target} ({names}) SELECT {values} FROM {accepted} a").fetchall()
        inserted = int(row[0][0]) if row else 0
        if schema.kind in ("tickets", "events"):
            _queue_facts(con, source, f"SELECT ticket_id FROM {accepted}")
        return Counts(inserted=inserted)

    match = " AND ".join(f"t.{ident(k)} = a.{ident(k)}" for k in schema.key)
    if schema.sourced:
        match += f" AND t.source = {literal(source)}"
    keys = set(schema.key)
    compared = [ident(c.name) for c in schema.columns if c.name not in keys]
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM a.{c}" for c in compared) or "true"
    previous_ticket = ", t.ticket_id AS old_ticket" if schema.kind == "events" else ""
    # One join classifies every row; only the rows to write are kept, with their values.
    missing = f"t.{ident(schema.key[0])} IS NULL"
    con.execute(
        f"CREATE TEMP TABLE {actions} AS SELECT a.*, "
        f"CASE WHEN {missing} THEN {_INSERT} ELSE {_UPDATE} END AS act{previous_ticket} "
        f"FROM {accepted} a LEFT JOIN {target} t ON {match} WHERE {missing} OR NOT ({same})"
    )
    con.execute(f"INSERT INTO {target} ({names}) SELECT {values} FROM {actions} a WHERE a.act = {_INSERT}")
    _record_replaced(con, schema, source, import_id, actions)
    assignments = [f"{ident(c)} = u.{ident(c)}" for c in columns if c not in keys]
    assignments += [f"source = {literal(source)}", f"import_id = {import_id}"]
    where = " AND ".join(f"{target}.{ident(k)} = u.{ident(k)}" for k in schema.key)
    if schema.sourced:
        where += f" AND {target}.source = {literal(source)}"
    con.execute(
        f"UPDATE {target} SET {', '.join(assignments)} "
        f"FROM (SELECT * FROM {actions} WHERE act = {_UPDATE}) u WHERE {where}"
    )
    if schema.kind in ("tickets", "events"):
        touched = f"SELECT ticket_id FROM {actions}"
        if previous_ticket:
            touched += f" UNION ALL SELECT old_ticket FROM {actions} WHERE act = {_UPDATE}"
        _queue_facts(con, source, touched)
    counts = dict(con.execute(f"SELECT act, count(*) FROM {actions} GROUP BY act").fetchall())
    inserted, updated = counts.get(_INSERT, 0), counts.get(_UPDATE, 0)
    return Counts(inserted=inserted, updated=updated, unchanged=accepted_rows - inserted - updated)


def _record_replaced(
    con: duckdb.DuckDBPyConnection, schema: TableSchema, source: str, import_id: int, actions: str
) -> None:
    """Copy every stored row the import is about to replace, all columns as they are, for undo."""
    match = " AND ".join(f"t.{ident(k)} = u.{ident(k)}" for k in schema.key)
    if schema.sourced:
        match += f" AND t.source = {literal(source)}"
    stored = ", ".join(f"t.{ident(c.name)}" for c in schema.all_columns)
    con.execute(
        f"INSERT INTO {ident(history_table(schema))} SELECT {import_id}, {literal(REPLACED)}, {stored} "
        f"FROM {ident(schema.name)} t JOIN (SELECT * FROM {actions} WHERE act = {_UPDATE}) u ON {match}"
    )


def _has_rows(con: duckdb.DuckDBPyConnection, schema: TableSchema, source: str) -> bool:
    """Whether the table holds a row an accepted row could match (of this source, if keyed by source)."""
    where = f" WHERE source = {literal(source)}" if schema.sourced else ""
    row = first_row(con, f"SELECT count(*) FROM (SELECT 1 FROM {ident(schema.name)}{where} LIMIT 1)")
    return bool(row and row[0])


def _queue_facts(con: duckdb.DuckDBPyConnection, source: str, tickets: str) -> None:
    """Queue the tickets (SQL selecting ticket_id) for the fact builder."""
    queue_ticket_facts(con, f"SELECT {literal(source)} AS source, ticket_id FROM ({tickets})")
