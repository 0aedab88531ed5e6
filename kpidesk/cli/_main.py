"""The `kpidesk` command: a thin layer over the functions of `kpidesk`.

Every command takes `--workspace` (else `$KPIDESK_WORKSPACE`, else the current folder). Errors that are
the user's to fix are printed in plain words with exit status 2, never as a traceback.
"""

from __future__ import annotations

import functools
import json
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kpidesk import KpideskError
from kpidesk.cli._kpi_table import print_kpi_table
from kpidesk.cli._lazy import api as _api
from kpidesk.cli._options import (
    NameChoice,
    as_option,
    business_hours_option,
    by_option,
    date_range_options,
    engine_option,
    interval_option,
    metric_option,
    on_engine,
    output_option,
    parse_interval_minutes,
    period_option,
    stat_option,
    unknown_name,
    workspace_option,
)
from kpidesk.cli._tables import compact_table
from kpidesk.cli._target_table import print_target_status
from kpidesk.cli._text import format_bounds, format_change, format_value, missing

if TYPE_CHECKING:
    import pandas as pd

    from kpidesk.demo import DemoExamples

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
KINDS = ("tickets", "events", "calls", "surveys", "agents", "agent_states", "customers", "qa")

console = Console()
err_console = Console(stderr=True)


def _user_errors(func: F) -> F:
    """Turn the errors a user can fix (`KpideskError`, a file they named that cannot be written) into a
    clear message and exit status 2, and the warehouse running out of memory or disk into one with exit
    status 1; anything else is a bug and shows as one."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KpideskError as exc:
            err_console.print(Text.assemble(("error: ", "bold red"), str(exc)), highlight=False)
            sys.exit(2)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError) as exc:
            # A file the user named (--output, --html) that cannot be written: theirs to fix.
            message = f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
            err_console.print(Text.assemble(("error: ", "bold red"), message), highlight=False)
            sys.exit(2)
        except Exception as exc:
            if not _out_of_resources(exc):
                raise
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            message = f"the warehouse could not finish: {first_line}"
            if "memory" in text.lower() or "allocate" in text.lower():
                message += " (raise memory_limit in the [workspace] table of kpidesk.toml, or remove it)"
            err_console.print(Text.assemble(("error: ", "bold red"), message + ". Nothing was changed."))
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _out_of_resources(exc: Exception) -> bool:
    """Whether DuckDB ran out of memory or disk: the machine's limit, not a bug (DuckDB is imported
    only by the commands that use it)."""
    duckdb = sys.modules.get("duckdb")
    return duckdb is not None and isinstance(exc, duckdb.OutOfMemoryException | duckdb.IOException)


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
    days = _week_words(dict(cal.hours))
    console.print(f"Workspace ready in [bold]{ws.path}[/]")
    console.print(f"  time zone {ws.settings.timezone} · locale {ws.settings.locale} · hours: {days}")
    from kpidesk.workspace import country_defaults_note

    note = country_defaults_note(country, timezone_given=tz is not None)
    if note and not existed:
        console.print(f"  {note}", highlight=False, markup=False)
    console.print(f"  next: kpidesk import FILE --kind tickets --workspace {ws.path}")


def _week_words(hours: dict[str, str]) -> str:
    """Opening hours with runs of days alike joined: `sun–thu 09:00-17:00`."""
    week = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    def follows(day: str, before: str) -> bool:
        return day in week and before in week and week.index(day) == (week.index(before) + 1) % 7

    runs: list[tuple[list[str], str]] = []
    for day, span in hours.items():
        if runs and runs[-1][1] == span and follows(day, runs[-1][0][-1]):
            runs[-1][0].append(day)
        else:
            runs.append(([day], span))
    return ", ".join(f"{d[0]}–{d[-1]} {span}" if len(d) > 1 else f"{d[0]} {span}" for d, span in runs)


@main.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--kind",
    type=NameChoice(KINDS, "kind"),
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
    from kpidesk.ingest import format_names
    from kpidesk.ingest.exports import EXPORT_FORMATS

    if fmt is not None and fmt not in EXPORT_FORMATS and fmt not in format_names():
        names = sorted({*EXPORT_FORMATS, *format_names()})
        raise click.BadParameter(
            unknown_name("format", fmt, names) + " (`kpidesk formats` lists them)", param_hint="--format"
        )
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
@as_option("table", "json")
@workspace_option
@click.pass_context
@_user_errors
def imports(ctx: click.Context, style: str, workspace: Path | None) -> None:
    """Each import: id, time (UTC), kind, source, files, rows read / inserted / updated / rejected, and
    whether it was undone. `kpidesk imports undo ID` puts the warehouse back as it was before one."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = workspace  # `kpidesk imports -w DIR undo ID` means that workspace too
        return
    frame = _api.imports(workspace)
    records = [_import_record(row) for row in frame.to_dict(orient="records")]
    if style == "json":
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

    import pandas as pd

    def when(value: Any) -> str | None:
        return None if _missing_time(value) else pd.Timestamp(value).isoformat()

    return {
        "import_id": int(row["import_id"]),
        "started_at": when(row["started_at"]),
        "kind": row["kind"],
        "source": row["source"],
        "files": [str(f) for f in row["files"]],
        **{k: int(row[k]) for k in ("read", "inserted", "updated", "unchanged", "rejected", "repaired")},
        "batch_id": None if missing(row["batch_id"]) else int(row["batch_id"]),
        "undone": bool(row["undone"]),
        "undone_at": when(row["undone_at"]),
    }


