"""Per-call logs of call systems (ACD / IVR exports): one row per call, into the canonical `calls` table.

Such a log records the stages of a call — IVR, agent queue, service — as instants, often as a date column
plus times of day in which a placeholder such as ``0:00:00`` means "never happened" and a time earlier
than the one before it belongs to the next day. The conversion is one SQL pass per file: times are read,
placed on the right day, checked against each other and against the durations the log itself reports,
and every row the format cannot use goes to rejected_rows with the column and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpidesk.ingest._errors import MappingError
from kpidesk.ingest._sql import ident, literal
from kpidesk.ingest.exports._format import (
    LINE,
    ExportContext,
    ExportFormat,
    Role,
    SourceFigure,
    SourceTable,
    blank,
)

__all__ = ["FORMAT", "INSTANT_ROLES"]

#: The stages of a call in the order they happen; each instant is placed on the day of the one before it.
INSTANT_ROLES = ("ivr_entry", "ivr_exit", "queue_entry", "queue_exit", "service_start", "service_end")

#: Explicit durations a log may report beside its instants (seconds).
DURATION_ROLES = ("ivr_s", "wait_s", "talk_s", "hold_s", "wrap_s")

ROLES = (
    Role(
        "call_id",
        "call_id",
        description="the call's id in the log (may repeat across days or lines)",
        aliases=("call id", "id"),
    ),
    Role(
        "line",
        "line",
        required=False,
        description="line, trunk or IVR port the call came in on",
        aliases=("trunk",),
    ),
    Role("date", "date", required=False, description="date of the call, when instants are times of day"),
    Role("ivr_entry", "ivr_entry", required=False, description="entered the IVR"),
    Role("ivr_exit", "ivr_exit", required=False, description="left the IVR"),
    Role(
        "queue_entry",
        "queue_entry",
        required=False,
        description="entered the agent queue",
        aliases=("queue_start",),
    ),
    Role("queue_exit", "queue_exit", required=False, description="left the agent queue"),
    Role("service_start", "service_start", description="an agent started serving the call"),
    Role("service_end", "service_end", required=False, description="service ended"),
    Role("outcome", "outcome", required=False, description="what became of the call"),
    Role("agent", "agent", required=False, description="agent who served the call", aliases=("agent_id",)),
    Role(
        "customer", "customer_id", required=False, description="caller's customer id", aliases=("customer",)
    ),
    Role("queue", "queue", required=False, description="queue, skill or call type", aliases=("skill",)),
    Role("priority", "priority", required=False, description="priority class of the call"),
    Role("ivr_s", "ivr_s", required=False, description="seconds in the IVR"),
    Role("wait_s", "wait_s", required=False, description="seconds in the agent queue", aliases=("queue_s",)),
    Role("talk_s", "talk_s", required=False, description="seconds of service (talk)", aliases=("service_s",)),
    Role("hold_s", "hold_s", required=False, description="seconds on hold"),
    Role("wrap_s", "wrap_s", required=False, description="seconds of after-call work"),
    Role("ticket", "ticket_id", required=False, description="ticket the call is linked to"),
)

SETTINGS = {
    "times": "`auto` (default): instants are times of day on the `date` column when the file has one, else "
    "full timestamps; `time_of_day` or `timestamp` to say so explicitly",
    "date_format": 'strptime format of the date column (default "%Y-%m-%d"; "%y%m%d" for 990801)',
    "timestamp_format": "strptime format of full timestamps when they are not ISO 8601",
    "never": 'values of an instant meaning "did not happen", e.g. ["0:00:00"] (an empty cell always does)',
    "served_outcomes": "outcome values of calls an agent served (default: answered, served)",
    "abandoned_outcomes": "outcome values of calls the caller hung up on (default: abandoned, hang, hung up)",
    "ignored_outcomes": "outcome values of records that are not real calls, dropped to rejected_rows "
    "(default: none)",
    "no_agent": 'agent values meaning "no agent", e.g. ["NO_SERVER"] (an empty cell always does)',
    "call_id_scope": "what a call id is unique within: a list of `date` and `line` (default both) — the "
    "stored call_id is those parts and the log's id joined by '/'",
    "answer_instant": "`service_start` (default) or `queue_exit`: which instant of a served call that "
    "queued is answered_at",
    "queue_by_priority": "true: the stored queue is '<queue> / priority <priority>' (default false)",
}

_DEFAULT_SERVED = ("answered", "served")
_DEFAULT_ABANDONED = ("abandoned", "hang", "hung up")
#: Seconds an explicit duration may differ from the difference of its instants (rounding of the clock).
_DURATION_TOLERANCE_S = 1
#: A time of day more than this many seconds earlier than the instant before it is on the next day.
_NEXT_DAY_GAP_S = 12 * 3600
_TIME_OF_DAY = r"^([0-9]{1,2}):([0-5][0-9]):([0-5][0-9])$"


@dataclass(frozen=True)
class _Settings:
    time_of_day: bool | None
    date_format: str
    timestamp_format: str | None
    never: tuple[str, ...]
    served: tuple[str, ...]
    abandoned: tuple[str, ...]
    ignored: tuple[str, ...]
    no_agent: tuple[str, ...]
    scope: tuple[str, ...]
    answer_at_queue_exit: bool
    queue_by_priority: bool


def _words(settings: dict[str, Any], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    given = settings.get(name)
    if given is None:
        return default
    if isinstance(given, str | int):
        given = [given]
    if not isinstance(given, list) or any(not isinstance(v, str | int) for v in given):
        raise MappingError(f"settings.{name}: expected a list of values, e.g. {name}: [A, B]")
    return tuple(str(v).strip() for v in given)


def _choice(settings: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = str(settings.get(name, allowed[0]))
    if value not in allowed:
        raise MappingError(f"settings.{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _read_settings(settings: dict[str, Any]) -> _Settings:
    times = _choice(settings, "times", ("auto", "time_of_day", "timestamp"))
    scope = _words(settings, "call_id_scope", ("date", "line"))
    unknown = [s for s in scope if s not in ("date", "line")]
    if unknown:
        raise MappingError(f"settings.call_id_scope: {unknown[0]!r} is not one of date, line")
    flag = settings.get("queue_by_priority", False)
    if not isinstance(flag, bool):
        raise MappingError("settings.queue_by_priority: expected true or false")
    for name in ("date_format", "timestamp_format"):
        if name in settings and not isinstance(settings[name], str):
            raise MappingError(f'settings.{name}: expected a strptime format such as "%Y-%m-%d"')
    fold = str.casefold
    return _Settings(
        time_of_day=None if times == "auto" else times == "time_of_day",
        date_format=settings.get("date_format", "%Y-%m-%d"),
        timestamp_format=settings.get("timestamp_format"),
        never=_words(settings, "never", ()),
        served=tuple(map(fold, _words(settings, "served_outcomes", _DEFAULT_SERVED))),
        abandoned=tuple(map(fold, _words(settings, "abandoned_outcomes", _DEFAULT_ABANDONED))),
        ignored=tuple(map(fold, _words(settings, "ignored_outcomes", ()))),
        no_agent=_words(settings, "no_agent", ()),
        scope=scope,
        answer_at_queue_exit=_choice(settings, "answer_instant", ("service_start", "queue_exit"))
        == "queue_exit",
        queue_by_priority=flag,
    )


def _in(sql: str, values: tuple[str, ...]) -> str:
    return f"{sql} IN ({', '.join(map(literal, values))})" if values else "false"


def _convert(ctx: ExportContext, files: list[Path]) -> None:
    settings = _read_settings(ctx.options.settings)
    for path in files:
        src = ctx.read(path)
        time_of_day = src.has("date") if settings.time_of_day is None else settings.time_of_day
        if time_of_day and not src.has("date"):
            raise MappingError(
                f"{src.display}: settings.times is time_of_day but the file has no date column; map it "
                f'with columns: {{date: "Your column"}}'
            )
        if not src.has("queue_entry"):
            ctx.warn(f"{src.display}: no queue entry column: every served call counts as answered at once")
        calls = _calls_table(ctx, src, settings, time_of_day)
        _reject_problems(ctx, src, calls)
        _warn_ivr_order(ctx, src, calls)
        parse: dict[str, Any] = {}
        if not time_of_day and settings.timestamp_format:
            parse["timestamp_format"] = settings.timestamp_format
        ctx.emit(
            "calls",
            src.display,
            _canonical_sql(calls, settings, time_of_day),
            parse=parse,
            size=path.stat().st_size,
        )
        if src.has("wait_s") or src.has("talk_s"):
            ctx.emit_figures(
                src.display,
                _figures_sql(src, calls, settings, time_of_day),
                parse=parse,
                size=path.stat().st_size,
            )


def _calls_table(ctx: ExportContext, src: SourceTable, settings: _Settings, time_of_day: bool) -> str:
    """A helper table: one row per source row with its instants placed in time and its first problem."""

    def text(role: str) -> str:
        return blank(src.col(role))

    def instant_text(role: str) -> str:
        raw = text(role)
        return f"CASE WHEN {_in(raw, settings.never)} THEN NULL ELSE {raw} END"

    raw_columns = [f"{src.line} AS {LINE}", "rowid AS row_number"]
    raw_columns += [f"{text(r.name)} AS {ident('raw_' + r.name)}" for r in ROLES]
    raw_columns += [f"{instant_text(r)} AS {ident('at_' + r)}" for r in INSTANT_ROLES]
    layers = [f"SELECT {', '.join(raw_columns)} FROM {src.table}"]
    if time_of_day:
        layers += _time_of_day_layers(settings)
    else:
        layers += _timestamp_layers(settings)
    layers.append(_problem_layer(settings, time_of_day))
    sql = layers[0]
    for number, layer in enumerate(layers[1:]):
        sql = layer.replace("{previous}", f"({sql}) AS step_{number}")
    table = ctx.temp_name("call_log")
    with ctx.step("Reading the call log", src.path.stat().st_size):
        ctx.con.execute(f"CREATE TEMP TABLE {table} AS {sql}")
    return table


def _time_of_day_layers(settings: _Settings) -> list[str]:
    """Date + times of day: seconds of day, then each instant's day after the previous present one."""
    parsed = [f"try_strptime(raw_date, {literal(settings.date_format)})::DATE AS day_of_call"]
    for role in INSTANT_ROLES:
        at = f"at_{role}"
        parsed.append(
            f"CASE WHEN regexp_matches({at}, {literal(_TIME_OF_DAY)}) "
            f"AND CAST(regexp_extract({at}, {literal(_TIME_OF_DAY)}, 1) AS INTEGER) < 24 THEN "
            f"CAST(regexp_extract({at}, {literal(_TIME_OF_DAY)}, 1) AS INTEGER) * 3600 + "
            f"CAST(regexp_extract({at}, {literal(_TIME_OF_DAY)}, 2) AS INTEGER) * 60 + "
            f"CAST(regexp_extract({at}, {literal(_TIME_OF_DAY)}, 3) AS INTEGER) END AS sod_{role}"
        )
    layers = [f"SELECT *, {', '.join(parsed)} FROM {{previous}}"]
    # Walk the stages in order, carrying the last present time of day and its day offset.
    previous_sod, previous_day = "CAST(NULL AS INTEGER)", "0"
    for role in INSTANT_ROLES:
        sod = f"sod_{role}"
        day = (
            f"CASE WHEN {sod} IS NOT NULL AND {previous_sod} IS NOT NULL "
            f"AND {sod} < {previous_sod} - {_NEXT_DAY_GAP_S} THEN {previous_day} + 1 ELSE {previous_day} END"
        )
        layers.append(
            f"SELECT *, {day} AS day_{role}, coalesce({sod}, {previous_sod}) AS last_sod_{role} "
            "FROM {previous}"
        )
        previous_sod, previous_day = f"last_sod_{role}", f"day_{role}"
    local = [f"day_of_call + to_days(day_{r}) + to_seconds(sod_{r}) AS local_{r}" for r in INSTANT_ROLES]
    bad = [f"(at_{r} IS NOT NULL AND sod_{r} IS NULL) AS bad_{r}" for r in INSTANT_ROLES]
    layers.append(
        f"SELECT *, {', '.join(local + bad)}, strftime(day_of_call, '%Y-%m-%d') AS id_day FROM {{previous}}"
    )
    return layers


