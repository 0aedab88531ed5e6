"""`kpidesk schedule`: the scheduler of a workspace in the foreground, until stopped."""

from __future__ import annotations

from pathlib import Path

import click

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import workspace_option

__all__ = ["schedule"]


@main.command()
@click.option("--once", is_flag=True, help="Do one round (due and missed reports, due retries) and stop.")
@workspace_option
@_user_errors
def schedule(once: bool, workspace: Path | None) -> None:
    """Send every report of reports.yaml on its cron schedule (in the workspace's time zone), exactly
    once per period, until stopped with Ctrl+C. Reports missed while no scheduler ran are made once at
    start; deliveries that failed for a passing reason are tried again; each step is logged to standard
    error. One scheduler acts on a workspace: a second one says which process runs and stops (exit 2);
    `kpidesk serve --schedule` runs it beside the web app."""
    from kpidesk.delivery import configure_logging

    configure_logging()
    if not once:
        console.print("the scheduler runs (Ctrl+C stops it)", highlight=False)
    try:
        _api.run_scheduler(workspace, once=once)
    except KeyboardInterrupt:
        console.print("the scheduler stopped", highlight=False)
