"""ServiceNow incident event log: one row per update of an incident, into tickets and their events.

The log repeats every field of the incident on each update, so the ticket is the incident as its last
update shows it, and the events are what changed from one update to the next: the state (status events,
from which solves and reopens follow) and the assignment group or assignee (assign events). It records
no communication with the caller, so no message events, and hence no first reply, can be derived.

Copies of the public UCI log circulate with the label prefixes stripped ("INC0000045" → "0000045",
"Caller 2403" → "2403", "3 - Moderate" → "3") and a mangled header; bare numbers get their label back
and the mangled names are role aliases, so both copies give the same rows.
"""

from __future__ import annotations

from pathlib import Path

from kpidesk.ingest._errors import MappingError
from kpidesk.ingest._sql import literal
from kpidesk.ingest.exports._format import (
    LINE,
    ExportContext,
    ExportFormat,
    Role,
    SourceFigure,
    SourceTable,
)

__all__ = ["FORMAT"]

_TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M"
_ORDERS = ("file", "sys_mod_count", "sys_updated_at")
_ESCALATIONS = ("priority_raise", "none")

ROLES = (
    Role("number", "number", description="incident number"),
    Role("incident_state", "incident_state", description="state after the update", aliases=("ident_state",)),
    Role("sys_mod_count", "sys_mod_count", description="update counter of the incident"),
    Role("sys_updated_at", "sys_updated_at", description="when the update was made"),
    Role("opened_at", "opened_at", description="when the incident was opened"),
    Role("sys_updated_by", "sys_updated_by", required=False, description="who made the update"),
    Role("reassignment_count", "reassignment_count", required=False),
    Role("reopen_count", "reopen_count", required=False),
    Role("made_sla", "made_sla", required=False, description="whether the incident met its SLA"),
    Role("caller_id", "caller_id", required=False, description="the caller (customer)"),
    Role("contact_type", "contact_type", required=False, description="channel"),
    Role("category", "category", required=False),
    Role("priority", "priority", required=False),
    Role("assignment_group", "assignment_group", required=False),
    Role("assigned_to", "assigned_to", required=False),
    Role("resolved_at", "resolved_at", required=False, description="last resolution"),
    Role("closed_at", "closed_at", required=False),
)

#: Lower-cased incident_state → canonical ticket status. Waiting on the caller is `pending`, waiting on
#: anyone else (a vendor, a problem record) is `hold`.
STATUSES = {
    "new": "new",
    "active": "open",
    "in progress": "open",
    "awaiting user info": "pending",
    "awaiting evidence": "pending",
    "awaiting problem": "hold",
    "awaiting vendor": "hold",
    "on hold": "hold",
    "resolved": "solved",
    "closed": "closed",
}

#: The digit ServiceNow's priority labels start with ("1 - Critical", or "1" once stripped) → priority.
PRIORITIES = {"1": "urgent", "2": "high", "3": "normal", "4": "low", "5": "low"}

#: Role → the label the original export writes before a bare number ("Caller 2403").
LABELS = {
    "number": "INC",
    "caller_id": "Caller ",
    "sys_updated_by": "Updated by ",
    "category": "Category ",
    "assignment_group": "Group ",
    "assigned_to": "Resolver ",
}

