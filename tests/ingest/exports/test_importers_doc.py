"""docs/importers.md is generated from the formats; this test fails when it falls behind."""

from __future__ import annotations

from pathlib import Path

from kpidesk.ingest.exports import EXPORT_FORMATS
from kpidesk.ingest.exports._docs import importers_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "importers.md"


def test_importers_doc_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in EXPORT_FORMATS:
        assert f"(`--format {name}`)" in text, f"docs/importers.md lacks {name}; run `make docs`"
    assert text == importers_markdown(), "docs/importers.md is stale; run `make docs`"
