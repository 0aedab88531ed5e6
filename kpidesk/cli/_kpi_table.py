"""KPI results as a terminal table that fits the terminal: one row per line, the metric as a column when
the width allows, else as a heading over its rows; intervals in the value's unit; notes once below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from kpidesk.cli._tables import AlignedBlocks, compact_table, natural_width
from kpidesk.cli._text import format_bounds, format_change, format_value, missing

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["print_kpi_table"]


def _available(row: Mapping[Any, Any]) -> bool:
    return bool(row.get("available", True))


def _partial(row: Mapping[Any, Any]) -> bool:
    return row.get("partial") is True and not missing(row.get("covered_from"))


def _period_cell(row: Mapping[Any, Any]) -> str:
    """A period's first day, marked ◐ when the data covers only part of it."""
    return f"{row['period_start']}" + (" ◐" if _partial(row) else "")


def _print_footnotes(console: Console, frame: pd.DataFrame) -> None:
    """Once below the table: why a value is n/a, which sources a value leaves out, which days were
    compared for a partial period."""
    from kpidesk.metrics import NO_DATA, NO_VALUE, gaps_by_source

    rows = frame.to_dict(orient="records")
    gaps = gaps_by_source(frame)
    if gaps:
        console.print("[dim]n/a, or left out of a value, where a source cannot measure it:[/]")
        for gap, metric_ids in gaps.items():
            console.print(f"[dim]  {gap}: {', '.join(metric_ids)}[/]", highlight=False)
    for empty in (NO_DATA, NO_VALUE):
        if any(not _available(r) and r.get("reason") == empty for r in rows):
            console.print(f"[dim]n/a: {empty}.[/]", highlight=False)
    covered = dict.fromkeys(
        f"{r['period_start']} → {r['period_end']} holds data on {r['days_covered']:,} of its "
        f"{(r['period_end'] - r['period_start']).days + 1:,} days ({r['covered_from']} – {r['covered_to']})"
        for r in rows
        if _partial(r)
    )
    if covered:
        console.print("[dim]◐ partial: " + "; ".join(covered) + ".[/]", highlight=False)
    spans = dict.fromkeys(
        f"{r['covered_from']} – {r['covered_to']} against {r['compare_from']} – {r['compare_to']}"
        for r in rows
        if _partial(r) and not missing(r.get("compare_from"))
    )
    if spans:
        console.print(
            "[dim]Partial periods are compared with the same days before: " + "; ".join(spans) + ".[/]",
            highlight=False,
        )


def _own_spans(frame: pd.DataFrame, start: Any, end: Any) -> dict[str, list[str]]:
    """For one whole period: the rows whose own data spans other dates than `start`–`end`, by span (a
    value not available has no data of its own)."""
    spans: dict[str, list[str]] = {}
    for row in frame.to_dict(orient="records"):
        if not _available(row):
            continue
        if (row["period_start"], row["period_end"]) != (start, end) or _partial(row):
            span = f"{row['period_start']} → {row['period_end']}"
            if _partial(row):
                length = (row["period_end"] - row["period_start"]).days + 1
                span += f" (data on {row['days_covered']:,} of its {length:,} days)"
            metric_ids = spans.setdefault(span, [])
            if row["metric"] not in metric_ids:
                metric_ids.append(str(row["metric"]))
    return spans


def _group_cell(row: Mapping[Any, Any], dimension: str) -> str:
    """A group's value, with its name first where the data names it: "Rana Biton (A001)"."""
    value = row[dimension]
    if missing(value):
        return "—"
    name = row.get(f"{dimension}_name")
    return f"{name} ({value})" if isinstance(name, str) and name else str(value)


def _figures(row: Mapping[Any, Any], compared: bool) -> list[str]:
    """value, 95% CI, n, and before and change when compared."""
    unit = row["unit"]
    cells = [
        format_value(unit, row["value"]) if _available(row) else "n/a",
        format_bounds(unit, row["value"], row["ci_low"], row["ci_high"]),
        f"{row['n']:,}" + (" ⚠" if row["small_sample"] else ""),
    ]
    if compared:
        cells += [format_value(unit, row["compare_value"]), format_change(row)]
    return cells


