"""Zendesk Support: the API's JSON exports of tickets, ticket metrics, audits, comments and CSAT ratings.

Zendesk exports are JSON pages of a few thousand records, each file an object holding one list under a
known key (`{"tickets": [...], "next_page": ...}`), so they are parsed here in Python and handed over as
Arrow tables of text; the importer validates and upserts them like any other rows. Each file is
recognised by its top-level key, so one import may mix tickets, metrics, audits and ratings in any order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from kpidesk.ingest._errors import ImportFailed
from kpidesk.ingest.exports._format import LINE, ExportContext, ExportFormat, SourceFigure
from kpidesk.ingest.exports._json_api import (
    Record,
    RowSink,
    canonical_columns,
    json_object,
    read_json,
    refuse_columns,
    text,
    user_ids,
)

__all__ = ["FORMAT"]

#: Statuses a Zendesk ticket can have; they are kpidesk's own canonical statuses.
ZENDESK_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
#: The lists a Zendesk export file may hold, by its top-level key.
LISTS = ("tickets", "ticket_metrics", "audits", "comments", "satisfaction_ratings", "users")
#: Zendesk's author id for changes made by Zendesk itself (triggers, automations, the system).
SYSTEM_AUTHOR = -1
#: Audit events that are a message on the ticket (a call recording is a voice comment).
COMMENT_EVENTS = ("Comment", "VoiceComment")
#: Satisfaction scores that are an answer, on kpidesk's 0..1 scale.
ANSWERED_SCORES = {"good": "1", "bad": "0"}

#: Zendesk's own figures of a ticket, from its ticket_metrics record (durations in whole minutes).
FIGURES = (
    SourceFigure(
        "first_reply_time",
        "ticket",
        "reply_time_in_minutes.calendar",
        "minutes from creation to the first public agent comment after it, as seconds",
        60,
    ),
    SourceFigure(
        "first_reply_time_business",
        "ticket",
        "reply_time_in_minutes.business",
        "the same in Zendesk's business hours, as seconds",
        60,
    ),
    SourceFigure(
        "first_resolution_time",
        "ticket",
        "first_resolution_time_in_minutes.calendar",
        "minutes from creation to the first solve, as seconds",
        60,
    ),
    SourceFigure(
        "first_resolution_time_business",
        "ticket",
        "first_resolution_time_in_minutes.business",
        "the same in business hours, as seconds",
        60,
    ),
    SourceFigure(
        "full_resolution_time",
        "ticket",
        "full_resolution_time_in_minutes.calendar",
        "minutes from creation to the last solve, as seconds; `at` is solved_at",
        60,
    ),
    SourceFigure(
        "full_resolution_time_business",
        "ticket",
        "full_resolution_time_in_minutes.business",
        "the same in business hours, as seconds",
        60,
    ),
    SourceFigure("reopens", "ticket", "reopens", "reopens Zendesk counted"),
    SourceFigure("agent_replies", "ticket", "replies", "public agent replies Zendesk counted"),
    SourceFigure("reassignments", "ticket", "assignee_stations − 1", "assignees after the first"),
)
#: Figure → (ticket_metrics field, its part) for the durations, kept in seconds.
_MINUTES = {
    "first_reply_time": ("reply_time_in_minutes", "calendar"),
    "first_reply_time_business": ("reply_time_in_minutes", "business"),
    "first_resolution_time": ("first_resolution_time_in_minutes", "calendar"),
    "first_resolution_time_business": ("first_resolution_time_in_minutes", "business"),
    "full_resolution_time": ("full_resolution_time_in_minutes", "calendar"),
    "full_resolution_time_business": ("full_resolution_time_in_minutes", "business"),
}

#: What each kind's rows fill of the canonical table.
COLUMNS = {
    "tickets": canonical_columns("tickets", without=("escalation_level", "sla_policy", "sla_met")),
    "events": canonical_columns("events", without=("level",)),
    "surveys": canonical_columns("surveys"),
}


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _after_minutes(start: Any, minutes: Any) -> str | None:
    """`start` plus a metric's calendar minutes (Zendesk states its durations in whole minutes)."""
    begun = _instant(start)
    if begun is None or not isinstance(minutes, int | float) or isinstance(minutes, bool):
        return None
    return _iso(begun + timedelta(minutes=minutes))


def _calendar_minutes(metric: dict[str, Any], name: str) -> Any:
    value = metric.get(name)
    return value.get("calendar") if isinstance(value, dict) else None


