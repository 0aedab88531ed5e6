"""Each reason rule of the comparisons, on a hand-written ServiceNow log with one incident per rule.

Timestamps are `d/m/yyyy HH:MM` UTC; every incident is opened at 1/3/2016 09:00. Values in comments are
worked out by hand from the rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servicenow_rows import csv_text, update

import kpidesk
from kpidesk.ingest.exports import import_export
from kpidesk.reconcile import COMPARISONS, comparison
from kpidesk.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SOLVED = {"resolved_at": "1/3/2016 10:00", "closed_at": "6/3/2016 10:00"}


def _solved(number: str, **fields: str) -> list[dict[str, str]]:
    """New at 09:05, Resolved at 10:00, Closed on 6/3 at 10:00, with `fields` on every update."""
    values = {**SOLVED, **fields}
    return [
        update(number, "New", 0, "1/3/2016 09:05", **values),
        update(number, "Resolved", 1, "1/3/2016 10:00", **values),
        update(number, "Closed", 2, "6/3/2016 10:00", **values),
    ]


def _assigned(number: str, teams: list[tuple[str, str]], reassignments: str) -> list[dict[str, str]]:
    """Solved like `_solved`, one Active update per (group, assignee) in between, then the same stamps."""
    rows = [update(number, "New", 0, "1/3/2016 09:05", **SOLVED, reassignment_count=reassignments)]
    for position, (group, agent) in enumerate(teams, start=1):
        rows.append(
            update(
                number,
                "Active",
                position,
                f"1/3/2016 09:{10 + position:02d}",
                **SOLVED,
                assignment_group=group,
                assigned_to=agent,
                reassignment_count=reassignments,
            )
        )
    group, agent = teams[-1]
    last = {"assignment_group": group, "assigned_to": agent, "reassignment_count": reassignments}
    rows.append(update(number, "Resolved", 10, "1/3/2016 10:00", **SOLVED, **last))
    return rows


LOG = [
    # Full resolution 3,600 s on both sides.
    *_solved("INC0000001"),
    # Resolved at 10:00, stamped 10:01: 3,660 against 3,600, within 60 s.
    *_solved("INC0000002", resolved_at="1/3/2016 10:01"),
    # Stamped 12:00 with no change of state: 10,800 against 3,600.
    *_solved("INC0000003", resolved_at="1/3/2016 12:00"),
    # The first update is timed 11:10, after the resolution at 11:03: kpidesk's solve is placed at 11:10
    # (7,800 s), the source's resolved_at says 11:03 (7,380 s).
    update("INC0000004", "New", 1, "1/3/2016 11:10", resolved_at="1/3/2016 11:03"),
    update("INC0000004", "New", 1, "1/3/2016 09:52", resolved_at="1/3/2016 11:03"),
    update("INC0000004", "Resolved", 2, "1/3/2016 11:03", resolved_at="1/3/2016 11:03"),
    # Opened already Resolved, then Closed: no resolved_at; kpidesk's solve is its first update (300 s).
    update("INC0000005", "Resolved", 0, "1/3/2016 09:05"),
    update("INC0000005", "Closed", 1, "6/3/2016 09:05", closed_at="6/3/2016 09:05"),
    # New, then Closed without passing through Resolved: no resolved_at; kpidesk solves it at Closed.
    update("INC0000006", "New", 0, "1/3/2016 09:05"),
    update("INC0000006", "Closed", 1, "2/3/2016 09:00", closed_at="2/3/2016 09:00"),
    # Still Active when the log ends: neither side has a resolution.
    update("INC0000007", "New", 0, "1/3/2016 09:05"),
    update("INC0000007", "Active", 1, "1/3/2016 09:30"),
    # Reassignments. 8: a new assignee in group 70 (kpidesk 1, group changes 0), ServiceNow says 0.
    *_assigned("INC0000008", [("Group 70", "Resolver 1"), ("Group 70", "Resolver 2")], "0"),
    # 9: one assignment, no change (kpidesk 0), ServiceNow says 1.
    *_assigned("INC0000009", [("Group 70", "Resolver 1")], "1"),
    # 10: 70/1 → 70/2 → 70/3 → 80/3: kpidesk 3, group changes 1, ServiceNow says 2.
    *_assigned(
        "INC0000010",
        [
            ("Group 70", "Resolver 1"),
            ("Group 70", "Resolver 2"),
            ("Group 70", "Resolver 3"),
            ("Group 80", "Resolver 3"),
        ],
        "2",
    ),
    # Reopens. 11: Resolved → Active → Resolved (kpidesk 1), ServiceNow says 0.
    update("INC0000011", "New", 0, "1/3/2016 09:05", **SOLVED),
    update("INC0000011", "Resolved", 1, "1/3/2016 09:30", **SOLVED),
    update("INC0000011", "Active", 2, "1/3/2016 09:40", **SOLVED),
    update("INC0000011", "Resolved", 3, "1/3/2016 10:00", **SOLVED),
    # 12: never reopened in the log (kpidesk 0), ServiceNow says 2.
    *_solved("INC0000012", reopen_count="2"),
]


@pytest.fixture
def handmade(workspace: Workspace, tmp_path: Path) -> Workspace:
    path = tmp_path / "incidents.csv"
    path.write_text(csv_text(LOG), encoding="utf-8")
    with workspace.connect() as con:
        import_export(con, [path], "servicenow")
    return workspace


def _by_ticket(ws: Workspace, figure: str) -> dict[str, tuple[float | None, float | None, str, str | None]]:
    units = kpidesk.reconcile(ws, metric=figure).units
    return {
        u.unit_id: (
            None if u.kpidesk_value != u.kpidesk_value else u.kpidesk_value,
            None if u.source_value != u.source_value else u.source_value,
            u.outcome,
            u.reason_key,
        )
        for u in units.itertuples()
    }


def test_full_resolution_rules(handmade: Workspace) -> None:
    found = _by_ticket(handmade, "full_resolution_time")
    assert {t: found[f"INC000000{t}"] for t in "1234567"} == {
        "1": (3600, 3600, "exact", None),
        "2": (3600, 3660, "within", None),
        "3": (3600, 10800, "differ", "restamped"),
        "4": (7800, 7380, "differ", "solved_later"),
        "5": (300, None, "source_missing", "opened_solved"),
        "6": (86400, None, "source_missing", "closed_unsolved"),
        "7": (None, None, "neither", "not_solved"),
    }


def test_reassignment_rules(handmade: Workspace) -> None:
    found = _by_ticket(handmade, "reassignments")
    assert {t: found[t] for t in ("INC0000008", "INC0000009", "INC0000010", "INC0000001")} == {
        "INC0000008": (1, 0, "differ", "group_only"),
        "INC0000009": (0, 1, "differ", "source_more_reassignments"),
        "INC0000010": (3, 2, "differ", "group_only_and_unseen"),
        "INC0000001": (0, 0, "exact", None),
    }


def test_reopen_rules(handmade: Workspace) -> None:
    found = _by_ticket(handmade, "reopen_rate")  # the metric's id finds the figure compared with it
    assert found["INC0000011"] == (1, 0, "differ", "kpidesk_more_reopens")
    assert found["INC0000012"] == (0, 2, "differ", "source_more_reopens")
    assert found["INC0000001"] == (0, 0, "exact", None)


def test_summary_counts_and_reasons_in_words(handmade: Workspace) -> None:
    result = kpidesk.reconcile(handmade, source="servicenow", metric="full_resolution_time")
    (row,) = result.summary.to_dict("records")
    # 12 incidents: 7 above plus 8-12, which are solved at 10:00 with resolved_at 10:00 (exact), except
    # 11, solved last at 10:00 too: exact. So exact 1 + 5, within 1, differ 2, no resolved_at 2, neither 1.
    assert {
        k: row[k]
        for k in (
            "units",
            "compared",
            "exact",
            "within",
            "differ",
            "source_missing",
            "kpidesk_missing",
            "neither",
            "tolerance_s",
        )
    } == {
        "units": 12,
        "compared": 9,
        "exact": 6,
        "within": 1,
        "differ": 2,
        "source_missing": 2,
        "kpidesk_missing": 0,
        "neither": 1,
        "tolerance_s": 60.0,
    }
    assert row["exact_share"] == pytest.approx(6 / 9)
    assert row["agree_share"] == pytest.approx(7 / 9)
    words = dict(zip(result.reasons.reason_key, result.reasons.reason, strict=True))
    assert words["opened_solved"] == "opened already solved: the source has no resolved_at"
    assert words["restamped"] == (
        "re-stamped resolution: the source's resolved_at is later than kpidesk's last solve"
    )


def test_unknown_metric_and_source_are_named(handmade: Workspace) -> None:
    with pytest.raises(ValueError, match="no comparison for 'fcr_rate'; the figures compared are: "):
        kpidesk.reconcile(handmade, metric="fcr_rate")
    with pytest.raises(
        ValueError, match="the source 'zendesk' has no figures of its own; sources with figures: servicenow"
    ):
        kpidesk.reconcile(handmade, source="zendesk")


def test_comparisons_are_found_by_figure_or_metric() -> None:
    assert comparison("asa").figure == "wait_time"
    assert comparison("aht").figure == "handle_time"
    for compared in COMPARISONS:
        assert comparison(compared.figure) is comparison(compared.metric) is compared


def test_no_figures_gives_empty_frames(workspace: Workspace) -> None:
    result = kpidesk.reconcile(workspace)
    assert result.summary.empty and result.reasons.empty and result.units.empty
    assert result.as_dict(units=True) == {"figures": [], "units": []}


def test_a_figure_of_a_ticket_not_imported_says_so(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    rows = _solved("INC0000001") + _solved("INC0000002")
    rows[-1]["made_sla"] = "perhaps"  # the ticket is rejected; its other figures are kept
    path.write_text(csv_text(rows), encoding="utf-8")
    with workspace.connect() as con:
        import_export(con, [path], "servicenow")
    found = _by_ticket(workspace, "reopens")
    # INC0000002 has no ticket, but its events give it facts: kpidesk still knows it.
    assert found["INC0000001"] == found["INC0000002"] == (0, 0, "exact", None)
    with workspace.connect() as con:
        con.execute("DELETE FROM ticket_events WHERE ticket_id = 'INC0000002'")
        con.execute("INSERT INTO pending_ticket_facts VALUES ('servicenow', 'INC0000002')")
    kpidesk.refresh_facts(workspace, full=True)
    found = _by_ticket(workspace, "reopens")
    assert found["INC0000002"] == (None, 0, "kpidesk_missing", "not_imported")


ZENDESK = Path(__file__).resolve().parents[1] / "ingest" / "exports" / "fixtures" / "zendesk"


def test_zendesk_rules_in_each_direction(workspace: Workspace, tmp_path: Path) -> None:
    """The fixture's ticket metrics with figures moved away from what the audits give.

    kpidesk from the audits: 101 first reply 60 min, first solve 150 min, last solve 1,500 min, 2 replies;
    102 120 min for all three, 1 reply; 104 open and unanswered, no reply.
    """
    document = json.loads((ZENDESK / "ticket_metrics.json").read_text(encoding="utf-8"))
    metric = {m["ticket_id"]: m for m in document["ticket_metrics"]}
    metric[101].update(
        reply_time_in_minutes={"calendar": 30, "business": 30},
        replies=3,
        first_resolution_time_in_minutes={"calendar": 200, "business": 200},
    )
    metric[102].update(
        reply_time_in_minutes={"calendar": 150, "business": 150},
        replies=0,
        first_resolution_time_in_minutes={"calendar": 100, "business": 100},
        full_resolution_time_in_minutes={"calendar": 100, "business": 100},
    )
    metric[104].update(
        reply_time_in_minutes={"calendar": 20, "business": 20},
        first_resolution_time_in_minutes={"calendar": 30, "business": 30},
    )
    moved = tmp_path / "ticket_metrics.json"
    moved.write_text(json.dumps(document), encoding="utf-8")
    files = [ZENDESK / "tickets.json", moved, ZENDESK / "audits.json", ZENDESK / "users.json"]
    with workspace.connect() as con:
        import_export(con, files, "zendesk")
    reply = _by_ticket(workspace, "first_reply_time")
    assert reply["101"] == (3600, 1800, "differ", "reply_earlier")
    assert reply["102"] == (7200, 9000, "differ", "reply_later")
    assert reply["104"] == (None, 1200, "kpidesk_missing", "no_public_reply")
    first = _by_ticket(workspace, "first_resolution_time")
    assert first["101"] == (9000, 12000, "differ", "first_later")
    assert first["102"] == (7200, 6000, "differ", "first_earlier")
    assert first["104"] == (None, 1800, "kpidesk_missing", "no_solve")
    full = _by_ticket(workspace, "full_resolution_time")
    assert full["102"] == (7200, 6000, "differ", "solved_later")
    replies = _by_ticket(workspace, "agent_replies")
    assert replies["101"] == (2, 3, "differ", "source_more_replies")
    assert replies["102"] == (1, 0, "differ", "kpidesk_more_replies")


#: Anonymous Bank columns; C1's service starts 2 s after it left the queue, C3's q_time is a second longer
#: than its queue instants, C4 never left the IVR, C5 hung up in the queue.
CALLS = """\
vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server
AA0101,1,0,0,PS,990801,10:00:00,10:00:05,5,10:00:05,10:00:35,30,AGENT,10:00:37,10:05:37,300,ANAT
AA0101,2,0,0,PS,990801,11:00:00,11:00:05,5,11:00:05,11:00:35,30,AGENT,11:00:35,11:02:35,120,ANAT
AA0101,3,0,0,PS,990801,12:00:00,12:00:05,5,12:00:05,12:00:35,31,AGENT,12:00:35,12:01:35,60,ANAT
AA0101,4,0,0,PS,990801,13:00:00,13:00:20,20,0:00:00,0:00:00,0,HANG,0:00:00,0:00:00,0,NO_SERVER
AA0101,5,0,0,PS,990801,14:00:00,14:00:05,5,14:00:05,14:01:05,60,HANG,0:00:00,0:00:00,0,NO_SERVER
"""


def test_call_log_rules(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS, encoding="utf-8")
    with workspace.connect() as con:
        import_export(con, [path], "call-log", mapping=ROOT / "examples" / "mappings" / "anonymous-bank.yaml")
    wait = {k.rsplit("/", 1)[1]: v for k, v in _by_ticket(workspace, "asa").items()}
    # kpidesk's wait ends at the service start: 1: 10:00:05 → 10:00:37 = 32 s against q_time 30 s, the
    # 2 s between queue exit and service start; 2: 30 = 30; 3: 30 against 31 (within 1 s); 4: no queue;
    # 5: abandoned after 60 s.
    assert wait == {
        "1": (32, 30, "differ", "wait_ends_at_answer"),
        "2": (30, 30, "exact", None),
        "3": (30, 31, "within", None),
        "4": (None, 0, "kpidesk_missing", "never_queued"),
        "5": (60, 60, "exact", None),
    }
    handle = {k.rsplit("/", 1)[1]: v for k, v in _by_ticket(workspace, "aht").items()}
    assert handle == {
        "1": (300, 300, "exact", None),
        "2": (120, 120, "exact", None),
        "3": (60, 60, "exact", None),
        "4": (None, None, "neither", "not_answered_either"),
        "5": (None, None, "neither", "not_answered_either"),
    }
