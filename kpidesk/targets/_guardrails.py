"""Guardrails against gaming: for every metric with a direction, the metrics that gaming it would worsen.

A number measured alone teaches whatever moves it cheapest: tickets closed before the problem is solved
raise the solved count, a quick empty first reply lowers the first reply time. Each entry names the
counter-metrics such gaming would make worse, with the reason in a sentence, so a target can name them as
its guardrails and a manager can see why. docs/targets.md lists them (generated from here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpidesk.metrics import CATALOGUE
from kpidesk.targets._file import Target

__all__ = [
    "COUNTER_METRICS",
    "CounterMetric",
    "counter_metrics",
    "guardrails_markdown",
    "unguarded_warnings",
]


@dataclass(frozen=True)
class CounterMetric:
    """A metric that gaming another would worsen, and how."""

    metric: str
    reason: str


def _c(metric: str, reason: str) -> CounterMetric:
    return CounterMetric(metric, reason)


_CLOSED_EARLY = "tickets closed before the problem is solved come back"
_RUSHED = "rushed or canned answers leave customers less satisfied"
_HELD_BACK = "hard tickets kept instead of passed on take longer to resolve"
_SHORT_CALLS = "calls cut short leave problems unsolved, so customers call again"
_CHECKLIST = "quality checked by a checklist rewards box-ticking over solving"
_HAPPY_ONLY = "surveys sent only where the answer is expected to be good lower the response rate"

#: Metric id → its counter-metrics. Every metric with a direction has an entry; an empty one is an outcome
#: that service work cannot move cheaply on its own (churn), so no counter-metric guards it.
COUNTER_METRICS: dict[str, tuple[CounterMetric, ...]] = {
    "solved": (
        _c("reopen_rate", _CLOSED_EARLY),
        _c("fcr_rate", "splitting one problem into several tickets solves more tickets, not more problems"),
        _c("csat", _RUSHED),
    ),
    "backlog": (
        _c("reopen_rate", "closing tickets to shorten the queue brings them back"),
        _c("csat", _RUSHED),
    ),
    "backlog_age": (
        _c("reopen_rate", "old tickets closed to lower the age come back"),
        _c("first_reply_time", "working the oldest tickets only leaves new customers waiting"),
    ),
    "first_reply_time": (
        _c("agent_replies", "a quick empty first reply adds a reply to every ticket"),
        _c("csat", _RUSHED),
    ),
    "reply_time": (
        _c("agent_replies", "quick holding replies add replies to every ticket"),
        _c("csat", _RUSHED),
    ),
    "first_resolution_time": (
        _c("reopen_rate", "a ticket marked solved early and reopened still counts as solved fast"),
        _c("repeat_contact_rate", "customers told to open a new ticket come back in it"),
    ),
    "full_resolution_time": (
        _c("repeat_contact_rate", "customers told to open a new ticket come back in it"),
        _c("csat", _RUSHED),
    ),
    "agent_replies": (
        _c("reopen_rate", "fewer replies by closing early bring tickets back"),
        _c("csat", "questions left unanswered to save a reply leave customers less satisfied"),
    ),
    "reassignments": (
        _c("full_resolution_time", _HELD_BACK),
        _c("escalation_rate", "tickets no longer passed between agents get escalated instead"),
    ),
    "one_touch_rate": (
        _c("reopen_rate", _CLOSED_EARLY),
        _c(
            "repeat_contact_rate",
            "a one-reply answer that does not solve the problem brings the customer back",
        ),
    ),
    "fcr_rate": (
        _c("full_resolution_time", _HELD_BACK),
        _c("csat", "a first contact stretched to avoid a follow-up tires the customer"),
    ),
    "resolution_rate": (
        _c("reopen_rate", _CLOSED_EARLY),
        _c("fcr_rate", "splitting one problem into several tickets resolves more tickets, not more problems"),
        _c("csat", _RUSHED),
    ),
    "reopen_rate": (
        _c("repeat_contact_rate", "customers told to open a new ticket instead of reopening come back in it"),
        _c("full_resolution_time", "tickets held open longer to be sure are not reopened but take longer"),
    ),
    "escalation_rate": (
        _c("full_resolution_time", _HELD_BACK),
        _c("reopen_rate", "tickets solved below the level they needed come back"),
    ),
    "repeat_contact_rate": (
        _c("reopen_rate", "customers asked to reply in the old ticket reopen it instead"),
        _c("full_resolution_time", "tickets held open to absorb follow-ups take longer to resolve"),
    ),
    "sla_attainment": (
        _c("agent_replies", "replies sent only to stop the clock add replies to every ticket"),
        _c("csat", _RUSHED),
    ),
    "answered": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls answered in haste score lower in review"),
    ),
    "abandoned": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to shorten the queue score lower in review"),
    ),
    "abandonment_rate": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to shorten the queue score lower in review"),
    ),
    "asa": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to answer the next one sooner score lower in review"),
    ),
    "service_level": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to answer the next one sooner score lower in review"),
    ),
    "aht": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("cross_channel_repeat_rate", "customers cut short come back by email or chat"),
        _c("qa_score", "calls hurried to lower the handle time score lower in review"),
    ),
    "csat": (
        _c(
            "survey_response_rate",
            _HAPPY_ONLY,
        ),
        _c("full_resolution_time", "tickets held open to over-serve a customer take longer to resolve"),
    ),
    "csat_mean": (
        _c(
            "survey_response_rate",
            _HAPPY_ONLY,
        ),
        _c("full_resolution_time", "tickets held open to over-serve a customer take longer to resolve"),
    ),
    "nps": (
        _c(
            "survey_response_rate",
            _HAPPY_ONLY,
        ),
    ),
    "enps": (
        _c(
            "survey_response_rate",
            _HAPPY_ONLY,
        ),
    ),
    "ces": (_c("survey_response_rate", "surveys sent only after easy contacts lower the response rate"),),
    "survey_response_rate": (_c("csat", "customers pressed to answer a survey answer it less kindly"),),
    "attrition_rate": (
        _c("qa_score", "keeping every agent whatever their work lowers the quality reviewed"),
    ),
    "retention_rate": (
        _c("qa_score", "keeping every agent whatever their work lowers the quality reviewed"),
    ),
    "qa_score": (
        _c("aht", _CHECKLIST + ", and lengthens calls"),
        _c("tickets_solved_per_hour", _CHECKLIST + ", and slows the work"),
    ),
    "qa_auto_fail_rate": (
        _c("aht", "every scripted step read out to avoid an automatic fail lengthens calls"),
    ),
    "tickets_solved_per_hour": (
        _c("reopen_rate", _CLOSED_EARLY),
        _c("csat", _RUSHED),
        _c("qa_score", "work hurried to solve more per hour scores lower in review"),
    ),
    "replies_per_hour": (
        _c("agent_replies", "more, shorter replies per ticket raise the replies per hour"),
        _c("csat", _RUSHED),
    ),
    "churn_rate": (),
    "customer_retention_rate": (),
    "manager_escalations": (
        _c("full_resolution_time", _HELD_BACK),
        _c("csat", "customers kept from a manager they asked for are less satisfied"),
    ),
    "manager_resolution_rate": (
        _c("reopen_rate", "tickets closed by a manager before the problem is solved come back"),
    ),
    "call_fcr_rate": (
        _c("cross_channel_repeat_rate", "customers told not to call again come back by email or chat"),
        _c("aht", "calls stretched to avoid a callback take longer"),
    ),
    "cross_channel_repeat_rate": (_c("call_fcr_rate", "customers steered back to the phone call again"),),
    "calls_per_hour": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to take more per hour score lower in review"),
    ),
    "calls_per_shift": (
        _c("call_fcr_rate", _SHORT_CALLS),
        _c("qa_score", "calls hurried to take more per shift score lower in review"),
    ),
}


def counter_metrics(metric: str) -> tuple[CounterMetric, ...]:
    """The counter-metrics of `metric` (none for a neutral metric)."""
    return COUNTER_METRICS.get(metric, ())


def unguarded_warnings(targets: Sequence[Target]) -> list[str]:
    """For each target without guardrails whose metric has counter-metrics, a warning suggesting them."""
    warnings = []
    for target in targets:
        suggested = counter_metrics(target.metric)
        if not target.guardrails and suggested:
            names = ", ".join(c.metric for c in suggested)
            listed = ", ".join("{metric: " + c.metric + "}" for c in suggested)
            warnings.append(
                f"target {target.id} has no guardrails; gaming {target.metric} would worsen {names} "
                f"(add `guardrails: [{listed}]`)"
            )
    return warnings


def guardrails_markdown() -> str:
    """The table of docs/targets.md's "Guardrails" section."""
    labels = {m.id: m for m in CATALOGUE}
    lines = ["| metric | better | counter-metrics, and what gaming it would do |", "| --- | --- | --- |"]
    for metric in CATALOGUE:
        if metric.id not in COUNTER_METRICS:
            continue
        counters = COUNTER_METRICS[metric.id]
        text = (
            "; ".join(f"`{c.metric}`: {c.reason}" for c in counters)
            if counters
            else "none: an outcome that service work cannot move cheaply on its own"
        )
        lines.append(f"| `{metric.id}` | {labels[metric.id].direction} | {text} |")
    return "\n".join(lines) + "\n"
