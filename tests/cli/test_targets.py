"""`kpidesk targets check`, `add`, `set` and `history` end to end at 80 columns, on the hand-worked
helpdesk (teams billing and support), and the `kpidesk` functions they print; `kpidesk targets suggest`
on the hand-made history of tests/target_history_fixture.py, and `kpidesk.suggest_target`."""

from __future__ import annotations

import json
import shlex
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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


# --- targets add / set / history ------------------------------------------------------------------


def test_add_writes_a_target_and_warns_like_check(ticket_workspace: Workspace) -> None:
    path = ticket_workspace.path / "targets.yaml"
    path.write_text("# our targets\ntargets:\n", encoding="utf-8")
    code, out = _run(
        "targets",
        "add",
        "-w",
        str(ticket_workspace.path),
        "--id",
        "billing-frt",
        "--metric",
        "first_reply_time",
        "--target",
        "3600",
        "--business-hours",
        "--scope",
        "team=billing",
        "--per",
        "agent",
        "--owner",
        "dana",
    )
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert _unbroken(out) == _unbroken(
        f"added billing-frt to {path}: first_reply_time, team billing, per agent, month, median ≤ 1.0 h\n"
        "warning: target billing-frt has no guardrails; gaming first_reply_time would worsen agent_replies, "
        "csat (add `guardrails: [{metric: agent_replies}, {metric: csat}]`)"
    )
    assert path.read_text(encoding="utf-8") == (
        "# our targets\ntargets:\n"
        "  - id: billing-frt\n    metric: first_reply_time\n    business_hours: true\n"
        "    scope: {team: billing}\n    per: agent\n    period: month\n    target: 3600.0\n    owner: dana\n"
    )
    code, out = _run(
        "targets",
        "add",
        "-w",
        str(ticket_workspace.path),
        "--id",
        "q4",
        "--metric",
        "reopen_rate",
        "--target",
        "0.1",
        "--from",
        "2026-10-01",
        "--to",
        "2026-12-31",
        "--scope",
        "team=biling",
        "--guardrail",
        "repeat_contact_rate",
    )
    assert code == 0, out
    flat = " ".join(out.split())
    assert "reopen_rate, team biling, 2026-10-01 → 2026-12-31, ≤ 10.0%" in flat
    assert (
        "scope: no team biling in the data, so the target has nothing to measure yet; did you mean billing?"
        in flat
    )
    code, out = _run(
        "targets",
        "add",
        "-w",
        str(ticket_workspace.path),
        "--id",
        "bad",
        "--metric",
        "csat",
        "--target",
        "0.9",
        "--scope",
        "team",
    )
    assert code == 2 and "expected DIMENSION=VALUE such as team=billing, got 'team'" in out


