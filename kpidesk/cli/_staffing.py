"""`kpidesk staffing …`: agents needed for one interval, what a number of agents achieves, plans and
their simulation check. Thin wrappers over `kpidesk.staffing` and `kpidesk.staffing_plan`."""

from __future__ import annotations

import json
import math
from typing import Any

import click
from rich.table import Table

from kpidesk.cli._main import _user_errors, console, main
from kpidesk.staffing import (
    MODELS,
    QueueFigures,
    StaffingTarget,
    evaluate_agents,
    parse_interval,
    parse_target,
    required_agents,
)

__all__ = ["staffing"]


def parse_share(text: str | None, what: str) -> float | None:
    """"0.3", "30%" → 0.3; None stays None."""
    if text is None:
        return None
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise click.BadParameter(f"{what} must be a fraction such as 0.3 or a percentage such as 30%, "
                                 f"got {text!r}") from None
    if value > 1 and not raw.endswith("%"):
        raise click.BadParameter(f"{what} {text!r} is more than 1; write a percentage as {raw}%")
    return value


def _target(target: str | None, asa: float | None, max_abandonment: str | None,
            max_occupancy: str | None) -> StaffingTarget:
    level, threshold = parse_target(target) if target else (None, 20.0)
    return StaffingTarget(
        service_level=level, threshold_s=threshold, max_asa_s=asa,
        max_abandonment=parse_share(max_abandonment, "--max-abandonment"),
        max_occupancy=parse_share(max_occupancy, "--max-occupancy"),
    )


def _number(value: float) -> float | None:
    return None if math.isnan(value) else (value if math.isfinite(value) else None)


def figures_record(figures: QueueFigures, threshold_s: float) -> dict[str, Any]:
    """The figures as JSON-ready keys (an infinite ASA of an unstable queue becomes null)."""
    return {
        "model": figures.model,
        "agents": figures.agents,
        "traffic_erlangs": figures.traffic,
        "service_level": _number(figures.service_level),
        "service_level_seconds": threshold_s,
        "asa_s": _number(figures.asa),
        "p_wait": _number(figures.p_wait),
        "abandonment": _number(figures.abandonment),
        "occupancy": _number(figures.occupancy),
        "mean_wait_s": _number(figures.mean_wait),
        "stable": figures.stable,
    }


def _print_record(record: dict[str, Any], title: str) -> None:
    table = Table(title=title, show_edge=False, show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    shares = {"service_level", "p_wait", "abandonment", "occupancy", "shrinkage"}
    for key, value in record.items():
        if isinstance(value, float):
            shown = f"{value:.1%}" if key in shares else f"{value:,.2f}"
        else:
            shown = "—" if value is None else str(value)
        table.add_row(key, shown)
    console.print(table)


def _load_options(func: Any) -> Any:
    options = [
        click.option("--calls", type=float, required=True, help="Calls expected in the interval."),
        click.option("--interval", "interval", default="30m", show_default=True,
                     help="Interval length: 15m, 30m, 1h, 900s…"),
        click.option("--aht", type=float, required=True, help="Average handle time, seconds."),
        click.option("--model", type=click.Choice(MODELS), default="erlang-c", show_default=True,
                     help="erlang-c: callers wait as long as it takes; erlang-a: they abandon after an "
                          "exponential patience (needs --patience)."),
        click.option("--patience", type=float, default=None,
                     help="Callers' mean patience in seconds (Erlang A)."),
        click.option("--shrinkage", default=None,
                     help="Share of paid time agents are off the phones, e.g. 0.3 or 30%."),
        click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                     show_default=True),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.group()
def staffing() -> None:
    """Agents per interval from service-level targets: Erlang C and Erlang A, plans, simulation.

    Service level is the share of all calls answered within T seconds (an abandoned call never is), ASA
    the mean wait of answered calls, occupancy the agents' busy share.
    """


@staffing.command("required")
@_load_options
@click.option("--target", default=None, metavar="PCT/SEC",
              help='Service level target, e.g. "80/20": 80% of calls answered within 20 seconds.')
@click.option("--asa", type=float, default=None, help="Longest average speed of answer, seconds.")
@click.option("--max-abandonment", default=None, help="Highest abandonment share (Erlang A), e.g. 0.05.")
@click.option("--max-occupancy", default=None, help="Occupancy cap, e.g. 0.85.")
@_user_errors
def staffing_required(calls: float, interval: str, aht: float, model: str, patience: float | None,
                      shrinkage: str | None, fmt: str, target: str | None, asa: float | None,
                      max_abandonment: str | None, max_occupancy: str | None) -> None:
    """The fewest agents that meet every target given, with what they achieve.

    Example: kpidesk staffing required --calls 100 --interval 30m --aht 180 --target 80/20
    """
    goal = _target(target, asa, max_abandonment, max_occupancy)
    share = parse_share(shrinkage, "--shrinkage") or 0.0
    interval_s = parse_interval(interval)
    requirement = required_agents(calls, interval_s, aht, goal, model=model, patience_s=patience,
                                  shrinkage=share)
    record = {
        "calls": calls, "interval_s": interval_s, "aht_s": aht, "patience_s": patience,
        **figures_record(requirement.figures, goal.threshold_s),
        "scheduled_agents": requirement.scheduled, "shrinkage": share,
    }
    if fmt == "json":
        click.echo(json.dumps(record, indent=2))
    else:
        _print_record(record, f"Agents required · {model}")


@staffing.command("evaluate")
@_load_options
@click.option("--agents", type=int, required=True,
              help="Agents scheduled; with --shrinkage, floor(agents × (1 − s)) of them take calls.")
@click.option("--target", default=None, metavar="PCT/SEC",
              help='Service level to check, e.g. "80/20"; without it SL is given for 20 seconds.')
@_user_errors
def staffing_evaluate(calls: float, interval: str, aht: float, model: str, patience: float | None,
                      shrinkage: str | None, fmt: str, agents: int, target: str | None) -> None:
    """What a given number of agents achieves: service level, ASA, waiting, abandonment, occupancy.

    Example: kpidesk staffing evaluate --agents 14 --calls 100 --interval 30m --aht 180
    """
    level, threshold = parse_target(target) if target else (None, 20.0)
    share = parse_share(shrinkage, "--shrinkage") or 0.0
    if not 0 <= share < 1:
        raise ValueError("shrinkage must lie between 0% (included) and 100% (excluded)")
    on_phones = math.floor(agents * (1 - share) + 1e-9)
    interval_s = parse_interval(interval)
    figures = evaluate_agents(calls, interval_s, aht, on_phones, threshold, model=model, patience_s=patience)
    record: dict[str, Any] = {
        "calls": calls, "interval_s": interval_s, "aht_s": aht, "patience_s": patience,
        **figures_record(figures, threshold), "scheduled_agents": agents, "shrinkage": share,
    }
    if level is not None:
        record["meets_target"] = bool(figures.stable and figures.service_level >= level)
    if fmt == "json":
        click.echo(json.dumps(record, indent=2))
    else:
        _print_record(record, f"{on_phones} agents · {model}")
