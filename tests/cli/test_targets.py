"""`kpidesk targets check` end to end at 80 columns, on the hand-worked helpdesk (teams billing and
support), and `kpidesk.check_targets`, which it prints; `kpidesk targets suggest` on the hand-made history
of tests/target_history_fixture.py, and `kpidesk.suggest_target`, which it prints."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

import kpidesk
from kpidesk.cli import main
from kpidesk.workspace import Workspace

TARGETS = """\
targets:
  - id: billing-frt
    metric: first_reply_time
    business_hours: true
    scope: {team: billing}
    per: agent
    period: month
    target: 3600
    guardrails: [{metric: agent_replies}, {metric: csat}]
  - id: org-fcr
    metric: fcr_rate
    period: quarter
    target: 0.7
  - id: typo
    metric: reopen_rate
    scope: {team: biling}
    from: 2026-10-01
    to: 2026-12-31
    target: 0.1
    guardrails: [repeat_contact_rate]
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def _words(text: str) -> list[str]:
    return text.split()


def _unbroken(text: str) -> str:
    return "".join(text.split())


def test_the_targets_are_listed_with_their_warnings(ticket_workspace: Workspace) -> None:
    (ticket_workspace.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    code, out = _run("targets", "check", "-w", str(ticket_workspace.path))
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    lines = [line.split() for line in out.splitlines()]
    # A long path folds at the terminal's width: compared without the line breaks.
    assert _unbroken(out).startswith(_unbroken(f"3 targets in {ticket_workspace.path / 'targets.yaml'}"))
    assert [
        "billing-frt",
        "first_reply_time",
        "team",
        "billing,",
        "month",
        "median",
        "≤",
        "1.0",
        "h",
    ] in lines
    assert ["org-fcr", "fcr_rate", "everyone", "quarter", "≥", "70.0%"] in lines
    assert ["typo", "reopen_rate", "team", "biling", "2026-10-01", "→", "≤", "10.0%"] in lines
    flat = " ".join(out.split())
    assert (
        "warning: target org-fcr has no guardrails; gaming fcr_rate would worsen full_resolution_time, csat"
        in flat
    )
    assert (
        "target typo: scope: no team biling in the data, so the target has nothing to measure yet; did you "
        "mean billing?" in flat
    )


def test_check_targets_returns_what_the_command_prints(ticket_workspace: Workspace) -> None:
    checked = kpidesk.check_targets(ticket_workspace)
    assert (checked.exists, checked.targets, checked.warnings) == (False, [], [])
    (ticket_workspace.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    checked = kpidesk.check_targets(ticket_workspace)
    assert [t.id for t in checked.targets] == ["billing-frt", "org-fcr", "typo"]
    assert len(checked.warnings) == 2


def test_no_file_and_a_bad_file(ticket_workspace: Workspace) -> None:
    code, out = _run("targets", "check", "-w", str(ticket_workspace.path))
    assert code == 0 and _unbroken(out) == _unbroken(
        f"no targets yet: write {ticket_workspace.path / 'targets.yaml'} (docs/targets.md describes the file)"
    )
    (ticket_workspace.path / "targets.yaml").write_text(
        "targets:\n  - {id: bad, metric: fcr_rate, period: month, target: 1.2}\n", encoding="utf-8"
    )
    code, out = _run("targets", "check", "-w", str(ticket_workspace.path))
    assert code == 2
    assert _unbroken(out) == _unbroken(
        f"error: {ticket_workspace.path / 'targets.yaml'}, line 2, column 48: target bad: target: 1.2 is "
        "impossible for fcr_rate, which lies between 0 and 1"
    )


def test_suggest_prints_the_baseline_the_months_and_the_proposal(target_history: Workspace) -> None:
    code, out = _run(
        "targets", "suggest", "first_reply_time", "--scope", "team=billing", "-w", str(target_history.path)
    )
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert "nan" not in out and "None" not in out
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == _words("first_reply_time (median) · team billing · per month · lower is better")
    # The numbers of tests/targets/test_suggest.py: baseline November to January, 38 min (33–58), n 9.
    assert _words("baseline 2025-11 – 2026-01: 3 complete months, 2025-11-01 → 2026-01-31") in lines
    assert _words("38.0 min, 95% interval 33.0 min – 58.0 min, n 9") in lines
    months = [line for line in lines if len(line) == 4 and line[0][:4] in ("2025", "2026")]
    assert [m[0] for m in months] == [f"2025-{k:02d}" for k in (2, 3, 4, 5, 6, 8, 9, 10, 11, 12)] + [
        "2026-01"
    ]
    assert ["2025-04", "30.0", "min", "3"] in months
    assert _words("attainable 32 min the upper quartile of the 11 months") in lines
    assert _words("stretch 25 min the 90th percentile of the 11 months") in lines
    flat = " ".join(out.split())
    assert (
        "note: 1 month left out with fewer than 3 measured units (the small_sample setting): 2025-07" in flat
    )
    # The command that adopts it, in continuation lines that paste back into a shell as one.
    command = out[out.index("kpidesk targets add") :].replace("\\\n", " ")
    assert " ".join(command.split()) == (
        "kpidesk targets add billing-first_reply_time --metric first_reply_time --stat median "
        "--scope team=billing --period month --target 1920 --stretch 1500"
    )


def test_suggest_without_enough_history_says_so(target_history: Workspace) -> None:
    code, out = _run(
        "targets", "suggest", "first_reply_time", "--scope", "team=billing", "--at", "2025-04-01",
        "-w", str(target_history.path),
    )  # fmt: skip
    assert code == 0, out
    flat = " ".join(out.split())
    assert "47.5 min, 95% interval 35.0 min – 1.2 h, n 6" in flat
    assert "note: only 2 complete months of history; a proposal needs at least 3" in flat
    assert "attainable" not in flat and "targets add" not in flat


def test_suggest_as_json_is_the_suggestion(target_history: Workspace) -> None:
    code, out = _run(
        "targets", "suggest", "first_reply_time", "--scope", "team=support", "--at", "2025-08-01",
        "--as", "json", "-w", str(target_history.path),
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    expected = kpidesk.suggest_target(
        target_history, "first_reply_time", scope={"team": "support"}, at=date(2025, 8, 1)
    )
    assert data == expected.as_dict()
    assert (data["attainable"], data["stretch"]) == (4860.0, 4500.0)
    assert data["baseline"]["start"] == "2025-05-01" and data["baseline"]["n"] == 9
    assert [p["period"] for p in data["periods"]] == [
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]
    assert data["add_command"].endswith("--scope team=support --period month --target 4860 --stretch 4500")


def test_suggest_refuses_what_it_cannot_answer(target_history: Workspace) -> None:
    ws = str(target_history.path)
    code, out = _run("targets", "suggest", "first_reply_time", "--scope", "team=biling", "-w", ws)
    assert code == 2 and "no team biling in the data of first_reply_time; did you mean billing?" in out
    code, out = _run("targets", "suggest", "volume", "-w", ws)
    assert code == 2 and "volume is neutral in the catalogue" in " ".join(out.split())
    code, out = _run("targets", "suggest", "first_reply_time", "--scope", "team", "-w", ws)
    assert code == 2 and "expected DIM=VALUE such as team=billing, got 'team'" in out
    code, out = _run("targets", "suggest", "first_reply_tme", "-w", ws)
    assert code == 2 and "unknown metric first_reply_tme; did you mean first_reply_time?" in out