DOCUMENTATION = """\
A ServiceNow incident export with one row per update of an incident (the public UCI "incident
management process enriched event log" is one), read into `tickets` and `ticket_events`. Timestamps are
`d/m/yyyy HH:MM` (setting `timestamp_format` for another strptime layout) in the zone of the user who
exported them, read in the workspace's zone unless `--timezone` or `timezone:` names another; `?` means
no value.

**Tickets**: one per `number`, from the incident's last update (in the update order below).

| ticket column | from |
| --- | --- |
| `ticket_id` | `number` (a bare number gets its `INC` prefix back: `0000045` → `INC0000045`) |
| `created_at` | `opened_at` |
| `channel` | `contact_type`, lower-cased (`phone`, `email`, `self service`, `ivr`, `direct opening`) |
| `priority` | `priority`, by its leading digit (below) |
| `status` | `incident_state` (below) |
| `customer_id` | `caller_id` |
| `agent_id` | `assigned_to` |
| `team_id` | `assignment_group` |
| `category` | `category` |
| `reopen_count`, `reassignment_count` | the same fields of the last update |
| `sla_met` | `made_sla` of the last update; it is what `sla_attainment` reports as `sla_metric = source` |
| `escalation_level` | 1 plus the number of escalations (below) |
| `first_solved_at` | the first update that moved the incident into Resolved (or Closed) |
| `last_solved_at` | `resolved_at` of the last update, else the last update moving it to Resolved or Closed |
| `closed_at` | `closed_at` of the last update |

- Priority: `1 - Critical` → `urgent`, `2 - High` → `high`, `3 - Moderate` → `normal`, `4 - Low` and
  `5 - Planning` → `low`, read from the leading digit, so the stripped `1`…`5` map alike; other values
  are kept as written.
- Status: New → `new`; Active, In Progress → `open`; Awaiting User Info, Awaiting Evidence (waiting on
  the caller) → `pending`; Awaiting Problem, Awaiting Vendor, On Hold (waiting on someone else) →
  `hold`; Resolved → `solved`; Closed → `closed` (any case).

`first_solved_at` and `last_solved_at` are filled only when the last update is Resolved or Closed.
Bare numbers in `caller_id`, `assigned_to`, `assignment_group`, `category` and `sys_updated_by` get their
label back (`Caller `, `Resolver `, `Group `, `Category `, `Updated by `), so an export whose prefixes
were stripped gives the same ids as the original.

**Events**, per incident, walking its updates in order:

- `created` at `opened_at`, by the caller (`actor_type` customer, `actor_id` = `caller_id`);
- `status` at the first update and at every update whose `incident_state` differs from the previous
  update's, with the status above; `actor_id` = `sys_updated_by`;
- `assign` at the first update that has an assignment group or assignee and at every update where
  either changes, with `team_id` = `assignment_group` and `agent_id` = `assigned_to`;
- `escalate` at every update that raises the priority above every priority the incident had before
  (`3 - Moderate` → `2 - High`; a later `3` → `2` again is not a new escalation), with `level` 2 for the
  first, 3 for the second… The log has no escalation field of its own, so a raised priority is the
  escalation it records (setting `escalation: none` derives none: then `escalation_rate` is 0 and says
  nothing).

Event ids are `number/sys_mod_count/kind` (`INC0000045/00002/status`; `INC0000045/created`), with `.2`,
`.3`… after the counter when an incident has several updates with the same `sys_mod_count`, so importing
the same log again changes nothing and a longer log of the same incidents only adds events.

Ticket facts come from these events: solves and reopens (Resolved → Active is a reopen) from the status
events, reassignments (changes of group or assignee after the first assignment — ServiceNow's own
`reassignment_count`, kept on the ticket, counts group changes) from the assign events, full resolution
time from `opened_at` to the last update that moved the incident into Resolved or Closed. That update
can be earlier than `resolved_at` when ServiceNow re-stamped the resolution without a change of state.

**Update order.** Updates are walked in the order of the file (setting `update_order: file`, the
default), the order ServiceNow lists them in; `sys_mod_count` and `sys_updated_at` are the other
choices, each with the remaining two and then the line as tie-breakers. In the UCI log the file's order
is the one that gives every incident exactly its `reopen_count`: a few incidents' first rows carry an
out-of-sequence counter or time. An event whose update is timed before an earlier update is placed at
the latest earlier update time, so events keep the order of the updates; that repair is listed in
`rejected_rows` (column `sys_updated_at`) with the time it was given, and counted as repaired.

**Rejected**: an update whose `incident_state` is not one of the states above gives a status event
that is rejected with its line (the UCI log has `-100` on 7 updates of 2 incidents, between Active or
New and Resolved: 2 status events); map it with `values: {status: {"-100": open}}` to keep it. An
incident whose last update has such a state is rejected as a ticket. Values that are not timestamps,
whole numbers or `true`/`false` are rejected with file, line and column like in any import.

**The log's own figures** (below) are the incident's last update's values, like the ticket's fields:
the log repeats them on every update, and the last one is what ServiceNow held when the log ended.
`kpidesk reconcile` sets them against what kpidesk derives from the updates.

**Lost**: the log holds no messages, so `first_reply_time`, `reply_time` and the reply counts are not
available from this source (every ticket counts as `unanswered`; ServiceNow's `made_sla` is the SLA
outcome to read). Escalation to another group is not told apart from any other reassignment. Not
imported: `active`, `opened_by`, `sys_created_by`, `sys_created_at`, `location`, `subcategory`,
`u_symptom`, `cmdb_ci`, `impact`, `urgency`, `knowledge`, `u_priority_confirmation`, `notify`,
`problem_id`, `rfc`, `vendor`, `caused_by`, `closed_code`, `resolved_by`.
"""


