"""The scheduler: every report of reports.yaml with a `schedule` is made and sent when its cron schedule
fires, in the workspace's time zone, exactly once per (report, period).

One scheduler acts on a workspace at a time: it holds `scheduler.lock` (an OS file lock, released by the
kernel when the process ends). Each tick it looks at the fire times since the previous tick (the journal
keeps when that was), so a scheduler that was down runs each missed report once at start, for its latest
missed fire time; it then retries the deliveries whose retry is due, sends again those whose sender ended
mid-way, and runs the periodic jobs it was given (such as the alerts' check)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kpidesk import KpideskError
from kpidesk.calendars import CronSchedule
from kpidesk.delivery._dispatch import LOGGER, Dispatcher, SendMail
from kpidesk.delivery._journal import Journal
from kpidesk.delivery._message import Sendable
from kpidesk.delivery._smtp import send_mail
from kpidesk.workspace import DAY_NAMES, Workspace

if TYPE_CHECKING:
    from kpidesk.reports import ReportDefinition

__all__ = [
    "DEFAULT_TICK_S",
    "SCHEDULER_LOCK_FILE",
    "DueRun",
    "EveryFew",
    "PeriodicJob",
    "RenderReport",
    "Scheduler",
    "SchedulerRunning",
    "configure_logging",
    "due_runs",
    "run_scheduler",
    "scheduler_lock",
]

SCHEDULER_LOCK_FILE = "scheduler.lock"
DEFAULT_TICK_S = 30.0

#: Renders report `name` as made on local day `at`: one rendering per recipient group.
RenderReport = Callable[[Workspace, str, date], Sequence[Sendable]]
#: Something the scheduler runs every tick besides the reports, e.g. `kpidesk.check_alerts`.
PeriodicJob = Callable[[Workspace], object]


class EveryFew:
    """A periodic job run at most once every `seconds` although the scheduler ticks more often: a check
    that reads the whole history (the alerts') need not run every 30 seconds."""

    def __init__(self, job: PeriodicJob, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self.seconds = seconds
        self.clock = clock
        self.last: float | None = None

    def __call__(self, workspace: Workspace) -> object:
        now = self.clock()
        if self.last is not None and now - self.last < self.seconds:
            return None
        self.last = now
        return self.job(workspace)


#: The runs that make a later scheduled run of the same period unnecessary.
_DONE_BY = ("schedule", "missed", "send")


class SchedulerRunning(KpideskError, RuntimeError):
    """Another scheduler acts on the workspace; the message names its process."""


@contextlib.contextmanager
def scheduler_lock(
    folder: Path, *, wait: bool = False, stop: threading.Event | None = None, poll_s: float = 1.0
) -> Iterator[bool]:
    """Hold the workspace's scheduler lock while the block runs (yields True). Without `wait`, another
    holder raises SchedulerRunning naming it; with `wait`, wait for it, yielding False if `stop` is set
    first."""
    path = folder / SCHEDULER_LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise SchedulerRunning(
                        f"another scheduler acts on {folder} ({_holder(path)}); only one may, so this one "
                        "stops. Stop that one first, or leave it running"
                    ) from None
                if stop is not None and stop.wait(poll_s):
                    yield False
                    return
                if stop is None:
                    time.sleep(poll_s)
        me = {"pid": os.getpid(), "since": datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode("utf-8"), 0)
        try:
            yield True
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {int(data['pid'])}, since {data['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that is starting"


@dataclass(frozen=True)
class DueRun:
    """A report to make now: for its fire time `fire_time` (local), as made on that local day."""

    report: ReportDefinition
    fire_time: datetime
    missed: bool

    @property
    def at(self) -> date:
        return self.fire_time.date()


def due_runs(
    reports: Sequence[ReportDefinition], since: datetime, now: datetime, zone: ZoneInfo, *, missed: bool
) -> list[DueRun]:
    """The reports whose schedule fired after `since` up to `now`, each once, for its latest fire time."""
    due = []
    for report in reports:
        if report.schedule is None:
            continue
        latest = CronSchedule.parse(report.schedule).latest_between(since, now, zone)
        if latest is not None:
            due.append(DueRun(report, latest, missed))
    return due


def _scheduled_reports(ws: Workspace) -> list[ReportDefinition]:
    """The reports of the workspace's reports.yaml that have a schedule (read again each tick, so that
    an edit applies without a restart; imported when first needed, as it loads the query engine)."""
    from kpidesk.reports import REPORTS_FILE, read_reports

    reports = read_reports(ws.path / REPORTS_FILE, default_language=ws.settings.locale)
    return [r for r in reports.values() if r.schedule is not None]


class Scheduler:
    """One workspace's scheduler; `tick()` does one round (the caller holds the scheduler lock)."""

    def __init__(
        self,
        ws: Workspace,
        render: RenderReport,
        *,
        jobs: Sequence[PeriodicJob] = (),
        send: SendMail = send_mail,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ws = ws
        self.render = render
        self.jobs = tuple(jobs)
        self.send = send
        self.clock = clock
        self.journal = Journal(ws.path, clock=clock)
        self.zone = ZoneInfo(ws.settings.timezone)
        calendar = ws.settings.calendars[ws.settings.default_calendar]
        self.week_start = DAY_NAMES.index(calendar.week_start)
        self.ticks = 0

    def reports(self) -> list[ReportDefinition]:
        return _scheduled_reports(self.ws)

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(self.journal, self.ws.settings.require_mail(), send=self.send)

    def tick(self) -> None:
        """Make and send what fell due since the last tick (since the last recorded tick, at start:
        each missed report once), retry what is due, run the periodic jobs."""
        now_s = self.clock()
        now = datetime.fromtimestamp(now_s, UTC)
        last = self.journal.last_tick()
        since = datetime.fromtimestamp(last, UTC) if last is not None else now
        first = self.ticks == 0
        self.ticks += 1
        try:
            reports = self.reports()
        except KpideskError as exc:
            LOGGER.error("%s", exc)
            reports = []
        if any(r.schedule for r in reports) or self.journal.next_retry() is not None:
            dispatcher = self.dispatcher()
            dispatcher.take_over_stale()
            for run in due_runs(reports, since, now, self.zone, missed=first and last is not None):
                self._run(dispatcher, run)
            dispatcher.retry_due()
        for job in self.jobs:
            try:
                job(self.ws)
            except Exception:
                LOGGER.exception("the periodic job %s failed", getattr(job, "__name__", job))
        self.journal.set_last_tick(now_s)

    def _run(self, dispatcher: Dispatcher, run: DueRun) -> None:
        report = run.report
        period = report.period_at(run.at, self.week_start)
        if self.journal.finished_run(report.name, period.key, _DONE_BY) is not None:
            LOGGER.info("report %s for %s was made before; not again", report.name, period.key)
            return
        trigger = "missed" if run.missed else "schedule"
        LOGGER.info(
            "report %s for %s (%s fire time %s)",
            report.name,
            period.key,
            "missed" if run.missed else "scheduled",
            run.fire_time.strftime("%Y-%m-%d %H:%M %Z"),
        )
        try:
            dispatcher.run(
                report.name,
                period.key,
                run.at.isoformat(),
                trigger,
                lambda: self.render(self.ws, report.name, run.at),
                fire_time=run.fire_time.timestamp(),
            )
        except Exception:
            LOGGER.exception("report %s for %s could not be made", report.name, period.key)


def run_scheduler(
    ws: Workspace,
    render: RenderReport,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    tick: float = DEFAULT_TICK_S,
    jobs: Sequence[PeriodicJob] = (),
    wait_for_lock: bool = False,
    send: SendMail = send_mail,
    clock: Callable[[], float] = time.time,
) -> None:
    """Run the workspace's scheduler: one tick with `once`, else a tick every `tick` seconds until `stop`
    is set. Another scheduler on the workspace raises SchedulerRunning, or is waited for with
    `wait_for_lock` (as `kpidesk serve --schedule` does)."""
    if _scheduled_reports(ws):
        ws.settings.require_mail()
    stop = stop or threading.Event()
    with scheduler_lock(ws.path, wait=wait_for_lock, stop=stop) as held:
        if not held:
            return
        scheduler = Scheduler(ws, render, jobs=jobs, send=send, clock=clock)
        while True:
            scheduler.tick()
            if once or stop.wait(tick):
                return


def configure_logging() -> None:
    """Print the delivery log to standard error with the time, for `kpidesk schedule` and `serve`."""
    if not LOGGER.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
