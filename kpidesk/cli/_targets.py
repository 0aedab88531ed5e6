"""`kpidesk targets`: the workspace's target file checked and listed (`check`), a target written or changed
(`add`, `set`) and its versions listed (`history`), every target's status (`status`), and a baseline
and a suggested target from a scope's own history (`suggest`), within the terminal's width."""

from __future__ import annotations

import csv
import io
import json
import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _CSV_FLOATS, _json_ready, _json_value, _user_errors, console, main
from kpidesk.cli._options import (
    NameChoice,
    as_option,
    business_hours_option,
    engine_option,
    on_engine,
    parse_date,
    unknown_name,
    workspace_option,
)
from kpidesk.cli._tables import compact_table
from kpidesk.cli._target_table import print_target_status

if TYPE_CHECKING:
    from kpidesk.targets import Suggestion, Target, TargetChange, TargetVersion

__all__ = ["targets"]


@main.group()
def targets() -> None:
    """Targets: what a metric should reach, for whom and by when (targets.yaml in the workspace)."""


@targets.command("check")
@workspace_option
@_user_errors
def check(workspace: Path | None) -> None:
    """Read and check targets.yaml: every problem is named by line, target and key; targets without
    guardrails and scopes the data does not hold are warned about. Each target is listed as it stands
    today (`kpidesk targets history ID` shows its changes)."""
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


# --- targets add / set / history: writing targets and their changes -------------------------------


def _scope_pairs(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str] | None:
    """`--scope team=billing --scope channel=email` as a mapping (None when not given)."""
    if not value:
        return None
    scope = {}
    for pair in value:
        dimension, equals, member = pair.partition("=")
        if not equals or not dimension.strip() or not member.strip():
            raise click.BadParameter(f"expected DIMENSION=VALUE such as team=billing, got {pair!r}")
        scope[dimension.strip()] = member.strip()
    return scope


_SCOPE_HELP = "A dimension and its value, e.g. team=billing (repeat for more); none: the whole organisation."
_THRESHOLD_HELP = "in the metric's unit: seconds for durations, a fraction (0.7) for rates"


@targets.command("add")
@workspace_option
@click.option("--id", "target_id", required=True, help="A short unique id, e.g. billing-frt.")
@click.option("--metric", required=True, help="A metric of the catalogue (`kpidesk metrics`).")
@click.option("--target", "threshold", type=float, required=True, help=f"The threshold, {_THRESHOLD_HELP}.")
@click.option("--stat", default=None, help="Durations only: median, mean or pNN; default the metric's own.")
@click.option("--business-hours", is_flag=True, help="Measure durations in business hours.")
@click.option("--scope", multiple=True, callback=_scope_pairs, metavar="DIMENSION=VALUE", help=_SCOPE_HELP)
@click.option("--per", default=None, help="Also one row per member of this dimension, e.g. agent.")
@click.option("--period", default=None, help="day, week, month, quarter or year; default month.")
@click.option("--from", "start", callback=parse_date, default=None, help="Fixed first date, YYYY-MM-DD.")
@click.option(
    "--to", "end", callback=parse_date, default=None, help="Fixed last date, YYYY-MM-DD (included)."
)
@click.option("--stretch", type=float, default=None, help="A more ambitious threshold, in the same unit.")
@click.option("--direction", default=None, help="higher or lower; needed for neutral metrics only.")
@click.option("--min-n", type=int, default=None, help="The fewest units a value needs to be judged.")
@click.option("--guardrail", "guardrails", multiple=True, help="A metric that must not get worse (repeat).")
@click.option("--owner", default=None, help="Who answers for the target.")
@click.option("--description", default=None, help="What the target asks, in words.")
@_user_errors
def add(workspace: Path | None, target_id: str, threshold: float, **options: Any) -> None:
    """Add a target to targets.yaml (created when absent); comments and everything else in the file are
    kept as written, and nothing is written when the target is invalid.

    Example: kpidesk targets add --id org-fcr --metric fcr_rate --target 0.7 --guardrail csat
    """
    options["guardrails"] = tuple(options["guardrails"])
    added = _api.add_target(workspace, target_id, target=threshold, **options)
    (target,) = added.targets
    console.print(
        f"added {escape(target.id)} to {escape(str(added.path))}: {escape(target.metric)}, "
        f"{escape(_scope(target))}, {_period(target)}, {_threshold(target)}",
        highlight=False,
    )
    for warning in added.warnings:
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False)


