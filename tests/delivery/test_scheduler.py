"""The scheduler: due reports from cron fire times in the workspace's zone, a missed run once at start,
one scheduler per workspace, periodic jobs, and — as a process killed mid-send and started again — every
due report delivered exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from delivery_fixture import fire_day_key, mail_workspace, rendering
from smtp_fixture import SmtpServer

from kpidesk.delivery import Journal, Scheduler, SchedulerRunning, Sendable, run_scheduler
from kpidesk.workspace import Workspace

DAILY = """reports:
  - name: daily-org
    audience: org
    period: last_day
    recipients: [leads@example.com]
    schedule: "0 7 * * *"
  - name: on-demand
    audience: org
    period: last_day
    recipients: [leads@example.com]
"""


def _render(ws: Workspace, name: str, at: date) -> Sequence[Sendable]:
    from kpidesk.reports import read_reports

    definition = read_reports(ws.path / "reports.yaml")[name]
    return [rendering(name, definition.period_at(at, 0).key, recipients=definition.recipients)]


def _stamp(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


def test_a_report_missed_for_three_days_runs_once_at_start(tmp_path: Path, smtp_server: SmtpServer) -> None:
    ws = mail_workspace(tmp_path, smtp_server.toml(), DAILY)
    # Down from Monday 30 November 12:00 UTC to Thursday 3 December 06:00 UTC: 07:00 in Jerusalem (05:00
    # UTC) fired on 1, 2 and 3 December; only the latest, 3 December, runs.
    now = [_stamp(2026, 11, 30, 12)]
    Journal(tmp_path).set_last_tick(now[0])
    now[0] = _stamp(2026, 12, 3, 6)
    scheduler = Scheduler(ws, _render, clock=lambda: now[0])
    scheduler.tick()
    (run,) = Journal(tmp_path).runs()
    assert (run.report, run.at, run.trigger, run.period_key) == (
        "daily-org",
        "2026-12-03",
        "missed",
        fire_day_key(date(2026, 12, 3)),
    )
    assert run.fire_time == _stamp(2026, 12, 3, 5)
    assert run.outcome == "sent 1"
    assert [m["Subject"] for m in smtp_server.handler.messages] == ["דוח שבועי 2026-12-02..2026-12-02"]
    # A minute later nothing is due; the next morning's 07:00 is.
    now[0] += 60
    scheduler.tick()
    assert len(Journal(tmp_path).runs()) == 1
    now[0] = _stamp(2026, 12, 4, 5, 0, 30)
    scheduler.tick()
    assert [(r.at, r.trigger) for r in Journal(tmp_path).runs()] == [
        ("2026-12-03", "missed"),
        ("2026-12-04", "schedule"),
    ]
    assert len(smtp_server.handler.messages) == 2


def test_the_first_start_runs_nothing_missed(tmp_path: Path, smtp_server: SmtpServer) -> None:
    ws = mail_workspace(tmp_path, smtp_server.toml(), DAILY)
    Scheduler(ws, _render, clock=lambda: _stamp(2026, 12, 3, 6)).tick()
    assert Journal(tmp_path).runs() == [] and smtp_server.handler.messages == []
    assert Journal(tmp_path).last_tick() == _stamp(2026, 12, 3, 6)


def test_a_failed_rendering_is_logged_and_the_rest_goes_on(tmp_path: Path, smtp_server: SmtpServer) -> None:
    ws = mail_workspace(tmp_path, smtp_server.toml(), DAILY)
    Journal(tmp_path).set_last_tick(_stamp(2026, 12, 3, 4))
    jobs: list[str] = []

    def broken(ws: Workspace, name: str, at: date) -> Sequence[Sendable]:
        raise RuntimeError("the warehouse is missing")

    Scheduler(
        ws, broken, jobs=[lambda w: jobs.append(w.path.name)], clock=lambda: _stamp(2026, 12, 3, 6)
    ).tick()
    (run,) = Journal(tmp_path).runs()
    assert run.outcome == "failed: the warehouse is missing"
    assert jobs == [tmp_path.name]


def test_only_one_scheduler_acts_on_a_workspace(tmp_path: Path, smtp_server: SmtpServer) -> None:
    ws = mail_workspace(tmp_path, smtp_server.toml(), DAILY)
    stop = threading.Event()
    ticks: list[int] = []
    first = threading.Thread(
        target=run_scheduler,
        args=(ws, _render),
        kwargs=dict(stop=stop, tick=0.05, jobs=[lambda w: ticks.append(1)]),
    )
    first.start()
    try:
        while not ticks:
            threading.Event().wait(0.05)
        with pytest.raises(
            SchedulerRunning, match=rf"another scheduler acts on .* \(pid {os.getpid()}, since"
        ):
            run_scheduler(ws, _render, once=True)
        waiting = threading.Event()
        waiting.set()
        run_scheduler(ws, _render, wait_for_lock=True, stop=waiting)  # `serve` waits; stopped, it returns
    finally:
        stop.set()
        first.join(30)
    run_scheduler(ws, _render, once=True)  # free again


def test_a_scheduler_without_mail_settings_says_what_to_add(tmp_path: Path) -> None:
    from kpidesk.workspace import SettingsError

    ws = mail_workspace(tmp_path, "", DAILY)
    with pytest.raises(SettingsError, match=r"add a \[mail\] section to kpidesk.toml"):
        run_scheduler(ws, _render, once=True)


EVERY_MINUTE = """reports:
  - name: first
    audience: org
    period: last_day
    recipients: [leads@example.com]
    schedule: "* * * * *"
  - name: second
    audience: org
    period: last_day
    recipients: [team@example.com]
    schedule: "*/5 * * * *"
"""
_PROCESS = Path(__file__).with_name("scheduler_process.py")


def _start(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.Popen(
        [sys.executable, str(_PROCESS), str(folder), *args], env=env, stderr=subprocess.PIPE, text=True
    )


def test_a_scheduler_killed_mid_send_and_restarted_delivers_each_report_once(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    mail_workspace(tmp_path, smtp_server.toml(), EVERY_MINUTE)
    import time

    Journal(tmp_path).set_last_tick(time.time() - 600)  # down for ten minutes: both reports missed
    smtp_server.handler.answer_next("stall")
    process = _start(tmp_path)
    try:
        assert smtp_server.handler.stalled.wait(120), "the scheduler never reached the SMTP server"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    smtp_server.handler.release.set()
    (claimed,) = Journal(tmp_path).deliveries()
    assert claimed.state == "claimed" and claimed.claimed_by == f"{process.pid}@{os.uname().nodename}"
    assert smtp_server.handler.messages == []

    restarted = _start(tmp_path, "--once")
    _, log = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, log
    assert "ended while sending" in log and "sent again with the same Message-ID" in log
    again = _start(tmp_path, "--once")  # and once more: nothing new
    again.communicate(timeout=120)

    messages = smtp_server.handler.messages
    per_message_id = Counter(m["Message-ID"] for m in messages)
    per_report = Counter((m["Subject"], m["To"]) for m in messages)
    assert len(messages) == 2 and set(per_message_id.values()) == {1} and set(per_report.values()) == {1}
    deliveries = Journal(tmp_path).deliveries()
    assert sorted((d.report, d.state) for d in deliveries) == [("first", "sent"), ("second", "sent")]
    assert {d.message_id for d in deliveries} == set(per_message_id)
    taken_over = next(d for d in deliveries if d.key == claimed.key)
    assert taken_over.message_id == claimed.message_id and taken_over.note is not None
    assert {r.trigger for r in Journal(tmp_path).runs()} == {"missed"}
