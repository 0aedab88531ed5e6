"""The project's docs stand alone and show the Python API as it is."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import kpidesk

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_send_nobody_outside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for outside in ("DESIGN.md", "../shared", "shared/datasets"):
        assert outside not in text, f"{doc.name} mentions {outside}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_links_to_docs_exist(doc: Path) -> None:
    for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text(encoding="utf-8")):
        assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


def _python_calls(doc: Path) -> list[tuple[str, ast.Call]]:
    """Each `kpidesk.NAME(...)` call in the doc's ```python blocks and inline code."""
    text = doc.read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", text, re.S)
    snippets += [s.replace("…", "...") for s in re.findall(r"`(kpidesk\.\w+\([^`]*\))`", text)]
    calls = []
    for snippet in snippets:
        for node in ast.walk(ast.parse(snippet)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "kpidesk"
            ):
                calls.append((node.func.attr, node))
    return calls


@pytest.mark.parametrize(
    "doc", [ROOT / "README.md", ROOT / "docs" / "importing.md", ROOT / "docs" / "reconcile.md"], ids=str
)
def test_python_examples_call_the_public_api_as_it_is(doc: Path) -> None:
    calls = _python_calls(doc)
    assert calls, f"{doc.name} shows no kpidesk.… call"
    for name, call in calls:
        assert name in kpidesk.__all__, f"{doc.name}: kpidesk.{name} is not public"
        signature = inspect.signature(getattr(kpidesk, name))
        keywords = {k.arg: ... for k in call.keywords if k.arg is not None}
        # A bare `…` among the arguments stands for the others, not for one more.
        shown = [a for a in call.args if not (isinstance(a, ast.Constant) and a.value is Ellipsis)]
        positional = [...] * len(shown)
        signature.bind(*positional, **keywords)  # raises TypeError on an argument the function lacks
