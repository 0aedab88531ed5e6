"""The guardrail catalogue (kpidesk/targets/_guardrails.py): every metric with a direction has its
counter-metrics with a reason, a target without guardrails is warned about, and docs/targets.md lists
them as generated."""

from __future__ import annotations

from pathlib import Path

from kpidesk.metrics import CATALOGUE
from kpidesk.targets import COUNTER_METRICS, counter_metrics, parse_targets, unguarded_warnings
from kpidesk.targets._docs import with_guardrails_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "targets.md"
_BY_ID = {m.id: m for m in CATALOGUE}


def test_every_metric_with_a_direction_has_an_entry_and_no_neutral_one_does() -> None:
    directed = {m.id for m in CATALOGUE if m.direction != "neutral"}
    assert set(COUNTER_METRICS) == directed


def test_counter_metrics_are_other_metrics_that_can_get_worse() -> None:
    for metric, counters in COUNTER_METRICS.items():
        names = [c.metric for c in counters]
        assert len(names) == len(set(names)), metric
        for counter in counters:
            assert counter.metric != metric
            assert _BY_ID[counter.metric].direction in ("higher", "lower"), (metric, counter.metric)
            assert counter.reason and counter.reason[0].islower() and not counter.reason.endswith(".")


def test_the_pairs_that_gaming_is_known_for() -> None:
    def names(metric: str) -> set[str]:
        return {c.metric for c in counter_metrics(metric)}

    for metric in ("solved", "resolution_rate"):
        assert {"reopen_rate", "fcr_rate", "csat"} <= names(metric)
    assert {"agent_replies", "csat"} <= names("first_reply_time")
    assert {"call_fcr_rate", "qa_score"} <= names("aht")
    assert names("volume") == set()


def test_a_target_without_guardrails_is_warned_about() -> None:
    targets = parse_targets(
        "targets:\n"
        "  - {id: bare, metric: first_reply_time, period: month, target: 3600}\n"
        "  - {id: guarded, metric: first_reply_time, period: month, target: 3600, guardrails: [csat]}\n"
        "  - {id: outcome, metric: churn_rate, period: quarter, target: 0.05}\n"
    )
    assert unguarded_warnings(targets) == [
        "target bare has no guardrails; gaming first_reply_time would worsen agent_replies, csat "
        "(add `guardrails: [{metric: agent_replies}, {metric: csat}]`)"
    ]


def test_the_doc_lists_the_catalogue_as_generated() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == with_guardrails_table(text), (
        "docs/targets.md is behind the guardrail catalogue; run `make docs`"
    )
    assert (
        "| `solved` | higher | `reopen_rate`: tickets closed before the problem is solved come back;" in text
    )
