"""Targets: what a metric should reach, for whom and by when, with the guardrails it must not break.

`targets.yaml` in a workspace holds them (see docs/targets.md); `read_targets` reads and checks it.
"""

from kpidesk.targets._check import TargetCheck, check_target_file
from kpidesk.targets._file import (
    DIRECTIONS,
    TARGET_PERIODS,
    TARGETS_FILE,
    Guardrail,
    Target,
    TargetError,
    parse_targets,
    read_targets,
    scope_warnings,
)
from kpidesk.targets._guardrails import COUNTER_METRICS, CounterMetric, counter_metrics, unguarded_warnings

__all__ = [
    "COUNTER_METRICS",
    "DIRECTIONS",
    "TARGETS_FILE",
    "TARGET_PERIODS",
    "CounterMetric",
    "Guardrail",
    "Target",
    "TargetCheck",
    "TargetError",
    "check_target_file",
    "counter_metrics",
    "parse_targets",
    "read_targets",
    "scope_warnings",
    "unguarded_warnings",
]
