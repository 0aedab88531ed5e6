"""The `alerts:` section of reports.yaml: read into rules, every mistake named by line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.alerts import TargetsRule, VolumeRule, Webhook, load_alert_rules, parse_alert_rules
from kpidesk.reports import ReportsFileError, parse_reports
from kpidesk.workspace import init_workspace

PATH = Path("reports.yaml")
EXAMPLE = """\
reports: []
alerts:
  - name: volume
    kind: volume
    of: tickets
    grain: [day, hour]
    raise: 4.5
    clear: 2
    history: 10
    min_history: {day: 8, hour: 6}
    floor: {day: 40, hour: 12}
    compare: {hour: day_type}
    email: [ops@example.com]
    webhook: {url: https://hooks.example.com/kpidesk, secret_env: KPIDESK_WEBHOOK_SECRET}
  - name: calls
    kind: volume
    of: calls
    grain: hour
  - name: targets
    kind: targets
    when: [off_track, guardrail_breach]
    targets: [org-fcr]
    email: leads@example.com
"""


def test_the_example_is_read() -> None:
    volume, calls, targets = parse_alert_rules(EXAMPLE, PATH)
    assert volume == VolumeRule(
        name="volume",
        email=("ops@example.com",),
        webhook=Webhook("https://hooks.example.com/kpidesk", "KPIDESK_WEBHOOK_SECRET"),
        line=3,
        of="tickets",
        grains=("day", "hour"),
        raise_z=4.5,
        clear_z=2.0,
        history=10,
        min_history={"day": 8, "hour": 6},
        floor={"day": 40.0, "hour": 12.0},
        compare={"day": "weekday", "hour": "day_type"},
        records=10,
    )
    assert calls.kind == "volume" and isinstance(calls, VolumeRule)
    assert calls.grains == ("hour",) and calls.of == "calls" and calls.webhook is None and calls.email == ()
    assert calls.floor == {"day": 20.0, "hour": 10.0} and calls.min_history == {"day": 8, "hour": 8}
    assert targets == TargetsRule(
        name="targets",
        email=("leads@example.com",),
        webhook=None,
        line=19,
        events=("off_track", "guardrail_breach"),
        targets=("org-fcr",),
    )
    # The reports' reader leaves the section to the alerts.
    assert parse_reports(EXAMPLE, PATH) == {}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "{name: v, kind: volum, of: tickets}",
            "line 3, column 15: alert 'v': `kind` is 'volum'; expected one of volume, targets "
            "(did you mean 'volume'?)",
        ),
        (
            "{name: v, kind: volume}",
            "line 3, column 5: alert 'v': `of` is None; expected one of tickets, calls",
        ),
        (
            "{name: v, kind: volume, of: tickets, grian: day}",
            "line 3, column 42: alert 'v': unknown key `grian`; a volume alert has",
        ),
        (
            "{name: v, kind: volume, of: tickets, grain: [week]}",
            "line 3, column 42: alert 'v': `grain`: 'week' is not one of day, hour",
        ),
        (
            "{name: v, kind: volume, of: tickets, raise: 2, clear: 3}",
            "line 3, column 52: alert 'v': `clear` (3) should be below `raise` (2)",
        ),
        ("{name: v, kind: volume, of: tickets, floor: -1}", "`floor` should be a number ≥ 0, not -1"),
        (
            "{name: v, kind: volume, of: tickets, min_history: {day: 40}}",
            "`min_history` for day is 40; expected 3 to `history` (12)",
        ),
        (
            "{name: v, kind: volume, of: tickets, min_history: {week: 4}}",
            "`min_history` is 'week'; expected one of day, hour",
        ),
        (
            "{name: v, kind: volume, of: tickets, email: [ops]}",
            "line 3, column 42: alert 'v': `email`: 'ops' is not an e-mail address",
        ),
        (
            "{name: v, kind: volume, of: tickets, webhook: https://x}",
            "`webhook` should be {url: https://…, secret_env:",
        ),
        (
            "{name: v, kind: volume, of: tickets, webhook: {url: ftp://x, secret_env: S}}",
            "`webhook` url 'ftp://x' should start with http:// or https://",
        ),
        (
            "{name: t, kind: targets, when: [at_risk, late]}",
            "line 3, column 30: alert 't': `when`: 'late' is not one of at_risk, off_track, guardrail_breach",
        ),
        ("{kind: targets}", "line 3, column 5: alert: `name` is missing"),
        ("just text", "each item of `alerts` should be a mapping with a `name`, not 'just text'"),
        (
            "{name: t, kind: targets, on: [at_risk]}",
            "line 3, column 5: alert 't': a key YAML reads as true or false (on, off, yes, no)",
        ),
    ],
)
def test_mistakes_are_named_by_line_and_column(item: str, message: str) -> None:
    with pytest.raises(ReportsFileError) as caught:
        parse_alert_rules(f"reports: []\nalerts:\n  - {item}\n", PATH)
    assert str(caught.value).startswith("reports.yaml") and message in str(caught.value)


def test_a_second_rule_of_the_same_name_is_refused() -> None:
    text = "alerts:\n  - {name: a, kind: targets}\n  - {name: a, kind: targets}\n"
    with pytest.raises(
        ReportsFileError, match=r"line 3: a second alert is named 'a' \(the first is on line 2\)"
    ):
        parse_alert_rules(text, PATH)


def test_a_workspace_without_reports_yaml_has_no_rules(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", country="IL")
    assert load_alert_rules(ws) == ()
    (ws.path / "reports.yaml").write_text("alerts:\n  - {name: t, kind: targets}\n", encoding="utf-8")
    assert [r.name for r in load_alert_rules(ws)] == ["t"]
    (ws.path / "reports.yaml").write_text("alerts: [\n", encoding="utf-8")
    with pytest.raises(ReportsFileError, match=r"reports.yaml, line 2, column 1: not valid YAML"):
        load_alert_rules(ws)
