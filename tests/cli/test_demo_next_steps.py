"""The commands `kpidesk demo` suggests run as printed, on a demo workspace, and answer from its data."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpidesk.cli import main
from kpidesk.cli._main import demo_next_steps, kpidesk_program
from kpidesk.demo import demo_examples
from kpidesk.workspace import Workspace


def test_each_suggested_command_answers(small_demo: Workspace) -> None:
    with small_demo.connect(read_only=True) as con:
        examples = demo_examples(con, small_demo.settings.default_calendar)
        away = con.execute(
            "SELECT count(DISTINCT CAST(start AS DATE)) FROM agent_states "
            "WHERE agent_id = ? AND state = 'away'",
            [examples.agent_id],
        ).fetchone()
    assert away is not None and away[0] > 0
    steps = demo_next_steps(".venv/bin/kpidesk", small_demo.path, examples)
    expected = {
        "kpis": ["first_reply_time", "billing", "technical"],
        "explain": [examples.ticket_id, "first_reply_time"],
        "resilience": [f"days {examples.agent_id} was present vs absent", "median"],
        "staffing": ["14"],
        "report": [f"billing-month-{examples.report_day:%Y-%m}-01-", ".pdf", ".csv"],
        "alerts": [f"alerts checked at {examples.report_day}T00:05"],
        "--help": ["Commands:", "resilience"],
        "targets": [
            f"Targets as of the end of {examples.month_end}",
            "org-first-reply",
            "billing-first-reply",
        ],
    }
    assert sorted(shlex.split(command)[1] for command, _ in steps) == sorted(expected)
    for command, what in steps:
        program, *args = shlex.split(command)
        assert program == ".venv/bin/kpidesk" and what
        result = CliRunner().invoke(main, args, env={"COLUMNS": "160"})
        assert result.exit_code == 0, (command, result.output)
        for text in expected[args[0]]:
            assert text in result.output, (command, text, result.output)


def test_resilience_suggestion_compares_days_with_data(small_demo: Workspace) -> None:
    import kpidesk

    with small_demo.connect(read_only=True) as con:
        agent = demo_examples(con, small_demo.settings.default_calendar).agent_id
    row = kpidesk.resilience(small_demo, metric="first_reply_time", person=agent).iloc[0]
    assert row["present_days"] > 0 and row["absent_days"] > 0
    assert row["present_n"] > 0 and row["absent_n"] > 0


def test_program_is_the_script_of_this_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(sys.executable).parent / "kpidesk"
    if not script.exists():
        pytest.skip(f"no kpidesk script next to {sys.executable} (kpidesk is not installed there)")
    monkeypatch.setenv("PATH", "/nonexistent")
    printed = kpidesk_program()
    assert printed != "kpidesk" and (Path.cwd() / printed).resolve() == script.resolve()
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}/usr/bin")
    assert kpidesk_program() == "kpidesk"
