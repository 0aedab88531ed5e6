"""The `kpidesk` command: a thin layer over the functions of `kpidesk`.

Every command takes `--workspace` (else `$KPIDESK_WORKSPACE`, else the current folder). Errors that are
the user's to fix are printed in plain words with exit status 2, never as a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
import duckdb
import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kpidesk import _api
from kpidesk.metrics import CATALOGUE, DIMENSIONS, METRIC_OPTIONS, PERIODS, get_metric
from kpidesk.workspace import SettingsError, WorkspaceError

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
KINDS = ("tickets", "events", "calls", "surveys", "agents", "agent_states", "customers", "qa")

console = Console()
err_console = Console(stderr=True)


def _user_errors(func: F) -> F:
    """Turn the errors a user can fix into a clear message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kpidesk.ingest import ImportFailed, UndoRefused
        from kpidesk.metrics import TicketNotFound
        from kpidesk.workspace import ImportRunning

        try:
            return func(*args, **kwargs)
        except (
            ImportFailed,
            SettingsError,
            WorkspaceError,
            TicketNotFound,
            UndoRefused,
            ImportRunning,
            TimeoutError,
            ValueError,
            FileNotFoundError,
        ) as exc:
            err_console.print(Text.assemble(("error: ", "bold red"), str(exc)), highlight=False)
            sys.exit(2)
        except duckdb.Error as exc:
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            message = f"the warehouse could not finish: {first_line}"
            if "memory" in text.lower() or "allocate" in text.lower():
                message += " (raise memory_limit in the [workspace] table of kpidesk.toml, or remove it)"
            err_console.print(Text.assemble(("error: ", "bold red"), message + ". Nothing was changed."))
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $KPIDESK_WORKSPACE, else the current folder).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kpidesk")
def main() -> None:
    """kpidesk: customer-service KPIs with written definitions, business hours and honest statistics.

    \b
    Typical use:
      kpidesk init ./acme --country IL
      kpidesk import tickets.csv --kind tickets -w ./acme
      kpidesk import events.csv --kind events -w ./acme
      kpidesk kpis --by team --period week --business-hours -w ./acme
      kpidesk explain T000123 -w ./acme
    """


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--timezone", "tz", help="IANA time zone, e.g. Asia/Jerusalem (default: the country's).")
@click.option(
    "--country", help="Country code for the usual work week and public holidays (IL, SA, AE, US, GB…)."
)
@click.option("--locale", help="Language of reports: he, ar or en (default: the country's).")
@workspace_option
@_user_errors
def init(
    directory: Path | None, tz: str | None, country: str | None, locale: str | None, workspace: Path | None
) -> None:
    """Create a workspace: kpidesk.toml and an empty warehouse with every canonical table.

    The country fills in its usual work week from 09:00 to 17:00 (IL and SA: Sunday–Thursday; AE, US, GB:
    Monday–Friday) and its public holidays. Edit kpidesk.toml for team calendars, half days and SLA policies.
    """
    from kpidesk.workspace import SETTINGS_FILE, init_workspace, resolve_workspace_dir

    existed = (resolve_workspace_dir(directory or workspace) / SETTINGS_FILE).exists()
    ws = init_workspace(directory or workspace, timezone=tz, country=country, locale=locale)
    if existed:
        console.print(f"{ws.path / SETTINGS_FILE} already exists: its settings are kept.")
    cal = ws.settings.calendars[ws.settings.default_calendar]
    days = ", ".join(f"{d} {h}" for d, h in cal.hours.items())
    console.print(f"Workspace ready in [bold]{ws.path}[/]")
    console.print(f"  time zone {ws.settings.timezone} · locale {ws.settings.locale} · hours: {days}")
    console.print(f"  next: kpidesk import FILE --kind tickets --workspace {ws.path}")


@main.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Which canonical table the rows go to (not needed with a built-in --format, which knows).",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="A built-in export format (servicenow, zendesk, call-log…; `kpidesk formats` lists them).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping: column names, value maps, timestamp formats, time zone (see docs/importing.md).",
)
@click.option(
    "--source", default=None, help="Name of the system the data comes from (default: the format's)."
)
@click.option(
    "--timezone",
    "tz",
    default=None,
    help="IANA zone of timestamps written without an offset (default: the mapping's, else the format's "
    "documented zone, else the workspace's).",
)
@click.option(
    "--encoding", default=None, help="File encoding when not UTF-8, e.g. windows-1255 or windows-1256."
)
@click.option("--delimiter", default=None, help="Field delimiter (default: detected).")
@click.option(
    "--no-wait", is_flag=True, help="If another import is running, say so and stop instead of waiting for it."
)
@workspace_option
@_user_errors
def import_(
    files: tuple[Path, ...],
    kind: str | None,
    fmt: str | None,
    mapping: Path | None,
    source: str | None,
    tz: str | None,
    encoding: str | None,
    delimiter: str | None,
    no_wait: bool,
    workspace: Path | None,
) -> None:
    """Import CSV/TSV, JSON, JSON Lines, Parquet or XLSX files into the warehouse.

    With --kind, the files hold rows of one canonical table, mapped column by column (--mapping). With a
    built-in --format, the files are one system's export and go to every table it feeds (incidents and
    their updates, calls, survey ratings…): see docs/importers.md.

    All files are imported in one transaction: a file-level problem (missing column, wrong encoding, empty
    file) changes nothing. Rows that fail validation are kept in `rejected_rows` with file, line, column and
    reason. Importing the same rows again changes nothing; a newer export updates what changed. Every
    import keeps what it replaced: `kpidesk imports` lists them, `kpidesk imports undo ID` undoes one.
    One import runs at a time (another waits, or stops with --no-wait); KPIs can be read meanwhile.
    """
    from kpidesk.ingest.exports import EXPORT_FORMATS

    if fmt is not None and fmt in EXPORT_FORMATS:
        summaries = _api.import_export(
            files,
            fmt,
            workspace=workspace,
            mapping=mapping,
            source=source,
            timezone=tz,
            encoding=encoding,
            delimiter=delimiter,
            kinds=[kind] if kind else None,
            progress=True,
            wait=not no_wait,
        )
    else:
        if kind is None:
            known = ", ".join(sorted(EXPORT_FORMATS))
            raise click.UsageError(
                f"say which table the rows go to with --kind, or name a built-in export with --format "
                f"({known})"
            )
        mapped = _api.import_files(
            files,
            kind,
            workspace=workspace,
            format=fmt,
            mapping=mapping,
            source=source,
            timezone=tz,
            encoding=encoding,
            delimiter=delimiter,
            progress=True,
            wait=not no_wait,
        )
        summaries = [mapped]
    for number, summary in enumerate(summaries):
        if number:
            console.print()
        for line in summary.lines():
            console.print(line, highlight=False, markup=False)


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_option
@click.pass_context
@_user_errors
def imports(ctx: click.Context, fmt: str, workspace: Path | None) -> None:
    """Each import: id, time (UTC), kind, source, files, rows read / inserted / updated / rejected, and
    whether it was undone. `kpidesk imports undo ID` puts the warehouse back as it was before one."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = workspace  # `kpidesk imports -w DIR undo ID` means that workspace too
        return
    frame = _api.imports(workspace)
    records = [_import_record(row) for row in frame.to_dict(orient="records")]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        console.print("no imports yet: `kpidesk import FILE --kind tickets` makes the first one")
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column("id", justify="right", no_wrap=True)
    # The time on two lines and the undone column only when something was undone leave the names room.
    table.add_column("started\n(UTC)", no_wrap=True)
    table.add_column("kind/source", overflow="fold")
    table.add_column("files", overflow="fold", ratio=1)
    for col in ("read", "ins", "upd", "rej"):
        table.add_column(col, justify="right", no_wrap=True)
    any_undone = any(r["undone"] for r in records)
    if any_undone:
        table.add_column("undone", no_wrap=True)
    for r in records:
        table.add_row(
            str(r["import_id"]),
            r["started_at"][:16].replace("T", "\n"),
            f"{r['kind']}\n[dim]{escape(r['source'])}[/]",
            escape("\n".join(Path(f).name for f in r["files"])),
            f"{r['read']:,}",
            f"{r['inserted']:,}",
            f"{r['updated']:,}",
            f"{r['rejected']:,}" + (f" +{r['repaired']:,}r" if r["repaired"] else ""),
            *(["yes" if r["undone"] else ""] if any_undone else []),
        )
    console.print(table)
    console.print(
        "[dim]ins inserted · upd updated · rej rejected (+Nr repaired) · `kpidesk rejected --import ID` "
        "lists them[/]"
    )


def _import_record(row: Mapping[Any, Any]) -> dict[str, Any]:
    """One import as plain JSON values."""

    def when(value: Any) -> str | None:
        return None if _missing_time(value) else pd.Timestamp(value).isoformat()

    return {
        "import_id": int(row["import_id"]),
        "started_at": when(row["started_at"]),
        "kind": row["kind"],
        "source": row["source"],
        "files": [str(f) for f in row["files"]],
        **{k: int(row[k]) for k in ("read", "inserted", "updated", "unchanged", "rejected", "repaired")},
        "batch_id": None if _missing(row["batch_id"]) else int(row["batch_id"]),
        "undone": bool(row["undone"]),
        "undone_at": when(row["undone_at"]),
    }


def _missing_time(value: Any) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str) and bool(pd.isna(value)))


@imports.command("undo")
@click.argument("import_id", type=int)
@click.option(
    "--no-wait", is_flag=True, help="If an import is running, say so and stop instead of waiting for it."
)
@workspace_option
@click.pass_context
@_user_errors
def imports_undo(ctx: click.Context, import_id: int, no_wait: bool, workspace: Path | None) -> None:
    """Put the warehouse back as it was before import ID: delete the rows it inserted, put back the rows
    it replaced, remove its rejected rows, and derive the facts again. The imports of one command (a
    built-in export writes one per table) are undone together. Refused, naming them, when later imports
    changed the same rows: undo those first."""
    result = _api.undo_import(import_id, workspace=workspace or ctx.obj, wait=not no_wait)
    for line in result.lines():
        console.print(line, highlight=False, markup=False)


@main.command()
@click.option("--import", "import_id", type=int, default=None, help="Only the rows of this import.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_option
@_user_errors
def rejected(import_id: int | None, fmt: str, workspace: Path | None) -> None:
    """The rows imports rejected (not imported) or repaired (imported after a change the reason names),
    with import id, file, line, column and reason."""
    frame = _api.rejected(workspace, import_id=import_id)
    records = [
        {
            "import_id": int(r["import_id"]),
            "kind": r["kind"],
            "file": r["file"],
            "line": None if _missing(r["line"]) else int(r["line"]),
            "column": r["column"],
            "value": None if _missing(r["value"]) else r["value"],
            "reason": r["reason"],
            "repaired": bool(r["repaired"]),
        }
        for r in frame.to_dict(orient="records")
    ]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        console.print(
            "no import has rejected or repaired rows"
            if import_id is None
            else f"import {import_id} has no rejected or repaired rows"
        )
        return
    table = Table(show_edge=False, pad_edge=False, show_lines=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("file", overflow="fold", max_width=16)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("column", overflow="fold", max_width=14)
    table.add_column("reason", overflow="fold", ratio=1)
    for r in records:
        table.add_row(
            str(r["import_id"]),
            Path(r["file"]).name,
            "—" if r["line"] is None else f"{r['line']:,}",
            r["column"] or "—",
            ("repaired: " if r["repaired"] else "") + r["reason"],
        )
    console.print(table)


def _mapping_dict(mapping: Path | None) -> dict[str, Any]:
    from kpidesk.ingest import read_mapping_file

    return read_mapping_file(mapping) if mapping is not None else {}


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "markdown"]), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def formats(fmt: str, output: Path | None) -> None:
    """The built-in export formats: what each reads and which tables it writes."""
    from kpidesk.ingest.exports import EXPORT_FORMATS, importers_markdown

    if fmt == "markdown":
        text = importers_markdown()
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text)
        return
    table = Table(show_lines=True)
    for col in ("format", "reads", "writes", "what"):
        table.add_column(col, overflow="fold")
    for name in sorted(EXPORT_FORMATS):
        export = EXPORT_FORMATS[name]
        table.add_row(
            name, " ".join(export.suffixes), ", ".join(export.kinds), f"{export.title}: {export.description}"
        )
    console.print(table)
    console.print("Details, field by field: docs/importers.md")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def metrics(fmt: str, output: Path | None) -> None:
    """The metric catalogue: name, unit, direction, definition and options."""
    from kpidesk.metrics import catalogue_json, catalogue_markdown

    if fmt == "table":
        table = Table(show_lines=True)
        for col in ("metric", "unit", "better", "definition"):
            table.add_column(col, overflow="fold")
        for m in CATALOGUE:
            options = f"\n[dim]options: {', '.join(m.options)}[/]" if m.options else ""
            lacking = " or ".join(c.lacking for c in m.needs)
            needs = f"\n[dim]not available from a source that {lacking}[/]" if m.needs else ""
            about = f"period: {m.anchor}; default statistic: {m.statistic}"
            table.add_row(m.id, m.unit, m.direction, f"{m.definition}\n[dim]{about}[/]{options}{needs}")
        console.print(table)
        console.print("Options ([metrics] in kpidesk.toml):")
        for name, text in METRIC_OPTIONS.items():
            console.print(f"  [bold]{name}[/]: {text}", highlight=False)
        return
    text = catalogue_markdown() if fmt == "markdown" else catalogue_json()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text)


#: Significant digits of a number written as JSON or CSV: enough for any figure kpidesk computes, few
#: enough that binary float noise (178579.60000000006) does not show.
_DIGITS = 15
_CSV_FLOATS = f"%.{_DIGITS}g"


def _plain(value: float) -> float:
    """`value` without float noise: 178579.60000000006 → 178579.6."""
    return float(f"{value:.{_DIGITS}g}")


def _json_ready(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for name, value in row.items():
            key = str(name)
            if isinstance(value, date):
                value = value.isoformat()
            elif value is not None and not isinstance(value, str | bool) and pd.isna(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float):
                value = _plain(value)
            clean[key] = value
        records.append(clean)
    return records


def _format_value(unit: str, value: Any) -> str:
    from kpidesk.metrics import format_quantity

    return format_quantity(value, unit)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _available(row: Mapping[Any, Any]) -> bool:
    return bool(row.get("available", True))


def _partial(row: Mapping[Any, Any]) -> bool:
    return row.get("partial") is True and not _missing(row.get("covered_from"))


def _period_cell(row: Mapping[Any, Any]) -> str:
    """A period's first day, marked ◐ when the data covers only part of it."""
    return f"{row['period_start']}" + (" ◐" if _partial(row) else "")


