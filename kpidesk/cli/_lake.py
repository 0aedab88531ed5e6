"""`kpidesk lake`: write the canonical tables to the Parquet lake (`export`) and show what it holds
(`status`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.lake import LakeManifest, LakeTable

__all__ = ["lake"]


@main.group()
def lake() -> None:
    """The Parquet lake of `[lake] path`: the canonical tables by source and month (docs/lake.md)."""


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@lake.command("export")
@workspace_option
@_user_errors
def export(workspace: Path | None) -> None:
    """Write the warehouse's canonical tables to the lake as Parquet, one file per source and month,
    rewriting only the partitions that changed since the last export. Readers of the lake see the
    previous export until this one is complete."""
    result = _api.export_lake(workspace, progress=True)
    table = compact_table()
    table.add_column("table")
    for heading in ("written", "unchanged", "removed", "rows"):
        table.add_column(heading, justify="right")
    for t in result.tables:
        table.add_row(t.table, f"{t.written:,}", f"{t.unchanged:,}", f"{t.removed:,}", f"{t.rows:,}")
    console.print(table)
    what = "exported to" if result.changed else "unchanged since the last export:"
    console.print(
        f"generation {result.generation} {what} {escape(result.location)}", highlight=False, soft_wrap=True
    )


def _months(table: LakeTable) -> str:
    months = sorted({p.month for p in table.partitions if p.month is not None and p.month != "none"})
    if not months:
        return ""
    return months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"


@lake.command("status")
@workspace_option
@_user_errors
def status(workspace: Path | None) -> None:
    """What the lake holds: each table's partitions, sources, months and rows, the generation and when it
    was exported, and the facts derived from it."""
    manifest = _api.lake_status(workspace)
    console.print(f"lake {escape(manifest.location)}", highlight=False, soft_wrap=True)
    console.print(f"generation {manifest.generation}, exported {_utc(manifest.exported_at)}", highlight=False)
    table = compact_table()
    table.add_column("table")
    table.add_column("partitions", justify="right")
    table.add_column("sources", justify="right")
    table.add_column("months")
    table.add_column("rows", justify="right")
    for t in manifest.tables.values():
        sources = {p.source for p in t.partitions}
        table.add_row(t.name, f"{len(t.partitions):,}", f"{len(sources):,}", _months(t), f"{t.rows:,}")
    console.print(table)
    console.print(_facts(manifest), highlight=False)


def _facts(manifest: LakeManifest) -> str:
    facts = manifest.facts
    if facts is None:
        return "facts: none yet (the Spark engine derives them on its first use of the lake)"
    names = ", ".join(sorted(facts.tables))
    return f"facts: {escape(names)}, derived {_utc(facts.derived_at)} for {escape(facts.key)}"
