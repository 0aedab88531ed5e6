"""`lake_tables` on PySpark: every canonical table registered on the session from the files the manifest
names, with the warehouse's columns (no column made from the folders' names), types and rows — the
table without rows included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pytest
from demo_fixture import copy_workspace
from lake_fixture import with_lake

from kpidesk.lake import export_lake, lake_tables, read_manifest
from kpidesk.warehouse import CANONICAL_TABLES

pytestmark = pytest.mark.spark


def _plain(dtype: dt.DataType) -> dt.DataType:
    """A type as both engines must agree on it: Spark may declare a column NOT NULL where the warehouse
    does not, and gives no precision for its timestamps (microseconds, as DuckDB's)."""
    if dtype.is_timestamp():
        return dt.Timestamp(timezone=dtype.timezone)
    return dtype.copy(nullable=True)


def test_the_lake_on_spark_is_the_warehouse(spark: Any, demo_template: Path, tmp_path: Path) -> None:
    ws = with_lake(copy_workspace(demo_template, tmp_path / "demo"))
    export_lake(ws)
    manifest = read_manifest(ws.lake_location)
    on_spark = lake_tables(ibis.pyspark.connect(spark), manifest)
    on_duckdb = lake_tables(ibis.duckdb.connect(), manifest)
    assert set(on_spark) == {t.name for t in CANONICAL_TABLES}
    with ws.connect(read_only=True) as con:
        warehouse = ibis.duckdb.from_connection(con)
        for table in CANONICAL_TABLES:
            schema = warehouse.table(table.name).schema()
            assert on_spark[table.name].columns == schema.names == on_duckdb[table.name].columns
            for name, dtype in schema.items():
                assert _plain(on_spark[table.name].schema()[name]) == _plain(dtype), (table.name, name)
            rows = con.execute(f'SELECT count(*) FROM "{table.name}"').fetchall()[0]
            assert on_spark[table.name].count().execute() == rows[0]
        tickets = spark.sql("SELECT ticket_id, created_at FROM tickets WHERE source = 'demo'").toPandas()
        expected = con.execute("SELECT ticket_id, created_at FROM tickets").df()
    joined = tickets.merge(expected, on="ticket_id", suffixes=("_lake", "_warehouse"))
    assert len(joined) == 300
    assert (joined["created_at_lake"] == joined["created_at_warehouse"]).all()
    assert on_spark["source_figures"].count().execute() == 0
