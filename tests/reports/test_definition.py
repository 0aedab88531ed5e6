"""`reports.yaml`: what a report asks for, read and checked, and each mistake named by line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.demo import DEMO_REPORTS
from kpidesk.reports import (
    PERIOD_KINDS,
    REPORT_KEYS,
    ReportAudience,
    ReportsFileError,
    parse_reports,
)
from kpidesk.views import OVERVIEW_METRICS

DOCS = Path(__file__).parents[2] / "docs" / "reports.md"
FILE = Path("reports.yaml")
#: A valid report, to which a test adds one mistaken line.
X = "reports:\n  - name: x\n    audience: org\n    period: last_week\n"

TWO_REPORTS = """\
reports:
  - name: weekly-org
    audience: org
    metrics: [volume, first_reply_time]
    targets: [org-fcr]
    period: last_week
    business_hours: true
    language: he
    formats: [html, pdf, xlsx]
    recipients: [leads@example.com, ops@example.com]
    schedule: "0 7 * * 0"
  - name: my-week
    audience: {agents: billing}
    period: last_week
    recipients: {A001: dana@example.com}
alerts:
  - name: anything the alerts read
"""


def test_a_file_is_read_with_its_defaults() -> None:
    reports = parse_reports(TWO_REPORTS, FILE, default_language="ar")
    org, mine = reports["weekly-org"], reports["my-week"]
    assert org.audience == ReportAudience("org")
    assert org.metrics == ("volume", "first_reply_time") and org.targets == ("org-fcr",)
    assert org.business_hours and org.language == "he" and org.formats == ("html", "pdf", "xlsx")
    assert org.recipients == ("leads@example.com", "ops@example.com") and org.schedule == "0 7 * * 0"
    assert org.line == 2 and mine.line == 12
    assert mine.audience == ReportAudience("agents", "billing")
    assert mine.agent_recipients == {"A001": "dana@example.com"} and mine.recipients == ()
    # Unsaid: every overview metric, every target, the workspace's language, HTML and PDF, no schedule.
    assert mine.metrics == OVERVIEW_METRICS and mine.targets is None and mine.language == "ar"
    assert mine.formats == ("html", "pdf") and mine.schedule is None and not mine.business_hours


def test_an_empty_file_has_no_report() -> None:
    assert parse_reports("", FILE) == {}
    assert parse_reports("reports: []\n", FILE) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "reports:\n  - name: x\n    audience: org\n    period: last_wek\n",
            "line 4, column 5: report 'x': `period` is 'last_wek'; expected one of",
        ),
        (
            "reports:\n  - name: x\n    audiance: org\n    period: last_week\n",
            "line 3, column 5: report 'x': unknown key `audiance`",
        ),
        (
            "reports:\n  - name: x\n    audience: everyone\n    period: last_week\n",
            "line 3, column 5: report 'x': `audience` should be `org`",
        ),
        (
            X + "    metrics: [frt]\n",
            "line 5, column 5: report 'x': `metrics`: 'frt' is not one of",
        ),
        (
            X + "    formats: [docx]\n",
            "`formats`: 'docx' is not one of html, pdf, xlsx, csv",
        ),
        (
            X + "    recipients: [not-an-address]\n",
            "line 5, column 5: report 'x': `recipients`: 'not-an-address' is not an e-mail address",
        ),
        (
            X.replace("audience: org", "audience: {agents: billing}") + "    recipients: [a@example.com]\n",
            "should map agent ids to addresses",
        ),
        (
            X + "    language: fr\n",
            "`language` is 'fr'; expected one of",
        ),
        (
            X + "    business_hours: yes please\n",
            "`business_hours` should be true or false",
        ),
        (
            "reports:\n  - audience: org\n    period: last_week\n",
            "line 2, column 5: report: `name` is missing",
        ),
        (
            "reports:\n  - name: a b\n    audience: org\n    period: last_week\n",
            "`name` 'a b' should be letters",
        ),
        (
            X + "  - name: x\n    audience: org\n    period: last_day\n",
            "line 5: a second report is named 'x' (the first is on line 2)",
        ),
        ("report:\n  - name: x\n", "line 1, column 1: unknown key `report`; expected `reports` or `alerts`"),
        ("reports: [\n", "reports.yaml, line 2, column 1: not valid YAML"),
        ("reports: weekly\n", "`reports` should be a list of reports"),
    ],
)
def test_mistakes_are_named_with_their_place(text: str, message: str) -> None:
    with pytest.raises(ReportsFileError) as caught:
        parse_reports(text, FILE)
    assert str(caught.value).startswith("reports.yaml")
    assert message in str(caught.value)


def test_a_close_misspelling_is_suggested() -> None:
    with pytest.raises(ReportsFileError, match=r"did you mean 'last_week'\?"):
        parse_reports("reports:\n  - name: x\n    audience: org\n    period: last_wek\n", FILE)


def test_the_demo_file_is_valid() -> None:
    reports = parse_reports(DEMO_REPORTS.read_text(encoding="utf-8"), FILE)
    assert {r.audience.kind for r in reports.values()} == {"org", "team", "agents"}
    assert all(r.schedule for r in reports.values())


def test_the_docs_list_every_key_and_period() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for key in REPORT_KEYS:
        assert f"| `{key}` |" in docs, key
    for name, kind in PERIOD_KINDS.items():
        assert f"| `{name}` | {kind.description} |" in docs, name
