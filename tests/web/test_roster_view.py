"""The roster's words: every reason `kpidesk.staffing` gives for a roster the rules do not allow is said
again in Hebrew and Arabic (a reason whose words the page does not know stays in English, marked so), and a
roster without the load says why its service level is not available — never 0 or blank."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from web_fixture import english_left, english_messages

from kpidesk import InvalidRequest
from kpidesk.staffing import (
    OptimisationStopped,
    RosterAgent,
    RosterInfeasible,
    build_roster,
    read_needs,
    shift_rules,
)
from kpidesk.web._roster import RosterQuery
from kpidesk.web._roster_view import present_problem, present_roster, roster_table
from kpidesk.web._staffing import StaffingQuery

ZONE = ZoneInfo("Asia/Jerusalem")
#: A Sunday: the requirements' week, Sunday to Saturday.
SUNDAY = date(2026, 7, 12)


def _needs(tmp_path: Path, hours: dict[int, tuple[int, int]]) -> Any:
    """One agent required from the first to the last hour given for each day (0 = Sunday) of the week."""
    lines = ["interval_start,required"]
    for offset in range(7):
        day = SUNDAY + timedelta(days=offset)
        first, last = hours.get(offset, (0, 0))
        for half in range(48):
            moment = datetime(day.year, day.month, day.day) + timedelta(minutes=30 * half)
            lines.append(f"{moment:%Y-%m-%dT%H:%M},{int(first <= moment.hour < last)}")
    path = tmp_path / "requirements.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_needs(path, ZONE)


def _rules(**values: Any) -> Any:
    base = {"shifts": "8h", "starts": "09:00", "break": "30m", "days_off": 2, "min_rest": "11h"}
    return shift_rules({**base, **values}, {}, week_start=6, use_calendar=False)


_AGENTS = [RosterAgent("A1", "Dana Levi", "billing"), RosterAgent("A2", "Samir Haddad", "billing")]


def _infeasible(needs: Any, rules: Any) -> RosterInfeasible:
    with pytest.raises(RosterInfeasible) as raised:
        build_roster(needs, rules, agents=_AGENTS, time_limit=10)
    return raised.value


@pytest.fixture(scope="module")
def reasons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RosterInfeasible]:
    """Both kinds of reason kpidesk.staffing gives: a weekly minimum no week of shifts can reach, and a
    minimum the cover leaves short."""
    tmp = tmp_path_factory.mktemp("needs")
    needs = _needs(tmp, {0: (9, 17), 1: (9, 17)})
    return {
        "contract": _infeasible(needs, _rules(min_weekly_hours=40)),
        "shortfall": _infeasible(needs, _rules(min_weekly_hours=20)),
    }


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_each_reason_for_no_roster_is_said_in_the_readers_language(reasons: Any, lang: str) -> None:
    english = english_messages()
    for kind, problem in reasons.items():
        said = present_problem(problem, lang)
        assert len(said["reasons"]) == len(problem.reasons) == 2, kind
        assert not any(r["english"] for r in said["reasons"]), kind
        for reason, agent in zip(said["reasons"], ("Dana Levi (A1)", "Samir Haddad (A2)"), strict=True):
            # The agent named, whole and isolated where the page runs right to left.
            assert (f"\u2068{agent}\u2069" if lang != "en" else agent) in reason["text"]
            if lang != "en":
                assert not english_left(reason["text"], english), reason["text"]
                assert re.search(r"[\u0590-\u05ff\u0600-\u06ff]", reason["text"])
    en = present_problem(reasons["contract"], "en")
    assert en["title"] == "The shift rules cannot all hold"
    assert en["reasons"][0]["text"] == (
        "Agent Dana Levi (A1) must work at least 40 paid hours a week, but with 2 days off a week and paid "
        "shifts of at most 7.5 hours no agent can work more than 37.5"
    )
    shortfall = present_problem(reasons["shortfall"], "en")["reasons"][0]["text"]
    assert shortfall.startswith("Agent Dana Levi (A1) cannot work the minimum of 20 paid hours in the week")
    assert shortfall.endswith(
        "given 2 days off a week, 11 h of rest between shifts, and only the shifts the cover needs"
    )


def test_no_answer_in_time_is_said_too(tmp_path: Path) -> None:
    needs = _needs(tmp_path, {day: (9, 17) for day in range(5)})
    with pytest.raises(OptimisationStopped) as raised:
        build_roster(needs, _rules(), agents=_AGENTS, time_limit=1e-6)
    for lang in ("en", "he", "ar"):
        said = present_problem(raised.value, lang)
        assert said["title"] != "The shift rules cannot all hold"
        assert [r["english"] for r in said["reasons"]] == [False]
        if lang == "en":
            assert said["reasons"][0]["text"].startswith("No roster was found within the time limit of")
        else:
            assert not english_left(said["reasons"][0]["text"], english_messages())


def test_a_reason_without_known_words_stays_in_english_marked_so() -> None:
    problem = InvalidRequest(
        "kpidesk.toml [roster] shifts: expected a length such as 8h, 7.5h or 30m, got 'x'"
    )
    for lang, english in (("en", False), ("he", True), ("ar", True)):
        said = present_problem(problem, lang)
        assert said["reasons"] == [{"text": str(problem), "english": english}]
        assert not english_left(said["title"] + said["advice"], english_messages()) or lang == "en"


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_a_roster_of_agents_only_says_why_its_service_level_is_not_known(tmp_path: Path, lang: str) -> None:
    needs = _needs(tmp_path, {day: (9, 17) for day in range(5)})
    roster = build_roster(needs, _rules(), agents=_AGENTS, time_limit=10)
    assert roster.service_level_note is not None
    query = RosterQuery(StaffingQuery(queue=None, week=SUNDAY), team="billing")
    context = present_roster(roster, query, "none", False, lang)
    words = {
        "en": "not available: the requirements give agents only, not calls and handle time",
        "he": "לא זמין: הדרישות נותנות רק מספר נציגים, בלי שיחות וזמן טיפול",
        "ar": "غير متاح: المتطلبات تحدد عدد الموظفين فقط، لا المكالمات ووقت المعالجة",
    }[lang]
    assert context["delivered"] == words
    assert {r["service_level"] for r in context["coverage"]} == {words}
    assert {d["service_level"] for d in context["days"]} == {words}
    assert context["rules"][-2:] == [
        {
            "en": "Shifts may lie at any hour (no calendar)",
            "he": "משמרות יכולות להיות בכל שעה (ללא לוח שנה)",
            "ar": "يمكن أن تقع المناوبات في أي ساعة (بلا تقويم)",
        }[lang],
        {
            "en": "The workspace sets no roster rules (kpidesk.toml [roster]), so these are the defaults",
            "he": "סביבת העבודה לא מגדירה כללי סידור עבודה (\u2068kpidesk.toml [roster]\u2069), "
            "ולכן אלה כללי ברירת המחדל",
            "ar": "لا تحدد مساحة العمل قواعد لجدول المناوبات (\u2068kpidesk.toml [roster]\u2069)، "
            "لذا هذه هي القواعد الافتراضية",
        }[lang],
    ]
    # Each agent's row, cell by cell, as the download writes it.
    header, rows = roster_table(context, "agents", lang)
    assert len(header) == 5 + 7 and len(rows) == 2
    for row, agent in zip(rows, roster.agent_rows(), strict=True):
        assert sum(1 for cell in row[5:] if cell) == agent["shifts"]
        for cell in filter(None, row[5:]):
            times = "09:00–17:00" if lang == "en" else "\u206609:00–17:00\u2069"
            assert cell.startswith(times)
