"""The reports' shared workspace: the run's 3,000-ticket demo, only read."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.workspace import Workspace, open_workspace


@pytest.fixture(scope="session")
def report_demo(medium_demo_template: Path) -> Workspace:
    """The 3,000-ticket demo workspace (tickets, calls, surveys, agents and the demo's targets); read,
    never written."""
    return open_workspace(medium_demo_template)
