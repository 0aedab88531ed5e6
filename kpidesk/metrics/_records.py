"""The records behind a KPI result row: every unit the row counts, and the units near it that it does not.

Records come from the very sample builder the metric is computed with, placed in periods and grouped the
same way, so their counted records are exactly the row's `n`. The units of the metric's area that the
period touches (one of their instants falls in it) but that the row does not count are listed too, each
with the first rule of the metric that left it out, else "outside the period" with the date the metric
places it on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kpidesk import InvalidRequest
from kpidesk.calendars import with_local_periods
from kpidesk.metrics._catalogue import get_metric
from kpidesk.metrics._compute import _SAMPLES, KpiQuery, _data_range, sample_context
from kpidesk.metrics._samples import DIMENSIONS, Sample, SampleContext, dimension_values
from kpidesk.metrics._survey_samples import SURVEY_KINDS, enps_question
from kpidesk.metrics._tables import KpiTables, reviews_with_team, survey_units
from kpidesk.workspace import Settings

__all__ = ["RECORD_COLUMNS", "RULES", "UNITS", "RecordRules", "RecordsContext", "Unit", "metric_records"]

_SEPARATOR = "\x1f"
#: Columns every records frame starts and ends with; the unit's id columns and the row's dimensions sit
#: between them.
RECORD_COLUMNS = ("metric", "period_start", "unit")
_VALUE_COLUMNS = ("value", "exposure", "counted", "reason")

#: A condition on a unit's columns (and `value`, for counted records) under the metric options.
Condition = Callable[[ir.Table, Any], ir.Value]


def _key(*columns: str) -> Callable[[ir.Table], ir.Value]:
    def key(t: ir.Table) -> ir.Value:
        value = t[columns[0]].cast("string")
        for c in columns[1:]:
            value = value.concat(_SEPARATOR, t[c].cast("string"))
        return value

    return key


def _ticket_units(ctx: SampleContext) -> ir.Table:
    """Ticket facts with `bot_replied`: a bot or the system posted a public message on the ticket."""
    e = ctx.tables.events
    bots = (
        e.filter((e.kind == "message") & e.actor_type.isin(("bot", "system")) & e.public.fill_null(True))
        .select(bot_source="source", bot_ticket="ticket_id")
        .distinct()
    )
    f = ctx.tables.facts
    joined = f.left_join(bots, [f.source == bots.bot_source, f.ticket_id == bots.bot_ticket])
    return joined.select(f, bot_replied=joined.bot_ticket.notnull())


@dataclass(frozen=True)
class Unit:
    """What one record of a metric is: its name, the id columns its sample's `unit_key` joins, and the
    units of its area (None when the area has no table of such units) with the instants that tie them to a
    period."""

    name: str
    id_columns: tuple[str, ...]
    units: Callable[[SampleContext], ir.Table] | None = None
    instants: tuple[str, ...] = ()
    #: Id column → {value in the unit key: the word shown}.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def key(self, t: ir.Table) -> ir.Value:
        """The `unit_key` of `t`'s rows, from the id columns `t` has (a ticket of an SLA clock has no
        stretch)."""
        return _key(*[c for c in self.id_columns if c in t.columns])(t)


UNITS = {
    "ticket": Unit(
        "ticket", ("source", "ticket_id"), _ticket_units, ("created_at", "first_reply_at", "last_solved_at")
    ),
    "reply stretch": Unit(
        "reply stretch",
        ("source", "ticket_id", "stretch"),
        lambda ctx: ctx.tables.stretches,
        ("stretch_start_at", "replied_at"),
    ),
    # A ticket's first-reply or resolution clock (no stretch), or one reply stretch's clock.
    "SLA clock": Unit("SLA clock", ("source", "ticket_id", "stretch"), _ticket_units, ("created_at",)),
    "call": Unit("call", ("source", "call_id"), lambda ctx: ctx.tables.calls, ("arrived_at", "ended_at")),
    "contact": Unit(
        "contact", ("contact", "source", "contact_id"), labels={"contact": {"t": "ticket", "c": "call"}}
    ),
    "response": Unit(
        "response",
        ("source", "response_id"),
        lambda ctx: survey_units(ctx.tables.surveys, ctx.tables.facts),
        ("anchor_at",),
    ),
    "survey send or solved ticket": Unit("survey send or solved ticket", ("source", "response_or_ticket_id")),
    "agent": Unit("agent", ("agent_id",), lambda ctx: ctx.tables.agents, ("hired_at", "left_at")),
    "agent-day": Unit("agent-day", ("agent_id", "local_date")),
    "shift": Unit("shift", ("agent_id", "shift_start")),
    "review": Unit(
        "review",
        ("review_id",),
        lambda ctx: reviews_with_team(ctx.tables.qa, ctx.tables.agents),
        ("reviewed_at",),
    ),
    "customer": Unit(
        "customer", ("customer_id",), lambda ctx: ctx.tables.customers, ("created_at", "churned_at")
    ),
}


@dataclass(frozen=True)
class RecordRules:
    """Why a metric leaves a unit out, and why a counted record has its value.

    `scope` keeps the area's units the metric could measure at all (a CSAT row lists CSAT responses, not
    NPS ones); `left_out` are tried in order on the units the row does not hold; `no_value` names sample
    rows without a value (not counted); `explains` are tried in order on counted records; `otherwise` is the
    reason of a left-out unit no rule names and the sample does not place in another period.
    """

    unit: str
    left_out: tuple[tuple[Condition, str], ...] = ()
    no_value: tuple[tuple[Condition, str], ...] = ()
    explains: tuple[tuple[Condition, str], ...] = ()
    scope: Condition | None = None
    otherwise: str = "not measured by this metric"
    #: Sample rows without a value that only carry exposure (staffed hours): the denominator, not records.
    exposure_rows: bool = False


_NOT_SOLVED: tuple[Condition, str] = (lambda t, o: t.last_solved_at.isnull(), "not solved")
_REOPENED: tuple[Condition, str] = (lambda t, o: t.reopens > 0, "reopened")
_NOT_OFFERED: tuple[Condition, str] = (lambda t, o: ~t.offered, "never entered the agent queue")
_NOT_ANSWERED: tuple[Condition, str] = (lambda t, o: ~t.answered, "not answered (abandoned)")
_NO_CUSTOMER: tuple[Condition, str] = (lambda t, o: t.customer_id.isnull(), "no customer id")
_SOLVED_TICKET = RecordRules("ticket", left_out=(_NOT_SOLVED,))


def _survey(metric: str, explains: tuple[tuple[Condition, str], ...] = ()) -> RecordRules:
    """Responses of the metric's survey kinds; those without a score are not answers."""
    kinds = SURVEY_KINDS[metric]
    left_out: tuple[tuple[Condition, str], ...] = ((lambda t, o: t.score.isnull(), "no score: not answered"),)
    if metric == "enps":
        left_out += ((lambda t, o: ~enps_question(t), "a pulse survey on another scale than 0–10"),)
    return RecordRules(
        "response", left_out=left_out, explains=explains, scope=lambda t, o: t.kind.isin(kinds)
    )


