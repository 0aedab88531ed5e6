"""`kpidesk targets check` end to end at 80 columns, on the hand-worked helpdesk (teams billing and
support), and `kpidesk.check_targets`, which it prints."""

from __future__ import annotations

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
