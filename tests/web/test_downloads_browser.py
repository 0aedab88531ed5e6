"""Downloads as a user gets them: Chromium clicks the CSV and XLSX links of a manager's breakdown in Hebrew,
and each file holds the API's numbers for the same query, formatted as the page shows them. (Every other
table's downloads are checked against its API through the test client, in each page's tests.)"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from web_fixture import browser_log_in

from kpidesk.i18n import format_number, format_value

_MARKS = re.compile("[\u2066-\u2069\u200e\u200f]")


def _download(page: Any, selector: str, folder: Path) -> Path:
    with page.expect_download() as caught:
        page.click(selector)
    target = folder / caught.value.suggested_filename
    caught.value.save_as(target)
    return target


def _rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet is not None and sheet.sheet_view.rightToLeft  # a Hebrew sheet reads right to left
    return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_breakdown_downloads_hold_the_apis_numbers(
    served: str, browser: Any, kind: str, tmp_path: Path
) -> None:
    query = "metric=first_reply_time&by=agent&from=2026-05-01&to=2026-06-30&lang=he"
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    browser_log_in(page, served, "lee", "he")
    page.goto(f"{served}/breakdown?{query}")
    table = _rows(_download(page, f"p.downloads a[href^='/breakdown.{kind}']", tmp_path))
    api = page.request.get(f"{served}/api/breakdown?{query}").json()
    assert len(api["rows"]) >= 3 and len(table) == len(api["rows"]) + 1
    by_name = {_MARKS.sub("", row[0]): row for row in table[1:]}
    for row in api["rows"]:
        shown = by_name[row["name"]]
        assert shown[1] == format_value(row["value"], api["unit"], "he")
        assert shown[2] == format_number(row["n"], "he", digits=0)
        assert int(_MARKS.sub("", shown[2]).replace(",", "")) == row["n"]
    context.close()
