"""Case event logs (process-mining exports): one row per status change of a case, into tickets and events.

Such a log says what state a case was in after each change, which team and person held it and at which
support level. The ticket facts need events instead: the statuses as canonical statuses, a handoff
whenever the holder changes, an escalation whenever the level rises. Everything is derived per case in
one pass of window functions ordered by time, with the source line as the tie-breaker, so equal
timestamps always give the same order and the same event ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kpidesk.ingest._binding import Binding
from kpidesk.ingest._convert import type_reason, typed
from kpidesk.ingest._errors import MappingError
from kpidesk.ingest._sql import literal
from kpidesk.ingest.exports._file_rows import emit_by_file, reject_problems
from kpidesk.ingest.exports._format import ExportContext, ExportFormat, Role, SourceTable, blank
from kpidesk.warehouse import TICKET_STATUSES, Column

__all__ = ["FORMAT", "PRIORITIES", "STATUSES"]

#: Source status (``"Status / Sub Status"``, or ``"Status"`` when the row has no sub-status), in lower
#: case, → canonical status. The values are those of the BPI Challenge 2013 Volvo IT incident log.
STATUSES: dict[str, str] = {
    "queued / awaiting assignment": "open",
    "accepted / assigned": "open",
    "accepted / in progress": "open",
    "accepted / wait": "pending",
    "accepted / wait - user": "pending",
    "accepted / wait - customer": "pending",
    "accepted / wait - vendor": "hold",
    "accepted / wait - implementation": "hold",
    "completed / resolved": "solved",
    "completed / in call": "solved",
    "completed / closed": "closed",
    "completed / cancelled": "closed",
    "unmatched / unmatched": "open",
}

#: Source impact or priority, in lower case, → canonical priority (the names SLA policies use).
PRIORITIES: dict[str, str] = {"major": "urgent", "critical": "urgent", "high": "high", "medium": "normal"}

ROLES = (
    Role("case", "SR Number", description="case id", aliases=("case_id", "Case ID", "case")),
    Role("at", "Change Date+Time", description="when the status changed", aliases=("timestamp", "time")),
    Role("status", "Status", description="status after the change"),
    Role("sub_status", "Sub Status", required=False, description="sub-status after the change"),
    Role(
        "team", "Involved ST", required=False, description="support team holding the case", aliases=("team",)
    ),
    Role(
        "level",
        "ST Level",
        required=False,
        description="support level (L1, L2, '3rd'...)",
        aliases=("level", "support_level"),
    ),
    Role(
        "owner",
        "Resource",
        required=False,
        description="person holding the case",
        aliases=("Owner First Name", "owner"),
    ),
    Role(
        "impact",
        "SR Latest Impact",
        required=False,
        description="impact or priority",
        aliases=("impact", "priority"),
    ),
    Role(
        "product",
        "Product",
        required=False,
        description="product, kept as the category",
        aliases=("category",),
    ),
)

SETTINGS = {
    "statuses": 'source status → canonical status, e.g. {"Accepted / Wait": hold, "Parked": hold}; keys are '
    '"Status / Sub Status" (or "Status" for rows without a sub-status), any case; they extend and override '
    "the built-in table",
    "priorities": "source impact → canonical priority, e.g. {Major: urgent}; other values are kept in lower "
    "case",
    "timestamp_format": "strptime format of the timestamps when they are not ISO 8601",
}

_LEVEL_WORD = r"(?i)(?:^|[^a-z0-9])l([0-9]+)(?:[^0-9]|$)"
_ORDINAL = r"(?i)([0-9]+)(?:st|nd|rd|th)(?:[^a-z]|$)"


def _level(sql: str, *, ordinal_only: bool) -> str:
    """The lowest support level a text names: "L2", "L2/L3" → 2, "V5 3rd" → 3, "2" → 2.

    A team that serves two lines ("L2/L3", "2nd 3rd") is put at the lower one: the log cannot tell which
    line worked on the case. Read from a team name (`ordinal_only`), a name without an ordinal is level 1.
    """
    ordinal = f"list_min(list_transform(regexp_extract_all({sql}, '{_ORDINAL}', 1), lambda x: x::INTEGER))"
    if ordinal_only:
        return f"CASE WHEN {sql} IS NOT NULL THEN coalesce({ordinal}, 1) END"
    word = f"list_min(list_transform(regexp_extract_all({sql}, '{_LEVEL_WORD}', 1), lambda x: x::INTEGER))"
    bare = f"CASE WHEN regexp_full_match({sql}, '[0-9]+') THEN {sql}::INTEGER END"
    return f"coalesce({word}, {ordinal}, {bare})"


def _lookup(
    settings: dict[str, Any], name: str, defaults: dict[str, str], allowed: tuple[str, ...] | None
) -> dict[str, str]:
    given = settings.get(name) or {}
    if not isinstance(given, dict):
        raise MappingError(f"settings.{name}: expected source value: canonical value pairs")
    table = dict(defaults)
    for key, value in given.items():
        if allowed is not None and str(value).strip().lower() not in allowed:
            raise MappingError(
                f"settings.{name}.{key}: {value!r} is not a canonical status; expected one of "
                f"{', '.join(allowed)}"
            )
        table[" / ".join(p.strip() for p in str(key).lower().split("/"))] = str(value).strip().lower()
    return table


def _case(key: str, table: dict[str, str]) -> str:
    """SQL looking `key` up in `table`; NULL when it is not there."""
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in sorted(table.items()))
    return f"CASE {key} {whens} END" if table else "NULL"


def _stage(ctx: ExportContext, src: SourceTable, file_no: int, rows: str) -> None:
    """One file's rows with parsed values and the first problem of each row (NULL when it has none)."""
    settings = ctx.options.settings
    at_raw = blank(src.col("at"))
    fmt = settings.get("timestamp_format")
    at_binding = Binding(
        Column("at", "TIMESTAMP"), "column", (src.roles["at"],), formats=(str(fmt),) if fmt else None
    )
    status, sub = blank(src.col("status")), blank(src.col("sub_status"))
    level_text = blank(src.col("level")) if src.has("level") else blank(src.col("team"))
    level = _level(level_text, ordinal_only=not src.has("level"))
    statuses = _lookup(settings, "statuses", STATUSES, TICKET_STATUSES)
    source_status = f"CASE WHEN {sub} IS NULL THEN {status} ELSE {status} || ' / ' || {sub} END"
    key = f"lower(regexp_replace({source_status}, '\\s*/\\s*', ' / ', 'g'))"
    canonical = (
        f"coalesce({_case(key, statuses)}, "
        f"CASE WHEN {sub} IS NULL AND lower({status}) IN ({', '.join(map(literal, TICKET_STATUSES))}) "
        f"THEN lower({status}) END)"
    )
    priorities = _lookup(settings, "priorities", PRIORITIES, None)
    impact = blank(src.col("impact"))
    priority = f"coalesce({_case(f'lower({impact})', priorities)}, lower({impact}))"
    column = {role: literal(src.roles.get(role, role)) for role in ("case", "at", "status", "level", "team")}
    level_column = column["level"] if src.has("level") else column["team"]
    problem = (
        f"CASE WHEN case_id IS NULL THEN {column['case']} "
        f"WHEN changed_at IS NULL THEN {column['at']} WHEN status IS NULL THEN {column['status']} "
        f"WHEN level_text IS NOT NULL AND level IS NULL THEN {level_column} END"
    )
    value = (
        "CASE WHEN case_id IS NULL THEN NULL WHEN changed_at IS NULL THEN at_text "
        "WHEN status IS NULL THEN source_status ELSE level_text END"
    )
    reason = (
        "CASE WHEN case_id IS NULL THEN 'no case id: the row cannot be put with its case' "
        f"WHEN at_text IS NULL THEN 'no timestamp: the change cannot be placed in its case' "
        f"WHEN changed_at IS NULL THEN {type_reason(at_binding, 'at_text')} "
        "WHEN status_text IS NULL THEN 'no status' "
        "WHEN status IS NULL THEN 'no canonical status for ''' || source_status || ''': map it under "
        "settings.statuses (e.g. statuses: {\"' || source_status || '\": open})' "
        "WHEN level_text IS NOT NULL AND level IS NULL THEN 'expected a support level such as L1, L2, "
        "''2nd'' or ''3rd'', got ''' || level_text || '''' END"
    )
    ctx.con.execute(
        f"INSERT INTO {rows} SELECT *, {problem} AS problem_column, {value} AS problem_value, "
        f"{reason} AS problem_reason FROM ("
        f"SELECT {file_no} AS file_no, {src.line} AS line, {blank(src.col('case'))} AS case_id, "
        f"{at_raw} AS at_text, {typed(at_binding, at_raw, ctx.options.timezone)} AS changed_at, "
        f"{status} AS status_text, {source_status} AS source_status, {canonical} AS status, "
        f"{blank(src.col('team'))} AS team, {blank(src.col('owner'))} AS owner, "
        f"{level_text} AS level_text, {level} AS level, {priority} AS priority, "
        f"{blank(src.col('product'))} AS category "
        f"FROM {src.table})"
    )


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    rows = ctx.temp_name("status_rows")
    ctx.con.execute(
        f"CREATE TEMP TABLE {rows} (file_no INTEGER, line BIGINT, case_id VARCHAR, at_text VARCHAR, "
        "changed_at TIMESTAMP, status_text VARCHAR, source_status VARCHAR, status VARCHAR, team VARCHAR, "
        "owner VARCHAR, level_text VARCHAR, level INTEGER, priority VARCHAR, category VARCHAR, "
        "problem_column VARCHAR, problem_value VARCHAR, problem_reason VARCHAR)"
    )
    sources = [ctx.read(path, ROLES) for path in files]
    for number, src in enumerate(sources):
        _stage(ctx, src, number, rows)
    reject_problems(ctx, "events", sources, rows, "problem_reason")

    ordered = ctx.temp_name("status_ordered")
    case = "PARTITION BY case_id ORDER BY changed_at, file_no, line"
    ctx.con.execute(
        f"CREATE TEMP TABLE {ordered} AS SELECT *, "
        f"row_number() OVER ({case}) AS pos, "
        f"lag(team) OVER ({case}) AS prev_team, lag(owner) OVER ({case}) AS prev_owner, "
        f"lag(level) OVER ({case}) AS prev_level, "
        "row_number() OVER (PARTITION BY case_id ORDER BY changed_at DESC, file_no DESC, line DESC) = 1 "
        "AS is_last "
        f"FROM {rows} WHERE problem_reason IS NULL"
    )
    event = "case_id || '#' || pos"
    actor = "'agent' AS actor_type, owner AS actor_id, NULL::BOOLEAN AS public"
    nobody = "NULL::VARCHAR AS agent_id, NULL::VARCHAR AS team_id"
    rest = f"file_no, line FROM {ordered}"
    changed = "team IS DISTINCT FROM prev_team OR owner IS DISTINCT FROM prev_owner"
    events = (
        f"SELECT {event} || '.created' AS event_id, case_id AS ticket_id, changed_at AS \"at\", "
        "'created' AS kind, 'system' AS actor_type, NULL::VARCHAR AS actor_id, NULL::BOOLEAN AS public, "
        f"NULL::VARCHAR AS status, {nobody}, NULL::INTEGER AS level, {rest} WHERE pos = 1 "
        f"UNION ALL SELECT {event}, case_id, changed_at, 'status', {actor}, status, {nobody}, NULL, {rest} "
        f"UNION ALL SELECT {event} || '.assign', case_id, changed_at, 'assign', {actor}, NULL, owner, team, "
        f"NULL, {rest} WHERE (team IS NOT NULL OR owner IS NOT NULL) AND (pos = 1 OR {changed}) "
        f"UNION ALL SELECT {event} || '.escalate', case_id, changed_at, 'escalate', {actor}, NULL, {nobody}, "
        f"level, {rest} WHERE level > prev_level"
    )
    last = "FILTER (WHERE is_last)"
    tickets = (
        f"SELECT case_id AS ticket_id, min(changed_at) AS created_at, max(priority) {last} AS priority, "
        f"max(status) {last} AS status, max(owner) {last} AS agent_id, max(team) {last} AS team_id, "
        f"max(category) {last} AS category, max(level) AS escalation_level, "
        f"min(file_no) FILTER (WHERE pos = 1) AS file_no, min(line) FILTER (WHERE pos = 1) AS line "
        f"FROM {ordered} GROUP BY case_id"
    )
    ticket_table, event_table = ctx.temp_name("status_tickets"), ctx.temp_name("status_events")
    ctx.con.execute(f"CREATE TEMP TABLE {ticket_table} AS {tickets}")
    ctx.con.execute(f"CREATE TEMP TABLE {event_table} AS {events}")
    emit_by_file(ctx, sources, (("tickets", ticket_table, "line"), ("events", event_table, "line, event_id")))


