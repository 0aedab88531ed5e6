"""The history of a target (kpidesk/targets/_history.py): one row per version, in the order they apply."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kpidesk.targets import Guardrail, TargetError, target_history


def test_every_version_with_who_changed_what_and_why(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "targets:\n"
        "  - id: org-fcr\n    metric: fcr_rate\n    period: month\n    target: 0.7\n"
        "    changes:\n"
        "      - {effective: 2026-11-01, by: lee, reason: a stretch, stretch: 0.85, guardrails: [csat]}\n"
        "      - effective: 2026-10-01\n"
        "        by: dana\n"
        "        reason: new CRM\n"
        "        recorded: 2026-09-20T08:30:00Z\n"
        "        target: 0.75\n",
        encoding="utf-8",
    )
    rows = [
        (
            v.effective,
            v.by,
            v.reason,
            v.recorded,
            v.changed,
            v.target.target,
            v.target.stretch,
            v.target.guardrails,
        )
        for v in target_history(path, "org-fcr")
    ]
    assert rows == [
        (None, None, None, None, (), 0.7, None, ()),
        (
            date(2026, 10, 1),
            "dana",
            "new CRM",
            datetime(2026, 9, 20, 8, 30, tzinfo=UTC),
            ("target",),
            0.75,
            None,
            (),
        ),
        (
            date(2026, 11, 1),
            "lee",
            "a stretch",
            None,
            ("stretch", "guardrails"),
            0.75,
            0.85,
            (Guardrail("csat"),),
        ),
    ]


def test_an_unknown_target_names_the_close_ones(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "targets:\n  - {id: org-fcr, metric: fcr_rate, period: month, target: 0.7}\n", encoding="utf-8"
    )
    with pytest.raises(TargetError, match=r"no target org_fcr; did you mean org-fcr\?$"):
        target_history(path, "org_fcr")
    with pytest.raises(TargetError, match=r"no target org-fcr: the file has no targets yet$"):
        target_history(tmp_path / "absent.yaml", "org-fcr")
