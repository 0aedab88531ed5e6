"""Canonical tables: the one shape every source is imported into."""

from kpidesk.warehouse._schema import (
    CANONICAL_TABLES,
    SOLVED_STATUSES,
    TICKET_STATUSES,
    Column,
    TableSchema,
    table_schema,
)
from kpidesk.warehouse._warehouse import connect, create_warehouse

__all__ = [
    "CANONICAL_TABLES",
    "SOLVED_STATUSES",
    "TICKET_STATUSES",
    "Column",
    "TableSchema",
    "connect",
    "create_warehouse",
    "table_schema",
]
