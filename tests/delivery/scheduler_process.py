"""`python scheduler_process.py FOLDER [--once]`: the scheduler of a test workspace as a process of its own,
rendering by hand (see delivery_fixture), so that a test can kill it mid-send and start it again."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from delivery_fixture import rendering

from kpidesk.delivery import Sendable, configure_logging, run_scheduler
from kpidesk.reports import read_reports
from kpidesk.workspace import Workspace, load_settings


def render(ws: Workspace, name: str, at: date) -> Sequence[Sendable]:
    definition = read_reports(ws.path / "reports.yaml")[name]
    period = definition.period_at(at, 0)
    return [rendering(name, period.key, recipients=definition.recipients)]


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    configure_logging()
    workspace = Workspace(folder, load_settings(folder / "kpidesk.toml"))
    run_scheduler(workspace, render, once="--once" in sys.argv, tick=1.0)
