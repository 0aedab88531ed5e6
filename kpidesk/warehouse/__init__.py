"""Canonical tables: the one shape every source is imported into."""

from kpidesk.warehouse._schema import (
    CANONICAL_TABLES,
    FIGURE_UNITS,
    SOLVED_STATUSES,
    TICKET_STATUSES,
    Column,
    TableSchema,
    table_schema,
)
from kpidesk.warehouse._warehouse import clear_pending_facts, connect, create_warehouse

__all__ = [
    "CANONICAL_TABLES",
    "FIGURE_UNITS",
    "SOLVED_STATUSES",
    "TICKET_STATUSES",
    "Column",
    "TableSchema",
    "clear_pending_facts",
    "connect",
    "create_warehouse",
    "table_schema",
]
