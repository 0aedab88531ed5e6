"""`explain` on the hand-worked helpdesk (tests/ticket_fixture.py): instants in the calendar's zone.

T6 was created on Thursday 26 March 2026 14:00 UTC, before Israel's summer time (UTC+2: 16:00 local),
and answered on Sunday 29 March 07:00 UTC, after it (UTC+3: 10:00 local).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from kpidesk import explain
from kpidesk.cli import main
from kpidesk.workspace import Workspace


def test_instants_are_local_with_their_offset(ticket_workspace: Workspace) -> None:
    result = explain("T6", workspace=ticket_workspace)
    assert result.timezone == "Asia/Jerusalem"
    frt = next(t for t in result.traces if t.metric == "first_reply_time")
    assert frt.start_at is not None and frt.stop_at is not None
    assert (frt.start_at.isoformat(), frt.stop_at.isoformat()) == (
        "2026-03-26T16:00:00+02:00",
        "2026-03-29T10:00:00+03:00",
    )
    # The same instants as the warehouse's UTC ones: 2 days 17 hours apart (66 hours on the wall clock).
    assert frt.start_at == datetime(2026, 3, 26, 14, 0, tzinfo=UTC)
    elapsed = frt.stop_at.astimezone(UTC) - frt.start_at.astimezone(UTC)
    assert elapsed == timedelta(days=2, hours=17) and frt.calendar_seconds == 234_000
    assert result.facts["created_at"].utcoffset() == timedelta(hours=2)
    assert all(e["at"].tzinfo is not None for e in result.events)


def test_the_command_prints_local_times_as_prose(ticket_workspace: Workspace) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["explain", "T6", "-w", str(ticket_workspace.path)], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    text = out.output
    words = " ".join(text.split())
    assert "16:00:00 +02:00" in text and "10:00:00 +03:00" in text
    assert words.count("Asia/Jerusalem") == 1 and "Times are local, Asia/Jerusalem." in words
    # First reply: Thursday 16:00–17:00 and Sunday 09:00–10:00 of the Sunday–Thursday 09–17 week, so
    # 2 business hours of the 65 hours (234,000 s) between; business time reads in hours.
    assert "first_reply_time: 2.7 d, 2.0 business hours" in words
    assert "from 2026-03-26 16:00:00 +02:00," in words and "(customer created)" in words
    # T6 has no agent and was never escalated: said in words, never as Python's None or False.
    assert "no agent" in words and "not escalated" in words and "1 agent reply" in words
    assert not any(word in text for word in ("None", "False", "True", "nan"))
    assert max(len(line) for line in text.splitlines()) <= 80
    data = json.loads(
        runner.invoke(main, ["explain", "T6", "--as", "json", "-w", str(ticket_workspace.path)]).output
    )
    assert data["timezone"] == "Asia/Jerusalem"
    stop = datetime.fromisoformat(data["metrics"][0]["stop_at"])
    assert stop.utcoffset() == timedelta(hours=3)
    assert stop == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
