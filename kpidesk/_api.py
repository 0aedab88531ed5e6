"""The operations of kpidesk as plain functions; the CLI and the web app are thin layers over these."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from zoneinfo import ZoneInfo

import duckdb
import ibis
import pandas as pd

from kpidesk import InvalidRequest, facts
from kpidesk._results_cache import ResultsCache
from kpidesk._status import status as spinner
from kpidesk.calendars import SLOTS_TABLE, BusinessCalendar
from kpidesk.facts import CALL_FACTS_TABLE, MANAGER_REACH_TABLE, FactRefresh
from kpidesk.metrics import KpiQuery, KpiTables, TicketExplanation, compute_kpis, explain_ticket
from kpidesk.reconcile import Reconciliation, reconcile_figures
from kpidesk.workspace import (
    SETTINGS_FILE,
    WarehouseBusy,
    Workspace,
    WorkspaceError,
    import_lock,
    init_workspace,
    open_workspace,
    retry_while_locked,
)

if TYPE_CHECKING:
    from kpidesk.accounts import AccountStore, ApiToken, User
    from kpidesk.alerts import AlertCheck, AlertEvent, NoticeFailure
    from kpidesk.contents import WorkspaceStatus
    from kpidesk.delivery import LogEntry, PeriodicJob, RunOutcome, Sendable
    from kpidesk.demo import DemoExamples
    from kpidesk.ingest import Destination, ImportSummary, UndoResult
    from kpidesk.lake import LakeExport, LakeManifest
    from kpidesk.reports import Rendering
    from kpidesk.staffing import Roster, RosterAgent, StaffingPlan, StaffingTarget
    from kpidesk.targets import Suggestion, Target, TargetCheck, TargetVersion

__all__ = [
    "DemoResult",
    "UserAdded",
    "add_target",
    "add_user",
    "api_tokens",
    "build_demo",
    "call_intervals",
    "check_alerts",
    "check_targets",
    "create_api_token",
    "data_version",
    "explain",
    "export_lake",
    "import_export",
    "import_files",
    "imports",
    "kpis",
    "lake_status",
    "last_data_day",
    "list_alerts",
    "list_values",
    "reconcile",
    "records",
    "refresh_facts",
    "rejected",
    "remove_user",
    "render_report",
    "report_log",
    "resilience",
    "revoke_api_token",
    "run_report",
    "run_scheduler",
    "scheduler_jobs",
    "send_report",
    "set_password",
    "set_target",
    "staffing_plan",
    "staffing_roster",
    "status",
    "suggest_target",
    "survey_comments",
    "target_history",
    "targets_status",
    "undo_import",
    "users",
    "warehouse_tables",
    "write_staffing_page",
]


#: Imported kinds the facts are derived from (a call's team comes from its agent).
_FACT_KINDS = ("tickets", "events", "calls", "agents")
#: Results of this process (`kpis`, `targets_status`, `list_values`, `last_data_day`), reused until the
#: warehouse's generation changes.
_RESULTS = ResultsCache()
T = TypeVar("T")
#: How long a warehouse file must have been left alone before its stamp can stand for its contents.
_SETTLED_NS = 2_000_000_000
#: The warehouse generation at which this process last found the facts up to date, per workspace.
_CURRENT_AT: dict[tuple[str, str], Hashable] = {}


def _workspace(workspace: Workspace | str | Path | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else open_workspace(workspace)


def refresh_facts(workspace: Workspace | str | Path | None = None, *, full: bool = False) -> FactRefresh:
    """Re-derive the facts of every ticket touched since the last refresh and, when calls or agents
    changed, the call facts (or everything, with `full`)."""
    ws = _workspace(workspace)
    with ws.connect() as con:
        return facts.refresh_facts(con, ws.settings, full=full)


@contextmanager
def _reading(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to compute KPIs from. Read-only when the facts are up to date, so readers never block
    each other nor an import waiting to write; otherwise the facts are brought up to date first."""
    try:
        con = ws.connect(read_only=True)
    except duckdb.ConnectionException:
        # This process already has the warehouse open for writing: read through that.
        with ws.connect() as con:
            facts.refresh_facts(con, ws.settings)
            yield con
        return
    with con:
        if _facts_known_current(ws, con):
            yield con
            return
    refresh_facts(ws)
    with ws.connect(read_only=True) as con:
        yield con


