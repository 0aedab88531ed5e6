"""Chatwoot: the conversations and messages JSON of its application API, as tickets and their events.

Chatwoot has no ticket history: status changes and assignments live only as "activity" messages
whose text is written in English by Chatwoot itself, so they are read back from that text. Agent
and team names in those texts are resolved to ids through the people and teams the export shows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpidesk.ingest.exports._format import ExportContext, ExportFormat
from kpidesk.ingest.exports._json_api import (
    Record,
    RowSink,
    api_responses,
    canonical_columns,
    canonical_value,
    json_object,
    refuse_columns,
    text,
)

__all__ = ["FORMAT"]

#: Chatwoot conversation statuses → canonical ones (open and pending keep their names).
STATUSES: dict[str, str | None] = {
    "open": "open",
    "pending": "pending",
    "snoozed": "hold",
    "resolved": "solved",
}

#: Channel class of the inbox (meta.channel) → channel.
CHANNELS = {
    "Channel::WebWidget": "chat",
    "Channel::Email": "email",
    "Channel::Api": "api",
    "Channel::FacebookPage": "facebook",
    "Channel::Instagram": "instagram",
    "Channel::TwitterProfile": "twitter",
    "Channel::TwilioSms": "sms",
    "Channel::Sms": "sms",
    "Channel::Whatsapp": "whatsapp",
    "Channel::Telegram": "telegram",
    "Channel::Line": "line",
    "Channel::Voice": "phone",
}

_MESSAGE_TYPES = {
    "0": "incoming",
    "1": "outgoing",
    "2": "activity",
    "3": "template",
    "incoming": "incoming",
    "outgoing": "outgoing",
    "activity": "activity",
    "template": "template",
}
_SENDER_TYPES = {
    "user": "User",
    "contact": "Contact",
    "agent_bot": "AgentBot",
    "captain_assistant": "Captain::Assistant",
}
_BOT_SENDERS = ("AgentBot", "Captain::Assistant")
_SYSTEM_NAMES = ("system", "automation system")

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
    "sla_policy",
    "first_reply_at",
    "last_solved_at",
)
EVENT_COLUMNS = canonical_columns("events", without=("level",))
_EPOCH_TICKETS = {c: "epoch" for c in ("created_at", "first_reply_at", "last_solved_at")}

# Activity texts (config/locales/en.yml, conversations.activity), most specific first. `user` is who
# acted; status patterns carry the Chatwoot status they set.
_STATUS_TEXTS: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(p), status, actor)
    for p, status, actor in (
        (
            r"^Conversation was marked resolved by system due to \d+ (?:days|hours|minutes) of inactivity$",
            "resolved",
            "system",
        ),
        (r"^Conversation was marked resolved by (?P<user>.+?) due to inactivity$", "resolved", None),
        (r"^Conversation was marked resolved by (?P<user>.+?)(?: \(.*\)|: .*)?$", "resolved", None),
        (r"^Conversation was resolved by (?P<user>.+)$", "resolved", "customer"),
        (r"^Conversation was marked open by system due to an error with the agent bot\.$", "open", "system"),
        (r"^Conversation was marked open automatically after an agent reply$", "open", "system"),
        (r"^Conversation was marked open by (?P<user>.+?)(?: \(.*\))?$", "open", None),
        (r"^Conversation was reopened by (?P<user>.+)$", "open", None),
        (r"^System reopened the conversation due to a new incoming message\.$", "open", "system"),
        (r"^Conversation was marked as pending by (?P<user>.+)$", "pending", None),
        (r"^Conversation was snoozed by (?P<user>.+)$", "snoozed", None),
    )
)
_SELF_ASSIGNED = re.compile(r"^(?P<user>.+) self-assigned this conversation$")
_ASSIGNED_VIA_TEAM = re.compile(r"^Assigned to (?P<agent>.+) via (?P<team>.+) by (?P<user>.+?)$")
_ASSIGNED = re.compile(r"^Assigned to (?P<target>.+) by (?P<user>.+?)$")
_UNASSIGNED = re.compile(r"^Conversation unassigned by (?P<user>.+)$")
_TEAM_REMOVED = re.compile(r"^Unassigned from (?P<team>.+) by (?P<user>.+?)$")


@dataclass
class _Directory:
    """Agents, bots and teams by name, from every place the export names them with their id."""

    agents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bots: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    teams: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def learn(self, book: dict[str, set[str]], person: Any) -> None:
        if isinstance(person, dict) and person.get("id") is not None:
            for key in ("name", "available_name"):
                if isinstance(person.get(key), str) and person[key].strip():
                    book[person[key].strip().casefold()].add(str(person["id"]))

    @staticmethod
    def find(book: dict[str, set[str]], name: str) -> set[str]:
        return book.get(name.strip().casefold(), set())


@dataclass
class _Message:
    display: str
    position: int
    data: dict[str, Any]
    kind: str
    at: float
    conversation: str


def _classify(data: Any) -> tuple[str, list[Any]] | None:
    """What an API response holds: conversations, messages, agents or teams, and its records."""
    if isinstance(data, dict):
        inner = data.get("data")
        if isinstance(inner, dict) and isinstance(inner.get("payload"), list):
            return "conversations", inner["payload"]
        payload = data.get("payload")
        if isinstance(payload, list):
            meta = json_object(data.get("meta"))
            found = _classify_list(payload)
            if found is not None:
                return found, payload
            if not payload and ("contact" in meta or "labels" in meta):
                return "messages", payload
            if not payload and ("all_count" in meta or "count" in meta):
                return "conversations", payload
            return None
        if "inbox_id" in data and "status" in data and "id" in data:
            return "conversations", [data]
        return None
    if isinstance(data, list):
        found = _classify_list(data)
        return (found, data) if found is not None else None
    return None


def _classify_list(records: list[Any]) -> str | None:
    objects = [r for r in records if isinstance(r, dict)]
    if not objects:
        return None
    if all("message_type" in r for r in objects):
        return "messages"
    if all("inbox_id" in r and "status" in r for r in objects):
        return "conversations"
    if all("role" in r and "email" in r for r in objects):
        return "agents"
    if all("allow_auto_assign" in r for r in objects):
        return "teams"
    return None


def _epoch(value: Any) -> float | None:
    """Chatwoot writes instants as Unix seconds; 0 means never (e.g. no first reply yet)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _epoch_text(value: Any) -> Any:
    seconds = _epoch(value)
    if seconds is not None:
        return seconds
    return None if value in (None, 0, "0", "") else value


