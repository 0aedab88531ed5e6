"""Zammad: tickets, their articles and their history as its REST API returns them, as tickets and events.

A Zammad ticket's articles are its messages and notes; its history (`GET /api/v1/ticket_history/{id}`)
is the only place where state and owner changes are kept, so reopens and reassignments need it.
Tickets name their state, priority and group by id unless listed with `?expand=true`; the names then
come from the expanded fields, from the `assets` of a `?full=true` response, or from the states and
priorities lists imported alongside.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest.exports._format import ExportContext, ExportFormat
from kpidesk.ingest.exports._json_api import (
    Record,
    RowSink,
    api_responses,
    canonical_columns,
    canonical_value,
    refuse_columns,
    text,
)
from kpidesk.warehouse import SOLVED_STATUSES

__all__ = ["FORMAT"]

#: Zammad's states (and state types, for states an admin added) → canonical statuses.
STATES: dict[str, str | None] = {
    "new": "new",
    "open": "open",
    "pending reminder": "pending",
    "pending action": "pending",
    "pending close": "pending",
    "closed": "closed",
    "merged": "closed",
}
#: Zammad's fixed article senders (they cannot be edited), for articles that give only `sender_id`.
SENDERS = {"1": "Agent", "2": "Customer", "3": "System"}
_ACTORS = {"agent": "agent", "customer": "customer", "system": "system"}
#: Zammad's user 1 is "-": nobody (an unassigned owner) and the system (triggers, schedulers).
NOBODY = "1"

TICKET_COLUMNS = (
    "ticket_id",
    "created_at",
    "channel",
    "priority",
    "status",
    "customer_id",
    "agent_id",
    "team_id",
    "tags",
    "subject",
    "first_reply_at",
    "closed_at",
)
EVENT_COLUMNS = canonical_columns("events", without=("level",))


@dataclass
class _Lookups:
    """Names of the ids tickets and articles refer to, from sideloaded lists and `assets`."""

    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    state_types: dict[str, str] = field(default_factory=dict)
    priorities: dict[str, str] = field(default_factory=dict)
    article_types: dict[str, str] = field(default_factory=dict)
    senders: dict[str, str] = field(default_factory=dict)

    def learn_assets(self, assets: Any) -> None:
        if not isinstance(assets, dict):
            return
        for name, book in (
            ("TicketState", None),
            ("TicketStateType", self.state_types),
            ("TicketPriority", self.priorities),
            ("TicketArticleType", self.article_types),
            ("TicketArticleSender", self.senders),
        ):
            objects = assets.get(name)
            if not isinstance(objects, dict):
                continue
            for key, value in objects.items():
                if not isinstance(value, dict):
                    continue
                if book is None:
                    self.states[str(value.get("id", key))] = value
                elif isinstance(value.get("name"), str):
                    book[str(value.get("id", key))] = value["name"]

    def state_name(self, ticket: dict[str, Any]) -> str | None:
        if isinstance(ticket.get("state"), str):
            return str(ticket["state"])
        state = self.states.get(str(text(ticket.get("state_id"))))
        return str(state["name"]) if state and isinstance(state.get("name"), str) else None

    def state_table(self) -> dict[str, str | None]:
        """Known states → canonical status: Zammad's own, and added ones through their state type."""
        table = dict(STATES)
        for state in self.states.values():
            name = state.get("name")
            kind = state.get("state_type")
            if not isinstance(kind, str):
                kind = self.state_types.get(str(text(state.get("state_type_id"))))
            if isinstance(name, str) and name not in table and isinstance(kind, str) and kind in STATES:
                table[name] = STATES[kind]
        return table


def _classify(data: Any) -> tuple[str, list[Any]] | None:
    """What a response holds (tickets, articles, history, states, priorities, groups) and its records."""
    if isinstance(data, dict):
        history = data.get("history", data.get("list"))
        if isinstance(history, list):
            return "history", history
        assets = data.get("assets")
        if isinstance(assets, dict):
            ids = data.get("record_ids", data.get("tickets"))
            for kind, name in (("articles", "TicketArticle"), ("tickets", "Ticket")):
                objects = assets.get(name)
                if (
                    isinstance(objects, dict)
                    and isinstance(ids, list)
                    and ids
                    and all(str(i) in objects for i in ids)
                ):
                    return kind, [objects[str(i)] for i in ids]
            return None
        if "number" in data and ("state_id" in data or "state" in data):
            return "tickets", [data]
        return None
    if isinstance(data, list):
        objects = [r for r in data if isinstance(r, dict)]
        if not objects:
            return None
        for kind, test in (
            ("tickets", lambda r: "number" in r and ("state_id" in r or "state" in r)),
            ("articles", lambda r: "ticket_id" in r and ("sender" in r or "sender_id" in r)),
            ("states", lambda r: "state_type_id" in r or "state_type" in r),
            ("priorities", lambda r: "ui_color" in r or re.match(r"^\d+ ", str(r.get("name"))) is not None),
            ("groups", lambda r: "follow_up_possible" in r),
        ):
            if all(test(r) for r in objects):
                return kind, data
    return None


