"""Names beside ids: the agents table names the agents that tickets, calls and results know only by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from kpidesk.metrics import KpiTables

__all__ = ["NAMED_DIMENSIONS", "NameSource", "with_names"]


@dataclass(frozen=True)
class NameSource:
    """The canonical table that names a dimension's values, and its id and name columns."""

    table: str
    key: str
    name: str

    def names(self, table: ir.Table) -> dict[str, str]:
        """Each id with a name, read from `table` (this source's table on any engine); ids without one (null
        or blank) are left out, and an id two sources name differently takes the alphabetically first."""
        name = table[self.name]
        named = table.filter(name.notnull() & (name.strip() != ""))
        rows = named.group_by(self.key).aggregate(name=name.min()).to_pyarrow().to_pylist()
        return {str(row[self.key]): str(row["name"]) for row in rows}


#: `--by` dimensions whose values have names in the data. Teams have none: the canonical tables know a
#: team only by its id.
NAMED_DIMENSIONS = {"agent": NameSource("agents", "agent_id", "name")}


def with_names(frame: pd.DataFrame, tables: KpiTables, by: Sequence[str]) -> pd.DataFrame:
    """`frame` with a `<dimension>_name` column after each named `by` dimension: the value's name (read from
    `tables`, the ones the figures came from), or None where the data has none."""
    named = [d for d in by if d in NAMED_DIMENSIONS and d in frame.columns]
    if not named:
        return frame
    frame = frame.copy()
    for dimension in named:
        source = NAMED_DIMENSIONS[dimension]
        names = source.names(getattr(tables, source.table))
        column = [None if value is None else names.get(str(value)) for value in frame[dimension]]
        position = list(frame.columns).index(dimension) + 1
        frame.insert(position, f"{dimension}_name", pd.Series(column, index=frame.index, dtype=object))
    return frame
