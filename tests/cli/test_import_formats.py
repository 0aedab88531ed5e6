"""`kpidesk import --format` and `kpidesk formats` end to end: one command, every table the export feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpidesk.cli import main
from kpidesk.ingest.exports import EXPORT_FORMATS

#: Two cases of a status log: C1 is accepted by L1, escalated to L2 and completed after 2 h 30 min;
#: C2 is queued and never closed. Times carry their offset (+01:00).
STATUS_LOG = """\
SR Number,Change Date+Time,Status,Sub Status,Involved ST,ST Level
C1,2026-03-02T09:00:00+01:00,Accepted,In Progress,V30,L1
C1,2026-03-02T10:00:00+01:00,Queued,Awaiting Assignment,V5 2nd,L2
C1,2026-03-02T11:30:00+01:00,Completed,Resolved,V5 2nd,L2
C2,2026-03-02T09:15:00+01:00,Queued,Awaiting Assignment,V30,L1
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def status_log(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(STATUS_LOG, encoding="utf-8")
    return path


def test_one_command_imports_tickets_and_events_then_kpis_read_them(tmp_path: Path, status_log: Path) -> None:
    ws = str(tmp_path / "ws")
    assert _run("init", ws, "--country", "GB")[0] == 0
    code, out = _run("import", str(status_log), "--format", "status-log", "-w", ws)
    assert code == 0, out
    assert "imported tickets from" in out and "imported events from" in out
    assert "inserted 2" in out
    code, out = _run(
        "kpis",
        "--metric",
        "full_resolution_time",
        "--metric",
        "escalation_rate",
        "--period",
        "all",
        "--as",
        "json",
        "-w",
        ws,
    )
    assert code == 0, out
    rows = {r["metric"]: r for r in json.loads(out)}
    assert rows["full_resolution_time"]["n"] == 1
    assert rows["full_resolution_time"]["value"] == 2.5 * 3600
    assert rows["escalation_rate"]["value"] == 0.5
    code, out = _run("import", str(status_log), "--format", "status-log", "-w", ws)
    assert code == 0 and "inserted 0 · updated 0" in out


def test_kind_narrows_a_format_and_is_needed_without_one(tmp_path: Path, status_log: Path) -> None:
    ws = str(tmp_path / "ws")
    _run("init", ws)
    code, out = _run("import", str(status_log), "--format", "status-log", "--kind", "tickets", "-w", ws)
    assert code == 0 and "imported tickets" in out and "imported events" not in out
    code, out = _run("import", str(status_log), "--format", "status-log", "--kind", "calls", "-w", ws)
    assert code == 2 and "writes tickets, events, not 'calls'" in out
    code, out = _run("import", str(status_log), "-w", ws)
    assert code == 2 and "--kind" in out and "status-log" in out


def test_a_missing_column_is_a_plain_message(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    _run("init", ws)
    bad = tmp_path / "bad.csv"
    bad.write_text("SR Number,Status\nC1,Accepted\n", encoding="utf-8")
    code, out = _run("import", str(bad), "--format", "status-log", "-w", ws)
    assert code == 2
    assert "bad.csv" in out and "Change Date+Time" in out and "Traceback" not in out


def test_formats_lists_every_format_and_writes_the_doc(tmp_path: Path) -> None:
    code, out = _run("formats")
    assert code == 0
    for name in EXPORT_FORMATS:
        assert name in out
    target = tmp_path / "importers.md"
    code, _ = _run("formats", "--as", "markdown", "--output", str(target))
    assert code == 0 and "(`--format servicenow`)" in target.read_text(encoding="utf-8")


def test_import_help_explains_formats() -> None:
    code, out = _run("import", "--help")
    assert code == 0 and "--format" in out and "--timezone" in out and "kpidesk formats" in out


def test_call_counts_print_as_whole_numbers(tmp_path: Path) -> None:
    """A call log with one answered call (waited 10 s) and one abandoned call, through the table output."""
    ws = str(tmp_path / "ws")
    _run("init", ws)
    log = tmp_path / "calls.csv"
    log.write_text(
        "call_id,queue_entry,queue_exit,service_start,service_end,agent\n"
        "1,2026-03-02 09:00:00,2026-03-02 09:00:10,2026-03-02 09:00:10,2026-03-02 09:03:10,ann\n"
        "2,2026-03-02 09:05:00,2026-03-02 09:06:00,,,\n",
        encoding="utf-8",
    )
    code, out = _run("import", str(log), "--format", "call-log", "-w", ws)
    assert code == 0, out
    args = ("--metric", "offered", "--metric", "abandonment_rate", "--period", "all", "-w", ws)
    code, out = _run("kpis", *args)
    assert code == 0, out
    offered = next(line for line in out.splitlines() if "offered" in line)
    assert " 2 " in offered and "2.00" not in offered
    assert "50.0%" in out
