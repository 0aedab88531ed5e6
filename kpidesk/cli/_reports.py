"""`kpidesk report`: a report of reports.yaml written to files (`run`), made and e-mailed now (`send`),
and every run and delivery with its outcome (`log`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import as_option, engine_option, on_engine, parse_date, workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.delivery import DeliveryOutcome, LogEntry

__all__ = ["report"]

_AT_HELP = "The day the report is made, YYYY-MM-DD (default: today); its period ends the day before."


@main.group()
def report() -> None:
    """Reports of reports.yaml: written to files, e-mailed, and their log (docs/reports.md)."""


@report.command("run")
@click.argument("name")
@click.option("--at", callback=parse_date, default=None, help=_AT_HELP)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to write to (default: the workspace's reports/ folder).",
)
@engine_option
@workspace_option
@_user_errors
def run(name: str, at: date | None, output: Path | None, engine: str | None, workspace: Path | None) -> None:
    """Make report NAME and write its files (the HTML body and each attachment); nothing is sent."""
    paths = _api.run_report(on_engine(workspace, engine), name, at=at, output=output)
    for path in paths:
        console.print(escape(str(path)), highlight=False, soft_wrap=True)


@report.command("send")
@click.argument("name")
@click.option("--at", callback=parse_date, default=None, help=_AT_HELP)
@click.option("--again", is_flag=True, help="Send it even if it was sent (or failed) for this period before.")
@workspace_option
@_user_errors
def send(name: str, at: date | None, again: bool, workspace: Path | None) -> None:
    """Make report NAME and e-mail it to its recipients through [mail] of kpidesk.toml, once per period:
    a report already sent for the period says when and to whom, and is sent again only with --again.
    A temporary failure (4xx, server unreachable) is tried again by the scheduler (`kpidesk schedule`);
    a permanent one (5xx) is reported to [mail] admin."""
    outcome = _api.send_report(workspace, name, at=at, again=again)
    if not outcome.deliveries:
        console.print(f"report {escape(name)} has no recipients: nothing was sent", highlight=False)
    for delivery in outcome.deliveries:
        console.print(_describe(delivery), highlight=False)
    if any(d.state == "failed" and not d.already for d in outcome.deliveries):
        raise SystemExit(1)


def _time(stamp: float | None) -> str:
    return datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M %Z") if stamp else "?"


def _describe(outcome: DeliveryOutcome) -> str:
    record = outcome.record
    to = ", ".join(record.recipients)
    who = f" (agent {record.member})" if record.member else ""
    period = f"{record.report} for {record.period_key}{who}"
    if outcome.already:
        if record.state == "sent":
            return (
                f"{escape(period)} was already sent on {_time(record.sent_at)} to {escape(to)}; "
                "add --again to send it again"
            )
        if record.state == "claimed":
            return f"{escape(period)} is being sent by {escape(record.claimed_by or 'another process')}"
        if record.state == "retrying":
            return (
                f"{escape(period)} is waiting to be tried again at {_time(record.next_attempt_at)} "
                f"(last error: {escape(record.last_error or '')})"
            )
        return f"{escape(period)} failed before ({escape(record.last_error or '')}); add --again to try again"
    if record.state == "sent":
        again = " again (same Message-ID)" if outcome.takeover else ""
        return f"[green]sent[/]{again} {escape(period)} to {escape(to)}"
    if record.state == "retrying":
        return (
            f"[yellow]not sent yet[/] {escape(period)} to {escape(to)}: {escape(record.last_error or '')}; "
            f"the scheduler tries again at {_time(record.next_attempt_at)}"
        )
    notice = f" (admin notice {escape(record.notice)})" if record.notice else ""
    return f"[red]failed[/] {escape(period)} to {escape(to)}: {escape(record.last_error or '')}{notice}"


@report.command("log")
@click.option("--report", "name", default=None, help="Only this report's runs and deliveries.")
@as_option("table", "csv", "json")
@workspace_option
@_user_errors
def log(name: str | None, style: str, workspace: Path | None) -> None:
    """Every run of a report (by the schedule, a missed fire time, `report send` or `report run`) and
    every delivery, with its outcome, oldest first; times in the workspace's time zone."""
    entries = _api.report_log(workspace, report=name)
    if style == "json":
        click.echo(json.dumps([e.record() for e in entries], ensure_ascii=False, indent=2))
        return
    if style == "csv":
        click.echo(_csv(entries), nl=False)
        return
    if not entries:
        console.print("no runs yet (`kpidesk report send NAME` or `kpidesk schedule` makes one)")
        return
    table = compact_table()
    table.add_column("time", no_wrap=True)
    table.add_column("report\nperiod", overflow="fold", min_width=len("2026-11-01..2026-11-30"))
    table.add_column("what", overflow="fold", ratio=1)
    table.add_column("outcome", overflow="fold", ratio=1)
    for entry in entries:
        table.add_row(
            entry.time.strftime("%Y-%m-%d\n%H:%M") if entry.time else "",
            f"{escape(entry.report)}\n[dim]{escape(entry.period)}[/]",
            escape(_what(entry)),
            escape(_outcome(entry)),
        )
    console.print(table)


#: Who made a run, as the log says it.
_MADE_BY = {
    "schedule": "by the schedule",
    "missed": "at start, for a fire time missed",
    "send": "by report send",
    "run": "by report run (files only)",
}


def _what(entry: LogEntry) -> str:
    if entry.kind == "run":
        return f"{entry.note} {_MADE_BY.get(entry.trigger, entry.trigger)}"
    who = f"{entry.member}: " if entry.member else ""
    return f"to {who}{', '.join(entry.recipients)}"


def _outcome(entry: LogEntry) -> str:
    if entry.kind == "run":
        return entry.outcome
    attempts = f", {entry.attempts} attempt{'' if entry.attempts == 1 else 's'}"
    parts = [entry.outcome + attempts, entry.error, entry.note]
    return "\n".join(p for p in parts if p)


def _csv(entries: list[LogEntry]) -> str:
    from kpidesk.delivery import LOG_COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for entry in entries:
        record = entry.record()
        writer.writerow(
            "; ".join(v) if isinstance(v, list) else "" if v is None else v
            for v in (record[c] for c in LOG_COLUMNS)
        )
    return out.getvalue()
