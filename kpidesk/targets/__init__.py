"""Targets: what a metric should reach, for whom and by when, with the guardrails it must not break.

`targets.yaml` in a workspace holds them (see docs/targets.md); `read_targets` reads and checks it.
`suggest_target` proposes a baseline and a target from a scope's own history.
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
from kpidesk.targets._suggest import Baseline, PeriodValue, Suggestion, period_label, suggest_target

__all__ = [
    "COUNTER_METRICS",
    "DIRECTIONS",
    "TARGETS_FILE",
    "TARGET_PERIODS",
    "Baseline",
    "CounterMetric",
    "Guardrail",
    "PeriodValue",
    "Suggestion",
    "Target",
    "TargetCheck",
    "TargetError",
    "check_target_file",
    "counter_metrics",
    "parse_targets",
    "period_label",
    "read_targets",
    "scope_warnings",
    "suggest_target",
    "unguarded_warnings",
]
