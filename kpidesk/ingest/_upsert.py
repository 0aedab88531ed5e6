"""The upsert: accepted rows are inserted, or update the stored row with the same key when a value
changed, or are counted unchanged, so re-importing an export never duplicates and the counts say what
happened. Tickets and events touched (inserted or updated) are queued for the fact builder.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpidesk.ingest._sql import ident, literal
from kpidesk.ingest._validate import ROW
from kpidesk.warehouse import TableSchema

__all__ = ["Counts", "upsert"]

_INSERT, _UPDATE, _UNCHANGED = 0, 1, 2


@dataclass(frozen=True)
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert(
    con: duckdb.DuckDBPyConnection,
    accepted: str,
    schema: TableSchema,
    source: str,
    import_id: int,
    actions: str,
) -> Counts:
    """Write the rows of the SQL relation `accepted` (typed canonical columns plus ROW) into the table."""
    target = ident(schema.name)
    match = " AND ".join(f"t.{ident(k)} = a.{ident(k)}" for k in schema.key)
    if schema.sourced:
        match += f" AND t.source = {literal(source)}"
    keys = set(schema.key)
    compared = [ident(c.name) for c in schema.columns if c.name not in keys]
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM a.{c}" for c in compared) or "true"
    previous_ticket = ", t.ticket_id AS old_ticket" if schema.kind == "events" else ""
    con.execute(
        f"CREATE TEMP TABLE {actions} AS SELECT a.{ROW}, "
        f"CASE WHEN t.{ident(schema.key[0])} IS NULL THEN {_INSERT} WHEN {same} THEN {_UNCHANGED} "
        f"ELSE {_UPDATE} END AS act{previous_ticket} "
        f"FROM {accepted} a LEFT JOIN {target} t ON {match}"
    )

    def rows(act: int) -> str:
        return f"(SELECT a.* FROM {accepted} a JOIN {actions} x ON x.{ROW} = a.{ROW} WHERE x.act = {act})"

    columns = [c.name for c in schema.columns]
    names = ", ".join(ident(c) for c in ["source", *columns, "import_id"])
    con.execute(
        f"INSERT INTO {target} ({names}) SELECT {literal(source)}, "
        f"{', '.join(f'a.{ident(c)}' for c in columns)}, {import_id} FROM {rows(_INSERT)} a"
    )
    assignments = [f"{ident(c)} = u.{ident(c)}" for c in columns if c not in keys]
    assignments += [f"source = {literal(source)}", f"import_id = {import_id}"]
    where = " AND ".join(f"{target}.{ident(k)} = u.{ident(k)}" for k in schema.key)
    if schema.sourced:
        where += f" AND {target}.source = {literal(source)}"
    con.execute(f"UPDATE {target} SET {', '.join(assignments)} FROM {rows(_UPDATE)} u WHERE {where}")
    if schema.kind in ("tickets", "events"):
        touched = (
            f"SELECT a.ticket_id FROM {accepted} a JOIN {actions} x ON x.{ROW} = a.{ROW} "
            f"WHERE x.act <> {_UNCHANGED}"
        )
        if previous_ticket:
            touched += f" UNION SELECT old_ticket FROM {actions} WHERE act = {_UPDATE}"
        con.execute(
            f"INSERT OR IGNORE INTO pending_ticket_facts (source, ticket_id) "
            f"SELECT DISTINCT {literal(source)}, ticket_id FROM ({touched}) WHERE ticket_id IS NOT NULL"
        )
    counts = dict(con.execute(f"SELECT act, count(*) FROM {actions} GROUP BY act").fetchall())
    return Counts(
        inserted=counts.get(_INSERT, 0), updated=counts.get(_UPDATE, 0), unchanged=counts.get(_UNCHANGED, 0)
    )
