"""The chatwoot export format on a small account's API responses (tests/ingest/exports/fixtures/chatwoot/).

Every instant is Unix time (UTC). Agents: Avi Mizrahi 10 (admin), Noa Cohen 11, Yossi Katz 12;
the bot Helper Bot 2; teams Billing 3 and Technical 4.
- 101 (web widget, Dana 501): created 03-01 08:00; the bot answers at +10 s and Noa writes a private
  note at +2 min (neither counts); Avi assigns Noa at +1 min; Noa replies at +5 min (FRT 300 s) and
  resolves at +6:40; Dana writes again at 09:00 and the system reopens; Avi reassigns to Yossi
  (a reassignment), who replies at 09:06:40 and resolves at 09:08:20.
- 102 (email, Omar 502, high, "vip"): created 03-02 09:00; an out-of-office message with no sender at
  +5 s (system, not a reply); Yossi self-assigns, replies at +30 min (FRT 1800 s), resolves at
  09:33:20, then a CSAT template message (system).
- 103 (WhatsApp, Maya 503): only the bot answers and marks it pending: unanswered.
- 104 (API, Lior 504): Noa replies at +15 min (FRT 900 s); the resolve activity is in Hebrew, so it is
  a note and the solve is taken at the conversation's last activity, 11:16:40.
- 105 (web widget, Sara 505, snoozed): no messages; the conversation says first reply at +2 min (120 s).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

import kpidesk
from kpidesk.ingest import ImportFailed, ImportSummary, MappingError
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace, init_workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chatwoot"
CONVERSATIONS = FIXTURES / "conversations.json"
AGENTS = FIXTURES / "agents.json"
MESSAGES = sorted(FIXTURES.glob("messages-*.json"))
ALL_FILES = [CONVERSATIONS, AGENTS, *MESSAGES]


def chatwoot_import(ws: Workspace, files: list[Path], **options: Any) -> dict[str, ImportSummary]:
    with ws.connect() as con:
        return {s.kind: s for s in import_export(con, files, "chatwoot", **options)}


def chatwoot_rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def chatwoot_rejected(ws: Workspace) -> list[tuple[str, int, str, str | None, str]]:
    rows = chatwoot_rows(
        ws,
        'SELECT file, line, "column", value, reason FROM rejected_rows '
        "ORDER BY import_id, regexp_extract(file, '[^/]*$'), line",
    )
    return [(Path(f).name, line, column, value, reason) for f, line, column, value, reason in rows]


def edited(tmp_path: Path, source: Path, change: Callable[[Any], None], name: str | None = None) -> Path:
    """A copy of a fixture file with `change` applied to its parsed JSON."""
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / (name or source.name)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def one(frame: pd.DataFrame, metric: str, stat: str | None = None) -> dict[str, Any]:
    rows = frame[(frame.metric == metric) & ((frame.stat == stat) if stat else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


@pytest.fixture(scope="module")
def chatwoot_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("chatwoot") / "ws", country="IL")
    chatwoot_import(ws, ALL_FILES)
    return ws


def test_conversations_become_tickets(chatwoot_ws: Workspace) -> None:
    rows = chatwoot_rows(
        chatwoot_ws,
        "SELECT ticket_id, created_at, channel, priority, status, customer_id, agent_id, team_id, tags, "
        "subject, first_reply_at FROM tickets ORDER BY ticket_id",
    )
    assert rows == [
        (
            "101",
            at("2026-03-01 08:00"),
            "chat",
            None,
            "solved",
            "501",
            "12",
            "3",
            ["refund"],
            None,
            at("2026-03-01 08:05"),
        ),
        (
            "102",
            at("2026-03-02 09:00"),
            "email",
            "high",
            "solved",
            "502",
            "12",
            None,
            ["vip"],
            "Invoice 4471 is wrong",
            at("2026-03-02 09:30"),
        ),
        ("103", at("2026-03-03 10:00"), "whatsapp", None, "pending", "503", None, None, [], None, None),
        (
            "104",
            at("2026-03-04 11:00"),
            "api",
            "low",
            "solved",
            "504",
            "11",
            "4",
            [],
            None,
            at("2026-03-04 11:15"),
        ),
        (
            "105",
            at("2026-03-05 12:00"),
            "chat",
            "urgent",
            "hold",
            "505",
            "11",
            "4",
            ["bug"],
            None,
            at("2026-03-05 12:02"),
        ),
    ]
    assert chatwoot_rows(chatwoot_ws, "SELECT DISTINCT source FROM tickets") == [("chatwoot",)]


def test_messages_become_events(chatwoot_ws: Workspace) -> None:
    rows = chatwoot_rows(
        chatwoot_ws,
        'SELECT event_id, "at", kind, actor_type, actor_id, public, status, agent_id, team_id '
        "FROM ticket_events WHERE ticket_id = '101' ORDER BY \"at\", event_id",
    )
    assert rows == [
        ("1001", at("2026-03-01 08:00:00"), "message", "customer", "501", True, None, None, None),
        ("1002", at("2026-03-01 08:00:10"), "message", "bot", "2", True, None, None, None),
        ("1003", at("2026-03-01 08:01:00"), "assign", "agent", "10", False, None, "11", None),
        ("1004", at("2026-03-01 08:02:00"), "note", "agent", "11", False, None, None, None),
        ("1005", at("2026-03-01 08:05:00"), "message", "agent", "11", True, None, None, None),
        ("1006", at("2026-03-01 08:06:40"), "status", "agent", "11", False, "solved", None, None),
        ("1007", at("2026-03-01 09:00:00"), "message", "customer", "501", True, None, None, None),
        ("1008", at("2026-03-01 09:00:00"), "status", "system", None, False, "open", None, None),
        ("1009", at("2026-03-01 09:01:40"), "assign", "agent", "10", False, None, "12", None),
        ("1010", at("2026-03-01 09:06:40"), "message", "agent", "12", True, None, None, None),
        ("1011", at("2026-03-01 09:08:20"), "status", "agent", "12", False, "solved", None, None),
    ]
    others = chatwoot_rows(
        chatwoot_ws,
        "SELECT event_id, kind, actor_type, actor_id, public, status FROM ticket_events "
        "WHERE ticket_id <> '101' ORDER BY ticket_id, \"at\", event_id",
    )
    assert others == [
        ("2001", "message", "customer", "502", True, None),
        ("2002", "message", "system", None, True, None),
        ("2003", "assign", "agent", "12", False, None),
        ("2004", "message", "agent", "12", True, None),
        ("2005", "status", "agent", "12", False, "solved"),
        ("2006", "message", "system", None, True, None),
        ("3001", "message", "customer", "503", True, None),
        ("3002", "message", "bot", "2", True, None),
        ("3003", "status", "bot", "2", False, "pending"),
        ("4001", "message", "customer", "504", True, None),
        ("4002", "message", "agent", "11", True, None),
        ("104-resolved", "status", "system", None, False, "solved"),
        ("4003", "note", "system", None, False, None),
    ]
    resolved_at = chatwoot_rows(
        chatwoot_ws, "SELECT \"at\" FROM ticket_events WHERE event_id = '104-resolved'"
    )
    assert resolved_at == [(at("2026-03-04 11:16:40"),)]


def test_ticket_facts(chatwoot_ws: Workspace) -> None:
    kpidesk.refresh_facts(chatwoot_ws)
    rows = chatwoot_rows(
        chatwoot_ws,
        "SELECT ticket_id, status, first_reply_at, first_solved_at, last_solved_at, agent_replies, reopens, "
        "reassignments FROM ticket_facts ORDER BY ticket_id",
    )
    assert rows == [
        (
            "101",
            "solved",
            at("2026-03-01 08:05"),
            at("2026-03-01 08:06:40"),
            at("2026-03-01 09:08:20"),
            2,
            1,
            1,
        ),
        (
            "102",
            "solved",
            at("2026-03-02 09:30"),
            at("2026-03-02 09:33:20"),
            at("2026-03-02 09:33:20"),
            1,
            0,
            0,
        ),
        ("103", "pending", None, None, None, 0, 0, 0),
        (
            "104",
            "solved",
            at("2026-03-04 11:15"),
            at("2026-03-04 11:16:40"),
            at("2026-03-04 11:16:40"),
            1,
            0,
            0,
        ),
        ("105", "hold", at("2026-03-05 12:02"), None, None, None, None, None),
    ]


def test_kpis(chatwoot_ws: Workspace) -> None:
    frame = kpidesk.kpis(
        chatwoot_ws,
        metrics=["first_reply_time", "reopen_rate", "reassignments", "solved", "backlog"],
        period="all",
        stat=["median", "mean"],
    )
    # FRT: 300, 1800, 900 and 120 seconds; 103 is unanswered (only the bot wrote).
    median = one(frame, "first_reply_time", "median")
    assert (median["value"], median["n"], median["unanswered"]) == (600.0, 4, 1)
    assert one(frame, "first_reply_time", "mean")["value"] == pytest.approx(780.0)
    # Solved: 101 (reopened once, reassigned once), 102 and 104.
    assert one(frame, "solved")["value"] == 3
    reopen = one(frame, "reopen_rate")
    assert (reopen["value"], reopen["n"]) == (pytest.approx(1 / 3), 3)
    assert one(frame, "reassignments")["value"] == pytest.approx(1 / 3)
    assert one(frame, "backlog")["value"] == 2


def test_importing_twice_changes_nothing(workspace: Workspace) -> None:
    chatwoot_import(workspace, ALL_FILES)
    again = chatwoot_import(workspace, ALL_FILES)
    assert {k: (s.read, s.inserted, s.updated, s.unchanged, s.rejected) for k, s in again.items()} == {
        "tickets": (5, 0, 0, 5, 0),
        "events": (24, 0, 0, 24, 0),
    }


def test_a_newer_export_updates_the_changed_conversation(workspace: Workspace, tmp_path: Path) -> None:
    chatwoot_import(workspace, ALL_FILES)
    later = 1772532000 + 7200  # 103 created 03-03 10:00; Noa answers and resolves at 12:00.

    def resolve(data: Any) -> None:
        conversation = data["data"]["payload"][2]
        conversation.update(status="resolved", first_reply_created_at=later, timestamp=later + 60)
        conversation["meta"]["assignee"] = {"id": 11, "name": "Noa Cohen"}

    def answer(data: Any) -> None:
        data["payload"] += [
            {
                "id": 3004,
                "conversation_id": 103,
                "message_type": 1,
                "created_at": later,
                "private": False,
                "sender_type": "User",
                "sender": {"id": 11, "name": "Noa Cohen", "type": "user"},
                "content": "Yes, within three days.",
            },
            {
                "id": 3005,
                "conversation_id": 103,
                "message_type": 2,
                "created_at": later + 60,
                "private": False,
                "content": "Conversation was marked resolved by Noa Cohen",
            },
        ]

    newer = [
        edited(tmp_path, CONVERSATIONS, resolve),
        edited(tmp_path, FIXTURES / "messages-103.json", answer),
    ]
    summaries = chatwoot_import(workspace, newer)
    assert (summaries["tickets"].inserted, summaries["tickets"].updated, summaries["tickets"].unchanged) == (
        0,
        1,
        4,
    )
    assert (summaries["events"].inserted, summaries["events"].updated, summaries["events"].unchanged) == (
        2,
        0,
        3,
    )
    assert chatwoot_rows(workspace, "SELECT status, agent_id FROM tickets WHERE ticket_id = '103'") == [
        ("solved", "11")
    ]
    kpidesk.refresh_facts(workspace)
    assert chatwoot_rows(
        workspace, "SELECT first_reply_at, last_solved_at FROM ticket_facts WHERE ticket_id = '103'"
    ) == [(at("2026-03-03 12:00"), at("2026-03-03 12:01"))]


def test_an_empty_page_is_a_warning(workspace: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "conversations-page-2.json"
    empty.write_text("[]", encoding="utf-8")
    summaries = chatwoot_import(workspace, [CONVERSATIONS, empty])
    assert summaries["tickets"].inserted == 5
    assert summaries["tickets"].warnings == [
        f"{empty} holds an empty list (a last page, say); nothing was imported from it"
    ]


def test_a_file_of_another_shape_fails_naming_it(
    workspace: Workspace, tmp_path: Path, warehouse_snapshot: Callable[[duckdb.DuckDBPyConnection], Any]
) -> None:
    chatwoot_import(workspace, [CONVERSATIONS])
    with workspace.connect() as con:
        before = warehouse_snapshot(con)
    stranger = tmp_path / "tickets.json"
    stranger.write_text(json.dumps([{"id": 1, "number": "31001", "state_id": 2}]), encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        chatwoot_import(workspace, [*MESSAGES, stranger])
    message = str(failure.value)
    assert str(stranger) in message and "not a Chatwoot API export" in message
    assert "conversations/{id}/messages" in message and "a list of 1 object(s)" in message
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": {"payload": [\n  {"id": 1,\n}', encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"broken\.json line 3: not valid JSON"):
        chatwoot_import(workspace, [broken])
    spreadsheet = tmp_path / "conversations.csv"
    spreadsheet.write_text("id,status\n1,open\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"reads \.json files"):
        chatwoot_import(workspace, [CONVERSATIONS, spreadsheet])
    with workspace.connect() as con:
        assert warehouse_snapshot(con) == before


def test_unknown_status_and_message_type_are_rejected_naming_file_and_record(
    workspace: Workspace, tmp_path: Path
) -> None:
    def unknown_status(data: Any) -> None:
        data["data"]["payload"][1]["status"] = "archived"

    def unknown_type(data: Any) -> None:
        data["payload"][2]["message_type"] = 7

    files = [edited(tmp_path, CONVERSATIONS, unknown_status), edited(tmp_path, MESSAGES[0], unknown_type)]
    summaries = chatwoot_import(workspace, [*files, AGENTS, *MESSAGES[1:]])
    assert (summaries["tickets"].inserted, summaries["tickets"].rejected) == (4, 1)
    assert (summaries["events"].inserted, summaries["events"].rejected) == (23, 1)
    rejected = chatwoot_rejected(workspace)
    assert [(f, line, column, value) for f, line, column, value, _ in rejected] == [
        ("conversations.json", 2, "status", "archived"),
        ("messages-101.json", 3, "message_type", "7"),
    ]
    assert rejected[0][4].startswith("'archived' is not one of new, open, pending, hold, solved, closed")
    assert rejected[1][4].startswith("message 1003: unknown message_type; expected 0 (incoming)")
    assert chatwoot_rows(workspace, "SELECT count(*) FROM tickets WHERE ticket_id = '102'") == [(0,)]


def test_an_assignment_to_someone_unknown_is_rejected_with_the_reason(
    workspace: Workspace, tmp_path: Path
) -> None:
    def ghost(data: Any) -> None:
        data["payload"][8]["content"] = "Assigned to Ghost Agent by Avi Mizrahi"

    summaries = chatwoot_import(workspace, [CONVERSATIONS, edited(tmp_path, MESSAGES[0], ghost)])
    assert summaries["events"].rejected == 1
    assert chatwoot_rejected(workspace) == [
        (
            "messages-101.json",
            9,
            "content",
            "Assigned to Ghost Agent by Avi Mizrahi",
            "message 1009 of conversation 101: it names the agent or team 'Ghost Agent', who is not in this "
            "export; add the agents and teams lists (GET /api/v1/accounts/{id}/agents and .../teams) to the "
            "import",
        ),
    ]
    # Without the agents list, Avi (who never writes) is not known: his assignments are the system's.
    assert chatwoot_rows(
        workspace, "SELECT actor_type, agent_id FROM ticket_events WHERE event_id = '1003'"
    ) == [("system", "11")]


def test_team_assignments_and_value_overrides(workspace: Workspace, tmp_path: Path) -> None:
    def team_moves(data: Any) -> None:
        data["payload"][2]["content"] = "Assigned to Noa Cohen via Billing by Avi Mizrahi"
        data["payload"][8]["content"] = "Unassigned from Billing by Avi Mizrahi"

    files = [CONVERSATIONS, AGENTS, edited(tmp_path, MESSAGES[0], team_moves), *MESSAGES[1:]]
    chatwoot_import(workspace, files, mapping={"values": {"status": {"snoozed": "pending"}}})
    assert chatwoot_rows(
        workspace, "SELECT event_id, agent_id, team_id FROM ticket_events WHERE kind = 'assign' ORDER BY 1"
    ) == [("1003", "11", "3"), ("1009", "11", None), ("2003", "12", None)]
    assert chatwoot_rows(workspace, "SELECT status FROM tickets WHERE ticket_id = '105'") == [("pending",)]
    with pytest.raises(MappingError, match="has no column roles"):
        chatwoot_import(workspace, [CONVERSATIONS], mapping={"columns": {"status": "state"}})
