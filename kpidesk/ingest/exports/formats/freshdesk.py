"""Freshdesk: the ticket CSV export, and the API's conversation lists, into tickets and events.

The CSV is one row per ticket with its current state and a few instants (created, first response,
resolved, closed) in the helpdesk's own time zone; it is converted in SQL, so exports of any size stream.
The conversation lists (`GET /api/v2/tickets/{id}/conversations`) are small JSON and parsed in Python.
A ticket's conversations do not include the message that opened it — that is the ticket itself — so the
events of a ticket with conversations also take its creation, resolution and closing from the CSV.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest._sql import literal
from kpidesk.ingest.exports._format import LINE, ExportContext, ExportFormat, Role, SourceTable, blank
from kpidesk.ingest.exports._json_api import Record, RowSink, canonical_columns, read_json, text, user_ids

__all__ = ["FORMAT", "PRIORITIES", "STATUSES"]

#: Freshdesk's built-in statuses, in lower case, → canonical status.
STATUSES: dict[str, str] = {
    "open": "open",
    "pending": "pending",
    "resolved": "solved",
    "closed": "closed",
    "waiting on customer": "pending",
    "waiting on third party": "hold",
}
#: Freshdesk priorities, in lower case, → the priority names SLA policies use.
PRIORITIES: dict[str, str] = {"low": "low", "medium": "normal", "high": "high", "urgent": "urgent"}
#: How Freshdesk's CSV writes instants: local time of the helpdesk, no offset.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
#: Conversation sources that are not a message to or from the customer awaiting a reply.
NOTE_SOURCES = {2: "note", 6: "survey feedback", 8: "forwarded email"}
#: The Freshdesk source of a ticket an agent opened by writing to the customer.
OUTBOUND = "outbound email"

ROLES = (
    Role("ticket_id", "Ticket ID", description="ticket number"),
    Role("created", "Created time", description="when the ticket was created"),
    Role("status", "Status", description="current status"),
    Role("subject", "Subject", required=False),
    Role("priority", "Priority", required=False),
    Role("source", "Source", required=False, description="channel: Email, Portal, Phone, Chat..."),
    Role("type", "Type", required=False, description="ticket type, kept as the category"),
    Role("agent", "Agent", required=False, description="assigned agent"),
    Role("group", "Group", required=False, description="assigned group"),
    Role("resolved", "Resolved time", required=False),
    Role("closed", "Closed time", required=False),
    Role("updated", "Last update time", required=False),
    Role("first_response", "Initial response time", required=False, description="first agent response"),
    Role("agent_interactions", "Agent interactions", required=False),
    Role("resolution_status", "Resolution status", required=False, description="Within SLA / SLA Violated"),
    Role("first_response_status", "First response status", required=False),
    Role("tags", "Tags", required=False),
    Role("contact", "Contact ID", required=False, description="requester's contact id"),
    Role("email", "Email", required=False, description="requester's email, when there is no contact id"),
)

SETTINGS = {
    "timestamp_format": f"strptime format of the CSV's instants (default {TIMESTAMP_FORMAT})",
    "bot_users": "user ids (a list) whose conversation entries are a bot's, e.g. a Freddy bot or an app",
}

#: What the conversations fill of the canonical events.
_EVENT_COLUMNS = canonical_columns("events", without=("agent_id", "team_id", "level"))


def _case(sql: str, table: dict[str, str], otherwise: str) -> str:
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in table.items())
    return f"CASE lower({sql}) {whens} ELSE {otherwise} END"


def _ticket(conversation: Record) -> str | None:
    value = conversation.data.get("ticket_id")
    return None if value is None else str(value)


def _updated(value: Any) -> tuple[int, str]:
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        moment = None
    return (0, "") if moment is None else (1, moment.isoformat())


class FreshdeskExport:
    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        settings = ctx.options.settings
        self.timestamp_format = str(settings.get("timestamp_format") or TIMESTAMP_FORMAT)
        self.bots = user_ids(ctx.options, "bot_users")
        self.conversations: dict[str, Record] = {}
        self.sink = RowSink({"events": _EVENT_COLUMNS})

    # Conversations --------------------------------------------------------------------------------

    def load_conversations(self, path: Path) -> None:
        display = str(path)
        self.sink.sizes[display] = path.stat().st_size
        document = read_json(path, self.ctx.options.encoding)
        records = document.get("conversations") if isinstance(document, dict) else document
        expected = ("id", "ticket_id", "incoming", "private", "created_at")
        if not isinstance(records, list) or any(
            not isinstance(r, dict) or not {"id", "incoming", "private"} <= r.keys() for r in records
        ):
            raise ImportFailed(
                f"{display} is not a Freshdesk conversations list: expected a JSON array of the "
                f"conversations GET /api/v2/tickets/{{id}}/conversations returns, each with "
                f"{', '.join(expected)}"
            )
        for position, data in enumerate(records, start=1):
            record = Record(display, position, data)
            ident = str(data["id"])
            earlier = self.conversations.get(ident)
            if earlier is None:
                self.conversations[ident] = record
                continue
            newer = _updated(data.get("updated_at")) >= _updated(earlier.data.get("updated_at"))
            old, keeper = (earlier, record) if newer else (record, earlier)
            self.conversations[ident] = keeper
            self.ctx.reject(
                "events",
                old.display,
                old.position,
                "id",
                ident,
                f"conversation {ident} appears again in {keeper.display} record {keeper.position}; "
                "that copy is imported",
            )

    def conversation_tickets(self) -> str:
        """A temporary table of the tickets that have conversations, for the CSV's events."""
        table = self.ctx.temp_name("freshdesk_conversation_tickets")
        ids = sorted({t for t in map(_ticket, self.conversations.values()) if t is not None})
        self.ctx.con.execute(f"CREATE TEMP TABLE {table} (ticket_id VARCHAR)")
        if ids:
            self.ctx.con.executemany(f"INSERT INTO {table} VALUES (?)", [[i] for i in ids])
        return table

    def actor(self, data: dict[str, Any]) -> str:
        if str(data.get("user_id")) in self.bots:
            return "bot"
        if data.get("auto_response") is True:
            return "system"
        return "customer" if data.get("incoming") is True else "agent"

    def emit_conversations(self, known: set[str]) -> None:
        by_place = sorted(self.conversations.items(), key=lambda kv: (kv[1].display, kv[1].position))
        for ident, record in by_place:
            c = record.data
            ticket = _ticket(record)
            if ticket is None or ticket not in known:
                self.ctx.reject(
                    "events",
                    record.display,
                    record.position,
                    "ticket_id",
                    ticket,
                    f"conversation {ident} belongs to ticket {ticket}, which is not in the tickets "
                    "export of this import; import conversations with the CSV export of their tickets "
                    "(it holds the message that opened the ticket)",
                )
                continue
            note = c.get("private") is True or c.get("source") in NOTE_SOURCES
            self.sink.add(
                "events",
                record.display,
                record.position,
                {
                    "event_id": ident,
                    "ticket_id": ticket,
                    "at": text(c.get("created_at")),
                    "kind": "note" if note else "message",
                    "actor_type": self.actor(c),
                    "actor_id": text(c.get("user_id")),
                    "public": "false" if note else "true",
                },
            )
        self.sink.emit(self.ctx)

    # The ticket CSV -------------------------------------------------------------------------------

    def status_sql(self, src: SourceTable) -> tuple[str, str]:
        """SQL of the canonical status, and the condition of a status neither Freshdesk nor the user knows.

        A custom status mapped under `values: {status: …}` passes through as it is, to be mapped there.
        """
        raw = blank(src.col("status"))
        mapped = list(self.ctx.options.values.get("status", {}))
        passthrough = (
            f"CASE WHEN {raw} IN ({', '.join(map(literal, mapped))}) THEN {raw} END" if mapped else "NULL"
        )
        status = _case(raw, STATUSES, passthrough)
        return status, f"{raw} IS NOT NULL AND ({status}) IS NULL"

    def emit_csv(self, path: Path, with_conversations: str) -> str:
        """Tickets of one CSV, and the events of those with conversations; a table of its ticket ids."""
        ctx = self.ctx
        src = ctx.read(path, ROLES)
        size = path.stat().st_size
        status, unknown = self.status_sql(src)
        known = ", ".join(STATUSES)
        ctx.reject_where(
            "tickets",
            src,
            unknown,
            src.roles["status"],
            blank(src.col("status")),
            f"'ticket ' || coalesce({blank(src.col('ticket_id'))}, '(no id)') || ': status ' || "
            f"{blank(src.col('status'))} || "
            f"' is not a Freshdesk status ({known}); map a custom status with values: {{status: {{…}}}}'",
        )
        kept = ctx.temp_name("freshdesk_tickets")
        sla = [blank(src.col(r)) for r in ("resolution_status", "first_response_status")]
        violated = " OR ".join(f"lower({s}) = 'sla violated'" for s in sla)
        within = " OR ".join(f"lower({s}) = 'within sla'" for s in sla)
        priority = blank(src.col("priority"))
        ctx.con.execute(
            f"CREATE TEMP TABLE {kept} AS SELECT {src.line} AS {LINE}, "
            f"{blank(src.col('ticket_id'))} AS ticket_id, {blank(src.col('created'))} AS created_at, "
            f"{status} AS status, lower({blank(src.col('source'))}) AS source, "
            f"{blank(src.col('resolved'))} AS resolved, {blank(src.col('closed'))} AS closed, "
            f"{blank(src.col('updated'))} AS updated, {blank(src.col('agent'))} AS agent, "
            f"coalesce({blank(src.col('contact'))}, {blank(src.col('email'))}) AS customer, "
            f"{_case(priority, PRIORITIES, f'lower({priority})')} AS priority, "
            f"{blank(src.col('group'))} AS team, {blank(src.col('type'))} AS category, "
            f"{blank(src.col('tags'))} AS tags, {blank(src.col('subject'))} AS subject, "
            f"{blank(src.col('first_response'))} AS first_response, "
            f"{blank(src.col('agent_interactions'))} AS agent_interactions, "
            f"CASE WHEN {violated} THEN 'false' WHEN {within} THEN 'true' END AS sla_met "
            f"FROM {src.table} WHERE NOT ({unknown})"
        )
        parse = {"timestamp_format": self.timestamp_format}
        with ctx.step(f"Converting {src.display}", size):
            ctx.emit(
                "tickets",
                src.display,
                f"SELECT {LINE}, ticket_id, created_at, replace(source, ' ', '_') AS channel, priority, "
                "status, "
                "customer AS customer_id, agent AS agent_id, team AS team_id, category, tags, subject, "
                "first_response AS first_reply_at, resolved AS last_solved_at, closed AS closed_at, "
                f"agent_interactions AS agent_reply_count, sla_met FROM {kept}",
                parse=parse,
                size=size,
            )
            events = self.csv_events(kept, with_conversations)
            if ctx.count(events):
                ctx.emit("events", src.display, events, parse=parse, size=size)
        return kept

    def csv_events(self, kept: str, with_conversations: str) -> str:
        """Creation, resolution, closing and a reopen seen in the CSV, for tickets with conversations.

        A ticket the CSV shows resolved but now in an open status, updated after the resolution, was
        reopened then: its current status at its last update is that reopen.
        """
        fmt = literal(self.timestamp_format)
        reopened = (
            "resolved IS NOT NULL AND status NOT IN ('solved', 'closed') AND "
            f"try_strptime(updated, {fmt}) > try_strptime(resolved, {fmt})"
        )
        outbound = f"source = {literal(OUTBOUND)}"
        by_agent = f"CASE WHEN {outbound} THEN 'agent' ELSE 'customer' END"
        by_whom = f"CASE WHEN {outbound} THEN agent ELSE customer END"
        parts = [
            f"SELECT {LINE}, 'created-' || ticket_id AS event_id, ticket_id, created_at AS at, "
            f"'created' AS kind, {by_agent} AS actor_type, {by_whom} AS actor_id, NULL AS public, "
            "NULL AS status FROM t",
            # An outbound ticket opens with the agent's own message: the first reply clock starts at the
            # customer's answer to it.
            f"SELECT {LINE}, 'description-' || ticket_id, ticket_id, created_at, 'message', 'agent', agent, "
            f"'true', NULL FROM t WHERE {outbound}",
            f"SELECT {LINE}, 'resolved-' || ticket_id, ticket_id, resolved, 'status', NULL, NULL, NULL, "
            "'solved' FROM t WHERE resolved IS NOT NULL",
            f"SELECT {LINE}, 'closed-' || ticket_id, ticket_id, closed, 'status', NULL, NULL, NULL, 'closed' "
            "FROM t WHERE closed IS NOT NULL",
            f"SELECT {LINE}, 'reopened-' || ticket_id, ticket_id, updated, 'status', NULL, NULL, NULL, "
            f"status FROM t WHERE {reopened}",
        ]
        union = " UNION ALL ".join(parts)
        return (
            f"WITH t AS (SELECT * FROM {kept} "
            f"WHERE ticket_id IN (SELECT ticket_id FROM {with_conversations})) "
            f"SELECT * FROM ({union}) ORDER BY {LINE}, event_id"
        )

    def ticket_ids(self, tables: Iterable[str]) -> set[str]:
        known: set[str] = set()
        for table in tables:
            known |= {str(r[0]) for r in self.ctx.con.execute(f"SELECT ticket_id FROM {table}").fetchall()}
        return known


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    export = FreshdeskExport(ctx)
    csvs = [p for p in files if p.suffix.lower() == ".csv"]
    for path in files:
        if path.suffix.lower() == ".json":
            export.load_conversations(path)
    if export.conversations and not csvs:
        raise ImportFailed(
            f"{', '.join(str(p) for p in files)}: conversations need the ticket CSV export in the same "
            "import (it holds the message that opened each ticket, and when it was resolved and closed)"
        )
    with_conversations = export.conversation_tickets()
    kept = [export.emit_csv(path, with_conversations) for path in csvs]
    export.emit_conversations(export.ticket_ids(kept))


