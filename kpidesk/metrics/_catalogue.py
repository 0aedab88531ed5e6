"""The metric catalogue: every KPI's id, unit, direction and written definition.

This is the one place a definition is written. `kpidesk metrics` prints it and docs/metrics.md is
generated from it, so what users read is what the code computes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk import InvalidRequest
from kpidesk.metrics._capabilities import ANSWERS, HANDLE_TIMES, LEVELS, MESSAGES, SOLVES, Capability
from kpidesk.metrics._kinds import KINDS, MetricKind, get_kind

__all__ = ["CATALOGUE", "METRIC_OPTIONS", "Metric", "get_metric"]


@dataclass(frozen=True)
class Metric:
    """One KPI.

    `kind` names how its sample is summarised, one of `KINDS` (`kind_object` is its behaviour):
    `count` (rows), `proportion` (share of true values, Wilson interval), `duration` (seconds: mean,
    median, p90 or any percentile), `mean` (per-unit average, t interval), `ratio` (a ratio of sums over
    units), `nps` (promoters minus detractors, a score from −100 to +100 from per-response values +1, 0,
    −1, with the NPS interval), `rate` (events per unit of exposure — staffed hours, average headcount —
    with the exact Poisson interval), `rate_complement` (1 − such a rate). `area` names the facts it is
    measured on: `tickets`, `calls`, `surveys`, `people`, `qa`, `customers` or `staffing` (agent states).
    `needs` names what a source must hold for the metric to be measured from it (messages, solves,
    answered calls…); from a source that lacks one, the metric is not available.

    `default_stat` is part of a duration's definition: the statistic reported when none is asked for
    (ASA and AHT are averages by name, so theirs is the mean; other durations report the median).
    """

    id: str
    label: str
    kind: str
    unit: str
    direction: str
    definition: str
    anchor: str
    options: tuple[str, ...] = ()
    area: str = "tickets"
    needs: tuple[Capability, ...] = ()
    default_stat: str = "median"

    def __post_init__(self) -> None:
        get_kind(self.kind)

    @property
    def kind_object(self) -> MetricKind:
        """The kind's behaviour: aggregation, intervals, limits and text (see `kpidesk.metrics._kinds`)."""
        return KINDS[self.kind]

    @property
    def statistic(self) -> str:
        """The statistic a result reports by default: the duration's `default_stat`, else its kind's."""
        return self.kind_object.reported_statistic(self.default_stat)

    @property
    def limits(self) -> tuple[float | None, float | None]:
        """The values the metric can take: no interval bound reaches past them (a mean wait's interval
        stops at 0 s, a proportion or retention at 0 and 1, NPS at −100 and +100, a QA score at 0 and 100).
        Survey scores keep their survey's own scale, so they have no fixed limits."""
        return self.kind_object.limits(self.unit)


#: Options of `[metrics]` in kpidesk.toml, with what each one does.
METRIC_OPTIONS = {
    "fcr": "Definition of first contact resolution: `one_reply` (default), `no_customer_followup` or "
    "`no_repeat_contact`.",
    "fcr_repeat_days": "Days after the solve in which a new ticket from the same customer breaks "
    "`no_repeat_contact` FCR (default 7).",
    "repeat_contact_days": "Days after the solve in which a new ticket from the same customer counts as a "
    "repeat contact (default 7).",
    "service_level_seconds": "The T of service level SL(T): calls answered within this many seconds of "
    "entering the queue count as answered in time (default 20).",
    "short_abandon_seconds": "Abandoned calls that left the queue in fewer seconds than this are left out of "
    "the service level's denominator (default 0: none are).",
    "attrition_annualised": "Multiply the attrition rate (and so the retention rate) by the periods per "
    "year: 365 for days, 52 for weeks, 12 for months, 4 for quarters, 1 for years, 365 / its days for "
    "`all` (default false).",
    "manager_level": "Support level at which an `escalate` event reaches a manager, as an `assign` event to "
    "an agent whose role is `manager` does (default 3: agent 1, lead 2, manager 3).",
    "small_sample": "Groups with fewer units than this are flagged `small_sample` (default 30).",
    "confidence": "Confidence level of every interval (default 0.95).",
}