def _owner(value: Any) -> str | None:
    owner = text(value)
    return None if owner in (None, NOBODY) else owner


def convert(ctx: ExportContext, files: list[Path]) -> None:
    refuse_columns(ctx)
    lookups = _Lookups()
    gathered: dict[str, list[Record]] = defaultdict(list)
    sink = RowSink({"tickets": TICKET_COLUMNS, "events": EVENT_COLUMNS})
    expected = (
        "a Zammad API export; expected the JSON of GET /api/v1/tickets (a list of tickets with number "
        "and state_id), of GET /api/v1/ticket_articles/by_ticket/{id} (a list of articles with ticket_id "
        'and sender), of GET /api/v1/ticket_history/{id} ({"history": [...]}), or the ticket states or '
        "priorities list"
    )
    for response in api_responses(ctx, files, sink, _classify, expected):
        display, what, records = response.display, response.what, response.records
        if isinstance(response.data, dict):
            lookups.learn_assets(response.data.get("assets"))
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict) or record.get("id") is None:
                if what in ("tickets", "articles", "history"):
                    kind = "tickets" if what == "tickets" else "events"
                    ctx.reject(
                        kind,
                        display,
                        number,
                        "id",
                        None,
                        f"a {what.rstrip('s')} record without an id (expected an object with id)",
                    )
                continue
            if what == "states":
                lookups.states[str(text(record["id"]))] = record
            elif what == "priorities" and isinstance(record.get("name"), str):
                lookups.priorities[str(text(record["id"]))] = record["name"]
            elif what in ("tickets", "articles", "history"):
                gathered[what].append(Record(display, number, record))

    table = lookups.state_table()
    user = ctx.options.values.get("status", {})
    tickets: dict[str, dict[str, Any]] = {}
    removed: set[str] = set()
    for item in gathered["tickets"]:
        row = _ticket_row(ctx, item, lookups, table, user)
        key = str(row["ticket_id"])
        if row.get("status") == "removed":
            removed.add(key)
            ctx.reject(
                "tickets",
                item.display,
                item.position,
                "state",
                "removed",
                f"ticket {key} is in the state removed (deleted in Zammad)",
            )
            continue
        tickets[key] = row
        sink.add("tickets", item.display, item.position, row)

    with_articles = _article_rows(ctx, sink, gathered["articles"], lookups, removed)
    with_state = _history_rows(ctx, sink, gathered["history"], tickets, table, user, removed)
    for item in gathered["tickets"]:
        key = str(text(item.data["id"]))
        known = tickets.get(key)
        if known is None or key not in with_articles or key in with_state:
            continue
        if known.get("status") in SOLVED_STATUSES:
            at = item.data.get("close_at") or item.data.get("updated_at")
            sink.add(
                "events",
                item.display,
                item.position,
                {
                    "event_id": f"{key}-{known['status']}",
                    "ticket_id": key,
                    "at": at,
                    "kind": "status",
                    "actor_type": "system",
                    "public": False,
                    "status": known["status"],
                },
            )
    sink.emit(ctx, {})


def _ticket_row(
    ctx: ExportContext,
    item: Record,
    lookups: _Lookups,
    table: dict[str, str | None],
    user: dict[str, str | None],
) -> dict[str, Any]:
    t = item.data
    state = lookups.state_name(t)
    if state is None:
        raise ImportFailed(
            f"{item.display} record {item.position}: ticket {t['id']} gives state_id "
            f"{t.get('state_id')!r} but the export has no name for it; list the tickets with "
            "?expand=true, or add the ticket states (GET /api/v1/ticket_states) to the import"
        )
    priority = (
        t.get("priority")
        if isinstance(t.get("priority"), str)
        else lookups.priorities.get(str(text(t.get("priority_id"))))
    )
    channel = t.get("create_article_type")
    if not isinstance(channel, str):
        channel = lookups.article_types.get(str(text(t.get("create_article_type_id"))))
    tags = t.get("tags")
    return {
        "ticket_id": t["id"],
        "created_at": t.get("created_at"),
        "channel": channel,
        # "2 normal": the leading number only orders Zammad's priorities.
        "priority": re.sub(r"^\d+\s+", "", priority) if isinstance(priority, str) else None,
        "status": canonical_value(state, table, user),
        "customer_id": t.get("customer_id"),
        "agent_id": _owner(t.get("owner_id")),
        "team_id": t.get("group_id"),
        "tags": tags if isinstance(tags, list) else None,
        "subject": t.get("title"),
        "first_reply_at": t.get("first_response_at"),
        "closed_at": t.get("close_at"),
    }