FORMAT = ExportFormat(
    name="freshdesk",
    title="Freshdesk",
    description="Freshdesk ticket CSV export, with the API's ticket conversations (JSON) for events",
    kinds=("tickets", "events"),
    convert=_convert,
    roles=ROLES,
    settings=SETTINGS,
    suffixes=(".csv", ".json"),
    documentation=f"""
Reads the ticket export of Freshdesk (Tickets → Export, CSV) and, optionally, the conversations of its
tickets as the API returns them (`GET /api/v2/tickets/{{id}}/conversations`: a JSON array, several tickets'
arrays may be joined into one, or an object holding it under `conversations`). CSV files are the tickets,
`.json` files the conversations; conversations need the CSV of their tickets in the same import.

```sh
kpidesk import tickets.csv conversations.json --format freshdesk --timezone Asia/Jerusalem
```

**Time zone**: the CSV writes instants as `YYYY-MM-DD HH:MM:SS` in the helpdesk's time zone (Admin → Helpdesk
Settings), without an offset. They are read in the workspace's zone; give the helpdesk's zone with
`--timezone` or `timezone:` in the mapping when it differs. Another layout takes the setting
`timestamp_format` (strptime). The API's conversation times are UTC (`Z`) and need nothing.

**Tickets**: `Ticket ID` → ticket_id, `Created time` → created_at, `Status` → status (`Open` → open,
`Pending` → pending, `Resolved` → solved, `Closed` → closed, `Waiting on Customer` → pending, `Waiting on
Third Party` → hold; a custom status is rejected naming the ticket unless mapped with
`values: {{status: {{"Awaiting parts": hold}}}}`), `Priority` → priority (`Low` → low, `Medium` → normal,
`High` → high, `Urgent` → urgent), `Source` → channel in lower case (`email`, `portal`, `phone`, `chat`,
`feedback_widget`, `outbound_email`…), `Type` → category, `Agent` → agent_id and `Group` → team_id (the
names the export shows), `Tags`, `Subject`, `Contact ID` (else `Email`) → customer_id. Summary fields,
used for tickets without conversations: `Initial response time` → first_reply_at, `Resolved time` →
last_solved_at (and the first solve, which the export does not tell apart), `Closed time` → closed_at,
`Agent interactions` → agent_reply_count; `Resolution status` and `First response status` → sla_met
(false if either says `SLA Violated`, true if one says `Within SLA`). Other columns can be pointed at
with `columns:` (role names: {", ".join(r.name for r in ROLES)}).

**Events** (tickets with conversations): each conversation → a `message`, or a `note` (not public) when
it is `private`, survey feedback (source 6) or a forwarded email (source 8); `incoming: true` → the
customer, else an agent; `auto_response: true` → `system`, and a `user_id` listed in the setting
`bot_users` → `bot` (neither counts as a reply, nor do notes). Because a ticket's conversations leave out
the message that opened it, the CSV adds for these tickets: a `created` event at `Created time` by the
customer (for `Outbound Email`, by the agent, with the agent's opening message, so the first reply clock
starts at the customer's answer), a `solved` status at `Resolved time`, a `closed` status at `Closed
time`, and — when the ticket was resolved but is open again, last updated after the resolution — its
current status at `Last update time`, which is the reopen. Conversations of a ticket not in the import's
CSV are rejected saying so.

**Lost**: `Due by Time`, `Time tracked`, the hours columns (`First response time (in hrs)`, `Resolution
time (in hrs)`: kpidesk measures its own, in its own calendars), `Customer interactions`, `Survey
results`, `Product`, `Full name`, `Company Name`, custom fields, conversation bodies. The export has no
history of assignments or reopens: tickets without conversations have no reassignment or reopen count
(the metrics leave them out rather than count zero); for tickets with conversations no assignment event
exists, so they count no reassignment, and only a reopen still open at export time is seen.
""",
)
