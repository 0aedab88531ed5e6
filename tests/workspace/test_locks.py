"""The import lock and the wait for a busy warehouse, with real processes holding them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kpidesk.workspace import (
    IMPORT_LOCK_FILE,
    ImportRunning,
    Workspace,
    import_lock,
    init_workspace,
    running_import,
)


def _holder(script: str) -> subprocess.Popen[str]:
    """A Python process that runs `script`, prints "ready" and waits for its stdin to close."""
    code = textwrap.dedent(script) + "\nprint('ready', flush=True)\nimport sys\nsys.stdin.read()\n"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", country="IL")


def test_a_running_import_is_named_and_a_dead_one_never_blocks(ws: Workspace) -> None:
    assert running_import(ws.path) is None
    other = _holder(
        f"""
        from pathlib import Path
        from kpidesk.workspace import import_lock
        lock = import_lock(Path({str(ws.path)!r}), "the import of tickets from big.csv")
        lock.__enter__()
        """
    )
    running = running_import(ws.path)
    assert running is not None
    assert (running.pid, running.what) == (other.pid, "the import of tickets from big.csv")
    with pytest.raises(ImportRunning) as busy, import_lock(ws.path, "the import of calls", wait=False):
        pass
    assert str(busy.value) == (
        f"the import of tickets from big.csv started {running.started_at:%Y-%m-%d %H:%M:%S} "
        f"(pid {other.pid}) is still running; run this import when it has finished, or without --no-wait "
        "to wait for it"
    )
    # Killed without a chance to clean up: its pid stays in the file, the lock goes with the process.
    other.send_signal(signal.SIGKILL)
    other.wait()
    assert str(other.pid) in (ws.path / IMPORT_LOCK_FILE).read_text(encoding="utf-8")
    assert running_import(ws.path) is None
    with import_lock(ws.path, "the import of calls", wait=False):
        mine = running_import(ws.path)
        assert mine is not None and (mine.pid, mine.what) == (os.getpid(), "the import of calls")
    assert running_import(ws.path) is None


def test_a_reader_waits_a_bounded_time_for_a_writer_and_names_it(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    writer = _holder(f"import duckdb\ncon = duckdb.connect({str(ws.warehouse_path)!r})")
    try:
        with pytest.raises(TimeoutError) as timeout:
            ws.connect(read_only=True, wait_s=1.0)
        assert str(timeout.value) == (
            f"the warehouse is still in use by another kpidesk process (pid {writer.pid}) after 1 s; "
            "try again when it has finished"
        )
        assert capsys.readouterr().err == (
            f"the warehouse is in use by another kpidesk process (pid {writer.pid}); waiting for it "
            "(up to 1 s)…\n"
        )
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        writer.wait()
    with ws.connect(read_only=True, wait_s=1.0) as con:
        assert con.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]
