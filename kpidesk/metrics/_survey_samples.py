"""Survey metrics as samples: one row per survey response (or send, or solved ticket for the response rate).

A response is a survey row with a score. It falls in the period of its `responded_at`, else of its
`sent_at` (an export that only dates the send still places the answer). Its agent and team are the
survey row's, else those of its ticket's facts; its channel is its ticket's. The survey comments behind
any of these numbers are listed by `kpidesk.metrics.survey_comments`.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values
from kpidesk.metrics._tables import survey_units

__all__ = ["SURVEY_KINDS", "SURVEY_SAMPLES", "enps_question"]

#: Survey kinds each survey metric reads.
SURVEY_KINDS = {
    "csat": ("csat",),
    "csat_mean": ("csat",),
    "nps": ("nps",),
    "enps": ("enps", "pulse"),
    "ces": ("ces",),
    "survey_response_rate": ("csat", "nps", "ces", "enps", "pulse"),
}
_PROMOTER_MIN, _DETRACTOR_MAX = 9, 6


def _responses(ctx: SampleContext, metric: str) -> ir.Table:
    u = survey_units(ctx.tables.surveys, ctx.tables.facts)
    return u.filter(u.score.notnull() & u.kind.isin(SURVEY_KINDS[metric]))


def _anchored(u: ir.Table, value: ir.Value) -> ir.Table:
    return u.select(
        *dimension_values(u),
        unit_key=u.source.concat("\x1f", u.response_id),
        anchor_at=u.anchor_at,
        value=value,
    )


def _top_two(u: ir.Table) -> ir.Value:
    """The top two points of the scale; a scale of at most two points (0–1 good/bad) its top point only."""
    two_points = (u.scale_max - u.scale_min) <= 1
    return ibis.ifelse(two_points, u.score >= u.scale_max, u.score >= u.scale_max - 1)


def _net_promoter(u: ir.Table) -> ir.Value:
    """+1 for a promoter (9–10), −1 for a detractor (0–6), 0 for a passive: their mean is the NPS."""
    return ibis.cases(
        (u.score >= _PROMOTER_MIN, 1.0), (u.score <= _DETRACTOR_MAX, -1.0), else_=ibis.literal(0.0)
    )


def csat(ctx: SampleContext) -> Sample:
    u = _responses(ctx, "csat")
    return Sample(_anchored(u, _top_two(u)))


def csat_mean(ctx: SampleContext) -> Sample:
    u = _responses(ctx, "csat_mean")
    return Sample(_anchored(u, u.score))


def nps(ctx: SampleContext) -> Sample:
    u = _responses(ctx, "nps")
    return Sample(_anchored(u, _net_promoter(u)))


def enps_question(u: ir.Table) -> ir.Value:
    """An `enps` response, or a `pulse` response on 0–10 (a pulse on another scale asks no recommend
    question)."""
    zero_to_ten = (u.scale_min == 0) & (u.scale_max == 10)
    return (u.kind == "enps") | zero_to_ten.fill_null(False)


def enps(ctx: SampleContext) -> Sample:
    u = _responses(ctx, "enps")
    u = u.filter(enps_question(u))
    return Sample(_anchored(u, _net_promoter(u)))


def ces(ctx: SampleContext) -> Sample:
    u = _responses(ctx, "ces")
    return Sample(_anchored(u, u.score))


def survey_response_rate(ctx: SampleContext) -> Sample:
    """Sources that date their sends: responses / sends. Sources that never do: solved tickets with a
    response / solved tickets of that source."""
    u = survey_units(ctx.tables.surveys, ctx.tables.facts)
    u = u.filter(u.kind.isin(SURVEY_KINDS["survey_response_rate"]))
    dated = u.filter(u.sent_at.notnull()).select("source").distinct()
    sends = u.filter(u.source.isin(dated.source))
    sends = sends.mutate(anchor_at=ibis.coalesce(sends.sent_at, sends.responded_at))
    by_sends = _anchored(sends, sends.score.notnull())

    undated = u.filter(~u.source.isin(dated.source))
    answered = (
        undated.filter(undated.score.notnull() & undated.ticket_id.notnull())
        .select(answered_source="source", answered_ticket="ticket_id")
        .distinct()
    )
    f = ctx.tables.facts
    solved = f.filter(f.last_solved_at.notnull() & f.source.isin(undated.source))
    solved = solved.left_join(
        answered, [solved.source == answered.answered_source, solved.ticket_id == answered.answered_ticket]
    )
    by_tickets = solved.select(
        *dimension_values(solved),
        unit_key=solved.source.concat("\x1f", solved.ticket_id),
        anchor_at=solved.last_solved_at,
        value=solved.answered_ticket.notnull(),
    )
    return Sample(by_sends.union(by_tickets))


SURVEY_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "csat": csat,
    "csat_mean": csat_mean,
    "nps": nps,
    "enps": enps,
    "ces": ces,
    "survey_response_rate": survey_response_rate,
}
