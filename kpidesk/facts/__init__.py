"""Facts: one row per ticket (and per reply stretch, per open span) and per call, kept up to date."""

from kpidesk.facts._call_facts import (
    CALL_FACTS_TABLE,
    CALL_INSTANTS,
    LOCAL_PERIOD_COLUMNS,
    derive_agent_shifts,
    derive_call_facts,
    staffed_agent_days,
)
from kpidesk.facts._manager_reach import MANAGER_REACH_TABLE, derive_manager_reach
from kpidesk.facts._refresh import (
    FACT_TABLES,
    FactRefresh,
    Materialize,
    build_call_facts,
    build_manager_reach,
    build_ticket_facts,
    facts_current,
    facts_generation,
    refresh_facts,
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
    "CALL_FACTS_TABLE",
    "CALL_INSTANTS",
    "FACT_INSTANTS",
    "FACT_TABLES",
    "LOCAL_PERIOD_COLUMNS",
    "MANAGER_REACH_TABLE",
    "TICKET_DIMENSIONS",
    "FactRefresh",
    "Materialize",
    "annotate_messages",
    "build_call_facts",
    "build_manager_reach",
    "build_ticket_facts",
    "derive_agent_shifts",
    "derive_call_facts",
    "derive_manager_reach",
    "derive_open_spans",
    "derive_reply_stretches",
    "derive_ticket_facts",
    "facts_current",
    "facts_generation",
    "refresh_facts",
    "staffed_agent_days",
    "status_changes",
]