@targets.command("set")
@click.argument("target_id", metavar="ID")
@workspace_option
@click.option(
    "--target", "threshold", type=float, default=None, help=f"The new threshold, {_THRESHOLD_HELP}."
)
@click.option("--stretch", type=float, default=None, help="The new stretch threshold.")
@click.option(
    "--guardrail", "guardrails", multiple=True, help="The guardrails from then on (repeat; replaces them)."
)
@click.option(
    "--scope", multiple=True, callback=_scope_pairs, metavar="DIMENSION=VALUE", help="The new scope (repeat)."
)
@click.option("--per", default=None, help="The new dimension to give one row per member of.")
@click.option("--min-n", type=int, default=None, help="The new fewest units a value needs.")
@click.option("--owner", default=None, help="The new owner.")
@click.option("--description", default=None, help="The new description.")
@click.option("--reason", required=True, help="Why the target changes (kept with the change).")
@click.option(
    "--effective",
    callback=parse_date,
    default=None,
    help="The first day it applies, YYYY-MM-DD; default today.",
)
@click.option("--by", default=None, help="Who changes it; default your login name.")
@_user_errors
def set_(
    target_id: str,
    workspace: Path | None,
    threshold: float | None,
    guardrails: tuple[str, ...],
    **options: Any,
) -> None:
    """Change a target from a date on: the change is kept in targets.yaml with its date, author and
    reason, so a past period is judged against the target as it stood then.

    Example: kpidesk targets set billing-frt --target 3000 --effective 2026-10-01 --reason "new CRM"
    """
    changed = _api.set_target(
        workspace, target_id, target=threshold, guardrails=guardrails or None, **options
    )
    versions = changed.versions()
    at = _new_change(versions, options["reason"], options["effective"], options["by"])
    change, after = versions[at]
    assert change is not None
    before = versions[at - 1][1]
    console.print(
        f"changed {escape(changed.id)} from {change.effective.isoformat()}, by {escape(change.by)}: "
        f"{escape(change.reason)}",
        highlight=False,
    )
    table = compact_table()
    table.add_column("key", no_wrap=True)
    table.add_column("was", overflow="fold", ratio=1)
    table.add_column("now", overflow="fold", ratio=1)
    for key in change.values:
        table.add_row(key, escape(_value(before, key)), escape(_value(after, key)))
    console.print(table)
    later = [
        c for c in changed.changes if c.effective > change.effective and set(c.values) & set(change.values)
    ]
    for other in later:
        console.print(
            f"note: the change from {other.effective.isoformat()} ({escape(other.origin)}) sets "
            f"{', '.join(sorted(set(other.values) & set(change.values)))} again",
            highlight=False,
        )


@targets.command("history")
@click.argument("target_id", metavar="ID")
@workspace_option
@as_option("table", "csv", "json")
@_user_errors
def history(target_id: str, workspace: Path | None, style: str) -> None:
    """Every version of a target, in the order they apply: as first set, then each change with its
    date, author and reason, and the target in force from then on."""
    versions = _api.target_history(workspace, target_id)
    rows = [_version_record(version) for version in versions]
    if style == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if style == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        click.echo(out.getvalue(), nl=False)
        return
    first = versions[0].target
    console.print(
        f"[bold]{escape(first.id)}[/]: {escape(first.metric)}, {escape(_scope(first))}, {_period(first)}",
        highlight=False,
    )
    table = compact_table()
    table.add_column("from", no_wrap=True)
    table.add_column("by", overflow="fold", ratio=1)
    table.add_column("reason", overflow="fold", ratio=2)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("stretch", justify="right", no_wrap=True)
    table.add_column("also changed", overflow="fold", ratio=2)
    for version in versions:
        target = version.target
        others = [k for k in version.changed if k not in ("target", "stretch")]
        table.add_row(
            version.effective.isoformat() if version.effective else "first set",
            escape(version.by or ""),
            escape(version.reason or ""),
            _threshold(target),
            _format(target, target.stretch) if target.stretch is not None else "",
            escape("; ".join(f"{k} {_value(target, k)}" for k in others)),
        )
    console.print(table)


