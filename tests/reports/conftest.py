"""The reports' shared workspace: a 3,000-ticket demo, built once for the run and only read."""

from __future__ import annotations

import pytest

from kpidesk.workspace import Workspace


@pytest.fixture(scope="session")
def report_demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A 3,000-ticket demo workspace (tickets, calls, surveys, agents and the demo's targets); read, never
    written."""
    from kpidesk import build_demo

    return build_demo(tmp_path_factory.mktemp("report-demo") / "demo", n_tickets=3000).workspace