def _sort_key(value: Any) -> tuple[int, str]:
    """Orders `updated_at` values; a record without one sorts first, so a dated copy wins."""
    moment = _instant(value)
    return (0, "") if moment is None else (1, _iso(moment))


def _id_order(value: Any) -> tuple[int, str]:
    """Zendesk ids are increasing integers: the tie-breaker of audits written in the same second."""
    shown = str(value)
    return (len(shown), shown) if shown.isdigit() else (1 << 30, shown)


class ZendeskExport:
    """The records of every file of one import, then the canonical rows made from them."""

    def __init__(self, ctx: ExportContext) -> None:
        self.ctx = ctx
        self.lists: dict[str, list[Record]] = {name: [] for name in LISTS}
        # Rows are emitted in the order made: audits by ticket and time, then comments.
        self.sink = RowSink(COLUMNS, in_record_order=False)
        self.bots = user_ids(ctx.options, "bot_users")
        self.roles: dict[str, str] = {}
        self.requesters: dict[str, str] = {}
        self.guessed_agents: set[str] = set()
        self.unknown_authors: set[str] = set()
        #: ticket_metrics records of the tickets imported, for their figures.
        self.measured: list[tuple[str, Record]] = []

    # Reading --------------------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        display = str(path)
        self.sink.sizes[display] = path.stat().st_size
        document = read_json(path, self.ctx.options.encoding)
        found = [name for name in LISTS if isinstance(document, dict) and name in document]
        if not found:
            has = (
                ", ".join(map(str, document))
                if isinstance(document, dict)
                else f"a JSON {type(document).__name__}"
            )
            raise ImportFailed(
                f"{display} is not a Zendesk export this format reads: expected an object holding one of "
                f"the lists {', '.join(LISTS)} (as the Zendesk API returns them); "
                f"the file has: {has or 'nothing'}"
            )
        for name in found:
            records = document[name]
            if not isinstance(records, list):
                raise ImportFailed(f"{display}: {name} is not a list of records")
            for position, data in enumerate(records, start=1):
                if not isinstance(data, dict):
                    raise ImportFailed(f"{display}: record {position} of {name} is not an object")
                self.lists[name].append(Record(display, position, data))

    # Who wrote what -------------------------------------------------------------------------------

    def learn_people(self, tickets: dict[str, Record]) -> None:
        """Roles from the users list; requesters from tickets, else from the audits that created them."""
        for user in self.lists["users"]:
            if user.data.get("id") is not None and user.data.get("role"):
                self.roles[str(user.data["id"])] = str(user.data["role"])
        for audit in self.lists["audits"]:
            for event in audit.data.get("events") or []:
                if (
                    isinstance(event, dict)
                    and event.get("field_name") == "requester_id"
                    and event.get("value")
                ):
                    self.requesters.setdefault(str(audit.data.get("ticket_id")), str(event["value"]))
        for ticket_id, ticket in tickets.items():
            if ticket.data.get("requester_id") is not None:
                self.requesters[ticket_id] = str(ticket.data["requester_id"])

    def actor(self, ticket_id: str, author: Any, channel: Any) -> str | None:
        """Customer, agent, bot or system, by Zendesk's own markers first, then the author's role."""
        if author is None:
            return None
        author_id = str(author)
        if author_id == str(SYSTEM_AUTHOR) or channel == "rule":
            return "system"
        if author_id in self.bots or str(channel or "").startswith("answer_bot"):
            return "bot"
        role = self.roles.get(author_id)
        if role == "end-user":
            return "customer"
        if role in ("agent", "admin"):
            return "agent"
        requester = self.requesters.get(ticket_id)
        if requester is None:
            self.unknown_authors.add(author_id)
            return None
        if requester == author_id:
            return "customer"
        self.guessed_agents.add(author_id)
        return "agent"

    # Checks ---------------------------------------------------------------------------------------

    def status_problem(self, value: Any) -> str | None:
        """Why a status is not imported, or None when it is a Zendesk status (or the user maps it)."""
        if (
            value is None
            or str(value) in ZENDESK_STATUSES
            or str(value) in self.ctx.options.values.get("status", {})
        ):
            return None
        if value == "deleted":
            return "the ticket was deleted in Zendesk, so it is not imported"
        return f"status {value!r} is not a Zendesk ticket status ({', '.join(ZENDESK_STATUSES)})"

    def latest(self, kind: str, name: str, key: str, what: str) -> dict[str, Record]:
        """One record per id: the most recently updated copy, the others rejected as superseded.

        Incremental exports repeat a record that changed while they were paged; the later copy is newer.
        """
        kept: dict[str, Record] = {}
        for record in self.lists[name]:
            value = record.data.get(key)
            if value is None:
                self.ctx.reject(kind, record.display, record.position, key, None, f"the {what} has no {key}")
                continue
            ident = str(value)
            earlier = kept.get(ident)
            if earlier is None:
                kept[ident] = record
                continue
            newer = _sort_key(record.data.get("updated_at")) >= _sort_key(earlier.data.get("updated_at"))
            old, keeper = (earlier, record) if newer else (record, earlier)
            kept[ident] = keeper
            later = old.data.get("updated_at") != keeper.data.get("updated_at")
            self.ctx.reject(
                kind,
                old.display,
                old.position,
                key,
                ident,
                f"{what} {ident} appears again in {keeper.display} record {keeper.position}"
                f"{', updated later' if later else ''}; that copy is imported",
            )
        return kept

    # Tickets --------------------------------------------------------------------------------------

    def tickets(self, tickets: dict[str, Record]) -> None:
        metrics = self.latest("tickets", "ticket_metrics", "ticket_id", "ticket metric")
        for ticket_id, metric in metrics.items():
            if ticket_id not in tickets:
                self.ctx.reject(
                    "tickets",
                    metric.display,
                    metric.position,
                    "ticket_id",
                    ticket_id,
                    f"ticket metrics of ticket {ticket_id}, which is not in the tickets export of this "
                    "import; import ticket_metrics together with the tickets they belong to",
                )
        for ticket_id, record in sorted(tickets.items(), key=lambda kv: (kv[1].display, kv[1].position)):
            t = record.data
            problem = self.status_problem(t.get("status"))
            if problem is not None:
                self.ctx.reject(
                    "tickets",
                    record.display,
                    record.position,
                    "status",
                    text(t.get("status")),
                    f"ticket {ticket_id}: {problem}",
                )
                continue
            via = json_object(t.get("via"))
            row: dict[str, str | None] = {
                "ticket_id": ticket_id,
                "created_at": text(t.get("created_at")),
                "channel": text(via.get("channel")),
                "priority": text(t.get("priority")),
                "status": text(t.get("status")),
                "customer_id": text(t.get("requester_id")),
                "agent_id": text(t.get("assignee_id")),
                "team_id": text(t.get("group_id")),
                "category": text(t.get("type")),
                "tags": text(t.get("tags") or None),
                "subject": text(t.get("subject")),
            }
            measured = metrics.get(ticket_id)
            if measured is not None:
                row.update(self.summary(t, measured.data))
                self.measured.append((ticket_id, measured))
            self.sink.add("tickets", record.display, record.position, row)

    @staticmethod
    def summary(ticket: dict[str, Any], metric: dict[str, Any]) -> dict[str, str | None]:
        """Summary fields from ticket_metrics, used by the facts only for tickets without events."""
        created = ticket.get("created_at")
        reopens = metric.get("reopens")
        stations = metric.get("assignee_stations")
        solved_at = text(metric.get("solved_at"))
        last_solved = solved_at or _after_minutes(
            created, _calendar_minutes(metric, "full_resolution_time_in_minutes")
        )
        # Unreopened, the first solve is the last one, to the second rather than the minute.
        first_solved = (
            last_solved
            if reopens == 0
            else _after_minutes(created, _calendar_minutes(metric, "first_resolution_time_in_minutes"))
        )
        closed = ticket.get("status") == "closed"
        return {
            "first_reply_at": _after_minutes(created, _calendar_minutes(metric, "reply_time_in_minutes")),
            "first_solved_at": first_solved,
            "last_solved_at": last_solved,
            "closed_at": text(metric.get("status_updated_at")) if closed else None,
            "reopen_count": text(reopens),
            "reassignment_count": str(max(stations - 1, 0)) if isinstance(stations, int) else None,
            "agent_reply_count": text(metric.get("replies")),
        }

    def figures(self) -> None:
        """Zendesk's own figures of each imported ticket with metrics, one table per metrics file."""
        by_file: dict[str, list[dict[str, Any]]] = {}
        for ticket_id, record in self.measured:
            rows = by_file.setdefault(record.display, [])
            for name, value, at in _figures(record.data):
                rows.append(
                    {"unit_id": ticket_id, "figure": name, "value": value, "at": at, LINE: record.position}
                )
        for display, rows in by_file.items():
            table = pa.table(
                {
                    "unit_id": pa.array([r["unit_id"] for r in rows], pa.string()),
                    "figure": pa.array([r["figure"] for r in rows], pa.string()),
                    "value": pa.array([r["value"] for r in rows], pa.string()),
                    "at": pa.array([r["at"] for r in rows], pa.string()),
                    LINE: pa.array([r[LINE] for r in rows], pa.int64()),
                }
            )
            self.ctx.emit_figures(
                display, table, parse={"timezone": "UTC"}, size=self.sink.sizes.get(display, 0)
            )

    # Events ---------------------------------------------------------------------------------------

    def events(self) -> None:
        audits = self.latest("events", "audits", "id", "audit")
        audit_tickets: dict[str, str] = {}
        by_ticket: dict[str, list[Record]] = {}
        for audit_id, audit in audits.items():
            ticket = audit.data.get("ticket_id")
            if ticket is None:
                self.ctx.reject(
                    "events",
                    audit.display,
                    audit.position,
                    "ticket_id",
                    None,
                    f"audit {audit_id} has no ticket_id",
                )
                continue
            audit_tickets[audit_id] = str(ticket)
            by_ticket.setdefault(str(ticket), []).append(audit)
        for ticket_id, ticket_audits in by_ticket.items():
            ordered = sorted(
                ticket_audits, key=lambda a: (_sort_key(a.data.get("created_at")), _id_order(a.data["id"]))
            )
            self.audit_events(ticket_id, ordered)
        self.comment_events(audit_tickets)

    def audit_events(self, ticket_id: str, audits: list[Record]) -> None:
        """One ticket's audits in time order, so each assignment carries the agent and group after it."""
        assignee: str | None = None
        group: str | None = None
        for audit in audits:
            a = audit.data
            at = text(a.get("created_at"))
            audit_via = json_object(a.get("via"))
            add = partial(self.sink.add, "events", audit.display, audit.position)
            before = (assignee, group)
            created = False
            for event in a.get("events") or []:
                if not isinstance(event, dict):
                    continue
                kind, name, value = event.get("type"), event.get("field_name"), event.get("value")
                changes = kind in ("Create", "Change")
                created = created or kind == "Create"
                if changes and name == "assignee_id":
                    assignee = text(value) or None
                elif changes and name == "group_id":
                    group = text(value) or None
                if kind not in COMMENT_EVENTS and not (changes and name == "status"):
                    continue
                event_via = json_object(event.get("via")) or audit_via
                author = event.get("author_id", a.get("author_id"))
                actor = self.actor(ticket_id, author, event_via.get("channel"))
                base = {"ticket_id": ticket_id, "at": at, "actor_type": actor, "actor_id": text(author)}
                if kind in COMMENT_EVENTS:
                    public = event.get("public") is not False
                    add(
                        {
                            "event_id": text(event.get("id")),
                            "kind": "message" if public else "note",
                            "public": "true" if public else "false",
                            **base,
                        }
                    )
                    continue
                problem = self.status_problem(value)
                if problem is not None:
                    self.ctx.reject(
                        "events",
                        audit.display,
                        audit.position,
                        "status",
                        text(value),
                        f"ticket {ticket_id}, audit {a.get('id')}, event {event.get('id')}: {problem}",
                    )
                    continue
                add({"event_id": text(event.get("id")), "kind": "status", "status": text(value), **base})
            # Only a change that leaves someone assigned hands the ticket over; routing to a group first
            # and an agent taking it later is one assignment, not two.
            handed_over = (assignee, group) != before and assignee is not None
            if not (created or handed_over):
                continue
            actor = self.actor(ticket_id, a.get("author_id"), audit_via.get("channel"))
            base = {
                "ticket_id": ticket_id,
                "at": at,
                "actor_type": actor,
                "actor_id": text(a.get("author_id")),
            }
            if created:
                add({"event_id": f"audit-{a['id']}-created", "kind": "created", **base})
            if handed_over:
                add(
                    {
                        "event_id": f"audit-{a['id']}-assign",
                        "kind": "assign",
                        "agent_id": assignee,
                        "team_id": group,
                        **base,
                    }
                )

    def comment_events(self, audit_tickets: dict[str, str]) -> None:
        """Comments carry no ticket id in Zendesk's API; an exporter's `ticket_id` or their audit gives it."""
        comments = self.latest("events", "comments", "id", "comment")
        for comment_id, record in sorted(comments.items(), key=lambda kv: (kv[1].display, kv[1].position)):
            c = record.data
            ticket = c.get("ticket_id")
            ticket_id = str(ticket) if ticket is not None else audit_tickets.get(str(c.get("audit_id")))
            if ticket_id is None:
                self.ctx.reject(
                    "events",
                    record.display,
                    record.position,
                    "ticket_id",
                    None,
                    f"comment {comment_id} does not say its ticket: Zendesk's comments list leaves ticket_id "
                    "out; add ticket_id to each comment or import the ticket's audits with it",
                )
                continue
            via = json_object(c.get("via"))
            public = c.get("public") is not False
            self.sink.add(
                "events",
                record.display,
                record.position,
                {
                    "event_id": comment_id,
                    "ticket_id": ticket_id,
                    "at": text(c.get("created_at")),
                    "kind": "message" if public else "note",
                    "public": "true" if public else "false",
                    "actor_type": self.actor(ticket_id, c.get("author_id"), via.get("channel")),
                    "actor_id": text(c.get("author_id")),
                },
            )

    # Surveys --------------------------------------------------------------------------------------

    def surveys(self) -> None:
        ratings = self.latest("surveys", "satisfaction_ratings", "id", "satisfaction rating")
        for rating_id, record in sorted(ratings.items(), key=lambda kv: (kv[1].display, kv[1].position)):
            r = record.data
            score = r.get("score")
            if score not in ANSWERED_SCORES and score != "offered":
                why = "no survey was sent" if score == "unoffered" else "expected good, bad or offered"
                self.ctx.reject(
                    "surveys",
                    record.display,
                    record.position,
                    "score",
                    text(score),
                    f"satisfaction rating {rating_id} has score {score!r}: {why}",
                )
                continue
            answered = score in ANSWERED_SCORES
            self.sink.add(
                "surveys",
                record.display,
                record.position,
                {
                    "response_id": rating_id,
                    "kind": "csat",
                    "score": ANSWERED_SCORES.get(str(score)),
                    "scale_min": "0",
                    "scale_max": "1",
                    "sent_at": text(r.get("created_at")),
                    "responded_at": text(r.get("updated_at")) if answered else None,
                    "ticket_id": text(r.get("ticket_id")),
                    "customer_id": text(r.get("requester_id")),
                    "agent_id": text(r.get("assignee_id")),
                    "team_id": text(r.get("group_id")),
                    "comment": text(r.get("comment")) if answered else None,
                },
            )

    def warnings(self) -> Iterable[str]:
        if self.guessed_agents:
            yield (
                f"{len(self.guessed_agents)} authors of comments or changes are not in a users list and are "
                "not the ticket's requester, so they count as agents; import the users list (include=users) "
                "to be exact"
            )
        if self.unknown_authors:
            yield (
                f"{len(self.unknown_authors)} authors of comments or changes could not be told apart as "
                "customer or agent (no users list, no requester known); their comments count as neither"
            )


