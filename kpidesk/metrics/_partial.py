"""Like-for-like comparison of a partial period.

The last period of the data is usually cut short (the export ran on the 5th of July), and the first one
starts late. Set beside a whole earlier period, five days of July look like a collapse against all of
June. A partial row is therefore compared with the same days of the earlier period: 1–5 July against
1–5 June, the week's Wednesday–Saturday against the previous week's Wednesday–Saturday.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any

import pandas as pd

__all__ = ["cut_to_covered_days"]


def _key_tuples(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Hashable, ...]]:
    """Each row's values of `columns`, an empty group (None, NaN or no such column) as None, so keys
    compare equal."""
    return [
        tuple(None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in values)
        for values in frame.reindex(columns=list(columns)).itertuples(index=False, name=None)
    ]


def cut_to_covered_days(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    keys: Sequence[str],
    shift: Callable[[date], date],
    run_earlier: Callable[[dict[str, Any]], pd.DataFrame],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`current` with `compare_from`/`compare_to` set to the days compared, and `earlier` with the rows
    that partial rows of `current` are compared with replaced by the same days of the earlier period.

    `current` carries `compare_period_start` and the coverage columns; `earlier` rows are keyed by `keys`
    and `period_start`; `shift` moves a date to the comparison period; `run_earlier` computes the earlier
    results for the `metrics`, `start` and `end` it is given.
    """
    partial = current[current["partial"].astype(bool) & current["covered_from"].notna()]
    if not len(partial):
        return current, earlier
    current = current.copy()
    row_keys = [*keys, "compare_period_start"]
    replaced: set[tuple[Hashable, ...]] = set()
    cuts: list[pd.DataFrame] = []
    for span, rows in partial.groupby(["covered_from", "covered_to"], sort=True):
        first, last = (pd.Timestamp(str(day)).date() for day in span)
        start, end = shift(first), shift(last)
        current.loc[rows.index, "compare_from"] = start
        current.loc[rows.index, "compare_to"] = end
        wanted = set(_key_tuples(rows, row_keys))
        replaced |= wanted
        cut = run_earlier({"metrics": sorted(set(rows.metric)), "start": start, "end": end})
        if len(cut):
            matching = [k in wanted for k in _key_tuples(cut, [*keys, "period_start"])]
            cuts.append(cut[matching])
    kept = earlier[[k not in replaced for k in _key_tuples(earlier, [*keys, "period_start"])]]
    return current, pd.concat([kept, *cuts], ignore_index=True) if cuts else kept
