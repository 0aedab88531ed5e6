"""Call metrics as samples: one row per call measured, placed in the period of its arrival in the queue.

Each builder reads `call_facts` and returns the calls a metric is computed over with their `value`, so a
definition here reads like the catalogue's sentence.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from kpidesk.metrics._samples import Sample, SampleContext, dimension_values, duration

__all__ = ["CALL_SAMPLES"]


def _anchored(c: ir.Table, value: ir.Value) -> ir.Table:
    return c.select(
        *dimension_values(c), unit_key=c.source.concat("\x1f", c.call_id), anchor_at=c.arrived_at, value=value
    )


def _offered(ctx: SampleContext) -> ir.Table:
    return ctx.calls.filter(ctx.calls.offered)


def _answered(ctx: SampleContext) -> ir.Table:
    return ctx.calls.filter(ctx.calls.answered)


def offered(ctx: SampleContext) -> Sample:
    return Sample(_anchored(_offered(ctx), ibis.literal(1.0)))


def answered(ctx: SampleContext) -> Sample:
    return Sample(_anchored(_answered(ctx), ibis.literal(1.0)))


def abandoned(ctx: SampleContext) -> Sample:
    c = ctx.calls.filter(ctx.calls.abandoned)
    return Sample(_anchored(c, ibis.literal(1.0)))


def abandonment_rate(ctx: SampleContext) -> Sample:
    c = _offered(ctx)
    return Sample(_anchored(c, c.abandoned))


def asa(ctx: SampleContext) -> Sample:
    c = _answered(ctx)
    return Sample(_anchored(c, duration(c, "arrived_at", "answered_at", ctx.business_hours)))


def service_level(ctx: SampleContext) -> Sample:
    options = ctx.settings.metrics
    c = _offered(ctx)
    if options.short_abandon_seconds > 0:
        short = c.abandoned & c.wait_s.notnull() & (c.wait_s < options.short_abandon_seconds)
        c = c.filter(~short)
    in_time = c.answered & (c.wait_s <= options.service_level_seconds)
    return Sample(_anchored(c, in_time.fill_null(False)))


def aht(ctx: SampleContext) -> Sample:
    c = _answered(ctx)
    c = c.filter(c.handle_s.notnull())
    return Sample(_anchored(c, c.handle_s))


CALL_SAMPLES: dict[str, Callable[[SampleContext], Sample]] = {
    "offered": offered,
    "answered": answered,
    "abandoned": abandoned,
    "abandonment_rate": abandonment_rate,
    "asa": asa,
    "service_level": service_level,
    "aht": aht,
}
