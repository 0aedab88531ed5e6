"""What every benchmark does with its results: keep the JSON and rewrite its own section of
docs/performance.md, leaving the rest of that file as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


def save_results(name: str, summary: dict[str, Any]) -> Path:
    """bench/results/NAME.json (the folder is not committed)."""
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}.json"
    path.write_text(json.dumps(summary, indent=2))
    return path


def replace_section(section: str, start: str, end: str, doc: Path = DOC) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the old one, or append it."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")
