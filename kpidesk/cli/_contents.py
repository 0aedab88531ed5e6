"""`kpidesk status` and `kpidesk list DIMENSION`: what the workspace holds, as text within the terminal's
width or as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import as_option, workspace_option

if TYPE_CHECKING:
    from kpidesk.contents import WorkspaceStatus

__all__ = ["list_", "status"]

_DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def _table(**options: Any) -> Table:
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True, **options)


def _day(value: Any) -> str:
    import pandas as pd

    return (
        "—"
        if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value))
        else str(value)
    )


@main.command()
@click.option(
    "--imports",
    "last_imports",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many of the last imports to show.",
)
@as_option("table", "json")
@workspace_option
@_user_errors
def status(last_imports: int, style: str, workspace: Path | None) -> None:
    """What the workspace holds: its settings, each source's rows and dates per table, the last imports,
    the rows they rejected, and whether the facts are current."""
    result = _api.status(workspace, last_imports=last_imports)
    if style == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    _print_settings(result)
    _print_sources(result)
    _print_imports(result)
    _print_rejected(result)
    console.print()
    console.print(f"[bold]Facts[/]: {escape(result.facts.describe())}", highlight=False)


def _print_settings(result: WorkspaceStatus) -> None:
    console.print(f"[bold]Workspace[/] {escape(str(result.path))}", highlight=False)
    country = f"country {result.country} · " if result.country else "no country · "
    console.print(
        f"  {country}time zone {result.timezone} · week starts {_DAY_NAMES.get(result.week_start, '')} · "
        f"locale {result.locale}",
        highlight=False,
    )
    for c in result.calendars:
        default = " (default)" if c.name == result.default_calendar != "default" else ""
        holidays = f", {c.country} holidays" if c.country else ""
        console.print(
            f"  calendar {escape(c.name)}{default}: {c.hours} · {c.timezone}{holidays}", highlight=False
        )


def _print_sources(result: WorkspaceStatus) -> None:
    console.print()
    if not result.sources:
        console.print(
            "[bold]Sources[/]: no data yet; `kpidesk import FILE --kind tickets` makes the first import",
            highlight=False,
        )
        return
    console.print("[bold]Sources[/] · rows per table, first and last local date", highlight=False)
    table = _table()
    table.add_column("source", overflow="fold", max_width=20)
    table.add_column("table", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("first", no_wrap=True)
    table.add_column("last", no_wrap=True)
    for s in result.sources:
        for number, t in enumerate(s.tables):
            table.add_row(
                "" if number else escape(s.source), t.kind, f"{t.rows:,}", _day(t.first), _day(t.last)
            )
    console.print(table)


def _print_imports(result: WorkspaceStatus) -> None:
    console.print()
    if not result.import_count:
        console.print("[bold]Imports[/]: none yet", highlight=False)
        return
    shown = len(result.imports)
    if not shown:
        console.print(f"[bold]Imports[/]: {result.import_count:,} (`kpidesk imports` lists them)")
        return
    which = "the last" if shown == 1 else f"the last {shown}"
    console.print(
        f"[bold]Imports[/] · {which} of {result.import_count:,} (`kpidesk imports` lists them all)",
        highlight=False,
    )
    table = _table()
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("started\n(UTC)", no_wrap=True)
    table.add_column("kind/source", overflow="fold", max_width=16)
    table.add_column("files", overflow="fold", ratio=1)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("rej", justify="right", no_wrap=True)
    any_undone = any(i.undone for i in result.imports)
    if any_undone:
        table.add_column("undone", no_wrap=True)
    for i in result.imports:
        table.add_row(
            str(i.import_id),
            "—" if i.started_at is None else f"{i.started_at:%Y-%m-%d}\n{i.started_at:%H:%M}",
            f"{i.kind}\n[dim]{escape(i.source)}[/]",
            escape("\n".join(Path(f).name for f in i.files)),
            f"{i.read:,}",
            f"{i.rejected:,}",
            *(["yes" if i.undone else ""] if any_undone else []),
        )
    console.print(table)
    console.print("[dim]rows read · rej rejected[/]")


def _print_rejected(result: WorkspaceStatus) -> None:
    console.print()
    if not result.rejected:
        console.print("[bold]Rejected rows[/]: none", highlight=False)
        return
    console.print(
        "[bold]Rejected rows[/] · by import and table (`kpidesk rejected --import ID` lists them)",
        highlight=False,
    )
    for r in result.rejected:
        repaired = f", {r.repaired:,} repaired" if r.repaired else ""
        console.print(
            f"  import {r.import_id} · {r.kind}: {r.rejected:,} rejected{repaired}", highlight=False
        )


@main.command("list")
@click.argument("dimension", metavar="DIMENSION")
@as_option("table", "json")
@workspace_option
@_user_errors
def list_(dimension: str, style: str, workspace: Path | None) -> None:
    """The values a `kpis --by` dimension takes in the data, with the tickets, calls or customers of each
    and the local dates of the first and last; agents with their name and team. DIMENSION is one of: agents,
    teams, queues, channels, priorities, categories, sources, sla_policies, calendars, segments, countries.
    """
    from kpidesk.contents import find_listing

    listing = find_listing(dimension)
    units = [c.unit for c in listing.counted]
    frame = _api.list_values(listing.name, workspace=workspace)
    records = [_plain_record(row) for row in frame.to_dict(orient="records")]
    if style == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        console.print(
            f"no {listing.name} in the data: they come from the {_joined(units)} "
            "(`kpidesk status` shows what the workspace holds)",
            highlight=False,
        )
        return
    valued = [r for r in records if r[listing.dimension] is not None]
    console.print(
        f"[bold]{listing.name}[/] · {len(valued):,} in the data · first and last: local dates",
        highlight=False,
    )
    table = _table()
    attributes = [c for c in frame.columns if c not in (listing.dimension, *units, "first_seen", "last_seen")]
    table.add_column(listing.dimension, overflow="fold", ratio=1)
    for col in attributes:
        table.add_column(col, overflow="fold", ratio=1)
    for unit in units:
        table.add_column(unit, justify="right", no_wrap=True)
    table.add_column("first", no_wrap=True)
    table.add_column("last", no_wrap=True)
    for r in records:
        value = r[listing.dimension]
        table.add_row(
            "[dim](none)[/]" if value is None else escape(str(value)),
            *["" if r[c] is None else escape(str(r[c])) for c in attributes],
            *[f"{r[unit]:,}" for unit in units],
            _day(r["first_seen"]),
            _day(r["last_seen"]),
        )
    console.print(table)
    if len(valued) < len(records):
        console.print(f"[dim](none): the {_joined(units)} with no {listing.dimension}[/]", highlight=False)


def _joined(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def _plain_record(row: dict[Any, Any]) -> dict[str, Any]:
    """A listing row as JSON values: dates as YYYY-MM-DD, missing values as null."""
    import pandas as pd

    clean: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
            clean[str(key)] = None
        elif hasattr(value, "isoformat"):
            clean[str(key)] = value.isoformat()
        elif hasattr(value, "item"):
            clean[str(key)] = value.item()
        else:
            clean[str(key)] = value
    return clean
