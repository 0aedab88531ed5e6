"""With a small demo workspace: `kpidesk report send` renders a real report and the SMTP server on loopback
receives it — read back, its subject, language, attachments and numbers are those of `render_report` and
`kpidesk.kpis`; and `kpidesk schedule`, a process killed while the server stalls mid-conversation and
started again, delivers the due report exactly once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from smtp_fixture import SmtpServer

import kpidesk
from kpidesk.cli import main
from kpidesk.delivery import Journal
from kpidesk.workspace import Workspace, open_workspace


def _copy(
    small_demo: Workspace, folder: Path, smtp_server: SmtpServer, reports: str | None = None
) -> Workspace:
    shutil.copytree(small_demo.path, folder)
    with (folder / "kpidesk.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + smtp_server.toml())
    if reports is not None:
        (folder / "reports.yaml").write_text(reports, encoding="utf-8")
    return open_workspace(folder)


def _comparable(content: bytes) -> object:
    """A file's content, an XLSX workbook as its sheets' values (it holds the time it was made)."""
    if not content.startswith(b"PK"):
        return content
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_a_demo_report_sent_and_read_back(
    small_demo: Workspace, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    ws = _copy(small_demo, tmp_path / "demo", smtp_server)
    at = date(2026, 7, 5)  # the demo's last day is Sunday 5 July 2026: last week is 28 June – 4 July
    result = CliRunner().invoke(
        main, ["report", "send", "weekly-service", "--at", at.isoformat(), "-w", str(ws.path)]
    )
    assert result.exit_code == 0, result.output
    assert " ".join(result.output.split()) == (
        "sent weekly-service for 2026-06-28..2026-07-04 to service-leads@example.com"
    )
    (expected,) = kpidesk.render_report(ws, "weekly-service", at=at)
    (mail,) = smtp_server.handler.messages
    assert mail["Subject"] == expected.rendered.subject
    assert mail["Content-Language"] == "he" and mail["To"] == "service-leads@example.com"
    html = mail.get_body(("html",))
    assert (
        html is not None
        and html.get_content().strip().splitlines() == expected.rendered.html.strip().splitlines()
    )
    images = {
        p["Content-ID"].strip("<>"): p.get_content()
        for p in mail.walk()
        if p.get_content_type() == "image/png"
    }
    assert images == dict(expected.rendered.images)
    attachments = {
        a.get_filename(): (a.get_content_type(), _comparable(a.get_content()))
        for a in mail.iter_attachments()
    }
    assert attachments == {
        a.filename: (a.mime_type, _comparable(a.content)) for a in expected.rendered.attachments
    }
    assert {kind for kind, _ in attachments.values()} == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    # The tickets opened in the period, as `kpidesk kpis` counts them, are the first card's value.
    frame = kpidesk.kpis(
        ws, start=date(2026, 6, 28), end=date(2026, 7, 4), metrics=["volume"], business_hours=True
    )
    volume = int(frame["value"].iloc[0])
    plain = mail.get_body(("plain",))
    assert plain is not None
    lines = plain.get_content().splitlines()
    assert str(volume) in lines[lines.index("פניות שנפתחו") + 1]
    (delivery,) = Journal(ws.path).deliveries()
    assert (delivery.state, delivery.attempts, delivery.message_id) == ("sent", 1, mail["Message-ID"])


EVERY_MINUTE = """reports:
  - name: every-minute
    audience: org
    metrics: [volume, solved]
    period: last_day
    language: en
    formats: [html, csv]
    recipients: [leads@example.com]
    schedule: "* * * * *"
"""


def _schedule(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    command = [str(Path(sys.executable).parent / "kpidesk"), "schedule", "-w", str(folder), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kpidesk_schedule_killed_mid_send_and_restarted_sends_once(
    small_demo: Workspace, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    ws = _copy(small_demo, tmp_path / "demo", smtp_server, EVERY_MINUTE)
    Journal(ws.path).set_last_tick(time.time() - 300)  # down for five minutes: the report was missed
    smtp_server.handler.answer_next("stall")
    process = _schedule(ws.path)
    try:
        assert smtp_server.handler.stalled.wait(300), "the scheduler never reached the SMTP server"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    smtp_server.handler.release.set()
    (claimed,) = Journal(ws.path).deliveries()
    assert claimed.state == "claimed" and smtp_server.handler.messages == []

    restarted = _schedule(ws.path, "--once")
    _, log = restarted.communicate(timeout=300)
    assert restarted.returncode == 0, log
    assert "sent again with the same Message-ID" in log
    (mail,) = smtp_server.handler.messages
    assert mail["Message-ID"] == claimed.message_id
    (delivery,) = Journal(ws.path).deliveries()
    assert (delivery.state, delivery.key) == ("sent", claimed.key)