def _sender_type(message: dict[str, Any]) -> str | None:
    given = message.get("sender_type")
    if isinstance(given, str) and given:
        return given
    sender = message.get("sender")
    if isinstance(sender, dict) and isinstance(sender.get("type"), str):
        return _SENDER_TYPES.get(sender["type"], sender["type"])
    return None


def _sender_id(message: dict[str, Any]) -> str | None:
    sender = message.get("sender")
    if isinstance(sender, dict) and sender.get("id") is not None:
        return text(sender["id"])
    return text(message.get("sender_id"))


def convert(ctx: ExportContext, files: list[Path]) -> None:
    refuse_columns(ctx)
    statuses = ctx.options.values.get("status", {})
    directory = _Directory()
    conversations: list[Record] = []
    messages: list[_Message] = []
    sink = RowSink({"tickets": TICKET_COLUMNS, "events": EVENT_COLUMNS})
    expected = (
        "a Chatwoot API export; expected the JSON of GET /api/v1/accounts/{id}/conversations "
        '({"data": {"meta": ..., "payload": [conversations]}}), of GET .../conversations/{id}/messages '
        '({"meta": ..., "payload": [messages with message_type]}), or the agents or teams list'
    )
    for response in api_responses(ctx, files, sink, _classify, expected):
        display, what, records = response.display, response.what, response.records
        if not records:
            ctx.warn(f"{display} holds no {what}; nothing was imported from it")
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict) or record.get("id") is None:
                kind = "events" if what == "messages" else "tickets"
                if what in ("conversations", "messages"):
                    ctx.reject(
                        kind,
                        display,
                        number,
                        "id",
                        text(record) if not isinstance(record, dict) else None,
                        f"a {what[:-1]} record without an id (expected an object with id)",
                    )
                continue
            if what == "agents":
                directory.learn(directory.agents, record)
            elif what == "teams":
                directory.learn(directory.teams, record)
            elif what == "conversations":
                meta = json_object(record.get("meta"))
                directory.learn(directory.agents, meta.get("assignee"))
                directory.learn(directory.teams, meta.get("team"))
                conversations.append(Record(display, number, record))
            else:
                message = _read_message(ctx, display, number, record, directory)
                if message is not None:
                    messages.append(message)
        data = response.data
        if what == "messages" and isinstance(data, dict) and isinstance(data.get("meta"), dict):
            directory.learn(directory.agents, data["meta"].get("assignee"))

    with_messages = {m.conversation for m in messages}
    for conversation in conversations:
        _ticket_row(sink, conversation, statuses)
    with_status = _event_rows(ctx, sink, messages, directory, statuses)
    for conversation in conversations:
        _synthesised_solve(sink, conversation, with_messages, with_status, statuses)
    sink.emit(
        ctx,
        {"tickets": {"formats": _EPOCH_TICKETS}, "events": {"formats": {"at": "epoch"}}},
    )