def _value(src: SourceTable, role: str) -> str:
    """The role's text with ServiceNow's `?` and blanks as NULL and, for bare numbers, the label back."""
    text = f"nullif(nullif(trim({src.col(role)}), ''), '?')"
    label = LABELS.get(role)
    if label is None:
        return text
    return f"CASE WHEN regexp_full_match({text}, '[0-9]+') THEN {literal(label)} || {text} ELSE {text} END"


def _mapped(expression: str, mapping: dict[str, str]) -> str:
    """SQL mapping lower-cased `expression` through `mapping`, keeping unknown values as written."""
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"CASE lower({expression}) {cases} ELSE {expression} END"


def _setting(ctx: ExportContext, name: str, default: str, choices: tuple[str, ...] = ()) -> str:
    value = str(ctx.options.settings.get(name, default))
    if choices and value not in choices:
        raise MappingError(
            f"{ctx.options.origin}: settings.{name}: expected one of {', '.join(choices)}, got {value!r}"
        )
    return value


def _stage_updates(ctx: ExportContext, src: SourceTable, fmt: str, order: str, escalation: str) -> str:
    """A helper table: one row per update with its values, its place in the incident and what changed.

    With `escalation` priority_raise, an update escalates when it raises the priority above every
    priority the incident had before (a lower ServiceNow number is a higher priority).
    """
    updates = ctx.temp_name("updates")
    raised = "coalesce(priority_rank < highest_before, false)"
    escalates = raised if escalation == "priority_raise" else "false"
    fmt_sql = literal(fmt)
    ordering = {
        "file": "line",
        "sys_mod_count": "mod_count, updated_ts, line",
        "sys_updated_at": "updated_ts, mod_count, line",
    }[order]
    state = _value(src, "incident_state")
    ctx.con.execute(
        f"""
        CREATE TEMP TABLE {updates} AS
        WITH raw AS (
            SELECT {src.line} AS line,
                {_value(src, "number")} AS ticket_id,
                {state} AS state,
                {_mapped(state, STATUSES)} AS status,
                {_value(src, "sys_mod_count")} AS mod_text,
                try_cast({_value(src, "sys_mod_count")} AS BIGINT) AS mod_count,
                {_value(src, "sys_updated_at")} AS updated_at,
                try_strptime({_value(src, "sys_updated_at")}, {fmt_sql}) AS updated_ts,
                {_value(src, "sys_updated_by")} AS updated_by,
                {_value(src, "opened_at")} AS opened_at,
                {_value(src, "contact_type")} AS contact_type,
                {_value(src, "priority")} AS priority,
                CASE WHEN regexp_full_match({_value(src, "priority")}, '[1-5]( *-.*)?')
                    THEN CAST(substr({_value(src, "priority")}, 1, 1) AS INTEGER) END AS priority_rank,
                {_value(src, "caller_id")} AS caller_id,
                {_value(src, "assigned_to")} AS assigned_to,
                {_value(src, "assignment_group")} AS assignment_group,
                {_value(src, "category")} AS category,
                {_value(src, "reopen_count")} AS reopen_count,
                {_value(src, "reassignment_count")} AS reassignment_count,
                {_value(src, "made_sla")} AS made_sla,
                {_value(src, "resolved_at")} AS resolved_at,
                {_value(src, "closed_at")} AS closed_at
            FROM {src.table}
        ),
        ranked AS (
            SELECT *,
                row_number() OVER incident AS position,
                count(*) OVER (PARTITION BY ticket_id) AS updates,
                row_number() OVER (PARTITION BY ticket_id, mod_text ORDER BY {ordering}) AS same_count,
                lag(state) OVER incident AS previous_state,
                lag(assignment_group) OVER incident AS previous_group,
                lag(assigned_to) OVER incident AS previous_agent,
                min(priority_rank) OVER (PARTITION BY ticket_id ORDER BY {ordering}
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS highest_before,
                max(updated_ts) OVER (PARTITION BY ticket_id ORDER BY {ordering}
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS event_ts,
                status IN ('solved', 'closed') AS is_solved,
                lag(status IN ('solved', 'closed')) OVER incident AS was_solved,
                bool_or(assignment_group IS NOT NULL OR assigned_to IS NOT NULL) OVER (
                    PARTITION BY ticket_id ORDER BY {ordering}
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS assigned_before
            FROM raw
            WINDOW incident AS (PARTITION BY ticket_id ORDER BY {ordering})
        )
        SELECT *,
            CASE WHEN event_ts > updated_ts THEN strftime(event_ts, {fmt_sql}) ELSE updated_at END
                AS event_at,
            ticket_id || '/' || coalesce(lpad(mod_text, 5, '0'), '')
                || CASE WHEN same_count > 1 THEN '.' || same_count ELSE '' END AS update_id,
            position = 1 OR state IS DISTINCT FROM previous_state AS state_changed,
            CASE WHEN assigned_before
                THEN assignment_group IS DISTINCT FROM previous_group
                    OR assigned_to IS DISTINCT FROM previous_agent
                ELSE assignment_group IS NOT NULL OR assigned_to IS NOT NULL END AS assignment_changed,
            is_solved AND was_solved IS NOT TRUE AS solves,
            {escalates} AS escalates
        FROM ranked
        WHERE ticket_id IS NOT NULL
        """
    )
    return updates


