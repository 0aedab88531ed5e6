"""A workspace's target file checked against the catalogue and against its data: what `kpidesk targets
check` prints."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kpidesk.targets._file import Target, read_targets, scope_warnings
from kpidesk.targets._guardrails import unguarded_warnings

__all__ = ["TargetCheck", "check_target_file"]


@dataclass(frozen=True)
class TargetCheck:
    """The targets of a file, and what to look at before relying on them (none of it stops a target)."""

    path: Path
    exists: bool
    targets: list[Target]
    warnings: list[str]


def check_target_file(
    path: Path, values_of: Callable[[str], Collection[str]], *, on: date | None = None
) -> TargetCheck:
    """Read the file at `path` (a `TargetError` when it cannot be used) and warn about targets without
    guardrails and scopes the data does not hold; `values_of(dimension)` gives the data's values. With
    `on`, each target is the one in force on that day, and so are its warnings."""
    targets = [target.as_of(on) if on else target for target in read_targets(path)]
    warnings = [*unguarded_warnings(targets), *scope_warnings(targets, values_of)]
    return TargetCheck(path, path.exists(), targets, warnings)
