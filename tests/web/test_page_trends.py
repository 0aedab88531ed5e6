"""The trends page, its downloads and `/api/trends` over HTTP on the shared demo site: the API's numbers are
`kpidesk.kpis`'s for the same query, the downloads' are the API's as the page writes them, and every role
rule is tried as an attacker would (another team, the organisation, colleagues' ids and names)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from web_fixture import assert_reads_well, session_of

import kpidesk
from kpidesk.i18n import MISSING, format_number, format_value
from kpidesk.metrics import number_or_none
from kpidesk.web import MIN_PEERS


@pytest.fixture(scope="module")
def admin(site: Any) -> Any:
    return session_of(site, "ada")


@pytest.fixture(scope="module")
def manager(site: Any) -> Any:
    return session_of(site, "lee")


@pytest.fixture(scope="module")
def agent(site: Any) -> Any:
    return session_of(site, "noa")


def _kpis(ws: Any, answer: dict[str, Any], by: list[str], **scope: str) -> dict[tuple[Any, ...], Any]:
    frame = kpidesk.kpis(
        ws,
        by=by,
        period=answer["period"],
        metrics=[answer["metric"]],
        start=date.fromisoformat(answer["start"]),
        end=date.fromisoformat(answer["end"]),
        business_hours=answer["business_hours"],
    )
    for column, value in scope.items():
        frame = frame[frame[column] == value]
    return {
        (row.get("sla_metric") if isinstance(row.get("sla_metric"), str) else None, row["period_start"]): row
        for row in frame.to_dict(orient="records")
    }


def _assert_same_numbers(answer: dict[str, Any], expected: dict[tuple[Any, ...], Any]) -> None:
    with_value = 0
    for row in answer["rows"]:
        found = expected.get((row["series"], date.fromisoformat(row["period_start"])))
        if found is None or not found["available"] or number_or_none(found["value"]) is None:
            assert row["value"] is None and row["reason"], row
            continue
        with_value += 1
        assert row["value"] == pytest.approx(found["value"], rel=1e-12)
        assert row["n"] == found["n"]
        for bound in ("ci_low", "ci_high"):
            expected_bound = number_or_none(found[bound])
            if expected_bound is None:
                assert row[bound] is None
            else:
                assert row[bound] == pytest.approx(expected_bound, rel=1e-12)
        assert row["partial"] or not found["partial"]
    assert with_value >= 3


@pytest.mark.parametrize(
    ("query", "team"),
    [
        ("metric=first_reply_time&period=week", None),
        ("metric=csat&period=month&team=billing", "billing"),
        ("metric=volume&period=day&from=2026-03-10&to=2026-04-20&business_hours=true", None),
        ("metric=sla_attainment&period=month&team=technical", "technical"),
        ("metric=aht&period=week&business_hours=true", None),
    ],
)
def test_the_api_answers_the_numbers_of_kpis(site: Any, admin: Any, query: str, team: str | None) -> None:
    answer = admin.get(f"/api/trends?{query}").json()
    expected = _kpis(site[0], answer, ["team"] if team else [], **({"team": team} if team else {}))
    _assert_same_numbers(answer, expected)
    starts = [r["period_start"] for r in answer["rows"]]
    assert starts == sorted(starts) or answer["metric"] == "sla_attainment"


def test_the_default_week_trend_ends_on_the_data_and_starts_on_the_week_start(site: Any, admin: Any) -> None:
    answer = admin.get("/api/trends").json()
    last = answer["rows"][-1]
    # The demo's data end on Sunday 5 July 2026, the first day of a week of the Israeli calendar.
    assert answer["end"] == "2026-07-05" and last["period_start"] == "2026-07-05" and last["partial"]
    assert {date.fromisoformat(r["period_start"]).weekday() for r in answer["rows"]} == {6}
    assert len(answer["rows"]) == 26
    whole = [r for r in answer["rows"] if not r["partial"]]
    assert len(whole) == 25


def test_the_target_line_is_the_target_in_force_for_that_scope(admin: Any) -> None:
    business = admin.get("/api/trends?metric=first_reply_time&business_hours=true").json()
    assert business["target"] == {"target_id": "org-first-reply", "value": 2700.0, "direction": "lower"}
    calendar = admin.get("/api/trends?metric=first_reply_time").json()
    assert calendar["target"] is None and calendar["target_elsewhere"]
    # billing-first-reply: 5400, changed to 3600 from 1 March 2026.
    billing = admin.get("/api/trends?metric=first_reply_time&team=billing&business_hours=1").json()
    assert billing["target"]["value"] == 3600.0
    early = admin.get(
        "/api/trends?metric=first_reply_time&team=billing&business_hours=1&from=2026-01-04&to=2026-02-14"
    ).json()
    assert early["target"]["value"] == 5400.0
    page = admin.get("/trends?metric=first_reply_time&business_hours=1").text
    assert "Target: 45.0 min" in page


@pytest.mark.parametrize("lang", ["en", "he"])
def test_the_csv_and_xlsx_are_the_api_as_the_page_writes_it(admin: Any, lang: str) -> None:
    query = f"metric=first_reply_time&period=week&team=billing&lang={lang}"
    answer = admin.get(f"/api/trends?{query}").json()
    download = admin.get(f"/trends.csv?{query}")
    assert download.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == len(answer["rows"]) and len(header) == 4
    for row, api in zip(rows, answer["rows"], strict=True):
        if api["value"] is None:
            assert row[1].startswith("not available" if lang == "en" else "לא זמין") and row[2] == MISSING
            continue
        assert row[1] == format_value(api["value"], answer["unit"], lang)
        assert row[2] == format_number(api["n"], lang, digits=0)
        if api["ci_low"] is not None:
            low, high = (format_value(api[b], answer["unit"], lang) for b in ("ci_low", "ci_high"))
            assert row[3] == f"{low} – {high}"
    book = load_workbook(io.BytesIO(admin.get(f"/trends.xlsx?{query}").content))
    sheet = book.active
    assert sheet is not None and sheet.sheet_view.rightToLeft == (lang == "he")
    assert [[c.value or "" for c in r] for r in sheet.iter_rows()] == [header, *rows]


def test_a_gap_reads_not_available_with_its_reason(site: Any, admin: Any) -> None:
    # The demo's last week holds one day without any first reply yet.
    answer = admin.get("/api/trends?metric=first_reply_time").json()
    assert answer["rows"][-1]["value"] is None
    page = admin.get("/trends?metric=first_reply_time&lang=en").text
    assert "not available" in page and "No data in this period." in page


def test_a_manager_asking_for_another_team_gets_403_and_no_figures(manager: Any) -> None:
    for url in (
        "/api/trends?team=sales",
        "/api/trends?team=sales&metric=volume&period=month",
        "/trends?team=sales",
        "/trends.csv?team=sales",
        "/trends.xlsx?team=sales",
    ):
        answer = manager.get(url)
        assert answer.status_code == 403, url
        assert "sales" not in answer.text and not re.search(r"\d+\.\d", answer.text), url
    # No team asked: their own team, never the organisation.
    assert manager.get("/api/trends").json()["team"] == "billing"
    assert manager.get("/api/trends?team=billing").status_code == 200


def test_an_agent_never_sees_a_colleague(site: Any, agent: Any) -> None:
    ws = site[0]
    agents = kpidesk.list_values("agents", workspace=ws)
    others = [
        (str(a), str(n))
        for a, n in zip(agents["agent"], agents["name"], strict=True)
        if a is not None and a != "A002"
    ]
    answers = [
        agent.get("/api/trends?metric=first_reply_time").text,
        agent.get("/api/trends?metric=volume&period=month").text,
        agent.get("/trends?metric=csat&period=month").text,
        agent.get("/trends.csv?metric=aht").content.decode("utf-8-sig"),
        agent.get("/trends?team=sales").text,
        agent.get("/api/trends?team=technical").text,
    ]
    for text in answers:
        for agent_id, name in others:
            assert not re.search(rf"\b{agent_id}\b", text), agent_id
            assert name not in text, name
    assert agent.get("/api/trends?team=sales").status_code == 403
    mine = agent.get("/api/trends?team=billing").json()
    assert mine["agent"] == "A002" and mine["team"] == "billing"


def test_an_agents_team_line_needs_three_agents(site: Any, agent: Any) -> None:
    answer = agent.get("/api/trends?metric=csat&period=week").json()
    frame = kpidesk.kpis(
        site[0],
        by=["team", "agent"],
        period="week",
        metrics=["csat"],
        start=date.fromisoformat(answer["start"]),
        end=date.fromisoformat(answer["end"]),
    )
    frame = frame[(frame["team"] == "billing") & frame["agent"].notna() & (frame["n"] > 0)]
    peers = frame.groupby("period_start")["agent"].nunique().to_dict()
    team = _kpis(site[0], answer, ["team"], team="billing")
    shown = hidden = 0
    for row in answer["rows"]:
        start = date.fromisoformat(row["period_start"])
        if row["team_value"] is not None:
            shown += 1
            assert peers.get(start, 0) >= MIN_PEERS
            assert row["team_value"] == pytest.approx(team[(None, start)]["value"])
        elif row["team_hidden"]:
            hidden += 1
            assert peers.get(start, 0) < MIN_PEERS
    # The demo has both kinds of week for billing's CSAT: the rule is exercised, not assumed.
    assert shown and hidden


def test_an_agents_own_line_is_kpis_by_agent(site: Any, agent: Any) -> None:
    answer = agent.get("/api/trends?metric=first_reply_time&period=month").json()
    _assert_same_numbers(answer, _kpis(site[0], answer, ["agent"], agent="A002"))


def test_htmx_swaps_the_result_and_a_plain_get_gives_the_page(admin: Any) -> None:
    page = admin.get("/trends?metric=csat&period=month&lang=ar")
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in page.text
    assert 'hx-get="/trends"' in page.text and 'hx-target="#result"' in page.text
    assert 'hx-push-url="true"' in page.text
    fragment = admin.get(
        "/trends?metric=csat&period=month&lang=ar", headers={"HX-Request": "true", "HX-Target": "result"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'class="trend-chart"' in fragment.text and "<table" in fragment.text
    assert "/trends.csv?metric=csat&amp;period=month&amp;lang=ar" in fragment.text


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_page_reads_well(admin: Any, lang: str) -> None:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.words: list[str] = []

        def handle_data(self, data: str) -> None:
            self.words.append(data)

    for query in ("metric=first_reply_time", "metric=sla_attainment&period=month", "metric=nps&period=day"):
        page = admin.get(f"/trends?{query}&lang={lang}")
        assert page.status_code == 200
        reader = Text()
        reader.feed(re.sub(r"<script.*?</script>", "", page.text, flags=re.S))
        assert_reads_well(
            " ".join(reader.words), lang, ("Trends", "Period", "Value", "not available", "partial", "Target")
        )
        assert "nan" not in page.text.split() and "None" not in page.text


@pytest.mark.parametrize(
    "query",
    ["period=year", "from=2026-13-01", "metric=nothing", "from=2026-06-01&to=2026-05-01"],
)
def test_bad_input_gets_a_message_not_a_traceback(admin: Any, query: str) -> None:
    answer = admin.get(f"/api/trends?{query}")
    assert answer.status_code == 400 and answer.json()["error"]
    page = admin.get(f"/trends?{query}")
    assert page.status_code == 400 and "Traceback" not in page.text
