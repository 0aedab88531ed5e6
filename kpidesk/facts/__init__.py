"""Facts: one row per ticket (and per reply stretch, per open span), derived and kept up to date."""

from kpidesk.facts._refresh import FACT_TABLES, FactRefresh, refresh_ticket_facts, ticket_fact_tables
from kpidesk.facts._ticket_facts import FACT_INSTANTS, TicketFactTables, derive_ticket_facts

__all__ = [
    "FACT_INSTANTS",
    "FACT_TABLES",
    "FactRefresh",
    "TicketFactTables",
    "derive_ticket_facts",
    "refresh_ticket_facts",
    "ticket_fact_tables",
]
