"""docs/metrics.md is generated from the catalogue; these tests fail when it falls behind."""

from __future__ import annotations

from pathlib import Path

from kpidesk.metrics import CATALOGUE, METRIC_OPTIONS
from kpidesk.metrics._docs import catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_every_metric_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [m.id for m in CATALOGUE if f"## `{m.id}`" not in text]
    assert not missing, f"docs/metrics.md lacks {missing}; run `make docs`"
    assert all(f"`{option}`" in text for option in METRIC_OPTIONS)


def test_metrics_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/metrics.md is stale; run `make docs`"
    )
