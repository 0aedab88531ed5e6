"""KPI results for a query: one period's results, or with `query.compare` each beside an earlier period's."""

from __future__ import annotations

import pandas as pd

from kpidesk.metrics._compare import compare_kpis
from kpidesk.metrics._compute import KpiQuery, compute_results
from kpidesk.metrics._tables import KpiTables
from kpidesk.workspace import Settings

__all__ = ["compute_kpis"]


def compute_kpis(
    tables: KpiTables, settings: Settings, query: KpiQuery, *, summaries: bool = False
) -> pd.DataFrame:
    """KPI results: one row per metric × period × group, with n and confidence bounds (see
    `compute_results`); with `query.compare`, each also with the comparison period's value and the change
    (see `compare_kpis`). With `summaries`, also the counts and moments the values come from."""
    if query.compare is not None:
        return compare_kpis(tables, settings, query, summaries=summaries)
    return compute_results(tables, settings, query, summaries=summaries)
