"""Why a ticket's numbers are what they are: each metric's start and stop event, calendar and value.

Instants are shown in the zone of the ticket's calendar, with their offset, as a team lead reads a clock;
the warehouse keeps them in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import duckdb

from kpidesk import KpideskError
from kpidesk.workspace import Settings

if TYPE_CHECKING:
    import duckdb

__all__ = ["MetricTrace", "TicketExplanation", "TicketNotFound", "explain_ticket"]


class TicketNotFound(KpideskError, LookupError):
    """No ticket with that id (in that source) in the warehouse."""


@dataclass
class MetricTrace:
    metric: str
    start_at: datetime | None
    start_event: str | None
    stop_at: datetime | None
    stop_event: str | None
    calendar: str
    calendar_seconds: float | None
    business_seconds: float | None
    note: str = ""


@dataclass
class TicketExplanation:
    source: str
    ticket_id: str
    facts: dict[str, Any]
    traces: list[MetricTrace]
    events: list[dict[str, Any]] = field(default_factory=list)
    #: The IANA zone every instant is shown in: the ticket's calendar's.
    timezone: str = "UTC"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ticket_id": self.ticket_id,
            "timezone": self.timezone,
            "facts": self.facts,
            "metrics": [t.__dict__ for t in self.traces],
            "events": self.events,
        }


def _describe(event: dict[str, Any] | None) -> str | None:
    if event is None:
        return None
    who = event.get("actor_type") or "?"
    what = event["kind"]
    if what == "status":
        what = f"status → {event.get('status')}"
    elif what == "message" and event.get("public") is False:
        what = "private message"
    return f"{event['event_id']} ({who} {what})"


def _find(events: list[dict[str, Any]], at: datetime | None, predicate: Any) -> dict[str, Any] | None:
    if at is None:
        return None
    for e in events:
        if e["at"] == at and predicate(e):
            return e
    return None


def _is_agent_reply(e: dict[str, Any]) -> bool:
    return e["kind"] == "message" and e["actor_type"] == "agent" and e.get("public") is not False


def _is_customer(e: dict[str, Any]) -> bool:
    return e["kind"] in ("message", "created") and (e["actor_type"] in ("customer", None))


def _is_solve(e: dict[str, Any]) -> bool:
    return e["kind"] == "status" and e.get("status") in ("solved", "closed")


def _reopened(times: int) -> str:
    return "" if not times else "reopened once" if times == 1 else f"reopened {times} times"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _local(value: Any, zone: ZoneInfo) -> Any:
    """A UTC instant of the warehouse as an aware local time of `zone`; anything else as it is."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).astimezone(zone)
    return value


def _localised(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    return {k: _local(v, zone) for k, v in row.items()}


def explain_ticket(
    con: duckdb.DuckDBPyConnection,
    ticket_id: str,
    source: str | None = None,
    settings: Settings | None = None,
) -> TicketExplanation:
    """Trace one ticket through the fact table; facts must be up to date. Instants are aware local times
    of the ticket's calendar in `settings` (UTC without settings)."""
    params: list[Any] = [ticket_id]
    where = "ticket_id = ?"
    if source is not None:
        where += " AND source = ?"
        params.append(source)
    facts = _rows(con, f"SELECT * FROM ticket_facts WHERE {where} ORDER BY source", params)
    if not facts:
        raise TicketNotFound(f"no ticket {ticket_id!r}" + (f" in source {source!r}" if source else ""))
    if len(facts) > 1:
        sources = ", ".join(str(f["source"]) for f in facts)
        raise TicketNotFound(
            f"ticket {ticket_id!r} exists in several sources ({sources}); name one with --source"
        )
    fact = facts[0]
    events = _rows(
        con,
        'SELECT event_id, "at", kind, actor_type, actor_id, public, status, agent_id, team_id, level '
        "FROM ticket_events WHERE source = ? AND ticket_id = ? ORDER BY \"at\", kind <> 'created', event_id",
        [fact["source"], fact["ticket_id"]],
    )
    calendar = str(fact["calendar_id"])
    known = settings.calendars.get(calendar) if settings is not None else None
    zone_name = known.timezone if known is not None else (settings.timezone if settings else "UTC")
    zone = ZoneInfo(zone_name)

    def trace(
        metric: str, start: str, stop: str, start_pred: Any, stop_pred: Any, note: str = ""
    ) -> MetricTrace:
        start_at, stop_at = fact[start], fact[stop]
        cal_s = bus_s = None
        if start_at is not None and stop_at is not None:
            cal_s = (stop_at - start_at).total_seconds()
            bus_s = float(fact[f"{stop}_bs"] - fact[f"{start}_bs"])
        return MetricTrace(
            metric,
            _local(start_at, zone),
            _describe(_find(events, start_at, start_pred)),
            _local(stop_at, zone),
            _describe(_find(events, stop_at, stop_pred)),
            calendar,
            cal_s,
            bus_s,
            note,
        )

    frt_note = ""
    if fact["agent_opened"]:
        frt_note = "agent-opened ticket: the clock starts at the first customer message after the agent's"
    if fact["frt_start_at"] is not None and fact["first_reply_at"] is None:
        frt_note = "unanswered: no public agent reply yet"
    traces = [
        trace(
            "first_reply_time",
            "frt_start_at",
            "first_reply_at",
            lambda e: _is_customer(e) or e["kind"] == "created",
            _is_agent_reply,
            frt_note,
        ),
        trace(
            "first_resolution_time",
            "created_at",
            "first_solved_at",
            lambda e: e["kind"] == "created",
            _is_solve,
        ),
        trace(
            "full_resolution_time",
            "created_at",
            "last_solved_at",
            lambda e: e["kind"] == "created",
            _is_solve,
            _reopened(int(fact["reopens"] or 0)),
        ),
    ]
    stretches = _rows(
        con,
        "SELECT stretch, stretch_start_at, replied_at, stretch_start_at_bs, replied_at_bs "
        "FROM reply_stretches "
        "WHERE source = ? AND ticket_id = ? ORDER BY stretch",
        [fact["source"], fact["ticket_id"]],
    )
    for s in stretches:
        answered = s["replied_at"] is not None
        traces.append(
            MetricTrace(
                f"reply_time[{s['stretch']}]",
                _local(s["stretch_start_at"], zone),
                _describe(_find(events, s["stretch_start_at"], _is_customer)),
                _local(s["replied_at"], zone),
                _describe(_find(events, s["replied_at"], _is_agent_reply)),
                calendar,
                (s["replied_at"] - s["stretch_start_at"]).total_seconds() if answered else None,
                float(s["replied_at_bs"] - s["stretch_start_at_bs"]) if answered else None,
                "" if answered else "not answered yet",
            )
        )
    shown = _localised({k: v for k, v in fact.items() if not k.endswith("_bs")}, zone)
    return TicketExplanation(
        str(fact["source"]),
        str(fact["ticket_id"]),
        shown,
        traces,
        [_localised(e, zone) for e in events],
        zone_name,
    )
