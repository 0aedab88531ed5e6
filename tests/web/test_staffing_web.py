"""The staffing page and `/api/staffing`: the plan's numbers are `kpidesk.staffing_plan`'s for the same
query, the downloads hold the page's numbers, only managers (their teams' queues) and admins may plan,
and the page reads well in English, Hebrew and Arabic."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, session_of

import kpidesk

#: The week after the demo's data (its last day is 2026-07-05), as the page plans it by default.
WEEK = date(2026, 7, 6)
QUERY = "queue=billing&week=2026-07-06&level=80&seconds=20&shrinkage=0&minutes=30&model=erlang-c"


@pytest.fixture(scope="module")
def plan(site: Any) -> Any:
    return kpidesk.staffing_plan(
        site[0], start=WEEK, end=date(2026, 7, 12), target="80/20", queue="billing", minutes=30
    )


def close(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def test_the_api_gives_the_plan_of_kpidesk_staffing_plan(site: Any, plan: Any) -> None:
    answer = session_of(site, "lee").get(f"/api/staffing?{QUERY}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["queue"], body["start"], body["end"]) == ("billing", "2026-07-06", "2026-07-12")
    assert body["assumptions"]["service_level"] == 0.8
    assert body["assumptions"]["service_level_seconds"] == 20
    assert body["assumptions"]["shrinkage"] == 0
    assert close(body["assumptions"]["aht_s"], plan.estimates.aht_s)
    expected = plan.intervals.to_dict(orient="records")
    assert len(body["intervals"]) == len(expected) == 7 * 48
    for got, want in zip(body["intervals"], expected, strict=True):
        assert got["interval_start"] == want["interval_start"].isoformat()
        for column in ("forecast_calls", "aht_s", "agents", "scheduled_agents", "service_level", "occupancy"):
            assert close(got[column], want[column]), (got["interval_start"], column)
    assert body["totals"]["peak_agents"] == plan.totals()["peak_agents"]
    assert close(body["totals"]["agent_hours"], plan.intervals.agents.sum() * 0.5)


def test_the_page_and_its_download_show_the_plans_numbers(site: Any, plan: Any) -> None:
    lee = session_of(site, "lee")
    page = lee.get("/staffing?lang=en")
    assert page.status_code == 200
    # The manager's own queue, the week after the data, by default; the assumptions stated.
    assert "Jul 6, 2026 to Jul 12, 2026" in page.text and "<bdi>billing</bdi>" in page.text
    assert "Target: 80% of calls answered within 20 s" in page.text
    assert "Shrinkage: 0% of paid time off the phones" in page.text
    rows = list(csv.reader(io.StringIO(lee.get(f"/staffing.csv?lang=en&{QUERY}").text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Day", "Starts"] and header[5] == "Agents needed"
    expected = plan.intervals.to_dict(orient="records")
    assert len(body) == len(expected)
    for row, want in zip(body, expected, strict=True):
        assert row[1] == want["interval_start"].strftime("%H:%M")
        assert int(row[5]) == want["agents"] and int(row[6]) == want["scheduled_agents"]
        assert row[2] == f"{want['forecast_calls']:.1f}"
    busy = [r for r in body if r[5] != "0"]
    assert busy and all(r[7].endswith("%") for r in busy)
    days = list(
        csv.reader(io.StringIO(lee.get(f"/staffing.csv?lang=en&table=days&{QUERY}").text.lstrip("\ufeff")))
    )
    assert days[0] == [
        "Day",
        "Forecast calls",
        "Most agents at once",
        "Agent-hours needed",
        "Agent-hours to schedule",
        "Service level",
    ]
    by_day = plan.intervals.groupby(plan.intervals.interval_start.map(lambda t: t.date()))
    assert len(days) == 1 + 7
    for row, (day, group) in zip(days[1:], by_day, strict=True):
        assert row[0] == f"{day:%b} {day.day}, {day.year}"
        assert int(row[2]) == group.agents.max()
        assert row[3] == f"{group.agents.sum() * 0.5:.1f}"
    assert lee.get(f"/staffing.csv?table=agents&{QUERY}").status_code == 400
    xlsx = lee.get(f"/staffing.xlsx?lang=he&{QUERY}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_heatmap_is_mirrored_on_right_to_left_pages(site: Any) -> None:
    lee = session_of(site, "lee")
    for lang, rtl in (("en", False), ("ar", True)):
        text = lee.get(f"/staffing?lang={lang}&{QUERY}").text
        found = re.search(r'class="heatmap" data-spec="([^"]+)"', text)
        assert found is not None
        spec = json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))
        assert spec["encoding"]["x"]["scale"]["reverse"] is rtl
        assert spec["encoding"]["y"]["axis"]["orient"] == ("right" if rtl else "left")
        assert len(spec["data"]["values"]) == 7 * 48


def test_only_managers_of_the_queue_and_admins_may_plan(site: Any) -> None:
    noa = session_of(site, "noa")
    for url in ("/staffing", f"/staffing?{QUERY}", f"/staffing.csv?{QUERY}", f"/api/staffing?{QUERY}"):
        assert noa.get(url).status_code == 403, url
    assert "Staffing" not in noa.get("/targets?lang=en").text.split("<main>")[0]
    lee = session_of(site, "lee")
    for url in (
        "/staffing?queue=sales",
        "/staffing.csv?queue=sales",
        "/api/staffing?queue=sales",
        "/api/staffing?queue=technical&week=2026-07-06",
    ):
        answer = lee.get(url)
        assert answer.status_code == 403, url
        assert "sales" not in answer.text and "technical" not in answer.text
    assert ">sales<" not in lee.get("/staffing?lang=en").text


def test_bad_input_is_a_clear_400(site: Any) -> None:
    ada = session_of(site, "ada")
    assert ada.get("/api/staffing?queue=billing&week=July").json() == {
        "error": "expected a date as YYYY-MM-DD, got 'July'"
    }
    assert ada.get("/api/staffing?queue=billing&level=100").status_code == 400
    assert ada.get("/api/staffing?queue=billing&shrinkage=100").status_code == 400
    assert ada.get("/api/staffing?queue=billing&minutes=20").status_code == 400
    assert "no call in queue" in ada.get("/api/staffing?queue=nowhere").json()["error"]
    assert ada.get("/staffing?queue=billing&week=July&lang=he").status_code == 400


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_staffing_page_reads_in_each_language(
    site: Any, served: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    # Logged in through the form by a test client: the browser's log-in lands on the overview, which is
    # slow to compute on a busy machine and is not what this test looks at.
    cookie = session_of(site, "lee").cookies.get("kpidesk_session")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "kpidesk_session", "value": cookie, "url": served}])
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{served}/staffing?lang={lang}&{QUERY}")
    page.wait_for_selector(".heatmap svg", timeout=30_000)
    assert page.get_attribute("html", "dir") == ("rtl" if lang != "en" else "ltr")
    assert_reads_well(
        page.inner_text("body"),
        lang,
        ("Staffing", "Assumptions", "Agents needed", "Forecast calls", "Occupancy", "Erlang C", "minutes"),
    )
    page.screenshot(path=str(tmp_path / f"staffing-{lang}.png"), full_page=True)
    context.close()
