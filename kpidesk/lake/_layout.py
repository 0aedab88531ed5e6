"""How each canonical table is cut into partitions: by source, and by the UTC month of the instant that
dates a row (a table without one, such as agents, by source only). Rows without that instant share a
`month=none` partition of their source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from kpidesk.warehouse import CANONICAL_TABLES, TableSchema

__all__ = ["NO_MONTH", "TABLE_LAYOUTS", "TableLayout", "layout_of", "sql_text"]

#: The month of rows whose dating instant is empty.
NO_MONTH = "none"
#: The folder of rows without a source (Hive's name for an empty partition value).
_NO_SOURCE = "__HIVE_DEFAULT_PARTITION__"


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableLayout:
    """One canonical table's partitioning. `instant` is the column whose UTC month names a row's
    partition (None: by source only); `span` the column whose first and last instants the manifest
    records, the same kpidesk's data spans read (None: the table is not dated)."""

    schema: TableSchema
    instant: str | None
    span: str | None = None

    @property
    def name(self) -> str:
        return self.schema.name

    @property
    def columns_sql(self) -> str:
        return ", ".join(_ident(c.name) for c in self.schema.all_columns)

    @property
    def month_sql(self) -> str:
        """The month of a row as YYYY-MM (`none` without an instant); NULL for a table without months."""
        if self.instant is None:
            return "NULL"
        return f"coalesce(strftime({_ident(self.instant)}, '%Y-%m'), {sql_text(NO_MONTH)})"

    def fingerprint_sql(self) -> str:
        """Per (source, month): rows, two order-independent sums of the rows' hashes, and the first and
        last instant of `span`."""
        row_hash = f"hash({self.columns_sql})"
        span = _ident(self.span) if self.span else "NULL::TIMESTAMP"
        return (
            f"SELECT source, {self.month_sql} AS month, count(*) AS n, "
            f"sum({row_hash}::HUGEINT)::VARCHAR AS hash_sum, bit_xor({row_hash})::VARCHAR AS hash_xor, "
            f"min({span}) AS first, max({span}) AS last "
            f"FROM {_ident(self.name)} GROUP BY ALL"
        )

    def rows_sql(self, source: str | None, month: str | None) -> str:
        """The rows of one partition, in key order (so a rewrite of unchanged rows gives the same file)."""
        where = ["source IS NULL" if source is None else f"source = {sql_text(source)}"]
        if self.instant is not None and month is not None:
            where.append(self._month_filter(month))
        order = ", ".join(_ident(c) for c in self.schema.full_key)
        return (
            f"SELECT {self.columns_sql} FROM {_ident(self.name)} WHERE {' AND '.join(where)} ORDER BY {order}"
        )

    def empty_sql(self) -> str:
        """No rows, with every column: the file of a table without rows."""
        return f"SELECT {self.columns_sql} FROM {_ident(self.name)} LIMIT 0"

    def _month_filter(self, month: str) -> str:
        column = _ident(self.instant or "")
        if month == NO_MONTH:
            return f"{column} IS NULL"
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
        end = date(year + number // 12, number % 12 + 1, 1)
        return f"{column} >= TIMESTAMP '{start}' AND {column} < TIMESTAMP '{end}'"

    def folder(self, source: str | None, month: str | None) -> str:
        """The folder of a partition's files, relative to the lake's root."""
        parts = [self.name, f"source={_NO_SOURCE if source is None else quote(source, safe='')}"]
        if month is not None:
            parts.append(f"month={month}")
        return "/".join(parts)


#: The instant dating each table's rows (and the span the manifest records for the dated ones).
_INSTANTS: dict[str, tuple[str | None, str | None]] = {
    "tickets": ("created_at", "created_at"),
    "ticket_events": ("at", None),
    "calls": ("arrived_at", "arrived_at"),
    "surveys": ("responded_at", "responded_at"),
    "agents": (None, None),
    "agent_states": ("start", None),
    "customers": ("created_at", None),
    "qa_reviews": ("reviewed_at", None),
    "source_figures": ("at", None),
}

TABLE_LAYOUTS: tuple[TableLayout, ...] = tuple(
    TableLayout(schema, *_INSTANTS.get(schema.name, (None, None))) for schema in CANONICAL_TABLES
)


def layout_of(table: str) -> TableLayout:
    for layout in TABLE_LAYOUTS:
        if layout.name == table:
            return layout
    raise KeyError(table)