def _facts_known_current(ws: Workspace, con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the facts are up to date; checked once per warehouse generation and settings, since
    only an import, an undo or a refresh (each a new generation) can make them stale."""
    key = (str(ws.warehouse_path.resolve()), repr(ws.settings))
    generation = facts.facts_generation(con)
    if generation is not None and _CURRENT_AT.get(key) == generation:
        return True
    if not facts.facts_current(con, ws.settings):
        return False
    if generation is not None:
        _CURRENT_AT[key] = generation
    return True


def warehouse_tables(icon: ibis.BaseBackend) -> KpiTables:
    return KpiTables(
        facts=icon.table("ticket_facts"),
        stretches=icon.table("reply_stretches"),
        spans=icon.table("ticket_open_spans"),
        calls=icon.table(CALL_FACTS_TABLE),
        slots=icon.table(SLOTS_TABLE),
        surveys=icon.table("surveys"),
        agents=icon.table("agents"),
        agent_states=icon.table("agent_states"),
        customers=icon.table("customers"),
        qa=icon.table("qa_reviews"),
        events=icon.table("ticket_events"),
        manager_reach=icon.table(MANAGER_REACH_TABLE),
    )


def kpis(
    workspace: Workspace | str | Path | None = None,
    *,
    metrics: Sequence[str] | None = None,
    by: Sequence[str] = (),
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    stat: str | Sequence[str] | None = None,
    business_hours: bool = False,
    compare: str | None = None,
) -> pd.DataFrame:
    """KPI results as a DataFrame: metric, stat, value, unit, n, ci_low, ci_high, period_start, period_end,
    one column per `by` dimension, the `small_sample` flag, `available`, `reason` and `note` (a metric a
    source cannot measure is not available, with the reason), and `partial`, `covered_from`, `covered_to`,
    `days_covered` (the days of the period the data covers).

    Without `metrics`: every ticket metric, and the call metrics when the warehouse holds calls, except
    those whose units lack a `by` dimension (calls have no channel, tickets no queue). With `compare`
    (`previous` or `year`), also compare_value, change, change_ci_low, change_ci_high, significant,
    change_unit (`pp` for rates) and compare_from, compare_to (the days compared). Grouped by agent, also
    agent_name after agent: the agent's name from the agents table, None where it has none."""
    from kpidesk.contents import with_names

    ws = _workspace(workspace)
    query = KpiQuery(
        metrics=metrics,
        by=by,
        period=period,
        start=start,
        end=end,
        stat=stat,
        business_hours=business_hours,
        compare=compare,
    )

    def compute(tables: KpiTables) -> pd.DataFrame:
        return with_names(compute_kpis(tables, ws.settings, query), tables, by)

    return _on_engine(ws, ("kpis", repr(query)), compute)


def _on_engine(ws: Workspace, question: tuple[Hashable, ...], compute: Callable[[KpiTables], T]) -> T:
    """The answer to `question`, computed from the KPI tables of the workspace's engine (`[engine] backend`,
    or `--engine`): the DuckDB warehouse, or the lake on Spark. Kept in memory until the data changes."""
    return _ENGINES[ws.settings.engine.backend](ws, question, compute)


def _on_duckdb(ws: Workspace, question: tuple[Hashable, ...], compute: Callable[[KpiTables], T]) -> T:
    return _remembered(ws, question, lambda con: compute(warehouse_tables(ibis.duckdb.from_connection(con))))


def _on_spark(ws: Workspace, question: tuple[Hashable, ...], compute: Callable[[KpiTables], T]) -> T:
    """Computed on the Spark cluster from the lake; the facts are derived there first when the lake or the
    settings changed since (progress on stderr when it is a terminal)."""
    import sys

    from kpidesk.engine import spark_tables

    engine = spark_tables(ws, progress=sys.stderr.isatty())
    key = (ws.lake_location, repr(ws.settings), *question)
    kept = _RESULTS.get(key, engine.generation)
    if kept is not None:
        return cast(T, kept)
    result = compute(engine.tables)
    if result is not None:
        _RESULTS.put(key, engine.generation, result)
    return result


#: How each `[engine] backend` answers.
_ENGINES: dict[str, Callable[[Workspace, tuple[Hashable, ...], Callable[[KpiTables], Any]], Any]] = {
    "duckdb": _on_duckdb,
    "spark": _on_spark,
}


def _remembered(
    ws: Workspace, question: tuple[Hashable, ...], compute: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    """The answer to `question` about `ws`'s warehouse: kept from an earlier call while the warehouse is at
    the same generation (another process's import changes it too), else computed on a reading connection
    and kept. The settings are part of the question."""
    key = (str(ws.warehouse_path.resolve()), repr(ws.settings), *question)
    stamp = _files_stamp(ws)
    unchanged = _RESULTS.get_unchanged(key, stamp)
    if unchanged is not None:
        return cast(T, unchanged)
    cached = _cached_result(ws, key, stamp)
    if cached is not None:
        return cast(T, cached)
    with _reading(ws) as con:
        generation = facts.facts_generation(con)
        result = compute(con)
    if generation is not None and result is not None:
        _RESULTS.put(key, generation, result)
    return result


def _files_stamp(ws: Workspace) -> tuple[object, ...] | None:
    """The warehouse files' identity, size and modification time; None while a file changed so recently
    that a write in the same clock tick could leave its time unchanged (file times are coarse)."""
    stamps: list[object] = []
    now = time.time_ns()
    for path in (ws.warehouse_path, ws.warehouse_path.with_name(ws.warehouse_path.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        if now - st.st_mtime_ns < _SETTLED_NS:
            return None
        stamps.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stamps)


def _cached_result(ws: Workspace, key: tuple[Hashable, ...], stamp: tuple[object, ...] | None) -> Any:
    """The stored result for `key` while the warehouse is as it was when it was computed (the facts were
    current then, and every import, undo or refresh since would have changed the generation)."""
    try:
        con = ws.connect(read_only=True)
    except duckdb.ConnectionException:
        return None
    with con:
        generation = facts.facts_generation(con)
    return None if generation is None else _RESULTS.get(key, generation, stamp)


def records(
    workspace: Workspace | str | Path | None = None,
    *,
    metric: str,
    period: str = "week",
    start: date | None = None,
    end: date | None = None,
    filters: Mapping[str, str | Sequence[str | None] | None] | None = None,
    business_hours: bool = False,
) -> pd.DataFrame:
    """The records behind one result row of `kpis`: the tickets (calls, responses, agents…) it counts and
    the units near it that it does not, each with its value, `counted` and the reason.

    The row is chosen as `kpis` computes it: `period`, `start`/`end` (which must narrow the periods to one)
    and `business_hours`; `filters` names the row's group by `--by` dimension (``{"team": "billing"}``;
    None or "" for the row without a value). The counted records number the row's `n`.
    """
    from kpidesk.metrics import metric_records

    ws = _workspace(workspace)
    query = KpiQuery(metrics=[metric], period=period, start=start, end=end, business_hours=business_hours)
    with _reading(ws) as con:
        icon = ibis.duckdb.from_connection(con)
        frame = metric_records(warehouse_tables(icon), ws.settings, metric, query, filters)
    periods = sorted(set(frame["period_start"]))
    if len(periods) > 1:
        raise InvalidRequest(
            f"records list one result row, and the records of these dates fall in {len(periods)} {period}s "
            f"({periods[0]} … {periods[-1]}); narrow them to one with --from and --to (start and end), "
            "or use --period all"
        )
    return frame


def resilience(
    workspace: Workspace | str | Path | None = None,
    *,
    metric: str,
    person: str,
    start: date | None = None,
    end: date | None = None,
    stat: str | Sequence[str] | None = None,
    business_hours: bool = False,
) -> pd.DataFrame:
    """A KPI on the open days agent `person` was absent (no agent_states other than `away`) against the
    days they were present: present_value, absent_value, difference (absent − present) with ci_low and
    ci_high, significant, and n and days on each side (see `kpidesk.metrics.resilience`)."""
    from kpidesk.metrics import resilience as compare_days

    ws = _workspace(workspace)
    with _reading(ws) as con:
        icon = ibis.duckdb.from_connection(con)
        return compare_days(
            warehouse_tables(icon),
            ws.settings,
            metric,
            person,
            start=start,
            end=end,
            stat=None if stat is None else list([stat] if isinstance(stat, str) else stat),
            business_hours=business_hours,
        )


def survey_comments(
    workspace: Workspace | str | Path | None = None,
    *,
    metric: str | None = None,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    start: date | None = None,
    end: date | None = None,
    commented_only: bool = True,
) -> pd.DataFrame:
    """The survey responses behind a survey metric, newest first: source, response_id, kind, score,
    scale_min, scale_max, responded_at, ticket_id, customer_id, agent_id, team_id, channel and comment.

    `filters` keeps responses by `--by` dimension (e.g. ``{"agent": "a1"}``); `start`/`end` keep the
    local dates the metric places them in. With `commented_only` (default), only responses with a comment.
    """
    from kpidesk.metrics import survey_comments as responses

    ws = _workspace(workspace)
    with _reading(ws) as con:
        icon = ibis.duckdb.from_connection(con)
        return responses(
            warehouse_tables(icon),
            ws.settings,
            metric=metric,
            filters=filters,
            start=start,
            end=end,
            commented_only=commented_only,
        )


def call_intervals(
    workspace: Workspace | str | Path | None = None,
    *,
    minutes: int = 30,
    from_: date | None = None,
    to: date | None = None,
    queue: str | None = None,
    by: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Calls per 15-, 30- or 60-minute local interval of the default calendar, for staffing: interval_start
    (local, with offset), interval_start_utc, one column per `by` dimension (e.g. "queue"), offered,
    answered, abandoned, mean_handle_s, mean_wait_s and the sums staffing pools (handled, handle_sum_s,
    queue_time_s, timed_abandons); intervals without calls included, as zeros.

    `from_` and `to` are the first and last local dates (default: those of the calls); `queue` keeps
    one queue."""
    from kpidesk.metrics import call_intervals as intervals

    ws = _workspace(workspace)
    with _reading(ws) as con:
        icon = ibis.duckdb.from_connection(con)
        return intervals(
            icon.table(CALL_FACTS_TABLE),
            ws.settings,
            minutes=minutes,
            start=from_,
            end=to,
            queue=queue,
            by=[by] if isinstance(by, str) else list(by),
        )


def staffing_plan(
    workspace: Workspace | str | Path | None = None,
    *,
    start: date,
    end: date,
    target: StaffingTarget | str = "80/20",
    queue: str | None = None,
    model: str = "erlang-c",
    shrinkage: float = 0.0,
    minutes: int = 30,
    history_from: date | None = None,
    holdout_weeks: int = 1,
    aht_s: float | None = None,
    patience_s: float | None = None,
) -> StaffingPlan:
    """Agents per local interval of the default calendar from `start` to `end` (inclusive), for one queue
    (or all calls): forecast from the calls before `start` (from `history_from`, else all of them), AHT
    and patience estimated from the same calls, staffed to `target` ("80/20" or a `StaffingTarget`).
    """
    from kpidesk.staffing import StaffingTarget, build_plan, parse_target

    if isinstance(target, str):
        level, threshold = parse_target(target)
        target = StaffingTarget(service_level=level, threshold_s=threshold)
    ws = _workspace(workspace)
    if minutes not in (15, 30, 60):
        raise InvalidRequest(f"unknown interval of {minutes} minutes; expected one of 15, 30 or 60")
    with ws.connect(read_only=True) as con:
        latest = dict(
            con.execute(
                "SELECT queue, max(arrived_at) FROM calls WHERE arrived_at IS NOT NULL GROUP BY queue"
            ).fetchall()
        )
    if queue is not None and queue not in latest:
        known = ", ".join(sorted(q for q in latest if q is not None)) or "none"
        raise InvalidRequest(f"no call in queue {queue!r}; the queues are: {known}")
    if not latest:
        raise InvalidRequest("the workspace has no offered calls to plan from; import calls first")
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    last_call = latest[queue] if queue is not None else max(latest.values())
    # The history ends with the calls, not with the day before the plan: days after the last call would
    # read as days without calls.
    last_day = last_call.replace(tzinfo=UTC).astimezone(calendar.zone).date()
    history = call_intervals(
        ws, minutes=minutes, from_=history_from, to=min(start - timedelta(days=1), last_day), queue=queue
    )
    return build_plan(
        history,
        calendar,
        start=start,
        end=end,
        target=target,
        model=model,
        shrinkage=shrinkage,
        minutes=minutes,
        holdout_weeks=holdout_weeks,
        aht_s=aht_s,
        patience_s=patience_s,
        queue=queue,
    )


def _roster_agents(
    ws: Workspace | None, team: str | None, agents_file: Path | None, on: date
) -> list[RosterAgent] | None:
    """The agents to roster: an agents file's (named from the workspace where the file leaves a name out),
    else the active agents of `team` in the workspace's `agents` table; None for shifts only."""
    from kpidesk.staffing import RosterAgent, read_roster_agents

    if agents_file is None and team is None:
        return None
    known: dict[str, tuple[str | None, str | None]] = {}
    if ws is not None:
        with ws.connect(read_only=True) as con:
            rows = con.execute(
                "SELECT agent_id, name, team_id FROM agents WHERE coalesce(role, 'agent') = 'agent' "
                "AND (left_at IS NULL OR left_at > ?) AND (hired_at IS NULL OR hired_at <= ?) "
                "ORDER BY agent_id",
                [on, on],
            ).fetchall()
        known = {agent_id: (name, team_id) for agent_id, name, team_id in rows}
    if agents_file is not None:
        agents = [
            RosterAgent(
                a.agent_id,
                a.name or known.get(a.agent_id, (None, None))[0],
                a.team or known.get(a.agent_id, (None, None))[1],
                a.min_weekly_hours,
                a.max_weekly_hours,
                a.max_evenings,
            )
            for a in read_roster_agents(agents_file)
        ]
        return [a for a in agents if team is None or a.team == team]
    chosen = [RosterAgent(i, name, t) for i, (name, t) in known.items() if t == team]
    if not chosen:
        teams = sorted({t for _, t in known.values() if t})
        raise InvalidRequest(f"no active agent in team {team!r}; the teams are: {', '.join(teams) or 'none'}")
    return chosen


def staffing_roster(
    workspace: Workspace | str | Path | None = None,
    *,
    requirements: Path | None = None,
    plan: StaffingPlan | None = None,
    start: date | None = None,
    end: date | None = None,
    queue: str | None = None,
    target: StaffingTarget | str = "80/20",
    model: str = "erlang-c",
    shrinkage: float = 0.0,
    minutes: int | None = None,
    rules: Mapping[str, Any] | None = None,
    calendar: str | None = None,
    team: str | None = None,
    agents_file: Path | None = None,
    unavailable_file: Path | None = None,
    max_agents: int | None = None,
    time_limit: float = 60.0,
) -> Roster:
    """Shifts that cover what a plan needs and, with a team or an agents file, who works them.

    What to cover is a `requirements` file (agents per local interval, or a saved plan as CSV or JSON),
    a `plan`, or the staffing plan of `queue` from `start` to `end` (as `staffing_plan` builds it with
    `target`, `model`, `shrinkage` and `minutes`). `target`, `model` and `shrinkage` also say how a CSV
    plan's load is evaluated. Shift rules are kpidesk.toml's `[roster]`, each
    overridden by `rules` (keys as in `[roster]`); shifts lie inside the open hours of `calendar` (default:
    `[roster] calendar`, else the workspace's default calendar; "none" for any hour). A requirements file
    needs no workspace: without one, times without an offset are UTC and no calendar applies.
    """
    from kpidesk.calendars import BusinessCalendar
    from kpidesk.staffing import (
        QueueModel,
        StaffingTarget,
        build_roster,
        needs_from_plan,
        parse_target,
        read_needs,
        read_unavailability,
        shift_rules,
        with_unavailability,
    )
    from kpidesk.workspace import WorkspaceError

    if isinstance(target, str):
        level, threshold = parse_target(target)
        target = StaffingTarget(service_level=level, threshold_s=threshold)
    try:
        ws: Workspace | None = _workspace(workspace)
    except WorkspaceError:
        if workspace is not None or requirements is None or team is not None:
            raise
        ws = None
    settings = ws.settings.roster.values if ws is not None else {}
    chosen = calendar or settings.get("calendar") or (ws.settings.default_calendar if ws else "none")
    business: BusinessCalendar | None = None
    if chosen != "none":
        if ws is None or chosen not in ws.settings.calendars:
            known = ", ".join(ws.settings.calendars) if ws else "none without a workspace"
            raise InvalidRequest(f"no calendar named {chosen!r}; the calendars are: {known} (or none)")
        business = BusinessCalendar(ws.settings.calendars[chosen])
    zone = business.zone if business else (ZoneInfo(ws.settings.timezone) if ws else ZoneInfo("UTC"))
    week_start = (
        business.week_start
        if business
        else BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar]).week_start
        if ws
        else 6
    )
    if requirements is not None:
        needs = read_needs(requirements, zone, minutes=minutes, queue=QueueModel(model, target, shrinkage))
    else:
        if plan is None:
            if start is None or end is None:
                raise InvalidRequest("give a requirements file, a plan, or a plan's dates (start and end)")
            plan = staffing_plan(
                ws, start=start, end=end, target=target, queue=queue, model=model, shrinkage=shrinkage,
                minutes=minutes or 30,
            )  # fmt: skip
        needs = needs_from_plan(plan, zone, f"the staffing plan of {plan.queue or 'all calls'}")
    rule_set = shift_rules(
        settings, dict(rules or {}), week_start=week_start, use_calendar=business is not None
    )
    days = sorted({moment.date() for moment in needs.intervals.interval_start})
    open_hours = {day: business.open_intervals(day) for day in days} if business else None
    agents = _roster_agents(ws, team, agents_file, days[0])
    if agents is not None and unavailable_file is not None:
        agents = with_unavailability(agents, read_unavailability(unavailable_file), str(unavailable_file))
    elif unavailable_file is not None:
        raise InvalidRequest("an unavailability file needs agents to apply to: give a team or an agents file")
    return build_roster(
        needs, rule_set, agents=agents, max_agents=max_agents, open_hours=open_hours, time_limit=time_limit
    )


def _destination(ws: Workspace) -> Destination:
    """Files are read and checked apart from the warehouse, which the import waits for only to write.
    Called under the import lock: a scratch folder found then was left by an import that was killed."""
    from kpidesk.ingest import SCRATCH_PREFIX, warehouse_destination

    for stale in ws.path.glob(f"{SCRATCH_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)

    def retry(action: Callable[[], None]) -> None:
        retry_while_locked(action, ws.path)

    return warehouse_destination(ws.warehouse_path, memory_limit=ws.settings.memory_limit, retry=retry)


def _names(paths: Sequence[str | Path]) -> str:
    return ", ".join(Path(p).name for p in paths)


def import_files(
    paths: Sequence[str | Path],
    kind: str,
    *,
    workspace: Workspace | str | Path | None = None,
    format: str | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
    source: str | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: bool = False,
    derive_facts: bool = True,
    wait: bool = True,
) -> ImportSummary:
    """Import files into the warehouse in one transaction, then bring the facts up to date.

    Timestamps without an offset are read in `timezone`, else the mapping's, else the workspace's zone;
    the summary names the one used.

    With `derive_facts=False` the touched tickets stay pending until the next import or KPI query,
    which saves deriving twice when tickets and their events arrive in separate files. One import runs
    at a time in a workspace: another waits for it (saying so), or with `wait=False` raises
    ImportRunning naming it. Readers keep reading while the files are read and checked.
    """
    from kpidesk import ingest

    ws = _workspace(workspace)
    with import_lock(ws.path, f"the import of {kind} from {_names(paths)}", wait=wait):
        target = _destination(ws)
        try:
            summary = ingest.import_files(
                target,
                paths,
                kind,
                format=format,
                mapping=mapping,
                source=source,
                encoding=encoding,
                delimiter=delimiter,
                progress=progress,
                timezone=timezone,
                workspace_timezone=ws.settings.timezone,
            )
        finally:
            target.close()
        if derive_facts and kind in _FACT_KINDS:
            with spinner("Deriving facts…", progress), ws.connect() as con:
                facts.refresh_facts(con, ws.settings)
    return summary


def import_export(
    paths: Sequence[str | Path],
    format: str,
    *,
    workspace: Workspace | str | Path | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
    source: str | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    kinds: Sequence[str] | None = None,
    progress: bool = False,
    derive_facts: bool = True,
    wait: bool = True,
) -> list[ImportSummary]:
    """Import one system's export (a built-in format, see docs/importers.md) into every table it feeds.

    All files and kinds are one transaction; one summary per kind. `kinds` keeps only some of the
    tables the format writes. Timestamps without an offset are read in `timezone`, else the mapping's,
    else the format's documented zone, else the workspace's; each summary names the one used; `wait` as
    for `import_files`.
    """
    from kpidesk.ingest.exports import import_export as run

    ws = _workspace(workspace)
    with import_lock(ws.path, f"the import of the {format} export {_names(paths)}", wait=wait):
        target = _destination(ws)
        try:
            summaries = run(
                target,
                paths,
                format,
                mapping=mapping,
                source=source,
                timezone=timezone,
                encoding=encoding,
                delimiter=delimiter,
                kinds=kinds,
                progress=progress,
                workspace_timezone=ws.settings.timezone,
            )
        finally:
            target.close()
        if derive_facts and any(s.kind in _FACT_KINDS for s in summaries):
            with spinner("Deriving facts…", progress), ws.connect() as con:
                facts.refresh_facts(con, ws.settings)
    return summaries


def status(workspace: Workspace | str | Path | None = None, *, last_imports: int = 5) -> WorkspaceStatus:
    """What the workspace holds: its settings, each source's rows and local dates per canonical table, the
    last `last_imports` imports, the rows imports rejected or repaired (per import and table), and whether
    the facts are current. Only reads: the facts are reported as they are, not brought up to date."""
    from kpidesk.contents import workspace_status

    ws = _workspace(workspace)
    with ws.connect(read_only=True) as con:
        return workspace_status(con, ws.settings, ws.path, last_imports=last_imports)


def list_values(what: str, *, workspace: Workspace | str | Path | None = None) -> pd.DataFrame:
    """The values a `--by` dimension takes in the data, `what` being its plural (`agents`, `teams`, `queues`,
    `channels`, `priorities`, `categories`, `sources`, `sla_policies`, `calendars`, `segments`, `countries`)
    or its `--by` name: one row per value (None for the units without one, last) with the tickets, calls or
    customers that carry it, first_seen and last_seen (local dates); agents also with name and team."""
    from kpidesk.contents import list_values as values

    ws = _workspace(workspace)
    return _remembered(ws, ("list_values", what), lambda con: values(con, ws.settings.timezone, what))


def data_version(workspace: Workspace | str | Path | None = None) -> Hashable:
    """A token that changes whenever a figure may have changed: at every import, undo and fact refresh
    (made by any process) and every change to targets.yaml. Cheap while nothing changed: what a page keeps
    under it is answered without opening the warehouse."""
    from kpidesk.targets import TARGETS_FILE

    ws = _workspace(workspace)
    path = ws.path / TARGETS_FILE
    targets = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    if ws.settings.engine.backend == "spark":
        from kpidesk.lake import read_manifest

        manifest = read_manifest(ws.lake_location)
        facts_key = manifest.facts.key if manifest.facts else None
        return (ws.lake_location, repr(ws.settings), manifest.generation, facts_key, targets)
    generation = _remembered(ws, ("generation",), facts.facts_generation)
    if generation is None:  # no facts yet: nothing may be reused
        return object()
    return (str(ws.warehouse_path.resolve()), repr(ws.settings), generation, targets)


def last_data_day(workspace: Workspace | str | Path | None = None) -> date | None:
    """The last local day any table holds activity on (None for a workspace without data): the day target
    status and the web app's pages are as of unless asked otherwise."""
    from kpidesk._data_spans import last_day_of

    ws = _workspace(workspace)
    if ws.settings.engine.backend == "spark":
        from kpidesk.lake import read_manifest

        return read_manifest(ws.lake_location).last_day(ws.settings.timezone)
    return _remembered(ws, ("last_data_day",), lambda con: last_day_of(con, ws.settings.timezone))


def check_targets(workspace: Workspace | str | Path | None = None) -> TargetCheck:
    """The workspace's `targets.yaml` read and checked (`TargetError` naming file, line, target and key
    when it cannot be used), with warnings for targets without guardrails and for scope values the data
    does not hold. No file: no targets. Each target is as it stands today (in the workspace's time zone),
    with its changes (`Target.as_of` gives it at another date)."""
    from kpidesk.targets import TARGETS_FILE, check_target_file

    ws = _workspace(workspace)
    with _reading(ws) as con:
        return check_target_file(ws.path / TARGETS_FILE, _values_of(ws, con), on=_today(ws))


def _values_of(ws: Workspace, con: duckdb.DuckDBPyConnection) -> Callable[[str], list[str]]:
    """The values a dimension takes in the data, for the scope warnings."""
    from kpidesk.contents import list_values as values

    def values_of(dimension: str) -> list[str]:
        frame = values(con, ws.settings.timezone, dimension)
        return [str(v) for v in frame[dimension] if v is not None]

    return values_of


def _today(ws: Workspace) -> date:
    return datetime.now(ZoneInfo(ws.settings.timezone)).date()


def add_target(
    workspace: Workspace | str | Path | None,
    target_id: str,
    metric: str,
    target: float,
    *,
    stat: str | None = None,
    business_hours: bool = False,
    scope: Mapping[str, str] | None = None,
    per: str | None = None,
    period: str | None = None,
    start: date | None = None,
    end: date | None = None,
    stretch: float | None = None,
    direction: str | None = None,
    min_n: int | None = None,
    guardrails: Sequence[str] = (),
    owner: str | None = None,
    description: str | None = None,
) -> TargetCheck:
    """Add a target to the workspace's `targets.yaml` (created when absent; comments and everything else
    kept as written) and return it checked: `targets` holds the new target, `warnings` what to look at
    (no guardrails, a scope value the data does not hold). The period is a month unless `period` or
    `start` and `end` say otherwise. Nothing is written when the target is invalid (`TargetError`)."""
    from kpidesk.targets import TARGETS_FILE, TargetCheck, scope_warnings, unguarded_warnings
    from kpidesk.targets import add_target as write_target

    ws = _workspace(workspace)
    entry = {
        "id": target_id,
        "metric": metric,
        "stat": stat,
        "business_hours": business_hours or None,
        "scope": dict(scope) if scope else None,
        "per": per,
        "period": period if period or start or end else "month",
        "from": start,
        "to": end,
        "target": target,
        "stretch": stretch,
        "direction": direction,
        "min_n": min_n,
        "guardrails": list(guardrails) or None,
        "owner": owner,
        "description": description,
    }
    added = write_target(ws.path / TARGETS_FILE, entry)
    with _reading(ws) as con:
        warnings = [*unguarded_warnings([added]), *scope_warnings([added], _values_of(ws, con))]
    return TargetCheck(ws.path / TARGETS_FILE, True, [added], warnings)


def set_target(
    workspace: Workspace | str | Path | None,
    target_id: str,
    *,
    reason: str,
    target: float | None = None,
    stretch: float | None = None,
    guardrails: Sequence[str] | None = None,
    scope: Mapping[str, str] | None = None,
    per: str | None = None,
    min_n: int | None = None,
    owner: str | None = None,
    description: str | None = None,
    effective: date | None = None,
    by: str | None = None,
) -> Target:
    """Change a target from the local day `effective` (today by default), by `by` (the login name by
    default), for `reason`; the change is kept in `targets.yaml` beside the target as first set, so a past
    period is judged against the target of its time. Returns the target with its changes. A change that
    changes nothing, or that makes any version invalid, is refused (`TargetError`) and nothing is written."""
    from kpidesk.targets import TARGETS_FILE
    from kpidesk.targets import set_target as write_change

    ws = _workspace(workspace)
    values = {
        "target": target,
        "stretch": stretch,
        "guardrails": list(guardrails) if guardrails is not None else None,
        "scope": dict(scope) if scope is not None else None,
        "per": per,
        "min_n": min_n,
        "owner": owner,
        "description": description,
    }
    return write_change(
        ws.path / TARGETS_FILE,
        target_id,
        values,
        effective=effective or _today(ws),
        by=by or _login_name(),
        reason=reason,
    )


def _login_name() -> str:
    """Who is changing a target when they do not say: the login name, if the system has one."""
    import getpass

    from kpidesk.targets import TargetError

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise TargetError("no login name to record as the change's author; say who makes it (--by)") from None


def target_history(workspace: Workspace | str | Path | None, target_id: str) -> list[TargetVersion]:
    """Every version of a target in the order they apply: as first set, then after each change (its
    effective date, author, reason, the keys it changed, and the target in force from then on)."""
    from kpidesk.targets import TARGETS_FILE
    from kpidesk.targets import target_history as history

    ws = _workspace(workspace)
    return history(ws.path / TARGETS_FILE, target_id)


def targets_status(
    workspace: Workspace | str | Path | None = None, *, at: date | None = None
) -> pd.DataFrame:
    """Every target's status as of the end of local day `at` (default: the last day of the data) for the
    period that holds it: one row per target, period and member, with the value so far, its projection to
    the period's end, the status, the guardrails and, for proportions, the error budget (see
    `kpidesk.targets.target_status` and docs/targets.md). No target file: no rows."""
    from kpidesk.targets import TARGETS_FILE, Agent, target_status, targets_of

    ws = _workspace(workspace)
    path = ws.path / TARGETS_FILE
    content = path.read_bytes() if path.exists() else b""
    at = at or last_data_day(ws)
    if at is None:
        raise InvalidRequest("the workspace holds no data yet: import some before asking for status")
    day = at

    def compute(tables: KpiTables) -> pd.DataFrame:
        targets = targets_of(content, path) if content else []
        zone = ZoneInfo(ws.settings.timezone)
        rows = tables.agents.select("agent_id", "name", "hired_at", "left_at").to_pyarrow().to_pylist()
        agents = {
            str(row["agent_id"]): Agent(
                row["name"], _local_day(row["hired_at"], zone), _local_day(row["left_at"], zone)
            )
            for row in rows
        }
        return target_status(tables, ws.settings, targets, day, agents)

    # The file's content is part of the question: a changed target is never answered from memory.
    return _on_engine(ws, ("targets_status", hashlib.sha256(content).hexdigest(), day), compute)


def _local_day(instant: datetime | None, zone: ZoneInfo) -> date | None:
    """The local day of a UTC instant the warehouse keeps without its zone."""
    return None if instant is None else instant.replace(tzinfo=UTC).astimezone(zone).date()


def suggest_target(
    workspace: Workspace | str | Path | None,
    metric: str,
    *,
    scope: Mapping[str, str] | None = None,
    period: str = "month",
    stat: str | None = None,
    business_hours: bool = False,
    direction: str | None = None,
    at: date | None = None,
) -> Suggestion:
    """The baseline of `metric` for `scope` (``{"team": "billing"}``) over its last three complete periods
    of the default calendar, and an attainable and a stretch target from its own last twelve, with the
    periods behind them (see `kpidesk.targets.suggest_target` and docs/targets.md). `at` is the day of the
    suggestion (default: the latest day of the data); neutral metrics need `direction`."""
    from kpidesk.targets import suggest_target as suggest

    ws = _workspace(workspace)
    with _reading(ws) as con:
        icon = ibis.duckdb.from_connection(con)
        return suggest(
            warehouse_tables(icon),
            ws.settings,
            metric,
            scope=scope,
            period=period,
            stat=stat,
            business_hours=business_hours,
            direction=direction,
            at=at,
        )


def imports(workspace: Workspace | str | Path | None = None) -> pd.DataFrame:
    """Every import, oldest first: import_id, started_at (UTC), kind, source, files, read, inserted,
    updated, unchanged, rejected, repaired, batch_id (the first import of the same command), undone and
    undone_at."""
    from kpidesk.ingest import import_log

    ws = _workspace(workspace)
    with ws.connect(read_only=True) as con:
        return import_log(con)


def rejected(
    workspace: Workspace | str | Path | None = None, *, import_id: int | None = None
) -> pd.DataFrame:
    """The rows imports rejected or repaired (of one import with `import_id`): import_id, kind, file, line,
    column, value, reason and repaired."""
    from kpidesk.ingest import rejected_rows

    ws = _workspace(workspace)
    with ws.connect(read_only=True) as con:
        return rejected_rows(con, import_id)


def undo_import(
    import_id: int, *, workspace: Workspace | str | Path | None = None, wait: bool = True
) -> UndoResult:
    """Put the warehouse back as it was before import `import_id` (and the other imports of the same
    command), in one transaction, and derive the facts of what changed again. Raises UndoRefused when
    it is unknown, already undone, or a later import changed the same rows (naming it)."""
    from kpidesk import ingest

    ws = _workspace(workspace)
    with import_lock(ws.path, f"the undo of import {import_id}", wait=wait), ws.connect() as con:
        result = ingest.undo_import(con, import_id)
        facts.refresh_facts(con, ws.settings)
    return result


def explain(
    ticket_id: str, *, workspace: Workspace | str | Path | None = None, source: str | None = None
) -> TicketExplanation:
    """Each metric's start event, stop event, calendar and value for one ticket."""
    ws = _workspace(workspace)
    with _reading(ws) as con:
        return explain_ticket(con, ticket_id, source, ws.settings)


def reconcile(
    workspace: Workspace | str | Path | None = None,
    *,
    source: str | None = None,
    metric: str | None = None,
) -> Reconciliation:
    """Each source's own figures against kpidesk's, per ticket or call: agreement and the reasons.

    `metric` is a figure (`full_resolution_time`, `wait_time`…) or the metric it is compared with.
    """
    ws = _workspace(workspace)
    with _reading(ws) as con:
        return reconcile_figures(con, source=source, metric=metric)


#: The demo's report `make demo` writes: the organisation's week, in Hebrew, as HTML, PDF and XLSX.
DEMO_REPORT = "weekly-service"


@dataclass
class DemoResult:
    workspace: Workspace
    #: The demo's weekly report for the last whole week of its data: the HTML page, the PDF, the XLSX.
    report_files: list[Path]
    imports: list[ImportSummary]
    #: The week after the demo's calls, staffed to 80/20 with Erlang A and 30% shrinkage.
    staffing: StaffingPlan
    staffing_html: Path
    #: The billing queue's roster for the same week: the billing team's agents under kpidesk.toml's
    #: [roster] rules.
    roster: Roster
    #: A ticket and an agent of the demo, for the commands it suggests.
    examples: DemoExamples
    #: The web app's demo users: (name, password, role), one of each role.
    users: list[tuple[str, str, str]] = field(default_factory=list)


def render_report(
    workspace: Workspace | str | Path | None, name: str, *, at: date | None = None
) -> list[Rendering]:
    """The report `name` of `reports.yaml` made on local day `at` (default: today): one rendering per agent
    of an agents' report, one otherwise, each with its recipients and its rendered HTML and attachments."""
    from kpidesk.reports import render_report as render

    return render(_workspace(workspace), name, at=at)


def run_report(
    workspace: Workspace | str | Path | None, name: str, *, at: date | None = None, output: Path | None = None
) -> list[Path]:
    """Make the report `name` and write its files (default: the workspace's `reports/` folder); returns
    their paths. The run is in `report_log` with the files it wrote (or why it failed)."""
    from kpidesk.delivery import Journal
    from kpidesk.reports import period_of, run_day
    from kpidesk.reports import run_report as run

    ws = _workspace(workspace)
    day = run_day(ws, at)
    journal = Journal(ws.path)
    run_id = journal.start_run(name, period_of(ws, name, day).key, day.isoformat(), "run")
    try:
        paths = run(ws, name, at=day, output=output)
    except Exception as exc:
        journal.finish_run(run_id, f"failed: {exc}")
        raise
    journal.finish_run(run_id, f"written {len(paths)} files", [str(p) for p in paths])
    return paths


def write_staffing_page(
    plan: StaffingPlan, path: Path, workspace: Workspace | str | Path | None = None
) -> Path:
    """Write `plan` as an HTML page (chart, forecast error, busy intervals) in the workspace's language."""
    from kpidesk.reports import render_staffing_html

    ws = _workspace(workspace)
    path.write_text(
        render_staffing_html(
            plan, locale=ws.settings.locale, workspace_name=ws.path.name, generated=date.today()
        ),
        encoding="utf-8",
    )
    return path


def build_demo(
    directory: str | Path = "kpidesk-demo", *, n_tickets: int = 20_000, seed: int = 7, progress: bool = False
) -> DemoResult:
    """A demo workspace from realistic generated data, imported through the normal importer: tickets and
    their events, calls, agent states, surveys, QA reviews, customers and agents; with a target file."""
    from kpidesk.accounts import demo_users
    from kpidesk.demo import (
        DEMO_REPORTS,
        DEMO_TARGETS,
        demo_examples,
        demo_settings,
        generate_demo,
        write_demo_files,
    )
    from kpidesk.reports import REPORTS_FILE
    from kpidesk.targets import TARGETS_FILE

    path = Path(directory)
    if path.exists():
        if not (path / SETTINGS_FILE).exists() and any(path.iterdir()):
            raise WorkspaceError(f"{path} exists and is not a kpidesk workspace; choose another --workspace")
        shutil.rmtree(path)
    ws = init_workspace(path, settings=demo_settings())
    (path / TARGETS_FILE).write_text(DEMO_TARGETS.read_text(encoding="utf-8"), encoding="utf-8")
    (path / REPORTS_FILE).write_text(DEMO_REPORTS.read_text(encoding="utf-8"), encoding="utf-8")
    data = generate_demo(n_tickets, seed=seed)
    files = write_demo_files(data, path / "data", "csv")
    # Surveys name tickets, so they follow them; the facts are derived once, after the calls.
    imports = [
        import_files(
            [files[kind]], kind, workspace=ws, source="demo", progress=progress, derive_facts=kind == "calls"
        )
        for kind in ("agents", "customers", "agent_states", "tickets", "events", "calls", "surveys", "qa")
    ]
    with ws.connect(read_only=True) as con:
        row = con.execute("SELECT max(arrived_at) FROM calls").fetchall()[0]
        examples = demo_examples(con, ws.settings.default_calendar)
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    last_call = row[0].replace(tzinfo=UTC).astimezone(calendar.zone).date()
    # The plan is the calendar's first whole week after the calls end.
    start = last_call + timedelta(days=(calendar.week_start - last_call.weekday()) % 7 or 7)
    plan = staffing_plan(
        ws, start=start, end=start + timedelta(days=6), target="80/20", model="erlang-a", shrinkage=0.3
    )
    return DemoResult(
        workspace=ws,
        report_files=run_report(ws, DEMO_REPORT, at=(last_data_day(ws) or date.today()) + timedelta(days=1)),
        imports=imports,
        staffing=plan,
        staffing_html=write_staffing_page(plan, ws.path / "staffing.html", ws),
        roster=staffing_roster(
            ws,
            start=start,
            end=start + timedelta(days=6),
            queue="billing",
            team="billing",
            model="erlang-a",
            shrinkage=0.3,
        ),
        examples=examples,
        users=demo_users(ws),
    )


# --- alerts ---------------------------------------------------------------------------------------------


def check_alerts(
    workspace: Workspace | str | Path | None = None, *, at: datetime | None = None
) -> AlertCheck:
    """Judge the alert rules of the workspace's reports.yaml at `at` (default: now; naive means the
    workspace's local time) and send the notices of what was raised or resolved (see docs/alerts.md)."""
    from kpidesk.alerts import check_alerts as check

    return check(_workspace(workspace), at=at)


def list_alerts(
    workspace: Workspace | str | Path | None = None, *, days: float = 7.0
) -> tuple[list[AlertEvent], list[NoticeFailure]]:
    """The open alerts and those raised or resolved in the last `days` days, and the notices not sent."""
    from kpidesk.alerts import list_alerts as listing

    return listing(_workspace(workspace), days=days)


# --- users of the web app -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserAdded:
    user: User
    #: Teams or an agent id the warehouse does not hold (yet): the user is added all the same.
    warnings: list[str]


def _accounts(ws: Workspace) -> AccountStore:
    from kpidesk.accounts import AccountStore

    return AccountStore.of_workspace(ws.path)


def add_user(
    workspace: Workspace | str | Path | None,
    name: str,
    password: str,
    role: str,
    *,
    teams: Sequence[str] = (),
    agent_id: str | None = None,
) -> UserAdded:
    """Add a user of the web app (`role` admin, manager or agent) to the workspace's accounts. An agent
    without a team gets their team from the warehouse; teams and an agent id the warehouse does not hold
    yet are warned about, not refused, so users can be set up before the first import."""
    ws = _workspace(workspace)
    teams = (teams,) if isinstance(teams, str) else tuple(teams)
    warnings, agent_team = _warehouse_checks(ws, teams, agent_id)
    if role == "agent" and not teams and agent_team is not None:
        teams = (agent_team,)
    user = _accounts(ws).add_user(name, password, role, teams=teams, agent_id=agent_id)
    return UserAdded(user=user, warnings=warnings)


def _warehouse_checks(
    ws: Workspace, teams: Sequence[str], agent_id: str | None
) -> tuple[list[str], str | None]:
    """Warnings for the teams and agent id the warehouse does not hold, and the agent's team there."""
    try:
        with ws.connect(read_only=True, wait_s=5) as con:
            known_teams = {
                row[0]
                for row in con.execute(
                    "SELECT team_id FROM agents WHERE team_id IS NOT NULL "
                    "UNION SELECT team_id FROM tickets WHERE team_id IS NOT NULL"
                ).fetchall()
            }
            agent_row = (
                None
                if agent_id is None
                else con.execute("SELECT team_id FROM agents WHERE agent_id = ?", [agent_id]).fetchone()
            )
    except WarehouseBusy:
        return ["the warehouse is busy, so the teams and agent id were not checked against it"], None
    warnings = [
        f"the warehouse holds no team {team} yet (`kpidesk list teams`)"
        for team in teams
        if team not in known_teams
    ]
    agent_team = None
    if agent_id is not None:
        if agent_row is None:
            warnings.append(f"the warehouse holds no agent {agent_id} yet (`kpidesk list agents`)")
        else:
            agent_team = agent_row[0]
            if agent_team is not None and teams and agent_team not in teams:
                warnings.append(f"agent {agent_id} is in team {agent_team} in the warehouse, not {teams[0]}")
    return warnings, agent_team


def set_password(workspace: Workspace | str | Path | None, name: str, password: str) -> None:
    """Change a user's password; every session of theirs ends."""
    _accounts(_workspace(workspace)).set_password(name, password)


def remove_user(workspace: Workspace | str | Path | None, name: str) -> None:
    """Remove a user with their sessions and API tokens."""
    _accounts(_workspace(workspace)).remove_user(name)


def users(workspace: Workspace | str | Path | None = None) -> list[User]:
    """The users of the workspace's web app, by name."""
    return _accounts(_workspace(workspace)).users()


def create_api_token(workspace: Workspace | str | Path | None, name: str, label: str) -> str:
    """A new API token acting as user `name` (`Authorization: Bearer …`); only its digest is kept, so
    this is the one time it can be read."""
    return _accounts(_workspace(workspace)).create_api_token(name, label)


def revoke_api_token(workspace: Workspace | str | Path | None, name: str, label: str) -> None:
    _accounts(_workspace(workspace)).revoke_api_token(name, label)


def api_tokens(workspace: Workspace | str | Path | None, name: str) -> list[ApiToken]:
    """A user's API tokens (label, created, last used), without the tokens themselves."""
    return _accounts(_workspace(workspace)).api_tokens(name)


# --- delivery: reports sent by e-mail, their log, the scheduler --------------------------------------


def _delivery_rendering(ws: Workspace, name: str, at: date) -> Sequence[Sendable]:
    return render_report(ws, name, at=at)


def send_report(
    workspace: Workspace | str | Path | None, name: str, *, at: date | None = None, again: bool = False
) -> RunOutcome:
    """Make report `name` as on local day `at` (default today) and e-mail it to its recipients, each
    delivery claimed once per period: one sent before is not sent again unless `again`."""
    from kpidesk.delivery import Dispatcher, Journal
    from kpidesk.reports import REPORTS_FILE, read_reports

    ws = _workspace(workspace)
    reports = read_reports(ws.path / REPORTS_FILE, default_language=ws.settings.locale)
    if name not in reports:
        known = ", ".join(sorted(reports)) or f"none: {ws.path / REPORTS_FILE} has no reports"
        raise InvalidRequest(f"no report named {name!r} in {ws.path / REPORTS_FILE}; defined: {known}")
    day = at or _today(ws)
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    period = reports[name].period_at(day, calendar.week_start)
    dispatcher = Dispatcher(Journal(ws.path), ws.settings.require_mail())
    return dispatcher.run(
        name, period.key, day.isoformat(), "send", lambda: _delivery_rendering(ws, name, day), again=again
    )


def report_log(
    workspace: Workspace | str | Path | None = None, *, report: str | None = None
) -> list[LogEntry]:
    """Every run of a report and every delivery with its outcome, oldest first (of one report)."""
    from kpidesk.delivery import report_log as journal_log

    ws = _workspace(workspace)
    return journal_log(ws.path, ws.settings.timezone, report=report)


#: How often the scheduler checks the alerts of reports.yaml: every hour that ends is judged within this.
ALERTS_EVERY_S = 300.0


def scheduler_jobs() -> list[PeriodicJob]:
    """What the scheduler runs besides the reports (each job is called with the workspace on every tick;
    its errors are logged): the alerts, checked every `ALERTS_EVERY_S` seconds."""
    from kpidesk.delivery import EveryFew

    return [EveryFew(check_alerts, ALERTS_EVERY_S)]


def run_scheduler(
    workspace: Workspace | str | Path | None = None,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    tick: float = 30.0,
    jobs: Sequence[PeriodicJob] | None = None,
    wait_for_lock: bool = False,
) -> None:
    """Send every report of reports.yaml on its cron schedule, exactly once per period, until `stop` is
    set (one round with `once`); runs missed while no scheduler ran are made once at start. One
    scheduler acts on a workspace: another raises SchedulerRunning, or is waited for with
    `wait_for_lock`."""
    from kpidesk.delivery import run_scheduler as run

    ws = _workspace(workspace)
    run(
        ws,
        _delivery_rendering,
        once=once,
        stop=stop,
        tick=tick,
        jobs=scheduler_jobs() if jobs is None else jobs,
        wait_for_lock=wait_for_lock,
    )


# --- the Parquet lake -----------------------------------------------------------------------------------


def export_lake(workspace: Workspace | str | Path | None = None, *, progress: bool = False) -> LakeExport:
    """Export the canonical tables to the workspace's lake (`[lake] path`) as Parquet by source and month,
    writing only the partitions that changed since the last export (see docs/lake.md)."""
    from kpidesk.lake import export_lake as export

    return export(_workspace(workspace), progress=progress)


def lake_status(workspace: Workspace | str | Path | None = None) -> LakeManifest:
    """The manifest of the workspace's lake: its tables, partitions, rows, generation and facts."""
    from kpidesk.lake import read_manifest

    return read_manifest(_workspace(workspace).lake_location)
