"""The `kpidesk` command line."""

from kpidesk.cli import (
    _alerts,  # noqa: F401  (registers `kpidesk alerts`)
    _contents,  # noqa: F401  (registers `kpidesk status` and `kpidesk list`)
    _lake,  # noqa: F401  (registers `kpidesk lake`)
    _reconcile,  # noqa: F401  (registers `kpidesk reconcile`)
    _reports,  # noqa: F401  (registers `kpidesk report`)
    _roster,  # noqa: F401  (registers `kpidesk staffing roster`)
    _schedule,  # noqa: F401  (registers `kpidesk schedule`)
    _serve,  # noqa: F401  (registers `kpidesk serve`)
    _staffing,  # noqa: F401  (registers `kpidesk staffing`)
    _targets,  # noqa: F401  (registers `kpidesk targets`)
    _users,  # noqa: F401  (registers `kpidesk users`)
)
from kpidesk.cli._main import main

__all__ = ["main"]
