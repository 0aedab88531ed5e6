"""Picking one result row out of a KPI frame, for the metric tests."""

from __future__ import annotations

from typing import Any

import pandas as pd


def one_result(frame: pd.DataFrame, metric: str, **where: Any) -> dict[str, Any]:
    """The single row of `metric` whose columns equal `where` (None matches an empty group)."""
    rows = frame[frame.metric == metric]
    for key, value in where.items():
        rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    assert len(rows) == 1, rows
    return {str(k): v for k, v in rows.iloc[0].to_dict().items()}