def _print_footnotes(frame: pd.DataFrame) -> None:
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
        if _partial(r) and not _missing(r.get("compare_from"))
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


def print_kpi_table(
    frame: pd.DataFrame, by: tuple[str, ...], title: str | None = None, period: str | None = None
) -> None:
    """KPI results as a terminal table; a shared period goes in the title instead of a column. With the
    `all` period each metric spans its own data: the title gives the whole span, and the rows on other
    dates are marked ◐ and listed below."""
    periods = {(r["period_start"], r["period_end"]) for r in frame.to_dict(orient="records")}
    whole = period == "all" and len(periods) > 0
    single = len(periods) == 1 or whole
    own: dict[str, list[str]] = {}
    if single:
        start, end = min(p[0] for p in periods), max(p[1] for p in periods)
        if whole:
            own = _own_spans(frame, start, end)
        marker = " ◐" if not whole and any(_partial(r) for r in frame.to_dict(orient="records")) else ""
        title = f"{title or 'KPIs'} · {start} → {end}{marker}"
    table = Table(title=title, show_edge=False)
    dims = [c for c in (*by, "sla_metric") if c in frame.columns and frame[c].notna().any()]
    compared = ["before", "change"] if "change" in frame.columns else []
    for col in (
        "metric",
        *([] if single else ["period"]),
        *dims,
        "stat",
        "value",
        "95% interval",
        "n",
        *compared,
    ):
        table.add_column(
            col,
            justify="right" if col in ("value", "n", "95% interval", *compared) else "left",
            no_wrap=col in ("metric", "period", "value"),
        )
    for row in frame.to_dict(orient="records"):
        lo, hi = row["ci_low"], row["ci_high"]
        interval = (
            ""
            if _missing(lo) or _missing(hi)
            else (f"{_format_value(row['unit'], lo)} – {_format_value(row['unit'], hi)}")
        )
        n = f"{row['n']:,}" + (" ⚠" if row["small_sample"] else "")
        period_cell = [] if single else [_period_cell(row)]
        marked = any(row["metric"] in metric_ids for metric_ids in own.values())
        table.add_row(
            row["metric"] + (" ◐" if marked else ""),
            *period_cell,
            *["—" if _missing(row[d]) else str(row[d]) for d in dims],
            row["stat"],
            _format_value(row["unit"], row["value"]) if _available(row) else "n/a",
            interval,
            n,
            *([_format_value(row["unit"], row["compare_value"]), _format_change(row)] if compared else []),
        )
    console.print(table)
    if len(frame) and frame["small_sample"].any():
        console.print("[dim]⚠ small sample: fewer units than the `small_sample` option; read with care.[/]")
    if compared:
        console.print(
            "[dim]✱ significant: the change's 95% interval excludes zero; pp: percentage points.[/]"
        )
    for span, metric_ids in own.items():
        console.print(f"[dim]◐ {span}: {', '.join(metric_ids)}[/]", highlight=False)
    _print_footnotes(frame.assign(partial=False) if whole else frame)


