"""Whether each source can measure a metric, and how a result says so.

A source that lacks what a metric needs (see `Capability`) is left out of the metric: pooled over several
sources, the value is computed from those that can measure it and its `note` names the ones left out;
grouped `--by source`, the source's row is not available with the reason; when no source can measure it,
one row says so. A value of 0 is never shown for what could not be measured. A group with no unit at all
(n = 0) is "no data", not a small sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from kpidesk.metrics._capabilities import Capability
from kpidesk.metrics._catalogue import Metric

__all__ = [
    "NO_DATA",
    "NO_VALUE",
    "STATUS_COLUMNS",
    "SourceCapabilities",
    "gaps_by_source",
    "mark_availability",
    "source_capabilities",
]

STATUS_COLUMNS = ("available", "reason", "note")
NO_DATA = "no data: nothing to measure in this period and group"
NO_VALUE = "no value: what it is divided by is 0 in this period and group"

#: Per area, per source: the ids of the capabilities it holds.
SourceCapabilities = Mapping[str, Mapping[str, frozenset[str]]]


def source_capabilities(
    area_facts: Callable[[str], ir.Table], metrics: Sequence[Metric]
) -> SourceCapabilities:
    """What each source of the metrics' areas holds, one aggregate per area."""
    needed: dict[str, dict[str, Capability]] = {}
    for metric in metrics:
        for capability in metric.needs:
            needed.setdefault(capability.area, {})[capability.id] = capability
    held: dict[str, dict[str, frozenset[str]]] = {}
    for area, capabilities in needed.items():
        t = area_facts(area)
        frame = (
            t.group_by(t.source)
            .aggregate(**{c.id: c.shown_by(t).fill_null(False).any() for c in capabilities.values()})
            .execute()
        )
        held[area] = {
            str(row["source"]): frozenset(c for c in capabilities if bool(row[c]))
            for row in frame.to_dict(orient="records")
        }
    return held


def _lower_first(label: str) -> str:
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


_SO = ", so "


def gaps_by_source(results: pd.DataFrame) -> dict[str, list[str]]:
    """What each source lacks ("servicenow holds no public agent message") and the metrics of `results`
    it leaves not available or out of a pooled value, in the order they come."""
    gaps: dict[str, list[str]] = {}
    for row in results.to_dict(orient="records"):
        reason, note = row.get("reason"), row.get("note")
        if not row.get("available", True) and isinstance(reason, str) and reason not in (NO_DATA, NO_VALUE):
            texts = reason.split("; ")
        elif isinstance(note, str):
            texts = note.split(": ", 1)[1].split("; ")
        else:
            continue
        for text in texts:
            metrics = gaps.setdefault(text.split(_SO)[0], [])
            if row["metric"] not in metrics:
                metrics.append(str(row["metric"]))
    return gaps


def left_out_sources(metric: Metric, held: SourceCapabilities) -> dict[str, str]:
    """The sources that cannot measure `metric`, each with the reason in words."""
    reasons: dict[str, str] = {}
    for source, capabilities in sorted(held.get(metric.area, {}).items()):
        missing = [c for c in metric.needs if c.id not in capabilities]
        if missing:
            lacking = " and ".join(c.lacking for c in missing)
            label = _lower_first(metric.label)
            reasons[source] = f"{source} {lacking}{_SO}{label} cannot be measured from it"
    return reasons


def mark_availability(
    result: pd.DataFrame,
    metrics: Sequence[Metric],
    held: SourceCapabilities,
    stats: Mapping[str, Sequence[str]],
    by: Sequence[str],
    period: tuple[date, date],
) -> pd.DataFrame:
    """`result` with `available`, `reason` and `note`, and one not-available row per source left out
    (with `by` source) or per metric no source can measure.

    `stats` gives each metric's statistic names; `period` the dates of the rows added.
    """
    frame = result.copy()
    no_data = frame["n"].fillna(0).astype("int64") == 0
    has_value = frame["value"].notna()
    frame["available"] = ~no_data & has_value
    frame["reason"] = [
        NO_DATA if empty else (None if value else NO_VALUE)
        for empty, value in zip(no_data, has_value, strict=True)
    ]
    frame["note"] = None
    frame["small_sample"] = frame["small_sample"].astype(bool) & ~no_data
    added: list[dict[str, Any]] = []
    for metric in metrics:
        left = left_out_sources(metric, held)
        if not left:
            continue
        rows = frame["metric"] == metric.id
        base = {
            "metric": metric.id,
            "value": None,
            "unit": metric.unit,
            "n": 0,
            "ci_low": None,
            "ci_high": None,
            "period_start": period[0],
            "period_end": period[1],
            "small_sample": False,
            "available": False,
            "note": None,
        }
        if "source" in by:
            for source, reason in left.items():
                for stat in stats[metric.id]:
                    added.append({**base, "stat": stat, "source": source, "reason": reason})
        elif not rows.any() and len(left) == len(held.get(metric.area, {})):
            for stat in stats[metric.id]:
                added.append({**base, "stat": stat, "reason": "; ".join(left.values())})
        else:
            frame.loc[rows, "note"] = f"without {', '.join(left)}: " + "; ".join(left.values())
    if added:
        frame = pd.concat([frame, pd.DataFrame(added)], ignore_index=True)
    return frame