FORMAT = ExportFormat(
    name="status-log",
    title="Case status log",
    description=(
        "A case event log as process-mining tools export it: one row per status change of a case, with "
        "the status and sub-status after it, the team, person and support level holding the case. The "
        "defaults read the BPI Challenge 2013 Volvo IT incident log (VINST)."
    ),
    kinds=("tickets", "events"),
    convert=_convert,
    roles=ROLES,
    settings=SETTINGS,
    documentation="""\
Each case becomes a ticket and each of its rows one or more events. A case's rows are put in order by
timestamp, then by file and line (equal timestamps keep the file's order); a row's position in that
order numbers its events, so event ids are deterministic: `<case>#<n>` for the status of the n-th row,
`<case>#1.created`, `<case>#<n>.assign`, `<case>#<n>.escalate`. A newer export of the same log that only
adds later rows keeps every existing id; one that inserts rows earlier in a case renumbers that case.

**tickets**

| ticket column | from |
| --- | --- |
| `ticket_id` | case id (`SR Number`) |
| `created_at` | the case's first timestamp |
| `status` | canonical status of the last row |
| `agent_id` | owner (`Resource`, else `Owner First Name`) of the last row |
| `team_id` | team (`Involved ST`) of the last row |
| `priority` | impact (`SR Latest Impact`) of the last row, by the setting `priorities` (below) |
| `category` | product (`Product`) of the last row |
| `escalation_level` | the highest support level of the case |

Priorities: Major → urgent, High → high, Medium → normal, Low → low (the names SLA policies use).

**events**

- `created` at the first timestamp (actor `system`: the log does not say who raised the case);
- `status` for every row: the status after the change, in canonical form, by the row's owner (actor
  `agent`). Rows that repeat the previous status (a change of owner, say) still give a status event;
  solves and reopens are counted from changes only. A reopen is a non-solved status after a solved or
  closed one (in the Volvo log: *Unmatched*, *Accepted* or *Queued* after *Completed*);
- `assign` on the first row and whenever the team or the owner differs from the row before: `agent_id` is
  the owner, `team_id` the team. Reassignments count the changes after the first;
- `escalate` whenever the support level is higher than the row before, with `level`. A case that starts at
  level 2 has no escalate event but counts as escalated through its level.

Statuses, as `Status / Sub Status` (every combination in the Volvo log):

| source | canonical | why |
| --- | --- | --- |
| Queued / Awaiting Assignment | open | queued again at each handoff, so open work, not *new* |
| Accepted / Assigned, Accepted / In Progress | open | being worked on |
| Accepted / Wait, Accepted / Wait - User, Accepted / Wait - Customer | pending | waiting for the requester |
| Accepted / Wait - Vendor, Accepted / Wait - Implementation | hold | waiting for a third party |
| Completed / Resolved, Completed / In Call | solved | fixed (In Call: fixed during the call) |
| Completed / Closed, Completed / Cancelled | closed | finished; a cancelled case counts as solved |
| Unmatched / Unmatched | open | the customer's answer to a solved case reopened it |

A status already canonical (`open`, `solved`...) without a sub-status is taken as it is. Any other value
rejects its row, naming the value and the setting (`statuses`) that maps it.

Support levels are read from `ST Level` (`L1`, `L2`, `L3`, `L2/L3`) or, when the file has no such column,
from the team's name (`V5 3rd` → 3, `G140 2nd` → 2, no ordinal → 1). A team serving two lines (`L2/L3`,
`2nd 3rd`) is put at the lower one, as the log does not say which line worked on the case.

Rejected rows (in `rejected_rows`, kind events): no case id, no or unreadable timestamp, no status or one
without a canonical mapping, an unreadable level. A rejected row takes no part in its case's derivation.

Lost: `Activity` and `Activity Level` (IBM's concatenations of status, sub-status and level),
`Involved ST 2`, `Involved ST Function Div`, `Involved Org line 3`, `Country` and `Owner Country`.

Timestamps with an offset (the Volvo log's `2010-03-31T15:59:42+01:00`) are converted by it; those without
one are read in the workspace's zone unless `--timezone` (or `timezone:` in a mapping file) names the
log's. Another
layout takes `settings: {timestamp_format: "%d/%m/%Y %H:%M"}`.
""",
)
