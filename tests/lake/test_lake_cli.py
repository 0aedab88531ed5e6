"""`kpidesk lake export` and `kpidesk lake status` at 80 columns: per table what was written, left and
removed, the rows, the generation and the lake's path whole; and the messages of a workspace without a
lake and of a lake not exported yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from kpidesk.cli import main
from kpidesk.cli._main import console
from kpidesk.lake import read_manifest
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import Workspace


@pytest.fixture
def width() -> Iterator[None]:
    before = console.width
    console.width = 80
    yield
    console.width = before


def _run(ws: Workspace, *args: str) -> str:
    """The output of a command; every line fits 80 columns but the lake's path, printed whole."""
    result = CliRunner().invoke(main, [*args, "-w", str(ws.path)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.endswith(ws.lake_location)]
    assert all(cell_len(line) <= 80 for line in lines), result.output
    return result.output


def _rows(output: str) -> dict[str, list[str]]:
    """The table's rows by their first cell, a canonical table's name."""
    names = {t.name for t in CANONICAL_TABLES}
    cells = [line.split() for line in output.splitlines()]
    return {row[0]: row[1:] for row in cells if row and row[0] in names}


def test_export_then_status(lake_demo: Workspace, width: None) -> None:
    output = _run(lake_demo, "lake", "export")
    manifest = read_manifest(lake_demo.lake_location)
    rows = _rows(output)
    assert output.splitlines()[0].split() == ["table", "written", "unchanged", "removed", "rows"]
    assert set(rows) == {t.name for t in CANONICAL_TABLES}
    for name, cells in rows.items():
        table = manifest.table(name)
        assert cells == [f"{len(table.files)}", "0", "0", f"{table.rows:,}"], name
    assert rows["tickets"] == ["7", "0", "0", "300"]
    assert output.splitlines()[-1] == f"generation 1 exported to {lake_demo.lake_location}"

    again = _run(lake_demo, "lake", "export")
    assert _rows(again)["tickets"] == ["0", "7", "0", "300"]
    assert (
        again.splitlines()[-1] == f"generation 1 unchanged since the last export: {lake_demo.lake_location}"
    )

    status = _run(lake_demo, "lake", "status")
    lines = status.splitlines()
    assert lines[0] == f"lake {lake_demo.lake_location}"
    assert lines[1] == f"generation 1, exported {manifest.exported_at:%Y-%m-%d %H:%M} UTC"
    assert lines[2].split() == ["table", "partitions", "sources", "months", "rows"]
    table_rows = _rows(status)
    assert table_rows["tickets"] == ["7", "1", "2026-01..2026-07", "300"]
    assert table_rows["agents"] == ["1", "1", "32"]
    assert table_rows["source_figures"] == ["0", "0", "0"]
    assert lines[-1] == "facts: none yet (the Spark engine derives them on its first use of the lake)"


def test_a_long_lake_path_is_printed_whole(lake_demo: Workspace, tmp_path: Path, width: None) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / "lake"
    settings = lake_demo.path / "kpidesk.toml"
    settings.write_text(settings.read_text().replace('path = "lake"', f'path = "{deep}"'))
    result = CliRunner().invoke(main, ["lake", "export", "-w", str(lake_demo.path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"generation 1 exported to {deep}"


def test_status_before_any_export_and_without_a_lake(lake_demo: Workspace, workspace: Workspace) -> None:
    result = CliRunner().invoke(main, ["lake", "status", "-w", str(lake_demo.path)])
    assert result.exit_code == 2
    assert "no lake at" in result.output and "run `kpidesk lake export`" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["lake", "export", "-w", str(workspace.path)])
    assert result.exit_code == 2
    assert "[lake] section" in result.output
