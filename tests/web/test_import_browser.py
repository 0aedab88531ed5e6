"""The Import page in a real browser, in English, Hebrew and Arabic: an administrator uploads a small file
with one bad row and sees what was imported and the rejected row. Screenshots go to the test's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixture import assert_reads_well, browser_log_in, demo_site, serve


@pytest.fixture(scope="module")
def importing_site(site_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo site of this module's own, served: these tests import into it."""
    ws, _store = demo_site(site_template, tmp_path_factory.mktemp("import-site"))
    yield from serve(ws)


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_an_upload_with_a_bad_row_in_each_language(
    importing_site: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    upload = tmp_path / f"tickets-{lang}.csv"
    upload.write_text(
        "ticket_id,created_at,channel\n"
        f"{lang}-1,2026-03-02T09:00:00Z,email\n"
        f"{lang}-2,2026-03-02 25:00,chat\n",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(300_000)  # the overview after log-in takes long on a busy machine
    browser_log_in(page, importing_site, "ada", lang)
    page.goto(f"{importing_site}/import?lang={lang}")
    page.set_input_files("input[name=files]", str(upload))
    page.select_option("select[name=what]", "tickets")
    page.click("form.import-form button[type=submit]")
    page.wait_for_selector("section.import-summary")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    summary = page.inner_text("section.import-summary tbody tr").split()
    assert f"tickets-{lang}.csv" in summary
    # read 2, new 1, updated 0, unchanged 0, rejected 1, repaired 0
    assert [w.strip("\u2066\u2067\u2068\u2069") for w in summary[-6:]] == ["2", "1", "0", "0", "1", "0"]
    rejected = page.inner_text("section.import-rejected tbody").split("\t")
    assert [cell.strip().strip("\u2066\u2067\u2068\u2069") for cell in rejected[2:6]] == [
        f"tickets-{lang}.csv",
        "3",
        "created_at",
        "2026-03-02 25:00",
    ]
    assert_reads_well(
        page.inner_text("body"),
        lang,
        (
            "Rejected rows",
            "What was imported",
            "Past imports",
            "Rows read",
            "Not imported",
            "Tickets",
            "Undo",
        ),
    )
    page.screenshot(path=str(tmp_path / f"import-{lang}.png"), full_page=True)
    page.close()