def _timestamp_layers(settings: _Settings) -> list[str]:
    """Full timestamps: parsed here only to check and measure; the text is what is emitted."""
    parsed = []
    for role in INSTANT_ROLES:
        at = f"at_{role}"
        if settings.timestamp_format:
            value = f"try_strptime({at}, {literal(settings.timestamp_format)})"
        else:
            value = f"try_cast({at} AS TIMESTAMP)"
        parsed.append(f"{value} AS local_{role}")
    first = "coalesce(" + ", ".join(f"local_{r}" for r in INSTANT_ROLES) + ")"
    bad = [f"(at_{r} IS NOT NULL AND local_{r} IS NULL) AS bad_{r}" for r in INSTANT_ROLES]
    return [
        f"SELECT *, {', '.join(parsed)}, CAST(NULL AS DATE) AS day_of_call FROM {{previous}}",
        f"SELECT *, {', '.join(bad)}, strftime({first}, '%Y-%m-%d') AS id_day FROM {{previous}}",
    ]


def _seconds(start: str, end: str) -> str:
    return f"(epoch(local_{end}) - epoch(local_{start}))"


def _problem_layer(settings: _Settings, time_of_day: bool) -> str:
    """The first reason (column, value, words) the row cannot be used, in the order the checks read."""
    outcome = "lower(raw_outcome)"
    checks: list[tuple[str, str, str, str]] = [
        (
            _in(outcome, settings.ignored),
            "outcome",
            "raw_outcome",
            "'outcome ' || raw_outcome || ' is listed in settings.ignored_outcomes: the call system marks "
            "the record as not a real call'",
        ),
        ("raw_call_id IS NULL", "call_id", "raw_call_id", "'no call id'"),
    ]
    if time_of_day:
        checks.append(
            (
                "day_of_call IS NULL",
                "date",
                "raw_date",
                f"CASE WHEN raw_date IS NULL THEN 'no date' ELSE 'expected a date in the format ' || "
                f"{literal(settings.date_format)} || ', got ' || raw_date END",
            ),
        )
        expected = "a time of day h:mm:ss (e.g. 9:05:30)"
    else:
        expected = f"a timestamp in the format {settings.timestamp_format or 'ISO 8601'}"
    for role in INSTANT_ROLES:
        checks.append(
            (
                f"bad_{role}",
                role,
                f"raw_{role}",
                f"{literal('expected ' + expected + ', got ')} || raw_{role}",
            )
        )
    for role in DURATION_ROLES:
        checks.append(
            (
                f"raw_{role} IS NOT NULL AND try_cast(raw_{role} AS DOUBLE) IS NULL",
                role,
                f"raw_{role}",
                f"'expected a number of seconds, got ' || raw_{role}",
            )
        )
    served_word = _in(outcome, settings.served)
    abandoned_word = _in(outcome, settings.abandoned)
    checks += [
        (
            f"{served_word} AND local_service_start IS NULL",
            "service_start",
            "raw_service_start",
            "'outcome ' || raw_outcome || ' says an agent served the call, but it has no service start'",
        ),
        (
            f"{abandoned_word} AND local_service_start IS NOT NULL",
            "service_start",
            "raw_service_start",
            "'outcome ' || raw_outcome || ' says the caller hung up, but the call has a service start"
            " (' || raw_service_start || ')'",
        ),
        (
            "local_queue_exit IS NOT NULL AND local_queue_entry IS NULL",
            "queue_exit",
            "raw_queue_exit",
            "'a queue exit without a queue entry'",
        ),
        (
            "local_service_end IS NOT NULL AND local_service_start IS NULL",
            "service_end",
            "raw_service_end",
            "'a service end without a service start'",
        ),
    ]
    for later, earlier, words in (
        ("queue_exit", "queue_entry", "queue exit"),
        ("service_start", "queue_entry", "service start"),
        ("service_end", "service_start", "service end"),
    ):
        earlier_words = earlier.replace("_", " ")
        checks.append(
            (
                f"local_{later} < local_{earlier}",
                later,
                f"raw_{later}",
                f"'{words} ' || raw_{later} || ' is before the {earlier_words} ' || raw_{earlier}",
            )
        )
    for role, start, end, what in (
        ("wait_s", "queue_entry", "queue_exit", "queue exit − queue entry"),
        ("talk_s", "service_start", "service_end", "service end − service start"),
    ):
        measured = _seconds(start, end)
        checks.append(
            (
                f"abs(try_cast(raw_{role} AS DOUBLE) - {measured}) > {_DURATION_TOLERANCE_S}",
                role,
                f"raw_{role}",
                f"'{role} says ' || raw_{role} || ' s but {what} is ' || CAST({measured} AS BIGINT) || ' s'",
            )
        )
    column = "CASE " + " ".join(f"WHEN {c} THEN {literal(name)}" for c, name, _, _ in checks) + " END"
    value = "CASE " + " ".join(f"WHEN {c} THEN {v}" for c, _, v, _ in checks) + " END"
    reason = "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, _, _, r in checks) + " END"
    return (
        f"SELECT *, {column} AS problem_column, {value} AS problem_value, {reason} AS problem "
        "FROM {previous}"
    )


