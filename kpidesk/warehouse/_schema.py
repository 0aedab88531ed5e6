"""The canonical tables of the design, described once as data.

The importer validates against these descriptions, `init` creates the tables from them, and the docs
list them, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk import InvalidRequest

__all__ = [
    "CANONICAL_TABLES",
    "FIGURE_UNITS",
    "SOLVED_STATUSES",
    "TICKET_STATUSES",
    "Column",
    "TableSchema",
    "table_schema",
]

#: Canonical ticket statuses. Any other status needs a value mapping.
TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
#: Statuses in which a ticket counts as solved.
SOLVED_STATUSES = ("solved", "closed")
#: What a source's own figure describes (`source_figures.unit_kind`).
FIGURE_UNITS = ("ticket", "call")


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    `type` is a DuckDB type. `choices` lists the accepted values of a text column; `not_before`
    names a timestamp column this one may not precede ("end before start").
    """

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    not_before: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    name: str
    kind: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    #: Whether `source` is part of the key (ticket ids repeat across systems; agent ids do not).
    sourced: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Columns as stored: `source` first, `import_id` last (every imported row keeps both)."""
        return (Column("source", "VARCHAR", required=True), *self.columns, Column("import_id", "BIGINT"))

    def create_sql(self) -> str:
        """The table without a PRIMARY KEY: the importer keeps `full_key` unique itself (duplicates in
        a file are rejected, stored rows are updated rather than added), and DuckDB's key index would
        cost more than the rest of a large import and be held in memory whole."""
        cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in self.all_columns)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  {cols}\n)'

    @property
    def full_key(self) -> tuple[str, ...]:
        return (("source",) if self.sourced else ()) + self.key


TS = "TIMESTAMP"
_ACTOR_TYPES = ("customer", "agent", "bot", "system")
_EVENT_KINDS = ("created", "message", "status", "assign", "escalate", "note")

CANONICAL_TABLES: tuple[TableSchema, ...] = (
    TableSchema(
        "tickets",
        "tickets",
        ("ticket_id",),
        (
            Column("ticket_id", "VARCHAR", required=True),
            Column("created_at", TS, required=True),
            Column("channel", "VARCHAR"),
            Column("priority", "VARCHAR"),
            Column("status", "VARCHAR", choices=TICKET_STATUSES),
            Column("customer_id", "VARCHAR"),
            Column("agent_id", "VARCHAR", description="current assignee"),
            Column("team_id", "VARCHAR"),
            Column("category", "VARCHAR"),
            Column("tags", "VARCHAR[]"),
            Column("subject", "VARCHAR"),
            Column("escalation_level", "INTEGER", minimum=0),
            Column("sla_policy", "VARCHAR"),
            Column("first_reply_at", TS, not_before="created_at"),
            Column("first_solved_at", TS, not_before="created_at"),
            Column("last_solved_at", TS, not_before="first_solved_at"),
            Column("closed_at", TS, not_before="created_at"),
            Column("reopen_count", "INTEGER", minimum=0),
            Column("reassignment_count", "INTEGER", minimum=0),
            Column("agent_reply_count", "INTEGER", minimum=0),
            Column("sla_met", "BOOLEAN", description="SLA outcome carried from the source, when it has one"),
        ),
        "One row per ticket; summary fields are used only when a source has no events.",
    ),
    TableSchema(
        "ticket_events",
        "events",
        ("event_id",),
        (
            Column("event_id", "VARCHAR", required=True),
            Column("ticket_id", "VARCHAR", required=True),
            Column("at", TS, required=True),
            Column("kind", "VARCHAR", required=True, choices=_EVENT_KINDS),
            Column("actor_type", "VARCHAR", choices=_ACTOR_TYPES),
            Column("actor_id", "VARCHAR"),
            Column("public", "BOOLEAN"),
            Column("status", "VARCHAR", choices=TICKET_STATUSES),
            Column("agent_id", "VARCHAR"),
            Column("team_id", "VARCHAR"),
            Column("level", "INTEGER", minimum=0),
        ),
        "Everything that happened to a ticket, one row per event.",
    ),
    TableSchema(
        "calls",
        "calls",
        ("call_id",),
        (
            Column("call_id", "VARCHAR", required=True),
            Column("queue", "VARCHAR"),
            Column("customer_id", "VARCHAR"),
            Column("arrived_at", TS, description="entered the agent queue; null if it never queued"),
            Column("answered_at", TS, not_before="arrived_at"),
            Column("abandoned_at", TS, not_before="arrived_at"),
            Column("ended_at", TS, not_before="answered_at"),
            Column("agent_id", "VARCHAR"),
            Column("talk_s", "DOUBLE", minimum=0),
            Column("hold_s", "DOUBLE", minimum=0),
            Column("wrap_s", "DOUBLE", minimum=0),
            Column("outcome", "VARCHAR"),
            Column("ticket_id", "VARCHAR"),
        ),
        "One row per call.",
    ),
    TableSchema(
        "surveys",
        "surveys",
        ("response_id",),
        (
            Column("response_id", "VARCHAR", required=True),
            Column("kind", "VARCHAR", required=True, choices=("csat", "nps", "ces", "enps", "pulse")),
            Column("score", "DOUBLE"),
            Column("scale_min", "DOUBLE"),
            Column("scale_max", "DOUBLE"),
            Column("sent_at", TS),
            Column("responded_at", TS, not_before="sent_at"),
            Column("ticket_id", "VARCHAR"),
            Column("customer_id", "VARCHAR"),
            Column("agent_id", "VARCHAR"),
            Column("team_id", "VARCHAR"),
            Column("comment", "VARCHAR"),
        ),
        "Survey sends and responses.",
    ),
    TableSchema(
        "agents",
        "agents",
        ("agent_id",),
        (
            Column("agent_id", "VARCHAR", required=True),
            Column("name", "VARCHAR"),
            Column("team_id", "VARCHAR"),
            Column("role", "VARCHAR", choices=("agent", "lead", "manager")),
            Column("hired_at", TS),
            Column("left_at", TS, not_before="hired_at"),
            Column("calendar", "VARCHAR"),
        ),
        "The people who answer.",
        sourced=False,
    ),
    TableSchema(
        "agent_states",
        "agent_states",
        ("agent_id", "start"),
        (
            Column("agent_id", "VARCHAR", required=True),
            Column("start", TS, required=True),
            Column("end", TS, required=True, not_before="start"),
            Column("state", "VARCHAR", required=True, choices=("available", "busy", "wrap", "away")),
        ),
        "Staffed time, for occupancy and per-hour productivity.",
        sourced=False,
    ),
    TableSchema(
        "customers",
        "customers",
        ("customer_id",),
        (
            Column("customer_id", "VARCHAR", required=True),
            Column("created_at", TS),
            Column("churned_at", TS, not_before="created_at"),
            Column("segment", "VARCHAR"),
            Column("country", "VARCHAR"),
        ),
        "Customers, for churn.",
        sourced=False,
    ),
    TableSchema(
        "qa_reviews",
        "qa",
        ("review_id",),
        (
            Column("review_id", "VARCHAR", required=True),
            Column("ticket_id", "VARCHAR"),
            Column("call_id", "VARCHAR"),
            Column("agent_id", "VARCHAR"),
            Column("reviewer_id", "VARCHAR"),
            Column("reviewed_at", TS),
            Column("scorecard", "VARCHAR"),
            Column("score", "DOUBLE", minimum=0, maximum=100),
            Column("auto_fail", "BOOLEAN"),
            Column("criteria", "VARCHAR"),
        ),
        "Quality reviews of tickets or calls.",
        sourced=False,
    ),
    TableSchema(
        "source_figures",
        "figures",
        ("unit_kind", "unit_id", "figure"),
        (
            Column("unit_kind", "VARCHAR", required=True, choices=FIGURE_UNITS),
            Column("unit_id", "VARCHAR", required=True, description="the ticket_id or call_id"),
            Column("figure", "VARCHAR", required=True, description="what the source measured"),
            Column("field", "VARCHAR", description="where the source's export holds it"),
            Column("value", "DOUBLE", description="seconds, a count, or 1/0 for a yes/no outcome"),
            Column("at", TS, description="the instant the figure ends at, when the source records it"),
            Column(
                "precision_s",
                "DOUBLE",
                minimum=0,
                description="the smallest step of the source's figure (60 when it keeps whole minutes)",
            ),
        ),
        "A source system's own figures for its tickets and calls, kept beside what kpidesk derives.",
    ),
)

_BY_KIND = {t.kind: t for t in CANONICAL_TABLES}


def table_schema(kind: str) -> TableSchema:
    """The canonical table an import `--kind` writes to."""
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise InvalidRequest(f"unknown kind {kind!r}; expected one of: {', '.join(_BY_KIND)}") from None
