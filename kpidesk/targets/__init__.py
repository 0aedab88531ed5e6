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
from kpidesk.targets._status import (
    BASELINE_PERIODS,
    STATUS_COLUMNS,
    STATUSES,
    Agent,
    ErrorBudget,
    error_budget,
    target_status,
)

__all__ = [
    "BASELINE_PERIODS",
    "COUNTER_METRICS",
    "DIRECTIONS",
    "STATUSES",
    "STATUS_COLUMNS",
    "TARGETS_FILE",
    "TARGET_PERIODS",
    "Agent",
    "CounterMetric",
    "ErrorBudget",
    "Guardrail",
    "Target",
    "TargetCheck",
    "TargetError",
    "check_target_file",
    "counter_metrics",
    "error_budget",
    "parse_targets",
    "read_targets",
    "scope_warnings",
    "target_status",
    "unguarded_warnings",
]
