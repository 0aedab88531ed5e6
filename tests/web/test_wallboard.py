"""The wallboard on the demo site: its numbers against counts taken straight from the warehouse and against
`kpidesk.kpis`, "today" as the data's last day and the week from the team calendar's first weekday, the
data's time on screen, the refresh (htmx fragment and a no-script fallback), the role rules tried as an
attacker, and the board in a real browser in English, Hebrew and Arabic.

The demo's data ends on Sunday 5 July 2026 (Jerusalem, UTC+3 in summer). Team technical works on the
`emea` calendar, whose weeks start on Monday (29 June); billing on the default one, whose weeks start on
Sunday (5 July itself)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, browser_log_in, session_of

import kpidesk

LAST = date(2026, 7, 5)


@pytest.fixture(scope="module")
def clients(site: Any) -> dict[str, Any]:
    return {name: session_of(site, name) for name in ("ada", "lee", "noa")}


def _created(site: Any, team: str, first: str, last: str) -> int:
    """Tickets of `team` created between two local days of July/June 2026 (UTC+3), counted in SQL."""
    with site[0].connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM tickets WHERE team_id = ? "
            "AND CAST(created_at + INTERVAL 3 HOUR AS DATE) BETWEEN ? AND ?",
            [team, first, last],
        ).fetchone()
    assert row is not None
    return int(row[0])


def _tiles(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {tile["metric"]: tile for tile in body["tiles"]}


def test_today_is_the_data_last_day_and_the_week_follows_the_team_calendar(clients: Any, site: Any) -> None:
    technical = clients["ada"].get("/api/wallboard?team=technical").json()
    assert (technical["today"], technical["week_start"]) == ("2026-07-05", "2026-06-29")
    billing = clients["lee"].get("/api/wallboard").json()
    assert (billing["team"], billing["today"], billing["week_start"]) == (
        "billing",
        "2026-07-05",
        "2026-07-05",
    )
    tiles = _tiles(technical)
    assert tiles["volume"]["today"] == _created(site, "technical", "2026-07-05", "2026-07-05") == 1
    assert tiles["volume"]["week"] == _created(site, "technical", "2026-06-29", "2026-07-05") == 6
    # Billing created nothing on the last day: zero tickets, not "not available".
    assert _created(site, "billing", "2026-07-05", "2026-07-05") == 0
    assert _tiles(billing)["volume"]["today"] == 0


def test_the_numbers_equal_kpis(clients: Any, site: Any) -> None:
    ws = site[0]
    body = clients["ada"].get("/api/wallboard?team=technical").json()
    tiles = _tiles(body)
    metrics = ["backlog", "solved", "first_reply_time", "service_level"]
    day = kpidesk.kpis(ws, by=["team"], period="day", start=LAST, end=LAST, metrics=metrics)
    week = kpidesk.kpis(ws, by=["team"], period="all", start=date(2026, 6, 29), end=LAST, metrics=metrics)
    day, week = (f[f["team"] == "technical"].set_index("metric") for f in (day, week))
    assert tiles["backlog"]["today"] == day.loc["backlog", "value"] and tiles["backlog"]["week"] is None
    for metric in ("solved", "first_reply_time", "service_level"):
        assert tiles[metric]["week"] == pytest.approx(float(week.loc[metric, "value"]))
    assert tiles["first_reply_time"]["today"] is None  # no first reply on the last day
    assert [t["target_id"] for t in body["targets"]] == ["technical-solved"]


def test_the_board_says_when_its_data_is_from(clients: Any, site: Any) -> None:
    with site[0].connect(read_only=True) as con:
        newest = max(
            con.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table, column in (
                ("tickets", "created_at"),
                ("calls", "arrived_at"),
                ("surveys", "responded_at"),
            )
        )
    body = clients["ada"].get("/api/wallboard?team=technical").json()
    local = datetime.fromisoformat(body["data_until"])
    assert (local - newest).total_seconds() == 3 * 3600
    board = clients["ada"].get("/wallboard/board?team=technical").text
    assert f"Data up to Jul 5, 2026 \u2068{local:%H:%M}\u2069, refreshed" in board
    assert "Today is Jul 5, 2026: the last day of the data" in board


def test_the_page_refreshes_its_board(clients: Any) -> None:
    page = clients["lee"].get("/wallboard?team=billing").text
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in page
    assert 'hx-get="/wallboard/board?team=billing&amp;lang=en&amp;every=60"' in page
    assert 'hx-trigger="every 60s"' in page
    assert 'class="bar"' not in page  # no navigation bar on the wall
    fast = clients["lee"].get("/wallboard/board?team=billing&every=1").text
    assert fast.lstrip().startswith('<section id="board"') and 'hx-trigger="every 2s"' in fast


@pytest.mark.parametrize("path", ["/wallboard", "/wallboard/board", "/api/wallboard"])
def test_an_agent_gets_no_wallboard(clients: Any, path: str) -> None:
    answer = clients["noa"].get(f"{path}?team=billing")
    assert answer.status_code == 403
    assert "billing" not in answer.text.replace("/wallboard?team=billing", "")


@pytest.mark.parametrize("path", ["/wallboard", "/wallboard/board", "/api/wallboard"])
def test_a_manager_gets_no_other_team_board(clients: Any, path: str) -> None:
    assert clients["lee"].get(f"{path}?team=sales").status_code == 403
    assert clients["ada"].get(f"{path}?team=sales").status_code == 200


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_wallboard_reads_and_refreshes_in_each_language(
    served: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    page = _signed_in_page(browser, served, "ada", lang, {"width": 1920, "height": 1080})
    page.goto(f"{served}/wallboard?team=technical&lang={lang}&every=2")
    page.wait_for_selector("#board .tile")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    # The board is swapped whole: a mark put on the one on screen goes away with the refresh.
    page.evaluate("document.querySelector('#board').dataset.seen = 'yes'")
    with page.expect_request(lambda r: "/wallboard/board?" in r.url, timeout=60_000):
        pass
    page.wait_for_function("!document.querySelector('#board').dataset.seen", timeout=240_000)
    text = page.inner_text("body")
    assert_reads_well(
        text,
        lang,
        ("Data up to", "refreshed", "Today is", "Open tickets", "this week", "not available", "Team"),
    )
    assert "2026" in page.inner_text("#board .fresh")
    page.screenshot(path=str(tmp_path / f"wallboard-{lang}.png"), full_page=True)
    page.close()


def _signed_in_page(browser: Any, base: str, name: str, lang: str, viewport: dict[str, int]) -> Any:
    """A browser page logged in as `name` through the log-in form, without waiting for the overview it
    lands on (its first computation can be slow on a busy machine)."""
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(120_000)
    browser_log_in(page, base, name, lang, overview=False)
    return page
