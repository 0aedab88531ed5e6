"""`kpidesk status`, `kpidesk list DIMENSION` and agents' names in `kpis --by agent`, end to end at 80 columns
and as JSON, with every message (tests/contents_fixture.py holds the hand-worked figures)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import kpidesk
from kpidesk.cli import main
from kpidesk.workspace import Workspace


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def _fits(out: str) -> None:
    assert max(len(line) for line in out.splitlines()) <= 80, out


def _flat(out: str) -> str:
    return " ".join(out.split())


def test_status_of_two_sources(two_sources: Workspace) -> None:
    code, out = _run("status", "-w", str(two_sources.path))
    assert code == 0, out
    _fits(out)
    flat = _flat(out)
    assert f"Workspace {two_sources.path}" in flat
    assert "country IL · time zone Asia/Jerusalem · week starts Sunday · locale he" in flat
    assert "calendar default: sun–thu 09:00-17:00 · Asia/Jerusalem, IL holidays" in flat
    lines = [line.split() for line in out.splitlines()]
    assert ["alpha", "tickets", "2", "2026-03-01", "2026-03-03"] in lines
    assert ["agents", "3", "—", "—"] in lines
    assert ["beta", "tickets", "2", "2026-03-04", "2026-03-05"] in lines
    assert ["calls", "3", "2026-03-04", "2026-03-05"] in lines
    assert "Imports · the last 5 of 5 (`kpidesk imports` lists them all)" in flat
    # The undone column appears once an import was undone; late.csv's row says so.
    assert "undone" in out and any(line[0] == "5" and line[-1] == "yes" for line in lines if line)
    assert "Rejected rows · by import and table (`kpidesk rejected --import ID` lists them)" in flat
    assert "import 1 · tickets: 1 rejected" in flat
    assert "Facts: current with import 4 · derived " in flat and "UTC · 4 tickets, 3 calls" in flat
    assert "None" not in out and "nan" not in out


def test_status_as_json_is_the_structure(two_sources: Workspace) -> None:
    code, out = _run("status", "--as", "json", "-w", str(two_sources.path))
    assert code == 0, out
    assert json.loads(out) == kpidesk.status(two_sources).as_dict()
    code, out = _run("status", "--imports", "0", "-w", str(two_sources.path))
    assert code == 0 and "Imports: 5 (`kpidesk imports` lists them)" in _flat(out)
    code, out = _run("status", "--imports", "1", "-w", str(two_sources.path))
    assert code == 0 and "Imports · the last of 5" in _flat(out)


def test_status_of_an_empty_workspace(workspace: Workspace) -> None:
    code, out = _run("status", "-w", str(workspace.path))
    assert code == 0, out
    _fits(out)
    flat = _flat(out)
    assert "Sources: no data yet; `kpidesk import FILE --kind tickets` makes the first import" in flat
    assert "Imports: none yet" in flat and "Rejected rows: none" in flat
    assert "Facts: not derived yet; the next KPI query derives them" in flat


def test_status_outside_a_workspace_is_a_plain_error(tmp_path: Path) -> None:
    code, out = _run("status", "-w", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a kpidesk workspace" in _flat(out) and "Traceback" not in out


def test_status_of_the_demo_fits_80_columns(small_demo: Workspace) -> None:
    code, out = _run("status", "-w", str(small_demo.path))
    assert code == 0, out
    _fits(out)
    flat = _flat(out)
    assert "calendar emea: mon–fri 08:00-18:00 · Europe/London, GB holidays" in flat
    assert "Imports · the last 5 of 8" in flat and "Facts: current with import 8 · " in flat


def test_list_agents(two_sources: Workspace) -> None:
    code, out = _run("list", "agents", "-w", str(two_sources.path))
    assert code == 0, out
    _fits(out)
    lines = [line.split() for line in out.splitlines()]
    assert "agents · 3 in the data · first and last: local dates" in _flat(out)
    assert ["a1", "Dana", "Levi", "billing", "2", "1", "2026-03-01", "2026-03-04"] in lines
    assert ["a2", "billing", "1", "0", "2026-03-03", "2026-03-03"] in lines
    assert ["a3", "Noa", "support", "0", "1", "2026-03-04", "2026-03-04"] in lines
    assert ["(none)", "1", "1", "2026-03-05", "2026-03-05"] in lines
    assert "(none): the tickets and calls with no agent" in _flat(out)
    assert "None" not in out and "nan" not in out
    code, out = _run("list", "agent", "--as", "json", "-w", str(two_sources.path))
    assert code == 0, out
    rows = json.loads(out)
    assert rows[1] == {
        "agent": "a2",
        "name": None,
        "team": "billing",
        "tickets": 1,
        "calls": 0,
        "first_seen": "2026-03-03",
        "last_seen": "2026-03-03",
    }
    assert rows[3]["agent"] is None and (rows[3]["tickets"], rows[3]["calls"]) == (1, 1)


def test_list_teams_and_queues(two_sources: Workspace) -> None:
    code, out = _run("list", "teams", "-w", str(two_sources.path))
    assert code == 0, out
    assert ["billing", "3", "1", "2", "2026-03-01", "2026-03-04"] in [
        line.split() for line in out.splitlines()
    ]
    assert "(none): the tickets, calls and agents with no team" in _flat(out)
    code, out = _run("list", "queues", "-w", str(two_sources.path))
    assert code == 0, out
    assert "(none)" not in out
    assert ["q2", "1", "2026-03-05", "2026-03-05"] in [line.split() for line in out.splitlines()]


def test_list_messages(two_sources: Workspace) -> None:
    code, out = _run("list", "agnts", "-w", str(two_sources.path))
    assert code == 2 and _flat(out) == "error: unknown dimension agnts; did you mean agents?"
    code, out = _run("list", "xyz", "-w", str(two_sources.path))
    assert code == 2 and _flat(out).startswith("error: unknown dimension xyz; expected one of: agents, teams")
    code, out = _run("list", "segments", "-w", str(two_sources.path))
    assert code == 0 and _flat(out) == (
        "no segments in the data: they come from the customers (`kpidesk status` shows what the workspace "
        "holds)"
    )


def test_kpis_by_agent_show_names_beside_ids(two_sources: Workspace) -> None:
    code, out = _run(
        "kpis", "--metric", "volume", "--by", "agent", "--period", "all", "-w", str(two_sources.path)
    )
    assert code == 0, out
    assert "Dana Levi (a1)" in out and "None" not in out
    assert any(line.split()[:2] == ["volume", "a2"] for line in out.splitlines()), out
    code, out = _run(
        "kpis", "--metric", "volume", "--by", "agent", "--period", "all", "--as", "json",
        "-w", str(two_sources.path),
    )  # fmt: skip
    rows = {r["agent"]: r["agent_name"] for r in json.loads(out)}
    assert rows == {"a1": "Dana Levi", "a2": None, None: None}


def test_status_counts_repaired_rows_apart(workspace: Workspace) -> None:
    with workspace.connect() as con:
        con.execute(
            "INSERT INTO rejected_rows "
            '(import_id, kind, file, line, "column", value, reason, repaired) VALUES '
            "(3, 'tickets', 'a.csv', 2, 'status', 'x', 'not a status', false), "
            "(3, 'tickets', 'a.csv', 3, 'created_at', '', 'filled in', true), "
            "(3, 'events', 'b.csv', 5, 'at', '', 'filled in', true)"
        )
    result = kpidesk.status(workspace)
    assert [(r.import_id, r.kind, r.rejected, r.repaired) for r in result.rejected] == [
        (3, "events", 0, 1),
        (3, "tickets", 1, 1),
    ]
    code, out = _run("status", "-w", str(workspace.path))
    assert code == 0, out
    flat = _flat(out)
    assert "import 3 · events: 0 rejected, 1 repaired" in flat
    assert "import 3 · tickets: 1 rejected, 1 repaired" in flat
