"""The servicenow format: a hand-worked incident log, its stripped copy, bad input, and the UCI log itself.

Figures on the real files are computed here from the raw CSV with pandas, not from the importer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from servicenow_rows import HEADER
from servicenow_rows import csv_text as _csv
from servicenow_rows import update as _row

import kpidesk
from kpidesk.ingest import ImportFailed, MappingError
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace, init_workspace

DATASET = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets" / "uci-incident-event-log"
FULL = "incident_event_log_full_stripped.csv"
PREFIXED = "incident_event_log_ibm_prefix.csv"

A = {"resolved_at": "1/3/2016 15:00", "closed_at": "6/3/2016 15:00", "priority": "2 - High"}
B = {
    "caller_id": "Caller 9",
    "opened_at": "2/3/2016 08:00",
    "priority": "4 - Low",
    "made_sla": "false",
    "contact_type": "Email",
    "assignment_group": "Group 70",
    "resolved_at": "3/3/2016 10:00",
    "closed_at": "8/3/2016 10:00",
}
C = {
    "opened_at": "29/2/2016 09:48",
    "priority": "1 - Critical",
    "assignment_group": "Group 70",
    "resolved_at": "29/2/2016 11:03",
    "closed_at": "5/3/2016 12:00",
}
#: Three incidents: A is solved, reopened and solved again with a change of assignee; B waits on the
#: caller and a vendor and passes through the unknown state -100; C's first row is timed after its
#: resolution (as in the UCI log's INC0000137), and two of its rows share sys_mod_count 1.
A_GROUP = {**A, "assignment_group": "Group 56"}
A_FOUR = {**A_GROUP, "assigned_to": "Resolver 4"}
A_FIVE = {**A_GROUP, "assigned_to": "Resolver 5", "reopen_count": "1"}
UPDATES = [
    _row("INC0000001", "New", 0, "1/3/2016 09:05", **A_GROUP),
    _row("INC0000001", "Active", 1, "1/3/2016 10:00", **A_FOUR),
    _row("INC0000001", "Resolved", 2, "1/3/2016 12:00", **A_FOUR),
    _row("INC0000001", "Active", 3, "1/3/2016 13:00", **{**A_FOUR, "reopen_count": "1"}),
    _row("INC0000001", "Resolved", 4, "1/3/2016 15:00", **A_FIVE),
    _row("INC0000001", "Closed", 5, "6/3/2016 15:00", **A_FIVE),
    _row("INC0000002", "New", 0, "2/3/2016 08:10", **B),
    _row("INC0000002", "Awaiting User Info", 1, "2/3/2016 09:00", **B),
    _row("INC0000002", "-100", 2, "2/3/2016 09:30", **B),
    _row("INC0000002", "Awaiting Vendor", 3, "2/3/2016 11:00", **B),
    _row("INC0000002", "Resolved", 4, "3/3/2016 10:00", **B),
    _row("INC0000002", "Closed", 5, "8/3/2016 10:00", **B),
    _row("INC0000003", "New", 1, "29/2/2016 11:10", **C),
    _row("INC0000003", "New", 1, "29/2/2016 09:52", **C),
    _row("INC0000003", "Resolved", 2, "29/2/2016 11:03", **C),
    _row("INC0000003", "Closed", 3, "5/3/2016 12:00", made_sla="false", **C),
]

_PREFIX = re.compile(
    r"^(INC|Caller |Opened by  |Created by |Updated by |Location |Category |Subcategory |"
    r"Symptom |Group |Resolver |code |Resolved by )(\d+)$"
)


def _stripped(rows: list[dict[str, str]]) -> str:
    """The rows as the stripped UCI copy writes them: bare numbers, `3` for `3 - Moderate`, its header."""

    def strip(value: str) -> str:
        match = _PREFIX.match(value)
        if match:
            return match.group(2)
        return value.split(" - ")[0] if re.match(r"^\d - ", value) else value

    renamed = {"incident_state": "ident_state", "subcategory": "category"}
    header = [renamed.get(h, h) for h in HEADER]
    return _csv([{k: strip(v) for k, v in r.items()} for r in rows], header)


def _import(con: duckdb.DuckDBPyConnection, path: Path, **kwargs: Any) -> dict[str, Any]:
    return {s.kind: s for s in import_export(con, [path], "servicenow", **kwargs)}


def _table(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")


TICKET_COLUMNS = (
    "ticket_id, created_at, channel, priority, status, customer_id, agent_id, team_id, category, "
    "first_solved_at, last_solved_at, closed_at, reopen_count, reassignment_count, sla_met"
)
EVENT_COLUMNS = 'event_id, ticket_id, "at", kind, actor_type, actor_id, status, agent_id, team_id'


# The hand-worked log ---------------------------------------------------------------------------------


def test_tickets_come_from_each_incidents_last_update(
    con: duckdb.DuckDBPyConnection, write: Callable
) -> None:
    summary = _import(con, write("incidents.csv", _csv(UPDATES)))
    assert (summary["tickets"].read, summary["tickets"].inserted, summary["tickets"].rejected) == (3, 3, 0)
    rows = _table(con, f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id")
    assert rows == [
        (
            "INC0000001",
            _ts("1/3/2016 09:00"),
            "phone",
            "high",
            "closed",
            "Caller 7",
            "Resolver 5",
            "Group 56",
            "Category 55",
            _ts("1/3/2016 12:00"),
            _ts("1/3/2016 15:00"),
            _ts("6/3/2016 15:00"),
            1,
            0,
            True,
        ),
        (
            "INC0000002",
            _ts("2/3/2016 08:00"),
            "email",
            "low",
            "closed",
            "Caller 9",
            None,
            "Group 70",
            "Category 55",
            _ts("3/3/2016 10:00"),
            _ts("3/3/2016 10:00"),
            _ts("8/3/2016 10:00"),
            0,
            0,
            False,
        ),
        (
            "INC0000003",
            _ts("29/2/2016 09:48"),
            "phone",
            "urgent",
            "closed",
            "Caller 7",
            None,
            "Group 70",
            "Category 55",
            _ts("29/2/2016 11:03"),
            _ts("29/2/2016 11:03"),
            _ts("5/3/2016 12:00"),
            0,
            0,
            False,
        ),
    ]


def _created(ticket: str, at: str, caller: str) -> tuple[Any, ...]:
    return (f"{ticket}/created", ticket, _ts(at), "created", "customer", caller, None, None, None)


def _status(update: str, at: str, status: str) -> tuple[Any, ...]:
    ticket = update.split("/")[0]
    return (f"{update}/status", ticket, _ts(at), "status", None, "Updated by 21", status, None, None)


def _assign(update: str, at: str, agent: str | None, team: str) -> tuple[Any, ...]:
    ticket = update.split("/")[0]
    return (f"{update}/assign", ticket, _ts(at), "assign", None, "Updated by 21", None, agent, team)


def test_events_are_the_changes_between_updates(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    _import(con, write("incidents.csv", _csv(UPDATES)))
    rows = _table(con, f'SELECT {EVENT_COLUMNS} FROM ticket_events ORDER BY ticket_id, "at", event_id')
    one, two, three = "INC0000001", "INC0000002", "INC0000003"
    assert rows == [
        _created(one, "1/3/2016 09:00", "Caller 7"),
        _assign(f"{one}/00000", "1/3/2016 09:05", None, "Group 56"),
        _status(f"{one}/00000", "1/3/2016 09:05", "new"),
        _assign(f"{one}/00001", "1/3/2016 10:00", "Resolver 4", "Group 56"),
        _status(f"{one}/00001", "1/3/2016 10:00", "open"),
        _status(f"{one}/00002", "1/3/2016 12:00", "solved"),
        _status(f"{one}/00003", "1/3/2016 13:00", "open"),
        _assign(f"{one}/00004", "1/3/2016 15:00", "Resolver 5", "Group 56"),
        _status(f"{one}/00004", "1/3/2016 15:00", "solved"),
        _status(f"{one}/00005", "6/3/2016 15:00", "closed"),
        _created(two, "2/3/2016 08:00", "Caller 9"),
        _assign(f"{two}/00000", "2/3/2016 08:10", None, "Group 70"),
        _status(f"{two}/00000", "2/3/2016 08:10", "new"),
        _status(f"{two}/00001", "2/3/2016 09:00", "pending"),
        _status(f"{two}/00003", "2/3/2016 11:00", "hold"),
        _status(f"{two}/00004", "3/3/2016 10:00", "solved"),
        _status(f"{two}/00005", "8/3/2016 10:00", "closed"),
        _created(three, "29/2/2016 09:48", "Caller 7"),
        _assign(f"{three}/00001", "29/2/2016 11:10", None, "Group 70"),
        _status(f"{three}/00001", "29/2/2016 11:10", "new"),
        # Resolved at 11:03, after the first row's 11:10: placed at 11:10 to keep the updates' order.
        _status(f"{three}/00002", "29/2/2016 11:10", "solved"),
        _status(f"{three}/00003", "5/3/2016 12:00", "closed"),
    ]


def test_unknown_state_and_moved_event_are_in_rejected_rows(
    con: duckdb.DuckDBPyConnection, write: Callable, rejected_rows: Callable
) -> None:
    summary = _import(con, write("incidents.csv", _csv(UPDATES)))
    events = summary["events"]
    # The -100 status event is rejected; the event moved in time is imported and listed as repaired.
    assert (events.read, events.inserted, events.rejected, events.repaired) == (23, 22, 1, 1)
    assert "repaired 1 (imported, listed in rejected_rows)" in str(events)
    problems = rejected_rows(con, summary["events"].import_id)
    assert [(p[0], p[1], p[2], p[3]) for p in problems] == [
        ("incidents.csv", 10, "status", "-100"),
        ("incidents.csv", 16, "sys_updated_at", "29/2/2016 11:03"),
    ]
    assert "placed at 29/02/2016 11:10" in problems[1][4]


def test_unknown_state_can_be_mapped(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    mapping = {"values": {"status": {"-100": "open"}}}
    summary = _import(con, write("incidents.csv", _csv(UPDATES)), mapping=mapping)
    assert (summary["events"].rejected, summary["events"].repaired) == (0, 1)
    sql = "SELECT status FROM ticket_events WHERE event_id = 'INC0000002/00002/status'"
    assert _table(con, sql) == [("open",)]


def test_facts_solves_reopens_and_reassignments(workspace: Workspace, write: Callable) -> None:
    with workspace.connect() as con:
        _import(con, write("incidents.csv", _csv(UPDATES)))
    kpidesk.refresh_facts(workspace)
    with workspace.connect() as con:
        facts = _table(
            con,
            "SELECT ticket_id, status, first_solved_at, last_solved_at, closed_at, reopens, reassignments, "
            "first_reply_at, escalated, sla_met FROM ticket_facts ORDER BY ticket_id",
        )
    assert facts == [
        (
            "INC0000001",
            "closed",
            _ts("1/3/2016 12:00"),
            _ts("1/3/2016 15:00"),
            _ts("6/3/2016 15:00"),
            1,
            2,
            None,
            False,
            True,
        ),
        (
            "INC0000002",
            "closed",
            _ts("3/3/2016 10:00"),
            _ts("3/3/2016 10:00"),
            _ts("8/3/2016 10:00"),
            0,
            0,
            None,
            False,
            False,
        ),
        (
            "INC0000003",
            "closed",
            _ts("29/2/2016 11:10"),
            _ts("29/2/2016 11:10"),
            _ts("5/3/2016 12:00"),
            0,
            0,
            None,
            False,
            False,
        ),
    ]
    frame = kpidesk.kpis(
        workspace, metrics=["sla_attainment", "reopen_rate", "full_resolution_time"], period="all"
    )
    values = {r.metric: (r.value, r.n) for r in frame.itertuples()}
    assert values["sla_attainment"] == (pytest.approx(1 / 3), 3)
    assert values["reopen_rate"] == (pytest.approx(1 / 3), 3)
    # created → last solve: 6 h, 26 h, 1 h 22 min; the median is 6 h.
    assert values["full_resolution_time"] == (6 * 3600, 3)


def test_stripped_copy_gives_the_same_rows(tmp_path: Path, write: Callable) -> None:
    tables: list[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = []
    for name, text in (("original.csv", _csv(UPDATES)), ("stripped.csv", _stripped(UPDATES))):
        with init_workspace(tmp_path / name, country="IL").connect() as con:
            _import(con, write(name, text))
            tables.append(
                (
                    _table(con, f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id"),
                    _table(con, f"SELECT {EVENT_COLUMNS} FROM ticket_events ORDER BY event_id"),
                )
            )
    assert "0000001,ident_state" not in _stripped(UPDATES)
    assert tables[0] == tables[1]
    assert len(tables[0][0]) == 3


def test_importing_twice_changes_nothing(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    path = write("incidents.csv", _csv(UPDATES))
    _import(con, path)
    again = _import(con, path)
    assert [(s.inserted, s.updated) for s in again.values()] == [(0, 0), (0, 0), (0, 0)]
    assert again["tickets"].unchanged == 3
    # A, B and C: resolved_at, closed_at, reopen_count, reassignment_count, made_sla each.
    assert again["figures"].unchanged == 15


def test_a_longer_log_updates_the_changed_incident(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    _import(con, write("early.csv", _csv(UPDATES[:3] + UPDATES[6:])))
    sql = "SELECT status, reopen_count FROM tickets WHERE ticket_id = 'INC0000001'"
    assert _table(con, sql) == [("solved", 0)]
    later = _import(con, write("later.csv", _csv(UPDATES)))
    assert (later["tickets"].updated, later["tickets"].unchanged) == (1, 2)
    assert later["events"].inserted == 4
    assert _table(con, sql) == [("closed", 1)]


def test_update_order_by_time_sees_the_stale_first_row(
    con: duckdb.DuckDBPyConnection, write: Callable
) -> None:
    """Ordered by sys_updated_at, INC0000003's first row (New at 11:10) follows its resolution at 11:03."""
    mapping = {"settings": {"update_order": "sys_updated_at"}}
    _import(con, write("incidents.csv", _csv(UPDATES[12:])), mapping=mapping)
    sql = """SELECT "at", status FROM ticket_events WHERE kind = 'status' ORDER BY "at", event_id"""
    rows = _table(con, sql)
    assert [s for _, s in rows] == ["new", "solved", "new", "closed"]


