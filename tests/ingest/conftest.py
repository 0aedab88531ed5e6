"""Fixtures for the importer tests: a real warehouse file, files written on disk, and a full snapshot of
the warehouse to prove a failed import left it exactly as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kpidesk.warehouse import CANONICAL_TABLES, history_table
from kpidesk.workspace import Workspace

BOOKKEEPING = (
    "imports",
    "rejected_rows",
    "pending_ticket_facts",
    "import_log",
    *(history_table(t) for t in CANONICAL_TABLES),
)


@pytest.fixture
def con(workspace: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the workspace's warehouse file (kpidesk.duckdb in tmp_path)."""
    connection = workspace.connect()
    yield connection
    connection.close()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file under tmp_path/in: text (encoded as asked) or bytes."""

    def write_file(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode(encoding))
        else:
            path.write_bytes(content)
        return path

    return write_file


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every canonical and bookkeeping table, in a stable order."""
    tables = [t.name for t in CANONICAL_TABLES] + list(BOOKKEEPING)
    return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def rejected(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> list[tuple[Any, ...]]:
    """(file name, line, column, value, reason) of rejected rows by import, file name and line (the
    folders the files sit in differ between runs)."""
    where = "" if import_id is None else f"WHERE import_id = {import_id}"
    rows = con.execute(
        f'SELECT file, line, "column", value, reason FROM rejected_rows {where} '
        "ORDER BY import_id, regexp_extract(file, '[^/]*$'), line"
    ).fetchall()
    return [(Path(f).name, line, column, value, reason) for f, line, column, value, reason in rows]


@pytest.fixture
def warehouse_snapshot() -> Callable[[duckdb.DuckDBPyConnection], dict[str, list[tuple[Any, ...]]]]:
    return snapshot


@pytest.fixture
def rejected_rows() -> Callable[..., list[tuple[Any, ...]]]:
    return rejected
