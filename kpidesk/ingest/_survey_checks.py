"""Checks of a survey row across its columns: the score lies on the scale the row declares.

A score is never clipped into its scale: a score outside it, a scale whose bounds are the wrong way
round, a CSAT score without the scale its top two points are counted from, and an NPS row on anything
but 0–10 are each rejected with the scale named. A survey for a ticket its source does not have is
rejected too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._sql import literal

__all__ = ["ScoredColumn", "survey_checks", "ticket_checks"]

#: Kinds scored 0–10 by definition: promoters 9–10, detractors 0–6.
_ZERO_TO_TEN_KINDS = ("nps", "enps")


@dataclass(frozen=True)
class ScoredColumn:
    """One column of the validated row: its typed value and its text as the file gave it (SQL)."""

    binding: Binding
    value: str
    text: str

    def problem(self, reason: str) -> str:
        """SQL struct of a problem with this column; `reason` is SQL text."""
        column = self.binding.column.name
        prefix = "" if self.binding.label == column else f"{column}: "
        return (
            f"{{'col': {literal(self.binding.label)}, 'val': {self.text}, "
            f"'why': {literal(prefix)} || {reason}, 'ref': CAST(NULL AS BIGINT)}}"
        )


def _number(value: str) -> str:
    return f"printf('%g', {value})"


def survey_checks(columns: dict[str, ScoredColumn]) -> list[tuple[str, str]]:
    """(failing condition, problem struct) pairs over the typed `score`, `scale_min`, `scale_max`, `kind`."""
    score, low, high, kind = (columns[c] for c in ("score", "scale_min", "scale_max", "kind"))
    s, lo, hi, k = score.value, low.value, high.value, f"lower({kind.value})"
    scale = f"{_number(lo)} || '–' || {_number(hi)}"
    zero_to_ten = ", ".join(literal(c) for c in _ZERO_TO_TEN_KINDS)
    return [
        (
            f"{lo} >= {hi}",
            low.problem(
                f"'scale_min ' || {_number(lo)} || ' is not below scale_max ' || {_number(hi)} || "
                "'; a scale runs from its lowest point to its highest'"
            ),
        ),
        (
            f"{lo} < {hi} AND ({s} < {lo} OR {s} > {hi})",
            score.problem(
                f"'score ' || {_number(s)} || ' is outside the survey''s scale ' || {scale} || "
                "'; scores are never clipped, fix the score or the scale'"
            ),
        ),
        (
            f"{hi} IS NULL AND {s} < {lo}",
            score.problem(
                f"'score ' || {_number(s)} || ' is below the survey''s scale_min ' || {_number(lo)}"
            ),
        ),
        (
            f"{lo} IS NULL AND {s} > {hi}",
            score.problem(
                f"'score ' || {_number(s)} || ' is above the survey''s scale_max ' || {_number(hi)}"
            ),
        ),
        (
            f"{k} = 'csat' AND {s} IS NOT NULL AND ({lo} IS NULL OR {hi} IS NULL)",
            score.problem(
                "'a csat score needs the survey''s scale (scale_min and scale_max) to count its top two "
                "points; add both columns, or constants such as {scale_min: 1, scale_max: 5} in the mapping'"
            ),
        ),
        (
            f"{k} IN ({zero_to_ten}) AND (coalesce({lo}, 0) <> 0 OR coalesce({hi}, 10) <> 10)",
            low.problem(
                f"'an ' || {k} || ' survey is scored on 0–10, this row declares the scale ' || "
                f"coalesce({_number(lo)}, '?') || '–' || coalesce({_number(hi)}, '?')"
            ),
        ),
        (
            f"{k} IN ({zero_to_ten}) AND {lo} IS NULL AND {hi} IS NULL AND ({s} < 0 OR {s} > 10)",
            score.problem(
                f"'score ' || {_number(s)} || ' is outside the 0–10 scale of ' || {k} || ' surveys'"
            ),
        ),
    ]


def ticket_checks(con: duckdb.DuckDBPyConnection, ticket: ScoredColumn, source: str) -> list[tuple[str, str]]:
    """A survey naming a ticket its source does not have is rejected. A source with no tickets at all
    (surveys imported on their own, or before their tickets) is not checked: there is nothing to match."""
    has_tickets = con.execute("SELECT EXISTS (SELECT 1 FROM tickets WHERE source = ?)", [source]).fetchone()
    if not has_tickets or not has_tickets[0]:
        return []
    src = literal(source)
    return [
        (
            f"{ticket.value} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM tickets k WHERE k.source = {src} AND k.ticket_id = {ticket.value})",
            ticket.problem(
                f"'ticket ' || {ticket.value} || "
                + literal(
                    f" is not in the tickets of source {source!r}; import the ticket first, or import the "
                    "survey under the source of its tickets (--source)"
                )
            ),
        )
    ]
