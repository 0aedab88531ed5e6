"""Drill-down under a survey number: the responses it counts, each with its comment, score and ticket."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.calendars import with_local_periods
from kpidesk.metrics._samples import DIMENSIONS
from kpidesk.metrics._survey_samples import SURVEY_KINDS, enps_question
from kpidesk.metrics._tables import KpiTables, survey_units
from kpidesk.workspace import Settings

__all__ = ["COMMENT_COLUMNS", "survey_comments"]

#: One row per response, newest first.
COMMENT_COLUMNS = (
    "source",
    "response_id",
    "kind",
    "score",
    "scale_min",
    "scale_max",
    "responded_at",
    "ticket_id",
    "customer_id",
    "agent_id",
    "team_id",
    "channel",
    "comment",
)


def survey_comments(
    tables: KpiTables,
    settings: Settings,
    *,
    metric: str | None = None,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    start: date | None = None,
    end: date | None = None,
    commented_only: bool = True,
) -> pd.DataFrame:
    """The responses behind survey metric `metric` (every survey kind without one), newest first.

    `filters` maps `--by` dimension names (agent, team, channel, source) to the value or values to keep;
    `start`/`end` keep the local dates of the default calendar the metric places a response in
    (responded_at, else sent_at). With `commented_only`, responses without a comment are left out.
    """
    u = survey_units(tables.surveys, tables.facts)
    if metric is not None:
        if metric not in SURVEY_KINDS:
            raise InvalidRequest(
                f"{metric!r} is not a survey metric; survey comments exist for: {', '.join(SURVEY_KINDS)}"
            )
        u = u.filter(u.kind.isin(SURVEY_KINDS[metric]))
        if metric == "enps":
            u = u.filter(enps_question(u))
    u = u.filter(u.score.notnull())
    if commented_only:
        u = u.filter(u.comment.notnull() & (u.comment.strip() != ""))
    for name, wanted in (filters or {}).items():
        column = DIMENSIONS.get(name)
        if column is None or column not in u.columns:
            known = ", ".join(d for d, c in DIMENSIONS.items() if c in u.columns)
            raise InvalidRequest(f"survey responses cannot be filtered by {name!r}; expected one of: {known}")
        u = u.filter(u[column].isin([wanted] if isinstance(wanted, str) else list(wanted)))
    if start is not None or end is not None:
        u = with_local_periods(u, "anchor_at", settings.default_calendar, tables.slots)
        if start is not None:
            u = u.filter(u.anchor_at_date >= start)
        if end is not None:
            u = u.filter(u.anchor_at_date <= end)
    ordered = u.order_by([u.anchor_at.desc(), u.source, u.response_id])
    return ordered.select(*COMMENT_COLUMNS).execute()
