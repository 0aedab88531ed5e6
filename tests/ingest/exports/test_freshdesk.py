"""The freshdesk export format on a small Freshdesk ticket CSV and API conversations.

Fixture (tests/ingest/exports/fixtures/freshdesk/): the CSV in the helpdesk's zone, Asia/Jerusalem
(UTC+2 in early March 2026), the conversations in UTC.
- 2001 (Dana, Email): created 09:00 local; a Freddy bot reply at 09:01 (user 43000000900, named a bot in
  the settings) and a private note at 09:30 do not count; Noa's reply 10:00 (FRT 1 h); resolved 12:00.
- 2002 (Omar, Portal): created 11:00; Sami replies 13:00 (2 h), Omar answers 14:00, Sami 14:30;
  resolved 15:00; Omar writes again on 03-02 09:30 and the ticket is Open: a reopen.
- 2003 (Dana, Phone): no conversations; the CSV says first response 10:05 (5 min), resolved 10:20.
- 2004 (Lior, Chat, Waiting on Third Party): only an automatic acknowledgement: unanswered.
- 2005 (Outbound Email by Sami): Maya answers at 11:00, Sami replies 12:00 (FRT 1 h from her answer).
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
from kpidesk.ingest import ImportFailed, ImportSummary
from kpidesk.ingest.exports import import_export
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "freshdesk"
CSV = FIXTURES / "tickets.csv"
CONVERSATIONS = FIXTURES / "conversations.json"
HELPDESK_ZONE = "Asia/Jerusalem"
BOT = {"settings": {"bot_users": [43000000900]}}


def freshdesk_import(ws: Workspace, files: list[Path], **options: Any) -> dict[str, ImportSummary]:
    options.setdefault("timezone", HELPDESK_ZONE)
    options.setdefault("mapping", BOT)
    with ws.connect() as con:
        return {s.kind: s for s in import_export(con, files, "freshdesk", **options)}


def freshdesk_rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def freshdesk_rejected(ws: Workspace) -> list[tuple[str, int, str, str | None, str]]:
    rows = freshdesk_rows(
        ws,
        'SELECT file, line, "column", value, reason FROM rejected_rows '
        "ORDER BY import_id, regexp_extract(file, '[^/]*$'), line",
    )
    return [(Path(f).name, line, column, value, reason) for f, line, column, value, reason in rows]


def freshdesk_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [t.name for t in CANONICAL_TABLES] + ["imports", "rejected_rows", "pending_ticket_facts"]
    return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def edited_csv(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = CSV.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def one(frame: pd.DataFrame, metric: str) -> dict[str, Any]:
    rows = frame[frame.metric == metric]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


@pytest.fixture
def freshdesk_ws(workspace: Workspace) -> Workspace:
    freshdesk_import(workspace, [CSV, CONVERSATIONS])
    return workspace


def test_summaries(workspace: Workspace) -> None:
    summaries = freshdesk_import(workspace, [CSV, CONVERSATIONS])
    counts = {k: (s.read, s.inserted, s.rejected) for k, s in summaries.items()}
    # 10 conversations; from the CSV for the 4 tickets with conversations: 4 created, 1 outbound opening
    # message, 2 resolved, 1 reopened.
    assert counts == {"tickets": (5, 5, 0), "events": (18, 18, 0)}
    assert summaries["tickets"].source == "freshdesk"


def test_tickets_table(freshdesk_ws: Workspace) -> None:
    rows = freshdesk_rows(
        freshdesk_ws,
        "SELECT ticket_id, created_at, channel, priority, status, customer_id, agent_id, team_id, category, "
        "tags, subject, sla_met FROM tickets ORDER BY ticket_id",
    )
    d = datetime
    assert rows == [
        (
            "2001",
            d(2026, 3, 1, 7),
            "email",
            "normal",
            "solved",
            "43000000111",
            "Noa Cohen",
            "Billing",
            "Refund",
            ["billing", "refund"],
            "Charged twice for March",
            True,
        ),
        # Resolution status "SLA Violated".
        (
            "2002",
            d(2026, 3, 1, 9),
            "portal",
            "high",
            "open",
            "43000000112",
            "Sami Khoury",
            "Technical",
            "Incident",
            ["login", "android"],
            "App crashes on login",
            False,
        ),
        (
            "2003",
            d(2026, 3, 2, 8),
            "phone",
            "low",
            "closed",
            "43000000111",
            "Noa Cohen",
            "Billing",
            "Question",
            ["phone"],
            "Refund status by phone",
            True,
        ),
        (
            "2004",
            d(2026, 3, 3, 6),
            "chat",
            "urgent",
            "hold",
            "43000000113",
            None,
            "Technical",
            "Incident",
            ["webhooks"],
            "Webhook deliveries failing",
            None,
        ),
        (
            "2005",
            d(2026, 3, 3, 7),
            "outbound_email",
            "normal",
            "pending",
            "43000000114",
            "Sami Khoury",
            "Sales",
            "Question",
            ["renewal"],
            "Your renewal quote",
            True,
        ),
    ]


def test_summary_fields(freshdesk_ws: Workspace) -> None:
    rows = freshdesk_rows(
        freshdesk_ws,
        "SELECT ticket_id, first_reply_at, first_solved_at, last_solved_at, closed_at, reopen_count, "
        "reassignment_count, agent_reply_count FROM tickets ORDER BY ticket_id",
    )
    d = datetime
    assert rows == [
        ("2001", d(2026, 3, 1, 8), None, d(2026, 3, 1, 10), None, None, None, 1),
        ("2002", d(2026, 3, 1, 11), None, d(2026, 3, 1, 13), None, None, None, 2),
        ("2003", d(2026, 3, 2, 8, 5), None, d(2026, 3, 2, 8, 20), d(2026, 3, 4, 8, 20), None, None, 1),
        ("2004", None, None, None, None, None, None, 0),
        ("2005", None, None, None, None, None, None, 2),
    ]


def test_default_zone_is_utc_and_overridable(workspace: Workspace) -> None:
    with workspace.connect() as con:
        import_export(con, [CSV], "freshdesk")
    assert freshdesk_rows(workspace, "SELECT created_at FROM tickets WHERE ticket_id = '2001'") == [
        (datetime(2026, 3, 1, 9),)
    ]
    with workspace.connect() as con:
        updated = import_export(con, [CSV], "freshdesk", mapping={"timezone": "Asia/Dubai"})[0]
    assert updated.updated == 5
    assert freshdesk_rows(workspace, "SELECT created_at FROM tickets WHERE ticket_id = '2001'") == [
        (datetime(2026, 3, 1, 5),)
    ]


def test_events_table(freshdesk_ws: Workspace) -> None:
    rows = freshdesk_rows(
        freshdesk_ws,
        'SELECT ticket_id, event_id, "at", kind, actor_type, actor_id, public, status FROM ticket_events '
        "WHERE ticket_id IN ('2001', '2002', '2004', '2005') ORDER BY ticket_id, \"at\", event_id",
    )
    d = datetime
    assert rows == [
        ("2001", "created-2001", d(2026, 3, 1, 7), "created", "customer", "43000000111", None, None),
        ("2001", "43100000001", d(2026, 3, 1, 7, 1), "message", "bot", "43000000900", True, None),
        ("2001", "43100000002", d(2026, 3, 1, 7, 30), "note", "agent", "43000000501", False, None),
        ("2001", "43100000003", d(2026, 3, 1, 8), "message", "agent", "43000000501", True, None),
        ("2001", "resolved-2001", d(2026, 3, 1, 10), "status", None, None, None, "solved"),
        ("2002", "created-2002", d(2026, 3, 1, 9), "created", "customer", "43000000112", None, None),
        ("2002", "43100000004", d(2026, 3, 1, 11), "message", "agent", "43000000502", True, None),
        ("2002", "43100000005", d(2026, 3, 1, 12), "message", "customer", "43000000112", True, None),
        ("2002", "43100000006", d(2026, 3, 1, 12, 30), "message", "agent", "43000000502", True, None),
        ("2002", "resolved-2002", d(2026, 3, 1, 13), "status", None, None, None, "solved"),
        ("2002", "43100000007", d(2026, 3, 2, 7, 30), "message", "customer", "43000000112", True, None),
        # Resolved, Open now, last updated after the resolution: reopened at that update.
        ("2002", "reopened-2002", d(2026, 3, 2, 7, 30), "status", None, None, None, "open"),
        ("2004", "created-2004", d(2026, 3, 3, 6), "created", "customer", "43000000113", None, None),
        ("2004", "43100000008", d(2026, 3, 3, 6, 5), "message", "system", "43000000502", True, None),
        ("2005", "created-2005", d(2026, 3, 3, 7), "created", "agent", "Sami Khoury", None, None),
        ("2005", "description-2005", d(2026, 3, 3, 7), "message", "agent", "Sami Khoury", True, None),
        ("2005", "43100000009", d(2026, 3, 3, 9), "message", "customer", "43000000114", True, None),
        ("2005", "43100000010", d(2026, 3, 3, 10), "message", "agent", "43000000502", True, None),
    ]
    # No conversations, no events: its facts come from the CSV's summary fields.
    assert freshdesk_rows(freshdesk_ws, "SELECT count(*) FROM ticket_events WHERE ticket_id = '2003'") == [
        (0,)
    ]


def test_kpis(freshdesk_ws: Workspace) -> None:
    frame = kpidesk.kpis(freshdesk_ws, period="all", stat="mean")
    assert one(frame, "volume")["value"] == 5
    assert one(frame, "solved")["value"] == 3  # 2001, 2002 (last solved before its reopen), 2003
    frt = one(frame, "first_reply_time")
    # 2001 3600 (not the bot's minute, not the note); 2002 7200; 2003 300 (CSV); 2005 3600; 2004 unanswered.
    assert (frt["value"], frt["n"], frt["unanswered"]) == (
        pytest.approx((3600 + 7200 + 300 + 3600) / 4),
        4,
        1,
    )
    # First solves 10800, 14400, 1200.
    assert one(frame, "first_resolution_time")["value"] == pytest.approx(26400 / 3)
    assert one(frame, "agent_replies")["value"] == pytest.approx(4 / 3)  # 1, 2, 1 (CSV)
    # 2003's reopens are unknown; of 2001 and 2002, 2002 was reopened.
    reopen = one(frame, "reopen_rate")
    assert (reopen["value"], reopen["n"]) == (0.5, 2)
    reassignments = one(frame, "reassignments")
    assert (reassignments["value"], reassignments["n"]) == (0, 2)
    median = kpidesk.kpis(freshdesk_ws, metrics=["first_reply_time"], period="all")
    assert one(median, "first_reply_time")["value"] == 3600


def test_without_bot_setting_the_bot_reply_counts(workspace: Workspace) -> None:
    freshdesk_import(workspace, [CSV, CONVERSATIONS], mapping={})
    kpidesk.refresh_facts(workspace)
    assert freshdesk_rows(workspace, "SELECT first_reply_at FROM ticket_facts WHERE ticket_id = '2001'") == [
        (datetime(2026, 3, 1, 7, 1),)
    ]


def test_import_twice_changes_nothing(freshdesk_ws: Workspace) -> None:
    with freshdesk_ws.connect() as con:
        before = freshdesk_snapshot(con)
    again = freshdesk_import(freshdesk_ws, [CSV, CONVERSATIONS])
    assert {k: (s.inserted, s.updated, s.unchanged) for k, s in again.items()} == {
        "tickets": (0, 0, 5),
        "events": (0, 0, 18),
    }
    with freshdesk_ws.connect() as con:
        after = freshdesk_snapshot(con)
    for table in ("tickets", "ticket_events"):
        assert [r[:-1] for r in after[table]] == [r[:-1] for r in before[table]]


def test_newer_export_updates_the_changed_ticket(freshdesk_ws: Workspace, tmp_path: Path) -> None:
    newer = edited_csv(
        tmp_path,
        "tickets-later.csv",
        "2004,Webhook deliveries failing,Waiting on Third Party,Urgent,Chat,Incident,,Technical,"
        "2026-03-03 08:00:00,2026-03-03 12:00:00,,,2026-03-03 08:05:00,,",
        "2004,Webhook deliveries failing,Pending,Urgent,Chat,Incident,Noa Cohen,Technical,"
        "2026-03-03 08:00:00,2026-03-03 12:00:00,,,2026-03-03 10:00:00,2026-03-03 10:00:00,",
    )
    tickets = freshdesk_import(freshdesk_ws, [newer])["tickets"]
    assert (tickets.inserted, tickets.updated, tickets.unchanged) == (0, 1, 4)
    assert freshdesk_rows(
        freshdesk_ws, "SELECT status, agent_id, first_reply_at FROM tickets WHERE ticket_id = '2004'"
    ) == [("pending", "Noa Cohen", datetime(2026, 3, 3, 8))]


def test_status_outside_freshdesk_list_is_rejected(workspace: Workspace, tmp_path: Path) -> None:
    custom = edited_csv(
        tmp_path,
        "custom.csv",
        "2004,Webhook deliveries failing,Waiting on Third Party,",
        "2004,Webhook deliveries failing,Awaiting Parts,",
    )
    tickets = freshdesk_import(workspace, [custom])["tickets"]
    assert (tickets.read, tickets.inserted, tickets.rejected) == (5, 4, 1)
    assert freshdesk_rejected(workspace) == [
        (
            "custom.csv",
            5,
            "Status",
            "Awaiting Parts",
            "ticket 2004: status Awaiting Parts is not a Freshdesk status (open, pending, resolved, closed, "
            "waiting on customer, waiting on third party); map a custom status with values: {status: {…}}",
        ),
    ]
    mapped = {**BOT, "values": {"status": {"Awaiting Parts": "hold"}}}
    again = freshdesk_import(workspace, [custom], mapping=mapped)["tickets"]
    assert (again.inserted, again.rejected) == (1, 0)
    assert freshdesk_rows(workspace, "SELECT status FROM tickets WHERE ticket_id = '2004'") == [("hold",)]


def test_bad_timestamp_is_rejected_with_its_line(workspace: Workspace, tmp_path: Path) -> None:
    bad = edited_csv(tmp_path, "bad.csv", "2026-03-02 10:05:00", "02/03/2026 10:05")
    tickets = freshdesk_import(workspace, [bad])["tickets"]
    assert tickets.rejected == 1
    [(name, line, column, value, reason)] = freshdesk_rejected(workspace)
    assert (name, line, value) == ("bad.csv", 4, "02/03/2026 10:05")
    assert "first_reply_at" in column + reason
    assert "%Y-%m-%d %H:%M:%S" in reason


def test_missing_column_fails_and_changes_nothing(freshdesk_ws: Workspace, tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8").replace("Created time", "Opened")
    broken = tmp_path / "no-created.csv"
    broken.write_text(text, encoding="utf-8")
    with freshdesk_ws.connect() as con:
        before = freshdesk_snapshot(con)
        with pytest.raises(ImportFailed) as failure:
            import_export(con, [broken, CONVERSATIONS], "freshdesk")
        assert freshdesk_snapshot(con) == before
    assert str(broken) in str(failure.value)
    assert "Created time" in str(failure.value)


def test_json_that_is_not_conversations_fails(workspace: Workspace, tmp_path: Path) -> None:
    other = tmp_path / "tickets.json"
    other.write_text(json.dumps([{"id": 2001, "subject": "Charged twice", "status": 4}]), encoding="utf-8")
    with workspace.connect() as con, pytest.raises(ImportFailed) as failure:
        import_export(con, [CSV, other], "freshdesk")
    message = str(failure.value)
    assert str(other) in message
    assert "not a Freshdesk conversations list" in message
    assert "id, ticket_id, incoming, private, created_at" in message


def test_conversations_need_their_tickets(workspace: Workspace, tmp_path: Path) -> None:
    with workspace.connect() as con, pytest.raises(ImportFailed, match="conversations need the ticket CSV"):
        import_export(con, [CONVERSATIONS], "freshdesk")
    stray = json.loads(CONVERSATIONS.read_text(encoding="utf-8"))[:1]
    stray[0].update(id=43100000099, ticket_id=2999)
    path = tmp_path / "stray.json"
    path.write_text(json.dumps(stray), encoding="utf-8")
    events = freshdesk_import(workspace, [CSV, path])["events"]
    assert (events.inserted, events.rejected) == (0, 1)
    assert freshdesk_rejected(workspace) == [
        (
            "stray.json",
            1,
            "ticket_id",
            "2999",
            "conversation 43100000099 belongs to ticket 2999, which is not in "
            "the tickets export of this import; import conversations with the CSV export of their "
            "tickets (it holds the message that opened the ticket)",
        ),
    ]
