"""`kpidesk alerts check` and `kpidesk alerts list` on the spike workspace of tests/volume_fixture.py: the
alert raised once, shown with its numbers, listed as open, then resolved; JSON as the functions give it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from volume_fixture import write_spike_workspace

from kpidesk.cli import main

RULES = "alerts:\n  - {name: volume, kind: volume, of: tickets, grain: day, min_history: 3}\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-alerts") / "ws"
    write_spike_workspace(folder)
    (folder / "reports.yaml").write_text(RULES, encoding="utf-8")
    return folder


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def test_check_and_list_in_a_table_and_as_json(workspace: Path) -> None:
    ws = str(workspace)
    out = _run("alerts", "check", "--at", "2026-04-15T00:05", "-w", ws)
    assert "raised (1)" in out
    assert ("tickets per day" in out and "spike" not in out.lower()) or "up" in out
    # 120 tickets against a baseline of 40, z = +12.6.
    assert "120" in out and "40" in out and "+12.6" in out
    assert "resolved: none" in out and "notices sent: 0" in out
    listed = json.loads(_run("alerts", "list", "--as", "json", "-w", ws))
    (alert,) = listed["alerts"]
    assert (
        alert["state"] == "open" and alert["notice"]["value"] == 120 and alert["notice"]["baseline"] == 40.0
    )
    assert listed["unsent"] == []
    later = json.loads(_run("alerts", "check", "--at", "2026-04-16T08:00", "--as", "json", "-w", ws))
    assert later["raised"] == [] and [a["alert_id"] for a in later["resolved"]] == [alert["alert_id"]]
    assert later["resolved"][0]["notice"]["event"] == "resolved" and later["open"] == []
    table = _run("alerts", "list", "-w", ws)
    assert "alerts (1)" in table and "resolved" in table and "None" not in table and "nan" not in table


def test_a_bad_moment_and_a_bad_rule_are_told_plainly(workspace: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["alerts", "check", "--at", "yesterday", "-w", str(workspace)])
    assert result.exit_code == 2 and "expected a date and time as YYYY-MM-DDTHH:MM" in result.output
    bad = tmp_path / "bad"
    write_spike_workspace(bad)
    (bad / "reports.yaml").write_text("alerts:\n  - {name: v, kind: volume, of: tickts}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["alerts", "check", "-w", str(bad)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    # Compared without line breaks: a long temporary path (pytest-xdist adds a folder) would break at any
    # column fixed before the CLI was imported (COLUMNS in the environment).
    expected = (
        f"error: {bad / 'reports.yaml'}, line 2, column 29: alert 'v': `of` is 'tickts'; "
        "expected one of tickets, calls"
    )
    assert "".join(expected.split()) in "".join(result.output.split())
    assert "Traceback" not in result.output
