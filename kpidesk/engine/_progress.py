"""Progress of a derivation on Spark, on stderr: which stage runs, and how many tasks of its Spark jobs are
done. A terminal sees one line redrawn in place; a log file gets a line as a stage starts and ends and a
task count at most every half minute, so a long job neither floods a log nor looks hung."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pyspark import SparkContext

__all__ = ["SparkProgress"]

#: How often the running jobs' task counts are read.
POLL_SECONDS = 2.0
#: How often a task count is written where it cannot be redrawn in place.
LOG_SECONDS = 30.0


class SparkProgress:
    """Says what runs while it is entered; silent (and polling nothing) when not `enabled`."""

    def __init__(
        self,
        context: SparkContext | None,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        poll_seconds: float = POLL_SECONDS,
        log_seconds: float = LOG_SECONDS,
    ) -> None:
        self.enabled = enabled and context is not None
        self._context = context
        self._stream = stream if stream is not None else sys.stderr
        self._in_place = self._stream.isatty()
        self._poll_seconds = poll_seconds
        self._log_seconds = log_seconds
        self._stage: str | None = None
        self._stage_started = 0.0
        self._last_tasks: tuple[int, int] | None = None
        self._last_logged = 0.0
        self._drawn = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SparkProgress:
        if self.enabled:
            self._thread = threading.Thread(target=self._poll, name="kpidesk-spark-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._poll_seconds + 5)
            self._thread = None
        if self._in_place and self._drawn:
            with self._lock:
                self._write("\n")
                self._drawn = 0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Mark `name` as running until the block ends, then say how long it took."""
        if not self.enabled:
            yield
            return
        with self._lock:
            self._stage, self._stage_started, self._last_tasks = name, time.monotonic(), None
            self._say(f"{name}…", final=False)
        outcome = "failed after"
        try:
            yield
            outcome = "done in"
        finally:
            with self._lock:
                self._say(f"{name}: {outcome} {time.monotonic() - self._stage_started:.1f} s", final=True)
                self._stage = None

    def tasks(self) -> tuple[int, int] | None:
        """(tasks done, tasks in all) of the stages running now; None when no job runs."""
        assert self._context is not None
        tracker = self._context.statusTracker()
        done = total = 0
        for stage_id in tracker.getActiveStageIds():
            info = tracker.getStageInfo(stage_id)
            if info is not None:
                done += info.numCompletedTasks
                total += info.numTasks
        return (done, total) if total else None

    def _poll(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            try:
                counts = self.tasks()
            except Exception:
                # The session is stopping (or the gateway is gone): nothing more to report.
                return
            with self._lock:
                if self._stage is None or counts is None or counts == self._last_tasks:
                    continue
                now = time.monotonic()
                if not self._in_place and now - self._last_logged < self._log_seconds:
                    continue
                self._last_tasks, self._last_logged = counts, now
                elapsed = now - self._stage_started
                self._say(f"{self._stage}: {counts[0]}/{counts[1]} tasks, {elapsed:.0f} s", final=False)

    def _say(self, text: str, *, final: bool) -> None:
        """A line of progress: redrawn over the previous one on a terminal, else written as a line."""
        if self._in_place:
            padding = " " * max(0, self._drawn - len(text))
            self._write(f"\r{text}{padding}" + ("\n" if final else ""))
            self._drawn = 0 if final else len(text)
        else:
            self._write(text + "\n")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()
