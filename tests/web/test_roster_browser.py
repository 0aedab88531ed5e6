"""The roster as Chromium draws it, in English, Hebrew and Arabic: the week grid fits the page, the days run
from the right on right-to-left pages while every time still reads left to right, and nothing is left in
English or unreadable. A full-page screenshot of each language is kept in `build/screenshots/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, english_left, english_messages, session_of

QUERY = "queue=billing&team=billing&week=2026-07-12&level=80&seconds=20&shrinkage=0&minutes=30&model=erlang-c"


#: Each "HH:MM–HH:MM" of the page as drawn: the text, and whether its first time lies left of its second.
_TIME_ORDER = r"""
() => {
  const out = [], pattern = /(\d\d:\d\d)–(\d\d:\d\d)/g;
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const found of node.data.matchAll(pattern)) {
      const first = document.createRange(), second = document.createRange();
      first.setStart(node, found.index); first.setEnd(node, found.index + 5);
      second.setStart(node, found.index + 6); second.setEnd(node, found.index + 11);
      const a = first.getBoundingClientRect(), b = second.getBoundingClientRect();
      if (a.width) out.push([found[0], a.x < b.x]);
    }
  }
  return out;
}
"""


def _shots() -> Path:
    folder = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_roster_reads_in_each_language(site: Any, served: str, browser: Any, lang: str) -> None:
    # Logged in by a test client, as the staffing page's browser test is: the overview is not looked at.
    cookie = session_of(site, "lee").cookies.get("kpidesk_session")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "kpidesk_session", "value": cookie, "url": served}])
    page = context.new_page()
    page.set_default_timeout(180_000)
    answer = page.goto(f"{served}/staffing/roster?lang={lang}&{QUERY}")
    assert answer is not None and answer.status == 200
    page.wait_for_selector("table.roster tbody tr")
    rtl = lang != "en"
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    text = page.inner_text("main")
    assert_reads_well(text, lang)
    if rtl:
        assert not english_left(text, english_messages())
    # Every time reads left to right wherever it stands — a cell of the grid or a sentence of the rules:
    # the first time of each "07:30–15:30" is drawn to the left of the second.
    order = page.evaluate(_TIME_ORDER)
    assert len(order) > 50
    assert all(left for _, left in order), [text for text, left in order if not left][:5]
    # The week runs from the reader's start: Sunday on the left in English, on the right in Hebrew and Arabic.
    days = page.eval_on_selector_all(
        "table.roster thead th.day", "els => els.map(e => e.getBoundingClientRect().x)"
    )
    assert len(days) == 7
    assert (days[0] > days[-1]) is rtl
    # The grid fits the page: nothing scrolls sideways at a laptop's width.
    widths = page.evaluate(
        "() => { const box = document.querySelector('div.grid-box'), root = document.documentElement;"
        " return [box.scrollWidth, box.clientWidth, root.scrollWidth, root.clientWidth]; }"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
    page.screenshot(path=str(_shots() / f"roster-{lang}.png"), full_page=True)
    context.close()