def _reject_problems(ctx: ExportContext, src: SourceTable, calls: str) -> None:
    rows = ctx.con.execute(
        f"SELECT {LINE}, problem_column, problem_value, problem FROM {calls} "
        "WHERE problem IS NOT NULL ORDER BY row_number"
    ).fetchall()
    for line, column, value, reason in rows:
        role = src.roles.get(str(column), str(column))
        ctx.reject("calls", src.display, int(line), role, None if value is None else str(value), str(reason))


def _warn_ivr_order(ctx: ExportContext, src: SourceTable, calls: str) -> None:
    """The IVR stage is not stored, so an IVR exit before its entry only earns a warning."""
    row = ctx.con.execute(
        f"SELECT count(*), min({LINE}) FROM {calls} "
        "WHERE problem IS NULL AND local_ivr_exit < local_ivr_entry"
    ).fetchone()
    if row and row[0]:
        ctx.warn(
            f"{src.display}: {row[0]} call(s) leave the IVR before they enter it (first on line {row[1]}); "
            "the IVR stage is not stored, so they are imported"
        )


def _instant(role: str, time_of_day: bool) -> str:
    """SQL for a stage's instant as the text handed over (a time of day placed on its date, or as read)."""
    return f"strftime(local_{role}, '%Y-%m-%d %H:%M:%S')" if time_of_day else f"at_{role}"


