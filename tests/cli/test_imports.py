"""`kpidesk imports`, `imports undo`, `rejected`, and reading while an import runs, end to end: the
listings at 80 columns and as JSON, and real processes importing and reading one workspace."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
from click.testing import CliRunner

from kpidesk.cli import main
from kpidesk.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parents[2]
HEBREW = (
    "ticket_id,created_at,status,subject\n"
    "H1,2026-03-01 08:00:00,solved,שלום עולם\n"
    "H2,2026-03-02 08:00:00,open,החזר כספי\n"
    "H3,2026-03-03 08:00:00,bogus,תודה רבה\n"  # status not canonical: rejected
)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def _fits(out: str) -> None:
    assert max(len(line) for line in out.splitlines()) <= 80, out


def test_imports_rejected_and_undo_on_the_command_line(workspace: Workspace) -> None:
    w = str(workspace.path)
    good = workspace.path / "hebrew.csv"
    good.write_text(HEBREW, encoding="utf-8")
    misread = workspace.path / "hebrew-1255.csv"
    misread.write_bytes(HEBREW.encode("windows-1255"))
    left = workspace.path / ".kpidesk-import-killed"  # the scratch folder of an import that was killed
    (left / "scratch.duckdb").parent.mkdir()
    assert _run("import", str(good), "--kind", "tickets", "-w", w)[0] == 0
    assert not list(workspace.path.glob(".kpidesk-import-*"))
    code, out = _run("import", str(misread), "--kind", "tickets", "--encoding", "latin-1", "-w", w)
    assert code == 0, out
    # H1 and H2 misread (H3 is rejected again): the warning names the likely encoding and the way back.
    flat = " ".join(out.split())
    assert "warning: import 2 replaced Hebrew text with Latin letters in 2 rows of tickets.subject" in flat
    assert "probably windows-1255 — undo it with `kpidesk imports undo 2`" in flat

    code, out = _run("imports", "-w", w)
    assert code == 0, out
    _fits(out)
    # Whole file names at 80 columns; no undone column while nothing was undone.
    assert "hebrew.csv" in out and "hebrew-1255.csv" in out and "undone" not in out
    code, out = _run("imports", "--as", "json", "-w", w)
    rows = json.loads(out)
    assert [
        (r["import_id"], r["kind"], r["read"], r["inserted"], r["updated"], r["rejected"], r["undone"])
        for r in rows
    ] == [(1, "tickets", 3, 2, 0, 1, False), (2, "tickets", 3, 0, 2, 1, False)]
    assert rows[1]["files"] == [str(misread)] and rows[1]["batch_id"] == 2

    code, out = _run("rejected", "-w", w)
    assert code == 0, out
    _fits(out)
    reason = "'bogus' is not one of new, open, pending, hold, solved, closed"
    assert reason in " ".join(line.split("│")[-1].strip() for line in out.splitlines())
    code, out = _run("rejected", "--import", "2", "--as", "json", "-w", w)
    assert [
        (r["import_id"], Path(r["file"]).name, r["line"], r["column"], r["value"], r["repaired"])
        for r in json.loads(out)
    ] == [(2, "hebrew-1255.csv", 4, "status", "bogus", False)]

    code, out = _run("imports", "undo", "2", "-w", w)
    assert (code, out.splitlines()) == (
        0,
        [
            "undid import 2",
            "  tickets: 0 inserted rows deleted, 2 replaced rows put back",
            "  1 rejected rows removed",
        ],
    )
    code, out = _run("imports", "undo", "2", "-w", w)
    assert code == 2 and "error: import 2 is already undone" in out
    code, out = _run("imports", "-w", w)
    _fits(out)
    assert "undone" in out and out.count("yes") == 1
    code, out = _run("rejected", "--import", "2", "-w", w)
    assert (code, out.strip()) == (0, "import 2 has no rejected or repaired rows")
    assert json.loads(_run("imports", "--as", "json", "-w", w)[1])[1]["undone"] is True
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT subject FROM tickets ORDER BY ticket_id").fetchall() == [
            ("שלום עולם",),
            ("החזר כספי",),
        ]


def _cli(*args: str) -> list[str]:
    """The `kpidesk` command of this checkout, as its own process."""
    return [sys.executable, "-c", "from kpidesk.cli import main; main()", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}


def _lines(stream: object) -> queue.Queue[str]:
    """The lines a process writes, as they come."""
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


def _until(lines: queue.Queue[str], text: str, seen: list[str]) -> str:
    while True:
        line = lines.get(timeout=300)
        seen.append(line)
        if text in line:
            return line


def _volume(workspace: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        _cli("kpis", "--metric", "volume", "--period", "all", "--as", "json", "-w", str(workspace)),
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_kpis_answer_while_an_import_runs_and_a_second_import_waits(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", country="IL")
    w = str(ws.path)
    small = tmp_path / "small.csv"
    small.write_text(
        "ticket_id,created_at,status\nA1,2026-01-05 10:00:00,open\nA2,2026-01-06 10:00:00,solved\n"
    )
    assert (
        subprocess.run(
            _cli("import", str(small), "--kind", "tickets", "-w", w),
            env=_env(),
            capture_output=True,
            timeout=600,
        ).returncode
        == 0
    )
    before = _volume(ws.path)
    assert [(r["value"], r["n"]) for r in before] == [(2, 2)]
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("ticket_id,created_at,status,subject\n")
        for i in range(20_000):
            out.write(f"B{i},2026-02-{1 + i % 28:02d} 09:00:00,open,subject {i}\n")
    more = tmp_path / "more.csv"
    more.write_text("ticket_id,created_at,status\nM1,2026-03-05 10:00:00,open\n")

    # A long reader holds the warehouse: the import reads and checks its file meanwhile, then waits to
    # write. That is the moment a reader arrives in the middle of an import, pinned without timing.
    reader = duckdb.connect(str(ws.warehouse_path), read_only=True)
    importer = subprocess.Popen(
        _cli("import", str(big), "--kind", "tickets", "-w", w),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    second: subprocess.Popen[str] | None = None
    try:
        assert importer.stderr is not None
        said: list[str] = []
        _until(_lines(importer.stderr), "waiting for it", said)
        assert said[-1].startswith(f"the warehouse is in use by another kpidesk process (pid {os.getpid()})")

        assert _volume(ws.path) == before

        refused = subprocess.run(
            _cli("import", str(more), "--kind", "tickets", "--no-wait", "-w", w),
            capture_output=True,
            text=True,
            env=_env(),
            timeout=600,
        )
        assert refused.returncode == 2
        message = " ".join(refused.stderr.split())
        assert message.startswith("error: the import of tickets from big.csv started ")
        assert message.endswith(
            f"(pid {importer.pid}) is still running; run this import when it has finished, or without "
            "--no-wait to wait for it"
        )
        second = subprocess.Popen(
            _cli("import", str(more), "--kind", "tickets", "-w", w),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        waiting = _until(_lines(second.stderr), "waiting for", [])
        assert waiting.startswith("waiting for the import of tickets from big.csv started ")
        assert f"(pid {importer.pid}) to finish…" in waiting
    finally:
        reader.close()
    out, _ = importer.communicate(timeout=600)
    assert importer.returncode == 0
    assert "read 20,000 · inserted 20,000" in out
    assert second is not None and second.wait(timeout=600) == 0
    # 2 tickets before, 20,000 of big.csv, 1 of more.csv.
    assert [(r["value"], r["n"]) for r in _volume(ws.path)] == [(20_003, 20_003)]