def _format_change(row: Mapping[Any, Any]) -> str:
    """A change with its sign, marked ✱ when significant."""
    value = row.get("change")
    if value is None or _missing(value):
        return "—"
    change = float(value)
    marker = " ✱" if row.get("significant") is True else ""
    sign = "+" if change >= 0 else "−"
    if row.get("change_unit") == "pp":
        return f"{sign}{abs(change):.1f} pp{marker}"
    return f"{sign}{_format_value(row['unit'], abs(change))}{marker}"


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}") from None


@main.command()
@click.option(
    "--metric",
    "metric_ids",
    multiple=True,
    metavar="NAME",
    help="Metric id (repeatable; default: all). `kpidesk metrics` lists them.",
)
@click.option(
    "--by", multiple=True, type=click.Choice(list(DIMENSIONS)), help="Group by a dimension (repeatable)."
)
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="week",
    show_default=True,
    help="Local periods of the workspace's default calendar.",
)
@click.option("--from", "start", callback=_parse_date, help="First local date, YYYY-MM-DD (inclusive).")
@click.option("--to", "end", callback=_parse_date, help="Last local date, YYYY-MM-DD (inclusive).")
@click.option(
    "--stat",
    "stats",
    multiple=True,
    help="Statistic for durations: median, mean, p90 or any pNN (repeatable: one row each; default: each "
    "metric's own, the mean for asa and aht, the median for other durations).",
)
@click.option(
    "--business-hours",
    is_flag=True,
    help="Measure durations in business seconds (a ticket's team calendar; the default one for calls).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "parquet"]),
    default="table",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option(
    "--compare",
    type=click.Choice(["previous", "year"]),
    default=None,
    help="Also the same metric and group in the period before (previous) or a year earlier (year), "
    "with the change and its 95% interval.",
)
@click.option(
    "--records",
    "show_records",
    is_flag=True,
    help="Instead of the results, the records behind one result row (one --metric; --from/--to narrow "
    "to one period; --where picks the group): whether and why each counted.",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="DIM=VALUE",
    help="With --records: the row's group, e.g. team=billing (repeatable; DIM= for the row without a value).",
)
@workspace_option
@_user_errors
def kpis(
    metric_ids: tuple[str, ...],
    by: tuple[str, ...],
    period: str,
    start: date | None,
    end: date | None,
    stats: tuple[str, ...],
    business_hours: bool,
    fmt: str,
    output: Path | None,
    compare: str | None,
    show_records: bool,
    where: tuple[str, ...],
    workspace: Path | None,
) -> None:
    """KPI results per metric, period and group, with sample size n and 95% confidence bounds.

    Rates are fractions in [0, 1]; NPS is a score from -100 to +100; durations are seconds (calendar, or
    business with --business-hours; a call's wait is always calendar time). Each duration reports its
    metric's default statistic unless --stat asks for others. JSON is an array of objects with metric,
    stat, value, unit, n, ci_low, ci_high, period_start, period_end, one key per --by dimension,
    available and reason (a metric a source cannot measure is n/a, never 0), note (sources left out), and
    partial, covered_from, covered_to, days_covered (the days of the period the data covers). A partial
    period is compared with the same days before. With --records, the tickets, calls, responses or agents
    behind one row instead.
    """
    if show_records:
        _print_records(
            metric_ids, by, period, start, end, business_hours, compare, where, fmt, output, workspace
        )
        return
    if where:
        raise click.UsageError("--where picks the row of --records; without --records use --by")
    frame = _api.kpis(
        workspace,
        metrics=list(metric_ids) or None,
        by=by,
        period=period,
        start=start,
        end=end,
        stat=list(stats) or None,
        business_hours=business_hours,
        compare=compare,
    )
    if fmt == "table":
        print_kpi_table(frame, by, period=period)
        return
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return
    text = (
        frame.to_csv(index=False, float_format=_CSV_FLOATS)
        if fmt == "csv"
        else json.dumps(_json_ready(frame), ensure_ascii=False, indent=2)
    )
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _where_filters(where: tuple[str, ...], by: tuple[str, ...]) -> dict[str, str | None]:
    """`DIM=VALUE` pairs as filters; every `--by` dimension must be among them, so that one row is meant."""
    filters: dict[str, str | None] = {}
    for pair in where:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected DIM=VALUE, got {pair!r}", param_hint="--where")
        filters[name.strip()] = value.strip() or None
    missing = [b for b in by if b not in filters]
    if missing:
        raise click.UsageError(
            f"--records lists one result row: give its {missing[0]} with --where {missing[0]}=VALUE"
        )
    return filters


def _print_records(
    metric_ids: tuple[str, ...],
    by: tuple[str, ...],
    period: str,
    start: date | None,
    end: date | None,
    business_hours: bool,
    compare: str | None,
    where: tuple[str, ...],
    fmt: str,
    output: Path | None,
    workspace: Path | None,
) -> None:
    if len(metric_ids) != 1:
        raise click.UsageError("--records lists the records of one result row: give exactly one --metric")
    if compare is not None:
        raise click.UsageError("--records lists one result row; --compare does not apply to it")
    metric = get_metric(metric_ids[0])
    frame = _api.records(
        workspace,
        metric=metric.id,
        period=period,
        start=start,
        end=end,
        filters=_where_filters(where, by),
        business_hours=business_hours,
    )
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return
    if fmt != "table":
        text = (
            frame.to_csv(index=False)
            if fmt == "csv"
            else json.dumps(_json_ready(frame), ensure_ascii=False, indent=2)
        )
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=fmt != "csv")
        return
    ids = list(frame.attrs["id_columns"])
    counted = int(frame["counted"].sum())
    first = frame["period_start"].iloc[0].isoformat() if len(frame) else "no data"
    divided = metric.kind_object.per_exposure
    console.print(f"[bold]{metric.id}[/] · {period} of {first} · n = {counted:,}", highlight=False)
    table = Table(show_edge=False)
    shown = (*ids, "value", *(("exposure",) if divided else ()), "counted", "reason")
    for col in shown:
        table.add_column(col, justify="right" if col in ("value", "exposure") else "left", overflow="fold")
    for row in frame.to_dict(orient="records"):
        values = [metric.kind_object.format_record(row["value"], metric.unit)]
        if divided:
            # A ratio's or rate's records carry its numerator and denominator, not the ratio itself.
            values = [_format_value("number", row[c]) for c in ("value", "exposure")]
        table.add_row(
            *["" if _missing(row[c]) else str(row[c]) for c in ids],
            *values,
            "yes" if row["counted"] else "no",
            "" if _missing(row["reason"]) else str(row["reason"]),
        )
    console.print(table)


