"""The options several commands share, each defined once: the workspace, how to print (`--as`), where to
write (`--output`), the engine to compute on (`--engine`), the dates (`--from`/`--to`), metrics, groups,
periods, business hours and the interval length. A name that is not among the choices is refused with the
closest one: "did you mean team?"."""

from __future__ import annotations

import difflib
import functools
import importlib
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "NameChoice",
    "as_option",
    "business_hours_option",
    "by_option",
    "date_range_options",
    "engine_option",
    "interval_option",
    "metric_option",
    "on_engine",
    "output_option",
    "parse_date",
    "parse_interval_minutes",
    "period_option",
    "stat_option",
    "unknown_name",
    "workspace_option",
]

F = TypeVar("F", bound=Callable[..., Any])


def unknown_name(noun: str, value: str, known: Sequence[str]) -> str:
    """`unknown format zendsk; did you mean zendesk?`, else the names there are."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    if close:
        return f"unknown {noun} {value}; did you mean {close[0]}?"
    if len(known) > 12:
        return f"unknown {noun} {value}"
    return f"unknown {noun} {value}; choose one of {', '.join(known)}"


class NameChoice(click.Choice):
    """A choice among names, given or read from an engine module when first needed
    (`NameChoice(("kpidesk.metrics", "DIMENSIONS"), "dimension")`); refused names get the closest one."""

    def __init__(self, choices: Sequence[str] | tuple[str, str], noun: str) -> None:
        self._given = choices
        self.noun = noun
        self.case_sensitive = True

    @property
    def choices(self) -> Sequence[Any]:  # type: ignore[override]
        given = self._given
        if isinstance(given, tuple) and len(given) == 2 and given[0].startswith("kpidesk."):
            module, name = given
            return tuple(getattr(importlib.import_module(module), name))
        return tuple(given)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        self.fail(unknown_name(self.noun, str(value), [str(c) for c in self.choices]), param, ctx)


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $KPIDESK_WORKSPACE, else the current folder).",
)

engine_option = click.option(
    "--engine",
    type=NameChoice(("kpidesk.workspace", "ENGINE_BACKENDS"), "engine"),
    default=None,
    help="Compute on duckdb (the workspace's warehouse) or spark (the [engine] master of kpidesk.toml, "
    "reading the [lake]); default: [engine] backend of kpidesk.toml.",
)


def on_engine(workspace: Path | None, engine: str | None) -> Any:
    """What to pass as the workspace: its folder, or with `--engine` the workspace set to compute there."""
    if engine is None:
        return workspace
    from kpidesk.workspace import open_workspace

    return open_workspace(workspace).with_engine(engine)


output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal.",
)


def as_option(*styles: str) -> Callable[[F], F]:
    """`--as table|json|…`: how the answer is printed (the first style is the default)."""
    return click.option(
        "--as",
        "style",
        type=NameChoice(styles, "output style"),
        default=styles[0],
        show_default=True,
        help="How to print the answer: " + ", ".join(styles) + ".",
    )


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def date_range_options(
    *,
    required: bool = False,
    from_help: str = "First local date, YYYY-MM-DD (inclusive).",
    to_help: str = "Last local date, YYYY-MM-DD (inclusive).",
) -> Callable[[F], F]:
    """`--from` and `--to` as dates (parameters `start` and `end`); `--from` after `--to` is refused."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            start, end = kwargs.get("start"), kwargs.get("end")
            if start is not None and end is not None and start > end:
                raise click.BadParameter(
                    f"{start} is after --to {end}: the first date comes first", param_hint="--from"
                )
            return func(*args, **kwargs)

        with_to = click.option("--to", "end", required=required, callback=parse_date, help=to_help)(checked)
        return click.option("--from", "start", required=required, callback=parse_date, help=from_help)(
            with_to
        )  # type: ignore[return-value]

    return decorate


def _metric_ids() -> list[str]:
    from kpidesk.metrics import CATALOGUE

    return [m.id for m in CATALOGUE]


def _check_metrics(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    known = _metric_ids()
    for name in value if isinstance(value, tuple) else (value,) if value is not None else ():
        if name not in known:
            raise click.BadParameter(unknown_name("metric", name, known) + " (`kpidesk metrics` lists them)")
    return value


def metric_option(*, multiple: bool = False, required: bool = False, help: str | None = None) -> Any:
    """`--metric NAME`: a metric of the catalogue, checked by name."""
    return click.option(
        "--metric",
        "metric_ids" if multiple else "metric_id",
        multiple=multiple,
        required=required,
        metavar="NAME",
        callback=_check_metrics,
        help=help or "Metric id (`kpidesk metrics` lists them).",
    )


by_option = click.option(
    "--by",
    multiple=True,
    type=NameChoice(("kpidesk.metrics", "DIMENSIONS"), "dimension"),
    metavar="DIM",
    help="Group by a dimension (repeatable): team, agent, channel, priority, category, source, "
    "sla_policy, calendar, queue, segment or country.",
)

period_option = click.option(
    "--period",
    type=NameChoice(("kpidesk.metrics", "PERIODS"), "period"),
    default="week",
    show_default=True,
    help="Local periods of the workspace's default calendar: day, week, month, quarter, year or all.",
)

business_hours_option = click.option(
    "--business-hours",
    is_flag=True,
    help="Measure durations in business seconds (a ticket's team calendar; the default one for calls).",
)


def stat_option(help: str) -> Any:
    return click.option("--stat", "stats", multiple=True, help=help)


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$")


def _interval_seconds(text: str) -> float:
    """ "30m", "1h", "900s" or "30" (minutes) → seconds."""
    match = _INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{text!r} is not a length such as 15m, 30m, 1h, 900s or 30 (minutes)")
    value, unit = float(match.group(1)), match.group(2) or "m"
    return value * {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}[unit]


def parse_interval_minutes(seconds: float, lengths: Sequence[int] = (15, 30, 60)) -> int:
    """An interval length that local intervals of the day can have, in minutes."""
    minutes = seconds / 60
    if minutes not in lengths:
        allowed = ", ".join(f"{m}m" for m in lengths)
        raise click.BadParameter(f"intervals of the day are {allowed} long", param_hint="--interval")
    return int(minutes)


def interval_option(
    help: str = "Interval length: 15m, 30m, 1h, 900s, or minutes (30).", default: str | None = "30m"
) -> Any:
    """`--interval 30m`: the interval length, in seconds (parameter `interval_s`; None when there is no
    default and it is not given)."""
    return click.option(
        "--interval",
        "interval_s",
        default=default,
        show_default=default is not None,
        callback=lambda ctx, param, value: None if value is None else _interval_seconds(value),
        help=help,
    )