def _call_id(settings: _Settings) -> str:
    parts = []
    if "date" in settings.scope:
        parts.append("id_day")
    if "line" in settings.scope:
        parts.append("raw_line")
    return f"concat_ws('/', {', '.join([*parts, 'raw_call_id'])})"


def _figures_sql(src: SourceTable, calls: str, settings: _Settings, time_of_day: bool) -> str:
    """The log's own queue time (ending at its queue exit) and service time of each imported call."""
    parts = []
    if src.has("wait_s"):
        parts.append(
            f"SELECT {LINE}, {_call_id(settings)} AS unit_id, 'wait_time' AS figure, "
            f"{literal(src.roles['wait_s'])} AS field, raw_wait_s AS value, "
            f'{_instant("queue_exit", time_of_day)} AS "at" '
            f"FROM {calls} WHERE problem IS NULL AND raw_wait_s IS NOT NULL"
        )
    durations = [r for r in ("talk_s", "hold_s", "wrap_s") if src.has(r)]
    if durations:
        total = " + ".join(f"coalesce(try_cast(raw_{r} AS DOUBLE), 0)" for r in durations)
        present = " OR ".join(f"raw_{r} IS NOT NULL" for r in durations)
        field = " + ".join(src.roles[r] for r in durations)
        parts.append(
            f"SELECT {LINE}, {_call_id(settings)}, 'handle_time', {literal(field)}, "
            f"CAST({total} AS VARCHAR), NULL "
            f"FROM {calls} WHERE problem IS NULL AND local_service_start IS NOT NULL AND ({present})"
        )
    return " UNION ALL ".join(parts) + f" ORDER BY {LINE}, figure"