def _reject_moved_events(ctx: ExportContext, src: SourceTable, updates: str) -> None:
    """Events placed after an update timed later: recorded as repaired, with the time they were given."""
    rows = ctx.con.execute(
        f"""
        SELECT line, updated_at, event_at FROM {updates}
        WHERE event_ts > updated_ts AND (state_changed OR assignment_changed)
        ORDER BY line
        """
    ).fetchall()
    for line, updated_at, event_at in rows:
        ctx.repair(
            "events",
            src.display,
            int(line),
            "sys_updated_at",
            updated_at,
            f"this update is timed before an earlier update of the incident; its event is placed at "
            f"{event_at}, the latest earlier update time, so that events keep the order of the updates",
        )


def _reject_missing_numbers(ctx: ExportContext, src: SourceTable) -> None:
    ctx.reject_where(
        "tickets",
        src,
        f"{_value(src, 'number')} IS NULL",
        "number",
        src.col("number"),
        "'the update has no incident number, so it belongs to no ticket'",
    )


def _emit_tickets(ctx: ExportContext, src: SourceTable, updates: str, size: int, parse: dict) -> None:
    labelled = "regexp_full_match(priority, '[0-9]( *-.*)?')"
    priority = f"CASE WHEN {labelled} THEN {_priority_case()} ELSE priority END"
    ctx.emit(
        "tickets",
        src.display,
        f"""
        WITH solves AS (
            SELECT ticket_id,
                arg_min(updated_at, position) AS first_solved_at,
                arg_max(updated_at, position) AS last_solve_at
            FROM {updates} WHERE solves GROUP BY ticket_id
        ), levels AS (
            SELECT ticket_id, 1 + count(*) FILTER (WHERE escalates) AS escalation_level
            FROM {updates} GROUP BY ticket_id
        )
        SELECT u.ticket_id, u.opened_at AS created_at, lower(u.contact_type) AS channel,
            {priority} AS priority, u.status, u.caller_id AS customer_id, u.assigned_to AS agent_id,
            u.assignment_group AS team_id, u.category,
            CASE WHEN u.is_solved THEN s.first_solved_at END AS first_solved_at,
            CASE WHEN u.is_solved THEN coalesce(u.resolved_at, s.last_solve_at) END AS last_solved_at,
            u.closed_at, u.reopen_count, u.reassignment_count, u.made_sla AS sla_met,
            l.escalation_level, u.line AS {LINE}
        FROM {updates} u LEFT JOIN solves s USING (ticket_id) JOIN levels l USING (ticket_id)
        WHERE u.position = u.updates
        """,
        parse=parse,
        size=size,
    )


def _priority_case() -> str:
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in PRIORITIES.items())
    return f"CASE substr(priority, 1, 1) {cases} ELSE priority END"


def _emit_events(ctx: ExportContext, src: SourceTable, updates: str, size: int, parse: dict) -> None:
    ctx.emit(
        "events",
        src.display,
        f"""
        SELECT ticket_id || '/created' AS event_id, ticket_id, opened_at AS at, 'created' AS kind,
            'customer' AS actor_type, caller_id AS actor_id, NULL AS status, NULL AS agent_id,
            NULL AS team_id, NULL AS level, line AS {LINE}
        FROM {updates} WHERE position = updates
        UNION ALL
        SELECT update_id || '/status', ticket_id, event_at, 'status', NULL, updated_by, status, NULL, NULL,
            NULL, line
        FROM {updates} WHERE state_changed
        UNION ALL
        SELECT update_id || '/assign', ticket_id, event_at, 'assign', NULL, updated_by, NULL, assigned_to,
            assignment_group, NULL, line
        FROM {updates} WHERE assignment_changed
        UNION ALL
        SELECT update_id || '/escalate', ticket_id, event_at, 'escalate', NULL, updated_by, NULL, NULL,
            NULL, level, line
        FROM (
            SELECT *, 1 + count(*) FILTER (WHERE escalates) OVER (
                PARTITION BY ticket_id ORDER BY position ROWS UNBOUNDED PRECEDING) AS level
            FROM {updates}
        ) WHERE escalates
        ORDER BY {LINE}, kind
        """,
        parse=parse,
        size=size,
    )


