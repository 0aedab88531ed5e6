"""`kpidesk alerts`: judge the alert rules of reports.yaml now or at a given moment (`check`), and list the
open and recent alerts with any notice that has not gone out (`list`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _json_value, _user_errors, console, main
from kpidesk.cli._options import as_option, workspace_option
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.alerts import AlertCheck, AlertEvent, Learning, NoticeFailure

__all__ = ["alerts"]


def _parse_moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"expected a date and time as YYYY-MM-DDTHH:MM (the workspace's local time unless it has an "
            f"offset such as +03:00), got {value!r}"
        ) from None


@main.group()
def alerts() -> None:
    """Alerts: volume away from its baseline and targets at risk (the `alerts:` section of reports.yaml)."""


@alerts.command("check")
@click.option(
    "--at",
    "at",
    callback=_parse_moment,
    metavar="DATETIME",
    help="Judge as if it were this moment, YYYY-MM-DDTHH:MM in the workspace's time zone (default: now).",
)
@as_option("table", "json")
@workspace_option
@_user_errors
def check(at: datetime | None, style: str, workspace: Path | None) -> None:
    """Judge every alert rule: the days and hours that ended since the last check against their baseline,
    and the targets' status as of the last whole day. Raised and resolved alerts are notified once; notices
    that failed before are sent again."""
    result = _api.check_alerts(workspace, at=at)
    if style == "json":
        click.echo(json.dumps(_check_json(result), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]alerts checked at {result.at.isoformat(timespec='minutes')}[/]", highlight=False)
    _events("raised", result.raised)
    _events("resolved", result.resolved)
    _events("open", result.open)
    _learning(result.learning)
    console.print(f"notices sent: {result.notices_sent}", highlight=False)
    _failures(result.failures)


@alerts.command("list")
@click.option(
    "--days", default=7.0, show_default=True, help="Also the alerts raised or resolved this many days back."
)
@as_option("table", "json")
@workspace_option
@_user_errors
def list_(days: float, style: str, workspace: Path | None) -> None:
    """The open alerts and those raised or resolved recently, newest first, and every notice that has not
    gone out."""
    events, unsent = _api.list_alerts(workspace, days=days)
    if style == "json":
        payload = {"alerts": [_event_json(e) for e in events], "unsent": [_failure_json(f) for f in unsent]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _events("alerts", events, state=True)
    _failures(unsent)


def _measured(body: Any) -> tuple[str, str]:
    from kpidesk.alerts import measured

    return measured(body)


def _events(title: str, events: Sequence[AlertEvent], *, state: bool = False) -> None:
    if not events:
        console.print(f"{title}: none", highlight=False)
        return
    table = compact_table(f"{title} ({len(events)})")
    # A target's subject is its id (the rule column says it is a target): kept whole, not folded.
    subjects = [e.subject.removeprefix("target ") for e in events]
    widest = min(max(len(s) for s in subjects), 24)
    for column in (
        "rule",
        "subject",
        "what",
        "window",
        "value",
        "against",
        "z",
        *(("state",) if state else ()),
    ):
        table.add_column(
            column,
            overflow="fold",
            justify="right" if column in ("value", "against", "z") else "left",
            min_width={"subject": widest, "state": len("resolved")}.get(column),
        )
    for event, subject in zip(events, subjects, strict=True):
        body = event.body
        z = body.get("z")
        value, against = _measured(body)
        cells = [
            escape(event.rule),
            escape(subject),
            escape(event.key.replace("_", " ")),
            escape(f"{body.get('window_start')} – {body.get('window_end')}"),
            value,
            against,
            "–" if z is None else f"{z:+.1f}",
        ]
        if state:
            cells.append("open" if event.resolved_at is None else "resolved")
        table.add_row(*cells)
    console.print(table)


def _learning(windows: Sequence[Learning]) -> None:
    for w in windows:
        console.print(
            f"learning: {escape(w.rule)} {escape(w.subject)} {escape(w.window_start)}: {w.value}, "
            f"{w.history} comparable days of the {w.needed} needed",
            highlight=False,
        )


def _failures(failures: Sequence[NoticeFailure]) -> None:
    for f in failures:
        console.print(
            f"[yellow]not sent[/] ({f.attempts} attempts): {f.event} notice of {f.alert_id} by {f.channel}: "
            f"{escape(f.error)}",
            highlight=False,
        )


def _event_json(event: AlertEvent) -> dict[str, Any]:
    return {
        "alert_id": event.alert_id,
        "rule": event.rule,
        "kind": event.kind,
        "subject": event.subject,
        "key": event.key,
        "state": "open" if event.resolved_at is None else "resolved",
        "raised_at": event.raised_at.isoformat(),
        "resolved_at": None if event.resolved_at is None else event.resolved_at.isoformat(),
        "notice": _json_value(dict(event.body)),
    }


def _failure_json(failure: NoticeFailure) -> dict[str, Any]:
    return {
        "alert_id": failure.alert_id,
        "event": failure.event,
        "channel": failure.channel,
        "error": failure.error,
        "attempts": failure.attempts,
    }


def _check_json(result: AlertCheck) -> dict[str, Any]:
    return {
        "at": result.at.isoformat(),
        "raised": [_event_json(e) for e in result.raised],
        "resolved": [_event_json(e) for e in result.resolved],
        "open": [_event_json(e) for e in result.open],
        "learning": [dict(w.__dict__) for w in result.learning],
        "notices_sent": result.notices_sent,
        "not_sent": [_failure_json(f) for f in result.failures],
    }