def _missing_time(value: Any) -> bool:
    import pandas as pd

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
@as_option("table", "json")
@workspace_option
@_user_errors
def rejected(import_id: int | None, style: str, workspace: Path | None) -> None:
    """The rows imports rejected (not imported) or repaired (imported after a change the reason names),
    with import id, file, line, column and reason."""
    frame = _api.rejected(workspace, import_id=import_id)
    records = [
        {
            "import_id": int(r["import_id"]),
            "kind": r["kind"],
            "file": r["file"],
            "line": None if missing(r["line"]) else int(r["line"]),
            "column": r["column"],
            "value": None if missing(r["value"]) else r["value"],
            "reason": r["reason"],
            "repaired": bool(r["repaired"]),
        }
        for r in frame.to_dict(orient="records")
    ]
    if style == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        console.print(
            "no import has rejected or repaired rows"
            if import_id is None
            else f"import {import_id} has no rejected or repaired rows"
        )
        return
    table = compact_table(lines=True)
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
@as_option("table", "markdown")
@output_option
@_user_errors
def formats(style: str, output: Path | None) -> None:
    """The built-in export formats: what each reads and which tables it writes."""
    from kpidesk.ingest.exports import EXPORT_FORMATS, importers_markdown

    if style == "markdown":
        text = importers_markdown()
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text)
        return
    table = compact_table(lines=True)
    table.add_column("format", no_wrap=True)
    table.add_column("reads", overflow="fold", max_width=14)
    table.add_column("writes", overflow="fold", max_width=14)
    table.add_column("what", overflow="fold", ratio=1)
    for name in sorted(EXPORT_FORMATS):
        export = EXPORT_FORMATS[name]
        table.add_row(
            name, " ".join(export.suffixes), ", ".join(export.kinds), f"{export.title}: {export.description}"
        )
    console.print(table)
    console.print("Details, field by field: docs/importers.md")


@main.command()
@as_option("table", "markdown", "json")
@output_option
@_user_errors
def metrics(style: str, output: Path | None) -> None:
    """The metric catalogue: name, unit, direction, definition and options."""
    from kpidesk.metrics import CATALOGUE, METRIC_OPTIONS, catalogue_json, catalogue_markdown

    if style == "table":
        table = compact_table(lines=True)
        table.add_column("metric", no_wrap=True)
        table.add_column("unit", overflow="fold", max_width=10)
        table.add_column("better", no_wrap=True)
        table.add_column("definition", overflow="fold", ratio=1)
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
    text = catalogue_markdown() if style == "markdown" else catalogue_json()
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


def _pd() -> Any:
    import pandas as pd

    return pd


def _json_ready(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_json_value(row) for row in frame.to_dict(orient="records")]


