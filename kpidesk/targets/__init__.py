"""Targets: what a metric should reach, for whom and by when, with the guardrails it must not break.

`targets.yaml` in a workspace holds them (see docs/targets.md); `read_targets` reads and checks it.
"""

from kpidesk.targets._file import (
    DIRECTIONS,
    TARGET_PERIODS,
    TARGETS_FILE,
    Guardrail,
    Target,
    TargetError,
    parse_targets,
    read_targets,
)

__all__ = [
    "DIRECTIONS",
    "TARGETS_FILE",
    "TARGET_PERIODS",
    "Guardrail",
    "Target",
    "TargetError",
    "parse_targets",
    "read_targets",
]
