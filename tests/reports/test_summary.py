"""The HTML summary: right-to-left for Hebrew and Arabic, numbers from kpis only."""

from __future__ import annotations

from kpidesk import write_summary
from kpidesk.workspace import Workspace


def test_hebrew_summary_is_right_to_left(ticket_workspace: Workspace) -> None:
    assert ticket_workspace.settings.locale == "he"
    page = write_summary(ticket_workspace).read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl">' in page
    assert "מדדי שירות" in page
    assert "<svg" in page  # weekly trend as a picture


def test_english_summary_is_left_to_right(ticket_workspace: Workspace) -> None:
    ticket_workspace.settings.locale = "en"
    page = write_summary(ticket_workspace).read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert "Tickets created" in page
