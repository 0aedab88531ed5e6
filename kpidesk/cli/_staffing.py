"""`kpidesk staffing …`: agents needed for one interval, what a number of agents achieves, plans and
their simulation check. Thin wrappers over `kpidesk.staffing` and `kpidesk.staffing_plan`."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from kpidesk import InvalidRequest
from kpidesk.cli._lazy import EngineChoice
from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _json_ready, _user_errors, console, err_console, main
from kpidesk.cli._options import (
    as_option,
    date_range_options,
    interval_option,
    output_option,
    parse_date,
    parse_interval_minutes,
    workspace_option,
)
from kpidesk.cli._tables import compact_table
from kpidesk.cli._text import missing

if TYPE_CHECKING:
    import pandas as pd

    from kpidesk.staffing import QueueFigures, StaffingPlan, StaffingTarget

__all__ = ["build_plan", "parse_share", "plan_options", "staffing", "staffing_target"]


def parse_share(text: str | None, what: str) -> float | None:
    """ "0.3", "30%" → 0.3; None stays None."""
    if text is None:
        return None
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise click.BadParameter(
            f"{what} must be a fraction such as 0.3 or a percentage such as 30%, got {text!r}"
        ) from None
    if value > 1 and not raw.endswith("%"):
        raise click.BadParameter(f"{what} {text!r} is more than 1; write a percentage as {raw}%")
    return value


def staffing_target(
    target: str | None, asa: float | None, max_abandonment: str | None, max_occupancy: str | None
) -> StaffingTarget:
    from kpidesk.staffing import StaffingTarget, parse_target

    wanted = target is not None and target.strip().lower() not in ("", "none")
    level, threshold = parse_target(target) if wanted and target else (None, 20.0)
    return StaffingTarget(
        service_level=level,
        threshold_s=threshold,
        max_asa_s=asa,
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


#: How each figure of one interval reads, and how its value is written.
_FIGURE_WORDS: dict[str, tuple[str, str]] = {
    "calls": ("calls in the interval", "{:,.1f}"),
    "interval_s": ("interval length", "{:,.0f} s"),
    "aht_s": ("average handle time", "{:,.0f} s"),
    "patience_s": ("mean patience", "{:,.0f} s"),
    "model": ("queueing model", "{}"),
    "agents": ("agents taking calls", "{}"),
    "traffic_erlangs": ("traffic", "{:,.2f} erlangs"),
    "service_level": ("service level", "{:.1%}"),
    "service_level_seconds": ("answered within", "{:,.0f} s"),
    "asa_s": ("average speed of answer", "{:,.1f} s"),
    "p_wait": ("callers who wait", "{:.1%}"),
    "abandonment": ("callers who abandon", "{:.1%}"),
    "occupancy": ("occupancy", "{:.1%}"),
    "mean_wait_s": ("mean wait of all callers", "{:,.1f} s"),
    "stable": ("stable", "{}"),
    "scheduled_agents": ("agents scheduled", "{}"),
    "shrinkage": ("shrinkage", "{:.0%}"),
    "meets_target": ("meets the target", "{}"),
}


def _print_record(record: dict[str, Any], title: str) -> None:
    table = compact_table(title, show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in record.items():
        words, pattern = _FIGURE_WORDS.get(key, (key.replace("_", " "), "{}"))
        if key == "patience_s" and value is None:
            continue  # Erlang C: callers never give up
        if value is None:
            shown = "no limit: the queue grows" if key in ("asa_s", "mean_wait_s") else "—"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = pattern.format(value)
        table.add_row(words, shown)
    console.print(table)


def unstable_words(traffic: float, on_phones: int, shrinkage: float) -> str:
    """Why the queue of an interval grows without bound, and how many agents would stop it."""
    needed = math.floor(traffic) + 1
    scheduled = math.ceil(needed / (1 - shrinkage) - 1e-9)
    while math.floor(scheduled * (1 - shrinkage) + 1e-9) < needed:
        scheduled += 1
    return (
        f"The queue grows without bound: calls bring {traffic:,.2f} erlangs of work (calls × handle time "
        f"÷ interval) and {on_phones} agents take calls, so callers arrive faster than they are answered "
        f"and the waits keep growing through the interval. It is stable from {needed} agents taking calls"
        + (f" ({scheduled} scheduled with {shrinkage:.0%} shrinkage)." if shrinkage else ".")
    )


def _load_options(func: Any) -> Any:
    options = [
        click.option("--calls", type=float, required=True, help="Calls expected in the interval."),
        interval_option(),
        click.option("--aht", type=float, required=True, help="Average handle time, seconds."),
        click.option(
            "--model",
            type=EngineChoice("kpidesk.staffing", "MODELS"),
            default="erlang-c",
            show_default=True,
            help="erlang-c: callers wait as long as it takes; erlang-a: they abandon after an "
            "exponential patience (needs --patience).",
        ),
        click.option(
            "--patience", type=float, default=None, help="Callers' mean patience in seconds (Erlang A)."
        ),
        click.option(
            "--shrinkage", default=None, help="Share of paid time agents are off the phones, e.g. 0.3 or 30%."
        ),
        as_option("table", "json"),
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
@click.option(
    "--target",
    default=None,
    metavar="PCT/SEC",
    help='Service level target, e.g. "80/20": 80% of calls answered within 20 seconds.',
)
@click.option("--asa", type=float, default=None, help="Longest average speed of answer, seconds.")
@click.option("--max-abandonment", default=None, help="Highest abandonment share (Erlang A), e.g. 0.05.")
@click.option("--max-occupancy", default=None, help="Occupancy cap, e.g. 0.85.")
@_user_errors
def staffing_required(
    calls: float,
    interval_s: float,
    aht: float,
    model: str,
    patience: float | None,
    shrinkage: str | None,
    style: str,
    target: str | None,
    asa: float | None,
    max_abandonment: str | None,
    max_occupancy: str | None,
) -> None:
    """The fewest agents that meet every target given, with what they achieve.

    Example: kpidesk staffing required --calls 100 --interval 30m --aht 180 --target 80/20
    """
    from kpidesk.staffing import required_agents

    goal = staffing_target(target, asa, max_abandonment, max_occupancy)
    share = parse_share(shrinkage, "--shrinkage") or 0.0
    requirement = required_agents(
        calls, interval_s, aht, goal, model=model, patience_s=patience, shrinkage=share
    )
    record = {
        "calls": calls,
        "interval_s": interval_s,
        "aht_s": aht,
        "patience_s": patience,
        **figures_record(requirement.figures, goal.threshold_s),
        "scheduled_agents": requirement.scheduled,
        "shrinkage": share,
    }
    if style == "json":
        click.echo(json.dumps(record, indent=2))
    else:
        _print_record(record, f"Agents required · {model}")


@staffing.command("evaluate")
@_load_options
@click.option(
    "--agents",
    type=int,
    required=True,
    help="Agents scheduled; with --shrinkage, floor(agents × (1 − s)) of them take calls.",
)
@click.option(
    "--target",
    default=None,
    metavar="PCT/SEC",
    help='Service level to check, e.g. "80/20"; without it SL is given for 20 seconds.',
)
@_user_errors
def staffing_evaluate(
    calls: float,
    interval_s: float,
    aht: float,
    model: str,
    patience: float | None,
    shrinkage: str | None,
    style: str,
    agents: int,
    target: str | None,
) -> None:
    """What a given number of agents achieves: service level, ASA, waiting, abandonment, occupancy.

    Example: kpidesk staffing evaluate --agents 14 --calls 100 --interval 30m --aht 180
    """
    from kpidesk.staffing import evaluate_agents, parse_target

    level, threshold = parse_target(target) if target else (None, 20.0)
    share = parse_share(shrinkage, "--shrinkage") or 0.0
    if not 0 <= share < 1:
        raise InvalidRequest("shrinkage must lie between 0% (included) and 100% (excluded)")
    on_phones = math.floor(agents * (1 - share) + 1e-9)
    figures = evaluate_agents(calls, interval_s, aht, on_phones, threshold, model=model, patience_s=patience)
    record: dict[str, Any] = {
        "calls": calls,
        "interval_s": interval_s,
        "aht_s": aht,
        "patience_s": patience,
        **figures_record(figures, threshold),
        "scheduled_agents": agents,
        "shrinkage": share,
    }
    if level is not None:
        record["meets_target"] = bool(figures.stable and figures.service_level >= level)
    if style == "json":
        click.echo(json.dumps(record, indent=2))
        return
    _print_record(record, f"{on_phones} agents · {model}")
    if not figures.stable:
        console.print(unstable_words(figures.traffic, on_phones, share), highlight=False)


def plan_options(func: Any, *, dates_required: bool = True) -> Any:
    """The options of a plan, as `staffing plan` takes them; `build_plan` turns them into one."""
    options = [
        click.option("--queue", default=None, help="The queue to plan (default: all calls together)."),
        date_range_options(
            required=dates_required,
            from_help="First local date of the plan, YYYY-MM-DD.",
            to_help="Last local date of the plan, YYYY-MM-DD (inclusive).",
        ),
        click.option(
            "--target",
            default="80/20",
            show_default=True,
            metavar="PCT/SEC",
            help="Service level target: PCT% of calls answered within SEC seconds; `none` "
            "to staff by the other targets only.",
        ),
        click.option("--asa", type=float, default=None, help="Longest average speed of answer, seconds."),
        click.option("--max-abandonment", default=None, help="Highest abandonment share (Erlang A)."),
        click.option("--max-occupancy", default=None, help="Occupancy cap, e.g. 0.85."),
        click.option(
            "--model",
            type=EngineChoice("kpidesk.staffing", "MODELS"),
            default="erlang-c",
            show_default=True,
            help="erlang-a uses the callers' patience estimated from the abandoned calls.",
        ),
        click.option("--shrinkage", default=None, help="Share of paid time off the phones, e.g. 0.3."),
        interval_option("Interval length: 15m, 30m or 1h, in local time of the default calendar."),
        click.option(
            "--history-from",
            callback=parse_date,
            default=None,
            help="Use calls from this date on (default: all calls before --from).",
        ),
        click.option(
            "--holdout-weeks",
            type=int,
            default=1,
            show_default=True,
            help="Weeks held back to measure the forecast against the seasonal naive.",
        ),
        click.option("--aht", type=float, default=None, help="Use this AHT (seconds) instead of the data's."),
        click.option(
            "--patience",
            type=float,
            default=None,
            help="Use this mean patience (seconds) instead of the data's (Erlang A).",
        ),
        workspace_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_plan(
    workspace: Path | None,
    queue: str | None,
    start: date,
    end: date,
    target: str,
    asa: float | None,
    max_abandonment: str | None,
    max_occupancy: str | None,
    model: str,
    shrinkage: str | None,
    interval_s: float,
    history_from: date | None,
    holdout_weeks: int,
    aht: float | None,
    patience: float | None,
) -> StaffingPlan:
    """The plan the options of `plan_options` ask for."""
    return _api.staffing_plan(
        workspace,
        start=start,
        end=end,
        target=staffing_target(target, asa, max_abandonment, max_occupancy),
        queue=queue,
        model=model,
        shrinkage=parse_share(shrinkage, "--shrinkage") or 0.0,
        minutes=parse_interval_minutes(interval_s),
        history_from=history_from,
        holdout_weeks=holdout_weeks,
        aht_s=aht,
        patience_s=patience,
    )


def plan_record(plan: StaffingPlan) -> dict[str, Any]:
    """The whole plan as one JSON-ready object."""
    forecast, estimates, target = plan.forecast, plan.estimates, plan.target
    return {
        "queue": plan.queue,
        "model": plan.model,
        "minutes": plan.minutes,
        "shrinkage": plan.shrinkage,
        "target": {
            "service_level": target.service_level,
            "service_level_seconds": target.threshold_s,
            "max_asa_s": target.max_asa_s,
            "max_abandonment": target.max_abandonment,
            "max_occupancy": target.max_occupancy,
        },
        "forecast": {
            "method": forecast.method,
            "holdout_start": forecast.holdout_start.isoformat(),
            "holdout_end": forecast.holdout_end.isoformat(),
            "accuracy": _json_ready(forecast.accuracy),
        },
        "estimates": {
            "aht_s": estimates.aht_s,
            "handled": estimates.handled,
            "patience_s": estimates.patience_s,
            "patience_low_s": estimates.patience_low_s,
            "patience_high_s": estimates.patience_high_s,
            "timed_abandons": estimates.timed_abandons,
            "queue_time_s": estimates.queue_time_s,
        },
        "totals": plan.totals(),
        "intervals": _json_ready(plan.intervals),
    }


#: The plan's columns: header, source column, how a value is written.
_PLAN_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("calls", "forecast_calls", "{:,.1f}"),
    ("AHT", "aht_s", "{:,.0f} s"),
    ("agents", "agents", "{:.0f}"),
    ("sched", "scheduled_agents", "{:.0f}"),
    ("SL", "service_level", "{:.1%}"),
    ("ASA", "asa_s", "{:,.1f} s"),
    ("aband", "abandonment", "{:.1%}"),
    ("occ", "occupancy", "{:.1%}"),
)


def _print_plan(plan: StaffingPlan) -> None:
    accuracy = compact_table(
        f"Forecast on the held-back {plan.forecast.holdout_start} → {plan.forecast.holdout_end}"
    )
    for column in ("method", "MAE", "RMSE", "WAPE", "bias"):
        accuracy.add_column(column, justify="left" if column == "method" else "right", no_wrap=True)
    for row in plan.forecast.accuracy.to_dict(orient="records"):
        accuracy.add_row(
            str(row["method"]),
            f"{row['mae']:.2f}",
            f"{row['rmse']:.2f}",
            "—" if missing(row["wape"]) else f"{row['wape']:.1%}",
            f"{row['bias']:+.2f}".replace("-", "−"),
        )
    console.print(accuracy)
    console.print(
        "[dim]Calls per interval: MAE mean absolute error · RMSE root mean square error · WAPE weighted "
        "absolute percentage error · bias mean error.[/]",
        highlight=False,
    )
    console.print(f"[dim]{plan.forecast.method}[/dim]")
    console.print(f"[dim]{plan.estimates.describe()}[/dim]")
    table = compact_table(f"Staffing plan · {plan.queue or 'all calls'} · {plan.model}")
    table.add_column("start", no_wrap=True)
    for header, _, _ in _PLAN_COLUMNS:
        table.add_column(header, justify="right", no_wrap=True)
    for row in plan.intervals.to_dict(orient="records"):
        table.add_row(
            f"{row['interval_start']:%Y-%m-%d %H:%M}",
            *("—" if missing(row[c]) else pattern.format(row[c]) for _, c, pattern in _PLAN_COLUMNS),
        )
    console.print(table)
    zone = plan.intervals.interval_start.iloc[0].tzinfo if len(plan.intervals) else None
    console.print(
        "[dim]calls forecast · AHT average handle time · agents taking calls · sched agents scheduled "
        "after shrinkage · SL service level · ASA average speed of answer · aband abandonment · occ "
        "occupancy" + (f" · local times, {zone}" if zone is not None else "") + ".[/]",
        highlight=False,
    )
    totals = plan.totals()
    console.print(
        f"{totals['forecast_calls']:,.0f} calls forecast; {totals['agent_hours']:,.1f} agent-hours "
        f"on the phones, {totals['scheduled_agent_hours']:,.1f} scheduled; peak "
        f"{totals['peak_agents']} agents; expected service level {totals['service_level']:.1%}"
    )


@staffing.command("plan")
@plan_options
@as_option("table", "csv", "json")
@output_option
@click.option(
    "--html",
    "html_page",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the plan as an HTML page: a chart of the week, the forecast error, the busy intervals.",
)
@_user_errors
def staffing_plan(style: str, output: Path | None, html_page: Path | None, **options: Any) -> None:
    """Agents per interval for the dates ahead, from the queue's calls and a service level target.

    Each interval gets the forecast calls (with the seasonal-naive benchmark and both methods' error on
    the held-back weeks), the AHT and patience of that interval of the week, the agents required, the
    agents to schedule after shrinkage, and the expected service level, ASA, abandonment and occupancy.

    Example: kpidesk staffing plan --queue billing --from 2026-12-06 --to 2026-12-12 --target 80/20
    """
    plan = build_plan(**options)
    if html_page:
        _api.write_staffing_page(plan, html_page, options["workspace"])
        err_console.print(f"wrote the plan's page to {html_page}")
    if style == "table":
        if output:
            raise click.UsageError("--output needs --as csv or json")
        _print_plan(plan)
        return
    text = (
        plan.intervals.assign(interval_start=[s.isoformat() for s in plan.intervals.interval_start]).to_csv(
            index=False
        )
        if style == "csv"
        else json.dumps(plan_record(plan), ensure_ascii=False, indent=2)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {len(plan.intervals)} intervals to {output}")
    else:
        click.echo(text, nl=style == "json")


def simulation_rows(analytic: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """Analytic figures beside the simulated mean and interval, and whether each lies inside."""
    import pandas as pd

    from kpidesk.staffing import MEASURES

    out = analytic.copy()
    for measure in MEASURES:
        column = _ANALYTIC_COLUMN[measure]
        low, high = simulated[f"{measure}_low"], simulated[f"{measure}_high"]
        out[f"{measure}_simulated"] = simulated[f"{measure}_mean"].to_numpy()
        out[f"{measure}_low"] = low.to_numpy()
        out[f"{measure}_high"] = high.to_numpy()
        value = out[column].to_numpy(dtype=float)
        inside = (value >= low.to_numpy() - 1e-9) & (value <= high.to_numpy() + 1e-9)
        out[f"{measure}_inside"] = [
            None if pd.isna(lo) else bool(ok) for lo, ok in zip(low, inside, strict=True)
        ]
    return out


_MEASURE_WORDS = {
    "service_level": "SL",
    "asa": "ASA",
    "p_wait": "wait",
    "abandonment": "abandonment",
    "occupancy": "occupancy",
}

_ANALYTIC_COLUMN = {
    "service_level": "service_level",
    "asa": "asa_s",
    "p_wait": "p_wait",
    "abandonment": "abandonment",
    "occupancy": "occupancy",
}


@staffing.command("simulate")
@click.option("--calls", type=float, default=None, help="One interval: calls expected in it.")
@click.option("--agents", type=int, default=None, help="One interval: agents on the phones.")
@interval_option("Interval length: one interval's (15m, 30m, 1h, 900s…), or a plan's (15m, 30m or 1h).")
@click.option("--queue", default=None, help="Plan: the queue (default: all calls together).")
@date_range_options(
    from_help="Plan: first local date, YYYY-MM-DD.", to_help="Plan: last local date, YYYY-MM-DD."
)
@click.option(
    "--target",
    default="80/20",
    show_default=True,
    metavar="PCT/SEC",
    help="Service level target; its seconds are the simulated service level's T.",
)
@click.option(
    "--model", type=EngineChoice("kpidesk.staffing", "MODELS"), default="erlang-c", show_default=True
)
@click.option("--aht", type=float, default=None, help="AHT in seconds (one interval: required).")
@click.option("--patience", type=float, default=None, help="Mean patience in seconds (Erlang A).")
@click.option("--shrinkage", default=None, help="Plan: share of paid time off the phones.")
@click.option(
    "--replications",
    type=int,
    default=20,
    show_default=True,
    help="Independent runs per interval; the interval of each figure comes from their spread.",
)
@click.option(
    "--hours",
    type=float,
    default=4.0,
    show_default=True,
    help="Simulated hours measured per replication (after a one-hour warm-up).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@as_option("table", "csv", "json")
@workspace_option
@_user_errors
def staffing_simulate(
    calls: float | None,
    agents: int | None,
    interval_s: float,
    queue: str | None,
    start: date | None,
    end: date | None,
    target: str,
    model: str,
    aht: float | None,
    patience: float | None,
    shrinkage: str | None,
    replications: int,
    hours: float,
    seed: int,
    style: str,
    workspace: Path | None,
) -> None:
    """Check the analytic figures by discrete-event simulation (M/M/n, or M/M/n+M for Erlang A).

    Either one interval (--calls, --aht, --agents) or a plan (--from, --to, like `staffing plan`): each
    interval is simulated as its own steady state, REPLICATIONS times, and every analytic figure is shown
    beside the simulated mean and its 95% interval, with whether it lies inside.
    """
    import pandas as pd

    from kpidesk.staffing import MEASURES, evaluate_agents, parse_target, simulate_plan

    _, threshold = parse_target(target)
    if model == "erlang-a" and calls is not None and patience is None:
        raise InvalidRequest("Erlang A needs the callers' mean patience (--patience)")
    if calls is not None:
        if aht is None or agents is None:
            raise InvalidRequest("one interval needs --calls, --aht and --agents")
        figures = evaluate_agents(
            calls,
            interval_s,
            aht,
            agents,
            threshold,
            model=model,
            patience_s=patience if model == "erlang-a" else None,
        )
        analytic = pd.DataFrame(
            [
                {
                    "interval_start": None,
                    "forecast_calls": calls,
                    "interval_s": interval_s,
                    "aht_s": aht,
                    "patience_s": patience if model == "erlang-a" else math.nan,
                    "agents": agents,
                    "service_level": figures.service_level,
                    "asa_s": figures.asa,
                    "p_wait": figures.p_wait,
                    "abandonment": figures.abandonment,
                    "occupancy": figures.occupancy,
                }
            ]
        )
    else:
        if start is None or end is None:
            raise InvalidRequest("give one interval (--calls, --aht, --agents) or a plan (--from and --to)")
        plan = build_plan(
            workspace,
            queue,
            start,
            end,
            target,
            None,
            None,
            None,
            model,
            shrinkage,
            interval_s,
            None,
            1,
            aht,
            patience,
        )
        analytic = plan.intervals.assign(interval_s=plan.minutes * 60.0)
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=len(analytic) < 2,
    ) as bar:
        task = bar.add_task("simulate", total=len(analytic))
        simulated = simulate_plan(
            analytic,
            threshold_s=threshold,
            replications=replications,
            seed=seed,
            hours=hours,
            progress=lambda done, total: bar.update(task, completed=done),
        )
    rows = simulation_rows(analytic, simulated)
    keep = [
        "interval_start",
        "forecast_calls",
        "agents",
        *[
            c
            for m in MEASURES
            for c in (_ANALYTIC_COLUMN[m], f"{m}_simulated", f"{m}_low", f"{m}_high", f"{m}_inside")
        ],
    ]
    rows = rows[keep]
    checked = [v for m in MEASURES for v in rows[f"{m}_inside"] if v is not None]
    summary = (
        f"{sum(checked)} of {len(checked)} analytic figures lie inside their simulated 95% intervals "
        f"({replications} replications of {hours:g} h per interval)"
    )
    if style == "json":
        click.echo(
            json.dumps({"summary": summary, "intervals": _json_ready(rows)}, ensure_ascii=False, indent=2)
        )
        return
    if style == "csv":
        click.echo(rows.to_csv(index=False), nl=False)
        return
    table = compact_table(f"Simulation check · {model}")
    for column in ("start", "agents", "figure", "analytic", "simulated", "95% CI", "inside"):
        table.add_column(column, justify="left" if column in ("start", "figure") else "right", no_wrap=True)
    for row in rows.to_dict(orient="records"):
        when = "—" if row["interval_start"] is None else f"{row['interval_start']:%Y-%m-%d %H:%M}"
        for measure in MEASURES:
            if row[f"{measure}_inside"] is None:
                continue
            share = measure != "asa"

            def shown(value: float, share: bool = share) -> str:
                return f"{value:.1%}" if share else f"{value:.1f} s"

            low, high = row[f"{measure}_low"], row[f"{measure}_high"]
            table.add_row(
                when,
                str(int(row["agents"])),
                _MEASURE_WORDS[measure],
                shown(row[_ANALYTIC_COLUMN[measure]]),
                shown(row[f"{measure}_simulated"]),
                f"{low * 100:.1f}–{high * 100:.1f}" if share else f"{low:.1f}–{high:.1f}",
                "yes" if row[f"{measure}_inside"] else "no",
            )
            when = ""
    console.print(table)
    console.print(
        "[dim]SL service level · ASA average speed of answer · wait: callers who wait · 95% CI of the "
        "simulated mean, in the figure's unit.[/]",
        highlight=False,
    )
    console.print(summary)
