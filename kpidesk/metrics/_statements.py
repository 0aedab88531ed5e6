"""Compiled statements kept across calls: the SQL of a KPI question is built and compiled once.

Building Ibis expressions and compiling them to SQL takes about as long as DuckDB takes to run them. The
SQL of a question depends on what is asked (metrics, groups, dates, statistics), on the settings and on
the tables' layout, never on their rows: what a question reads from the data (its periods, each source's
last instant) reaches the statements as small tables read by name (`KpiTables.frame_table`), registered
again at every call. So a statement compiled once runs as it is after any import, until the question,
the settings or the layout change — and those are part of its key.

Only DuckDB runs kept statements; another engine compiles at every call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.schema as sch
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.formats.pandas import PandasData

__all__ = ["Statement", "StatementCache", "statements"]


@dataclass(frozen=True)
class Statement:
    """One query: its SQL for a DuckDB connection (None: run the expression through Ibis each time) and
    the schema of its result."""

    expr: ir.Table | None
    sql: str | None
    schema: sch.Schema

    @classmethod
    def compile(cls, expr: ir.Table) -> Statement:
        """The statement of `expr`: compiled once on DuckDB when it reads no in-memory table (whose
        generated name would not outlive the call)."""
        backend = ibis.get_backend(expr)
        if backend.name != "duckdb" or expr.op().find(ops.InMemoryTable):
            return cls(expr, None, expr.schema())
        return cls(None, str(backend.compile(expr)), expr.schema())

    def to_pyarrow(self, backend: ibis.BaseBackend) -> pa.Table:
        """The result as an Arrow table, read on `backend` (the connection of this call)."""
        if self.sql is None:
            assert self.expr is not None
            return self.expr.to_pyarrow()
        return backend.con.sql(self.sql).to_arrow_table()

    def to_pandas(self, backend: ibis.BaseBackend) -> pd.DataFrame:
        """The result as a DataFrame with the column types Ibis gives."""
        if self.sql is None:
            assert self.expr is not None
            return self.expr.execute()
        return self.frame(self.to_pyarrow(backend))

    def frame(self, table: pa.Table, *, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        """`table` (this statement's result) as a DataFrame, less the columns in `drop`."""
        kept = [name for name in self.schema.names if name not in drop]
        schema = sch.Schema({name: self.schema[name] for name in kept})
        return PandasData.convert_table(table.select(kept).to_pandas(), schema)


class StatementCache:
    """What the most recent questions compiled, by a key that names everything their SQL depends on.
    Only compiled SQL may be kept: an Ibis expression is bound to the connection of its call."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        #: Questions answered with kept statements, and questions whose statements were compiled.
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        """What was kept for `key`, or None."""
        with self._lock:
            if key not in self._kept:
                self.misses += 1
                return None
            self.hits += 1
            self._kept.move_to_end(key)
            return self._kept[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept statement, and the counts of hits and misses."""
        with self._lock:
            self._kept.clear()
            self.hits = self.misses = 0


#: The process's kept statements.
statements = StatementCache()
