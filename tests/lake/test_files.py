"""The lake's file layer on a local folder (DuckDB's writer, rename, file lock) and through pyarrow.fs (the
layer remote lakes use, here on the local file system by its file:// URI): the same Parquet files, the
same listing, replace and delete."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from kpidesk.lake._files import LakeFiles, LocalFiles, RemoteFiles, lake_files

ROWS = (
    "SELECT * FROM (VALUES ('s', 'T1', TIMESTAMP '2026-03-01 08:00:00', ['a', 'b'], 2::INTEGER, 1.5, true), "
    "('s', 'T2', NULL, NULL, NULL, NULL, NULL)) AS t(source, ticket_id, created_at, tags, n, x, ok)"
)


@pytest.fixture(params=["local", "pyarrow"])
def files(request: pytest.FixtureRequest, tmp_path: Path) -> LakeFiles:
    root = tmp_path / "lake"
    root.mkdir()
    return LocalFiles(str(root)) if request.param == "local" else RemoteFiles(f"file://{root}")


def test_the_layer_is_chosen_by_the_path() -> None:
    assert isinstance(lake_files("/data/lake"), LocalFiles)
    assert isinstance(lake_files("file:///data/lake"), LocalFiles)
    assert isinstance(lake_files("relative/lake"), LocalFiles)


def test_parquet_written_either_way_reads_back_the_same(files: LakeFiles, tmp_path: Path) -> None:
    con = duckdb.connect()
    files.write_query(con, ROWS, "tickets/source=s/month=2026-03/part-1-abc.parquet")
    path = tmp_path / "lake" / "tickets" / "source=s" / "month=2026-03" / "part-1-abc.parquet"
    schema = pq.read_schema(path)
    assert [(f.name, str(f.type)) for f in schema] == [
        ("source", "string"),
        ("ticket_id", "string"),
        ("created_at", "timestamp[us]"),
        ("tags", "list<element: string>"),
        ("n", "int32"),
        ("x", "decimal128(2, 1)"),
        ("ok", "bool"),
    ]
    back = con.execute(f"SELECT * FROM read_parquet('{path}', hive_partitioning = false)").fetchall()
    assert back == con.execute(ROWS).fetchall()
    assert files.listing("tickets") == ["tickets/source=s/month=2026-03/part-1-abc.parquet"]
    assert files.listing("calls") == []
    assert files.missing(["tickets/source=s/month=2026-03/part-1-abc.parquet", "tickets/x.parquet"]) == [
        "tickets/x.parquet"
    ]


def test_text_is_replaced_whole_and_files_are_deleted(files: LakeFiles, tmp_path: Path) -> None:
    assert files.read_text("_manifest.json") is None
    files.replace_text("_manifest.json", "first")
    files.replace_text("_manifest.json", "second")
    assert files.read_text("_manifest.json") == "second"
    assert sorted(p.name for p in (tmp_path / "lake").iterdir()) == ["_manifest.json"]

    con = duckdb.connect()
    files.write_query(con, ROWS, "facts/abc/ticket_facts/part-0.parquet")
    files.write_query(con, ROWS, "facts/abc/call_facts/part-0.parquet")
    files.delete("facts/abc/call_facts/part-0.parquet")
    files.delete("facts/abc/call_facts/part-0.parquet")  # already gone: nothing to do
    assert files.listing("facts") == ["facts/abc/ticket_facts/part-0.parquet"]
    files.delete_tree("facts/abc")
    files.delete_tree("facts/abc")
    assert files.listing("facts") == []
    with files.lock():
        assert files.read_text("_manifest.json") == "second"
