"""The staffing plan's HTML page: the chart's shapes, the tables, right-to-left for Hebrew and Arabic."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import kpidesk
from kpidesk.cli import main
from kpidesk.reports import render_staffing_html
from kpidesk.staffing import StaffingPlan
from kpidesk.workspace import Workspace


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def count(self, tag: str, css: str | None = None) -> int:
        return sum(1 for t, a in self.tags if t == tag and (css is None or a.get("class") == css))


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


@pytest.fixture(scope="module")
def plan(plan_workspace: Workspace) -> StaffingPlan:
    return kpidesk.staffing_plan(
        plan_workspace,
        queue="billing",
        start=date(2026, 3, 1),
        end=date(2026, 3, 7),
        model="erlang-a",
        shrinkage=0.3,
    )


def test_chart_and_tables(plan: StaffingPlan) -> None:
    page = render_staffing_html(plan, locale="en", workspace_name="acme", generated=date(2026, 3, 1))
    tags = _parse(page)
    assert ("html", {"lang": "en", "dir": "ltr"}) in tags.tags
    # One bar per interval, the two agent lines, one separator per day.
    assert tags.count("rect", "calls") == 7 * 48
    assert tags.count("polyline", "agents") == 1 and tags.count("polyline", "scheduled") == 1
    assert tags.count("line", "day") == 7
    busy = int((plan.intervals.forecast_calls > 0).sum())
    assert tags.count("tr") == (1 + 2) + (1 + busy)  # header and 2 methods; header and the busy rows
    assert "Staffing plan · billing" in page and "80% / 20 s" in page and "erlang-a" in page
    peak = plan.totals()["peak_agents"]
    assert f"peak {peak} agents" in page


def test_hebrew_page_is_right_to_left(plan: StaffingPlan) -> None:
    page = render_staffing_html(plan, locale="he", workspace_name="acme", generated=date(2026, 3, 1))
    tags = _parse(page)
    assert ("html", {"lang": "he", "dir": "rtl"}) in tags.tags
    assert "תוכנית איוש" in page
    # The chart keeps time running left to right.
    assert any(t == "svg" and a.get("direction") == "ltr" for t, a in tags.tags)
    arabic = render_staffing_html(plan, locale="ar", workspace_name="acme", generated=date(2026, 3, 1))
    assert 'dir="rtl"' in arabic and "خطة التوظيف" in arabic


def test_cli_writes_the_page(plan_workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "plan.html"
    result = CliRunner().invoke(
        main,
        [
            "staffing",
            "plan",
            "--queue",
            "billing",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-07",
            "--html",
            str(target),
            "--as",
            "csv",
            "-w",
            str(plan_workspace.path),
        ],
    )
    assert result.exit_code == 0, result.output
    # The workspace is Israeli, so the page is in Hebrew.
    assert 'lang="he" dir="rtl"' in target.read_text(encoding="utf-8")
