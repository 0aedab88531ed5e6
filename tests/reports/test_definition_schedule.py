"""A report's `schedule` in reports.yaml is read as cron: a mistake names the line, the column and the
cron field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.reports import ReportsFileError, parse_reports

_YAML = """reports:
  - name: weekly-org
    audience: org
    period: last_week
    recipients: [leads@example.com]
    schedule: "{schedule}"
"""


def test_a_cron_schedule_with_names_and_steps_is_accepted() -> None:
    reports = parse_reports(_YAML.format(schedule="*/30 7-9 * * sun-thu"), Path("reports.yaml"))
    assert reports["weekly-org"].schedule == "*/30 7-9 * * sun-thu"


@pytest.mark.parametrize(
    "schedule,message",
    [
        ("0 7 * *", "has 4 fields; expected five"),
        ("0 7 * * 9", "the weekday field: 9 is out of range"),
        ("0 25 * * *", "the hour field: 25 is out of range; expected 0–23"),
    ],
)
def test_a_wrong_schedule_names_line_column_and_field(schedule: str, message: str) -> None:
    with pytest.raises(ReportsFileError) as caught:
        parse_reports(_YAML.format(schedule=schedule), Path("reports.yaml"))
    text = str(caught.value)
    assert text.startswith("reports.yaml, line 6, column 5: report 'weekly-org': `schedule`: cron schedule")
    assert message in text
