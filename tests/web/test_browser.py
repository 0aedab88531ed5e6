"""The web app in a real browser: Debian's Chromium driven by Playwright against the app served by uvicorn on
loopback, logged in as each role, in English, Hebrew and Arabic. Screenshots go to the test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixture import browser_log_in


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_overview_reads_in_each_language(served: str, browser: Any, lang: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    browser_log_in(page, served, "ada", lang)
    page.wait_for_selector(".spark svg", timeout=10_000)
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    assert page.get_attribute("html", "lang") == lang
    text = page.inner_text("body")
    for word in ("nan", "None", "NaN", "undefined"):
        assert word not in text.split(), word
    if lang != "en":
        for english in (
            "Overview",
            "Log out",
            "Whole organisation",
            "Team average",
            "against the days before",
        ):
            assert english not in text, english
    page.screenshot(path=str(tmp_path / f"overview-{lang}.png"), full_page=True)
    page.close()


def test_an_agent_never_sees_a_colleague(served: str, browser: Any) -> None:
    page = browser.new_page()
    browser_log_in(page, served, "noa", "en")
    html = page.content()
    assert "A002" not in html or "noa" in html
    for colleague in ("A001", "A003", "A004"):
        assert colleague not in html
    page.goto(f"{served}/?team=sales")
    assert "sales" not in page.inner_text("section.cards")
    page.close()


def test_log_out_really_ends_the_session(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    browser_log_in(page, served, "lee", "en")
    cookies = context.cookies()
    page.click("form.logout button[type=submit]")
    page.wait_for_selector("form.login")
    replay = browser.new_context()
    replay.add_cookies(cookies)
    again = replay.new_page()
    again.goto(f"{served}/")
    assert again.url.startswith(f"{served}/login")
    context.close()
    replay.close()


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_targets_page_reads_in_each_language(
    served: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    browser_log_in(page, served, "ada", lang)
    page.goto(f"{served}/targets?lang={lang}")
    page.wait_for_selector("table.targets")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    text = page.inner_text("main")
    assert len(page.query_selector_all("table.targets tbody tr")) >= 6
    for word in ("nan", "None", "NaN", "undefined"):
        assert word not in text.split(), word
    if lang != "en":
        for english in ("Targets", "Projected", "Guardrails", "Whole organisation", "on track", "at risk"):
            assert english not in text, english
    page.screenshot(path=str(tmp_path / f"targets-{lang}.png"), full_page=True)
    page.close()
