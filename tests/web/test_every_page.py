"""Every page of the navigation, as each role sees it, in Hebrew and Arabic: right to left, and no message
of the catalogues left in English — the test walks the links of the page header, so a new page is walked
as soon as it is linked. A full-page screenshot of each is written to the test's folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, browser_log_in


def _english_messages() -> list[str]:
    """The catalogues' English texts that a page could show: whole messages with a word of three letters
    or more (placeholders cut out, so each fixed part is looked for on its own). A word inside an id such as
    `org-first-reply` or a file name such as `tickets.csv` is data a user named, not a message."""
    from kpidesk.i18n import all_messages

    parts: set[str] = set()
    for message in all_messages():
        for text in (message.id, message.plural):
            for part in re.split(r"\{[^}]*\}|%\([^)]*\)s|`[^`]*`", text or ""):
                part = part.strip(" .,:;()–—-")
                if re.search(r"[A-Za-z]{3,}", part) and len(part) >= 4:
                    parts.add(part)
    return sorted(parts, key=len, reverse=True)


@pytest.mark.parametrize("who", ["ada", "lee", "noa"])
@pytest.mark.parametrize("lang", ["he", "ar"])
def test_every_page_is_right_to_left_and_translated(
    served: str, browser: Any, who: str, lang: str, tmp_path: Path
) -> None:
    english = _english_messages()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    browser_log_in(page, served, who, lang)
    links = page.eval_on_selector_all("nav.pages a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 4
    for link in links:
        name = link.split("?")[0].strip("/") or "overview"
        answer = page.goto(f"{served}{link}")
        assert answer is not None and answer.status == 200, link
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "dir") == "rtl", link
        assert page.get_attribute("html", "lang") == lang, link
        text = page.inner_text("body")
        assert_reads_well(text, lang)
        left = [words for words in english if re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-]|\.\w)", text)]
        assert not left, f"{link}: English on a {lang} page: {left[:5]}"
        page.screenshot(path=str(tmp_path / f"{name}-{who}-{lang}.png"), full_page=True)
    page.close()
