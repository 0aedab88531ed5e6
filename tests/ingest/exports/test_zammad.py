"""The zammad export format on a small helpdesk's API responses (tests/ingest/exports/fixtures/zammad/).

Instants are UTC with a Z; tickets are created on the second, every later instant ends in .250.
Agents: Rina 5, Karim 6; user 1 is Zammad's "-" (nobody, the system). Groups: Support 2, Billing 3.
- 31 (email, Dan 21, closed): a trigger's auto-reply (System) at +2 s and Rina's internal note at
  +10 min do not count; Rina replies at +45 min (FRT 2700.25 s); history: open at +45 min, closed at +2 h.
- 32 (web, Hala 22, open, high): Rina replies at +30 min (FRT 1800.25 s); closed at +2 h; Hala writes
  a day later and the history reopens it; it moves from Support to Billing and from Rina to Karim (two
  reassignments after the trigger's first assignment to Rina), and Karim answers.
- 33 (phone, Moshe 23, pending close): Rina logs Moshe's call (origin_by 23) and calls back at +15 min
  (FRT 900.25 s); no history.
- 34 (email, Amal 24, new, no owner): only the auto-reply: unanswered.
- 35 (web, Yael 25, closed): no articles; the ticket says first response at +10 min (600.25 s).
`ids/` holds the same tickets without expanded names, and the ticket states and priorities lists.
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
from kpidesk.ingest import ImportFailed, ImportSummary
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace, init_workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zammad"
TICKETS = FIXTURES / "tickets.json"
ARTICLES = sorted(FIXTURES.glob("articles-*.json"))
HISTORY = sorted(FIXTURES.glob("history-*.json"))
ALL_FILES = [TICKETS, *ARTICLES, *HISTORY]
IDS = FIXTURES / "ids"
TICKET_COLUMNS = (
    "ticket_id, created_at, channel, priority, status, customer_id, agent_id, team_id, subject, "
    "first_reply_at, closed_at"
)


def zammad_import(ws: Workspace, files: list[Path], **options: Any) -> dict[str, ImportSummary]:
    with ws.connect() as con:
        return {s.kind: s for s in import_export(con, files, "zammad", **options)}


def zammad_rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def zammad_rejected(ws: Workspace) -> list[tuple[str, int, str, str | None, str]]:
    rows = zammad_rows(
        ws,
        'SELECT file, line, "column", value, reason FROM rejected_rows '
        "ORDER BY import_id, regexp_extract(file, '[^/]*$'), line",
    )
    return [(Path(f).name, line, column, value, reason) for f, line, column, value, reason in rows]


def zammad_edited(
    tmp_path: Path, source: Path, change: Callable[[Any], Any], name: str | None = None
) -> Path:
    """A copy of a fixture file with `change` applied to its parsed JSON (or replaced by its result)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    changed = change(data)
    path = tmp_path / (name or source.name)
    path.write_text(json.dumps(data if changed is None else changed), encoding="utf-8")
    return path


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def zammad_one(frame: pd.DataFrame, metric: str, stat: str | None = None) -> dict[str, Any]:
    rows = frame[(frame.metric == metric) & ((frame.stat == stat) if stat else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


EXPECTED_TICKETS = [
    (
        "31",
        at("2026-03-01 07:30"),
        "email",
        "normal",
        "closed",
        "21",
        "5",
        "2",
        "Cannot log in after password reset",
        at("2026-03-01 08:15:00.25"),
        at("2026-03-01 09:30:00.25"),
    ),
    (
        "32",
        at("2026-03-02 06:00"),
        "web",
        "high",
        "open",
        "22",
        "6",
        "3",
        "Charged for a cancelled plan",
        at("2026-03-02 06:30:00.25"),
        at("2026-03-02 08:00:00.25"),
    ),
    (
        "33",
        at("2026-03-03 08:15"),
        "phone",
        "low",
        "pending",
        "23",
        "5",
        "2",
        "Phone: router keeps rebooting",
        at("2026-03-03 08:30:00.25"),
        None,
    ),
    (
        "34",
        at("2026-03-04 09:00"),
        "email",
        "normal",
        "new",
        "24",
        None,
        "2",
        "Question about the invoice address",
        None,
        None,
    ),
    (
        "35",
        at("2026-03-05 10:00"),
        "web",
        "normal",
        "closed",
        "25",
        "6",
        "2",
        "Export to CSV is empty",
        at("2026-03-05 10:10:00.25"),
        at("2026-03-05 11:00:00.25"),
    ),
]


@pytest.fixture(scope="module")
def zammad_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("zammad") / "ws", country="IL")
    zammad_import(ws, ALL_FILES)
    return ws


def test_expanded_tickets(zammad_ws: Workspace) -> None:
    assert (
        zammad_rows(zammad_ws, f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id") == EXPECTED_TICKETS
    )


def test_tickets_by_id_take_names_from_the_lists_or_the_assets(workspace: Workspace, tmp_path: Path) -> None:
    summaries = zammad_import(
        workspace, [IDS / "tickets.json", IDS / "ticket_states.json", IDS / "ticket_priorities.json"]
    )
    assert (summaries["tickets"].inserted, summaries["tickets"].rejected) == (5, 0)
    # The plain list names no article types, so the channel is unknown.
    no_channel = [(*row[:2], None, *row[3:]) for row in EXPECTED_TICKETS]
    assert zammad_rows(workspace, f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id") == no_channel

    states = json.loads((IDS / "ticket_states.json").read_text(encoding="utf-8"))
    priorities = json.loads((IDS / "ticket_priorities.json").read_text(encoding="utf-8"))

    def full(tickets: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "record_ids": [t["id"] for t in tickets],
            "assets": {
                "Ticket": {str(t["id"]): t for t in tickets},
                "TicketState": {str(s["id"]): s for s in states},
                "TicketPriority": {str(p["id"]): p for p in priorities},
                "TicketArticleType": {
                    str(i): {"id": i, "name": n} for i, n in ((1, "email"), (5, "phone"), (11, "web"))
                },
            },
        }

    again = zammad_import(workspace, [zammad_edited(tmp_path, IDS / "tickets.json", full, "full.json")])
    assert (again["tickets"].updated, again["tickets"].unchanged) == (5, 0)
    assert (
        zammad_rows(workspace, f"SELECT {TICKET_COLUMNS} FROM tickets ORDER BY ticket_id") == EXPECTED_TICKETS
    )


def test_a_state_id_without_a_name_fails_the_import(workspace: Workspace) -> None:
    with pytest.raises(ImportFailed) as failure:
        zammad_import(workspace, [IDS / "tickets.json"])
    assert str(failure.value) == (
        f"{IDS / 'tickets.json'} record 1: ticket 31 gives state_id 4 but the export has no name for it; "
        "list the tickets with ?expand=true, or add the ticket states (GET /api/v1/ticket_states) to the "
        "import"
    )
    assert zammad_rows(workspace, "SELECT count(*) FROM tickets") == [(0,)]


def test_articles_and_history_become_events(zammad_ws: Workspace) -> None:
    rows = zammad_rows(
        zammad_ws,
        'SELECT event_id, "at", kind, actor_type, actor_id, public, status, agent_id, team_id '
        "FROM ticket_events WHERE ticket_id = '32' ORDER BY \"at\", event_id",
    )
    assert rows == [
        ("article-201", at("2026-03-02 06:00"), "message", "customer", "22", True, None, None, None),
        ("history-9102", at("2026-03-02 06:05:00.25"), "assign", "system", None, False, None, "5", "2"),
        ("article-202", at("2026-03-02 06:30:00.25"), "message", "agent", "5", True, None, None, None),
        ("history-9103", at("2026-03-02 06:30:00.25"), "status", "agent", "5", False, "open", None, None),
        ("history-9104", at("2026-03-02 08:00:00.25"), "status", "agent", "5", False, "closed", None, None),
        ("article-203", at("2026-03-03 06:00:00.25"), "message", "customer", "22", True, None, None, None),
        ("history-9105", at("2026-03-03 06:00:00.25"), "status", "customer", "22", False, "open", None, None),
        ("history-9106", at("2026-03-03 06:05:00.25"), "assign", "agent", "5", False, None, "5", "3"),
        ("history-9107", at("2026-03-03 06:10:00.25"), "assign", "agent", "5", False, None, "6", "3"),
        ("article-204", at("2026-03-03 07:00:00.25"), "message", "agent", "6", True, None, None, None),
    ]
    others = zammad_rows(
        zammad_ws,
        "SELECT event_id, kind, actor_type, actor_id, public FROM ticket_events "
        "WHERE ticket_id <> '32' ORDER BY ticket_id, \"at\", event_id",
    )
    assert others == [
        ("article-101", "message", "customer", "21", True),
        ("article-102", "message", "system", "1", True),
        ("article-103", "note", "agent", "5", False),
        ("article-104", "message", "agent", "5", True),
        ("history-9003", "status", "agent", "5", False),
        ("history-9005", "status", "agent", "5", False),
        ("article-301", "message", "customer", "23", True),
        ("article-302", "message", "agent", "5", True),
        ("article-303", "note", "agent", "5", False),
        ("article-401", "message", "customer", "24", True),
        ("article-402", "message", "system", "1", True),
    ]


def test_ticket_facts(zammad_ws: Workspace) -> None:
    kpidesk.refresh_facts(zammad_ws)
    rows = zammad_rows(
        zammad_ws,
        "SELECT ticket_id, status, first_reply_at, first_solved_at, last_solved_at, agent_replies, reopens, "
        "reassignments FROM ticket_facts ORDER BY ticket_id",
    )
    assert rows == [
        (
            "31",
            "closed",
            at("2026-03-01 08:15:00.25"),
            at("2026-03-01 09:30:00.25"),
            at("2026-03-01 09:30:00.25"),
            1,
            0,
            0,
        ),
        (
            "32",
            "open",
            at("2026-03-02 06:30:00.25"),
            at("2026-03-02 08:00:00.25"),
            at("2026-03-02 08:00:00.25"),
            2,
            1,
            2,
        ),
        ("33", "pending", at("2026-03-03 08:30:00.25"), None, None, 1, 0, 0),
        ("34", "new", None, None, None, 0, 0, 0),
        (
            "35",
            "closed",
            at("2026-03-05 10:10:00.25"),
            at("2026-03-05 11:00:00.25"),
            at("2026-03-05 11:00:00.25"),
            None,
            None,
            None,
        ),
    ]


def test_kpis(zammad_ws: Workspace) -> None:
    frame = kpidesk.kpis(
        zammad_ws,
        metrics=["first_reply_time", "reopen_rate", "reassignments", "solved", "backlog"],
        period="all",
        stat=["median", "mean"],
    )
    # FRT: 2700.25, 1800.25, 900.25 and 600.25 s; 34 has only the system's auto-reply: unanswered.
    median = zammad_one(frame, "first_reply_time", "median")
    assert (median["value"], median["n"], median["unanswered"]) == (pytest.approx(1350.25), 4, 1)
    assert zammad_one(frame, "first_reply_time", "mean")["value"] == pytest.approx(1500.25)
    # Solved at least once: 31, 32 (reopened) and 35; 35 has no history, so its reopens are unknown.
    assert zammad_one(frame, "solved")["value"] == 3
    reopen = zammad_one(frame, "reopen_rate")
    assert (reopen["value"], reopen["n"]) == (0.5, 2)
    reassignments = zammad_one(frame, "reassignments")
    assert (reassignments["value"], reassignments["n"]) == (1.0, 2)
    # Open at the end: 32 (reopened), 33 (pending close) and 34.
    assert zammad_one(frame, "backlog")["value"] == 3


def test_without_history_a_closed_ticket_is_solved_at_its_close_at(workspace: Workspace) -> None:
    summaries = zammad_import(workspace, [TICKETS, *ARTICLES])
    assert summaries["events"].inserted == 14
    assert zammad_rows(
        workspace, "SELECT event_id, \"at\", status FROM ticket_events WHERE kind = 'status' ORDER BY 1"
    ) == [("31-closed", at("2026-03-01 09:30:00.25"), "closed")]
    kpidesk.refresh_facts(workspace)
    assert zammad_rows(
        workspace,
        "SELECT ticket_id, first_solved_at, reopens FROM ticket_facts WHERE ticket_id IN ('31', '32')"
        " ORDER BY 1",
    ) == [("31", at("2026-03-01 09:30:00.25"), 0), ("32", None, 0)]


def test_importing_twice_changes_nothing(workspace: Workspace) -> None:
    zammad_import(workspace, ALL_FILES)
    again = zammad_import(workspace, ALL_FILES)
    assert {k: (s.read, s.inserted, s.updated, s.unchanged, s.rejected) for k, s in again.items()} == {
        "tickets": (5, 0, 0, 5, 0),
        "events": (21, 0, 0, 21, 0),
    }


def test_a_newer_export_updates_the_changed_ticket(workspace: Workspace, tmp_path: Path) -> None:
    zammad_import(workspace, ALL_FILES)

    def taken(tickets: list[dict[str, Any]]) -> None:
        tickets[3].update(
            owner_id=6,
            owner="karim.saleh@acme.example",
            state_id=2,
            state="open",
            first_response_at="2026-03-04T09:20:00.250Z",
            updated_at="2026-03-04T09:20:00.250Z",
        )

    def answered(articles: list[dict[str, Any]]) -> None:
        articles.append(
            {
                **articles[0],
                "id": 403,
                "sender_id": 1,
                "sender": "Agent",
                "created_by_id": 6,
                "created_at": "2026-03-04T09:20:00.250Z",
                "subject": "RE: invoice address",
            }
        )

    newer = [zammad_edited(tmp_path, TICKETS, taken), zammad_edited(tmp_path, ARTICLES[3], answered)]
    summaries = zammad_import(workspace, newer)
    assert (summaries["tickets"].inserted, summaries["tickets"].updated, summaries["tickets"].unchanged) == (
        0,
        1,
        4,
    )
    assert (summaries["events"].inserted, summaries["events"].updated, summaries["events"].unchanged) == (
        1,
        0,
        2,
    )
    assert zammad_rows(workspace, "SELECT status, agent_id FROM tickets WHERE ticket_id = '34'") == [
        ("open", "6")
    ]
    kpidesk.refresh_facts(workspace)
    assert zammad_rows(workspace, "SELECT first_reply_at FROM ticket_facts WHERE ticket_id = '34'") == [
        (at("2026-03-04 09:20:00.25"),)
    ]


def test_an_empty_page_is_a_warning(workspace: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "tickets-page-2.json"
    empty.write_text("[]", encoding="utf-8")
    summaries = zammad_import(workspace, [TICKETS, empty])
    assert summaries["tickets"].inserted == 5
    assert f"{empty} holds an empty list (a last page, say); nothing was imported from it" in (
        summaries["tickets"].warnings
    )


def test_a_file_of_another_shape_fails_naming_it(
    workspace: Workspace, tmp_path: Path, warehouse_snapshot: Callable[[duckdb.DuckDBPyConnection], Any]
) -> None:
    zammad_import(workspace, [TICKETS])
    with workspace.connect() as con:
        before = warehouse_snapshot(con)
    conversations = FIXTURES.parent / "chatwoot" / "conversations.json"
    with pytest.raises(ImportFailed) as failure:
        zammad_import(workspace, [*ARTICLES, conversations])
    message = str(failure.value)
    assert message.startswith(
        f"{conversations}: not a Zammad API export; expected the JSON of GET /api/v1/tickets"
    )
    assert message.endswith("found an object with keys data")
    with workspace.connect() as con:
        assert warehouse_snapshot(con) == before


def test_unknown_and_removed_states_and_unknown_senders_are_rejected(
    workspace: Workspace, tmp_path: Path
) -> None:
    def states(tickets: list[dict[str, Any]]) -> None:
        tickets[1]["state"] = "waiting for parts"
        tickets[3]["state"] = "removed"

    def sender(articles: list[dict[str, Any]]) -> None:
        articles[1].update(sender="Robot", sender_id=9)

    files = [
        zammad_edited(tmp_path, TICKETS, states),
        zammad_edited(tmp_path, ARTICLES[0], sender),
        *ARTICLES[1:],
    ]
    summaries = zammad_import(workspace, files)
    assert (summaries["tickets"].inserted, summaries["tickets"].rejected) == (3, 2)
    # Ten articles, and the solve of 31 at its close_at (no history is imported here).
    assert (summaries["events"].inserted, summaries["events"].rejected) == (11, 3)
    assert zammad_rejected(workspace) == [
        (
            "tickets.json",
            2,
            "status",
            "waiting for parts",
            "'waiting for parts' is not one of new, open, pending, hold, solved, closed; add a value "
            'mapping, e.g. values: {status: {"waiting for parts": <one of those>}}',
        ),
        ("tickets.json", 4, "state", "removed", "ticket 34 is in the state removed (deleted in Zammad)"),
        (
            "articles-31.json",
            2,
            "sender",
            "Robot",
            "article 102 of ticket 31: unknown sender; expected Customer, Agent or System",
        ),
        (
            "articles-34.json",
            1,
            "ticket_id",
            "34",
            "article 401 belongs to ticket 34, which was removed in Zammad",
        ),
        (
            "articles-34.json",
            2,
            "ticket_id",
            "34",
            "article 402 belongs to ticket 34, which was removed in Zammad",
        ),
    ]


def test_an_added_state_maps_through_its_state_type_or_the_mapping(
    workspace: Workspace, tmp_path: Path
) -> None:
    def waiting(tickets: list[dict[str, Any]]) -> None:
        tickets[1].update(state_id=8, state="waiting for parts")

    def listed(states: list[dict[str, Any]]) -> None:
        states.append({**states[2], "id": 8, "name": "waiting for parts", "state_type": "pending reminder"})

    tickets = zammad_edited(tmp_path, TICKETS, waiting)
    zammad_import(workspace, [tickets, zammad_edited(tmp_path, IDS / "ticket_states.json", listed)])
    assert zammad_rows(workspace, "SELECT status FROM tickets WHERE ticket_id = '32'") == [("pending",)]
    zammad_import(workspace, [tickets], mapping={"values": {"status": {"waiting for parts": "hold"}}})
    assert zammad_rows(workspace, "SELECT status FROM tickets WHERE ticket_id = '32'") == [("hold",)]
