"""The README's `kpidesk …` examples run as written on a demo workspace, `./acme` standing for it."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpidesk.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"

#: Commands whose input is the reader's own file, which the repository does not hold.
SKIPPED = {
    "kpidesk import tickets.csv": "tickets.csv is the reader's own helpdesk export",
    "kpidesk import events.csv": "events.csv and my-helpdesk.yaml are the reader's own export and mapping",
    "kpidesk import incident_event_log.csv": "the ServiceNow event log is a public dataset kept outside the "
    "repository (tests/ingest import it where present)",
    "kpidesk users add dana": "asks for a password at the terminal (tests/cli/test_users.py adds users)",
    "kpidesk serve": "a server that runs until stopped (tests/web serve the app and drive it in a browser)",
    "kpidesk report send": "needs an SMTP server (tests/delivery send through one on loopback)",
    "kpidesk schedule": "runs until stopped (tests/delivery run it as a process, kill it and start it again)",
}


def _json_final_in_june(output: str) -> bool:
    """Status at a month's end: the targets whose period ends then are final (met, missed or too few)."""
    rows = json.loads(output)
    ended = [r for r in rows if r["period_end"] == "2026-06-30"]
    final = ("met", "missed", "not_enough_data")
    return bool(ended) and all(r["at"] == "2026-06-30" and r["status"] in final for r in ended)


def _json_first_reply_p90(output: str) -> bool:
    rows = json.loads(output)
    return bool(rows) and all(r["metric"] == "first_reply_time" and r["stat"] == "p90" for r in rows)


#: What each command's output must show, by the start of the command (with `./acme`).
EXPECTED: dict[str, Callable[[str], bool]] = {
    "kpidesk init ./acme": lambda out: "Workspace ready" in out and "Asia/Jerusalem" in out,
    "kpidesk formats": lambda out: "servicenow" in out and "zendesk" in out,
    "kpidesk kpis --by team --period week": lambda out: "first_reply_time" in out and "billing" in out,
    "kpidesk kpis --metric first_reply_time --stat p90 --as json": _json_first_reply_p90,
    "kpidesk kpis --period month --compare previous": lambda out: "before" in out and "change" in out,
    "kpidesk resilience": lambda out: "days A003 was present vs absent" in out and "median" in out,
    "kpidesk kpis --metric first_reply_time --by team --from": lambda out: "week of 2026-03-01" in out,
    "kpidesk explain T000123": lambda out: "T000123" in out and "first_reply_time" in out,
    "kpidesk reconcile --tickets": lambda out: "import an export whose format keeps them" in out,
    "kpidesk imports -w": lambda out: "tickets" in out and "agent_states" in out,
    "kpidesk imports undo 4": lambda out: "undid import 4" in out,
    "kpidesk rejected --import 3": lambda out: "import 3" in out,
    "kpidesk metrics": lambda out: "first_reply_time" in out and "definition" in out,
    "kpidesk calls intervals": lambda out: "offered" in out and "abandoned" in out,
    "kpidesk staffing required": lambda out: re.search(r"\bagents scheduled\s+14\b", out) is not None,
    "kpidesk status": lambda out: "Sources" in out and "tickets" in out and "Facts: current" in out,
    "kpidesk list agents": lambda out: "A003" in out,
    "kpidesk staffing plan": lambda out: "Staffing plan" in out and "plan.html" in out,
    "kpidesk staffing simulate": lambda out: "analytic figures lie inside" in out,
    "kpidesk staffing roster": lambda out: (
        "Week 2026-12-06 – 2026-12-12" in out and "paid agent-hours" in out
    ),
    "kpidesk targets status -w": lambda out: "Targets as of the end of" in out and "org-fcr" in out,
    "kpidesk targets status --at 2026-06-30": _json_final_in_june,
    "kpidesk targets set org-fcr": lambda out: "0.6" in out or "60.0%" in out,
    "kpidesk targets history org-fcr": lambda out: "first set" in out,
    "kpidesk targets check": lambda out: "6 targets" in out,
    "kpidesk targets suggest": lambda out: "baseline" in out and "attainable" in out,
    # The demo's data runs to Sunday 5 July 2026; made on Monday the 6th, last week is 28 June – 4 July.
    "kpidesk report run weekly-service": lambda out: "weekly-service-2026-06-28-2026-07-04.pdf" in out,
    # A table: its cells fold at the console's width, so the words are looked for one by one.
    "kpidesk report log": lambda out: all(w in out for w in ("weekly-service", "2026-07-06", "written")),
}


def readme_commands() -> list[str]:
    """The `kpidesk …` lines of the README's shell block of examples, continuations joined, comments cut;
    `imports undo` last, since it changes the workspace the others read."""
    block = re.search(r"## Use\n\n```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None, "the README has no ```sh block under ## Use"
    commands = [
        " ".join(line.split("#")[0].split())
        for line in block.group(1).replace("\\\n", " ").splitlines()
        if line.startswith("kpidesk ")
    ]
    return sorted(commands, key=lambda c: c.startswith("kpidesk imports undo"))


def _entry(command: str, table: dict[str, object]) -> str | None:
    matches = [start for start in table if command.startswith(start)]
    assert len(matches) <= 1, (command, matches)
    return matches[0] if matches else None


def test_every_readme_command_is_run_or_skipped_with_a_reason() -> None:
    commands = readme_commands()
    assert len(commands) >= 15
    for command in commands:
        assert (_entry(command, EXPECTED) is None) != (_entry(command, SKIPPED) is None), command
    used = {_entry(c, EXPECTED) for c in commands} | {_entry(c, SKIPPED) for c in commands}
    assert used - {None} == set(EXPECTED) | set(SKIPPED)


@pytest.fixture(scope="module")
def demo_dir(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace of this module's own (a copy of `demo_template`): `imports undo` changes it."""
    from demo_fixture import copy_workspace

    return copy_workspace(demo_template, tmp_path_factory.mktemp("readme") / "acme").path


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(
    command: str, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped = _entry(command, SKIPPED)
    if skipped is not None:
        pytest.skip(SKIPPED[skipped])
    # `init` makes a workspace of its own; every other command reads the demo.
    acme = str(tmp_path / "acme") if command.startswith("kpidesk init") else str(demo_dir)
    args = [acme if arg == "./acme" else arg for arg in shlex.split(command)[1:]]
    monkeypatch.chdir(tmp_path)  # files a command writes (plan.html) land here
    result = CliRunner().invoke(main, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, (command, result.output)
    check = EXPECTED[_entry(command, EXPECTED) or ""]
    assert check(result.output), (command, result.output)