def _canonical_sql(calls: str, settings: _Settings, time_of_day: bool) -> str:
    def instant(role: str) -> str:
        return _instant(role, time_of_day)

    queued = "local_queue_entry IS NOT NULL"
    served = "local_service_start IS NOT NULL"
    answered = instant("service_start")
    if settings.answer_at_queue_exit:
        answered = f"CASE WHEN local_queue_exit IS NOT NULL THEN {instant('queue_exit')} ELSE {answered} END"
    call_id = _call_id(settings)
    agent = f"CASE WHEN {_in('raw_agent', settings.no_agent)} THEN NULL ELSE raw_agent END"
    queue = "raw_queue"
    if settings.queue_by_priority:
        queue = (
            "CASE WHEN raw_priority IS NULL THEN raw_queue ELSE concat_ws(' / ', raw_queue, "
            "'priority ' || raw_priority) END"
        )
    talk = f"coalesce(try_cast(raw_talk_s AS DOUBLE), {_seconds('service_start', 'service_end')})"
    return f"""
        SELECT {LINE},
            {call_id} AS call_id,
            {queue} AS queue,
            raw_customer AS customer_id,
            CASE WHEN {queued} THEN {instant("queue_entry")} WHEN {served} THEN {instant("service_start")}
                END AS arrived_at,
            CASE WHEN {served} THEN {answered} END AS answered_at,
            CASE WHEN {queued} AND NOT {served} THEN {instant("queue_exit")} END AS abandoned_at,
            CASE WHEN {served} THEN {instant("service_end")} WHEN NOT {queued} THEN {instant("ivr_exit")}
                END AS ended_at,
            CASE WHEN {served} THEN {agent} END AS agent_id,
            CASE WHEN {served} THEN {talk} END AS talk_s,
            raw_hold_s AS hold_s,
            raw_wrap_s AS wrap_s,
            CASE WHEN {served} THEN 'answered' WHEN {queued} THEN 'abandoned' ELSE 'ivr' END AS outcome,
            raw_ticket AS ticket_id
        FROM {calls}
        WHERE problem IS NULL
        ORDER BY row_number
    """


