"""The trends page in a real browser, in English, Hebrew and Arabic: the form swaps the chart and the table
through htmx (the URL follows), the chart draws, and right-to-left pages mirror it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixture import USERS, assert_reads_well, form_token


def _log_in(page: Any, base: str, name: str, lang: str) -> None:
    """Log the page's browser context in through the log-in form, without waiting for the overview."""
    token = form_token(page.request.get(f"{base}/login?lang={lang}").text())
    answer = page.request.post(
        f"{base}/login", form={"name": name, "password": USERS[name][1], "csrf": token}, max_redirects=0
    )
    assert answer.status == 303


ENGLISH = ("Trends", "Metric", "Period", "Value", "not available", "partial", "Whole organisation", "Target")


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_trends_page_reads_in_each_language(served: str, browser: Any, lang: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    _log_in(page, served, "ada", lang)
    page.goto(f"{served}/trends?lang={lang}")
    page.wait_for_selector(".trend-chart svg")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    first = page.inner_text("table.trend-table")
    # Another metric and period through the form: htmx swaps the result without a new page.
    page.evaluate("window.samePage = true")
    with page.expect_response(lambda r: "/trends?" in r.url and "metric=csat" in r.url):
        page.select_option("select[name=metric]", "csat")
    page.wait_for_function("document.querySelector('#result').textContent.includes('%')")
    with page.expect_response(lambda r: "/trends?" in r.url and "period=month" in r.url):
        page.select_option("select[name=period]", "month")
    page.wait_for_function("document.querySelectorAll('table.trend-table tbody tr').length <= 8")
    page.wait_for_selector(".trend-chart svg path")
    assert page.evaluate("window.samePage") is True
    assert "metric=csat" in page.url and "period=month" in page.url
    assert page.inner_text("table.trend-table") != first
    rows = page.query_selector_all("table.trend-table tbody tr")
    assert 5 <= len(rows) <= 8
    # The chart draws a line, its band and the points; on rtl pages the y axis stands on the right.
    svg = page.query_selector(".trend-chart svg")
    assert svg is not None and page.query_selector_all(".trend-chart svg path")
    box = svg.bounding_box()
    axis = page.query_selector(".trend-chart svg .role-axis:has(.role-axis-title)")
    assert box is not None and axis is not None
    axis_box = axis.bounding_box()
    assert axis_box is not None
    on_right = axis_box["x"] > box["x"] + box["width"] / 2
    assert on_right == (lang != "en")
    assert_reads_well(page.inner_text("body"), lang, ENGLISH)
    page.screenshot(path=str(tmp_path / f"trends-{lang}.png"), full_page=True)
    # The same URL as a plain page gives the same table.
    swapped = page.inner_text("table.trend-table")
    page.goto(page.url)
    page.wait_for_selector(".trend-chart svg")
    assert page.inner_text("table.trend-table") == swapped
    page.close()


def test_an_agent_sees_their_line_and_their_team_where_three_make_it(
    served: str, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    _log_in(page, served, "noa", "he")
    page.goto(f"{served}/trends?metric=csat&period=week&lang=he")
    page.wait_for_selector(".trend-chart svg path")
    cells = [c.inner_text() for c in page.query_selector_all("table.trend-table tbody tr td:last-child")]
    # Billing's CSAT has weeks made by three agents or more (shown) and weeks by fewer (not shown).
    assert any("לא מוצג" in c for c in cells) and any("%" in c for c in cells)
    assert "סלס" not in page.inner_text("main") and "sales" not in page.inner_text("main")
    assert_reads_well(page.inner_text("body"), "he", ENGLISH)
    page.screenshot(path=str(tmp_path / "trends-agent-he.png"), full_page=True)
    page.close()
