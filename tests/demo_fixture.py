"""A copy of a workspace folder: the demo is built once for the run (`demo_template` in tests/conftest.py)
and each fixture that needs one of its own copies it, a fraction of a second where a build takes many."""

from __future__ import annotations

import shutil
from pathlib import Path

from kpidesk.workspace import Workspace, open_workspace


def copy_workspace(template: Path, destination: Path) -> Workspace:
    """A workspace of its own at `destination`, a copy of the one at `template`."""
    shutil.copytree(template, destination)
    return open_workspace(destination)


def demo_workspace(directory: Path, n_tickets: int, seed: int) -> Workspace:
    """The workspace `kpidesk.build_demo` makes (its settings, targets, reports and imported data, facts
    derived) without the weekly report, staffing plan and users it then adds: for a fixture that only reads
    the demo's data, the report and the plan being most of a build's time. tests/demo checks that it is
    the same workspace as `build_demo`'s."""
    from kpidesk import import_files
    from kpidesk.demo import DEMO_REPORTS, DEMO_TARGETS, demo_settings, generate_demo, write_demo_files
    from kpidesk.reports import REPORTS_FILE
    from kpidesk.targets import TARGETS_FILE
    from kpidesk.workspace import init_workspace

    ws = init_workspace(directory, settings=demo_settings())
    (directory / TARGETS_FILE).write_text(DEMO_TARGETS.read_text(encoding="utf-8"), encoding="utf-8")
    (directory / REPORTS_FILE).write_text(DEMO_REPORTS.read_text(encoding="utf-8"), encoding="utf-8")
    files = write_demo_files(generate_demo(n_tickets, seed=seed), directory / "data", "csv")
    for kind in ("agents", "customers", "agent_states", "tickets", "events", "calls", "surveys", "qa"):
        import_files([files[kind]], kind, workspace=ws, source="demo", derive_facts=kind == "calls")
    return ws