def _read_message(
    ctx: ExportContext, display: str, number: int, record: dict[str, Any], directory: _Directory
) -> _Message | None:
    kind = _MESSAGE_TYPES.get(str(record.get("message_type")).strip().casefold())
    if kind is None:
        ctx.reject(
            "events",
            display,
            number,
            "message_type",
            text(record.get("message_type")),
            f"message {record['id']}: unknown message_type; expected 0 (incoming), 1 (outgoing), "
            "2 (activity) or 3 (template)",
        )
        return None
    if record.get("conversation_id") is None:
        ctx.reject(
            "events",
            display,
            number,
            "conversation_id",
            None,
            f"message {record['id']} has no conversation_id",
        )
        return None
    sender_type = _sender_type(record)
    if sender_type == "User":
        directory.learn(directory.agents, record.get("sender"))
    elif sender_type in _BOT_SENDERS:
        directory.learn(directory.bots, record.get("sender"))
    at = _epoch(record.get("created_at"))
    return _Message(
        display, number, record, kind, at if at is not None else 0.0, str(text(record["conversation_id"]))
    )


def _ticket_row(sink: RowSink, conversation: Record, statuses: dict[str, str | None]) -> None:
    c = conversation.data
    meta = json_object(c.get("meta"))
    sender, assignee, team = (json_object(meta.get(k)) for k in ("sender", "assignee", "team"))
    channel = meta.get("channel")
    attributes = json_object(c.get("additional_attributes"))
    status = canonical_value(text(c.get("status")), STATUSES, statuses)
    labels = c.get("labels")
    sink.add(
        "tickets",
        conversation.display,
        conversation.position,
        {
            "ticket_id": c["id"],
            "created_at": _epoch_text(c.get("created_at")),
            "channel": CHANNELS.get(channel, str(channel).removeprefix("Channel::").lower())
            if channel
            else None,
            "priority": c.get("priority"),
            "status": status,
            "customer_id": sender.get("id"),
            "agent_id": assignee.get("id"),
            "team_id": team.get("id"),
            "tags": labels if isinstance(labels, list) else None,
            "subject": attributes.get("mail_subject"),
            "sla_policy": c.get("sla_policy_id"),
            "first_reply_at": _epoch_text(c.get("first_reply_created_at")),
            # Without a resolve activity, the last activity of a resolved conversation stands for its solve.
            "last_solved_at": _epoch(c.get("timestamp")) if status == "solved" else None,
        },
    )


def _actor(name: str | None, fixed: str | None, directory: _Directory) -> tuple[str, str | None]:
    """Who an activity names as acting: an agent or bot with its id, the customer, or the system."""
    if fixed == "system" or name is None or name.strip().casefold() in _SYSTEM_NAMES:
        return "system", None
    if fixed == "customer":
        return "customer", None
    agents = directory.find(directory.agents, name)
    if len(agents) == 1:
        return "agent", next(iter(agents))
    bots = directory.find(directory.bots, name)
    if len(bots) == 1:
        return "bot", next(iter(bots))
    return "system", None


def _event_rows(
    ctx: ExportContext,
    sink: RowSink,
    messages: list[_Message],
    directory: _Directory,
    statuses: dict[str, str | None],
) -> set[str]:
    """Events of every message, per conversation in time order; the conversations with a status event."""
    by_conversation: dict[str, list[_Message]] = defaultdict(list)
    for message in messages:
        by_conversation[message.conversation].append(message)
    with_status: set[str] = set()
    for conversation, items in by_conversation.items():
        items.sort(key=lambda m: (m.at, len(str(m.data["id"])), str(m.data["id"])))
        assigned: dict[str, str | None] = {"agent_id": None, "team_id": None}
        seen: set[str] = set()
        for message in items:
            key = str(message.data["id"])
            repeated = key in seen
            seen.add(key)
            row = _message_event(ctx, message, directory, assigned, statuses, advance=not repeated)
            if row is None:
                continue
            if row["kind"] == "status":
                with_status.add(conversation)
            sink.add("events", message.display, message.position, row)
    return with_status