def _article_rows(
    ctx: ExportContext, sink: RowSink, articles: list[Record], lookups: _Lookups, removed: set[str]
) -> set[str]:
    """Events of the articles; the tickets that have some."""
    tickets: set[str] = set()
    for item in articles:
        a = item.data
        ticket = text(a.get("ticket_id"))
        if ticket is None:
            ctx.reject(
                "events",
                item.display,
                item.position,
                "ticket_id",
                None,
                f"article {a['id']} has no ticket_id",
            )
            continue
        if ticket in removed:
            ctx.reject(
                "events",
                item.display,
                item.position,
                "ticket_id",
                ticket,
                f"article {a['id']} belongs to ticket {ticket}, which was removed in Zammad",
            )
            continue
        sender = a.get("sender")
        if not isinstance(sender, str):
            sender_id = str(text(a.get("sender_id")))
            sender = lookups.senders.get(sender_id, SENDERS.get(sender_id))
        actor = _ACTORS.get(str(sender).strip().casefold())
        if actor is None:
            ctx.reject(
                "events",
                item.display,
                item.position,
                "sender",
                text(sender),
                f"article {a['id']} of ticket {ticket}: unknown sender; expected Customer, Agent or System",
            )
            continue
        internal = a.get("internal") is True
        tickets.add(ticket)
        sink.add(
            "events",
            item.display,
            item.position,
            {
                "event_id": f"article-{text(a['id'])}",
                "ticket_id": ticket,
                "at": a.get("created_at"),
                "kind": "note" if internal else "message",
                "actor_type": actor,
                # A phone article an agent logs for a customer is the customer's (origin_by_id).
                "actor_id": a.get("origin_by_id") or a.get("created_by_id"),
                "public": not internal,
            },
        )
    return tickets


def _attribute(entry: dict[str, Any]) -> Any:
    """The changed attribute of a history entry (`attribute`; `history_attribute` in older exports)."""
    return entry.get("attribute", entry.get("history_attribute"))


def _history_rows(
    ctx: ExportContext,
    sink: RowSink,
    entries: list[Record],
    tickets: dict[str, dict[str, Any]],
    table: dict[str, str | None],
    user: dict[str, str | None],
    removed: set[str],
) -> set[str]:
    """State and assignment events of the ticket history; the tickets with a state change."""
    by_ticket: dict[str, list[Record]] = defaultdict(list)
    for item in entries:
        h = item.data
        attribute = _attribute(h)
        if (
            h.get("object", h.get("history_object")) != "Ticket"
            or h.get("type", h.get("history_type")) != "updated"
            or attribute not in ("state", "owner", "group")
        ):
            continue
        ticket = str(text(h.get("o_id")))
        if ticket in removed:
            ctx.reject(
                "events",
                item.display,
                item.position,
                "o_id",
                ticket,
                f"history entry {h['id']} belongs to ticket {ticket}, which was removed in Zammad",
            )
            continue
        by_ticket[ticket].append(item)
    with_state: set[str] = set()
    for ticket, items in by_ticket.items():
        items.sort(key=lambda i: (str(i.data.get("created_at")), len(str(i.data["id"])), str(i.data["id"])))
        current = tickets.get(ticket, {})
        first = {a: next((i.data for i in items if _attribute(i.data) == a), {}) for a in ("owner", "group")}
        assigned = {
            "agent_id": _owner(first["owner"].get("id_from")) if first["owner"] else current.get("agent_id"),
            "team_id": text(first["group"]["id_from"] if first["group"] else current.get("team_id")),
        }
        customer = text(current.get("customer_id"))
        for item in items:
            h = item.data
            attribute = _attribute(h)
            by = text(h.get("created_by_id"))
            actor = "system" if by in (None, NOBODY) else "customer" if by == customer else "agent"
            row: dict[str, Any] = {
                "event_id": f"history-{text(h['id'])}",
                "ticket_id": ticket,
                "at": h.get("created_at"),
                "actor_type": actor,
                "actor_id": None if actor == "system" else by,
                "public": False,
            }
            if attribute == "state":
                with_state.add(ticket)
                row |= {"kind": "status", "status": canonical_value(text(h.get("value_to")), table, user)}
            else:
                if attribute == "owner":
                    assigned["agent_id"] = _owner(h.get("id_to"))
                else:
                    assigned["team_id"] = text(h.get("id_to"))
                row |= {"kind": "assign", **assigned}
            sink.add("events", item.display, item.position, row)
    return with_state


