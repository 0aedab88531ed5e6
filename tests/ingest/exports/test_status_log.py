"""The status-log format: case event logs into tickets and events, on hand-worked logs and on the real
BPI Challenge 2013 Volvo IT incident log (figures recomputed here from the raw CSV with the csv module)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import kpidesk
from kpidesk.ingest import ImportFailed, MappingError
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace, init_workspace

HEADER = (
    "SR Number,Change Date+Time,Status,Sub Status,Involved ST,ST Level,SR Latest Impact,Product,Resource\n"
)

# C1: queued, worked, handed to a 3rd-line team (reassignment and escalation), resolved, reopened by an
# Unmatched answer, closed. Its rows are out of order in the file. C2: starts at level 2, waits for a
# vendor and is solved in the call at the same instant (the file's order decides).
LOG = HEADER + (
    "C1,2026-03-01T11:00:00+02:00,Accepted,In Progress,V5 3rd,L3,High,P1,fr-Marc\n"
    "C1,2026-03-01T10:00:00+02:00,Queued,Awaiting Assignment,V30,L1,Medium,P1,fr-Anne\n"
    "C1,2026-03-01T10:30:00+02:00,Accepted,In Progress,V30,L1,Medium,P1,fr-Anne\n"
    "C1,2026-03-01T12:00:00+02:00,Completed,Resolved,V5 3rd,L3,High,P1,fr-Marc\n"
    "C1,2026-03-02T09:00:00+02:00,Unmatched,Unmatched,V5 3rd,L3,High,P1,fr-Lena\n"
    "C1,2026-03-02T10:00:00+02:00,Completed,Closed,V5 3rd,L3,Major,P1,fr-Lena\n"
    "C2,2026-03-01T08:00:00+00:00,Accepted,Wait - Vendor,G1 2nd,L2,Low,P2,de-Jo\n"
    "C2,2026-03-01T08:00:00+00:00,Completed,In Call,G1 2nd,L2,Low,P2,de-Jo\n"
)


def _events(con: duckdb.DuckDBPyConnection, ticket: str) -> list[tuple[Any, ...]]:
    return con.execute(
        'SELECT event_id, "at", kind, actor_type, actor_id, status, agent_id, team_id, level '
        'FROM ticket_events WHERE ticket_id = ? ORDER BY "at", event_id',
        [ticket],
    ).fetchall()


def _facts(ws: Workspace) -> dict[str, dict[str, Any]]:
    kpidesk.refresh_facts(ws)
    with ws.connect() as con:
        cursor = con.execute(
            "SELECT ticket_id, created_at, first_solved_at, last_solved_at, reopens, reassignments, "
            "escalated, max_level, status, agent_id, team_id FROM ticket_facts ORDER BY ticket_id"
        )
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_events_derived_from_each_case(workspace: Workspace, write: Callable[..., Path]) -> None:
    path = write("log.csv", LOG)
    with workspace.connect() as con:
        tickets, events = import_export(con, [path], "status-log")
        assert (tickets.inserted, tickets.rejected) == (2, 0)
        # 8 status events, 2 created, 3 assign for C1 (Anne, Marc, Lena) and 1 for C2, 1 escalate.
        assert (events.inserted, events.rejected) == (15, 0)
        at = dt.datetime
        assert _events(con, "C1") == [
            ("C1#1", at(2026, 3, 1, 8), "status", "agent", "fr-Anne", "open", None, None, None),
            ("C1#1.assign", at(2026, 3, 1, 8), "assign", "agent", "fr-Anne", None, "fr-Anne", "V30", None),
            ("C1#1.created", at(2026, 3, 1, 8), "created", "system", None, None, None, None, None),
            ("C1#2", at(2026, 3, 1, 8, 30), "status", "agent", "fr-Anne", "open", None, None, None),
            ("C1#3", at(2026, 3, 1, 9), "status", "agent", "fr-Marc", "open", None, None, None),
            ("C1#3.assign", at(2026, 3, 1, 9), "assign", "agent", "fr-Marc", None, "fr-Marc", "V5 3rd", None),
            ("C1#3.escalate", at(2026, 3, 1, 9), "escalate", "agent", "fr-Marc", None, None, None, 3),
            ("C1#4", at(2026, 3, 1, 10), "status", "agent", "fr-Marc", "solved", None, None, None),
            ("C1#5", at(2026, 3, 2, 7), "status", "agent", "fr-Lena", "open", None, None, None),
            ("C1#5.assign", at(2026, 3, 2, 7), "assign", "agent", "fr-Lena", None, "fr-Lena", "V5 3rd", None),
            ("C1#6", at(2026, 3, 2, 8), "status", "agent", "fr-Lena", "closed", None, None, None),
        ]
        assert [e[0] for e in _events(con, "C2")] == ["C2#1", "C2#1.assign", "C2#1.created", "C2#2"]
        assert [e[5] for e in _events(con, "C2") if e[2] == "status"] == ["hold", "solved"]
        rows = con.execute(
            "SELECT ticket_id, created_at, status, priority, agent_id, team_id, category, escalation_level "
            "FROM tickets ORDER BY ticket_id"
        ).fetchall()
        assert rows == [
            ("C1", at(2026, 3, 1, 8), "closed", "urgent", "fr-Lena", "V5 3rd", "P1", 3),
            ("C2", at(2026, 3, 1, 8), "solved", "low", "de-Jo", "G1 2nd", "P2", 2),
        ]
    facts = _facts(workspace)
    c1, c2 = facts["C1"], facts["C2"]
    assert (c1["first_solved_at"], c1["last_solved_at"]) == (at(2026, 3, 1, 10), at(2026, 3, 2, 8))
    assert (c1["reopens"], c1["reassignments"], c1["escalated"], c1["max_level"]) == (1, 2, True, 3)
    # Starting at level 2 is escalated without an escalate event; one holder, no reassignment.
    assert (c2["reopens"], c2["reassignments"], c2["escalated"], c2["max_level"]) == (0, 0, True, 2)
    assert c2["last_solved_at"] == at(2026, 3, 1, 8)
    frame = kpidesk.kpis(
        workspace, metrics=["full_resolution_time", "reopen_rate", "escalation_rate"], period="all"
    ).set_index("metric")
    # Full resolution: C1 24 h (created 08:00, last solved next day 08:00), C2 0 s; median 12 h.
    assert frame.loc["full_resolution_time", "value"] == pytest.approx(43_200)
    assert frame.loc["reopen_rate", "value"] == pytest.approx(0.5)
    assert frame.loc["escalation_rate", "value"] == pytest.approx(1.0)


def test_import_twice_changes_nothing(workspace: Workspace, write: Callable[..., Path]) -> None:
    path = write("log.csv", LOG)
    with workspace.connect() as con:
        import_export(con, [path], "status-log")
        again = import_export(con, [path], "status-log")
        assert [(s.kind, s.inserted, s.updated, s.unchanged) for s in again] == [
            ("tickets", 0, 0, 2),
            ("events", 0, 0, 15),
        ]


def test_a_case_split_over_two_files_is_one_case(workspace: Workspace, write: Callable[..., Path]) -> None:
    lines = LOG.splitlines(keepends=True)
    first = write("march-1.csv", HEADER + "".join(lines[2:4] + lines[7:]))
    second = write("march-2.csv", HEADER + "".join(lines[1:2] + lines[4:7]))
    with workspace.connect() as con:
        tickets, events = import_export(con, [first, second], "status-log")
        assert (tickets.inserted, events.inserted) == (2, 15)
        assert [e[0] for e in _events(con, "C1")][:3] == ["C1#1", "C1#1.assign", "C1#1.created"]
        assert con.execute("SELECT escalation_level FROM tickets WHERE ticket_id = 'C1'").fetchall() == [(3,)]


def test_level_read_from_the_team_name_without_a_level_column(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    path = write(
        "log.csv",
        "SR Number,Change Date+Time,Status,Sub Status,Involved ST\n"
        "C9,2026-03-01 10:00,Accepted,In Progress,V30\n"
        "C9,2026-03-01 11:00,Accepted,In Progress,V13 2nd 3rd\n"
        "C9,2026-03-01 12:00,Accepted,In Progress,V5 3rd\n"
        "C9,2026-03-01 13:00,Completed,Resolved,V5 3rd\n",
    )
    with workspace.connect() as con:
        import_export(con, [path], "status-log", timezone="Asia/Jerusalem")
        escalations = con.execute(
            "SELECT event_id, level FROM ticket_events WHERE kind = 'escalate' ORDER BY event_id"
        ).fetchall()
        # A team serving 2nd and 3rd line counts as 2nd; no ordinal is the 1st line.
        assert escalations == [("C9#2.escalate", 2), ("C9#3.escalate", 3)]
        # Naive times are local to the zone given: 10:00 in Jerusalem in March is 08:00 UTC.
        assert con.execute("SELECT created_at FROM tickets").fetchall() == [(dt.datetime(2026, 3, 1, 8),)]


def test_bad_rows_are_rejected_with_file_line_column_and_reason(
    workspace: Workspace, write: Callable[..., Path], rejected_rows: Callable[..., list[Any]]
) -> None:
    path = write(
        "log.csv",
        HEADER + "C1,2026-03-01T10:00:00+02:00,Queued,Awaiting Assignment,V30,L1,Medium,P1,fr-Anne\n"
        "C1,yesterday,Accepted,In Progress,V30,L1,Medium,P1,fr-Anne\n"
        "C1,2026-03-01T11:00:00+02:00,Accepted,Sleeping,V30,L1,Medium,P1,fr-Anne\n"
        ",2026-03-01T11:00:00+02:00,Accepted,In Progress,V30,L1,Medium,P1,fr-Anne\n"
        "C1,2026-03-01T12:00:00+02:00,Accepted,In Progress,V30,top,Medium,P1,fr-Anne\n"
        "C1,2026-03-01T13:00:00+02:00,Completed,Resolved,V30,L1,Medium,P1,fr-Anne\n",
    )
    with workspace.connect() as con:
        tickets, events = import_export(con, [path], "status-log")
        assert (tickets.inserted, events.read, events.inserted, events.rejected) == (1, 8, 4, 4)
        problems = rejected_rows(con, events.import_id)
        assert [(f, line, column, value) for f, line, column, value, _ in problems] == [
            ("log.csv", 3, "Change Date+Time", "yesterday"),
            ("log.csv", 4, "Status", "Accepted / Sleeping"),
            ("log.csv", 5, "SR Number", None),
            ("log.csv", 6, "ST Level", "top"),
        ]
        reasons = [reason for *_, reason in problems]
        assert reasons[0].startswith("expected a timestamp like 2026-03-01 14:05:00")
        assert "settings.statuses" in reasons[1] and "Accepted / Sleeping" in reasons[1]
        assert "no case id" in reasons[2]
        assert "support level" in reasons[3] and "'top'" in reasons[3]
        # The rejected rows take no part: the case goes from queued (#1) straight to resolved (#2).
        assert [e[0] for e in _events(con, "C1") if e[2] == "status"] == ["C1#1", "C1#2"]


def test_statuses_setting_maps_other_values(workspace: Workspace, write: Callable[..., Path]) -> None:
    path = write(
        "log.csv",
        "case,timestamp,Status\nK1,2026-03-01 10:00,Parked\nK1,2026-03-01 11:00,solved\n",
    )
    mapping = {"settings": {"statuses": {"parked": "hold"}}}
    with workspace.connect() as con:
        import_export(con, [path], "status-log", mapping=mapping)
        statuses = con.execute(
            "SELECT status FROM ticket_events WHERE kind = 'status' ORDER BY event_id"
        ).fetchall()
        assert statuses == [("hold",), ("solved",)]
        with pytest.raises(MappingError, match=r"settings\.statuses\.Parked: 'asleep' is not a canonical"):
            import_export(con, [path], "status-log", mapping={"settings": {"statuses": {"Parked": "asleep"}}})


def test_missing_column_fails_and_leaves_the_warehouse_as_it_was(
    workspace: Workspace,
    write: Callable[..., Path],
    warehouse_snapshot: Callable[[duckdb.DuckDBPyConnection], dict[str, list[tuple[Any, ...]]]],
) -> None:
    good = write("log.csv", LOG)
    bad = write("other.csv", "SR Number,Change Date+Time,Sub Status\nC3,2026-03-01T10:00:00Z,Assigned\n")
    with workspace.connect() as con:
        import_export(con, [good], "status-log")
        before = warehouse_snapshot(con)
        with pytest.raises(ImportFailed) as failure:
            import_export(con, [good, bad], "status-log")
        message = str(failure.value)
        assert "other.csv line 1" in message and "Status (status after the change)" in message
        assert warehouse_snapshot(con) == before


# The real log -------------------------------------------------------------------------------------------

VOLVO = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets" / "bpi2013-volvo-incidents"
COMPLETED = "Completed"
HIGHER_LEVELS = ("L2", "L3", "L2/L3")


@pytest.fixture(scope="module")
def volvo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, list[Any]]]:
    path = VOLVO / "VINST-new.csv"
    if not path.exists():
        pytest.skip(f"the BPI 2013 Volvo log is not at {path} (the datasets sit beside the project)")
    ws = init_workspace(tmp_path_factory.mktemp("volvo") / "ws")
    with ws.connect() as con:
        summaries = import_export(con, [path], "status-log")
    kpidesk.refresh_facts(ws)
    yield ws, summaries


@pytest.fixture(scope="module")
def volvo_cases() -> dict[str, list[dict[str, Any]]]:
    """Each case's rows from the raw file, in time order (then file order), read with the csv module."""
    path = VOLVO / "VINST-new.csv"
    if not path.exists():
        pytest.skip(f"the BPI 2013 Volvo log is not at {path}")
    cases: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh)):
            row["at"] = dt.datetime.fromisoformat(row["Change Date+Time"])
            row["number"] = number
            cases[row["SR Number"]].append(row)
    for rows in cases.values():
        rows.sort(key=lambda r: (r["at"], r["number"]))
    return cases