def test_unknown_update_order_is_a_mapping_error(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    with pytest.raises(MappingError, match=r"settings.update_order: expected one of file, sys_mod_count"):
        _import(con, write("incidents.csv", _csv(UPDATES)), mapping={"settings": {"update_order": "line"}})


def test_missing_column_names_file_and_column(
    con: duckdb.DuckDBPyConnection, write: Callable, warehouse_snapshot: Callable
) -> None:
    _import(con, write("first.csv", _csv(UPDATES[:6])))
    before = warehouse_snapshot(con)
    rows = [{k: v for k, v in r.items() if k != "sys_updated_at"} for r in UPDATES]
    path = write("no-updated.csv", _csv(rows, [h for h in HEADER if h != "sys_updated_at"]))
    with pytest.raises(ImportFailed, match=r"no-updated.csv line 1: missing column\(s\) .*sys_updated_at"):
        _import(con, path)
    assert warehouse_snapshot(con) == before


def test_bad_values_are_rejected_with_line_and_column(
    con: duckdb.DuckDBPyConnection, write: Callable, rejected_rows: Callable
) -> None:
    rows = [dict(r) for r in UPDATES]
    for r in rows[6:12]:
        r["opened_at"] = "31/2/2016 08:00"
    rows[5]["reopen_count"] = "one"
    summary = _import(con, write("bad.csv", _csv(rows)))
    assert (summary["tickets"].inserted, summary["tickets"].rejected) == (1, 2)
    problems = rejected_rows(con, summary["tickets"].import_id)
    assert [(p[1], p[2], p[3]) for p in problems] == [
        (7, "reopen_count", "one"),
        (13, "created_at", "31/2/2016 08:00"),
    ]
    assert _table(con, "SELECT ticket_id FROM tickets") == [("INC0000003",)]


def test_a_raised_priority_is_an_escalation(workspace: Workspace, write: Callable) -> None:
    # D goes Moderate → High (escalation, level 2) → Moderate → High again (not above High: none) →
    # Critical (escalation, level 3). E starts Critical and is lowered: no escalation.
    d = [
        ("3 - Moderate", "New"),
        ("2 - High", "Active"),
        ("3 - Moderate", "Active"),
        ("2 - High", "Active"),
        ("1 - Critical", "Resolved"),
    ]
    rows = [
        _row("INC0000004", state, mod, f"1/3/2016 1{mod}:00", priority=priority)
        for mod, (priority, state) in enumerate(d)
    ] + [
        _row("INC0000005", "New", 0, "1/3/2016 10:00", priority="1 - Critical"),
        _row("INC0000005", "Resolved", 1, "1/3/2016 11:00", priority="4 - Low"),
    ]
    path = write("escalations.csv", _csv(rows))
    with workspace.connect() as con:
        _import(con, path)
        events = _table(
            con, "SELECT event_id, \"at\", level FROM ticket_events WHERE kind = 'escalate' ORDER BY event_id"
        )
        levels = _table(con, "SELECT ticket_id, escalation_level FROM tickets ORDER BY ticket_id")
    assert events == [
        ("INC0000004/00001/escalate", _ts("1/3/2016 11:00"), 2),
        ("INC0000004/00004/escalate", _ts("1/3/2016 14:00"), 3),
    ]
    assert levels == [("INC0000004", 3), ("INC0000005", 1)]
    frame = kpidesk.kpis(workspace, metrics=["escalation_rate"], period="all")
    assert (frame.value[0], frame.n[0]) == (pytest.approx(1 / 2), 2)


def test_escalation_none_derives_no_escalation(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    rows = [
        _row("INC0000006", "New", 0, "1/3/2016 10:00", priority="3 - Moderate"),
        _row("INC0000006", "Active", 1, "1/3/2016 11:00", priority="1 - Critical"),
    ]
    _import(con, write("plain.csv", _csv(rows)), mapping={"settings": {"escalation": "none"}})
    assert _table(con, "SELECT count(*) FROM ticket_events WHERE kind = 'escalate'") == [(0,)]
    assert _table(con, "SELECT escalation_level FROM tickets") == [(1,)]


# The UCI incident event log --------------------------------------------------------------------------


def _dataset(name: str) -> Path:
    path = DATASET / name
    if not path.exists():
        pytest.skip(f"the UCI incident event log is not at {DATASET} (it sits beside the project, not in it)")
    return path


def _raw(name: str) -> pd.DataFrame:
    frame = pd.read_csv(_dataset(name), dtype=str, keep_default_na=False)
    frame.columns = ["incident_state" if c == "ident_state" else c for c in frame.columns]
    return frame


@pytest.fixture(scope="module")
def full_log() -> pd.DataFrame:
    return _raw(FULL)


@pytest.fixture(scope="module")
def prefixed_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    path = _dataset(PREFIXED)
    ws = init_workspace(tmp_path_factory.mktemp("servicenow") / "prefixed", country="IL")
    with ws.connect() as con:
        import_export(con, [path], "servicenow")
    return ws


def _last_updates(log: pd.DataFrame) -> pd.DataFrame:
    return log.groupby("number", sort=False).tail(1)


def _changes(log: pd.DataFrame) -> pd.DataFrame:
    """Per update, in file order: whether its state or assignment differs from the update before."""
    first = log.number != log.number.shift()
    group = log.assignment_group.where(log.assignment_group != "?")
    agent = log.assigned_to.where(log.assigned_to != "?")
    assigned = group.notna() | agent.notna()
    before = (assigned.astype(int).groupby(log.number).cumsum() - assigned.astype(int)) > 0
    moved = (group.fillna("") != group.shift().fillna("")) | (agent.fillna("") != agent.shift().fillna(""))
    solved = log.incident_state.isin(["Resolved", "Closed"])
    rank = log.priority.str[0].astype(int)
    highest_before = rank.groupby(log.number).cummin().groupby(log.number).shift()
    return pd.DataFrame(
        {
            "number": log.number,
            "state": log.incident_state,
            "status_event": first | (log.incident_state != log.incident_state.shift()),
            "assign_event": (before & ~first & moved) | (~before & assigned),
            "solves": solved & (first | ~solved.shift(fill_value=False)),
            "escalates": rank < highest_before,
            "updated_at": pd.to_datetime(log.sys_updated_at, format="%d/%m/%Y %H:%M"),
            "opened_at": pd.to_datetime(log.opened_at, format="%d/%m/%Y %H:%M"),
        }
    )


@pytest.mark.dataset
def test_full_log_tickets_and_events(servicenow_workspace: Workspace, full_log: pd.DataFrame) -> None:
    changes = _changes(full_log)
    unknown_state = changes.status_event & (changes.state == "-100")
    with servicenow_workspace.connect() as con:
        assert _table(con, "SELECT count(*) FROM tickets") == [(full_log.number.nunique(),)] == [(24_918,)]
        kinds = dict(_table(con, "SELECT kind, count(*) FROM ticket_events GROUP BY kind"))
        rejected = _table(con, 'SELECT "column", value, count(*) FROM rejected_rows GROUP BY ALL ORDER BY 1')
    assert kinds == {
        "created": 24_918,
        "status": int(changes.status_event.sum() - unknown_state.sum()),
        "assign": int(changes.assign_event.sum()),
        "escalate": int(changes.escalates.sum()),
    }
    assert rejected == [
        ("status", "-100", int(unknown_state.sum())),
        ("sys_updated_at", "29/2/2016 11:03", 1),
    ]


@pytest.mark.dataset
def test_full_log_reopens_and_sla(servicenow_workspace: Workspace, full_log: pd.DataFrame) -> None:
    last = _last_updates(full_log)
    reopened = int((last.reopen_count.astype(int) > 0).sum())
    escalated = int(_changes(full_log).groupby("number").escalates.any().sum())
    made_sla = float((last.made_sla == "true").mean())
    with servicenow_workspace.connect() as con:
        assert _table(con, "SELECT count(*) FROM ticket_facts WHERE reopens > 0") == [(reopened,)] == [(275,)]
        assert _table(con, "SELECT count(*) FROM ticket_facts WHERE first_reply_at IS NOT NULL") == [(0,)]
    frame = kpidesk.kpis(
        servicenow_workspace,
        metrics=["reopen_rate", "sla_attainment", "escalation_rate", "first_reply_time", "volume"],
        period="all",
    )
    row = {r.metric: r for r in frame.itertuples()}
    assert row["reopen_rate"].value == pytest.approx(reopened / 24_918)
    assert row["sla_attainment"].sla_metric == "source"
    assert (row["sla_attainment"].value, row["sla_attainment"].n) == (pytest.approx(made_sla), 24_918)
    assert made_sla == pytest.approx(0.6342, abs=1e-4)
    assert escalated == 297
    escalation = row["escalation_rate"]
    assert (escalation.value, escalation.n) == (pytest.approx(escalated / 24_918), 24_918)
    # An incident log holds no messages: first reply time is not available from it, with the reason, not
    # 24,918 unanswered tickets.
    reply = row["first_reply_time"]
    assert (reply.n, reply.available) == (0, False) and pd.isna(reply.value)
    assert "holds no public agent message" in reply.reason


@pytest.mark.dataset
def test_full_log_resolution_times(servicenow_workspace: Workspace, full_log: pd.DataFrame) -> None:
    changes = _changes(full_log)
    last_solve = changes[changes.solves].groupby("number", sort=False).tail(1).set_index("number")
    expected = (last_solve.updated_at - last_solve.opened_at).dt.total_seconds()
    frame = kpidesk.kpis(servicenow_workspace, metrics=["full_resolution_time"], period="all", stat="median")
    assert (frame.value[0], frame.n[0]) == (expected.median(), 24_918)
    assert expected.median() == 54_420
    # resolved_at agrees with the last move into Resolved except where ServiceNow re-stamped it later.
    last = _last_updates(full_log).set_index("number")
    resolved_at = pd.to_datetime(last.resolved_at.where(last.resolved_at != "?"), format="%d/%m/%Y %H:%M")
    stamped = resolved_at.dropna()
    later = stamped > last_solve.updated_at.reindex(stamped.index)
    assert (stamped >= last_solve.updated_at.reindex(stamped.index)).all()
    assert (int(later.sum()), len(stamped)) == (295, 23_362)
    with servicenow_workspace.connect() as con:
        facts = dict(_table(con, "SELECT ticket_id, last_solved_at FROM ticket_facts"))
        summary = dict(_table(con, "SELECT ticket_id, last_solved_at FROM tickets"))
    for number in ("0000047", "0000062", "0024904"):
        assert facts[f"INC{number}"] == summary[f"INC{number}"] == stamped[number].to_pydatetime()
    assert facts["INC0000045"] == dt.datetime(2016, 2, 29, 8, 53)
    assert summary["INC0000045"] == stamped["0000045"] == dt.datetime(2016, 2, 29, 11, 29)


@pytest.mark.dataset
def test_prefixed_log_agrees_with_the_full_one(
    prefixed_workspace: Workspace, servicenow_workspace: Workspace, full_log: pd.DataFrame
) -> None:
    prefixed = _raw(PREFIXED)
    assert prefixed.number.str.startswith("INC").all()
    # The shorter file stops mid-incident: compare the incidents it holds whole.
    full_counts = full_log.number.value_counts().to_dict()
    short_counts = prefixed.number.str.removeprefix("INC").value_counts().to_dict()
    whole = {f"INC{n}" for n, c in short_counts.items() if full_counts[n] == c}
    assert (len(short_counts), len(whole)) == (20_769, 20_768)
    with prefixed_workspace.connect() as a, servicenow_workspace.connect() as b:
        assert _table(a, "SELECT count(*) FROM tickets") == [(20_769,)]
        for sql, ticket in (
            (f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id", 0),
            (f"SELECT {EVENT_COLUMNS} FROM ticket_events ORDER BY event_id", 1),
        ):
            shared = [[r for r in _table(c, sql) if r[ticket] in whole] for c in (a, b)]
            assert shared[0] == shared[1]
            assert len(shared[0]) > 20_000
        assert _table(a, "SELECT DISTINCT priority FROM tickets ORDER BY 1") == [
            ("high",),
            ("low",),
            ("normal",),
            ("urgent",),
        ]


def test_figures_are_the_last_updates_values(con: duckdb.DuckDBPyConnection, write: Callable) -> None:
    rows = [dict(r) for r in UPDATES]
    rows[15]["made_sla"] = "perhaps"  # C's last update (line 17)
    summaries = _import(con, write("incidents.csv", _csv(rows)))
    assert (summaries["figures"].read, summaries["figures"].rejected) == (15, 1)
    figures = _table(
        con,
        'SELECT unit_id, figure, value, "at", precision_s, field FROM source_figures '
        "ORDER BY unit_id, figure",
    )
    closed = {"INC0000001": "6/3/2016 15:00", "INC0000002": "8/3/2016 10:00", "INC0000003": "5/3/2016 12:00"}
    # resolved_at − opened_at: A 09:00 → 15:00 = 21,600 s; B 2/3 08:00 → 3/3 10:00 = 93,600 s;
    # C 09:48 → 11:03 = 4,500 s. A was reopened once (its last update says 1); B's made_sla is false.
    resolution = {
        "INC0000001": (21_600, "1/3/2016 15:00"),
        "INC0000002": (93_600, "3/3/2016 10:00"),
        "INC0000003": (4_500, "29/2/2016 11:03"),
    }
    expected = []
    for ticket in ("INC0000001", "INC0000002", "INC0000003"):
        seconds, resolved = resolution[ticket]
        expected += [
            (ticket, "closed_at", None, _ts(closed[ticket]), 0.0, "closed_at"),
            (ticket, "full_resolution_time", seconds, _ts(resolved), 60.0, "resolved_at"),
            (ticket, "reassignments", 0.0, None, 0.0, "reassignment_count"),
            (ticket, "reopens", 1.0 if ticket == "INC0000001" else 0.0, None, 0.0, "reopen_count"),
        ]
        if ticket != "INC0000003":
            made = 1.0 if ticket == "INC0000001" else 0.0
            expected.append((ticket, "sla_met", made, None, 0.0, "made_sla"))
    assert figures == expected
    assert _table(con, "SELECT line, value, reason FROM rejected_rows WHERE kind = 'figures'") == [
        (17, "perhaps", "expected a number, got 'perhaps'")
    ]