def _json_value(value: Any) -> Any:
    """A frame's value as JSON takes it: dates as ISO text, missing values as null, no float noise; lists
    and mappings (a target's guardrails) item by item."""
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, str | bool) and _pd().isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return _plain(value) if isinstance(value, float) else value


@main.command()
@metric_option(multiple=True, help="Metric id (repeatable; default: all). `kpidesk metrics` lists them.")
@by_option
@period_option
@date_range_options()
@stat_option(
    "Statistic for durations: median, mean, p90 or any pNN (repeatable: one row each; default: each "
    "metric's own, the mean for asa and aht, the median for other durations)."
)
@business_hours_option
@as_option("table", "csv", "json", "parquet")
@output_option
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
@engine_option
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
    style: str,
    output: Path | None,
    compare: str | None,
    show_records: bool,
    where: tuple[str, ...],
    engine: str | None,
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
            metric_ids, by, period, start, end, business_hours, compare, where, style, output, workspace
        )
        return
    if where:
        raise click.UsageError("--where picks the row of --records; without --records use --by")
    frame = _api.kpis(
        on_engine(workspace, engine),
        metrics=list(metric_ids) or None,
        by=by,
        period=period,
        start=start,
        end=end,
        stat=list(stats) or None,
        business_hours=business_hours,
        compare=compare,
    )
    if style == "table":
        if frame.empty:
            _say_where_the_data_is(workspace, metric_ids, start, end)
            return
        print_kpi_table(console, frame, by, period=period)
        return
    if style == "parquet":
        if output is None:
            raise click.UsageError("--as parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return
    text = (
        frame.to_csv(index=False, float_format=_CSV_FLOATS)
        if style == "csv"
        else json.dumps(_json_ready(frame), ensure_ascii=False, indent=2)
    )
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _say_where_the_data_is(
    workspace: Path | None, metric_ids: tuple[str, ...], start: date | None, end: date | None
) -> None:
    """An empty answer says which dates were asked for and which dates the data spans."""
    from kpidesk._data_spans import data_spans

    asked = (
        f"between {start} and {end}"
        if start and end
        else f"from {start} on"
        if start
        else f"up to {end}"
        if end
        else "in the workspace"
    )
    what = ", ".join(metric_ids) if metric_ids else "any metric"
    spans = data_spans(workspace)
    if not spans:
        console.print(
            f"no results for {what} {asked}: the workspace holds no tickets, calls or surveys yet "
            "(`kpidesk import FILE --kind tickets` brings some)",
            highlight=False,
        )
        return
    console.print(
        f"no results for {what} {asked}; the workspace's " + "; ".join(s.words for s in spans) + ".",
        highlight=False,
    )


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
    style: str,
    output: Path | None,
    workspace: Path | None,
) -> None:
    if len(metric_ids) != 1:
        raise click.UsageError("--records lists the records of one result row: give exactly one --metric")
    if compare is not None:
        raise click.UsageError("--records lists one result row; --compare does not apply to it")
    from kpidesk.metrics import get_metric

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
    if style == "parquet":
        if output is None:
            raise click.UsageError("--as parquet needs --output FILE")
        frame.to_parquet(output, index=False)
        return
    if style != "table":
        text = (
            frame.to_csv(index=False)
            if style == "csv"
            else json.dumps(_json_ready(frame), ensure_ascii=False, indent=2)
        )
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=style != "csv")
        return
    ids = list(frame.attrs["id_columns"])
    counted = int(frame["counted"].sum())
    first = frame["period_start"].iloc[0].isoformat() if len(frame) else "no data"
    divided = metric.kind in ("ratio", "rate", "rate_complement")
    console.print(f"[bold]{metric.id}[/] · {period} of {first} · n = {counted:,}", highlight=False)
    table = compact_table()
    shown = (*ids, "value", *(("exposure",) if divided else ()), "counted", "reason")
    for col in shown:
        table.add_column(
            col,
            justify="right" if col in ("value", "exposure") else "left",
            overflow="fold",
            no_wrap=col in ("value", "exposure", "counted"),
            ratio=1 if col == "reason" else None,
        )
    for row in frame.to_dict(orient="records"):
        values = [_record_value(metric.kind, metric.unit, row["value"])]
        if divided:
            # A ratio's or rate's records carry its numerator and denominator, not the ratio itself.
            values = [format_value("number", row[c]) for c in ("value", "exposure")]
        table.add_row(
            *["" if missing(row[c]) else str(row[c]) for c in ids],
            *values,
            "yes" if row["counted"] else "no",
            "" if missing(row["reason"]) else str(row["reason"]),
        )
    console.print(table)


