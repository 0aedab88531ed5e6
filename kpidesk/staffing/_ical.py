"""A roster as iCalendar (RFC 5545): one file per agent, one event per shift, that any calendar app opens.

Times are written in UTC (`…Z`), so the file needs no time-zone definitions and a shift across a DST
change keeps its real length. Each event's UID is stable for the same agent and shift, so importing a
revised roster updates the events instead of doubling them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kpidesk.staffing._roster import Roster

__all__ = ["roster_icalendars"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    out: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


def roster_icalendars(
    roster: Roster, *, title: str = "Shift", stamp: datetime | None = None
) -> dict[str, str]:
    """Agent id → the text of that agent's .ics file (empty without named agents).

    `title` names each event (say, in the workspace's language); the break, when the shift has one, is in
    the event's description."""
    if roster.assignment is None:
        return {}
    made = _utc(int((stamp or datetime.now(UTC)).timestamp()))
    zone = roster.needs.zone
    out: dict[str, str] = {}
    for agent in roster.assignment.agents:
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//kpidesk//roster//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{_escape(f'{title} · {agent.name or agent.agent_id}')}",
        ]
        for placed in (p for p in roster.assignment.shifts if p.agent == agent):
            shift = placed.shift
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_escape(agent.agent_id)}-{shift.start}-{shift.length}@kpidesk",
                f"DTSTAMP:{made}",
                f"DTSTART:{_utc(shift.start)}",
                f"DTEND:{_utc(shift.end)}",
                f"SUMMARY:{_escape(f'{title} {shift.label(zone)}')}",
            ]
            if shift.break_start is not None and shift.break_end is not None:
                begin = datetime.fromtimestamp(shift.break_start, zone)
                end = datetime.fromtimestamp(shift.break_end, zone)
                lines.append(f"DESCRIPTION:{_escape(f'break {begin:%H:%M}–{end:%H:%M}')}")
            lines += ["TRANSP:OPAQUE", "END:VEVENT"]
        lines.append("END:VCALENDAR")
        out[agent.agent_id] = "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
    return out
