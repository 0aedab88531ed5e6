"""What a workspace holds, read in one look: its settings, each source's rows and dates, the last imports,
the rows they rejected and whether the facts are current — so a user knows where the data is before asking
for KPIs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from kpidesk.contents._dates import local_date
from kpidesk.facts import CALL_FACTS_TABLE, facts_current
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import CalendarSettings, Settings

__all__ = [
    "CalendarSummary",
    "FactStatus",
    "ImportStatus",
    "RejectedCount",
    "SourceStatus",
    "TableRows",
    "WorkspaceStatus",
    "workspace_status",
]

#: The instant that dates a row of each canonical table; the agents and customers tables list people
#: and companies, not activity, so they have none.
_DATED_BY = {
    "tickets": "created_at",
    "ticket_events": '"at"',
    "calls": "coalesce(arrived_at, answered_at, abandoned_at, ended_at)",
    "surveys": "coalesce(responded_at, sent_at)",
    "agent_states": '"start"',
    "qa_reviews": "reviewed_at",
    "source_figures": '"at"',
}
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CalendarSummary:
    name: str
    timezone: str
    week_start: str
    #: Opening hours by run of days with the same hours, in week order: "sun–thu 09:00-17:00".
    hours: str
    country: str | None

    @classmethod
    def of(cls, calendar: CalendarSettings) -> CalendarSummary:
        return cls(
            calendar.name, calendar.timezone, calendar.week_start, _hours_text(calendar), calendar.country
        )


@dataclass(frozen=True)
class TableRows:
    """One canonical table's rows from one source, with the local dates of its first and last row."""

    table: str
    kind: str
    rows: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class SourceStatus:
    source: str
    tables: tuple[TableRows, ...]

    @property
    def first(self) -> date | None:
        return min((t.first for t in self.tables if t.first is not None), default=None)

    @property
    def last(self) -> date | None:
        return max((t.last for t in self.tables if t.last is not None), default=None)


@dataclass(frozen=True)
class ImportStatus:
    import_id: int
    started_at: datetime | None
    kind: str
    source: str
    files: tuple[str, ...]
    read: int
    inserted: int
    updated: int
    rejected: int
    repaired: int
    undone: bool


@dataclass(frozen=True)
class RejectedCount:
    """The rows one import rejected (not imported) or repaired (imported after a change) in one table;
    an undone import's are gone with it."""

    import_id: int
    kind: str
    rejected: int
    repaired: int


@dataclass(frozen=True)
class FactStatus:
    """Whether the fact tables KPIs are computed from are current with the canonical tables."""

    current: bool
    #: Whether the fact tables exist (the first KPI query or import of tickets or calls derives them).
    derived: bool
    #: When the facts were last derived (UTC); None before the first time, or when they were derived by a
    #: version of kpidesk that did not record it.
    derived_at: datetime | None
    #: The last import not undone, which the facts must include to be current.
    last_import: int | None
    #: Tickets imported since the facts were derived, waiting to be derived.
    pending_tickets: int
    tickets: int
    calls: int

    def describe(self) -> str:
        """The facts' state in one sentence, with what brings them up to date."""
        counts = f"{_count(self.tickets, 'ticket')}, {_count(self.calls, 'call')}"
        derived = f"derived {self.derived_at:%Y-%m-%d %H:%M} UTC" if self.derived_at else ""
        if self.current:
            with_import = f"current with import {self.last_import}" if self.last_import else "current"
            return " · ".join(part for part in (with_import, derived, counts) if part)
        if not self.derived:
            return "not derived yet; the next KPI query derives them"
        if self.pending_tickets:
            changed = f"{_count(self.pending_tickets, 'ticket')} imported since they were derived"
        else:
            changed = "calls, agents, calendars or the dates held changed since they were derived"
        last = f" ({derived})" if derived else ""
        return f"out of date: {changed}{last}; the next KPI query derives them again"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


