"""`kpidesk targets check`: the workspace's target file read, checked, and listed within the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.targets import Target

__all__ = ["targets"]


@main.group()
def targets() -> None:
    """Targets: what a metric should reach, for whom and by when (targets.yaml in the workspace)."""


@targets.command("check")
@workspace_option
@_user_errors
def check(workspace: Path | None) -> None:
    """Read and check targets.yaml: every problem is named by line, target and key; targets without
    guardrails and scopes the data does not hold are warned about."""
    checked = _api.check_targets(workspace)
    if not checked.exists:
        console.print(
            f"no targets yet: write {escape(str(checked.path))} (docs/targets.md describes the file)",
            highlight=False,
        )
        return
    count = len(checked.targets)
    console.print(
        f"[bold]{count} target{'' if count == 1 else 's'}[/] in {escape(str(checked.path))}", highlight=False
    )
    if checked.targets:
        table = compact_table()
        table.add_column("id", overflow="fold", ratio=1)
        table.add_column("metric", no_wrap=True)
        table.add_column("for", overflow="fold", ratio=1)
        table.add_column("period", overflow="fold", ratio=1)
        table.add_column("target", justify="right", no_wrap=True)
        for target in checked.targets:
            table.add_row(
                escape(target.id),
                escape(target.metric),
                escape(_scope(target)),
                _period(target),
                _threshold(target),
            )
        console.print(table)
    for warning in checked.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)


def _scope(target: Target) -> str:
    scope = ", ".join(f"{k} {v}" for k, v in target.scope.items()) or "everyone"
    return f"{scope}, per {target.per}" if target.per else scope


def _period(target: Target) -> str:
    if target.period is not None:
        return target.period
    assert target.start is not None and target.end is not None
    return f"{target.start.isoformat()} → {target.end.isoformat()}"


def _threshold(target: Target) -> str:
    metric = target.catalogue_metric
    sign = "≤" if target.direction == "lower" else "≥"
    stat = f"{target.stat} " if target.stat else ""
    return f"{stat}{sign} {metric.kind_object.format_value(target.target, metric.unit)}"
