"""`reconcile`: each source's own figures against what kpidesk derives, unit by unit, with the reasons.

For every figure a source recorded (`source_figures`) and kpidesk can compare, each ticket or call of
that source gets one outcome: the two values agree exactly, agree within the source's precision (60 s
for a system that keeps whole minutes), differ, or cannot be compared because one side has no value.
Differences and gaps are explained by the comparison's reason rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.reconcile._comparisons import (
    COMMON_REASONS,
    COMPARISONS,
    OUTCOMES,
    PLAIN,
    Comparison,
    comparison,
)

__all__ = ["UNIT_COLUMNS", "Reconciliation", "reconcile_figures"]

#: Columns of `Reconciliation.units`.
UNIT_COLUMNS = (
    "source",
    "figure",
    "unit_kind",
    "unit_id",
    "kpidesk_value",
    "source_value",
    "difference",
    "outcome",
    "reason_key",
    "reason",
)

_TICKET_CONTEXT = """
    WITH ev AS (
        SELECT source, ticket_id, kind, status, team_id,
            row_number() OVER (PARTITION BY source, ticket_id, kind ORDER BY "at", event_id) AS n,
            lag(team_id) OVER (PARTITION BY source, ticket_id, kind ORDER BY "at", event_id) AS previous_team
        FROM ticket_events WHERE kind IN ('status', 'assign') AND {sources}
    )
    SELECT source, ticket_id,
        any_value(status) FILTER (WHERE kind = 'status' AND n = 1) AS first_status,
        bool_or(kind = 'status' AND status = 'solved') AS ever_solved,
        bool_or(kind = 'status' AND status = 'closed') AS ever_closed,
        count(*) FILTER (WHERE kind = 'assign' AND n > 1 AND team_id IS DISTINCT FROM previous_team)
            AS group_changes
    FROM ev GROUP BY source, ticket_id
"""


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of `reconcile`: a summary per source and figure, its reasons, and every unit."""

    #: One row per (source, figure): counts per outcome, the tolerance and the shares that agree.
    summary: pd.DataFrame
    #: One row per (source, figure, outcome, reason) with the number of units.
    reasons: pd.DataFrame
    #: One row per unit compared (columns `UNIT_COLUMNS`).
    units: pd.DataFrame

    def as_dict(self, *, units: bool = False) -> dict[str, Any]:
        """JSON-ready: the summary rows, each with its reasons, and the units that do not agree exactly."""
        figures = []
        for row in self.summary.to_dict("records"):
            mine = self.reasons[
                (self.reasons.source == row["source"]) & (self.reasons.figure == row["figure"])
            ]
            figures.append(
                {
                    **{k: _plain(v) for k, v in row.items()},
                    "reasons": [
                        {k: _plain(v) for k, v in r.items() if k not in ("source", "figure")}
                        for r in mine.to_dict("records")
                    ],
                }
            )
        result: dict[str, Any] = {"figures": figures}
        if units:
            shown = self.units[self.units.outcome != "exact"]
            result["units"] = [{k: _plain(v) for k, v in r.items()} for r in shown.to_dict("records")]
        return result


