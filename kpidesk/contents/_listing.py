"""The values a `--by` dimension takes in the data — agents, teams, queues, channels… — with how many
tickets, calls or customers carry each, and the local dates of the first and last, so a user knows what
to group and filter by. Counted from the fact tables, so the values are exactly those of `kpis --by`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.contents._dates import local_date
from kpidesk.contents._names import NAMED_DIMENSIONS, NameSource
from kpidesk.facts import CALL_FACTS_TABLE

__all__ = ["LISTINGS", "Counted", "Listing", "find_listing", "list_values"]


@dataclass(frozen=True)
class Counted:
    """A table whose rows are counted per value: what a row is, and the instant that dates it (none for
    a table of people)."""

    unit: str
    table: str
    at: str | None = None


_TICKETS = Counted("tickets", "ticket_facts", "created_at")
_CALLS = Counted("calls", CALL_FACTS_TABLE, "coalesce(arrived_at, answered_at, abandoned_at, ended_at)")
_CUSTOMERS = Counted("customers", "customers", "created_at")
_ROSTER = Counted("agents", "agents")


@dataclass(frozen=True)
class Listing:
    """One dimension as `kpidesk list` shows it: its plural name, its `--by` name, the column holding its
    values, the tables counted per value and, for agents, the table listing every one with their name
    and team (an agent without a ticket or call is listed too)."""

    name: str
    dimension: str
    column: str
    counted: tuple[Counted, ...]
    roster_attributes: tuple[str, ...] = ()

    @property
    def names(self) -> NameSource | None:
        return NAMED_DIMENSIONS.get(self.dimension)

    def frame(self, con: duckdb.DuckDBPyConnection, zone: ZoneInfo) -> pd.DataFrame:
        """One row per value, sorted, the units without a value last: the value (column named after the
        dimension), the roster's attributes, one count per counted table, first_seen and last_seen."""
        counts: dict[Any, dict[str, Any]] = {}
        for counted in self.counted:
            span = f"min({counted.at}), max({counted.at})" if counted.at else "NULL, NULL"
            rows = con.execute(
                f'SELECT "{self.column}", count(*), {span} FROM "{counted.table}" GROUP BY 1'
            ).fetchall()
            for value, n, first, last in rows:
                entry = counts.setdefault(value, {})
                entry[counted.unit] = int(n)
                entry["first"] = _earliest(entry.get("first"), first)
                entry["last"] = _latest(entry.get("last"), last)
        roster = self._roster(con)
        for value in roster:
            counts.setdefault(value, {})
        attributes = [a.removesuffix("_id") for a in self.roster_attributes]
        records = [
            {
                self.dimension: value,
                **dict(zip(attributes, roster.get(value, (None,) * len(attributes)), strict=True)),
                **{c.unit: entry.get(c.unit, 0) for c in self.counted},
                "first_seen": local_date(entry.get("first"), zone),
                "last_seen": local_date(entry.get("last"), zone),
            }
            for value, entry in sorted(counts.items(), key=lambda item: (item[0] is None, str(item[0])))
            if value is not None or any(entry.get(c.unit) for c in self.counted)
        ]
        units = [c.unit for c in self.counted]
        columns = [self.dimension, *attributes, *units, "first_seen", "last_seen"]
        # Text and dates stay Python objects, so a missing value is None rather than NaN.
        return pd.DataFrame(
            {c: pd.Series([r[c] for r in records], dtype="int64" if c in units else object) for c in columns}
        )

    def _roster(self, con: duckdb.DuckDBPyConnection) -> dict[Any, tuple[Any, ...]]:
        """Every value of the table that names the dimension, with its attributes (blank names as None)."""
        if self.names is None or not self.roster_attributes:
            return {}
        source = self.names
        selected = ", ".join(f"any_value(nullif(trim(\"{a}\"), ''))" for a in self.roster_attributes)
        rows = con.execute(f'SELECT "{source.key}", {selected} FROM "{source.table}" GROUP BY 1').fetchall()
        return {row[0]: tuple(row[1:]) for row in rows}


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((x for x in (a, b) if x is not None), default=None)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((x for x in (a, b) if x is not None), default=None)


#: Every dimension `kpis --by` groups on that the data gives values to, by its plural name.
LISTINGS: dict[str, Listing] = {
    listing.name: listing
    for listing in (
        Listing("agents", "agent", "agent_id", (_TICKETS, _CALLS), roster_attributes=("name", "team_id")),
        Listing("teams", "team", "team_id", (_TICKETS, _CALLS, _ROSTER)),
        Listing("queues", "queue", "queue", (_CALLS,)),
        Listing("channels", "channel", "channel", (_TICKETS,)),
        Listing("priorities", "priority", "priority", (_TICKETS,)),
        Listing("categories", "category", "category", (_TICKETS,)),
        Listing("sources", "source", "source", (_TICKETS, _CALLS)),
        Listing("sla_policies", "sla_policy", "sla_policy", (_TICKETS,)),
        Listing("calendars", "calendar", "calendar_id", (_TICKETS, _CALLS)),
        Listing("segments", "segment", "segment", (_CUSTOMERS,)),
        Listing("countries", "country", "country", (_CUSTOMERS,)),
    )
}


def find_listing(name: str) -> Listing:
    """The listing by its plural name, or by its `--by` name (`agent`); an unknown name is refused with
    the nearest one."""
    key = name.strip().lower()
    by_dimension = {listing.dimension: listing for listing in LISTINGS.values()}
    if key in LISTINGS or key in by_dimension:
        return LISTINGS.get(key) or by_dimension[key]
    near = difflib.get_close_matches(key, [*LISTINGS, *by_dimension], n=1, cutoff=0.6)
    if near:
        suggestion = near[0] if near[0] in LISTINGS else by_dimension[near[0]].name
        raise InvalidRequest(f"unknown dimension {name}; did you mean {suggestion}?")
    raise InvalidRequest(f"unknown dimension {name}; expected one of: {', '.join(LISTINGS)}")


def list_values(con: duckdb.DuckDBPyConnection, timezone: str, name: str) -> pd.DataFrame:
    """The values of the dimension named `name` (`agents`, `queues`…; see `LISTINGS`) in the fact tables
    `con` reads, with first and last seen as dates in `timezone`."""
    return find_listing(name).frame(con, ZoneInfo(timezone))