FORMAT = ExportFormat(
    name="zammad",
    title="Zammad",
    description="Zammad tickets, articles and ticket history, as the REST API returns them (JSON)",
    kinds=("tickets", "events"),
    convert=convert,
    timezone="UTC",
    suffixes=(".json",),
    documentation="""
Reads the JSON responses of Zammad's REST API, one response per file, each file recognised by its
shape (any number of each, in any order):

- **tickets**: `GET /api/v1/tickets` (or `/tickets/search`), a list of tickets; with `?expand=true`
  they also carry `state`, `priority`, `group`, `owner` and `create_article_type` by name; with
  `?full=true` the response is `{"record_ids": [...], "assets": {"Ticket": {...}, "TicketState": ...}}`
  and the names come from the assets;
- **articles**: `GET /api/v1/ticket_articles/by_ticket/{id}`, a list of articles (one file per
  ticket, or several tickets' lists joined into one), or its `?full=true` form;
- **history** (optional, needed for reopens and reassignments): `GET /api/v1/ticket_history/{id}`,
  `{"history": [...], "assets": {...}}`;
- **states / priorities** (optional): `GET /api/v1/ticket_states` and `GET /api/v1/ticket_priorities`,
  the names of the ids that unexpanded tickets give.

A file of any other shape fails the import, naming it and what was expected, and so does a ticket
whose state is given only by an id the export has no name for. Positions in `rejected_rows` are
records: the place of the object in the response's list, from 1.

**Tickets** (`ticket_id` is Zammad's internal `id`, which articles and history refer to; the
displayed `number` is not kept):

| Zammad field | column |
| --- | --- |
| `created_at` | `created_at` |
| `state` / `state_id` | `status` (below) |
| `priority` / `priority_id` (`1 low`, `2 normal`, `3 high`) | `priority` without its number |
| `create_article_type` / `create_article_type_id` (email, phone, web, …) | `channel` (when named) |
| `customer_id` | `customer_id` |
| `owner_id` (1, "-", is nobody) | `agent_id` |
| `group_id` | `team_id` |
| `title` | `subject` |
| `tags` (when the response has them) | `tags` |
| `first_response_at` | `first_reply_at` (used only for tickets without articles) |
| `close_at` | `closed_at` |

States: `new` → new, `open` → open, `pending reminder` and `pending close` → pending (Zammad counts a
ticket closed only when it reaches `closed`; map `pending close` to solved with `values:` to count it
at that moment), `closed` → closed, `merged` → closed. A state an admin added maps through its state
type when the states list or the assets give it. A ticket in the state `removed` is rejected, with its
articles and history. Any other state is rejected with the ticket's file and record; map it with
`values: {status: {"waiting for parts": pending}}`.

**Events**:

- each article → `event_id` `article-<id>`, `at` its `created_at`; `sender` (or `sender_id`: 1 Agent,
  2 Customer, 3 System) `Customer` → `customer`, `Agent` → `agent`, `System` (trigger auto-replies)
  → `system`, never a reply; `internal: true` → a `note`, not public, never a reply; `actor_id` is
  `origin_by_id` (the customer of a phone article an agent logged) else `created_by_id`. An article
  with another sender is rejected with the reason.
- each history entry updating a ticket's `state` → a `status` event (`history-<id>`, the state
  mapped as above); `owner` or `group` → an `assign` event carrying the owner and group after the
  change (before the first change they are its `id_from`). The actor is `system` for user 1, the
  `customer` for the ticket's customer, else an `agent`. Other history entries are not used.

Derived: a ticket whose articles are imported without any state history, and that is closed now,
gets one status event `<id>-closed` at its `close_at` (else `updated_at`), so that it counts as
solved; its reopens are then unknown. Import tickets, articles and history together.

Lost: article bodies, recipients and attachments, the ticket number, organisation, SLA fields
(`escalation_at`, `*_diff_in_min`), time accounting, and changes other than state, owner and group.

Time zone: Zammad writes instants in UTC with a `Z`, so no zone applies (the format's default is UTC).
""",
)