def _figures(metric: dict[str, Any]) -> Iterable[tuple[str, str | None, str | None]]:
    """(figure, value as text, at) of one ticket_metrics record; fields it leaves empty give none.

    A value that is not a number is handed over as written, so the import rejects it naming the record.
    """
    for name, (field, part) in _MINUTES.items():
        minutes = json_object(metric.get(field)).get(part)
        if minutes is None:
            continue
        seconds = minutes * 60 if isinstance(minutes, int | float) else minutes
        at = text(metric.get("solved_at")) if name == "full_resolution_time" else None
        yield name, text(seconds), at
    for name, field in (("reopens", "reopens"), ("agent_replies", "replies")):
        if metric.get(field) is not None:
            yield name, text(metric.get(field)), None
    stations = metric.get("assignee_stations")
    if stations is not None:
        value = str(max(stations - 1, 0)) if isinstance(stations, int) else text(stations)
        yield "reassignments", value, None


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    refuse_columns(ctx, "reads Zendesk's JSON fields by name; there are no columns to map")
    export = ZendeskExport(ctx)
    for path in files:
        export.load(path)
    tickets = export.latest("tickets", "tickets", "id", "ticket")
    export.learn_people(tickets)
    export.tickets(tickets)
    export.events()
    export.surveys()
    export.sink.emit(ctx)
    export.figures()
    for message in export.warnings():
        ctx.warn(message)