def _record_value(kind: str, unit: str, value: Any) -> str:
    """A record's value: yes/no for a proportion's success, +1/0/−1 for a net-promoter answer."""
    if missing(value):
        return "—"
    if kind == "proportion":
        return "yes" if value else "no"
    if kind == "nps":
        return {1.0: "+1", 0.0: "0", -1.0: "−1"}.get(float(value), str(value))
    return format_value(unit, value)


@main.group()
def calls() -> None:
    """Call-center views beyond the KPI table."""


@calls.command("intervals")
@interval_option("Interval length: 15m, 30m or 1h, in local time of the default calendar.")
@click.option("--queue", default=None, help="Only this queue.")
@click.option("--by-queue", is_flag=True, help="One row per queue and interval.")
@date_range_options()
@as_option("table", "csv", "json")
@workspace_option
@_user_errors
def calls_intervals(
    interval_s: float,
    queue: str | None,
    by_queue: bool,
    start: date | None,
    end: date | None,
    style: str,
    workspace: Path | None,
) -> None:
    """Offered, answered and abandoned calls, mean handle time and mean wait per local interval.

    Intervals without calls are listed with zeros; a DST day has 23 or 25 hours of them. CSV and JSON
    also hold the sums behind the means (handled, handle_sum_s, queue_time_s, timed_abandons).
    """
    frame = _api.call_intervals(
        workspace,
        minutes=parse_interval_minutes(interval_s),
        from_=start,
        to=end,
        queue=queue,
        by=["queue"] if by_queue else [],
    )
    if style == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    if style == "csv":
        click.echo(frame.to_csv(index=False, float_format=_CSV_FLOATS), nl=False)
        return
    table = compact_table()
    table.add_column("start", no_wrap=True)
    if "queue" in frame.columns:
        table.add_column("queue", overflow="fold")
    for col in ("offered", "answered", "abandoned", "AHT", "wait"):
        table.add_column(col, justify="right", no_wrap=True)
    for row in frame.to_dict(orient="records"):
        table.add_row(
            f"{row['interval_start']:%Y-%m-%d %H:%M}",
            *([str(row["queue"])] if "queue" in frame.columns else []),
            *(f"{row[c]:,}" for c in ("offered", "answered", "abandoned")),
            format_value("seconds", row["mean_handle_s"]),
            format_value("seconds", row["mean_wait_s"]),
        )
    console.print(table)
    zone = frame["interval_start"].iloc[0].tzinfo if len(frame) else None
    console.print(
        "[dim]AHT: mean handle time (talk + hold + wrap-up) · wait: mean wait from arrival to answer"
        + (f" · local times, {zone}" if zone is not None else "")
        + ".[/]",
        highlight=False,
    )