@main.group()
def calls() -> None:
    """Call-center views beyond the KPI table."""


@calls.command("intervals")
@click.option(
    "--minutes",
    type=click.Choice(["15", "30", "60"]),
    default="30",
    show_default=True,
    help="Interval length, in local time of the default calendar.",
)
@click.option("--queue", default=None, help="Only this queue.")
@click.option("--by-queue", is_flag=True, help="One row per queue and interval.")
@click.option("--from", "start", callback=_parse_date, help="First local date, YYYY-MM-DD (inclusive).")
@click.option("--to", "end", callback=_parse_date, help="Last local date, YYYY-MM-DD (inclusive).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@workspace_option
@_user_errors
def calls_intervals(
    minutes: str,
    queue: str | None,
    by_queue: bool,
    start: date | None,
    end: date | None,
    fmt: str,
    workspace: Path | None,
) -> None:
    """Offered, answered and abandoned calls, mean handle time and mean wait per local interval.

    Intervals without calls are listed with zeros; a DST day has 23 or 25 hours of them.
    """
    frame = _api.call_intervals(
        workspace, minutes=int(minutes), from_=start, to=end, queue=queue, by=["queue"] if by_queue else []
    )
    if fmt == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        click.echo(frame.to_csv(index=False, float_format=_CSV_FLOATS), nl=False)
        return
    table = Table(show_edge=False)
    shown = [c for c in frame.columns if c != "interval_start_utc"]
    for col in shown:
        table.add_column(
            col,
            justify="left" if col in ("interval_start", "queue") else "right",
            no_wrap=col == "interval_start",
        )
    for row in frame.to_dict(orient="records"):
        table.add_row(
            row["interval_start"].isoformat(timespec="minutes"),
            *[
                "—" if _missing(row[c]) else (f"{row[c]:.0f}" if c.startswith("mean") else str(row[c]))
                for c in shown[1:]
            ],
        )
    console.print(table)


@main.command()
@click.option("--metric", "metric_id", required=True, metavar="NAME", help="Metric id (`kpidesk metrics`).")
@click.option("--person", required=True, metavar="AGENT_ID", help="The agent whose absence is compared.")
@click.option("--from", "start", callback=_parse_date, help="First local date, YYYY-MM-DD (inclusive).")
@click.option("--to", "end", callback=_parse_date, help="Last local date, YYYY-MM-DD (inclusive).")
@click.option(
    "--stat",
    "stats",
    multiple=True,
    help="Statistic for durations: median, mean or pNN (repeatable; default: the metric's own).",
)
@click.option("--business-hours", is_flag=True, help="Measure durations in business seconds.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_option
@_user_errors
def resilience(
    metric_id: str,
    person: str,
    start: date | None,
    end: date | None,
    stats: tuple[str, ...],
    business_hours: bool,
    fmt: str,
    workspace: Path | None,
) -> None:
    """A KPI on the open days a person was absent (no agent_states other than away) vs present, with the
    difference (absent − present), its 95% interval and whether it is significant."""
    frame = _api.resilience(
        workspace,
        metric=metric_id,
        person=person,
        start=start,
        end=end,
        stat=list(stats) or None,
        business_hours=business_hours,
    )
    if fmt == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{metric_id}: days {person} was present vs absent", show_edge=False)
    for col in ("stat", "present", "absent", "difference", "95% interval", "n present / absent", "days"):
        table.add_column(col, justify="left" if col == "stat" else "right")
    for row in frame.to_dict(orient="records"):
        unit = row["unit"]
        lo, hi = row["ci_low"], row["ci_high"]
        bounds = [_format_change({"unit": unit, "change": b}) for b in (lo, hi)]
        interval = "" if _missing(lo) or _missing(hi) else " – ".join(bounds)
        table.add_row(
            row["stat"],
            _format_value(unit, row["present_value"]),
            _format_value(unit, row["absent_value"]),
            _format_change({"unit": unit, "change": row["difference"], "significant": row["significant"]}),
            interval,
            f"{row['present_n']:,} / {row['absent_n']:,}" + (" ⚠" if row["small_sample"] else ""),
            f"{row['present_days']} / {row['absent_days']}",
        )
    console.print(table)


@main.command()
@click.argument("ticket_id")
@click.option("--source", default=None, help="The ticket's source, when the id exists in several.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_option
@_user_errors
def explain(ticket_id: str, source: str | None, fmt: str, workspace: Path | None) -> None:
    """Each metric's start event, stop event, calendar and value for one ticket."""
    result = _api.explain(ticket_id, workspace=workspace, source=source)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), default=str, ensure_ascii=False, indent=2))
        return
    f = result.facts

    def named(what: str, value: Any) -> str:
        return f"no {what}" if _missing(value) else f"{what} {value}"

    console.print(
        Text.assemble(
            (f"{result.source} / {result.ticket_id}", "bold"),
            " · "
            + " · ".join(
                named(what, f[column])
                for what, column in (
                    ("team", "team_id"),
                    ("agent", "agent_id"),
                    ("channel", "channel"),
                    ("priority", "priority"),
                    ("status", "status"),
                    ("calendar", "calendar_id"),
                )
            ),
        ),
        highlight=False,
    )
    table = Table(show_edge=False)
    table.add_column("metric", overflow="fold", min_width=13)
    for col in ("start", "stop"):
        table.add_column(col, overflow="fold", max_width=15)
    for col in ("calendar", "business"):
        table.add_column(col, justify="right")
    for t in result.traces:
        table.add_row(
            Text.assemble(t.metric, *(("\n", (t.note, "italic")) if t.note else ())),
            Text.assemble(_local_time(t.start_at), "\n", (t.start_event or "", "dim")),
            Text.assemble(_local_time(t.stop_at), "\n", (t.stop_event or "", "dim")),
            _format_value("seconds", t.calendar_seconds),
            _format_value("seconds", t.business_seconds),
        )
    console.print(table)
    replies, reassigned, reopens = (int(f[c] or 0) for c in ("agent_replies", "reassignments", "reopens"))
    escalated = f"escalated to level {f['max_level']}" if f["escalated"] else "not escalated"
    console.print(
        f"{replies} agent {'reply' if replies == 1 else 'replies'} · reassigned {reassigned} "
        f"{'time' if reassigned == 1 else 'times'} · reopened {reopens} {'time' if reopens == 1 else 'times'}"
        f" · {escalated} · times in {result.timezone}",
        highlight=False,
    )


