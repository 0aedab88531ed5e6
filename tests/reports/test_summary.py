"""The HTML summary: right-to-left for Hebrew and Arabic, numbers from kpis only."""

from __future__ import annotations

import re

from kpidesk import write_summary
from kpidesk.workspace import Workspace


def test_hebrew_summary_is_right_to_left(ticket_workspace: Workspace) -> None:
    assert ticket_workspace.settings.locale == "he"
    page = write_summary(ticket_workspace).read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl">' in page
    assert "מדדי שירות" in page
    assert "<svg" in page  # weekly trend as a picture
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    # Only SLA rows name their SLA metric; the others name nothing, least of all an empty value.
    assert "SLA attainment (first_reply)" in text and "Tickets created (" not in text
    assert not re.search(r"\b(nan|None|NaN)\b", text)


def test_english_summary_is_left_to_right(ticket_workspace: Workspace) -> None:
    ticket_workspace.settings.locale = "en"
    page = write_summary(ticket_workspace).read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert "Tickets created" in page
