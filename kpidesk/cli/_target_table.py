"""Target status as a terminal table that fits the terminal: one row per target and member, the period
under the target's id, the projection over its interval; the guardrails, error budgets and notes below."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["print_target_status"]

_STATUS_WORDS = {
    "met": "[green]met[/]",
    "missed": "[red]missed[/]",
    "on_track": "[green]on track[/]",
    "at_risk": "[yellow]at risk[/]",
    "off_track": "[red]off track[/]",
    "not_enough_data": "[dim]too few[/]",
    "not_started": "[dim]not started[/]",
}


def print_target_status(console: Console, frame: pd.DataFrame) -> None:
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