_NET_PROMOTER: tuple[tuple[Condition, str], ...] = (
    (lambda t, o: t.value > 0, "promoter (9–10)"),
    (lambda t, o: t.value < 0, "detractor (0–6)"),
    (lambda t, o: t.value == 0, "passive (7–8)"),
)
_PEOPLE: tuple[tuple[Condition, str], ...] = ((lambda t, o: t.hired_at.isnull(), "no hire date"),)


def _customers(churned: bool) -> RecordRules:
    return RecordRules(
        "customer",
        left_out=((lambda t, o: t.created_at.isnull(), "no creation date"),),
        explains=((lambda t, o: t.value.cast("float64") == float(churned), "churned in the period"),),
        otherwise="not active at the period's start",
    )


#: Per metric: what a record is and the reasons behind it.
RULES: dict[str, RecordRules] = {
    "volume": RecordRules("ticket"),
    "solved": _SOLVED_TICKET,
    "backlog": RecordRules("ticket", otherwise="not open at the period's end"),
    "backlog_age": RecordRules("ticket", otherwise="not open at the period's end"),
    "first_reply_time": RecordRules(
        "ticket",
        left_out=((lambda t, o: t.frt_start_at.isnull(), "opened by an agent; no customer message yet"),),
        no_value=(
            (lambda t, o: t.bot_replied, "unanswered: only a bot or the system replied"),
            (lambda t, o: ibis.literal(True), "unanswered"),
        ),
    ),
    "reply_time": RecordRules(
        "reply stretch", left_out=((lambda t, o: t.replied_at.isnull(), "unanswered"),)
    ),
    "first_resolution_time": _SOLVED_TICKET,
    "full_resolution_time": _SOLVED_TICKET,
    "agent_replies": _SOLVED_TICKET,
    "reassignments": _SOLVED_TICKET,
    "one_touch_rate": RecordRules(
        "ticket",
        left_out=(_NOT_SOLVED,),
        explains=(_REOPENED, (lambda t, o: t.agent_replies > 1, "more than one agent reply")),
    ),
    "fcr_rate": RecordRules(
        "ticket",
        left_out=(_NOT_SOLVED,),
        no_value=((lambda t, o: ibis.literal(True), "no messages to tell a customer follow-up"),),
        explains=(
            _REOPENED,
            (lambda t, o: t.escalated, "escalated"),
            (lambda t, o: ~t.value & (t.agent_replies != 1), "not exactly one agent reply"),
            (lambda t, o: ~t.value, "the customer wrote again or came back"),
        ),
    ),
    "resolution_rate": RecordRules(
        "ticket",
        explains=((lambda t, o: ~t.value, "not solved in the period"),),
        otherwise="neither open at the period's start nor created in it",
    ),
    "reopen_rate": RecordRules("ticket", left_out=(_NOT_SOLVED,), explains=(_REOPENED,)),
    "escalation_rate": RecordRules("ticket", explains=((lambda t, o: t.escalated, "escalated"),)),
    "repeat_contact_rate": RecordRules(
        "ticket",
        left_out=(_NOT_SOLVED, _NO_CUSTOMER),
        explains=((lambda t, o: t.value, "the customer opened another ticket in time"),),
    ),
    "sla_attainment": RecordRules(
        "SLA clock",
        left_out=((lambda t, o: t.sla_policy.isnull(), "no SLA policy"),),
        no_value=((lambda t, o: ibis.literal(True), "the target's clock is still running"),),
        explains=((lambda t, o: t.value, "target met"), (lambda t, o: ~t.value, "target missed")),
        otherwise="no target for its policy and priority",
    ),
    "offered": RecordRules("call", left_out=(_NOT_OFFERED,)),
    "answered": RecordRules("call", left_out=(_NOT_OFFERED, _NOT_ANSWERED)),
    "abandoned": RecordRules("call", left_out=(_NOT_OFFERED, (lambda t, o: t.answered, "answered"))),
    "abandonment_rate": RecordRules(
        "call", left_out=(_NOT_OFFERED,), explains=((lambda t, o: t.abandoned, "abandoned"),)
    ),
    "asa": RecordRules("call", left_out=(_NOT_OFFERED, _NOT_ANSWERED)),
    "service_level": RecordRules(
        "call",
        left_out=(
            _NOT_OFFERED,
            (
                lambda t, o: t.abandoned & (t.wait_s < o.short_abandon_seconds),
                "abandoned within {short_abandon_seconds:g} s: not offered long enough to count",
            ),
        ),
        explains=(
            (
                lambda t, o: t.answered & (t.wait_s <= o.service_level_seconds),
                "answered within {service_level_seconds:g} s",
            ),
            (lambda t, o: t.answered, "answered after {service_level_seconds:g} s"),
            (lambda t, o: t.abandoned, "abandoned"),
        ),
    ),
    "aht": RecordRules(
        "call",
        left_out=(_NOT_OFFERED, _NOT_ANSWERED, (lambda t, o: t.handle_s.isnull(), "no handle time recorded")),
    ),
    "call_fcr_rate": RecordRules(
        "call",
        left_out=(_NOT_ANSWERED, _NO_CUSTOMER),
        explains=((lambda t, o: ~t.value, "the customer came back within {fcr_repeat_days} days"),),
    ),
    "cross_channel_repeat_rate": RecordRules(
        "contact",
        explains=((lambda t, o: t.value, "the customer came back within {repeat_contact_days} days"),),
    ),
    "occupancy": RecordRules("agent-day"),
    "calls_per_hour": RecordRules("call", exposure_rows=True),
    "calls_per_shift": RecordRules("shift"),
    "csat": _survey(
        "csat",
        ((lambda t, o: t.value, "in the top two points"), (lambda t, o: ~t.value, "below the top two")),
    ),
    "csat_mean": _survey("csat_mean"),
    "nps": _survey("nps", _NET_PROMOTER),
    "enps": _survey("enps", _NET_PROMOTER),
    "ces": _survey("ces"),
    "survey_response_rate": RecordRules(
        "survey send or solved ticket", explains=((lambda t, o: ~t.value, "no response"),)
    ),
    "headcount": RecordRules("agent", left_out=_PEOPLE, otherwise="not active at the period's end"),
    "tenure": RecordRules("agent", left_out=_PEOPLE, otherwise="not active at the period's end"),
    "attrition_rate": RecordRules(
        "agent",
        left_out=_PEOPLE,
        explains=((lambda t, o: t.value > 0, "left in the period"),),
        otherwise="not employed in the period",
    ),
    "retention_rate": RecordRules(
        "agent",
        left_out=_PEOPLE,
        explains=((lambda t, o: t.value > 0, "left in the period"),),
        otherwise="not employed in the period",
    ),
    "qa_score": RecordRules(
        "review",
        left_out=(
            (lambda t, o: t.reviewed_at.isnull(), "no review date"),
            (lambda t, o: t.score.isnull(), "no score"),
        ),
    ),
    "qa_auto_fail_rate": RecordRules(
        "review",
        left_out=((lambda t, o: t.reviewed_at.isnull(), "no review date"),),
        explains=((lambda t, o: t.auto_fail, "auto-fail"),),
    ),
    "tickets_solved_per_hour": RecordRules("agent", exposure_rows=True),
    "replies_per_hour": RecordRules("agent", exposure_rows=True),
    "churn_rate": _customers(churned=True),
    "customer_retention_rate": _customers(churned=False),
    "manager_escalations": RecordRules("ticket", otherwise="never reached a manager"),
    "manager_resolution_rate": RecordRules(
        "ticket",
        no_value=((lambda t, o: ibis.literal(True), "not solved yet"),),
        explains=((lambda t, o: ~t.value, "went further or was solved elsewhere"),),
        otherwise="never reached a manager",
    ),
}


