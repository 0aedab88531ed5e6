"""Target alerts on the demo workspace: a row at risk or off track, and a breached guardrail, each one
alert, resolved when the row leaves that state; each notice carries the row's numbers as
`kpidesk.targets_status` gives them."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

import kpidesk
from kpidesk.workspace import Workspace, open_workspace


@pytest.fixture(scope="module")
def demo(medium_demo_template: Path) -> Path:
    return medium_demo_template


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Workspace:
    folder = tmp_path / "demo"
    shutil.copytree(demo, folder)
    (folder / "reports.yaml").write_text(
        "alerts:\n  - {name: targets, kind: targets, email: [leads@example.com]}\n", encoding="utf-8"
    )
    return open_workspace(folder)


def _expected(ws: Workspace, day: date) -> dict[tuple[str, str], dict]:
    frame = kpidesk.targets_status(ws, at=day)
    rows = frame.to_dict(orient="records")
    out = {
        (f"target {r['target_id']}", r["status"]): r for r in rows if r["status"] in ("at_risk", "off_track")
    }
    out.update({(f"target {r['target_id']}", "guardrail_breach"): r for r in rows if r["guardrail_breach"]})
    return out


def test_targets_at_risk_off_track_and_breached_guardrails_are_alerts(workspace: Workspace) -> None:
    from kpidesk.alerts import check_alerts

    # Just after midnight on 16 February 2026: status as of the end of the 15th.
    first = check_alerts(workspace, at=datetime(2026, 2, 16, 0, 5))
    expected = _expected(workspace, date(2026, 2, 15))
    assert ("target technical-solved", "guardrail_breach") in expected
    assert {(e.subject, e.key) for e in first.raised} == set(expected)
    for event in first.raised:
        row = expected[(event.subject, event.key)]
        records = event.body["records"]
        assert event.body["value"] == row["value"] and records["n"] == row["n"]
        assert records["target"] == row["target"] and records["status"] == row["status"]
        assert (records["ci_low"], records["ci_high"]) == (row["ci_low"], row["ci_high"])
        assert (records["projected"], records["projected_low"]) == (row["projected"], row["projected_low"])
        assert event.body["window_start"] == row["period_start"].isoformat()
        breached = [g for g in row["guardrails"] if g["breached"]]
        assert [g["metric"] for g in records["guardrails_breached"]] == [g["metric"] for g in breached]
        # A guardrail breach is a breached guardrail of a target that improved (docs/targets.md).
        assert bool(breached) or event.key != "guardrail_breach"
    # A week later: the alerts whose row left its state are resolved, new ones raised, the rest stay.
    later = check_alerts(workspace, at=datetime(2026, 2, 23, 0, 5))
    now = _expected(workspace, date(2026, 2, 22))
    assert {(e.subject, e.key) for e in later.resolved} == set(expected) - set(now)
    assert {(e.subject, e.key) for e in later.raised} == set(now) - set(expected)
    assert {(e.subject, e.key) for e in later.open} == set(now)
    assert ("target technical-solved", "guardrail_breach") not in now
    resolved = {(e.subject, e.key): e.body for e in later.resolved}
    body = resolved[("target technical-solved", "guardrail_breach")]
    (row,) = [
        r
        for r in kpidesk.targets_status(workspace, at=date(2026, 2, 22)).to_dict(orient="records")
        if r["target_id"] == "technical-solved"
    ]
    assert body["event"] == "resolved" and not row["guardrail_breach"]
    assert body["records"]["status"] == row["status"] and body["value"] == row["value"]
    # Every raised and resolved alert has its e-mail notice waiting (no mail server in this test).
    from kpidesk.alerts import AlertStore

    notices = AlertStore.of_workspace(workspace.path).notices()
    assert sorted((n.event, n.channel) for n in notices) == sorted(
        [("raised", "email")] * (len(first.raised) + len(later.raised))
        + [("resolved", "email")] * len(later.resolved)
    )
