"""`kpidesk report send`, `report log` and `schedule` on a workspace whose [mail] is a real SMTP server on
loopback: what each prints, the once-per-period rule and --again, the log at 80 columns and as CSV and
JSON, and the messages of a missing report, missing mail settings and a second scheduler."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from delivery_fixture import mail_workspace, rendering
from rich.cells import cell_len
from smtp_fixture import SmtpServer, certificate, smtp_server, starttls_server

import kpidesk._api
from kpidesk.cli import main
from kpidesk.cli._main import console
from kpidesk.delivery import Sendable, scheduler_lock
from kpidesk.workspace import Workspace

__all__ = ["certificate", "smtp_server", "starttls_server"]

REPORTS = """reports:
  - name: weekly-org
    audience: org
    period: last_week
    recipients: [leads@example.com, ops@example.com]
    schedule: "0 7 * * 0"
"""


@pytest.fixture
def hand_rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, date]]]:
    """`render_report` answering with a hand-made rendering of the asked period (no warehouse needed)."""
    asked: list[tuple[str, date]] = []

    def render_report(ws: Workspace, name: str, *, at: date) -> Sequence[Sendable]:
        from kpidesk.calendars import BusinessCalendar
        from kpidesk.reports import read_reports

        asked.append((name, at))
        definition = read_reports(ws.path / "reports.yaml")[name]
        week_start = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar]).week_start
        return [rendering(name, definition.period_at(at, week_start).key, recipients=definition.recipients)]

    monkeypatch.setattr(kpidesk._api, "render_report", render_report)
    yield asked


@pytest.fixture
def width() -> Iterator[None]:
    before = console.width
    console.width = 80
    yield
    console.width = before


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_send_once_per_period_then_again(
    tmp_path: Path, smtp_server: SmtpServer, hand_rendered: list[tuple[str, date]], width: None
) -> None:
    mail_workspace(tmp_path, smtp_server.toml(), REPORTS)
    args = ("report", "send", "weekly-org", "--at", "2026-11-29", "-w", str(tmp_path))
    code, out = _invoke(*args)
    # Sunday 29 November 2026, weeks from Monday (the workspace's calendar): last week is 16–22 November.
    assert (code, out.split()) == (
        0,
        [
            "sent",
            "weekly-org",
            "for",
            "2026-11-16..2026-11-22",
            "to",
            "leads@example.com,",
            "ops@example.com",
        ],
    )
    code, out = _invoke(*args)
    assert code == 0
    assert "weekly-org for 2026-11-16..2026-11-22 was already sent on" in " ".join(out.split())
    assert "to leads@example.com, ops@example.com; add --again to send it again" in " ".join(out.split())
    assert len(smtp_server.handler.messages) == 1
    code, out = _invoke(*args, "--again")
    assert code == 0 and out.startswith("sent weekly-org")
    assert len(smtp_server.handler.messages) == 2
    assert [at for _, at in hand_rendered] == [date(2026, 11, 29)] * 3


def test_a_permanent_failure_exits_1_and_shows_in_the_log(
    tmp_path: Path, smtp_server: SmtpServer, hand_rendered: list[tuple[str, date]], width: None
) -> None:
    mail_workspace(tmp_path, smtp_server.toml(), REPORTS)
    smtp_server.handler.answer_next("550 5.7.1 relaying denied")
    code, out = _invoke("report", "send", "weekly-org", "--at", "2026-11-29", "-w", str(tmp_path))
    assert code == 1
    assert "failed weekly-org for 2026-11-16..2026-11-22" in " ".join(out.split())
    assert "550 5.7.1 relaying denied" in " ".join(out.split())
    code, table = _invoke("report", "log", "-w", str(tmp_path))
    assert code == 0
    lines = table.splitlines()
    assert lines and max(cell_len(line) for line in lines) <= 80
    flat = " ".join(table.split())
    assert "made on 2026-11-29 by" in flat and "report send" in flat and "failed 1" in flat
    assert (
        "failed, 1 attempt" in flat
        and "relaying denied" in flat
        and "admin notice sent to admin@example.com" in flat
    )
    code, text = _invoke("report", "log", "--as", "csv", "-w", str(tmp_path))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["kind"], r["outcome"]) for r in rows] == [("run", "failed 1"), ("delivery", "failed")]
    assert rows[1]["recipients"] == "leads@example.com; ops@example.com" and rows[1]["attempts"] == "1"
    assert "None" not in text and "nan" not in text
    code, text = _invoke("report", "log", "--as", "json", "--report", "weekly-org", "-w", str(tmp_path))
    records = json.loads(text)
    assert records[1]["error"].endswith("answered 550 5.7.1 relaying denied")
    assert records[0]["files"] == ["weekly-org.pdf", "weekly-org.csv"]


def test_an_empty_log_says_how_to_start(tmp_path: Path, smtp_server: SmtpServer) -> None:
    mail_workspace(tmp_path, smtp_server.toml(), REPORTS)
    assert _invoke("report", "log", "-w", str(tmp_path)) == (
        0,
        "no runs yet (`kpidesk report send NAME` or `kpidesk schedule` makes one)\n",
    )


def test_an_unknown_report_and_missing_mail_settings_are_exit_2(
    tmp_path: Path, smtp_server: SmtpServer, hand_rendered: list[tuple[str, date]]
) -> None:
    mail_workspace(tmp_path / "a", smtp_server.toml(), REPORTS)
    code, out = _invoke("report", "send", "weekly", "-w", str(tmp_path / "a"))
    assert code == 2 and "no report named 'weekly'" in out and "defined: weekly-org" in out
    mail_workspace(tmp_path / "b", "", REPORTS)
    code, out = _invoke("report", "send", "weekly-org", "-w", str(tmp_path / "b"))
    assert code == 2 and "add a [mail] section to kpidesk.toml" in " ".join(out.split())
    assert hand_rendered == []


def test_a_second_scheduler_says_which_process_runs_and_exits_2(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    import os

    mail_workspace(tmp_path, smtp_server.toml(), REPORTS)
    with scheduler_lock(tmp_path):
        code, out = _invoke("schedule", "--once", "-w", str(tmp_path))
    assert code == 2
    assert f"another scheduler acts on {tmp_path} (pid {os.getpid()}, since" in " ".join(out.split())
    assert _invoke("schedule", "--once", "-w", str(tmp_path))[0] == 0
