"""`kpidesk targets check`: the workspace's target file read, checked, and listed within the terminal;
`kpidesk targets suggest`: a baseline and a suggested target from a scope's own history."""

from __future__ import annotations

import json
import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import (
    NameChoice,
    as_option,
    business_hours_option,
    parse_date,
    unknown_name,
    workspace_option,
)
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.targets import Suggestion, Target

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


def _check_metric(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from kpidesk.metrics import CATALOGUE

    known = [m.id for m in CATALOGUE]
    if value not in known:
        raise click.BadParameter(unknown_name("metric", value, known) + " (`kpidesk metrics` lists them)")
    return value


def _parse_scope(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    scope: dict[str, str] = {}
    for text in values:
        dimension, sign, value = text.partition("=")
        if not sign or not dimension.strip() or not value.strip():
            raise click.BadParameter(f"expected DIM=VALUE such as team=billing, got {text!r}")
        scope[dimension.strip()] = value.strip()
    return scope


@targets.command("suggest")
@click.argument("metric", callback=_check_metric)
@click.option(
    "--scope",
    multiple=True,
    metavar="DIM=VALUE",
    callback=_parse_scope,
    help="Whose history (repeatable), a `kpis --by` dimension and its value: team=billing.",
)
@click.option(
    "--period",
    type=NameChoice(("kpidesk.targets", "TARGET_PERIODS"), "period"),
    default="month",
    show_default=True,
    help="The target's period of the default calendar: day, week, month, quarter or year.",
)
@click.option(
    "--stat",
    default=None,
    metavar="STAT",
    help="Durations: median, mean or pNN such as p90 (default: the metric's).",
)
@business_hours_option
@click.option(
    "--direction",
    type=NameChoice(("kpidesk.targets", "DIRECTIONS"), "direction"),
    default=None,
    help="Which side is good: needed for neutral metrics, else the catalogue's.",
)
@click.option(
    "--at",
    callback=parse_date,
    metavar="DATE",
    default=None,
    help="The day of the suggestion, YYYY-MM-DD: it reads the periods that ended before it "
    "(default: the last day of the data).",
)
@as_option("table", "json")
@workspace_option
@_user_errors
def suggest(
    metric: str,
    scope: dict[str, str],
    period: str,
    stat: str | None,
    business_hours: bool,
    direction: str | None,
    at: date | None,
    style: str,
    workspace: Path | None,
) -> None:
    """Suggest a target from the scope's own history. The baseline is the last three complete periods
    together, with its interval; the attainable and stretch targets are the levels the scope's better
    and best periods among its last twelve reached. Also printed: the periods behind them, and the
    `kpidesk targets add` command that adopts the suggestion (docs/targets.md gives the rules)."""
    suggestion = _api.suggest_target(
        workspace,
        metric,
        scope=scope,
        period=period,
        stat=stat,
        business_hours=business_hours,
        direction=direction,
        at=at,
    )
    if style == "json":
        click.echo(json.dumps(suggestion.as_dict(), ensure_ascii=False, indent=2))
        return
    _print_suggestion(suggestion)


def _print_suggestion(s: Suggestion) -> None:
    stat = f" ({s.stat})" if s.stat else ""
    hours = " · business hours" if s.business_hours else ""
    whom = ", ".join(f"{k} {v}" for k, v in s.scope.items()) or "everyone"
    console.print(
        f"[bold]{escape(s.metric)}[/]{escape(stat)} · {escape(whom)} · per {s.period}{hours} · "
        f"{s.direction} is better",
        highlight=False,
    )
    _print_baseline(s)
    if s.periods:
        console.print()
        table = compact_table()
        table.add_column(s.period, no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("n", justify="right", no_wrap=True)
        for p in s.periods:
            table.add_row(s.label(p), s.format(p.value), f"{p.n:,}")
        console.print(table)
    if s.attainable is not None and s.stretch is not None:
        console.print()
        table = compact_table(show_header=False)
        table.add_column("threshold", style="bold", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("basis", overflow="fold", ratio=1)
        table.add_row("attainable", s.format_threshold(s.attainable), escape(s.attainable_basis or ""))
        table.add_row("stretch", s.format_threshold(s.stretch), escape(s.stretch_basis or ""))
        console.print(table)
    if s.note:
        console.print()
        console.print(f"[yellow]note[/]: {escape(s.note)}", highlight=False)
    words = s.add_words()
    if words:
        console.print()
        console.print("To adopt the attainable target:", highlight=False)
        console.print(escape(_shell_lines(words, console.width)), highlight=False, soft_wrap=True)


def _print_baseline(s: Suggestion) -> None:
    b = s.baseline
    if b is None:
        console.print(f"[bold]baseline[/]: no complete {s.period} yet", highlight=False)
        return
    first, last = s.label(b.periods[0]), s.label(b.periods[-1])
    span = first if first == last else f"{first} – {last}"
    count = f"{len(b.periods)} complete {s.period}{'' if len(b.periods) == 1 else 's'}"
    console.print(f"[bold]baseline[/] {span}: {count}, {b.start} → {b.end}", highlight=False)
    if b.value is None:
        console.print("  no measured units on these days", highlight=False)
        return
    interval = ""
    if b.ci_low is not None and b.ci_high is not None:
        interval = f", {b.confidence:.0%} interval {s.format(b.ci_low)} – {s.format(b.ci_high)}"
    console.print(f"  {s.format(b.value)}{interval}, n {b.n:,}", highlight=False)


def _shell_lines(words: list[str], width: int) -> str:
    """A command, quoted for the shell, broken into continuation lines that fit `width`; an option stays
    on the line of its value."""
    quoted = [shlex.quote(w) for w in words]
    groups: list[str] = []
    for word in quoted:
        if groups and groups[-1].startswith("--") and " " not in groups[-1] and not word.startswith("--"):
            groups[-1] += " " + word
        else:
            groups.append(word)
    lines: list[str] = []
    line = ""
    for group in groups:
        if line and len(line) + 1 + len(group) > width - 2:
            lines.append(line)
            line = "    " + group
        else:
            line = f"{line} {group}" if line else group
    lines.append(line)
    return " \\\n".join(lines)
