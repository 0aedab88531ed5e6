"""`kpidesk targets`: the workspace's target file checked and listed, and every target's status, within the
terminal's width."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _CSV_FLOATS, _json_ready, _pd, _user_errors, console, main
from kpidesk.cli._options import as_option, parse_date, workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    import pandas as pd

    from kpidesk.targets import Target

__all__ = ["print_target_status", "targets"]


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


_STATUS_WORDS = {
    "met": "[green]met[/]",
    "missed": "[red]missed[/]",
    "on_track": "[green]on track[/]",
    "at_risk": "[yellow]at risk[/]",
    "off_track": "[red]off track[/]",
    "not_enough_data": "[dim]too few[/]",
    "not_started": "[dim]not started[/]",
}


@targets.command("status")
@click.option(
    "--at",
    "at",
    callback=parse_date,
    metavar="DATE",
    help="As of the end of this local day, YYYY-MM-DD (default: the last day of the data).",
)
@as_option("table", "csv", "json")
@workspace_option
@_user_errors
def status(at: date | None, style: str, workspace: Path | None) -> None:
    """Where every target stands in the period that holds --at: the value so far, where it will end
    (with its prediction interval), met, missed, on track, at risk or off track, the guardrails, and the
    error budget of proportion targets."""
    frame = _api.targets_status(workspace, at=at)
    if style == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    if style == "csv":
        flat = frame.assign(
            guardrails=[json.dumps(_json_ready(_pd().DataFrame(g))) for g in frame.guardrails]
        )
        click.echo(flat.to_csv(index=False, float_format=_CSV_FLOATS), nl=False)
        return
    if not len(frame):
        console.print("no targets yet: `kpidesk targets add` writes one (docs/targets.md)", highlight=False)
        return
    print_target_status(frame)


def print_target_status(frame: pd.DataFrame) -> None:
    """The status table within the terminal's width, then each target's guardrails, budget and notes."""
    from kpidesk.metrics import get_metric

    console.print(f"[bold]Targets as of the end of {frame['at'].iloc[0]}[/]", highlight=False)
    table = compact_table()
    table.add_column("target", overflow="fold", ratio=1)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("goal", justify="right", no_wrap=True)
    table.add_column("projected", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    lines: list[str] = []
    too_few: dict[str, list[str]] = {}
    for record in frame.to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        metric = get_metric(row["metric"])
        show = functools.partial(metric.kind_object.format_value, unit=metric.unit)
        member = row["member"]
        projected = ""
        if row["projected"] is not None and row["status"] not in ("met", "missed", "not_enough_data"):
            projected = show(row["projected"])
            if row["projected_low"] is not None and row["projected_high"] is not None:
                projected += f"\n{show(row['projected_low'])}–{show(row['projected_high'])}"
        sign = "≤" if row["direction"] == "lower" else "≥"
        table.add_row(
            f"  · {escape(member)} {escape(row['member_name'] or '')}"
            if member is not None
            else f"{escape(row['target_id'])}\n{_period_name(row)}",
            show(row["value"]),
            f"{row['n']:,}",
            "" if member is not None else f"{sign} {show(row['target'])}",
            projected,
            _STATUS_WORDS[row["status"]] + (" [red]⚑[/]" if row["guardrail_breach"] else ""),
        )
        if member is not None and row["status"] == "not_enough_data":
            too_few.setdefault(row["target_id"], []).append(f"{member} ({row['n']:,})")
            continue
        lines.extend(_status_notes(row, show))
    console.print(table)
    for line in lines:
        console.print(line, highlight=False)
    for target_id, members in too_few.items():
        console.print(
            f"[dim]{escape(target_id)}: too few to judge yet: {escape(', '.join(members))}[/]",
            highlight=False,
        )


def _period_name(row: dict[str, Any]) -> str:
    """The row's period in a few characters: `Jun 2026`, `Q2 2026`, `2026`, or its first and last day."""
    first, last = row["period_start"], row["period_end"]
    if (
        first.day == 1
        and first.month == 1
        and last.month == 12
        and last.day == 31
        and first.year == last.year
    ):
        return f"{first.year}"
    if first.day == 1 and (last + timedelta(days=1)).day == 1:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months == 1:
            return f"{first:%b %Y}"
        if months == 3 and first.month % 3 == 1:
            return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    if first == last:
        return f"{first:%d %b %Y}"
    return f"{first:%d %b}–{last:%d %b}"


def _status_notes(row: dict[str, Any], show: Callable[[Any], str]) -> list[str]:
    """The lines under the table about one row: its guardrails, error budget and notes."""
    from kpidesk.metrics import get_metric

    name = escape(row["target_id"] + (f" · {row['member']}" if row["member"] is not None else ""))
    out = []
    if row["guardrail_breach"]:
        out.append(
            f"[red]⚑ {name}[/]: the target improved while a guardrail got significantly worse — "
            "the number may be reached the wrong way"
        )
    if row["member"] is None and row["guardrails"]:
        parts = []
        for guard in row["guardrails"]:
            metric = get_metric(guard["metric"])
            kind = metric.kind_object
            text = f"{guard['metric']} {kind.format_value(guard['value'], metric.unit)}"
            if guard["baseline"] is not None and guard["change"] is not None:
                change = guard["change"]
                amount = (
                    f"{abs(change):.1f} pp"
                    if guard["change_unit"] == "pp"
                    else kind.format_value(abs(change), metric.unit)
                )
                sign = "+" if change > 0 else "−" if change < 0 else "±"
                text += f" (was {kind.format_value(guard['baseline'], metric.unit)}, {sign}{amount})"
            parts.append(text + (" [red]worse[/]" if guard["breached"] else ""))
        out.append(f"{name} guardrails: " + "; ".join(parts))
    if row["budget_allowed"] is not None and row["member"] is None:
        burn = row["burn_rate"]
        pace = "" if burn is None else f", spent at {burn:.1f}× the allowed pace"
        out.append(
            f"{name} error budget: {row['budget_allowed']:,} misses allowed for about "
            f"{row['expected_n']:,.0f} expected, {row['budget_used']:,} so far{pace}"
        )
    if row["note"]:
        out.append(f"[dim]{name}: {escape(row['note'])}[/]")
    return out
