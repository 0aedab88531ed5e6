"""Names beside ids: the agents table names the agents that tickets, calls and results know only by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

__all__ = ["NAMED_DIMENSIONS", "NameSource", "with_names"]


@dataclass(frozen=True)
class NameSource:
    """The canonical table that names a dimension's values, and its id and name columns."""

    table: str
    key: str
    name: str

    def names(self, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
        """Each id with a name; ids without one (null or blank) are left out."""
        rows = con.execute(
            f'SELECT "{self.key}", any_value("{self.name}") FROM "{self.table}" '
            f"WHERE nullif(trim(\"{self.name}\"), '') IS NOT NULL GROUP BY 1"
        ).fetchall()
        return {str(key): str(name) for key, name in rows}


#: `--by` dimensions whose values have names in the data. Teams have none: the canonical tables know a
#: team only by its id.
NAMED_DIMENSIONS = {"agent": NameSource("agents", "agent_id", "name")}


def with_names(frame: pd.DataFrame, con: duckdb.DuckDBPyConnection, by: Sequence[str]) -> pd.DataFrame:
    """`frame` with a `<dimension>_name` column after each named `by` dimension: the value's name, or
    None where the data has none."""
    named = [d for d in by if d in NAMED_DIMENSIONS and d in frame.columns]
    if not named:
        return frame
    frame = frame.copy()
    for dimension in named:
        names = NAMED_DIMENSIONS[dimension].names(con)
        column = [None if value is None else names.get(str(value)) for value in frame[dimension]]
        position = list(frame.columns).index(dimension) + 1
        frame.insert(position, f"{dimension}_name", pd.Series(column, index=frame.index, dtype=object))
    return frame
