"""A workspace of its own with a lake: a copy of the small demo with `[lake] path = "lake"`."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_fixture import copy_workspace
from lake_fixture import with_lake

from kpidesk.workspace import Workspace


@pytest.fixture
def lake_demo(demo_template: Path, tmp_path: Path) -> Workspace:
    """A copy of the small demo (300 tickets, one source `demo`) whose lake is its folder `lake`."""
    return with_lake(copy_workspace(demo_template, tmp_path / "demo"))