def print_kpi_table(
    console: Console,
    frame: pd.DataFrame,
    by: tuple[str, ...],
    title: str | None = None,
    period: str | None = None,
) -> None:
    """KPI results as a terminal table; a shared period goes in the title instead of a column. With the
    `all` period each metric spans its own data: the title gives the whole span, and the rows on other
    dates are marked ◐ and listed below. When a metric column would not fit, each metric heads its rows."""
    records = frame.to_dict(orient="records")
    periods = {(r["period_start"], r["period_end"]) for r in records}
    whole = period == "all" and len(periods) > 0
    single = len(periods) == 1 or whole
    own: dict[str, list[str]] = {}
    if single:
        start, end = min(p[0] for p in periods), max(p[1] for p in periods)
        if whole:
            own = _own_spans(frame, start, end)
        marker = " ◐" if not whole and any(_partial(r) for r in records) else ""
        title = f"{title or 'KPIs'} · {start} → {end}{marker}"
    dims = [c for c in (*by, "sla_metric") if c in frame.columns and frame[c].notna().any()]
    compared = "change" in frame.columns
    figures = ["value", "95% CI", "n", *(["before", "change"] if compared else [])]
    marked = {m for metric_ids in own.values() for m in metric_ids}

    def leading(row: Mapping[Any, Any]) -> list[str]:
        return [
            *([] if single else [_period_cell(row)]),
            *[_group_cell(row, d) for d in dims],
        ]

    wide = compact_table(title)
    for col in ("metric", *([] if single else ["period"]), *dims, "stat", *figures):
        wide.add_column(
            col,
            justify="right" if col in figures else "left",
            no_wrap=col not in dims,
            overflow="fold" if col in dims else "ellipsis",
        )
    for row in records:
        metric = row["metric"] + (" ◐" if row["metric"] in marked else "")
        wide.add_row(metric, *leading(row), row["stat"], *_figures(row, compared))
    before = compared
    if natural_width(console, wide) <= console.width:
        console.print(wide)
    else:
        before = _print_blocks(console, records, title, single, dims, figures, marked, leading, compared)
    _print_notes(console, frame, compared, before)
    for span, metric_ids in own.items():
        console.print(f"[dim]◐ {span}: {', '.join(metric_ids)}[/]", highlight=False)
    _print_footnotes(console, frame.assign(partial=False) if whole else frame)


def _print_blocks(
    console: Console,
    records: list[dict[Any, Any]],
    title: str | None,
    single: bool,
    dims: list[str],
    figures: list[str],
    marked: set[str],
    leading: Any,
    compared: bool,
) -> bool:
    """One block per metric and statistic (and SLA metric) under its name. Returns whether the `before`
    column was shown: at 80 columns it gives way first, as value − change tells it."""
    groups = [d for d in dims if d != "sla_metric"]
    blocks: dict[tuple[str, str, str], list[list[str]]] = {}
    for r in records:
        sla = "" if missing(r.get("sla_metric")) else str(r["sla_metric"])
        cells = [*leading(r)]
        if "sla_metric" in dims:
            cells.pop(len(cells) - len(dims) + dims.index("sla_metric"))
        blocks.setdefault((r["metric"], r["stat"], sla), []).append([*cells, *_figures(r, compared)])
    leading_names = [*([] if single else ["period"]), *groups]
    aligned = AlignedBlocks(
        headers=[*leading_names, *figures],
        right=[False] * len(leading_names) + [True] * len(figures),
        foldable=[name in groups for name in leading_names] + [False] * len(figures),
        droppable=("before",),
    )
    for (metric, stat, sla), rows in blocks.items():
        heading = Text.assemble(
            (metric + (" ◐" if metric in marked else ""), "bold"),
            (f" · {stat}" + (f" · {sla}" if sla else ""), "dim"),
        )
        aligned.add_block(heading, rows)
    if title:
        console.print(Text(title, style="bold"))
    aligned.print(console)
    return "before" in [aligned.headers[i] for i in aligned.shown(console.width)]


def _print_notes(console: Console, frame: pd.DataFrame, compared: bool, before: bool) -> None:
    """The abbreviations and marks of the table, once."""
    notes = ["95% CI: confidence interval, in the value's unit"]
    if len(frame) and frame["small_sample"].any():
        notes.append("⚠ small sample: fewer units than the `small_sample` option, read with care")
    if compared:
        notes.append(
            ("before: the period compared with; " if before else "change: from the period compared with; ")
            + "✱ significant: the change's 95% CI excludes zero"
        )
        notes.append("pp: percentage points")
    console.print("[dim]" + " · ".join(notes) + ".[/]", highlight=False)