def _reason(t: ir.Table, rules: tuple[tuple[Condition, str], ...], settings: Settings) -> ir.Value:
    """The reason of the first rule that holds for a row, else null."""
    options = settings.metrics
    words = asdict(options)
    cases = [(when(t, options).fill_null(False), text.format(**words)) for when, text in rules]
    return ibis.cases(*cases, else_=ibis.null("string")) if cases else ibis.null("string")


def _filter_columns(metric_id: str, sample: Sample, filters: Mapping[str, Any]) -> dict[str, Any]:
    """The sample column of each filter name: a `--by` dimension, or a dimension the metric always
    reports (sla_metric)."""
    known = {**DIMENSIONS, **{d: d for d in sample.extra_dims}}
    columns = {}
    for name, wanted in filters.items():
        if name not in known:
            raise InvalidRequest(f"cannot choose records by {name!r}; expected one of: {', '.join(known)}")
        columns[known[name]] = wanted
    missing = [d for d in sample.extra_dims if d not in filters]
    if missing:
        raise InvalidRequest(
            f"{metric_id} has one result row per {missing[0]}; choose one, e.g. --where {missing[0]}=VALUE"
        )
    return columns


def _keep(t: ir.Table, columns: Mapping[str, Any]) -> ir.Table:
    """Rows whose columns hold the wanted values; None or "" keeps the rows without a value."""
    for column, wanted in columns.items():
        if column not in t.columns:
            continue
        values = [wanted] if wanted is None or isinstance(wanted, str) else list(wanted)
        blank = any(v is None or v == "" for v in values)
        given = [v for v in values if v is not None and v != ""]
        condition = t[column].isin(given) if given else ibis.literal(False)
        t = t.filter(condition | t[column].isnull() if blank else condition)
    return t