def _plain(value: Any) -> Any:
    """A value for JSON: no NaN, no numpy scalars, whole floats as they are."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def reconcile_figures(
    con: duckdb.DuckDBPyConnection, *, source: str | None = None, metric: str | None = None
) -> Reconciliation:
    """Compare every figure of `source_figures` that has a comparison (or only `metric`'s) with kpidesk's.

    The facts must be up to date. A source or metric with no figures to compare gives empty frames.
    """
    wanted = (comparison(metric),) if metric else COMPARISONS
    stored = con.execute(
        "SELECT DISTINCT source, figure FROM source_figures ORDER BY source, figure"
    ).fetchall()
    if source is not None and source not in {s for s, _ in stored}:
        known = ", ".join(sorted({s for s, _ in stored})) or "none"
        raise InvalidRequest(
            f"the source {source!r} has no figures of its own; sources with figures: {known}"
        )
    frames = []
    for compared in wanted:
        sources = [s for s, f in stored if f == compared.figure and (source is None or s == source)]
        if sources:
            frames.append(_classify(_load(con, compared, sources), compared))
    units = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(UNIT_COLUMNS))
    return Reconciliation(_summary(units), _reasons(units), units[list(UNIT_COLUMNS)])


@dataclass(frozen=True)
class _Units:
    """Where kpidesk's units of one kind live, and the context its reason rules read beside the values."""

    facts: str
    key: str
    #: Extra columns of the SELECT (after a comma), over the facts `k` and the join below.
    context: str
    #: A join after the facts and figures (SQL with `{sources}` for the sources' condition), or "".
    join: str = ""


_UNITS = {
    "ticket": _Units(
        "ticket_facts",
        "ticket_id",
        "c.first_status, coalesce(c.ever_solved, k.status = 'solved', false) AS ever_solved, "
        "coalesce(c.ever_closed, k.status = 'closed', false) AS ever_closed, "
        "coalesce(c.group_changes, 0) AS group_changes, coalesce(k.agent_opened, false) AS agent_opened",
        f"LEFT JOIN ({_TICKET_CONTEXT}) c "
        "ON c.source = coalesce(k.source, f.source) AND c.ticket_id = coalesce(k.ticket_id, f.unit_id)",
    ),
    "call": _Units("call_facts", "call_id", "k.arrived_at, k.answered_at"),
}


def _load(con: duckdb.DuckDBPyConnection, compared: Comparison, sources: list[str]) -> pd.DataFrame:
    """One row per unit of `sources`: kpidesk's value, the source's, and the context the rules read."""
    units = _UNITS[compared.unit_kind]
    among = "list_contains($sources, source)"
    return con.execute(
        f"""
        WITH f AS (
            SELECT source, unit_id, value, "at", precision_s, field FROM source_figures
            WHERE unit_kind = $unit_kind AND figure = $figure AND {among}
        ), meta AS (
            SELECT source, max(precision_s) AS precision_s, max(field) AS field FROM f GROUP BY source
        ), k AS (
            SELECT * FROM {units.facts} WHERE {among}
        )
        SELECT coalesce(k.source, f.source) AS source, coalesce(k.{units.key}, f.unit_id) AS unit_id,
            CAST({compared.kpidesk} AS DOUBLE) AS kpidesk_value, f.value AS source_value,
            f."at" AS source_at, coalesce(f.precision_s, m.precision_s, 0) AS precision_s,
            m.field, k.source IS NOT NULL AS known, {units.context}
        FROM k FULL JOIN f ON k.source = f.source AND k.{units.key} = f.unit_id
        JOIN meta m ON m.source = coalesce(k.source, f.source)
        {units.join.format(sources=among)}
        ORDER BY 1, 2
        """,
        {"sources": sources, "unit_kind": compared.unit_kind, "figure": compared.figure},
    ).df()


def _classify(frame: pd.DataFrame, compared: Comparison) -> pd.DataFrame:
    """Each unit's outcome and reason: the first rule of its outcome that applies, else the plain words."""
    mine = frame.copy()
    ours, theirs = mine.kpidesk_value, mine.source_value
    gap = (theirs - ours).abs()
    mine["outcome"] = np.select(
        [ours.isna() & theirs.isna(), theirs.isna(), ours.isna(), gap < 1e-9, gap <= mine.precision_s],
        ["neither", "source_missing", "kpidesk_missing", "exact", "within"],
        default="differ",
    )
    mine["difference"] = theirs - ours
    mine["reason_key"] = None
    mine["reason"] = None
    for reason in (*COMMON_REASONS, *compared.reasons):
        todo = (mine.outcome == reason.outcome) & mine.reason_key.isna()
        if not todo.any():
            continue
        hits = todo & reason.applies(mine).fillna(False).astype(bool)
        mine.loc[hits, "reason_key"] = reason.key
        mine.loc[hits, "reason"] = [reason.words.format(field=f) for f in mine.loc[hits, "field"]]
    for outcome, words in PLAIN.items():
        rest = (mine.outcome == outcome) & mine.reason_key.isna()
        mine.loc[rest, "reason_key"] = "unexplained" if outcome == "differ" else outcome
        mine.loc[rest, "reason"] = [words.format(field=f) for f in mine.loc[rest, "field"]]
    mine["figure"] = compared.figure
    mine["unit_kind"] = compared.unit_kind
    return mine


def _summary(units: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (source, figure), group in units.groupby(["source", "figure"], sort=True):
        compared = comparison(str(figure))
        counts = group.outcome.value_counts()
        row: dict[str, Any] = {
            "source": source,
            "figure": figure,
            "metric": compared.metric,
            "unit_kind": compared.unit_kind,
            "unit": compared.unit,
            "field": group.field.dropna().iloc[0] if group.field.notna().any() else None,
            "tolerance_s": float(group.precision_s.max()),
            "units": len(group),
        }
        row.update({outcome: int(counts.get(outcome, 0)) for outcome in OUTCOMES})
        both = row["exact"] + row["within"] + row["differ"]
        row["compared"] = both
        row["exact_share"] = row["exact"] / both if both else None
        row["agree_share"] = (row["exact"] + row["within"]) / both if both else None
        rows.append(row)
    columns = [
        "source",
        "figure",
        "metric",
        "unit_kind",
        "unit",
        "field",
        "tolerance_s",
        "units",
        "compared",
        *OUTCOMES,
        "exact_share",
        "agree_share",
    ]
    return pd.DataFrame(rows, columns=columns)


def _reasons(units: pd.DataFrame) -> pd.DataFrame:
    columns = ["source", "figure", "outcome", "reason_key", "reason", "units"]
    explained = units[units.reason_key.notna()]
    if explained.empty:
        return pd.DataFrame(columns=columns)
    counted = (
        explained.groupby(["source", "figure", "outcome", "reason_key", "reason"], sort=False)
        .size()
        .reset_index(name="units")
    )
    counted["order"] = counted.outcome.map({o: i for i, o in enumerate(OUTCOMES)})
    counted = counted.sort_values(["source", "figure", "order", "units"], ascending=[True, True, True, False])
    return counted[columns].reset_index(drop=True)