DOCUMENTATION = """\
One row per call, with the instants of its stages: IVR entry and exit, agent-queue entry and exit, service
start and end, plus outcome, agent, customer, queue and the durations the system itself reports. Column
names default to generic ones (`call_id`, `line`, `date`, `ivr_entry`, `ivr_exit`, `queue_entry`,
`queue_exit`, `service_start`, `service_end`, `outcome`, `agent`, `customer_id`, `queue`, `priority`,
`ivr_s`, `wait_s`, `talk_s`, `hold_s`, `wrap_s`, `ticket_id`); a mapping file names the columns of a
particular system.
`examples/mappings/anonymous-bank.yaml` is a commented example for the Anonymous Bank (Technion) call log:

```sh
kpidesk import august_calls_1999.csv --format call-log --mapping examples/mappings/anonymous-bank.yaml
```

**Instants.** With a `date` column (setting `times: auto`, the default, or `time_of_day`), instants are
times of day `h:mm:ss` on that date (`date_format`, default `%Y-%m-%d`). The stages are read in order;
a time more than 12 hours earlier than the stage before it is on the next day (a queue entered at
23:59:29 and left at 0:00:57 is left the day after), a time up to 12 hours earlier stays on the same day
and is checked as an order problem. Values listed in `never` (e.g. `0:00:00`) mean the stage did not
happen. Without a date column (or with `times: timestamp`) every instant is a full timestamp (ISO 8601, or
`timestamp_format`). A switch writes its own local time, so times are read in the workspace's zone unless the
mapping's `timezone:` or `--timezone` says otherwise. Durations measured from local clock times do not see a
summer-time change during the call.

**Mapped to `calls`:**

- `call_id`: the log's call id, prefixed with the call's date (ISO) and line when `call_id_scope` lists
  them and the file has them (default both), e.g. `1999-08-01/AA0204/43678`: call systems number calls
  per line or per day, so the bare id repeats.
- `arrived_at`: queue entry; for a served call that never queued, its service start (it reached an agent
  at once and waited 0 s, so it is offered and answered); empty for calls that never reached the agents.
- `answered_at`: service start of a served call (with `answer_instant: queue_exit`, its queue exit: the
  instant the queue wait the log reports ends).
- `abandoned_at`: queue exit of a call that queued and was not served.
- `ended_at`: service end of a served call; IVR exit of a call that never reached the agents.
- `agent_id`: agent of a served call; values in `no_agent` (e.g. `NO_SERVER`) mean none.
- `talk_s`: the explicit talk / service duration, else service end − service start.
- `hold_s`, `wrap_s`: the explicit durations, when the log has them (else empty).
- `queue`: queue or call type (`queue_by_priority: true` appends ` / priority <p>`).
- `customer_id`, `ticket_id`: as they are (`values: {customer_id: {"0": ~}}` empties a placeholder id).
- `outcome`: `answered` (served), `abandoned` (queued, not served), `ivr` (never reached the agents).

A call is served when it has a service start. Outcome values are matched in any case: `served_outcomes`
(default `answered`, `served`) must have a service start, `abandoned_outcomes` (default `abandoned`,
`hang`, `hung up`) must not; other values are classified by the instants alone.

**Rejected** (to `rejected_rows`, with the file's column): records whose outcome is in `ignored_outcomes`
(e.g. `PHANTOM`: not real calls, so they are dropped rather than counted as offered); no call id; a date
or a time that does not parse; a duration that is not a number; a served outcome without a service start,
a hung-up outcome with one; a queue exit without a queue entry, a service end without a service start;
a queue exit or service start before the queue entry, a service end before the service start (once the
instants are on their days); an explicit queue or talk duration more than 1 s away from the difference of
its instants. The importer then rejects, as for every import, a call id seen before in the file. The IVR
stage is not stored: an IVR exit before its entry is only a warning.

**Lost:** the IVR instants and duration (the calls table has no IVR stage), the queue exit of served
calls (unless `answer_instant: queue_exit`) and the priority (unless `queue_by_priority`). The log's own
queue and service durations are checked against the instants, and kept as the log's figures (below): the
call facts compute kpidesk's own from the instants.
"""

#: The log's own durations of a call, in whole seconds.
FIGURES = (
    SourceFigure(
        "wait_time",
        "call",
        "wait_s",
        "seconds in the agent queue as the log reports them; `at` is the queue exit",
        1,
    ),
    SourceFigure(
        "handle_time",
        "call",
        "talk_s + hold_s + wrap_s",
        "the log's talk, hold and wrap seconds of a served call, added up",
        1,
    ),
)

FORMAT = ExportFormat(
    name="call-log",
    title="Call log",
    description="Per-call logs of call systems (IVR, agent queue, service), as a date with times of day "
    "or as timestamps",
    kinds=("calls", "figures"),
    convert=_convert,
    figures=FIGURES,
    roles=ROLES,
    settings=SETTINGS,
    suffixes=(".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".xlsx"),
    documentation=DOCUMENTATION,
)
