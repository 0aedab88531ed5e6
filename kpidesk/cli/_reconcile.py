"""`kpidesk reconcile`: the sources' own figures against kpidesk's, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import as_option, workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.reconcile import Reconciliation

#: How each outcome is printed.
_OUTCOME_WORDS = {
    "exact": "agree exactly",
    "within": "agree within {tolerance}",
    "differ": "differ",
    "source_missing": "source has none",
    "kpidesk_missing": "kpidesk has none",
    "neither": "neither has one",
}


@main.command()
@click.option("--source", default=None, help="Only this source (as imported with --source).")
@click.option(
    "--metric",
    "metric",
    default=None,
    help="Only this figure (full_resolution_time, reopens, wait_time…) or the metric it is compared with.",
)
@click.option(
    "--tickets", "units", is_flag=True, help="List the tickets (or calls) that do not agree exactly."
)
@as_option("table", "json")
@workspace_option
@_user_errors
def reconcile(
    source: str | None, metric: str | None, units: bool, style: str, workspace: Path | None
) -> None:
    """The sources' own figures against kpidesk's: how many tickets or calls agree, and why not."""
    result = _api.reconcile(workspace, source=source, metric=metric)
    if style == "json":
        click.echo(json.dumps(result.as_dict(units=units), ensure_ascii=False, indent=2))
        return
    if result.summary.empty:
        console.print(
            "No figures of the sources to compare: import an export whose format keeps them "
            "(kpidesk formats lists them)."
        )
        return
    for record in result.summary.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        _print_figure(result, row)
        if units:
            _print_units(result, row)
    console.print(
        "\n[dim]Shares: agree and differ of the units both sides have a value for; the others (not "
        "comparable) of all units.[/]",
        highlight=False,
    )


def _tolerance(row: dict[str, Any]) -> str:
    return f"{row['tolerance_s']:g} s" if row["unit"] == "seconds" else "0 (counts are exact)"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "no data"


def _print_figure(result: Reconciliation, row: dict[str, Any]) -> None:
    noun = "tickets" if row["unit_kind"] == "ticket" else "calls"
    console.print(
        f"\n[bold]{row['source']} · {row['figure']}[/] (source: {row['field']}; kpidesk: {row['metric']}) · "
        f"{row['units']:,} {noun} · tolerance {_tolerance(row)}",
        highlight=False,
    )
    table = compact_table()
    table.add_column("outcome", overflow="fold", max_width=24)
    table.add_column(noun, justify="right")
    table.add_column("share", justify="right")
    table.add_column("main reasons", overflow="fold")
    reasons = result.reasons[
        (result.reasons.source == row["source"]) & (result.reasons.figure == row["figure"])
    ]
    for outcome, words in _OUTCOME_WORDS.items():
        count = int(row[outcome])
        if not count:
            continue
        compared = outcome in ("exact", "within", "differ")
        share = _share(count, row["compared"]) if compared else _share(count, row["units"])
        mine = reasons[reasons.outcome == outcome]
        why = "\n".join(f"{r.units:,}: {r.reason}" for r in mine.head(4).itertuples())
        table.add_row(words.format(tolerance=_tolerance(row)), f"{count:,}", share, why)
    console.print(table)


def _value(unit: str, value: Any) -> str:
    """A unit's value to the second (a duration as [d] h:mm:ss), or "none"."""
    import pandas as pd

    if value is None or pd.isna(value):
        return "none"
    if unit != "seconds":
        return f"{value:g}"
    sign = "−" if value < 0 else ""
    days, rest = divmod(round(abs(float(value))), 86400)
    hours, rest = divmod(rest, 3600)
    clock = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{sign}{days} d {clock}" if days else f"{sign}{clock}"


def _print_units(result: Reconciliation, row: dict[str, Any]) -> None:
    shown = result.units[
        (result.units.source == row["source"])
        & (result.units.figure == row["figure"])
        & (result.units.outcome != "exact")
    ]
    if shown.empty:
        return
    table = compact_table()
    table.add_column("ticket" if row["unit_kind"] == "ticket" else "call", overflow="fold")
    table.add_column("kpidesk", justify="right")
    table.add_column("source", justify="right")
    table.add_column("reason", overflow="fold")
    for unit in shown.itertuples():
        table.add_row(
            str(unit.unit_id),
            _value(row["unit"], unit.kpidesk_value),
            _value(row["unit"], unit.source_value),
            str(unit.reason),
        )
    console.print(table)
