"""The Parquet lake: the canonical tables exported by source and month, incrementally and atomically,
with a manifest that is the only entry point; readable on DuckDB and on Spark (docs/lake.md)."""

from kpidesk.lake._errors import LakeError
from kpidesk.lake._export import LakeExport, TableExport, export_lake
from kpidesk.lake._facts import facts_location, record_facts
from kpidesk.lake._manifest import (
    LakeFacts,
    LakeManifest,
    LakePartition,
    LakeSpan,
    LakeTable,
    read_manifest,
)
from kpidesk.lake._read import fact_tables, lake_tables

__all__ = [
    "LakeError",
    "LakeExport",
    "LakeFacts",
    "LakeManifest",
    "LakePartition",
    "LakeSpan",
    "LakeTable",
    "TableExport",
    "export_lake",
    "fact_tables",
    "facts_location",
    "lake_tables",
    "read_manifest",
    "record_facts",
]
