"""The Spark engine: the process's Spark session, the facts derived on the cluster from the Parquet lake and
written back to it, and the KPI tables that read them through the same Ibis code as DuckDB's."""

from kpidesk.engine._errors import EngineUnavailable
from kpidesk.engine._progress import SparkProgress
from kpidesk.engine._session import spark_session
from kpidesk.engine._spark import EngineTables, spark_tables
from kpidesk.engine._spark_facts import derive_lake_facts, facts_key

__all__ = [
    "EngineTables",
    "EngineUnavailable",
    "SparkProgress",
    "derive_lake_facts",
    "facts_key",
    "spark_session",
    "spark_tables",
]