def _message_event(
    ctx: ExportContext,
    message: _Message,
    directory: _Directory,
    assigned: dict[str, str | None],
    statuses: dict[str, str | None],
    *,
    advance: bool,
) -> dict[str, Any] | None:
    m = message.data
    base: dict[str, Any] = {
        "event_id": m["id"],
        "ticket_id": message.conversation,
        "at": _epoch_text(m.get("created_at")),
    }
    sender_type = _sender_type(m)
    if message.kind != "activity":
        private = m.get("private") is True
        if message.kind == "incoming":
            actor = "customer"
        elif sender_type == "User":
            actor = "agent" if message.kind == "outgoing" or private else "system"
        elif sender_type in _BOT_SENDERS:
            actor = "bot"
        elif sender_type == "Contact":
            actor = "customer"
        else:
            actor = "system"
        return {
            **base,
            "kind": "note" if private else "message",
            "actor_type": actor,
            "actor_id": _sender_id(m),
            "public": not private,
        }
    content = str(m.get("content") or "").strip()
    for pattern, status, fixed in _STATUS_TEXTS:
        found = pattern.match(content)
        if found:
            actor, actor_id = _actor(found.groupdict().get("user"), fixed, directory)
            return {
                **base,
                "kind": "status",
                "actor_type": actor,
                "actor_id": actor_id,
                "public": False,
                "status": canonical_value(status, STATUSES, statuses),
            }
    change = _assignment(content, directory)
    if change is None:
        return {**base, "kind": "note", "actor_type": "system", "public": False}
    user, after, problem = change
    if problem is not None:
        ctx.reject(
            "events",
            message.display,
            message.position,
            "content",
            content,
            f"message {m['id']} of conversation {message.conversation}: {problem}; add the agents "
            "and teams lists (GET /api/v1/accounts/{id}/agents and .../teams) to the import",
        )
        return None
    state = {**assigned, **after}
    if advance:
        assigned.update(after)
    actor, actor_id = _actor(user, None, directory)
    return {**base, "kind": "assign", "actor_type": actor, "actor_id": actor_id, "public": False, **state}


def _assignment(
    content: str, directory: _Directory
) -> tuple[str | None, dict[str, str | None], str | None] | None:
    """(acting user, assignment after the change, problem) of an assignment activity; None if it is none."""

    def one(book: dict[str, set[str]], name: str, what: str) -> tuple[str | None, str | None]:
        ids = directory.find(book, name)
        if len(ids) == 1:
            return next(iter(ids)), None
        if ids:
            return None, f"several {what}s are named {name!r}"
        return None, f"it names the {what} {name!r}, who is not in this export"

    found = _SELF_ASSIGNED.match(content)
    if found:
        agent, problem = one(directory.agents, found["user"], "agent")
        return found["user"], {"agent_id": agent}, problem
    found = _ASSIGNED_VIA_TEAM.match(content)
    if found:
        agent, problem = one(directory.agents, found["agent"], "agent")
        team, team_problem = one(directory.teams, found["team"], "team")
        return found["user"], {"agent_id": agent, "team_id": team}, problem or team_problem
    found = _UNASSIGNED.match(content)
    if found:
        return found["user"], {"agent_id": None}, None
    found = _TEAM_REMOVED.match(content)
    if found:
        return found["user"], {"team_id": None}, None
    found = _ASSIGNED.match(content)
    if found:
        target = found["target"]
        agents = directory.find(directory.agents, target)
        teams = directory.find(directory.teams, target)
        if agents and teams:
            return found["user"], {}, f"{target!r} names both an agent and a team"
        if teams:
            team, problem = one(directory.teams, target, "team")
            return found["user"], {"team_id": team}, problem
        agent, problem = one(directory.agents, target, "agent or team")
        return found["user"], {"agent_id": agent}, problem
    return None


def _synthesised_solve(
    sink: RowSink,
    conversation: Record,
    with_messages: set[str],
    with_status: set[str],
    statuses: dict[str, str | None],
) -> None:
    """A solve at the last activity of a resolved conversation whose messages say nothing of its status.

    Without it, a conversation with events but no status event would never count as solved.
    """
    c = conversation.data
    key = str(text(c["id"]))
    if key not in with_messages or key in with_status:
        return
    status = canonical_value(text(c.get("status")), STATUSES, statuses)
    at = _epoch(c.get("timestamp"))
    if status != "solved" or at is None:
        return
    sink.add(
        "events",
        conversation.display,
        conversation.position,
        {
            "event_id": f"{key}-resolved",
            "ticket_id": key,
            "at": at,
            "kind": "status",
            "actor_type": "system",
            "public": False,
            "status": status,
        },
    )