def _last_solve(rows: list[dict[str, Any]]) -> dt.datetime | None:
    """When the case last entered Completed from another status (Resolved then Closed is one solve)."""
    entered = [
        r["at"]
        for i, r in enumerate(rows)
        if r["Status"] == COMPLETED and (i == 0 or rows[i - 1]["Status"] != COMPLETED)
    ]
    return entered[-1] if entered else None


def _reopened(rows: list[dict[str, Any]]) -> bool:
    return any(a["Status"] == COMPLETED and b["Status"] != COMPLETED for a, b in itertools.pairwise(rows))


@pytest.mark.dataset
def test_volvo_counts(
    volvo: tuple[Workspace, list[Any]], volvo_cases: dict[str, list[dict[str, Any]]]
) -> None:
    ws, (tickets, events) = volvo
    rows = sum(len(r) for r in volvo_cases.values())
    assert (len(volvo_cases), rows) == (7_554, 65_533)
    assert (tickets.inserted, tickets.rejected) == (7_554, 0)
    with ws.connect() as con:
        counts = dict(con.execute("SELECT kind, count(*) FROM ticket_events GROUP BY kind").fetchall())
    # Every row is accounted for: one status event per row, none rejected.
    assert counts["status"] + events.rejected == 65_533
    assert counts["created"] == 7_554
    escalations = sum(
        1
        for r in volvo_cases.values()
        for a, b in itertools.pairwise(r)
        if int(b["ST Level"][1]) > int(a["ST Level"][1])
    )
    assert counts["escalate"] == escalations