#: ServiceNow's own figures of an incident, from its last update (stamped to the minute).
FIGURES = (
    SourceFigure(
        "full_resolution_time",
        "ticket",
        "resolved_at",
        "seconds from `opened_at` to `resolved_at`, ServiceNow's resolution stamp (also kept as `at`)",
        precision_s=60,
    ),
    SourceFigure("closed_at", "ticket", "closed_at", "when ServiceNow closed the incident (`at`)"),
    SourceFigure("reopens", "ticket", "reopen_count", "reopens ServiceNow counted"),
    SourceFigure("reassignments", "ticket", "reassignment_count", "reassignments ServiceNow counted"),
    SourceFigure("sla_met", "ticket", "made_sla", "1 when ServiceNow says the SLA was made, else 0"),
)


def _emit_figures(ctx: ExportContext, src: SourceTable, updates: str, size: int, parse: dict) -> None:
    fmt = literal(str(parse["timestamp_format"]))
    seconds = f"epoch(try_strptime(resolved_at, {fmt})) - epoch(try_strptime(opened_at, {fmt}))"
    made = "CASE lower(made_sla) WHEN 'true' THEN '1' WHEN 'false' THEN '0' ELSE made_sla END"
    figures = [
        ("full_resolution_time", f"CAST({seconds} AS VARCHAR)", "resolved_at", "resolved_at"),
        ("closed_at", "NULL", "closed_at", "closed_at"),
        ("reopens", "reopen_count", "NULL", "reopen_count"),
        ("reassignments", "reassignment_count", "NULL", "reassignment_count"),
        ("sla_met", made, "NULL", "made_sla"),
    ]
    parts = [
        f"SELECT ticket_id AS unit_id, {literal(name)} AS figure, CAST({value} AS VARCHAR) AS value, "
        f'CAST({at} AS VARCHAR) AS "at", line AS {LINE} '
        f"FROM {updates} WHERE position = updates AND {present} IS NOT NULL"
        for name, value, at, present in figures
    ]
    ctx.emit_figures(
        src.display, " UNION ALL ".join(parts) + f" ORDER BY {LINE}, figure", parse=parse, size=size
    )


def convert(ctx: ExportContext, files: list[Path]) -> None:
    fmt = _setting(ctx, "timestamp_format", _TIMESTAMP_FORMAT)
    order = _setting(ctx, "update_order", "file", _ORDERS)
    escalation = _setting(ctx, "escalation", "priority_raise", _ESCALATIONS)
    parse = {"timestamp_format": fmt, "null_values": ["", "?"]}
    for path in files:
        src = ctx.read(path, ROLES)
        size = path.stat().st_size
        with ctx.step(f"ordering the updates of {path.name}", size):
            updates = _stage_updates(ctx, src, fmt, order, escalation)
        _reject_missing_numbers(ctx, src)
        _reject_moved_events(ctx, src, updates)
        _emit_tickets(ctx, src, updates, size, parse)
        _emit_events(ctx, src, updates, size, parse)
        _emit_figures(ctx, src, updates, size, parse)
        ctx.drop(updates)


FORMAT = ExportFormat(
    name="servicenow",
    title="ServiceNow incident event log",
    description="ServiceNow incident export with one row per update: tickets from each incident's last "
    "update, status and assignment events from the changes between updates.",
    kinds=("tickets", "events", "figures"),
    convert=convert,
    roles=ROLES,
    settings={
        "update_order": "how an incident's updates are ordered: file (default), sys_mod_count or "
        "sys_updated_at; the other two, then the line, break ties",
        "timestamp_format": f"strptime layout of the export's timestamps (default {_TIMESTAMP_FORMAT})",
        "escalation": "priority_raise (default): an update that raises the priority above every earlier "
        "one is an escalation; none: the log says nothing of escalation",
    },
    suffixes=(".csv",),
    documentation=DOCUMENTATION,
    figures=FIGURES,
)