def _empty(unit: Unit) -> pd.DataFrame:
    dims = [d for d in DIMENSIONS if d not in unit.id_columns]
    frame = pd.DataFrame(columns=[*RECORD_COLUMNS, *unit.id_columns, *dims, *_VALUE_COLUMNS])
    frame.attrs["id_columns"] = unit.id_columns
    return frame


class RecordsContext:
    """What the records of any metric read for one query (its periods, dates and clock): built once, so
    that the records of several metrics share the work."""

    def __init__(self, tables: KpiTables, settings: Settings, query: KpiQuery) -> None:
        self.settings = settings
        data = _data_range(tables)
        built = sample_context(tables, settings, query, data) if data is not None else None
        self.ctx = None if built is None else built[0]

    def records(
        self, metric_id: str, filters: Mapping[str, str | Sequence[str | None] | None] | None = None
    ) -> pd.DataFrame:
        """The records behind `metric_id` in every period of the query, in the group `filters` chooses
        (see `metric_records`)."""
        return _records(self.ctx, self.settings, metric_id, filters or {})


def metric_records(
    tables: KpiTables,
    settings: Settings,
    metric_id: str,
    query: KpiQuery,
    filters: Mapping[str, str | Sequence[str | None] | None] | None = None,
) -> pd.DataFrame:
    """The records behind `metric_id` in every period of `query` (its period, dates and clock), in the
    group `filters` chooses (`--by` dimension name → value; None or "" for the group without a value).

    One row per record: metric, period_start, unit, the unit's id columns (also named in the frame's
    `attrs["id_columns"]`), the dimensions, value, exposure (what a ratio or rate divides by: staffed
    seconds or hours, a share of the headcount; else None), counted and reason. Per period and group, the
    counted records are the result row's `n`.
    """
    return RecordsContext(tables, settings, query).records(metric_id, filters)