@pytest.mark.dataset
def test_volvo_kpis_match_the_raw_log(
    volvo: tuple[Workspace, list[Any]], volvo_cases: dict[str, list[dict[str, Any]]]
) -> None:
    ws, _ = volvo
    escalated = sum(1 for r in volvo_cases.values() if any(x["ST Level"] in HIGHER_LEVELS for x in r))
    solved = {case: rows for case, rows in volvo_cases.items() if _last_solve(rows) is not None}
    reopened = sum(1 for rows in solved.values() if _reopened(rows))
    resolution = [
        (solve - rows[0]["at"]).total_seconds()
        for rows in solved.values()
        if (solve := _last_solve(rows)) is not None
    ]
    frame = kpidesk.kpis(
        ws, metrics=["full_resolution_time", "reopen_rate", "escalation_rate"], period="all"
    ).set_index("metric")
    assert frame.loc["escalation_rate", "n"] == 7_554
    assert frame.loc["escalation_rate", "value"] == pytest.approx(escalated / 7_554)
    assert frame.loc["reopen_rate", "n"] == len(solved)
    assert frame.loc["reopen_rate", "value"] == pytest.approx(reopened / len(solved))
    assert frame.loc["full_resolution_time", "n"] == len(solved)
    assert frame.loc["full_resolution_time", "value"] == pytest.approx(statistics.median(resolution))
    # Sensible: a case takes about 15 hours, most are never reopened, about 2 in 5 leave the first line.
    assert 3_600 < frame.loc["full_resolution_time", "value"] < 7 * 86_400
    assert 0.01 < frame.loc["reopen_rate", "value"] < 0.2
    assert 0.2 < frame.loc["escalation_rate", "value"] < 0.6


@pytest.mark.dataset
@pytest.mark.parametrize("case", ["1-364285768", "1-740866821", "1-467153946"])
def test_volvo_single_cases(
    volvo: tuple[Workspace, list[Any]], volvo_cases: dict[str, list[dict[str, Any]]], case: str
) -> None:
    ws, _ = volvo
    rows = volvo_cases[case]
    with ws.connect() as con:
        got = con.execute(
            "SELECT created_at, last_solved_at, reopens, max_level FROM ticket_facts WHERE ticket_id = ?",
            [case],
        ).fetchall()
        statuses = con.execute(
            "SELECT count(*) FROM ticket_events WHERE ticket_id = ? AND kind = 'status'", [case]
        ).fetchall()
    utc = dt.UTC
    created, last_solved, reopens, level = got[0]
    assert created == rows[0]["at"].astimezone(utc).replace(tzinfo=None)
    solve = _last_solve(rows)
    assert last_solved == (solve.astimezone(utc).replace(tzinfo=None) if solve else None)
    assert (reopens > 0) == _reopened(rows)
    assert level == max(int(r["ST Level"][1]) for r in rows)
    assert statuses == [(len(rows),)]
