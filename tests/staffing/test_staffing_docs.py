"""docs/staffing.md stays true: every staffing command, plan column and figure is described there."""

from __future__ import annotations

from pathlib import Path

from kpidesk.cli._staffing import staffing
from kpidesk.staffing import PLAN_COLUMNS, evaluate_agents, required_agents

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "staffing.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    for name in staffing.commands:
        assert f"kpidesk staffing {name}" in DOC, name
    assert "docs/staffing.md" in README and "kpidesk staffing plan" in README


def test_every_plan_column_is_documented() -> None:
    for column in PLAN_COLUMNS:
        assert f"| `{column}` |" in DOC, column


def test_the_worked_example_in_the_doc_is_what_the_code_says() -> None:
    from kpidesk.staffing import StaffingTarget

    target = StaffingTarget(service_level=0.8, threshold_s=20)
    assert required_agents(100, 1800, 180, target).figures.agents == 14
    assert "80/20 → **14 agents**" in DOC
    assert f"13 agents give SL {evaluate_agents(100, 1800, 180, 13, 20).service_level:.1%}" in DOC
    patient = required_agents(100, 1800, 180, target, model="erlang-a", patience_s=300).figures
    assert f"Erlang A needs {patient.agents},\nwith {patient.abandonment:.1%} of callers abandoning" in DOC
