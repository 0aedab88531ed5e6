"""Volume read from the warehouse: tickets by their creation, calls offered by their arrival in the
agent queue, counted per local day or hour, and the records behind one window.

Local windows are the wall clock of the workspace's default calendar. On the night clocks go back, the
repeated hour's records fall in one local hour; a window's records are found by its UTC bounds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

__all__ = ["SOURCES", "VolumeSeries", "VolumeSource", "utc_bounds"]


@dataclass(frozen=True)
class VolumeSeries:
    """Counts by local window start (windows without records left out) and the first local day of data."""

    counts: Mapping[datetime, int]
    first_day: date | None


@dataclass(frozen=True)
class VolumeSource:
    """One thing a volume rule can count: its table, its instant, its id and the dimensions a notice splits
    a window's records by."""

    noun: str
    relation: str
    instant: str
    id_column: str
    dimensions: tuple[str, ...]

    def series(self, con: duckdb.DuckDBPyConnection, zone: str, grain: str, until: datetime) -> VolumeSeries:
        """Counts per local `grain` ("day" or "hour") of the records before UTC `until`."""
        local = f"timezone(?, timezone('UTC', {self.instant}))"
        rows = con.execute(
            f"SELECT date_trunc('{grain}', {local}) AS w, count(*) FROM {self.relation} "
            f"WHERE {self.instant} IS NOT NULL AND {self.instant} < ? GROUP BY w",
            [zone, _naive_utc(until)],
        ).fetchall()
        counts = {_as_datetime(start): int(n) for start, n in rows}
        first = min(counts) if counts else None
        return VolumeSeries(counts, first.date() if first else None)

    def records(
        self, con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, limit: int
    ) -> dict[str, Any]:
        """The records of the UTC window [start, end): their number, their count by each dimension
        (largest first) and the first `limit` ids by time."""
        bounds = [_naive_utc(start), _naive_utc(end)]
        where = f"{self.instant} >= ? AND {self.instant} < ?"
        out: dict[str, Any] = {
            "count": con.execute(f"SELECT count(*) FROM {self.relation} WHERE {where}", bounds).fetchall()[0][
                0
            ]
        }
        for dimension in self.dimensions:
            rows = con.execute(
                f"SELECT coalesce(CAST({dimension} AS VARCHAR), '(none)') AS member, count(*) AS n "
                f"FROM {self.relation} WHERE {where} GROUP BY member ORDER BY n DESC, member",
                bounds,
            ).fetchall()
            out[f"by_{dimension}"] = {str(member): int(n) for member, n in rows}
        ids = con.execute(
            f"SELECT {self.id_column} FROM {self.relation} WHERE {where} "
            f"ORDER BY {self.instant}, {self.id_column} LIMIT {int(limit)}",
            bounds,
        ).fetchall()
        out["ids"] = [str(row[0]) for row in ids]
        return out


#: Tickets by their creation; calls that entered the agent queue (offered) by their arrival there, with the
#: team of the agent who took them.
SOURCES: Mapping[str, VolumeSource] = {
    "tickets": VolumeSource(
        "tickets", "tickets", "created_at", "ticket_id", ("team_id", "channel", "category")
    ),
    "calls": VolumeSource(
        "calls",
        "(SELECT c.call_id, c.arrived_at, c.queue, a.team_id FROM calls c "
        "LEFT JOIN agents a ON a.agent_id = c.agent_id WHERE c.arrived_at IS NOT NULL)",
        "arrived_at",
        "call_id",
        ("queue", "team_id"),
    ),
}


def utc_bounds(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local wall-clock window as UTC instants."""
    return start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
