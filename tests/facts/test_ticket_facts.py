"""Ticket facts of the hand-worked helpdesk (tests/ticket_fixture.py); every figure worked out on paper."""

from __future__ import annotations

from typing import Any

import pytest
from ticket_fixture import EVENT_COLUMNS, insert_rows, ts

from kpidesk.facts import refresh_facts
from kpidesk.workspace import Workspace


def _facts(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.connect() as con:
        refresh_facts(con, ws.settings)
        cur = con.execute(
            "SELECT *, epoch(first_reply_at) - epoch(frt_start_at) AS frt_s, "
            "first_reply_at_bs - frt_start_at_bs AS frt_bs, last_solved_at_bs - created_at_bs AS full_bs, "
            "first_solved_at_bs - created_at_bs AS first_bs "
            "FROM ticket_facts"
        )
        names = [d[0] for d in cur.description]
        return {row[names.index("ticket_id")]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def test_bots_system_messages_and_private_notes_are_not_replies(ticket_workspace: Workspace) -> None:
    facts = _facts(ticket_workspace)
    # T1: bot at 07:00:10, a private note and a private message before the public reply at 08:00.
    assert facts["T1"]["first_reply_at"] == ts("2026-03-01 08:00")
    assert facts["T1"]["agent_replies"] == 1
    # T7: only a bot and the system answered.
    assert facts["T7"]["first_reply_at"] is None
    assert facts["T7"]["agent_replies"] == 0


def test_first_reply_across_a_weekend(ticket_workspace: Workspace) -> None:
    t2 = _facts(ticket_workspace)["T2"]
    # Thu 16:00 local → Sun 10:00 local: 66 h on the clock; Thu 16–17 + Sun 09–10 = 2 business hours.
    assert t2["frt_s"] == 66 * 3600
    assert t2["frt_bs"] == 7200


def test_first_reply_across_a_public_holiday(ticket_workspace: Workspace) -> None:
    t5 = _facts(ticket_workspace)["T5"]
    # Tue 2026-04-21 16:00 local → Thu 10:00 local across Independence Day (Wed 22nd): 42 h; 1 h + 0 + 1 h.
    assert t5["frt_s"] == 42 * 3600
    assert t5["frt_bs"] == 7200


def test_first_reply_across_the_spring_dst_change(ticket_workspace: Workspace) -> None:
    t6 = _facts(ticket_workspace)["T6"]
    # Thu 2026-03-26 16:00 (UTC+2) → Sun 2026-03-29 10:00 (UTC+3): 65 h elapsed,
    # not the 66 h of the wall clock.
    assert t6["frt_s"] == 65 * 3600
    assert t6["frt_bs"] == 7200
    assert t6["first_bs"] == 9000


def test_agent_opened_ticket_starts_the_clock_at_the_customer(ticket_workspace: Workspace) -> None:
    t3 = _facts(ticket_workspace)["T3"]
    assert t3["agent_opened"] is True
    assert t3["frt_start_at"] == ts("2026-03-02 12:00")
    # Mon 14:00 local → Tue 09:30 local: 19.5 h; Mon 14–17 + Tue 09–09:30 = 3.5 business hours.
    assert t3["frt_s"] == 19.5 * 3600
    assert t3["frt_bs"] == 12600
    assert t3["first_solved_at"] is None


def test_reopen_reassignment_and_follow_ups(ticket_workspace: Workspace) -> None:
    t2 = _facts(ticket_workspace)["T2"]
    assert t2["reopens"] == 1
    assert t2["first_solved_at"] == ts("2026-03-08 10:30")
    assert t2["last_solved_at"] == ts("2026-03-09 08:30")
    assert t2["reassignments"] == 1  # a2, then a3
    assert t2["agent_id"] is None or t2["agent_id"] == "a3"
    assert t2["customer_followups"] == 2
    # Thu 16–17, Sun 09–17, Mon 09–10:30 = 10.5 business hours.
    assert t2["full_bs"] == 37800


def test_solved_then_closed_is_not_a_reopen(ticket_workspace: Workspace) -> None:
    t1 = _facts(ticket_workspace)["T1"]
    assert t1["reopens"] == 0
    assert t1["last_solved_at"] == ts("2026-03-01 09:00")
    assert t1["closed_at"] == ts("2026-03-04 09:00")


def test_escalation_from_events_and_level(ticket_workspace: Workspace) -> None:
    facts = _facts(ticket_workspace)
    assert facts["T4"]["escalated"] is True and facts["T4"]["max_level"] == 2
    assert facts["T8"]["escalated"] is False  # level 1 is not an escalation


def test_summary_fields_when_a_source_has_no_events(ticket_workspace: Workspace) -> None:
    t8 = _facts(ticket_workspace)["T8"]
    assert t8["has_events"] is False
    assert t8["frt_s"] == 7200 and t8["frt_bs"] == 7200  # Mon 09:00 → 11:00 local
    assert t8["agent_replies"] == 2
    assert t8["customer_followups"] is None


def test_reply_stretches(ticket_workspace: Workspace) -> None:
    _facts(ticket_workspace)
    with ticket_workspace.connect() as con:
        rows = con.execute(
            "SELECT stretch, epoch(replied_at) - epoch(stretch_start_at), "
            "replied_at_bs - stretch_start_at_bs "
            "FROM reply_stretches WHERE ticket_id = 'T2' ORDER BY stretch"
        ).fetchall()
    assert rows == [(1, 66 * 3600, 7200), (2, 3600, 3600), (3, 3600, 3600)]


def test_open_spans_follow_reopens(ticket_workspace: Workspace) -> None:
    _facts(ticket_workspace)
    with ticket_workspace.connect() as con:
        spans = con.execute(
            "SELECT open_from, open_to FROM ticket_open_spans WHERE ticket_id = 'T2' ORDER BY open_from"
        ).fetchall()
    assert spans == [
        (ts("2026-03-05 14:00"), ts("2026-03-08 10:30")),
        (ts("2026-03-09 07:00:01"), ts("2026-03-09 08:30")),
    ]


def test_only_touched_tickets_are_rederived(ticket_workspace: Workspace) -> None:
    _facts(ticket_workspace)
    with ticket_workspace.connect() as con:
        con.execute("UPDATE ticket_facts SET channel = 'stale' WHERE ticket_id = 'T1'")
        insert_rows(
            con,
            "ticket_events",
            EVENT_COLUMNS,
            [
                {
                    "source": "desk",
                    "event_id": "E900",
                    "ticket_id": "T7",
                    "at": ts("2026-03-05 08:00"),
                    "kind": "message",
                    "actor_type": "agent",
                    "actor_id": "a1",
                    "public": True,
                    "status": None,
                    "agent_id": None,
                    "team_id": None,
                    "level": None,
                }
            ],
        )
        con.execute("DELETE FROM pending_ticket_facts WHERE ticket_id <> 'T7'")
        result = refresh_facts(con, ticket_workspace.settings)
        assert result.full is False and result.tickets == 1
        t1_channel = con.execute("SELECT channel FROM ticket_facts WHERE ticket_id = 'T1'").fetchall()[0][0]
        t7_reply = con.execute("SELECT first_reply_at FROM ticket_facts WHERE ticket_id = 'T7'").fetchall()[
            0
        ][0]
    assert t1_channel == "stale"  # untouched: not re-derived
    assert t7_reply == ts("2026-03-05 08:00")


def test_changed_calendars_rebuild_everything(ticket_workspace: Workspace) -> None:
    _facts(ticket_workspace)
    ticket_workspace.settings.calendars["default"].hours["sun"] = "10:00-17:00"
    t2 = _facts(ticket_workspace)["T2"]
    # Thu 16–17 + Sun 10:00–10:00 = 1 business hour once Sunday opens at 10:00.
    assert t2["frt_bs"] == 3600


@pytest.mark.parametrize("team,expected", [("billing", "default"), ("unknown-team", "default")])
def test_calendar_follows_the_team(ticket_workspace: Workspace, team: str, expected: str) -> None:
    facts = _facts(ticket_workspace)
    assert facts["T1"]["calendar_id"] == expected


def test_when_most_tickets_are_touched_everything_is_rebuilt(ticket_workspace: Workspace) -> None:
    _facts(ticket_workspace)
    with ticket_workspace.connect() as con:
        con.execute("INSERT INTO pending_ticket_facts SELECT source, ticket_id FROM tickets")
        result = refresh_facts(con, ticket_workspace.settings)
        assert result.full is True and result.tickets == 8
        assert con.execute("SELECT count(*) FROM pending_ticket_facts").fetchall()[0][0] == 0


def test_import_can_leave_facts_pending(ticket_workspace: Workspace, tmp_path: Any) -> None:
    import kpidesk

    csv = tmp_path / "more.csv"
    csv.write_text("ticket_id,created_at\nN1,2026-03-03 08:00:00\n", encoding="utf-8")
    _facts(ticket_workspace)
    kpidesk.import_files([csv], "tickets", workspace=ticket_workspace, source="desk", derive_facts=False)
    with ticket_workspace.connect() as con:
        assert con.execute("SELECT count(*) FROM pending_ticket_facts").fetchall()[0][0] == 1
    assert "N1" in _facts(ticket_workspace)


def _next_contacts(ws: Workspace) -> dict[str, Any]:
    with ws.connect() as con:
        rows = con.execute(
            "SELECT ticket_id, next_contact_at FROM ticket_facts WHERE source = 'desk'"
        ).fetchall()
    return dict(rows)


def test_next_contact_is_the_same_customers_next_ticket(ticket_workspace: Workspace) -> None:
    facts = _facts(ticket_workspace)
    # c1 opened T1 (1 March 07:00) and then T3 (2 March 08:00); every other customer has one ticket.
    assert facts["T1"]["next_contact_at"] == ts("2026-03-02 08:00")
    assert facts["T3"]["next_contact_at"] is None
    assert {t for t, f in facts.items() if f["next_contact_at"] is not None} == {"T1"}


def test_a_new_ticket_moves_its_customers_next_contact_and_undo_moves_it_back(
    ticket_workspace: Workspace, tmp_path: Any
) -> None:
    import kpidesk

    _facts(ticket_workspace)
    csv = tmp_path / "between.csv"
    # 11:00 in Israel is 09:00 UTC, two hours after T1 and a day before T3.
    csv.write_text("ticket_id,created_at,customer_id\nN1,2026-03-01 11:00:00,c1\n", encoding="utf-8")
    summary = kpidesk.import_files([csv], "tickets", workspace=ticket_workspace, source="desk")
    # Only N1 was imported, yet the next contact of T1, which now comes before it, moves to it.
    contacts = _next_contacts(ticket_workspace)
    assert contacts["T1"] == ts("2026-03-01 09:00")
    assert contacts["N1"] == ts("2026-03-02 08:00")
    assert contacts["T3"] is None
    with ticket_workspace.connect() as con:
        incremental = dict(con.execute("SELECT ticket_id, ticket_facts FROM ticket_facts").fetchall())
        refresh_facts(con, ticket_workspace.settings, full=True)
        rebuilt = dict(con.execute("SELECT ticket_id, ticket_facts FROM ticket_facts").fetchall())
    assert incremental == rebuilt
    kpidesk.undo_import(summary.import_id, workspace=ticket_workspace)
    contacts = _next_contacts(ticket_workspace)
    assert "N1" not in contacts and contacts["T1"] == ts("2026-03-02 08:00")