def test_set_keeps_the_change_and_history_lists_every_version(ticket_workspace: Workspace) -> None:
    (ticket_workspace.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    ws = str(ticket_workspace.path)
    code, out = _run(
        "targets",
        "set",
        "org-fcr",
        "-w",
        ws,
        "--target",
        "0.75",
        "--effective",
        "2026-10-01",
        "--reason",
        "new CRM",
        "--by",
        "dana",
    )
    assert code == 0, out
    assert [line.split() for line in out.splitlines()] == [
        ["changed", "org-fcr", "from", "2026-10-01,", "by", "dana:", "new", "CRM"],
        ["key", "was", "now"],
        ["─" * 20],
        ["target", "70.0%", "75.0%"],
    ]
    # Without --by, the login name; a stretch and guardrails from November.
    result = CliRunner().invoke(
        main,
        [
            "targets",
            "set",
            "org-fcr",
            "-w",
            ws,
            "--stretch",
            "0.8",
            "--guardrail",
            "csat",
            "--guardrail",
            "full_resolution_time",
            "--effective",
            "2026-11-01",
            "--reason",
            "a stretch",
        ],
        env={"COLUMNS": "80", "LOGNAME": "robin", "USER": "robin"},
    )
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["changed", "org-fcr", "from", "2026-11-01,", "by", "robin:", "a", "stretch"]
    assert lines[3:] == [
        ["stretch", "none", "80.0%"],
        ["guardrails", "none", "csat,", "full_resolution_time"],
    ]
    # A change in the past, before the one of October: it applies until October only.
    code, out = _run(
        "targets",
        "set",
        "org-fcr",
        "-w",
        ws,
        "--target",
        "0.72",
        "--effective",
        "2026-07-01",
        "--reason",
        "first step",
        "--by",
        "lee",
    )
    assert code == 0, out
    assert "note: the change from 2026-10-01" in out and "sets target again" in " ".join(out.split())

    code, out = _run("targets", "history", "org-fcr", "-w", ws)
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert [line.split() for line in out.splitlines()] == [
        ["org-fcr:", "fcr_rate,", "everyone,", "quarter"],
        ["from", "by", "reason", "target", "stretch", "also", "changed"],
        ["─" * 80],
        ["first", "set", "≥", "70.0%"],
        ["2026-07-01", "lee", "first", "step", "≥", "72.0%"],
        ["2026-10-01", "dana", "new", "CRM", "≥", "75.0%"],
        ["2026-11-01", "robin", "a", "stretch", "≥", "75.0%", "80.0%", "guardrails", "csat,"],
        ["full_resolution_time"],
    ]
    code, out = _run("targets", "history", "org-fcr", "-w", ws, "--as", "csv")
    assert code == 0, out
    rows = [line.split(",") for line in out.splitlines()]
    assert rows[0] == [
        "effective",
        "by",
        "reason",
        "recorded",
        "changed",
        "target",
        "stretch",
        "guardrails",
        "scope",
        "per",
        "min_n",
        "owner",
        "description",
    ]
    assert [r[:3] + r[4:8] for r in rows[1:]] == [
        ["", "", "", "", "0.7", "", ""],
        ["2026-07-01", "lee", "first step", "target", "0.72", "", ""],
        ["2026-10-01", "dana", "new CRM", "target", "0.75", "", ""],
        [
            "2026-11-01",
            "robin",
            "a stretch",
            "stretch guardrails",
            "0.75",
            "0.8",
            "csat full_resolution_time",
        ],
    ]
    code, out = _run("targets", "history", "org-fcr", "-w", ws, "--as", "json")
    assert code == 0, out
    records = json.loads(out)
    assert [(r["effective"], r["target"], r["stretch"], r["changed"]) for r in records] == [
        (None, 0.7, None, []),
        ("2026-07-01", 0.72, None, ["target"]),
        ("2026-10-01", 0.75, None, ["target"]),
        ("2026-11-01", 0.75, 0.8, ["stretch", "guardrails"]),
    ]
    history = kpidesk.target_history(ticket_workspace, "org-fcr")
    assert [v.target.target for v in history] == [r["target"] for r in records]


def test_set_refuses_what_it_must_not_keep(ticket_workspace: Workspace) -> None:
    path = ticket_workspace.path / "targets.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    ws = str(ticket_workspace.path)
    code, out = _run("targets", "set", "org-fcr", "-w", ws, "--target", "0.8")
    assert code == 2 and "Missing option '--reason'" in out
    code, out = _run("targets", "set", "org-fcr", "-w", ws, "--target", "1.5", "--reason", "x")
    assert code == 2
    assert _unbroken(out) == _unbroken(
        f"error: {path} not changed: target org-fcr: target: 1.5 is impossible for fcr_rate, which lies "
        "between 0 and 1"
    )
    code, out = _run("targets", "set", "org-fr", "-w", ws, "--target", "0.8", "--reason", "x")
    assert code == 2 and _unbroken(out) == _unbroken(
        f"error: {path}: no target org-fr; did you mean org-fcr?"
    )
    code, out = _run(
        "targets", "set", "org-fcr", "-w", ws, "--target", "0.7", "--reason", "x", "--effective", "2026-10-01"
    )
    assert code == 2 and "the change changes nothing: from 2026-10-01 it already has target 0.7" in " ".join(
        out.split()
    )
    code, out = _run("targets", "history", "nope", "-w", ws)
    assert code == 2 and "no target nope; the targets are billing-frt, org-fcr, typo" in " ".join(out.split())
    assert path.read_text(encoding="utf-8") == TARGETS


def test_the_api_defaults_and_check_lists_the_target_of_today(ticket_workspace: Workspace) -> None:
    (ticket_workspace.path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    today = datetime.now(ZoneInfo(ticket_workspace.settings.timezone)).date()
    changed = kpidesk.set_target(ticket_workspace, "org-fcr", target=0.8, reason="new CRM", by="dana")
    (change,) = changed.changes
    assert (change.effective, change.by, change.values) == (today, "dana", {"target": 0.8})
    kpidesk.set_target(
        ticket_workspace,
        "org-fcr",
        target=0.9,
        reason="later",
        by="dana",
        effective=today + timedelta(days=1),
    )
    # As it stands today: the change of today, not the one of tomorrow nor the one first set.
    checked = kpidesk.check_targets(ticket_workspace)
    assert [t.target for t in checked.targets if t.id == "org-fcr"] == [0.8]
    code, out = _run("targets", "check", "-w", str(ticket_workspace.path))
    assert code == 0, out
    assert ["org-fcr", "fcr_rate", "everyone", "quarter", "≥", "80.0%"] in [
        line.split() for line in out.splitlines()
    ]
    added = kpidesk.add_target(
        ticket_workspace, "csat-q", "csat", 0.85, period="quarter", guardrails=["survey_response_rate"]
    )
    assert ([t.id for t in added.targets], added.warnings) == (["csat-q"], [])


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
        "kpidesk targets add --id billing-first_reply_time --metric first_reply_time --stat median "
        "--scope team=billing --period month --target 1920 --stretch 1500 --guardrail agent_replies "
        "--guardrail csat"
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
    assert data["add_command"].endswith(
        "--scope team=support --period month --target 4860 --stretch 4500 --guardrail agent_replies "
        "--guardrail csat"
    )


def test_suggest_refuses_what_it_cannot_answer(target_history: Workspace) -> None:
    ws = str(target_history.path)
    code, out = _run("targets", "suggest", "first_reply_time", "--scope", "team=biling", "-w", ws)
    assert code == 2 and "no team biling in the data of first_reply_time; did you mean billing?" in out
    code, out = _run("targets", "suggest", "volume", "-w", ws)
    assert code == 2 and "volume is neutral in the catalogue" in " ".join(out.split())
    code, out = _run("targets", "suggest", "first_reply_time", "--scope", "team", "-w", ws)
    assert code == 2 and "expected DIMENSION=VALUE such as team=billing, got 'team'" in out
    code, out = _run("targets", "suggest", "first_reply_tme", "-w", ws)
    assert code == 2 and "unknown metric first_reply_tme; did you mean first_reply_time?" in out


def test_the_printed_command_adds_the_suggested_target(target_history: Workspace, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(target_history.path, ws)
    code, out = _run("targets", "suggest", "first_reply_time", "--scope", "team=billing", "-w", str(ws))
    assert code == 0, out
    # The shell joins continuation lines: a backslash before a line break is removed with it.
    words = shlex.split(out[out.index("kpidesk targets add") :].replace("\\\n", ""))
    code, out = _run(*words[1:], "-w", str(ws))
    assert code == 0, out
    (added,) = kpidesk.check_targets(ws).targets
    assert (added.id, added.metric, added.stat, dict(added.scope), added.period) == (
        "billing-first_reply_time",
        "first_reply_time",
        "median",
        {"team": "billing"},
        "month",
    )
    assert (added.target, added.stretch, [g.metric for g in added.guardrails]) == (
        1920.0,
        1500.0,
        ["agent_replies", "csat"],
    )
