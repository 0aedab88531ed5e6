"""Quoting for the SQL the importer generates: every name and value from a file goes through here."""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["first_row", "ident", "literal"]


def ident(name: str) -> str:
    """A double-quoted identifier; file headers may contain any character."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | None) -> str:
    """A single-quoted string literal, or NULL."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


def first_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    """The first row of a query, read to the end: an unfinished result would block the connection."""
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None
