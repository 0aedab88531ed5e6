"""Canonical tables: the one shape every source is imported into."""

from kpidesk.warehouse._history import (
    HISTORY_ACTION,
    HISTORY_IMPORT,
    INSERTED,
    REPLACED,
    create_history,
    history_table,
    undone_count,
)
from kpidesk.warehouse._schema import (
    CANONICAL_TABLES,
    FIGURE_UNITS,
    SOLVED_STATUSES,
    TICKET_STATUSES,
    Column,
    TableSchema,
    table_schema,
)
from kpidesk.warehouse._warehouse import clear_pending_facts, connect, create_warehouse, queue_ticket_facts

__all__ = [
    "CANONICAL_TABLES",
    "FIGURE_UNITS",
    "HISTORY_ACTION",
    "HISTORY_IMPORT",
    "INSERTED",
    "REPLACED",
    "SOLVED_STATUSES",
    "TICKET_STATUSES",
    "Column",
    "TableSchema",
    "clear_pending_facts",
    "connect",
    "create_history",
    "create_warehouse",
    "history_table",
    "queue_ticket_facts",
    "table_schema",
    "undone_count",
]
