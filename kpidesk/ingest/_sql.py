"""Quoting for the SQL the importer generates: every name and value from a file goes through here."""

from __future__ import annotations

__all__ = ["ident", "literal"]


def ident(name: str) -> str:
    """A double-quoted identifier; file headers may contain any character."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | None) -> str:
    """A single-quoted string literal, or NULL."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"
