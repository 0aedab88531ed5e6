"""Targets: what a metric should reach, for whom and by when, with the guardrails it must not break.

`targets.yaml` in a workspace holds them (see docs/targets.md); `read_targets` reads and checks it,
`add_target` and `set_target` write a target or a change of one, `target_history` lists its versions;
`suggest_target` proposes a baseline and a target from a scope's own history.
"""

from kpidesk.targets._check import TargetCheck, check_target_file
from kpidesk.targets._file import (
    CHANGEABLE_KEYS,
    DIRECTIONS,
    FIXED_KEYS,
    TARGET_PERIODS,
    TARGETS_FILE,
    Guardrail,
    Target,
    TargetChange,
    TargetError,
    find_target,
    parse_targets,
    read_targets,
    scope_warnings,
    targets_of,
)
from kpidesk.targets._guardrails import COUNTER_METRICS, CounterMetric, counter_metrics, unguarded_warnings
from kpidesk.targets._history import TargetVersion, target_history
from kpidesk.targets._status import (
    BASELINE_PERIODS,
    STATUS_COLUMNS,
    STATUSES,
    Agent,
    ErrorBudget,
    error_budget,
    target_status,
)
from kpidesk.targets._suggest import Baseline, PeriodValue, Suggestion, period_label, suggest_target
from kpidesk.targets._write import add_target, set_target

__all__ = [
    "BASELINE_PERIODS",
    "CHANGEABLE_KEYS",
    "COUNTER_METRICS",
    "DIRECTIONS",
    "FIXED_KEYS",
    "STATUSES",
    "STATUS_COLUMNS",
    "TARGETS_FILE",
    "TARGET_PERIODS",
    "Agent",
    "Baseline",
    "CounterMetric",
    "ErrorBudget",
    "Guardrail",
    "PeriodValue",
    "Suggestion",
    "Target",
    "TargetChange",
    "TargetCheck",
    "TargetError",
    "TargetVersion",
    "add_target",
    "check_target_file",
    "counter_metrics",
    "error_budget",
    "find_target",
    "parse_targets",
    "period_label",
    "read_targets",
    "scope_warnings",
    "set_target",
    "suggest_target",
    "target_history",
    "target_status",
    "targets_of",
    "unguarded_warnings",
]