_SOLVED = "the period of the ticket's last solve"
_ARRIVED = "the call's arrival in the agent queue"
_PERIOD_END = "the period's end"
_REVIEWED = "the review (`reviewed_at`)"
_DONE_WHILE_STAFFED = "the solve or reply; staffed time cut at the period's bounds"
_CUSTOMER_BASE = "the period (customers active at its start)"
_RESPONDED = "the survey's response (its send when the response is undated)"

CATALOGUE: tuple[Metric, ...] = (
    Metric(
        "volume",
        "Tickets created",
        "count",
        "tickets",
        "neutral",
        "Tickets created in the period.",
        "the ticket's creation",
    ),
    Metric(
        "solved",
        "Tickets solved",
        "count",
        "tickets",
        "higher",
        "Tickets whose last solve falls in the period (a ticket solved, reopened and solved again counts "
        "once, in the period of its final solve).",
        _SOLVED,
        needs=(SOLVES,),
    ),
    Metric(
        "backlog",
        "Backlog",
        "count",
        "tickets",
        "lower",
        "Tickets open (not solved or closed) at the end of the period — a stock measured from each "
        "ticket's open spans, not created minus solved. Each source's tickets are counted until its own "
        "last instant: the period holding it is measured at that instant, later periods hold none of them.",
        "the period's end",
        needs=(SOLVES,),
    ),
    Metric(
        "backlog_age",
        "Backlog age",
        "duration",
        "seconds",
        "lower",
        "Age (time since creation) of the tickets in the backlog at the end of the period.",
        "the period's end",
        needs=(SOLVES,),
    ),
    Metric(
        "first_reply_time",
        "First reply time",
        "duration",
        "seconds",
        "lower",
        "Time from the ticket's creation to the first public agent message. Messages from bots and the "
        "system and private notes never count. For a ticket an agent opened with a public message, the "
        "clock starts at the first customer message after it. Tickets with no reply yet have no value and "
        "are counted as `unanswered`.",
        "the ticket's creation",
        needs=(MESSAGES,),
    ),
    Metric(
        "reply_time",
        "Reply time",
        "duration",
        "seconds",
        "lower",
        "For each stretch of customer messages not yet answered, the time from the oldest of them to the "
        "next public agent message; summarised over all stretches (average response time).",
        "the reply that ends the stretch",
        needs=(MESSAGES,),
    ),
    Metric(
        "first_resolution_time",
        "First resolution time",
        "duration",
        "seconds",
        "lower",
        "Time from creation to the first solve.",
        _SOLVED,
        needs=(SOLVES,),
    ),
    Metric(
        "full_resolution_time",
        "Full resolution time",
        "duration",
        "seconds",
        "lower",
        "Time from creation to the last solve.",
        _SOLVED,
        needs=(SOLVES,),
    ),
    Metric(
        "agent_replies",
        "Agent replies per ticket",
        "mean",
        "replies per ticket",
        "lower",
        "Public agent messages per solved ticket (interactions).",
        _SOLVED,
        needs=(SOLVES, MESSAGES),
    ),
    Metric(
        "reassignments",
        "Reassignments per ticket",
        "mean",
        "reassignments per ticket",
        "lower",
        "Changes of assignee (agent or team) after the first assignment, per solved ticket (handoffs).",
        _SOLVED,
        needs=(SOLVES,),
    ),
    Metric(
        "one_touch_rate",
        "One-touch rate",
        "proportion",
        "ratio",
        "higher",
        "Solved tickets with at most one public agent reply and no reopen / solved tickets.",
        _SOLVED,
        needs=(SOLVES, MESSAGES),
    ),
    Metric(
        "fcr_rate",
        "First contact resolution",
        "proportion",
        "ratio",
        "higher",
        "Share of solved tickets resolved at first contact. `one_reply` (default): exactly one public agent "
        "reply, no reopen, no escalation. `no_customer_followup`: no reopen, no escalation and no customer "
        "message after the first agent reply. `no_repeat_contact`: no reopen and no new ticket from the "
        "same customer created before `fcr_repeat_days` days after the solve.",
        _SOLVED,
        ("fcr", "fcr_repeat_days"),
        needs=(SOLVES, MESSAGES),
    ),
    Metric(
        "resolution_rate",
        "Resolution rate",
        "proportion",
        "ratio",
        "higher",
        "Solved in the period / (backlog at the period's start + created in the period): of the tickets "
        "open at the start or created during the period, the share whose last solve falls in the period.",
        "the period",
        needs=(SOLVES,),
    ),
    Metric(
        "reopen_rate",
        "Reopen rate",
        "proportion",
        "ratio",
        "lower",
        "Tickets solved in the period that were reopened at least once / tickets solved in the period.",
        _SOLVED,
        needs=(SOLVES,),
    ),
    Metric(
        "escalation_rate",
        "Escalation rate",
        "proportion",
        "ratio",
        "lower",
        "Tickets escalated (an escalate event, or a support level above 1) / tickets created.",
        "the ticket's creation",
        needs=(LEVELS,),
    ),
    Metric(
        "repeat_contact_rate",
        "Repeat contact rate",
        "proportion",
        "ratio",
        "lower",
        "Solved tickets whose customer opened another ticket after this one was created and no later than "
        "`repeat_contact_days` days after its last solve / solved tickets.",
        _SOLVED,
        ("repeat_contact_days",),
        needs=(SOLVES,),
    ),
    Metric(
        "sla_attainment",
        "SLA attainment",
        "proportion",
        "ratio",
        "higher",
        "Per SLA policy, priority and SLA metric (`first_reply`, `reply`, `resolution` = full resolution): "
        "targets met / (met + breached), measured in the policy's calendar (business hours unless the "
        "policy says otherwise). A ticket still waiting counts as breached once its elapsed time passes "
        "the target, and is left out while it is still within it. Tickets whose source carries its own SLA "
        "outcome (e.g. ServiceNow `made_sla`) are reported under SLA metric `source`.",
        "the ticket's creation (for `reply`, the start of the stretch)",
    ),
    Metric(
        "offered",
        "Calls offered",
        "count",
        "calls",
        "neutral",
        "Calls that entered the agent queue (those with an arrival time). Calls that never queued, such as "
        "calls that ended in the IVR, are not offered and no call metric counts them.",
        _ARRIVED,
        area="calls",
    ),
    Metric(
        "answered",
        "Calls answered",
        "count",
        "calls",
        "higher",
        "Offered calls an agent answered.",
        _ARRIVED,
        area="calls",
        needs=(ANSWERS,),
    ),
    Metric(
        "abandoned",
        "Calls abandoned",
        "count",
        "calls",
        "lower",
        "Offered calls that left the queue unanswered (the caller hung up or the call ended before an "
        "agent answered); every offered call is either answered or abandoned.",
        _ARRIVED,
        area="calls",
        needs=(ANSWERS,),
    ),
    Metric(
        "abandonment_rate",
        "Abandonment rate",
        "proportion",
        "ratio",
        "lower",
        "Abandoned calls / offered calls.",
        _ARRIVED,
        area="calls",
        needs=(ANSWERS,),
    ),
    Metric(
        "asa",
        "Average speed of answer",
        "duration",
        "seconds",
        "lower",
        "Time answered calls waited in the queue, from arrival to answer; reported as the mean (the ASA), "
        "and the median and percentiles are available like every duration. A caller waits in real time: "
        "the wait is always in calendar seconds, also with business hours, the same clock as service "
        "level and abandonment.",
        _ARRIVED,
        area="calls",
        default_stat="mean",
        needs=(ANSWERS,),
    ),
    Metric(
        "service_level",
        "Service level",
        "proportion",
        "ratio",
        "higher",
        "SL(T): calls answered within `service_level_seconds` seconds of arrival (wait ≤ T) / offered "
        "calls. Abandoned calls that left the queue in fewer than `short_abandon_seconds` seconds are left "
        "out of the denominator (an abandon whose leaving time is unknown stays in). The wait is always "
        "measured in calendar seconds, also with business hours.",
        _ARRIVED,
        ("service_level_seconds", "short_abandon_seconds"),
        area="calls",
        needs=(ANSWERS,),
    ),
    Metric(
        "aht",
        "Average handle time",
        "duration",
        "seconds",
        "lower",
        "Talk + hold + wrap-up time of answered calls, a missing part counting as 0; a call with none of "
        "the three has no handle time and is left out. The mean is the AHT; median and percentiles as for "
        "every duration. The parts are durations reported by the phone system, not instants, so business "
        "hours do not change them.",
        _ARRIVED,
        area="calls",
        default_stat="mean",
        needs=(ANSWERS, HANDLE_TIMES),
    ),
    Metric(
        "csat",
        "Customer satisfaction (CSAT)",
        "proportion",
        "ratio",
        "higher",
        "Responses to `csat` surveys scoring in the top two points of their declared scale "
        "(scale_min–scale_max) / responses: 4 and 5 on 1–5, 9 and 10 on 0–10. A scale of at most two points "
        "(scale_max − scale_min ≤ 1, such as a 0–1 good/bad rating) counts its top point only. A response is "
        "a survey row with a score; its agent and team are the survey's, else its ticket's.",
        _RESPONDED,
        area="surveys",
    ),
    Metric(
        "csat_mean",
        "Mean CSAT score",
        "mean",
        "score",
        "higher",
        "Mean score of `csat` responses, in the scale the surveys declare (group by `source` when sources "
        "use different scales).",
        _RESPONDED,
        area="surveys",
    ),
    Metric(
        "nps",
        "Net Promoter Score",
        "nps",
        "NPS points",
        "higher",
        "Percentage of `nps` responses scoring 9–10 (promoters) minus the percentage scoring 0–6 "
        "(detractors), on the 0–10 scale: a score from −100 to +100, not a percentage. Normal interval "
        "from the variance (p₊ + p₋ − (p₊ − p₋)²) / n, times 100 and kept within ±100.",
        _RESPONDED,
        area="surveys",
    ),
    Metric(
        "enps",
        "Employee Net Promoter Score",
        "nps",
        "NPS points",
        "higher",
        "The NPS of employee surveys, a score from −100 to +100: `enps` responses (0–10 by definition) "
        "and `pulse` responses declared on a 0–10 scale; a `pulse` survey on any other scale asks no "
        "recommend question and is left out.",
        _RESPONDED,
        area="surveys",
    ),
    Metric(
        "ces",
        "Customer effort score",
        "mean",
        "score",
        "higher",
        "Mean score of `ces` responses, in the scale the surveys declare; higher is better on the usual "
        'agreement scale ("the company made it easy to handle my issue", 1–7).',
        _RESPONDED,
        area="surveys",
    ),
    Metric(
        "survey_response_rate",
        "Survey response rate",
        "proportion",
        "ratio",
        "higher",
        "For a source whose surveys carry a send time (any row with `sent_at`): surveys with a score / "
        "surveys of that source, in the period of the send (else of the response). For a source whose "
        "surveys never do: its solved tickets with a scored survey / its solved tickets, in the period of "
        "the last solve. Every survey kind counts; group by `source` to tell them apart.",
        "the survey's send (or, without sends, the ticket's last solve)",
        area="surveys",
    ),
    Metric(
        "headcount",
        "Headcount",
        "count",
        "agents",
        "neutral",
        "Agents active at the end of the period: hired at or before its last instant and not left by "
        "then (no `left_at`, or one after the end) — a stock, whatever the agent's role. Agents without a "
        "hire date are left out of every people metric.",
        _PERIOD_END,
        area="people",
    ),
    Metric(
        "tenure",
        "Tenure",
        "duration",
        "days",
        "neutral",
        "Days from hire to the end of the period of the agents active at its end (the headcount); the "
        "median by default, any statistic of `--stat` on request, with the order-statistic interval. "
        "Calendar days: business hours do not change it.",
        _PERIOD_END,
        area="people",
    ),
    Metric(
        "attrition_rate",
        "Attrition rate",
        "rate",
        "ratio",
        "lower",
        "Leavers in the period / average headcount, where the average headcount is (headcount at the "
        "period's start + headcount at its end) / 2 and a leaver is an agent whose `left_at` falls after "
        "the start and no later than the end. Can exceed 1 when people are hired and leave within the "
        "period; no value when the average headcount is 0. The interval treats leavers as a Poisson count "
        "over the average headcount (exact Garwood interval), which stays valid for few leavers and rates "
        "above 1. With `attrition_annualised` the rate and its interval are multiplied by the periods per "
        "year: 365 for days, 52 for weeks, 12 for months, 4 for quarters, 1 for years, and 365 / its days "
        "for the `all` period. `n` counts the agents employed at some point of the period.",
        "the period (leavers in it; headcount at its start and end)",
        ("attrition_annualised",),
        area="people",
    ),
    Metric(
        "retention_rate",
        "Retention rate",
        "rate_complement",
        "ratio",
        "higher",
        "1 − attrition rate (annualised with `attrition_annualised`), its interval the attrition "
        "interval mirrored; below 0 when the leavers outnumber the average headcount.",
        "the period (leavers in it; headcount at its start and end)",
        ("attrition_annualised",),
        area="people",
    ),
    Metric(
        "qa_score",
        "QA score",
        "mean",
        "points",
        "higher",
        "Mean `score` (0–100) of the QA reviews in the period, as recorded (an auto-failed review keeps "
        "the score its scorecard gave); reviews without a score are left out. Team is the reviewed "
        "agent's team in the agents table.",
        _REVIEWED,
        area="qa",
    ),
    Metric(
        "qa_auto_fail_rate",
        "QA auto-fail rate",
        "proportion",
        "ratio",
        "lower",
        "QA reviews marked `auto_fail` / QA reviews in the period; reviews with no auto-fail flag are left "
        "out.",
        _REVIEWED,
        area="qa",
    ),
    Metric(
        "tickets_solved_per_hour",
        "Tickets solved per staffed hour",
        "rate",
        "tickets per hour",
        "higher",
        "Tickets whose last solve falls in the period, counted for their assignee, / the assignees' staffed "
        "hours in the period. Staffed time is agent-state time `available`, `busy` or `wrap`, cut at the "
        "period's bounds; `away` is not staffed. Only agents with recorded states count, and the team is "
        "the agent's team in the agents table. `n` is the number of tickets; the interval treats them as a "
        "Poisson count over the staffed hours (exact Garwood interval).",
        _DONE_WHILE_STAFFED,
        area="staffing",
    ),
    Metric(
        "replies_per_hour",
        "Replies per staffed hour",
        "rate",
        "replies per hour",
        "higher",
        "Public agent messages in ticket events (by their author) in the period / the authors' staffed "
        "hours in the period, staffed time and interval as for `tickets_solved_per_hour`. Tickets from a "
        "source without events carry no reply times and do not count.",
        _DONE_WHILE_STAFFED,
        area="staffing",
    ),
    Metric(
        "churn_rate",
        "Customer churn rate",
        "proportion",
        "ratio",
        "lower",
        "Customers churned in the period / customers active at its start. Active at the start: created at "
        "or before the period's first instant and not churned before it (a customer churning exactly at "
        "the start is in the base and churns in this period; one churning exactly at the end belongs to "
        "the next). Customers created during the period are not in its base. Customers without a creation "
        "date are left out. Wilson interval.",
        _CUSTOMER_BASE,
        area="customers",
    ),
    Metric(
        "customer_retention_rate",
        "Customer retention rate",
        "proportion",
        "ratio",
        "higher",
        "Customers active at the period's start who did not churn in it / customers active at its start: "
        "1 − churn rate, the Wilson interval mirrored.",
        _CUSTOMER_BASE,
        area="customers",
    ),
    Metric(
        "manager_escalations",
        "Escalations to a manager",
        "count",
        "tickets",
        "lower",
        "Tickets that reached a manager: an `assign` event to an agent whose role is `manager`, or an "
        "`escalate` event to level `manager_level` or above. A ticket counts once, in the period of the "
        "first such event. Only tickets with events are counted (summary fields carry no instant of "
        "escalation).",
        "the ticket's first arrival at a manager",
        ("manager_level",),
    ),
    Metric(
        "manager_resolution_rate",
        "Resolved by the manager",
        "proportion",
        "ratio",
        "higher",
        "Of the tickets that reached a manager, the share resolved there without going further: solved "
        "now, last solved after reaching the manager, and never afterwards assigned to anyone who is not a "
        "manager (or to no agent) nor escalated back below `manager_level` or above the highest level "
        "reached. A hand-over between managers stays there. A ticket still open with the manager is left "
        "out until it is solved or moves on. Wilson interval.",
        "the ticket's first arrival at a manager",
        ("manager_level",),
        needs=(SOLVES,),
    ),
    Metric(
        "call_fcr_rate",
        "Call first contact resolution",
        "proportion",
        "ratio",
        "higher",
        "`no_repeat_contact` FCR for calls: answered calls of a known customer after which that customer "
        "made no other contact — no offered call and no ticket — from the call's arrival until "
        "`fcr_repeat_days` days after the call ended (its answer when the end is unknown) / answered calls "
        "of a known customer. The ticket a call was logged in (`ticket_id`) is part of the call, not a new "
        "contact. Calls and tickets are matched on `customer_id`. The message-based FCR definitions of "
        "`fcr_rate` do not apply to calls, so the `fcr` option does not change this metric.",
        _ARRIVED,
        ("fcr_repeat_days",),
        area="calls",
        needs=(ANSWERS,),
    ),
    Metric(
        "cross_channel_repeat_rate",
        "Repeat contact rate across channels",
        "proportion",
        "ratio",
        "lower",
        "Handled contacts — solved tickets and answered calls of a known customer — after which the same "
        "customer made another contact (a ticket or an offered call) from the contact's start (a ticket's "
        "creation, a call's arrival) until `repeat_contact_days` days after it ended (a ticket's last "
        "solve, a call's end) / handled contacts. A call and the ticket it was logged in are one contact. "
        "`repeat_contact_rate` stays the ticket-only measure of the design; this one also counts calls, "
        "as units and as repeats. Tickets are in the period of their last solve, calls in that of their "
        "arrival.",
        "a ticket's last solve; a call's arrival in the agent queue",
        ("repeat_contact_days",),
        area="calls",
    ),
    Metric(
        "occupancy",
        "Occupancy",
        "ratio",
        "ratio",
        "neutral",
        "Handling time / staffed time, per agent-day summed over the group: talk + hold + wrap of the calls "
        "an agent answered (a missing part as 0), in the local day of the answer, over the agent's staffed "
        "time, agent-state time `available`, `busy` or `wrap` (`away` is not staffed) cut at local midnight "
        "of the default calendar. Only agents with recorded states count; a day with handled calls but no "
        "staffed time adds handling time only, so occupancy can exceed 1 when states are missing. Neither "
        "higher nor lower is simply better: sustained occupancy near 1 means no slack. `n` counts the "
        "agent-days; the interval is the ratio estimator's (agent-days as independent draws).",
        "the local day of the answer and of the staffed time",
        area="staffing",
    ),
    Metric(
        "calls_per_hour",
        "Calls per staffed hour",
        "rate",
        "calls per hour",
        "higher",
        "Answered calls, counted for the answering agent in the local day of the answer, / the agents' "
        "staffed hours (as for `occupancy`). Only agents with recorded states count. `n` is the number of "
        "calls; the interval treats them as a Poisson count over the staffed hours (exact Garwood "
        "interval).",
        "the local day of the answer and of the staffed time",
        area="staffing",
    ),
    Metric(
        "calls_per_shift",
        "Calls per shift",
        "mean",
        "calls per shift",
        "higher",
        "Answered calls per shift. A shift is a run of one agent's staffed states (`available`, `busy`, "
        "`wrap`) in which each state starts less than 30 minutes after the latest end before it: a shorter "
        "`away` state or unrecorded gap is a break within the shift, a longer one ends it, and a night "
        "shift stays one shift across midnight. A call counts in the shift whose span (first start to last "
        "end) holds its answer; calls answered outside every shift are not counted. Shifts without calls "
        "count as 0. t interval over shifts.",
        "the shift's start",
        area="staffing",
    ),
)

_BY_ID = {m.id: m for m in CATALOGUE}


def get_metric(metric_id: str) -> Metric:
    try:
        return _BY_ID[metric_id]
    except KeyError:
        raise InvalidRequest(
            f"unknown metric {metric_id!r}; `kpidesk metrics` lists them: {', '.join(_BY_ID)}"
        ) from None
