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
