"""The target file (kpidesk/targets/_file.py): the documented shape is accepted as written, and every
problem is refused naming the file, line, column, target and key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kpidesk.targets import Guardrail, Target, TargetError, parse_targets, read_targets, scope_warnings

#: The shape of the issue that asked for targets, comments included, accepted as written.
DOCUMENTED = (
    "targets:\n"
    "  - id: billing-frt\n"
    "    metric: first_reply_time        # any metric of the catalogue\n"
    "    stat: median                    # for durations; default: the metric's own\n"
    "    business_hours: true            # default false\n"
    "    scope: {team: billing}          # any `kpis --by` dimensions; absent or {} = the"
    " whole organisation\n"
    "    per: agent                      # optional: also one row per member of this"
    " dimension inside the scope\n"
    "    period: month                   # day, week, month, quarter or year of the"
    " default calendar; or from: / to: dates\n"
    "    target: 3600                    # in the metric's unit (seconds, a fraction for rates…)\n"
    "    stretch: 2700                   # optional\n"
    "    direction: lower                # optional; default the catalogue's (needed for"
    " `neutral` metrics)\n"
    "    min_n: 30                       # optional; default the small_sample option\n"
    "    guardrails: [{metric: reopen_rate}, {metric: csat}]\n"
    "    owner: dana\n"
    "    description: Answer billing customers within an hour of business time\n"
)


def test_the_documented_shape_is_accepted_as_written() -> None:
    (target,) = parse_targets(DOCUMENTED)
    assert (target.id, target.metric, target.stat, target.business_hours) == (
        "billing-frt",
        "first_reply_time",
        "median",
        True,
    )
    assert (target.scope, target.per, target.period) == ({"team": "billing"}, "agent", "month")
    assert (target.target, target.stretch, target.direction, target.min_n) == (3600.0, 2700.0, "lower", 30)
    assert target.guardrails == (Guardrail("reopen_rate"), Guardrail("csat"))
    assert (target.owner, target.description) == (
        "dana",
        "Answer billing customers within an hour of business time",
    )
    assert target.origin == "targets.yaml, line 2"
    assert target.better(3000, than=3600) and not target.better(4000, than=3600)


def test_defaults_fixed_dates_and_keys_of_later_versions() -> None:
    targets = parse_targets(
        """\
targets:
  - id: org-fcr
    metric: fcr_rate
    from: 2026-10-01
    to: 2026-12-31
    target: 0.7
    dashboard: {colour: green}
  - id: aht
    metric: aht
    period: week
    target: 300
