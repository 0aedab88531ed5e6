"""The lake's tables registered on an Ibis backend (DuckDB or PySpark) under their own names, read from
exactly the files the manifest lists, so that the same Ibis code runs over the lake as over the
warehouse."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import ibis
import ibis.expr.types as ir

from kpidesk.lake._errors import LakeError
from kpidesk.lake._files import lake_files
from kpidesk.lake._manifest import LakeManifest

__all__ = ["fact_tables", "lake_tables"]

#: What DuckDB calls the schemes Spark uses for object stores.
_DUCKDB_SCHEMES = (("s3a://", "s3://"), ("s3n://", "s3://"))


class _Reader(ABC):
    """Registers a list of Parquet files as a named table on one kind of backend."""

    def __init__(self, backend: ibis.BaseBackend) -> None:
        self.backend = backend

    @abstractmethod
    def register(self, name: str, paths: list[str]) -> ir.Table: ...


class _DuckDBReader(_Reader):
    def register(self, name: str, paths: list[str]) -> ir.Table:
        for spark_scheme, duckdb_scheme in _DUCKDB_SCHEMES:
            paths = [
                duckdb_scheme + p.removeprefix(spark_scheme) if p.startswith(spark_scheme) else p
                for p in paths
            ]
        # The folders' `source=`/`month=` names are for people: the columns are in the files.
        return self.backend.read_parquet(paths, table_name=name, hive_partitioning=False)


class _SparkReader(_Reader):
    def register(self, name: str, paths: list[str]) -> ir.Table:
        session: Any = self.backend._session
        # Files given one by one: Spark reads no partition columns from their folders' names.
        session.read.parquet(*paths).createOrReplaceTempView(name)
        return self.backend.table(name)


_READERS: dict[str, type[_Reader]] = {"duckdb": _DuckDBReader, "pyspark": _SparkReader}


def _reader(backend: ibis.BaseBackend) -> _Reader:
    try:
        return _READERS[backend.name](backend)
    except KeyError:
        raise LakeError(f"the lake can be read on {' or '.join(_READERS)}, not on {backend.name}") from None


def lake_tables(backend: ibis.BaseBackend, manifest: LakeManifest) -> dict[str, ir.Table]:
    """Every canonical table of the lake registered on `backend` under its own name; a table without rows
    is there with its columns. LakeError naming the partition and file when a listed file is gone."""
    files = lake_files(manifest.location)
    owners = {
        p.file: (table.name, f", partition source={p.source}" + (f", month={p.month}," if p.month else ","))
        for table in manifest.tables.values()
        for p in table.partitions
    }
    every = {
        f: (table.name, " (a table without rows)") for table in manifest.tables.values() for f in table.files
    }
    missing = files.missing(every)
    if missing:
        table, where = owners.get(missing[0], every[missing[0]])
        more = f" (and {len(missing) - 1} more files)" if len(missing) > 1 else ""
        raise LakeError(
            f"the lake's table {table}{where} is missing its file {files.absolute(missing[0])}{more}: it "
            "was deleted or the lake was changed by hand; run `kpidesk lake export` again"
        )
    reader = _reader(backend)
    return {name: reader.register(name, manifest.files(name)) for name in manifest.tables}


def fact_tables(backend: ibis.BaseBackend, manifest: LakeManifest) -> dict[str, ir.Table]:
    """The facts of `manifest.facts` registered on `backend` under their own names, each read from the
    Parquet files of its folder."""
    if manifest.facts is None:
        raise LakeError(f"the lake at {manifest.location} holds no facts yet")
    files = lake_files(manifest.location)
    reader = _reader(backend)
    tables = {}
    for name, folder in manifest.facts.tables.items():
        parts = [
            f
            for f in files.listing(folder)
            if f.endswith(".parquet") and not f.rsplit("/", 1)[-1].startswith(("_", "."))
        ]
        if not parts:
            raise LakeError(
                f"the lake's fact table {name} has no Parquet file in {files.absolute(folder)}: it was "
                "deleted or its derivation did not finish; derive the facts again"
            )
        tables[name] = reader.register(name, [files.absolute(f) for f in parts])
    return tables
