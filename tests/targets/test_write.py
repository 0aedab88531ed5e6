"""Writing the target file (kpidesk/targets/_write.py): a new target or a change is inserted into the text
as written, every other byte kept; nothing invalid is ever written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kpidesk.targets import TargetError, add_target, read_targets, set_target

#: A manager's file: comments everywhere, quoting and key order of their own.
WRITTEN = (
    "# Targets of the support floor; ask Dana before changing them.\n"
    "targets:\n"
    "  # First contact resolution, agreed in the Q3 review\n"
    "  - id: org-fcr\n"
    "    metric: 'fcr_rate'   # quoted on purpose\n"
    "    period: month\n"
    "    target: 0.7\n"
    "    stretch: 0.8\n"
    "\n"
    "  # Billing answers within an hour\n"
    "  - id: billing-frt\n"
    "    metric: first_reply_time\n"
    "    scope: {team: billing}\n"
    "    period: month\n"
    "    target: 3600   # seconds\n"
    "# end of file: nothing below\n"
)
RECORDED = datetime(2026, 9, 20, 8, 30, tzinfo=UTC)


def _file(tmp_path: Path, text: str = WRITTEN) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_change_is_inserted_after_the_target_it_changes(tmp_path: Path) -> None:
    path = _file(tmp_path)
    target = set_target(
        path,
        "org-fcr",
        {"target": 0.75},
        effective=date(2026, 10, 1),
        by="dana",
        reason="new CRM",
        recorded=RECORDED,
    )
    inserted = (
        "    changes:\n"
        "      - effective: 2026-10-01\n"
        "        by: dana\n"
        "        reason: new CRM\n"
        "        recorded: 2026-09-20T08:30:00+00:00\n"
        "        target: 0.75\n"
    )
    at = WRITTEN.index("    stretch: 0.8\n") + len("    stretch: 0.8\n")
    assert path.read_text(encoding="utf-8") == WRITTEN[:at] + inserted + WRITTEN[at:]
    assert (target.target, target.as_of(date(2026, 10, 1)).target) == (0.7, 0.75)
    # A second change goes after the first, in the list the first one started.
    set_target(
        path,
        "org-fcr",
        {"stretch": 0.9, "guardrails": ["csat"]},
        effective=date(2026, 11, 1),
        by="lee",
        reason="a: stretch, with csat",
        recorded=RECORDED,
    )
    second = (
        "      - effective: 2026-11-01\n"
        "        by: lee\n"
        "        reason: 'a: stretch, with csat'\n"
        "        recorded: 2026-09-20T08:30:00+00:00\n"
        "        stretch: 0.9\n"
        "        guardrails: [{metric: csat}]\n"
    )
    assert path.read_text(encoding="utf-8") == WRITTEN[:at] + inserted + second + WRITTEN[at:]
    (fcr, _) = read_targets(path)
    assert [c.reason for c in fcr.changes] == ["new CRM", "a: stretch, with csat"]


def test_a_target_is_appended_after_the_last_one(tmp_path: Path) -> None:
    path = _file(tmp_path)
    added = add_target(
        path,
        {
            "target": 0.1,
            "id": "reopen",
            "metric": "reopen_rate",
            "period": "quarter",
            "guardrails": ["repeat_contact_rate"],
            "owner": None,
            "description": "Fewer tickets back: yes, really",
        },
    )
    inserted = (
        "  - id: reopen\n"
        "    metric: reopen_rate\n"
        "    period: quarter\n"
        "    target: 0.1\n"
        "    guardrails: [{metric: repeat_contact_rate}]\n"
        "    description: 'Fewer tickets back: yes, really'\n"
    )
    # After the last target's last line (its comment included), before the comment that follows it.
    at = WRITTEN.index("# end of file")
    assert path.read_text(encoding="utf-8") == WRITTEN[:at] + inserted + WRITTEN[at:]
    assert (added.id, added.target, added.direction, added.origin) == (
        "reopen",
        0.1,
        "lower",
        f"{path}, line 16",
    )


def test_a_missing_file_is_created_and_a_comment_only_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    add_target(path, {"id": "t1", "metric": "csat", "period": "month", "target": 0.8})
    assert path.read_text(encoding="utf-8") == (
        "targets:\n  - id: t1\n    metric: csat\n    period: month\n    target: 0.8\n"
    )
    path.write_text("# nothing yet", encoding="utf-8")
    add_target(path, {"id": "t1", "metric": "csat", "period": "month", "target": 0.8})
    assert path.read_text(encoding="utf-8") == (
        "# nothing yet\ntargets:\n  - id: t1\n    metric: csat\n    period: month\n    target: 0.8\n"
    )
    path.write_text("targets: ~  # none yet\n", encoding="utf-8")
    add_target(path, {"id": "t1", "metric": "csat", "period": "month", "target": 0.8, "description": "a\nb"})
    assert path.read_text(encoding="utf-8") == (
        "targets:   # none yet\n"
        '  - id: t1\n    metric: csat\n    period: month\n    target: 0.8\n    description: "a\\nb"\n'
    )
    assert read_targets(path)[0].description == "a\nb"


def test_flow_style_crlf_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_bytes(
        b"\xef\xbb\xbf# flow\r\ntargets: [{id: a, metric: fcr_rate, period: month, target: 0.5}]  # end\r\n"
    )
    set_target(path, "a", {"target": 0.6}, effective=date(2026, 10, 1), by="x", reason="y", recorded=RECORDED)
    add_target(path, {"id": "b", "metric": "csat", "period": "month", "target": 0.8})
    assert path.read_bytes() == (
        b"\xef\xbb\xbf# flow\r\ntargets: [{id: a, metric: fcr_rate, period: month, target: 0.5, changes: "
        b"[{effective: 2026-10-01, by: x, reason: y, recorded: 2026-09-20T08:30:00+00:00, target: 0.6}]}, "
        b"{id: b, metric: csat, period: month, target: 0.8}]  # end\r\n"
    )


def _refused(path: Path, **kwargs: object) -> str:
    before = path.read_bytes()
    arguments: dict = {"effective": date(2026, 10, 1), "by": "dana", "reason": "new CRM", **kwargs}
    target_id = arguments.pop("target_id", "org-fcr")
    values = arguments.pop("values")
    with pytest.raises(TargetError) as caught:
        set_target(path, target_id, values, **arguments)
    assert path.read_bytes() == before  # nothing written
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file left
    return str(caught.value)


def test_an_invalid_change_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = _file(tmp_path)
    assert _refused(path, values={"target": 1.5}) == (
        f"{path} not changed: target org-fcr: target: 1.5 is impossible for fcr_rate, which lies between 0 "
        "and 1"
    )
    assert _refused(path, values={"target": 0.9}) == (
        f"{path} not changed: target org-fcr: stretch: 0.8 is less ambitious than the target 0.9; with "
        "direction higher the stretch is at least the target (in the version effective 2026-10-01)"
    )
    assert _refused(path, values={"metric": "csat"}) == (
        f"{path}: target org-fcr: metric: cannot be changed: another metric makes another target; add it "
        "with its own id"
    )
    assert _refused(path, values={"colour": "red"}) == (
        f"{path}: target org-fcr: colour: not a key a change sets (target, stretch, guardrails, scope, per, "
        "min_n, owner, description)"
    )
    assert _refused(path, values={"target": 0.7}) == (
        f"{path}: target org-fcr: the change changes nothing: from 2026-10-01 it already has target 0.7"
    )
    assert _refused(path, values={"target": None}) == (
        f"{path}: target org-fcr: nothing to change; give a new "
        "target/stretch/guardrails/scope/per/min_n/owner/description"
    )
    assert _refused(path, values={"target": 0.75}, reason="  ") == (
        f"{path}: target org-fcr: a change needs a reason; say why the target changes"
    )
    assert _refused(path, values={"target": 0.75}, target_id="org-fc") == (
        f"{path}: no target org-fc; did you mean org-fcr?"
    )
    assert _refused(path, values={"target": 0.75}, target_id="nps") == (
        f"{path}: no target nps; the targets are org-fcr, billing-frt"
    )


def test_an_invalid_or_duplicate_target_is_not_added(tmp_path: Path) -> None:
    path = _file(tmp_path)
    with pytest.raises(TargetError) as caught:
        add_target(path, {"id": "org-fcr", "metric": "csat", "period": "month", "target": 0.8})
    assert str(caught.value) == (
        f"{path}: a target org-fcr already exists; change it with `kpidesk targets set`"
    )
    with pytest.raises(TargetError) as caught:
        add_target(path, {"id": "new", "metric": "csta", "period": "month", "target": 0.8})
    assert (
        str(caught.value)
        == f"{path} not changed: target new: metric: unknown metric csta; did you mean csat?"
    )
    assert path.read_text(encoding="utf-8") == WRITTEN


def test_a_change_in_the_past_applies_before_a_later_one(tmp_path: Path) -> None:
    path = _file(tmp_path)
    set_target(path, "billing-frt", {"target": 3000}, effective=date(2026, 11, 1), by="a", reason="faster")
    target = set_target(
        path, "billing-frt", {"target": 3300}, effective=date(2026, 10, 1), by="b", reason="first step"
    )
    # Written second, applies first: each day gets the version of its time.
    assert [c.reason for c in target.changes] == ["first step", "faster"]
    thresholds = {
        day: target.as_of(date.fromisoformat(day)).target
        for day in ("2026-09-30", "2026-10-01", "2026-10-31", "2026-11-01", "2027-01-01")
    }
    assert thresholds == {
        "2026-09-30": 3600.0,
        "2026-10-01": 3300.0,
        "2026-10-31": 3300.0,
        "2026-11-01": 3000.0,
        "2027-01-01": 3000.0,
    }