def _new_change(
    versions: list[tuple[TargetChange | None, Target]], reason: str, effective: date | None, by: str | None
) -> int:
    """Where the change just written is among the versions: the one recorded last of those with its
    reason (and date and author, when given); an identical older change would have changed nothing."""
    matches = [
        (change.recorded.timestamp() if change.recorded else 0.0, number)
        for number, (change, _) in enumerate(versions)
        if change is not None
        and change.reason == reason
        and (effective is None or change.effective == effective)
        and (by is None or change.by == by)
    ]
    return max(matches)[1]


def _format(target: Target, value: float) -> str:
    metric = target.catalogue_metric
    return metric.kind_object.format_value(value, metric.unit)


def _value(target: Target, key: str) -> str:
    """A changeable key's value as a person reads it: thresholds in the metric's unit."""
    value = getattr(target, key)
    if key in ("target", "stretch"):
        return "none" if value is None else _format(target, value)
    if key == "guardrails":
        return ", ".join(g.metric for g in value) or "none"
    if key == "scope":
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "everyone"
    return "none" if value is None else str(value)


def _version_record(version: TargetVersion) -> dict[str, Any]:
    target = version.target
    return {
        "effective": version.effective.isoformat() if version.effective else None,
        "by": version.by,
        "reason": version.reason,
        "recorded": version.recorded.isoformat() if version.recorded else None,
        "changed": list(version.changed),
        "target": target.target,
        "stretch": target.stretch,
        "guardrails": [g.metric for g in target.guardrails],
        "scope": dict(target.scope),
        "per": target.per,
        "min_n": target.min_n,
        "owner": target.owner,
        "description": target.description,
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if not isinstance(value, date) else value.isoformat()


@targets.command("status")
@click.option(
    "--at",
    "at",
    callback=parse_date,
    metavar="DATE",
    help="As of the end of this local day, YYYY-MM-DD (default: the last day of the data).",
)
@as_option("table", "csv", "json")
@engine_option
@workspace_option
@_user_errors
def status(at: date | None, style: str, engine: str | None, workspace: Path | None) -> None:
    """Where every target stands in the period that holds --at: the value so far, where it will end
    (with its prediction interval), met, missed, on track, at risk or off track, the guardrails, and the
    error budget of proportion targets."""
    frame = _api.targets_status(on_engine(workspace, engine), at=at)
    if style == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    if style == "csv":
        flat = frame.assign(
            guardrails=[json.dumps(_json_value(g), ensure_ascii=False) for g in frame.guardrails]
        )
        click.echo(flat.to_csv(index=False, float_format=_CSV_FLOATS), nl=False)
        return
    if not len(frame):
        console.print("no targets yet: `kpidesk targets add` writes one (docs/targets.md)", highlight=False)
        return
    print_target_status(console, frame)


def _check_metric(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from kpidesk.metrics import CATALOGUE

    known = [m.id for m in CATALOGUE]
    if value not in known:
        raise click.BadParameter(unknown_name("metric", value, known) + " (`kpidesk metrics` lists them)")
    return value


@targets.command("suggest")
@click.argument("metric", callback=_check_metric)
@click.option(
    "--scope",
    multiple=True,
    metavar="DIMENSION=VALUE",
    callback=_scope_pairs,
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
    scope: dict[str, str] | None,
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