FORMAT = ExportFormat(
    name="zendesk",
    title="Zendesk Support",
    description="Zendesk Support API exports: tickets, metrics, audits, comments, satisfaction ratings",
    kinds=("tickets", "events", "surveys", "figures"),
    convert=_convert,
    figures=FIGURES,
    timezone="UTC",
    settings={
        "bot_users": "user ids (a list) whose comments are a bot's, e.g. an integration posting as an agent",
    },
    suffixes=(".json",),
    documentation="""
Reads the JSON the Zendesk Support API returns, one or several files in one import, each recognised by
its top-level list: `tickets` (incremental export `GET /api/v2/incremental/tickets` or
`GET /api/v2/tickets`), `ticket_metrics`, `audits` (`GET /api/v2/tickets/{id}/audits` or
`/api/v2/ticket_audits`), `comments`, `satisfaction_ratings` and `users`. A file may hold several of them
(a page with `include=users`). A file with none of these lists fails the import, naming the lists
expected. Positions in messages are the record's place (from 1) in its list.

```sh
kpidesk import tickets.json ticket_metrics.json audits.json ratings.json users.json --format zendesk
```

**Tickets** (`tickets`): `id` → ticket_id, `created_at`, `via.channel` → channel (`email`, `web`,
`chat`, `voice`, `api`…), `priority` (`urgent`, `high`, `normal`, `low` or empty), `status` (`new`,
`open`, `pending`, `hold`, `solved`, `closed`), `requester_id` → customer_id, `assignee_id` → agent_id,
`group_id` → team_id, `type` → category, `tags`, `subject`. A ticket that appears more than once (an
incremental export repeats tickets that changed while it was paged) is imported from its most recently
updated copy; the others are rejected saying so. A ticket with status `deleted`, or any status outside
Zendesk's list, is rejected naming the ticket (map a custom value with `values: {status: {…}}`).

**Summary fields** (`ticket_metrics`, matched by `ticket_id`): `reply_time_in_minutes.calendar` after
`created_at` → first_reply_at; `solved_at` (else `full_resolution_time_in_minutes.calendar` after
creation) → last_solved_at; first_solved_at is the same instant when `reopens` is 0, else
`first_resolution_time_in_minutes.calendar` after creation; `status_updated_at` of a closed ticket →
closed_at; `reopens` → reopen_count; `assignee_stations` − 1 → reassignment_count; `replies` →
agent_reply_count. They are used only for tickets without events: where audits or comments exist, the
events win. Import ticket metrics with the tickets they describe: metrics of a ticket not in the import's
tickets are rejected, and a tickets export imported alone leaves these fields empty.

**Events** (`audits`): every `Comment` or `VoiceComment` event → a `message` (public) or a `note`
(`public: false`), with the event's id; `Create`/`Change` of `status` → a `status` event; the audit that
holds `Create` events → a `created` event; a `Create`/`Change` of `assignee_id` or `group_id` → an
`assign` event with the assignee and group after the audit — only when someone is assigned, so routing to
a group and an agent picking the ticket up is one assignment, and a handoff between agents or groups is a
reassignment. The event time is the audit's `created_at`. A status change outside Zendesk's list is
rejected naming the ticket, audit and event. `comments` (each comment's id is its audit event's id, so
both files give one event) need the ticket: Zendesk's comments list leaves `ticket_id` out, so a comment
must carry it, or its `audit_id` must be among the imported audits; otherwise it is rejected.

**Who wrote it** (actor_type): author `-1` or a change made `via` `rule` (trigger, automation) →
`system`; `via` `answer_bot…` or an author listed in the setting `bot_users` → `bot`; then the author's
`role` in a `users` list (`end-user` → `customer`, `agent` or `admin` → `agent`); without a users list,
the ticket's requester → `customer` and anyone else → `agent` (a CC'd end-user replying would count as an
agent: a warning says how many authors were classified so). Bot and system messages and private notes
never count as replies.

**Surveys** (`satisfaction_ratings`) → kind `csat` on a 0–1 scale: `good` → 1, `bad` → 0, sent at
`created_at`, answered at `updated_at`, with `comment`; `offered` → a survey sent and not answered (no
score); `unoffered` is rejected (no survey was sent). `ticket_id`, `requester_id` → customer_id,
`assignee_id` → agent_id, `group_id` → team_id.

**Lost**: custom fields, `satisfaction_rating` inside tickets (import the ratings list), organisations,
priority and tag changes in audits, notifications and
other audit events, comment bodies. Zendesk writes UTC instants with `Z`, so the format's zone is UTC whatever
the workspace's; the time zone setting does not change them.
""",
)