def _local_time(at: Any) -> str:
    """An aware local instant as its date over its time and offset: 2026-03-01 / 09:00:05 +02:00."""
    if at is None:
        return "—"
    offset = at.isoformat()[-6:]
    return f"{at:%Y-%m-%d}\n{at:%H:%M:%S} {offset}"


#: The headline KPIs of each area the demo fills: tickets, calls, surveys, people, QA and customers.
DEMO_METRICS = (
    "volume",
    "solved",
    "backlog",
    "first_reply_time",
    "reply_time",
    "full_resolution_time",
    "one_touch_rate",
    "fcr_rate",
    "reopen_rate",
    "escalation_rate",
    "sla_attainment",
    "offered",
    "abandonment_rate",
    "asa",
    "service_level",
    "aht",
    "occupancy",
    "csat",
    "nps",
    "headcount",
    "tenure",
    "attrition_rate",
    "qa_score",
    "churn_rate",
)


@main.command()
@click.option("--tickets", default=20_000, show_default=True, help="How many tickets to generate.")
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kpidesk-demo"),
    show_default=True,
    help="Folder of the demo workspace (replaced if it is a demo workspace).",
)
@_user_errors
def demo(tickets: int, seed: int, workspace: Path) -> None:
    """Build a demo workspace from realistic generated data and print its KPI table."""
    result = _api.build_demo(workspace, n_tickets=tickets, seed=seed, progress=True)
    frame = _api.kpis(result.workspace, period="all", business_hours=True, metrics=DEMO_METRICS)
    print_kpi_table(frame, (), title="Demo KPIs (business hours, whole period)", period="all")
    plan = result.staffing
    totals = plan.totals()
    accuracy = plan.forecast.accuracy.set_index("method").mae
    first, last = plan.intervals.interval_start.iloc[0].date(), plan.intervals.interval_start.iloc[-1].date()
    console.print(
        f"\nStaffing {first} → {last} (80/20, Erlang A, 30% shrinkage): "
        f"{totals['forecast_calls']:,.0f} calls "
        f"forecast (error per interval {accuracy['model']:.2f} calls vs {accuracy['seasonal_naive']:.2f} for "
        f"the seasonal naive), peak {totals['peak_agents']} agents, {totals['scheduled_agent_hours']:,.0f} "
        f"agent-hours to schedule, expected service level {totals['service_level']:.1%}"
    )
    console.print(f"\nWorkspace: [bold]{result.workspace.path}[/]")
    console.print(f"HTML summary: [bold]{result.summary_html}[/]")
    console.print(f"Staffing plan: [bold]{result.staffing_html}[/]")
    console.print(f"Try: kpidesk kpis --by team --period month --business-hours -w {result.workspace.path}")
