"""Picking one result row out of a KPI frame, for the metric tests; comparing two answers printed as JSON."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def one_result(frame: pd.DataFrame, metric: str, **where: Any) -> dict[str, Any]:
    """The single row of `metric` whose columns equal `where` (None matches an empty group)."""
    rows = frame[frame.metric == metric]
    for key, value in where.items():
        rows = rows[rows[key].isna()] if value is None else rows[rows[key] == value]
    assert len(rows) == 1, rows
    return {str(k): v for k, v in rows.iloc[0].to_dict().items()}


def _row_key(row: dict[str, Any]) -> tuple[str, ...]:
    """A row's identity: its fields that are not measured figures (which may differ in the last bits)."""
    return tuple(f"{k}={v}" for k, v in sorted(row.items()) if not isinstance(v, float | list | dict))


def assert_same_values(got: Any, expected: Any, where: str = "") -> None:
    """The same JSON values (rows in any order): texts, counts and flags exactly, measured figures to
    1e-9 (two engines, or two runs of one, may sum floats in another order)."""
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        if expected and all(isinstance(r, dict) for r in expected):
            got, expected = sorted(got, key=_row_key), sorted(expected, key=_row_key)
        for i, (s, d) in enumerate(zip(got, expected, strict=True)):
            assert_same_values(s, d, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and got.keys() == expected.keys(), where
        for key in expected:
            assert_same_values(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, float) and not isinstance(got, bool):
        assert isinstance(got, int | float), (where, got, expected)
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (where, got, expected)
    else:
        assert got == expected, (where, got, expected)