def _records(
    ctx: SampleContext | None, settings: Settings, metric_id: str, filters: Mapping[str, Any]
) -> pd.DataFrame:
    metric = get_metric(metric_id)
    rules = RULES.get(metric.id)
    if rules is None:
        raise InvalidRequest(f"the records behind {metric.id} are not described yet")
    unit = UNITS[rules.unit]
    if ctx is None:
        return _empty(unit)
    sample = _SAMPLES[metric.id](ctx)
    columns = _filter_columns(metric.id, sample, filters)
    placed = sample.table if sample.periodic else ctx.place_in_periods(sample.table, "anchor_at")
    placed = _keep(placed, columns)
    if rules.exposure_rows:
        placed = placed.filter(placed.value.notnull())
    # The cast keeps a negated value (`NOT churned`) apart from the null test in the SQL.
    has_value = placed.value.cast("float64").notnull()
    counted = ibis.literal(True) if metric.kind_object.counts_every_unit else has_value
    dim_columns = list(dict.fromkeys(DIMENSIONS.values()))
    rows = placed.select(
        "period_start",
        "unit_key",
        "value",
        exposure=placed.exposure.cast("float64") if "exposure" in placed.columns else ibis.null("float64"),
        counted=counted,
        **{f"r_{c}": placed[c] for c in dim_columns},
    )
    area = None
    if unit.units is not None:
        area = unit.units(ctx)
        area = area.mutate(a_unit_key=unit.key(area))
        if rules.scope is not None:
            area = area.filter(rules.scope(area, settings.metrics))
    if area is not None:
        joined = rows.left_join(area, rows.unit_key == area.a_unit_key)
        joined = joined.select(rows, *[area[c] for c in area.columns if c not in rows.columns])
    else:
        joined = rows
    reason = ibis.ifelse(
        joined.counted, _reason(joined, rules.explains, settings), _reason(joined, rules.no_value, settings)
    )
    counted_part = joined.select(
        "period_start",
        "unit_key",
        value=joined.value.cast("float64"),
        exposure=joined.exposure,
        counted=joined.counted,
        reason=reason,
        **{c: joined[f"r_{c}"] for c in dim_columns},
    )
    parts = [counted_part]
    if area is not None and unit.instants:
        parts.append(_left_out(ctx, sample, rules, unit, area, rows, columns, settings))
    records = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    frame = records.execute()
    return _finish(frame, metric.id, unit, dim_columns)


