"""Shared fixtures: fresh workspaces on disk (a real DuckDB file, never an in-memory stand-in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.workspace import Workspace, init_workspace

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An empty Israeli workspace (Sunday–Thursday, 09:00–17:00, Asia/Jerusalem)."""
    return init_workspace(tmp_path / "ws", country="IL")


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED_DATASETS.exists():
        pytest.skip(f"real datasets not found at {SHARED_DATASETS} (they sit beside the project, not in it)")
    return SHARED_DATASETS


@pytest.fixture
def ticket_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked helpdesk of tests/ticket_fixture.py in an Israeli workspace with an SLA policy."""
    from ticket_fixture import load_fixture, with_sla

    from kpidesk.workspace import default_settings

    ws = init_workspace(tmp_path / "tickets", settings=with_sla(default_settings(country="IL")))
    with ws.connect() as con:
        load_fixture(con)
    return ws