@main.command()
@metric_option(required=True)
@click.option("--person", required=True, metavar="AGENT_ID", help="The agent whose absence is compared.")
@date_range_options()
@stat_option("Statistic for durations: median, mean or pNN (repeatable; default: the metric's own).")
@business_hours_option
@as_option("table", "json")
@workspace_option
@_user_errors
def resilience(
    metric_id: str,
    person: str,
    start: date | None,
    end: date | None,
    stats: tuple[str, ...],
    business_hours: bool,
    style: str,
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
    if style == "json":
        click.echo(json.dumps(_json_ready(frame), ensure_ascii=False, indent=2))
        return
    table = compact_table(f"{metric_id}: days {person} was present vs absent")
    for col in ("stat", "present", "absent", "diff", "95% CI", "n pres/abs", "days p/a"):
        table.add_column(col, justify="left" if col == "stat" else "right", no_wrap=True)
    for row in frame.to_dict(orient="records"):
        unit = row["unit"]
        table.add_row(
            row["stat"],
            format_value(unit, row["present_value"]),
            format_value(unit, row["absent_value"]),
            format_change({"unit": unit, "change": row["difference"], "significant": row["significant"]}),
            format_bounds(unit, row["difference"], row["ci_low"], row["ci_high"]),
            f"{row['present_n']:,}/{row['absent_n']:,}" + (" ⚠" if row["small_sample"] else ""),
            f"{row['present_days']}/{row['absent_days']}",
        )
    console.print(table)
    console.print(
        "[dim]diff: absent − present, ✱ when its 95% CI (confidence interval, in the diff's unit) excludes "
        "zero · n and days: present/absent · ⚠ small sample.[/]",
        highlight=False,
    )


@main.command()
@click.argument("ticket_id")
@click.option("--source", default=None, help="The ticket's source, when the id exists in several.")
@as_option("text", "json")
@workspace_option
@_user_errors
def explain(ticket_id: str, source: str | None, style: str, workspace: Path | None) -> None:
    """How each metric of one ticket was measured, in words: from which event to which, in local time,
    and how long in calendar time and in business hours."""
    result = _api.explain(ticket_id, workspace=workspace, source=source)
    if style == "json":
        click.echo(json.dumps(result.as_dict(), default=str, ensure_ascii=False, indent=2))
        return
    for line in explain_lines(result):
        console.print(line, highlight=False)


def _business_hours(seconds: Any) -> str:
    hours = float(seconds) / 3600
    return f"{hours:.{1 if hours >= 1 or hours == 0 else 2}f} business {'hour' if hours == 1 else 'hours'}"


def explain_lines(result: Any) -> list[Text]:
    """A ticket's metrics as sentences for a person: no Python values, times local to the workspace."""
    f = result.facts
    about = [
        f"team {f['team_id']}" if not missing(f["team_id"]) else "no team",
        f"agent {f['agent_id']}" if not missing(f["agent_id"]) else "no agent",
        *([f"by {f['channel']}"] if not missing(f["channel"]) else []),
        *([f"priority {f['priority']}"] if not missing(f["priority"]) else []),
        *([f"now {f['status']}"] if not missing(f["status"]) else []),
        f"business hours of calendar {f['calendar_id'] or 'default'}",
    ]
    lines = [
        Text.assemble(
            (f"Ticket {result.ticket_id}", "bold"), f" from {result.source}: " + ", ".join(about) + "."
        ),
        Text(f"Times are local, {result.timezone}.", style="dim"),
    ]
    for t in result.traces:
        if missing(t.calendar_seconds):
            took = Text("not measured", style="dim")
        else:
            took = Text(format_value("seconds", t.calendar_seconds))
            if not missing(t.business_seconds):
                took.append(f", {_business_hours(t.business_seconds)}")
        lines += [
            Text(""),
            Text.assemble((t.metric, "bold"), ": ", took),
            Text(f"  from {_local_time(t.start_at)}" + _event(t.start_event)),
            Text(f"  to   {_local_time(t.stop_at)}" + _event(t.stop_event)),
        ]
        if t.note:
            lines.append(Text(f"  {t.note}", style="italic"))
    replies, reassigned, reopens = (int(f[c] or 0) for c in ("agent_replies", "reassignments", "reopens"))
    escalated = f"escalated to level {f['max_level']}" if f["escalated"] else "not escalated"
    lines += [
        Text(""),
        Text(
            f"{replies} agent {'reply' if replies == 1 else 'replies'}, reassigned {reassigned} "
            f"{'time' if reassigned == 1 else 'times'}, reopened {reopens} "
            f"{'time' if reopens == 1 else 'times'}, {escalated}."
        ),
    ]
    return lines


def _event(event: str | None) -> str:
    return "" if not event else f", {event}"


def _local_time(at: Any) -> str:
    """A local instant as date, time and offset: 2026-03-01 09:00:05 +02:00 (the offset tells summer
    time from winter time); no time as "no event yet"."""
    if at is None or missing(at):
        return "no event yet"
    return f"{at:%Y-%m-%d %H:%M:%S} {at.isoformat()[-6:]}"


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
    print_kpi_table(console, frame, (), title="Demo KPIs (business hours, whole period)", period="all")
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
    roster = result.roster
    totals, report = roster.totals(), roster.report
    team = roster.assignment.agents if roster.assignment is not None else ()
    gaps = roster.gaps()
    console.print(
        f"Roster of the billing queue, same week: {totals['shifts']} shifts for the {len(team)} agents of "
        f"the billing team, {roster.agent_hours:,.1f} paid agent-hours for "
        f"{totals['required_agent_hours']:,.1f} required, {totals['under_agent_hours']:,.1f} short "
        + ("(proven optimal)" if report.optimal else f"(within {report.gap:.1%} of optimal)"),
        highlight=False,
    )
    for gap in gaps[:3]:
        console.print(f"  gap: {gap.words()}", highlight=False)
    console.print()
    print_target_status(console, _api.targets_status(result.workspace))
    console.print(f"\nWorkspace: [bold]{result.workspace.path}[/]")
    folder = result.report_files[0].parent
    console.print(f"Weekly report, the last week of the data, in [bold]{folder}[/]:", highlight=False)
    for path in result.report_files:
        console.print(f"  {path.name}", highlight=False)
    console.print(f"Staffing plan: [bold]{result.staffing_html}[/]")
    serve_line = f"{kpidesk_program()} serve -w {shlex.quote(str(result.workspace.path))}"
    console.print(
        f"\nWeb app: [bold]{escape(serve_line)}[/], then open http://127.0.0.1:8000/ and log in as",
        highlight=False,
    )
    for name, password, role in result.users:
        console.print(f"  {name} / {password}  [dim]({role})[/]", highlight=False)
    program = kpidesk_program()
    console.print("\nNext, from this folder:")
    for command, what in demo_next_steps(program, result.workspace.path, result.examples):
        console.print(f"  {command}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"    [dim]{escape(what)}[/]", highlight=False)
    if program != "kpidesk":
        activate = Path(program).parent / "activate"
        console.print(f"[dim](or `source {activate}` once, then plain `kpidesk …`)[/]", highlight=False)


def kpidesk_program() -> str:
    """How to run kpidesk from the current folder, as the suggested commands print it: `kpidesk` when that
    name on PATH is this installation, else the path of this installation's script (`.venv/bin/kpidesk`
    after `make demo`, which does not activate the virtual environment)."""
    script = Path(sys.executable).parent / "kpidesk"
    found = shutil.which("kpidesk")
    if not script.exists() or (found is not None and Path(found).resolve() == script.resolve()):
        return "kpidesk"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def demo_next_steps(program: str, workspace: Path, examples: DemoExamples) -> list[tuple[str, str]]:
    """Commands to try on the demo workspace, each with what it shows; every one answers from its data."""
    ws = shlex.quote(str(workspace))
    agent = examples.agent_id
    return [
        (
            f"{program} kpis --by team --period month --business-hours -w {ws}",
            "each KPI per team and month, in business hours",
        ),
        (f"{program} explain {examples.ticket_id} -w {ws}", "how each metric of one ticket was measured"),
        (
            f"{program} targets status --at {examples.month_end} -w {ws}",
            f"where each target stood at the end of {examples.month_end:%B %Y}",
        ),
        (
            f"{program} resilience --metric first_reply_time --person {agent} -w {ws}",
            f"first reply time on the days {agent} was away against the days present",
        ),
        (
            f"{program} report run billing-month --at {examples.report_day} -w {ws}",
            "billing's month so far, in Arabic, as HTML, PDF and CSV (the demo's reports.yaml)",
        ),
        (
            f"{program} alerts check --at {examples.report_day}T00:05 -w {ws}",
            "the volume and target alerts as they stood that night",
        ),
        (
            f"{program} staffing required --calls 100 --interval 30m --aht 180 --target 80/20",
            "agents needed for 100 calls in half an hour to answer 80% within 20 s",
        ),
        (f"{program} --help", "every command"),
    ]