def _left_out(
    ctx: SampleContext,
    sample: Sample,
    rules: RecordRules,
    unit: Unit,
    area: ir.Table,
    rows: ir.Table,
    columns: Mapping[str, Any],
    settings: Settings,
) -> ir.Table:
    """The area's units an instant of which falls in a period, that the period's rows do not hold."""
    area = _keep(area.mutate(*dimension_values(area)), columns)
    p = ctx.periods
    touches = [(area[i] >= p.start_at) & (area[i] < p.end_at) for i in unit.instants]
    near = area.join(p, [ibis.or_(*touches)]).select(area, p.period_start)
    # A unit of the area may hold several records (a ticket's reply stretches): it is held when any is.
    parts = len([c for c in unit.id_columns if c in area.columns])

    def area_key(key: ir.StringValue) -> ir.StringValue:
        return key if parts == len(unit.id_columns) else key.split(_SEPARATOR)[:parts].join(_SEPARATOR)

    held = rows.select(h_period_start="period_start", h_unit_key=area_key(rows.unit_key))
    near = near.anti_join(
        held, [near.period_start == held.h_period_start, near.a_unit_key == held.h_unit_key]
    )
    outside = ibis.null("string")
    if not sample.periodic:
        chosen = _keep(sample.table, columns)
        t = with_local_periods(chosen, "anchor_at", settings.default_calendar, ctx.tables.slots)
        placed = t.group_by(e_unit_key=area_key(t.unit_key)).aggregate(e_date=t.anchor_at_date.min())
        near = near.left_join(placed, near.a_unit_key == placed.e_unit_key).select(near, placed.e_date)
        outside = ibis.ifelse(
            near.e_date.notnull(),
            ibis.literal("outside the period: placed on ").concat(near.e_date.cast("string")),
            None,
        )
    reason = ibis.coalesce(_reason(near, rules.left_out, settings), outside, ibis.literal(rules.otherwise))
    dim_columns = list(dict.fromkeys(DIMENSIONS.values()))
    return near.select(
        "period_start",
        unit_key=near.a_unit_key,
        value=ibis.null("float64"),
        exposure=ibis.null("float64"),
        counted=ibis.literal(False),
        reason=reason,
        **{c: near[c] for c in dim_columns},
    )


def _finish(frame: pd.DataFrame, metric_id: str, unit: Unit, dim_columns: list[str]) -> pd.DataFrame:
    """Id columns from the unit key, dimension names for columns, counted records first."""
    frame = frame.sort_values(["period_start", "counted", "unit_key"], ascending=[True, False, True])
    parts = frame["unit_key"].str.split(_SEPARATOR, expand=True, regex=False) if len(frame) else None
    out = pd.DataFrame(
        {
            "metric": metric_id,
            "period_start": pd.to_datetime(frame["period_start"]).dt.date,
            "unit": unit.name,
        }
    )
    for i, column in enumerate(unit.id_columns):
        values = parts[i] if parts is not None and i in parts.columns else None
        if values is not None and column in unit.labels:
            values = values.replace(unit.labels[column])
        out[column] = values
    names = {c: d for d, c in reversed(list(DIMENSIONS.items()))}
    for column in dim_columns:
        if names[column] not in unit.id_columns:
            out[names[column]] = frame[column]
    # Object columns keep None for a missing value or reason: no NaN reaches a reader.
    for column in ("value", "exposure"):
        out[column] = pd.Series(
            [None if pd.isna(v) else float(v) for v in frame[column]], dtype=object, index=frame.index
        )
    out["counted"] = frame["counted"].astype(bool)
    out["reason"] = pd.Series(
        [None if pd.isna(r) else str(r) for r in frame["reason"]], dtype=object, index=frame.index
    )
    out = out.reset_index(drop=True)
    out.attrs["id_columns"] = unit.id_columns
    return out
