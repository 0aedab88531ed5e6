"""Facts: one row per ticket (and per reply stretch, per open span), derived and kept up to date."""

from kpidesk.facts._refresh import (
    FACT_TABLES,
    FactRefresh,
    Materialize,
    build_ticket_facts,
    refresh_ticket_facts,
)
from kpidesk.facts._ticket_facts import (
    FACT_INSTANTS,
    TICKET_DIMENSIONS,
    annotate_messages,
    derive_open_spans,
    derive_reply_stretches,
    derive_ticket_facts,
    status_changes,
)

__all__ = [
    "FACT_INSTANTS",
    "FACT_TABLES",
    "TICKET_DIMENSIONS",
    "FactRefresh",
    "Materialize",
    "annotate_messages",
    "build_ticket_facts",
    "derive_open_spans",
    "derive_reply_stretches",
    "derive_ticket_facts",
    "refresh_ticket_facts",
    "status_changes",
]
