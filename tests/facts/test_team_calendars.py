"""Each ticket is measured in its team's calendar: here a London team across the UK's spring DST change."""

from __future__ import annotations

from pathlib import Path

from ticket_fixture import EVENT_COLUMNS, TICKET_COLUMNS, insert_rows, ts

from kpidesk.facts import refresh_facts
from kpidesk.workspace import CalendarSettings, default_settings, init_workspace


def test_team_calendar_in_london(tmp_path: Path) -> None:
    settings = default_settings(country="IL")
    settings.calendars["emea"] = CalendarSettings(
        name="emea",
        timezone="Europe/London",
        week_start="mon",
        country="GB",
        hours={d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
    )
    settings.teams = {"support": "emea"}
    ws = init_workspace(tmp_path / "ws", settings=settings)
    ticket = dict.fromkeys(TICKET_COLUMNS)
    ticket.update(source="desk", ticket_id="L1", created_at=ts("2026-03-27 16:00"), team_id="support")
    events = [
        {
            **dict.fromkeys(EVENT_COLUMNS),
            "source": "desk",
            "event_id": "L1a",
            "ticket_id": "L1",
            "at": ts("2026-03-27 16:00"),
            "kind": "created",
            "actor_type": "customer",
        },
        {
            **dict.fromkeys(EVENT_COLUMNS),
            "source": "desk",
            "event_id": "L1b",
            "ticket_id": "L1",
            "at": ts("2026-03-30 09:00"),
            "kind": "message",
            "actor_type": "agent",
            "public": True,
        },
    ]
    with ws.connect() as con:
        insert_rows(con, "tickets", TICKET_COLUMNS, [ticket])
        insert_rows(con, "ticket_events", EVENT_COLUMNS, events)
        refresh_facts(con, ws.settings)
        calendar, bs = con.execute(
            "SELECT calendar_id, first_reply_at_bs - frt_start_at_bs FROM ticket_facts"
        ).fetchall()[0]
    # Fri 16:00 GMT → Mon 10:00 BST (clocks went forward on Sunday 29 March): Fri 16–17 + Mon 09–10.
    assert calendar == "emea"
    assert bs == 7200
