"""The zendesk export format on a small Zendesk Support export written from the API's documented fields.

Fixture (tests/ingest/exports/fixtures/zendesk/, all instants UTC):
- 101 (Dana, web): created 07:00 on 2026-03-01; an Answer Bot reply at 07:00:40 and a private note at
  07:30 (both no reply); Noa's first public reply 08:00 (FRT 1 h); solved 09:30; Dana reopens on 03-02
  06:00; an admin hands it from Noa/Billing to Sami/Payments at 07:00 (a reassignment); Sami solves it
  at 08:00 (full resolution 25 h); an automation (author −1) closes it on 03-06.
- 102 (Omar, email): created 10:00 assigned to Sami; private note 10:15; reply and solve at 12:00 (2 h).
- 103 (Dana, phone): no audits; its ticket metrics say first reply after 45 min, solved at 11:00 (2 h),
  2 replies, 2 assignee stations (one reassignment).
- 104 (Lior, chat): created 03-03 12:00, only a private note since: unanswered, open.
- 105: deleted in Zendesk (status "deleted" in the incremental export): rejected.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

import kpidesk
from kpidesk.ingest import ImportFailed, ImportSummary, MappingError
from kpidesk.ingest.exports import import_export
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zendesk"
EXPORT = [
    FIXTURES / name
    for name in (
        "tickets.json",
        "ticket_metrics.json",
        "audits.json",
        "satisfaction_ratings.json",
        "users.json",
    )
]


def zendesk_import(ws: Workspace, files: list[Path], **options: Any) -> dict[str, ImportSummary]:
    with ws.connect() as con:
        return {s.kind: s for s in import_export(con, files, "zendesk", **options)}


def zendesk_rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def zendesk_rejected(ws: Workspace) -> list[tuple[str, int, str, str | None, str]]:
    rows = zendesk_rows(
        ws,
        'SELECT file, line, "column", value, reason FROM rejected_rows '
        "ORDER BY import_id, regexp_extract(file, '[^/]*$'), line",
    )
    return [(Path(f).name, line, column, value, reason) for f, line, column, value, reason in rows]


def zendesk_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [t.name for t in CANONICAL_TABLES] + ["imports", "rejected_rows", "pending_ticket_facts"]
    return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def write_zendesk(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def fixture_json(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return document


def one(frame: pd.DataFrame, metric: str) -> dict[str, Any]:
    rows = frame[frame.metric == metric]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


@pytest.fixture
def zendesk_ws(workspace: Workspace) -> Workspace:
    zendesk_import(workspace, EXPORT)
    return workspace


def test_summaries(workspace: Workspace) -> None:
    summaries = zendesk_import(workspace, EXPORT)
    counts = {k: (s.read, s.inserted, s.updated, s.rejected) for k, s in summaries.items()}
    # 5 tickets, one deleted; 30 events from 15 audits; 3 ratings; figures of the 4 tickets' metrics:
    # 101, 102, 103 9 each (6 durations, reopens, replies, reassignments), 104 the 3 counts only.
    assert counts == {
        "tickets": (5, 4, 0, 1),
        "events": (30, 30, 0, 0),
        "surveys": (3, 3, 0, 0),
        "figures": (30, 30, 0, 0),
    }
    assert all(s.source == "zendesk" for s in summaries.values())
    assert summaries["tickets"].warnings == []


def test_tickets_table(zendesk_ws: Workspace) -> None:
    rows = zendesk_rows(
        zendesk_ws,
        "SELECT ticket_id, created_at, channel, priority, status, customer_id, agent_id, team_id, category, "
        "tags, subject FROM tickets ORDER BY ticket_id",
    )
    assert rows == [
        (
            "101",
            datetime(2026, 3, 1, 7),
            "web",
            "normal",
            "closed",
            "9001",
            "502",
            "360002",
            "incident",
            ["billing", "refund"],
            "Charged twice for March",
        ),
        (
            "102",
            datetime(2026, 3, 1, 10),
            "email",
            "high",
            "solved",
            "9002",
            "502",
            "360002",
            "question",
            ["login"],
            "Cannot log in to the app",
        ),
        (
            "103",
            datetime(2026, 3, 2, 9),
            "voice",
            "low",
            "solved",
            "9001",
            "501",
            "360001",
            "question",
            ["phone"],
            "Call from +972 3 555 0101",
        ),
        (
            "104",
            datetime(2026, 3, 3, 12),
            "chat",
            "normal",
            "open",
            "9003",
            None,
            "360001",
            None,
            None,
            "Chat with Lior",
        ),
    ]
    assert zendesk_rejected(zendesk_ws) == [
        (
            "tickets.json",
            5,
            "status",
            "deleted",
            "ticket 105: the ticket was deleted in Zendesk, so it is not imported",
        )
    ]


def test_summary_fields_from_ticket_metrics(zendesk_ws: Workspace) -> None:
    rows = zendesk_rows(
        zendesk_ws,
        "SELECT ticket_id, first_reply_at, first_solved_at, last_solved_at, closed_at, reopen_count, "
        "reassignment_count, agent_reply_count FROM tickets ORDER BY ticket_id",
    )
    assert rows == [
        # 60 min after 07:00; first solve 150 min after; last solve = solved_at; closed at its status update.
        (
            "101",
            datetime(2026, 3, 1, 8),
            datetime(2026, 3, 1, 9, 30),
            datetime(2026, 3, 2, 8),
            datetime(2026, 3, 6, 8),
            1,
            1,
            2,
        ),
        ("102", datetime(2026, 3, 1, 12), datetime(2026, 3, 1, 12), datetime(2026, 3, 1, 12), None, 0, 0, 1),
        # 45 min after 09:00; not reopened, so the first solve is solved_at; 2 stations − 1.
        (
            "103",
            datetime(2026, 3, 2, 9, 45),
            datetime(2026, 3, 2, 11),
            datetime(2026, 3, 2, 11),
            None,
            0,
            1,
            2,
        ),
        # Never replied to nor solved; 0 stations is no reassignment.
        ("104", None, None, None, None, 0, 0, 0),
    ]


def test_events_table(zendesk_ws: Workspace) -> None:
    rows = zendesk_rows(
        zendesk_ws,
        'SELECT event_id, "at", kind, actor_type, actor_id, public, status, agent_id, team_id '
        "FROM ticket_events "
        "WHERE ticket_id = '101' ORDER BY \"at\", event_id",
    )
    d = datetime
    assert rows == [
        ("80001", d(2026, 3, 1, 7), "message", "customer", "9001", True, None, None, None),
        ("80004", d(2026, 3, 1, 7), "status", "customer", "9001", None, "new", None, None),
        ("audit-70001-created", d(2026, 3, 1, 7), "created", "customer", "9001", None, None, None, None),
        ("80009", d(2026, 3, 1, 7, 0, 40), "message", "bot", "9200", True, None, None, None),
        ("80010", d(2026, 3, 1, 7, 30), "note", "agent", "501", False, None, None, None),
        ("80012", d(2026, 3, 1, 7, 30), "status", "agent", "501", None, "open", None, None),
        # Routed to Billing at creation, picked up by Noa: one assignment.
        ("audit-70003-assign", d(2026, 3, 1, 7, 30), "assign", "agent", "501", None, None, "501", "360001"),
        ("80013", d(2026, 3, 1, 8), "message", "agent", "501", True, None, None, None),
        ("80014", d(2026, 3, 1, 8), "status", "agent", "501", None, "pending", None, None),
        ("80015", d(2026, 3, 1, 9), "message", "customer", "9001", True, None, None, None),
        ("80016", d(2026, 3, 1, 9), "status", "customer", "9001", None, "open", None, None),
        ("80017", d(2026, 3, 1, 9, 30), "status", "agent", "501", None, "solved", None, None),
        ("80019", d(2026, 3, 2, 6), "message", "customer", "9001", True, None, None, None),
        ("80020", d(2026, 3, 2, 6), "status", "customer", "9001", None, "open", None, None),
        # The admin moves assignee and group in one audit: one handoff.
        ("audit-70008-assign", d(2026, 3, 2, 7), "assign", "agent", "503", None, None, "502", "360002"),
        ("80023", d(2026, 3, 2, 8), "message", "agent", "502", True, None, None, None),
        ("80024", d(2026, 3, 2, 8), "status", "agent", "502", None, "solved", None, None),
        ("80025", d(2026, 3, 6, 8), "status", "system", "-1", None, "closed", None, None),
    ]
    assert zendesk_rows(zendesk_ws, "SELECT count(*) FROM ticket_events WHERE ticket_id = '103'") == [(0,)]


def test_surveys_table(zendesk_ws: Workspace) -> None:
    rows = zendesk_rows(
        zendesk_ws,
        "SELECT response_id, kind, score, scale_min, scale_max, sent_at, responded_at, ticket_id, "
        "customer_id, "
        "agent_id, team_id, comment FROM surveys ORDER BY response_id",
    )
    assert rows == [
        (
            "1001",
            "csat",
            1.0,
            0.0,
            1.0,
            datetime(2026, 3, 2, 8, 5),
            datetime(2026, 3, 2, 9, 10),
            "101",
            "9001",
            "502",
            "360002",
            "Quick and friendly",
        ),
        (
            "1002",
            "csat",
            0.0,
            0.0,
            1.0,
            datetime(2026, 3, 1, 12, 5),
            datetime(2026, 3, 1, 15),
            "102",
            "9002",
            "502",
            "360002",
            "Took too long",
        ),
        # Offered, not answered: a send without a score.
        (
            "1003",
            "csat",
            None,
            0.0,
            1.0,
            datetime(2026, 3, 2, 11, 5),
            None,
            "103",
            "9001",
            "501",
            "360001",
            None,
        ),
    ]


def test_kpis(zendesk_ws: Workspace) -> None:
    frame = kpidesk.kpis(zendesk_ws, period="all", stat="mean")
    assert one(frame, "volume")["value"] == 4
    assert one(frame, "solved")["value"] == 3  # 101 (closed), 102, 103
    frt = one(frame, "first_reply_time")
    # 101: 3600 (not the bot's 40 s, not the note at 30 min); 102: 7200 (not the note); 103: 2700 (metrics).
    assert (frt["value"], frt["n"], frt["unanswered"]) == (pytest.approx((3600 + 7200 + 2700) / 3), 3, 1)
    # Stretches: 101 07:00 → 08:00 (3600), 101 09:00 → 03-02 08:00 (82800), 102 10:00 → 12:00 (7200).
    assert one(frame, "reply_time")["value"] == pytest.approx((3600 + 82800 + 7200) / 3)
    # First solves 9000, 7200, 7200; last solves 90000, 7200, 7200.
    assert one(frame, "first_resolution_time")["value"] == pytest.approx(23400 / 3)
    assert one(frame, "full_resolution_time")["value"] == pytest.approx(104400 / 3)
    assert one(frame, "reopen_rate")["value"] == pytest.approx(1 / 3)  # 101
    assert one(frame, "reassignments")["value"] == pytest.approx(2 / 3)  # 101 (events), 103 (metrics)
    assert one(frame, "agent_replies")["value"] == pytest.approx(5 / 3)  # 2, 1, 2
    assert one(frame, "one_touch_rate")["value"] == pytest.approx(1 / 3)  # 102
    median = kpidesk.kpis(zendesk_ws, metrics=["first_reply_time"], period="all")
    assert one(median, "first_reply_time")["value"] == 3600


def test_events_win_over_metrics(workspace: Workspace) -> None:
    zendesk_import(workspace, [FIXTURES / "tickets.json", FIXTURES / "ticket_metrics.json"])
    before = kpidesk.kpis(workspace, metrics=["first_reply_time", "reopen_rate"], period="all", stat="mean")
    # From the metrics alone: 3600, 7200, 2700; 104 has no reply time.
    assert one(before, "first_reply_time")["n"] == 3
    assert one(before, "reopen_rate")["value"] == pytest.approx(1 / 3)
    zendesk_import(workspace, [FIXTURES / "audits.json", FIXTURES / "users.json"])
    kpidesk.refresh_facts(workspace)
    facts = zendesk_rows(workspace, "SELECT ticket_id, has_events FROM ticket_facts ORDER BY ticket_id")
    assert facts == [("101", True), ("102", True), ("103", False), ("104", True)]


def test_import_twice_changes_nothing(zendesk_ws: Workspace) -> None:
    with zendesk_ws.connect() as con:
        before = {
            t: rows for t, rows in zendesk_snapshot(con).items() if t not in ("imports", "rejected_rows")
        }
    again = zendesk_import(zendesk_ws, EXPORT)
    assert {k: (s.inserted, s.updated, s.unchanged) for k, s in again.items()} == {
        "tickets": (0, 0, 4),
        "events": (0, 0, 30),
        "surveys": (0, 0, 3),
        "figures": (0, 0, 30),
    }
    with zendesk_ws.connect() as con:
        after = zendesk_snapshot(con)
    for table in ("tickets", "ticket_events", "surveys"):
        assert [r[:-1] for r in after[table]] == [r[:-1] for r in before[table]]


def test_newer_export_updates_the_changed_ticket(zendesk_ws: Workspace) -> None:
    # An incremental export started after the first holds only ticket 104, since assigned and escalated.
    later = zendesk_import(zendesk_ws, [FIXTURES / "tickets-later.json"])
    assert (later["tickets"].read, later["tickets"].inserted, later["tickets"].updated) == (1, 0, 1)
    rows = zendesk_rows(
        zendesk_ws,
        "SELECT ticket_id, agent_id, priority, tags FROM tickets WHERE ticket_id IN ('103', '104')",
    )
    assert sorted(rows) == [("103", "501", "low", ["phone"]), ("104", "501", "high", ["vip"])]


def test_repeated_ticket_keeps_the_latest_copy(workspace: Workspace, tmp_path: Path) -> None:
    pages = fixture_json("tickets.json")
    newer = fixture_json("tickets-later.json")["tickets"][0]
    pages["tickets"] = [newer, *pages["tickets"]]
    summary = zendesk_import(workspace, [write_zendesk(tmp_path, "pages.json", pages)])["tickets"]
    assert (summary.read, summary.inserted, summary.rejected) == (6, 4, 2)
    assert zendesk_rows(workspace, "SELECT priority FROM tickets WHERE ticket_id = '104'") == [("high",)]
    assert zendesk_rejected(workspace)[0] == (
        "pages.json",
        5,
        "id",
        "104",
        f"ticket 104 appears again in {tmp_path / 'pages.json'} record 1, "
        "updated later; that copy is imported",
    )


def test_unrecognised_file_fails_and_changes_nothing(zendesk_ws: Workspace, tmp_path: Path) -> None:
    other = write_zendesk(tmp_path, "organizations.json", {"organizations": [{"id": 1, "name": "Acme"}]})
    with zendesk_ws.connect() as con:
        before = zendesk_snapshot(con)
        with pytest.raises(ImportFailed) as failure:
            import_export(con, [FIXTURES / "tickets-later.json", other], "zendesk")
        assert zendesk_snapshot(con) == before
    message = str(failure.value)
    assert str(other) in message
    assert "tickets, ticket_metrics, audits, comments, satisfaction_ratings, users" in message
    assert "the file has: organizations" in message


def test_status_outside_zendesk_list_is_rejected(workspace: Workspace, tmp_path: Path) -> None:
    tickets = fixture_json("tickets.json")
    tickets["tickets"][1]["status"] = "archived"
    audits = fixture_json("audits.json")
    audits["audits"][12]["events"][1]["value"] = "escalated"  # audit 70013 solving ticket 102
    files = [write_zendesk(tmp_path, "tickets.json", tickets), write_zendesk(tmp_path, "audits.json", audits)]
    summaries = zendesk_import(workspace, files)
    assert (summaries["tickets"].inserted, summaries["tickets"].rejected) == (3, 2)
    assert (summaries["events"].inserted, summaries["events"].rejected) == (29, 1)
    assert zendesk_rejected(workspace) == [
        (
            "tickets.json",
            2,
            "status",
            "archived",
            "ticket 102: status 'archived' is not a Zendesk ticket status "
            "(new, open, pending, hold, solved, closed)",
        ),
        (
            "tickets.json",
            5,
            "status",
            "deleted",
            "ticket 105: the ticket was deleted in Zendesk, so it is not imported",
        ),
        (
            "audits.json",
            13,
            "status",
            "escalated",
            "ticket 102, audit 70013, event 81011: status 'escalated' is not a Zendesk ticket status "
            "(new, open, pending, hold, solved, closed)",
        ),
    ]


def test_mapped_custom_status_is_accepted(workspace: Workspace, tmp_path: Path) -> None:
    tickets = fixture_json("tickets.json")
    tickets["tickets"][3]["status"] = "awaiting_vendor"
    mapping = {"values": {"status": {"awaiting_vendor": "hold"}}}
    zendesk_import(workspace, [write_zendesk(tmp_path, "tickets.json", tickets)], mapping=mapping)
    assert zendesk_rows(workspace, "SELECT status FROM tickets WHERE ticket_id = '104'") == [("hold",)]


def test_comments_join_the_audits_events(zendesk_ws: Workspace, tmp_path: Path) -> None:
    audit = fixture_json("audits.json")["audits"][12]
    listed = {
        "comments": [
            {**event, "created_at": audit["created_at"], "via": audit["via"], "metadata": audit["metadata"]}
            for event in audit["events"]
            if event["type"] == "Comment"
        ],
        "next_page": None,
        "previous_page": None,
        "count": 1,
    }
    orphan = {"comments": [{**listed["comments"][0], "id": 99001, "audit_id": 99000}]}
    files = [
        FIXTURES / "audits.json",
        write_zendesk(tmp_path, "comments.json", listed),
        write_zendesk(tmp_path, "orphan.json", orphan),
    ]
    events = zendesk_import(zendesk_ws, files)["events"]
    # The comment's id is its audit event's id: the same event, unchanged.
    assert (events.inserted, events.updated, events.rejected) == (0, 0, 1)
    assert zendesk_rejected(zendesk_ws)[-1] == (
        "orphan.json",
        1,
        "ticket_id",
        None,
        "comment 99001 does not say its ticket: Zendesk's comments list "
        "leaves ticket_id out; add ticket_id to each comment or import the ticket's audits with it",
    )


def test_without_users_the_requester_is_the_customer(workspace: Workspace) -> None:
    summaries = zendesk_import(workspace, [FIXTURES / "tickets.json", FIXTURES / "audits.json"])
    actors = zendesk_rows(
        workspace,
        "SELECT event_id, actor_type FROM ticket_events WHERE event_id IN ('80001', '80009', '80013')",
    )
    assert sorted(actors) == [("80001", "customer"), ("80009", "bot"), ("80013", "agent")]
    # Noa, Sami and the admin Rivka are told from the requesters only by being someone else.
    assert summaries["tickets"].warnings == [
        "3 authors of comments or changes are not in a users list and are not the ticket's requester, "
        "so they count as agents; import the users list (include=users) to be exact"
    ]


def test_bot_users_setting(workspace: Workspace) -> None:
    zendesk_import(workspace, EXPORT, mapping={"settings": {"bot_users": [502]}})
    rows = zendesk_rows(workspace, "SELECT actor_type FROM ticket_events WHERE event_id = '81010'")
    assert rows == [("bot",)]


def test_unoffered_rating_is_rejected(workspace: Workspace, tmp_path: Path) -> None:
    ratings = fixture_json("satisfaction_ratings.json")
    ratings["satisfaction_ratings"][2]["score"] = "unoffered"
    surveys = zendesk_import(workspace, [write_zendesk(tmp_path, "ratings.json", ratings)])["surveys"]
    assert (surveys.inserted, surveys.rejected) == (2, 1)
    assert zendesk_rejected(workspace) == [
        (
            "ratings.json",
            3,
            "score",
            "unoffered",
            "satisfaction rating 1003 has score 'unoffered': no survey was sent",
        )
    ]


def test_invalid_json_and_column_mapping_fail(workspace: Workspace, tmp_path: Path) -> None:
    broken = tmp_path / "tickets.json"
    broken.write_text('{"tickets": [{"id": 1,}]}', encoding="utf-8")
    with workspace.connect() as con:
        with pytest.raises(ImportFailed, match=r"tickets\.json is not valid JSON: .* line 1, column 23"):
            import_export(con, [broken], "zendesk")
        with pytest.raises(MappingError, match="there are no columns to map"):
            import_export(con, EXPORT, "zendesk", mapping={"columns": {"ticket_id": "id"}})
