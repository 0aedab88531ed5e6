"""Who can be rostered: agents with their contracts from a CSV file, and the days they are unavailable.

An agents file has `agent_id` and, optionally, `name`, `team`, `min_weekly_hours`, `max_weekly_hours` and
`max_evenings` (an empty cell takes the roster's rule). An unavailability file has `agent_id` and `date`,
or `agent_id`, `from` and `to` (inclusive local dates), and an optional `reason`. A mistake names the
file, the line and the column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from kpidesk import InvalidRequest
from kpidesk.staffing._assign import RosterAgent
from kpidesk.staffing._csv_rows import read_csv_rows

__all__ = ["AGENT_FILE_COLUMNS", "read_roster_agents", "read_unavailability", "with_unavailability"]

AGENT_FILE_COLUMNS = ("agent_id", "name", "team", "min_weekly_hours", "max_weekly_hours", "max_evenings")


def _where(path: Path, line: int, header: list[str], column: str) -> str:
    return f"{path}, line {line}, column {header.index(column) + 1} ({column})"


def read_roster_agents(path: Path) -> list[RosterAgent]:
    """The agents of an agents file, in its order."""
    header, rows = read_csv_rows(path, "agent_id and, optionally, " + ", ".join(AGENT_FILE_COLUMNS[1:]))
    if "agent_id" not in header:
        raise InvalidRequest(f"{path}: no agent_id column; expected {', '.join(AGENT_FILE_COLUMNS)}")
    unknown = [h for h in header if h not in AGENT_FILE_COLUMNS]
    if unknown:
        raise InvalidRequest(
            f"{path}: unknown column(s) {', '.join(unknown)}; expected {', '.join(AGENT_FILE_COLUMNS)}"
        )
    agents: list[RosterAgent] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        agent_id = row["agent_id"]
        if not agent_id:
            raise InvalidRequest(
                f"{_where(path, line, header, 'agent_id')}: expected an agent id, found nothing"
            )
        if agent_id in seen:
            raise InvalidRequest(
                f"{path}, line {line}: agent {agent_id} again (first on line {seen[agent_id]})"
            )
        seen[agent_id] = line
        numbers: dict[str, float | None] = {}
        for column in ("min_weekly_hours", "max_weekly_hours", "max_evenings"):
            text = row.get(column, "")
            if not text:
                numbers[column] = None
                continue
            try:
                value = float(text)
            except ValueError:
                raise InvalidRequest(
                    f"{_where(path, line, header, column)}: expected a number, got {text!r}"
                ) from None
            if value < 0 or (column == "max_evenings" and value != int(value)):
                what = "a whole number ≥ 0" if column == "max_evenings" else "a number of hours ≥ 0"
                raise InvalidRequest(f"{_where(path, line, header, column)}: expected {what}, got {text!r}")
            numbers[column] = value
        evenings = numbers["max_evenings"]
        agents.append(
            RosterAgent(
                agent_id,
                name=row.get("name") or None,
                team=row.get("team") or None,
                min_weekly_hours=numbers["min_weekly_hours"],
                max_weekly_hours=numbers["max_weekly_hours"],
                max_evenings=None if evenings is None else int(evenings),
            )
        )
    if not agents:
        raise InvalidRequest(f"{path}: no agents in the file")
    return agents


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{where}: expected a date such as 2026-12-08, got {text!r}") from None


def read_unavailability(path: Path) -> dict[str, frozenset[date]]:
    """Agent id → the local dates the agent cannot work."""
    header, rows = read_csv_rows(path, "agent_id and date, or agent_id, from and to")
    ranged = "from" in header and "to" in header
    if "agent_id" not in header or not (ranged or "date" in header):
        raise InvalidRequest(f"{path}: expected columns agent_id and date, or agent_id, from and to")
    out: dict[str, set[date]] = defaultdict(set)
    for line, row in rows:
        if not row["agent_id"]:
            raise InvalidRequest(
                f"{_where(path, line, header, 'agent_id')}: expected an agent id, found nothing"
            )
        if ranged:
            first = _day(row["from"], _where(path, line, header, "from"))
            last = _day(row["to"], _where(path, line, header, "to"))
            if last < first:
                raise InvalidRequest(f"{_where(path, line, header, 'to')}: {last} is before {first}")
        else:
            first = last = _day(row["date"], _where(path, line, header, "date"))
        day = first
        while day <= last:
            out[row["agent_id"]].add(day)
            day += timedelta(days=1)
    return {agent: frozenset(days) for agent, days in out.items()}


def with_unavailability(
    agents: Iterable[RosterAgent], unavailable: dict[str, frozenset[date]], source: str
) -> list[RosterAgent]:
    """The agents with their unavailable days; an id the agents do not have is a mistake, not a no-op."""
    agents = list(agents)
    known = {a.agent_id for a in agents}
    strangers = sorted(set(unavailable) - known)
    if strangers:
        raise InvalidRequest(
            f"{source}: unknown agent(s) {', '.join(strangers)}; the roster's agents are "
            + ", ".join(sorted(known))
        )
    return [
        RosterAgent(
            a.agent_id,
            a.name,
            a.team,
            a.min_weekly_hours,
            a.max_weekly_hours,
            a.max_evenings,
            a.unavailable | unavailable.get(a.agent_id, frozenset()),
        )
        for a in agents
    ]
