"""The targets page's rows: every target's status as `kpidesk.targets_status` gives it, kept to what the
audience may see — an admin every row; a manager the rows of their teams; an agent only their own rows
(`per: agent` targets name them as a member)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from kpidesk.views import Audience

__all__ = ["visible_targets"]


def visible_targets(workspace: Any, audience: Audience, at: date | None = None) -> pd.DataFrame:
    """The target status rows `audience` may see, as of `at` (default: the data's last day)."""
    import kpidesk

    frame = kpidesk.targets_status(workspace, at=at)
    if audience.role == "admin" or not len(frame):
        return frame
    if audience.role == "manager":
        teams = frame["team"] if "team" in frame.columns else pd.Series(None, index=frame.index)
        return frame[teams.map(lambda t: t is not None and t in audience.teams)].reset_index(drop=True)
    mine = (frame["per"] == "agent") & (frame["member"] == audience.agent_id)
    return frame[mine].reset_index(drop=True)