FORMAT = ExportFormat(
    name="chatwoot",
    title="Chatwoot",
    description="Chatwoot conversations and their messages, as the application API returns them (JSON)",
    kinds=("tickets", "events"),
    convert=convert,
    timezone="UTC",
    suffixes=(".json",),
    documentation="""
Reads the JSON responses of Chatwoot's application API, one response per file, each file recognised
by its shape (any number of each, in any order):

- **conversations**: `GET /api/v1/accounts/{account_id}/conversations`, i.e.
  `{"data": {"meta": {...}, "payload": [...]}}`; also a bare list of conversations, a
  `{"meta", "payload"}` filter or search response, or one conversation object;
- **messages**: `GET /api/v1/accounts/{account_id}/conversations/{id}/messages`, i.e.
  `{"meta": {...}, "payload": [...]}`, one file per conversation (or page of it);
- **agents** (optional): `GET /api/v1/accounts/{account_id}/agents`, a list of
  `{id, name, available_name, email, role}`;
- **teams** (optional): `GET /api/v1/accounts/{account_id}/teams`, a list of
  `{id, name, allow_auto_assign}`.

A file of any other shape fails the import, naming it and what was expected. Positions in
`rejected_rows` are records: the place of the object in the response's `payload` list, from 1.

**Tickets** (one per conversation; `ticket_id` is the conversation's `id`, the number Chatwoot shows):

| Chatwoot field | column |
| --- | --- |
| `created_at` (Unix seconds) | `created_at` |
| `status` | `status`: `open` → open, `pending` → pending, `snoozed` → hold, `resolved` → solved |
| `priority` (`low`, `medium`, `high`, `urgent` or null) | `priority`, as is |
| `meta.channel` (`Channel::WebWidget` …) | `channel` (below) |
| `meta.sender.id` (the contact) | `customer_id` |
| `meta.assignee.id` | `agent_id` |
| `meta.team.id` | `team_id` |
| `labels` | `tags` |
| `additional_attributes.mail_subject` (email inboxes) | `subject` |
| `sla_policy_id` | `sla_policy` |
| `first_reply_created_at` (0 = none) | `first_reply_at` (used only without messages) |
| `timestamp` (last activity) of a resolved conversation | `last_solved_at` (only without messages) |

Channels: `WebWidget` → chat, `Email` → email, `Api` → api, `FacebookPage` → facebook, `Instagram` →
instagram, `TwitterProfile` → twitter, `TwilioSms` and `Sms` → sms, `Whatsapp` → whatsapp, `Telegram`
→ telegram, `Line` → line, `Voice` → phone; another class in lower case without `Channel::`. The
summary fields count only for conversations whose messages are not in the warehouse.

**Events** (one per message; `event_id` is the message `id`, `ticket_id` its `conversation_id`,
`at` its `created_at`):

- `message_type` 0 (incoming) → `message` from the `customer`.
- 1 (outgoing) → `message` from an `agent` when `sender_type` is `User`; from a `bot` when it is
  `AgentBot` or `Captain::Assistant`; from the `system` when there is no sender (greetings,
  out-of-office and survey messages). Bot and system messages never count as replies.
- 3 (template: survey, e-mail and option prompts) → `message` from a `bot` or the `system`, never a reply.
- `private: true` → a `note` (not public), never a reply.
- 2 (activity) is read from its text (Chatwoot writes it in English):
  "Conversation was marked resolved by X", "…reopened by X", "…marked as pending by X",
  "…snoozed by X", the automatic resolves and reopens → a `status` event (statuses as above; X is
  the actor: an agent or bot id when the export knows the name, else `system`);
  "Assigned to Y by X", "X self-assigned this conversation", "Assigned to Y via Team by X",
  "Conversation unassigned by X", "Unassigned from Team by X" → an `assign` event carrying the agent
  and team after the change (Y is looked up as an agent, else a team). Names are resolved to ids
  through the conversations' assignees and teams, the senders of messages and the optional agents
  and teams files; an assignment naming someone the export does not know (or two people of that
  name) is rejected with that reason. Every other activity (labels, priority, SLA, mute) becomes a
  system `note`.
- A message with an unknown `message_type` or without `conversation_id` is rejected with the reason.

Derived: when a resolved conversation's messages are imported but none of them is a status
activity (an account writing activities in another language), a `solved` status event
`<id>-resolved` is added at the conversation's `timestamp` (its last activity), so that it counts as
solved; its resolution time is then approximate. Import each conversation's messages together with
the conversations list, so that this can be decided.

Lost: message contents, attachments, contacts' details, inbox ids, custom attributes, CSAT
ratings, SLA events. Reassignments made before the first assignment activity of a conversation are
not known. Activities written in another language become notes, so statuses and assignments then
come only from the conversation itself.

Time zone: every Chatwoot instant is Unix time, so no zone applies (the format's default is UTC;
`--timezone` changes nothing). Override status names with `values: {status: {snoozed: pending}}`.
""",
)
