"""docs/targets.md's guardrails table, generated from the guardrail catalogue (`make docs`); a test
checks that the file is current."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kpidesk.targets._guardrails import guardrails_markdown

__all__ = ["with_guardrails_table"]

_START = "<!-- guardrails: generated from kpidesk/targets/_guardrails.py by `make docs` -->"
_END = "<!-- end of guardrails -->"


def with_guardrails_table(text: str) -> str:
    """`text` (docs/targets.md) with its generated guardrails table brought up to date."""
    section = f"{_START}\n{guardrails_markdown()}{_END}"
    pattern = re.escape(_START) + ".*?" + re.escape(_END)
    replaced, count = re.subn(pattern, lambda _: section, text, flags=re.S)
    if count != 1:
        raise ValueError(f"expected one guardrails section between {_START} and {_END}")
    return replaced


if __name__ == "__main__":
    doc = Path(sys.argv[1])
    doc.write_text(with_guardrails_table(doc.read_text(encoding="utf-8")), encoding="utf-8")
