"""Every page of the navigation, as each role sees it, in Hebrew and Arabic: right to left, and no message
of the catalogues left in English — the test walks the links of the page header, so a new page is walked
as soon as it is linked. A full-page screenshot of each, in each language and for each role, is kept in
`build/screenshots/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, browser_log_in, english_left, english_messages

#: Pages reached from another rather than from the header: (the page to look on, the link to follow, name).
_DRILLS = (
    ("/breakdown", "table a[href^='/records']", "records"),
    ("/records", "a[href^='/tickets/']", "ticket"),
    ("/targets", "table.targets a[href^='/targets/']", "target"),
    ("/targets", "a[href^='/targets/new']", "target-new"),
    ("/staffing", "nav.tabs a[href^='/staffing/roster']", "roster"),
)


def _shots() -> Path:
    """Where the screenshots are kept after the run: `build/screenshots/` of the repository."""
    folder = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("who", ["ada", "lee", "noa"])
@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_every_page_reads_in_each_language(served: str, browser: Any, who: str, lang: str) -> None:
    """Every page in the header, and the records, ticket, target and roster pages reached from them: the
    page's direction and language, nothing unreadable, and on a Hebrew or Arabic page no English message."""
    english = english_messages()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    browser_log_in(page, served, who, lang)
    links = page.eval_on_selector_all("nav.pages a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 4
    pages = [(link.split("?")[0].strip("/") or "overview", link) for link in links]
    seen: list[str] = []
    while pages:
        name, link = pages.pop(0)
        answer = page.goto(f"{served}{link}")
        assert answer is not None and answer.status == 200, link
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "dir") == ("ltr" if lang == "en" else "rtl"), link
        assert page.get_attribute("html", "lang") == lang, link
        text = page.inner_text("body")
        assert_reads_well(text, lang)
        for written in page.eval_on_selector_all(".user-text", "els => els.map(e => e.innerText)"):
            text = text.replace(written, " ")  # what users wrote (a target's reason) stays in their words
        if lang != "en":
            left = english_left(text, english)
            assert not left, f"{link}: English on a {lang} page: {left[:5]}"
        page.screenshot(path=str(_shots() / f"{name}-{who}-{lang}.png"), full_page=True)
        seen.append(name)
        for origin, selector, drill in _DRILLS:
            found = page.query_selector(selector) if link.split("?")[0] == origin else None
            if found is not None and drill not in seen and drill not in [n for n, _ in pages]:
                pages.append((drill, str(found.get_attribute("href"))))
    page.close()
    expected = {"records", "ticket"} | ({"target", "target-new", "roster"} if who != "noa" else set())
    assert expected <= set(seen), sorted(expected - set(seen))
