"""The agent scorecard: its numbers on a helpdesk made by hand and on the demo (equal to `kpidesk.kpis`),
the `MIN_PEERS` rule, the agent's own targets, the downloads, every role rule tried as an attacker, and the
page in a real browser in English, Hebrew and Arabic.

The hand-made helpdesk: team `duo` has agents D1 and D2, team `trio` T1, T2 and T3. Every ticket is created
at 12:00 in Jerusalem on a working day of 7–11 June 2026 and solved an hour later; D1 solves 6 tickets, D2 4,
T1, T2 and T3 3 each; first replies take 10, 20, 30, 40 and 50 minutes for D1, D2, T1, T2 and T3.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from web_fixture import (
    assert_reads_well,
    browser_log_in,
    hand_made_helpdesk,
    session_of,
    solved_ticket,
)

import kpidesk
from kpidesk.i18n import format_value
from kpidesk.web import Audience, scorecard
from kpidesk.workspace import Workspace

LAST = date(2026, 6, 11)
AGENTS = {
    "D1": ("duo", 6, 10),
    "D2": ("duo", 4, 20),
    "T1": ("trio", 3, 30),
    "T2": ("trio", 3, 40),
    "T3": ("trio", 3, 50),
}


def _rows() -> list[dict[str, Any]]:
    return [
        solved_ticket(agent, team, i, datetime(2026, 6, 7 + i % 5, 9), reply_minutes, 1)
        for agent, (team, count, reply_minutes) in AGENTS.items()
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = hand_made_helpdesk(tmp_path_factory.mktemp("scorecard") / "ws", _rows())
    kpidesk.add_target(
        ws, "trio-first-reply", "first_reply_time", 2700, scope={"team": "trio"}, per="agent", min_n=1
    )
    return ws


def _line(result: Any, metric: str) -> Any:
    (line,) = [line for line in result.lines if line.metric == metric]
    return line


def test_the_numbers_of_an_agent_in_a_team_of_three(helpdesk: Workspace) -> None:
    result = scorecard(helpdesk, Audience("admin"), agent="T1", last_day=LAST)
    assert (result.agent_name, result.team, result.end) == ("Agent T1", "trio", LAST)
    assert (_line(result, "solved").value, _line(result, "solved").team_value) == (3, 9)
    frt = _line(result, "first_reply_time")
    # T1's three replies take 30 minutes; the team's nine take 30, 40 and 50 minutes three times each.
    assert (frt.value, frt.team_value, frt.team_peers) == (1800, 2400, 3)


def test_no_team_value_where_two_agents_would_reveal_each_other(helpdesk: Workspace) -> None:
    result = scorecard(helpdesk, Audience("manager", teams=("duo",)), agent="D1", last_day=LAST)
    solved = _line(result, "solved")
    assert (solved.value, solved.team_value, solved.team_peers) == (6, None, 2)
    assert _line(result, "first_reply_time").value == 600
    assert _line(result, "csat").value is None and _line(result, "csat").reason is None


def test_the_agent_own_targets_and_no_one_else(helpdesk: Workspace) -> None:
    result = scorecard(helpdesk, Audience("agent", agent_id="T1", agent_team="trio"), last_day=LAST)
    assert [(t["target_id"], t["member"], t["value"]) for t in result.targets] == [
        ("trio-first-reply", "T1", 1800)
    ]
    assert scorecard(helpdesk, Audience("admin"), agent="D1", last_day=LAST).targets == ()


def _api(client: Any, query: str = "") -> Any:
    answer = client.get(f"/api/scorecard{query}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _demo_rows(ws: Workspace, by: list[str], start: date, end: date) -> Any:
    return kpidesk.kpis(ws, by=by, period="all", start=start, end=end, compare="previous")


def test_the_api_equals_kpis_for_the_agent_and_the_team(site: Any) -> None:
    ws = site[0]
    body = _api(session_of(site, "noa"))
    assert (body["agent"], body["agent_name"], body["team"]) == ("A002", "Rana Khoury", "billing")
    start, end = date.fromisoformat(body["start"]), date.fromisoformat(body["end"])
    assert (end - start).days == 89
    own = _demo_rows(ws, ["agent"], start, end)
    own = own[own["agent"] == "A002"].set_index("metric")
    team = kpidesk.kpis(ws, by=["team"], period="all", start=start, end=end)
    team = team[team["team"] == "billing"].set_index("metric")
    compared = 0
    for line in body["lines"]:
        metric = line["metric"]
        if metric in own.index:
            assert line["value"] == pytest.approx(float(own.loc[metric, "value"]))
            assert line["n"] == int(own.loc[metric, "n"])
            if line["change"] is not None:
                assert line["change"] == pytest.approx(float(own.loc[metric, "change"]))
            compared += 1
        else:
            assert line["value"] is None
        if line["team_peers"] >= 3:
            assert line["team_value"] == pytest.approx(float(team.loc[metric, "value"]))
        else:
            assert line["team_value"] is None
    assert compared >= 10


def test_a_manager_picks_any_agent_of_their_team_by_name(site: Any) -> None:
    lee = session_of(site, "lee")
    page = lee.get("/scorecard?agent=A003")
    assert page.status_code == 200
    assert "Scorecard of Mira Avraham" in page.text
    assert '<option value="A002">Rana Khoury</option>' in page.text
    for other_team in ("Yael Haddad", "Omer Khoury", "Aisha Evans"):
        assert other_team not in page.text
    assert _api(lee, "?agent=A003")["agent_name"] == "Mira Avraham"


@pytest.mark.parametrize(
    "path", ["/scorecard?agent=A001", "/api/scorecard?agent=A001", "/scorecard.csv?agent=A001"]
)
def test_an_agent_asking_for_a_colleague_gets_403_naming_no_one(site: Any, path: str) -> None:
    answer = session_of(site, "noa").get(path)
    assert answer.status_code == 403
    for revealing in ("A001", "Rana Biton", "Rana Khoury"):
        assert revealing not in answer.text


@pytest.mark.parametrize("agent", ["A012", "A999"])
@pytest.mark.parametrize("path", ["/scorecard", "/api/scorecard", "/scorecard.xlsx"])
def test_a_manager_asking_for_another_team_gets_403(site: Any, path: str, agent: str) -> None:
    answer = session_of(site, "lee").get(f"{path}?agent={agent}")
    assert answer.status_code == 403
    assert agent not in answer.text and "Yael Haddad" not in answer.text


def test_an_agent_sees_only_their_own_card(site: Any) -> None:
    noa = session_of(site, "noa")
    page = noa.get("/scorecard")
    assert page.status_code == 200 and "Scorecard of Rana Khoury" in page.text
    assert "<select" not in page.text.split("<main>")[1]
    for colleague in ("Rana Biton", "Mira Avraham", "A001", "A003"):
        assert colleague not in page.text
    assert noa.get("/scorecard?agent=A002").status_code == 200
    assert session_of(site, "ada").get("/api/scorecard?agent=A999").status_code == 400


def test_the_downloads_show_the_numbers_of_the_api(site: Any) -> None:
    from openpyxl import load_workbook

    lee = session_of(site, "lee")
    body = _api(lee, "?agent=A003")
    lines = {line["metric"]: line for line in body["lines"]}
    table = list(csv.reader(io.StringIO(lee.get("/scorecard.csv?agent=A003").text.lstrip("\ufeff"))))
    assert table[0][:4] == ["Metric", "Value", "Sample size (n)", "Team billing"]
    assert len(table) == 1 + len(lines)
    by_name = {row[0]: row for row in table[1:]}
    solved, frt = by_name["Tickets solved"], by_name["First reply time"]
    assert solved[1] == format_value(lines["solved"]["value"], "tickets", "en")
    assert solved[3] == format_value(lines["solved"]["team_value"], "tickets", "en")
    assert frt[1] == format_value(lines["first_reply_time"]["value"], "seconds", "en")
    sheet = load_workbook(io.BytesIO(lee.get("/scorecard.xlsx?agent=A003&lang=he").content)).active
    assert sheet.sheet_view.rightToLeft
    assert sheet.max_row == 1 + len(lines)
    assert sheet.cell(row=3, column=2).value == format_value(lines["solved"]["value"], "tickets", "he")


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_scorecard_reads_in_each_language(served: str, browser: Any, lang: str, tmp_path: Path) -> None:
    page = _signed_in_page(browser, served, "lee", lang, {"width": 1280, "height": 900})
    page.goto(f"{served}/scorecard?agent=A003&lang={lang}")
    page.wait_for_selector("table.scorecard")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    assert len(page.query_selector_all("table.scorecard tbody tr")) == 13
    assert_reads_well(
        page.inner_text("main"),
        lang,
        (
            "Scorecard",
            "Metric",
            "Change",
            "not significant",
            "Not shown",
            "The agent's targets",
            "Sample size",
            "Agent",
        ),
    )
    page.screenshot(path=str(tmp_path / f"scorecard-{lang}.png"), full_page=True)
    page.close()


def _signed_in_page(browser: Any, base: str, name: str, lang: str, viewport: dict[str, int]) -> Any:
    """A browser page logged in as `name` through the log-in form, without waiting for the overview it
    lands on (its first computation can be slow on a busy machine)."""
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(120_000)
    browser_log_in(page, base, name, lang, overview=False)
    return page