"""
    )
    fcr, aht = targets
    # The catalogue's direction and statistic; the whole organisation; keys it does not know, kept.
    assert (fcr.direction, fcr.stat, fcr.scope, fcr.per, fcr.business_hours) == (
        "higher",
        None,
        {},
        None,
        False,
    )
    assert (fcr.period, fcr.start, fcr.end) == (None, date(2026, 10, 1), date(2026, 12, 31))
    assert fcr.extra == {"dashboard": {"colour": "green"}}
    assert (aht.direction, aht.stat) == ("lower", "mean")  # AHT is an average by name


def test_a_missing_or_empty_file_holds_no_targets(tmp_path: Path) -> None:
    assert read_targets(tmp_path / "targets.yaml") == []
    (tmp_path / "targets.yaml").write_text("", encoding="utf-8")
    assert read_targets(tmp_path / "targets.yaml") == []
    (tmp_path / "targets.yaml").write_text("targets:\n", encoding="utf-8")
    assert read_targets(tmp_path / "targets.yaml") == []


def _one(body: str) -> str:
    """The message refusing a file whose only target has these keys (after `- id: t1`)."""
    with pytest.raises(TargetError) as caught:
        parse_targets("targets:\n  - id: t1\n" + body)
    return str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "    metric: first_reply_tme\n    period: month\n    target: 60\n",
            "targets.yaml, line 3, column 5: target t1: metric: unknown metric first_reply_tme; "
            "did you mean first_reply_time?",
        ),
        (
            "    metric: volume\n    period: month\n    target: 100\n",
            "targets.yaml, line 2, column 1: target t1: needs `direction: higher` or `direction: lower`: "
            "volume is neutral in the catalogue (more is neither better nor worse), so the target must say "
            "which side is good",
        ),
        (
            "    metric: reopen_rate\n    direction: higher\n    period: month\n    target: 0.1\n",
            "targets.yaml, line 4, column 5: target t1: direction: higher contradicts the catalogue, where "
            "lower reopen_rate is better; leave `direction` out",
        ),
        (
            "    metric: fcr_rate\n    stat: median\n    period: month\n    target: 0.7\n",
            "targets.yaml, line 4, column 5: target t1: stat: fcr_rate is a proportion: only durations take "
            "a statistic (median, mean, p90…); leave `stat` out",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 1.2\n",
            "targets.yaml, line 5, column 5: target t1: target: 1.2 is impossible for fcr_rate, which lies "
            "between 0 and 1",
        ),
        (
            "    metric: first_reply_time\n    period: month\n    target: -60\n",
            "targets.yaml, line 5, column 5: target t1: target: -60 is impossible for first_reply_time, "
            "which lies at or above 0",
        ),
        (
            "    metric: first_reply_time\n    period: month\n    target: 3600\n    stretch: 4000\n",
            "targets.yaml, line 6, column 5: target t1: stretch: 4000 is less ambitious than the target "
            "3600; with direction lower the stretch is at most the target",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: high\n",
            "targets.yaml, line 5, column 5: target t1: target: expected a number in fcr_rate's unit "
            "(ratio), got 'high'",
        ),
        (
            "    metric: fcr_rate\n    period: monthly\n    target: 0.7\n",
            "targets.yaml, line 4, column 5: target t1: period: unknown period monthly; did you mean month?",
        ),
        (
            "    metric: fcr_rate\n    target: 0.7\n",
            "targets.yaml, line 2, column 1: target t1: needs `period:` (day, week, month, quarter, year) "
            "or `from:` and `to:` dates",
        ),
        (
            "    metric: fcr_rate\n    from: 2026-10-01\n    to: 2026-09-01\n    target: 0.7\n",
            "targets.yaml, line 5, column 5: target t1: to: 2026-09-01 is before `from` 2026-10-01",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    from: 2026-10-01\n    to: 2026-12-31\n"
            "    target: 0.7\n",
            "targets.yaml, line 4, column 5: target t1: period: give either `period:` or `from:` and `to:`, "
            "not both",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    scope: {tem: billing}\n",
            "targets.yaml, line 6, column 5: target t1: scope: unknown dimension tem; did you mean team?",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    scope: {team: billing}\n"
            "    per: team\n",
            "targets.yaml, line 7, column 5: target t1: per: the scope already fixes team to billing; one "
            "row each is one row",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n"
            "    guardrails: [{metric: fcr_rate}]\n",
            "targets.yaml, line 6, column 5: target t1: guardrails: fcr_rate is the target's own metric; a "
            "guardrail is another one",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    guardrails: [{metric: csta}]\n",
            "targets.yaml, line 6, column 5: target t1: guardrails: unknown metric csta; did you mean csat?",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    guardrails: [volume]\n",
            "targets.yaml, line 6, column 5: target t1: guardrails: volume is neutral in the catalogue, so "
            "it cannot get worse; choose another",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    min_n: 0\n",
            "targets.yaml, line 6, column 5: target t1: min_n: expected a whole number of at least 1, got 0",
        ),
        (
            "    metric: fcr_rate\n    period: month\n    target: 0.7\n    business_hours: sometimes\n",
            "targets.yaml, line 6, column 5: target t1: business_hours: expected true or false, got "
            "'sometimes'",
        ),
        (
            "    period: month\n    target: 0.7\n",
            "targets.yaml, line 2, column 1: target t1: has no `metric:`; `kpidesk metrics` lists the "
            "catalogue",
        ),
        (
            "    metric: fcr_rate\n    period: month\n",
            "targets.yaml, line 2, column 1: target t1: has no `target:`, the threshold in fcr_rate's unit "
            "(ratio)",
        ),
    ],
)
def test_each_problem_is_named_where_it_is(body: str, expected: str) -> None:
    assert _one(body) == expected


def test_ids_are_present_usable_and_unique() -> None:
    with pytest.raises(TargetError, match=r"^targets.yaml, line 2, column 1: target number 1: has no `id:`"):
        parse_targets("targets:\n  - metric: fcr_rate\n    period: month\n    target: 0.7\n")
    with pytest.raises(TargetError, match=r"^targets.yaml, line 2, column 5: target a b: id: 'a b' is not"):
        parse_targets("targets:\n  - id: a b\n    metric: fcr_rate\n    period: month\n    target: 0.7\n")
    twice = "  - id: same\n    metric: fcr_rate\n    period: month\n    target: 0.7\n"
    with pytest.raises(TargetError) as caught:
        parse_targets("targets:\n" + twice + twice)
    assert str(caught.value) == (
        "targets.yaml, line 6: target same: id: the id same is already used by the target at line 2; "
        "ids are unique"
    )


def test_a_file_that_is_not_a_target_list(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("targets:\n  - id: t1\n    metric: [fcr_rate\n", encoding="utf-8")
    with pytest.raises(TargetError, match=rf"^{path}, line 4, column 1: not valid YAML: "):
        read_targets(path)
    path.write_text("- id: t1\n", encoding="utf-8")
    with pytest.raises(TargetError, match=rf"^{path}, line 1: expected a mapping with a `targets:` list$"):
        read_targets(path)
    path.write_text("targets: fcr_rate\n", encoding="utf-8")
    with pytest.raises(TargetError, match=r"line 1: `targets` must be a list of targets"):
        read_targets(path)
    path.write_bytes(b"targets:\n  - id: caf\xe9\n")
    with pytest.raises(TargetError, match=r"not UTF-8 text \(byte 20\)"):
        read_targets(path)


def test_a_scope_the_data_does_not_hold_is_warned_about() -> None:
    targets = parse_targets(
        "targets:\n"
        "  - {id: billing, metric: fcr_rate, period: month, target: 0.7, scope: {team: billing}}\n"
        "  - {id: typo, metric: fcr_rate, period: month, target: 0.7,"
        " scope: {team: biling, channel: email}}\n"
        "  - {id: gone, metric: fcr_rate, period: month, target: 0.7, scope: {agent: a9}}\n"
    )
    in_data = {"team": ["billing", "tech"], "channel": ["email", "chat"], "agent": ["a1", "a2"]}
    asked: list[str] = []

    def values_of(dimension: str) -> list[str]:
        asked.append(dimension)
        return in_data[dimension]

    assert scope_warnings(targets, values_of) == [
        "targets.yaml, line 3: target typo: scope: no team biling in the data, so the target has nothing to "
        "measure yet; did you mean billing?",
        "targets.yaml, line 4: target gone: scope: no agent a9 in the data, so the target has nothing to "
        "measure yet",
    ]
    assert asked == ["team", "channel", "agent"]  # each dimension read once


#: A target with a stretch, changed twice, the changes written out of date order.
CHANGED = (
    "targets:\n"
    "  - id: org-fcr\n"
    "    metric: fcr_rate\n"
    "    period: month\n"
    "    target: 0.7\n"
    "    stretch: 0.8\n"
    "    guardrails: [csat]\n"
    "    changes:\n"
    "      - effective: 2026-10-01\n"
    "        by: dana\n"
    "        reason: new CRM\n"
    "        recorded: 2026-09-20T08:30:00Z\n"
    "        target: 0.75\n"
    "        scope: {team: billing}\n"
    "      - {effective: 2026-09-01, by: lee, reason: stretch first, stretch: 0.85, guardrails: []}\n"
)


def test_changes_are_read_in_the_order_they_apply() -> None:
    (target,) = parse_targets(CHANGED)
    # The top-level keys are the target as first set.
    assert (target.target, target.stretch, target.scope) == (0.7, 0.8, {})
    assert [(c.effective, c.by, c.reason) for c in target.changes] == [
        (date(2026, 9, 1), "lee", "stretch first"),
        (date(2026, 10, 1), "dana", "new CRM"),
    ]
    first, second = target.changes
    assert first.values == {"stretch": 0.85, "guardrails": ()}
    assert second.values == {"target": 0.75, "scope": {"team": "billing"}}
    assert (first.recorded, second.recorded) == (None, datetime(2026, 9, 20, 8, 30, tzinfo=UTC))
    assert (first.origin, second.origin) == ("targets.yaml, line 15", "targets.yaml, line 9")
    assert "changes" not in target.extra


def test_as_of_applies_the_changes_effective_by_that_day() -> None:
    (target,) = parse_targets(CHANGED)
    as_first_set = (0.7, 0.8, (Guardrail("csat"),), {})
    assert _in_force(target.as_of(date(2026, 8, 31))) == as_first_set
    assert _in_force(target.as_of(date(2026, 9, 1))) == (0.7, 0.85, (), {})
    assert _in_force(target.as_of(date(2026, 9, 30))) == (0.7, 0.85, (), {})
    assert _in_force(target.as_of(date(2026, 10, 1))) == (0.75, 0.85, (), {"team": "billing"})
    assert _in_force(target.as_of(date(2027, 1, 1))) == (0.75, 0.85, (), {"team": "billing"})
    # A version asked for its own past gives the past, not itself.
    assert _in_force(target.as_of(date(2026, 10, 1)).as_of(date(2026, 8, 1))) == as_first_set
    # The keys that make the target what it is never change.
    assert target.as_of(date(2027, 1, 1)).metric == "fcr_rate"


def test_changes_on_one_day_apply_in_file_order() -> None:
    (target,) = parse_targets(
        "targets:\n"
        "  - id: t1\n    metric: fcr_rate\n    period: month\n    target: 0.7\n"
        "    changes:\n"
        "      - {effective: 2026-10-01, by: a, reason: first, target: 0.72}\n"
        "      - {effective: 2026-10-01, by: b, reason: second, target: 0.74}\n"
    )
    assert target.as_of(date(2026, 10, 1)).target == 0.74
    assert [v.target for _, v in target.versions()] == [0.7, 0.72, 0.74]


def _in_force(target: Target) -> tuple[object, ...]:
    return (target.target, target.stretch, target.guardrails, target.scope)


def _changed(change: str, *, base: str = "    metric: fcr_rate\n    period: month\n    target: 0.7\n") -> str:
    """The message refusing target t1 (lines 2-5) with one change (from line 7, keys at column 9)."""
    with pytest.raises(TargetError) as caught:
        parse_targets("targets:\n  - id: t1\n" + base + "    changes:\n" + change)
    return str(caught.value)


_BY = "        by: dana\n        reason: new CRM\n"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "      - effective: 2026-10-01\n" + _BY + "        target: 1.5\n",
            "targets.yaml, line 10, column 9: target t1: target: 1.5 is impossible for fcr_rate, which lies "
            "between 0 and 1",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        target: high\n",
            "targets.yaml, line 10, column 9: target t1: target: expected a number in fcr_rate's unit "
            "(ratio), got 'high'",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        target: null\n",
            "targets.yaml, line 10, column 9: target t1: target: a change cannot remove the threshold; give "
            "the new one",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        stretch: 0.6\n",
            "targets.yaml, line 10, column 9: target t1: stretch: 0.6 is less ambitious than the target 0.7; "
            "with direction higher the stretch is at least the target",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        scope: {tem: billing}\n",
            "targets.yaml, line 10, column 9: target t1: scope: unknown dimension tem; did you mean team?",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        guardrails: [fcr_rate]\n",
            "targets.yaml, line 10, column 9: target t1: guardrails: fcr_rate is the target's own metric; a "
            "guardrail is another one",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        min_n: 0\n",
            "targets.yaml, line 10, column 9: target t1: min_n: expected a whole number of at least 1, got 0",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        per: agnt\n",
            "targets.yaml, line 10, column 9: target t1: per: unknown dimension agnt; did you mean agent?",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        metric: csat\n",
            "targets.yaml, line 10, column 9: target t1: metric: cannot be changed: another metric makes "
            "another target; add it with its own id",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        period: week\n",
            "targets.yaml, line 10, column 9: target t1: period: cannot be changed: another period makes "
            "another target; add it with its own id",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        target: 0.8\n        tagret: 0.8\n",
            "targets.yaml, line 11, column 9: target t1: tagret: unknown key in a change; did you mean "
            "target?",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY,
            "targets.yaml, line 7, column 9: target t1: changes: this change sets none of target, stretch, "
            "guardrails, scope, per, min_n, owner, description",
        ),
        (
            "      - " + _BY.strip() + "\n        target: 0.8\n",
            "targets.yaml, line 7, column 9: target t1: changes: the change has no `effective:`, the date it "
            "takes effect (YYYY-MM-DD)",
        ),
        (
            "      - effective: October\n" + _BY + "        target: 0.8\n",
            "targets.yaml, line 7, column 9: target t1: effective: expected a date written YYYY-MM-DD, got "
            "'October'",
        ),
        (
            "      - effective: 2026-10-01 09:00:00\n" + _BY + "        target: 0.8\n",
            "targets.yaml, line 7, column 9: target t1: effective: expected a date written YYYY-MM-DD, got "
            "datetime.datetime(2026, 10, 1, 9, 0)",
        ),
        (
            "      - effective: 2026-10-01\n        reason: new CRM\n        target: 0.8\n",
            "targets.yaml, line 7, column 9: target t1: changes: the change has no `by:`, who made the "
            "change",
        ),
        (
            "      - effective: 2026-10-01\n        by: dana\n        reason: ''\n        target: 0.8\n",
            "targets.yaml, line 9, column 9: target t1: reason: expected a text: why it was made, got ''",
        ),
        (
            "      - effective: 2026-10-01\n" + _BY + "        recorded: yesterday\n        target: 0.8\n",
            "targets.yaml, line 10, column 9: target t1: recorded: expected a date and time such as "
            "2026-10-01T09:30:00Z, got 'yesterday'",
        ),
        (
            "      - [2026-10-01, dana]\n",
            "targets.yaml, line 6, column 5: target t1: changes: each change is a mapping of effective, by, "
            "reason and what it sets, got [datetime.date(2026, 10, 1), 'dana']",
        ),
    ],
)
def test_each_problem_of_a_change_is_named_where_it_is(change: str, expected: str) -> None:
    assert _changed(change) == expected


def test_changes_must_be_a_list() -> None:
    with pytest.raises(TargetError) as caught:
        parse_targets("targets:\n  - {id: t1, metric: fcr_rate, period: month, target: 0.7, changes: 0.8}\n")
    assert str(caught.value) == (
        "targets.yaml, line 2, column 60: target t1: changes: expected a list of changes, each "
        "`- effective: YYYY-MM-DD` with by, reason"
    )


def test_every_version_is_checked_with_the_keys_in_force() -> None:
    # The first change raises the target above the stretch as first set: that version is refused, at the
    # change, saying which version (the stretch itself is written elsewhere).
    assert _changed(
        "      - effective: 2026-10-01\n" + _BY + "        target: 0.9\n",
        base="    metric: fcr_rate\n    period: month\n    target: 0.7\n    stretch: 0.8\n",
    ) == (
        "targets.yaml, line 8, column 9: target t1: stretch: 0.8 is less ambitious than the target 0.9; "
        "with direction higher the stretch is at least the target (in the version effective 2026-10-01)"
    )
    # The same target with the stretch raised in an earlier change is accepted; the order is by date.
    (target,) = parse_targets(
        "targets:\n  - id: t1\n    metric: fcr_rate\n    period: month\n    target: 0.7\n    stretch: 0.8\n"
        "    changes:\n"
        "      - {effective: 2026-10-01, by: dana, reason: up, target: 0.9}\n"
        "      - {effective: 2026-09-01, by: dana, reason: first the stretch, stretch: 0.95}\n"
    )
    assert (target.as_of(date(2026, 10, 1)).target, target.as_of(date(2026, 10, 1)).stretch) == (0.9, 0.95)
    # A scope fixing the dimension the target is given per is refused in the version that does it.
    assert _changed(
        "      - effective: 2026-10-01\n" + _BY + "        scope: {agent: a1}\n",
        base="    metric: fcr_rate\n    period: month\n    target: 0.7\n    per: agent\n",
    ) == (
        "targets.yaml, line 8, column 9: target t1: per: the scope already fixes agent to a1; one row each "
        "is one row (in the version effective 2026-10-01)"
    )


def test_the_documented_change_example_reads_as_the_page_says() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text(encoding="utf-8")
    section = page[page.index("## Changing a target") :]
    example = section[
        section.index("```yaml\n") + len("```yaml\n") : section.index("```\n", section.index("```yaml"))
    ]
    (target,) = parse_targets(example)
    # "a reply within 3600 s until 30 September, 3000 s from 1 October, and from 1 November also a
    # stretch and a second guardrail"
    assert _in_force(target.as_of(date(2026, 9, 30))) == (
        3600.0,
        None,
        (Guardrail("csat"),),
        {"team": "billing"},
    )
    assert _in_force(target.as_of(date(2026, 10, 1))) == (
        3000.0,
        None,
        (Guardrail("csat"),),
        {"team": "billing"},
    )
    assert _in_force(target.as_of(date(2026, 11, 1))) == (
        3000.0,
        2400.0,
        (Guardrail("csat"), Guardrail("agent_replies")),
        {"team": "billing"},
    )
    with pytest.raises(TargetError) as caught:
        parse_targets(example.replace("target: 3000", "target: -60"))
    quoted = section[section.index("targets.yaml, line") :].splitlines()[0]
    assert str(caught.value) == quoted
