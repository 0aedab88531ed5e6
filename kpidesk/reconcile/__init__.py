"""Reconcile: a source's own figures (resolution times, reopens, waits…) against what kpidesk derives."""

from kpidesk.reconcile._comparisons import COMPARISONS, OUTCOMES, Comparison, Reason, comparison
from kpidesk.reconcile._reconcile import UNIT_COLUMNS, Reconciliation, reconcile_figures

__all__ = [
    "COMPARISONS",
    "OUTCOMES",
    "UNIT_COLUMNS",
    "Comparison",
    "Reason",
    "Reconciliation",
    "comparison",
    "reconcile_figures",
]
