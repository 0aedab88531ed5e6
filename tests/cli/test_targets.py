"""`kpidesk targets check` end to end at 80 columns, on the hand-worked helpdesk (teams billing and
support), and `kpidesk.check_targets`, which it prints."""

from __future__ import annotations

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


def test_status_fits_80_columns_and_names_every_target(small_demo: Workspace) -> None:
    import kpidesk

    code, out = _run("targets", "status", "-w", str(small_demo.path))
    assert code == 0, out
    assert all(len(line) <= 80 for line in out.splitlines()), out
    frame = kpidesk.targets_status(small_demo)
    assert out.startswith(f"Targets as of the end of {frame['at'].iloc[0]}")
    for target_id in frame.target_id.unique():
        assert target_id in out
    words = {"met", "missed", "on track", "at risk", "off track", "too few", "not started"}
    assert sum(1 for line in out.splitlines() if any(w in line for w in words)) >= len(frame)
    assert "nan" not in out and "None" not in out


def test_status_as_json_and_csv_hold_every_row_and_column(small_demo: Workspace) -> None:
    import csv
    import io
    import json

    import kpidesk
    from kpidesk.targets import STATUS_COLUMNS, STATUSES

    frame = kpidesk.targets_status(small_demo, at=date(2026, 3, 31))
    code, out = _run("targets", "status", "--at", "2026-03-31", "--as", "json", "-w", str(small_demo.path))
    assert code == 0, out
    rows = json.loads(out)
    assert len(rows) == len(frame) and set(STATUS_COLUMNS) <= set(rows[0])
    assert all(r["status"] in STATUSES and r["at"] == "2026-03-31" for r in rows)
    assert all(isinstance(r["guardrails"], list) for r in rows)
    code, out = _run("targets", "status", "--at", "2026-03-31", "--as", "csv", "-w", str(small_demo.path))
    assert code == 0, out
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["target_id"] for r in table] == list(frame.target_id)
    assert json.loads(table[0]["guardrails"])[0]["metric"] == frame.guardrails.iloc[0][0]["metric"]


def test_status_refuses_a_date_that_is_not_one(small_demo: Workspace) -> None:
    code, out = _run("targets", "status", "--at", "2026-02-30", "-w", str(small_demo.path))
    assert code == 2 and "expected a date as YYYY-MM-DD" in out
