"""The history of a target: every version, from the one first set, with who changed what, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kpidesk.targets._file import Target, find_target, read_targets

__all__ = ["TargetVersion", "target_history"]


@dataclass(frozen=True)
class TargetVersion:
    """One version of a target: `effective` None (and no author or reason) for the one first set;
    `changed` the keys the change sets, `target` the target in force from `effective` on."""

    effective: date | None
    by: str | None
    reason: str | None
    recorded: datetime | None
    changed: tuple[str, ...]
    target: Target


def target_history(path: str | Path, target_id: str) -> list[TargetVersion]:
    """The versions of target `target_id` of the file at `path`, in the order they apply."""
    target = find_target(read_targets(path), target_id, str(path))
    return [
        TargetVersion(None, None, None, None, (), version)
        if change is None
        else TargetVersion(
            change.effective, change.by, change.reason, change.recorded, tuple(change.values), version
        )
        for change, version in target.versions()
    ]
