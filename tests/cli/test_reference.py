"""docs/cli.md is the commands' own help: regenerated, it is the same file."""

from __future__ import annotations

from pathlib import Path

from kpidesk.cli._reference import cli_reference_markdown

CLI_DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_cli_reference_is_current() -> None:
    text = cli_reference_markdown()
    assert CLI_DOC.read_text(encoding="utf-8") == text, "docs/cli.md is behind the commands; run `make docs`"
    for command in (
        "kpidesk kpis",
        "kpidesk staffing plan",
        "kpidesk calls intervals",
        "kpidesk imports undo",
    ):
        assert f"## `{command}`" in text
    assert "--as [table|csv|json|parquet]" in text and "--interval TEXT" in text
