"""Where a workspace's data lies in time: the first and last local day of each table's activity, per
source. Said beside an empty answer, so that a question about the wrong dates shows the right ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from kpidesk.workspace import Workspace, open_workspace

__all__ = ["DataSpan", "data_spans", "last_data_day", "last_day_of", "spans_of"]

#: Each table with activity and the instant that dates a row of it.
_DATED = (("tickets", "created_at"), ("calls", "arrived_at"), ("surveys", "responded_at"))


class DataSpan(tuple[str, str, date, date]):
    """(table, source, first local day, last local day)."""

    __slots__ = ()

    @property
    def words(self) -> str:
        table, source, first, last = self
        return f"{table} of {source} span {first} → {last}"


def data_spans(workspace: Workspace | str | Path | None = None) -> list[DataSpan]:
    """Each table's and source's first and last local day, in the workspace's time zone (the warehouse
    keeps UTC); tables without rows are left out."""
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        return spans_of(con, ws.settings.timezone)


def spans_of(con: duckdb.DuckDBPyConnection, timezone: str) -> list[DataSpan]:
    """`data_spans` read through an open connection, in `timezone`."""
    spans: list[DataSpan] = []
    for table, column in _DATED:
        rows = con.execute(
            f"SELECT source, min(timezone(?, timezone('UTC', {column})))::DATE, "
            f"max(timezone(?, timezone('UTC', {column})))::DATE "
            f"FROM {table} WHERE {column} IS NOT NULL GROUP BY source ORDER BY source",
            [timezone, timezone],
        ).fetchall()
        spans += [DataSpan((table, str(source), first, last)) for source, first, last in rows]
    return spans


def last_data_day(workspace: Workspace | str | Path | None = None) -> date | None:
    """The last local day any table holds activity on (None for a workspace without data): the day target
    status and the web app's pages are as of unless asked otherwise."""
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        return last_day_of(con, ws.settings.timezone)


def last_day_of(con: duckdb.DuckDBPyConnection, timezone: str) -> date | None:
    """`last_data_day` read through an open connection, in `timezone`."""
    spans = spans_of(con, timezone)
    return max(span[3] for span in spans) if spans else None