@dataclass(frozen=True)
class WorkspaceStatus:
    path: Path
    country: str | None
    timezone: str
    locale: str
    default_calendar: str
    calendars: tuple[CalendarSummary, ...]
    sources: tuple[SourceStatus, ...]
    #: The last imports, oldest first, and how many there are in all.
    imports: tuple[ImportStatus, ...]
    import_count: int
    rejected: tuple[RejectedCount, ...]
    facts: FactStatus

    @property
    def week_start(self) -> str:
        return next(c.week_start for c in self.calendars if c.name == self.default_calendar)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values: dates as YYYY-MM-DD, instants as ISO 8601 in UTC."""
        return {
            "workspace": str(self.path),
            "country": self.country,
            "timezone": self.timezone,
            "locale": self.locale,
            "week_start": self.week_start,
            "default_calendar": self.default_calendar,
            "calendars": [
                {
                    "name": c.name,
                    "timezone": c.timezone,
                    "week_start": c.week_start,
                    "hours": c.hours,
                    "country": c.country,
                }
                for c in self.calendars
            ],
            "sources": [
                {
                    "source": s.source,
                    "first": _iso(s.first),
                    "last": _iso(s.last),
                    "tables": [
                        {
                            "table": t.table,
                            "kind": t.kind,
                            "rows": t.rows,
                            "first": _iso(t.first),
                            "last": _iso(t.last),
                        }
                        for t in s.tables
                    ],
                }
                for s in self.sources
            ],
            "import_count": self.import_count,
            "imports": [
                {
                    "import_id": i.import_id,
                    "started_at": _iso(i.started_at),
                    "kind": i.kind,
                    "source": i.source,
                    "files": list(i.files),
                    "read": i.read,
                    "inserted": i.inserted,
                    "updated": i.updated,
                    "rejected": i.rejected,
                    "repaired": i.repaired,
                    "undone": i.undone,
                }
                for i in self.imports
            ],
            "rejected": [
                {"import_id": r.import_id, "kind": r.kind, "rejected": r.rejected, "repaired": r.repaired}
                for r in self.rejected
            ],
            "facts": {
                "current": self.facts.current,
                "derived": self.facts.derived,
                "text": self.facts.describe(),
                "derived_at": _iso(self.facts.derived_at),
                "last_import": self.facts.last_import,
                "pending_tickets": self.facts.pending_tickets,
                "tickets": self.facts.tickets,
                "calls": self.facts.calls,
            },
        }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def workspace_status(
    con: duckdb.DuckDBPyConnection, settings: Settings, path: Path, *, last_imports: int = 5
) -> WorkspaceStatus:
    """The status of the workspace at `path` whose warehouse `con` reads (read-only is enough)."""
    from kpidesk.ingest import import_log

    zone = ZoneInfo(settings.timezone)
    log = import_log(con)
    imports = tuple(_import_status(row) for row in log.to_dict(orient="records"))
    return WorkspaceStatus(
        path=path,
        country=settings.country,
        timezone=settings.timezone,
        locale=settings.locale,
        default_calendar=settings.default_calendar,
        calendars=tuple(CalendarSummary.of(c) for c in settings.calendars.values()),
        sources=_sources(con, zone),
        imports=imports[-last_imports:] if last_imports > 0 else (),
        import_count=len(imports),
        rejected=_rejected(con),
        facts=_facts(con, settings, imports),
    )


def _sources(con: duckdb.DuckDBPyConnection, zone: ZoneInfo) -> tuple[SourceStatus, ...]:
    tables: dict[str, list[TableRows]] = {}
    for schema in CANONICAL_TABLES:
        dated = _DATED_BY.get(schema.name)
        span = f"min({dated}), max({dated})" if dated else "NULL::TIMESTAMP, NULL::TIMESTAMP"
        rows = con.execute(
            f'SELECT source, count(*), {span} FROM "{schema.name}" GROUP BY source ORDER BY source'
        ).fetchall()
        for source, count, first, last in rows:
            tables.setdefault(source, []).append(
                TableRows(
                    schema.name, schema.kind, int(count), local_date(first, zone), local_date(last, zone)
                )
            )
    return tuple(SourceStatus(source, tuple(found)) for source, found in sorted(tables.items()))


def _import_status(row: Mapping[Any, Any]) -> ImportStatus:
    started = row["started_at"]
    return ImportStatus(
        import_id=int(row["import_id"]),
        started_at=None if pd.isna(started) else pd.Timestamp(started).to_pydatetime(),
        kind=str(row["kind"]),
        source=str(row["source"]),
        files=tuple(str(f) for f in row["files"]),
        read=int(row["read"]),
        inserted=int(row["inserted"]),
        updated=int(row["updated"]),
        rejected=int(row["rejected"]),
        repaired=int(row["repaired"]),
        undone=bool(row["undone"]),
    )


def _rejected(con: duckdb.DuckDBPyConnection) -> tuple[RejectedCount, ...]:
    """Counted in the warehouse: an import can reject millions of rows."""
    has_repaired = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'rejected_rows' "
        "AND column_name = 'repaired' AND database_name = current_database()"
    ).fetchall()[0][0]
    repaired = "coalesce(repaired, false)" if has_repaired else "false"
    rows = con.execute(
        f"SELECT import_id, kind, count(*) FILTER (WHERE NOT {repaired}), count(*) FILTER (WHERE {repaired}) "
        "FROM rejected_rows GROUP BY import_id, kind ORDER BY import_id, kind"
    ).fetchall()
    return tuple(RejectedCount(int(i), str(k), int(rej), int(rep)) for i, k, rej, rep in rows)


def _facts(
    con: duckdb.DuckDBPyConnection, settings: Settings, imports: tuple[ImportStatus, ...]
) -> FactStatus:
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    state: dict[str, str] = (
        dict(con.execute("SELECT key, value FROM fact_state").fetchall()) if "fact_state" in existing else {}
    )

    def rows(table: str) -> int:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]) if table in existing else 0

    kept = [i.import_id for i in imports if not i.undone]
    derived = state.get("derived_at")
    return FactStatus(
        current=facts_current(con, settings),
        derived="ticket_facts" in existing,
        derived_at=datetime.fromisoformat(derived) if derived else None,
        last_import=kept[-1] if kept else None,
        pending_tickets=rows("pending_ticket_facts"),
        tickets=rows("ticket_facts"),
        calls=rows(CALL_FACTS_TABLE),
    )


def _hours_text(calendar: CalendarSettings) -> str:
    """The opening hours in week order from the calendar's first day, runs of days with the same hours
    joined: "sun–thu 09:00-17:00"."""
    start = _WEEK.index(calendar.week_start) if calendar.week_start in _WEEK else 0
    days = [d for d in (*_WEEK[start:], *_WEEK[:start]) if d in calendar.hours]
    runs: list[tuple[str, str, str]] = []
    for day in days:
        hours = calendar.hours[day]
        if runs and runs[-1][2] == hours and _next_day(runs[-1][1]) == day:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    return ", ".join(f"{a}–{b} {h}" if a != b else f"{a} {h}" for a, b, h in runs) or "closed"


def _next_day(day: str) -> str:
    return _WEEK[(_WEEK.index(day) + 1) % 7]
