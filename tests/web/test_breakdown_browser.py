"""The breakdown and its drill-down in a real browser, as an admin in English, Hebrew and Arabic: open the
breakdown, change the dates, click a number, land on its records, click a ticket and read its explanation.
Screenshots go to the test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, browser_log_in

#: English words that must not show on a Hebrew or Arabic page of the drill-down.
ENGLISH = (
    "Breakdown",
    "Value",
    "Change",
    "Confidence interval",
    "records counted",
    "Page",
    "Download",
    "Clock starts",
    "Clock stops",
    "Calendar time",
    "Events",
    "created the ticket",
    "public message",
    "No significant change",
    "Nothing to compare",
    "Ticket",
)


def _log_in(page: Any, base: str, name: str, lang: str) -> None:
    """Log in through the form, without waiting for the overview it leads to (slow on a busy machine)."""
    browser_log_in(page, base, name, lang, overview=False)


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_breakdown_to_records_to_a_ticket(served: str, browser: Any, lang: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(90_000)
    _log_in(page, served, "ada", lang)
    page.goto(f"{served}/breakdown?lang={lang}")
    page.wait_for_selector(".bars svg", timeout=10_000)
    rtl = lang in ("he", "ar")
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    page.fill("input[name=from]", "2026-01-01")
    page.fill("input[name=to]", "2026-07-05")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**from=2026-01-01**")
    page.wait_for_selector(".bars svg", timeout=10_000)
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    assert page.input_value("input[name=from]") == "2026-01-01"
    assert_reads_well(page.inner_text("body"), lang, ENGLISH)
    # The chart is mirrored on right-to-left pages: its labels stand on the right of the bars.
    labels = page.locator(".bars svg .role-axis-label text").first.bounding_box()
    bar = page.locator(".bars svg .mark-rect path").first.bounding_box()
    assert labels is not None and bar is not None
    assert (labels["x"] > bar["x"]) == rtl
    page.screenshot(path=str(tmp_path / f"breakdown-{lang}.png"), full_page=True)

    page.click("table.breakdown a.value-link >> nth=0")
    page.wait_for_selector("table.records")
    assert "/records?" in page.url and "from=2026-01-01" in page.url
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    assert page.locator("table.records tbody tr").count() == 50
    assert_reads_well(page.inner_text("body"), lang, ENGLISH)
    page.screenshot(path=str(tmp_path / f"records-{lang}.png"), full_page=True)

    page.click("a.ticket-link >> nth=0")
    page.wait_for_selector("section.traces")
    assert "/tickets/" in page.url
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    assert page.locator(".trace.asked").count() == 1
    assert_reads_well(page.inner_text("body"), lang, ENGLISH)
    page.screenshot(path=str(tmp_path / f"ticket-{lang}.png"), full_page=True)
    page.close()
