"""A helpdesk history whose monthly first reply times were chosen by hand, for suggested targets.

Two teams, three tickets a month each, created on the 10th, 11th and 12th at 10:00 local time
(Asia/Jerusalem) and first answered the same day, `small_sample` lowered to 3 so that three tickets make a
usable month. Within a month, billing's tickets wait m − 5, m and m + 20 minutes and support's m − 10, m
and m + 30, so each month's median is m (the values of `BILLING` and `SUPPORT`). Billing's July 2025 has
only two tickets (10 and 12 minutes): a month too small to use. The data runs from 2025-01-10 to
2026-02-12, so January 2025 and February 2026 are only partly covered.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import kpidesk
from kpidesk.workspace import Workspace, default_settings

#: Billing's monthly median first reply time, in minutes (July 2025 has two tickets instead).
BILLING = {
    (2025, 1): 60,
    (2025, 2): 40,
    (2025, 3): 50,
    (2025, 4): 30,
    (2025, 5): 45,
    (2025, 6): 35,
    (2025, 8): 25,
    (2025, 9): 55,
    (2025, 10): 20,
    (2025, 11): 38,
    (2025, 12): 42,
    (2026, 1): 34,
    (2026, 2): 15,
}
#: Billing's two tickets of July 2025, in minutes.
BILLING_JULY = (10, 12)
#: Support's monthly median first reply time, in minutes, January to July 2025.
SUPPORT = {
    (2025, 1): 200,
    (2025, 2): 90,
    (2025, 3): 80,
    (2025, 4): 120,
    (2025, 5): 83,
    (2025, 6): 100,
    (2025, 7): 75,
}


def _rows(team: str, month: tuple[int, int], waits: tuple[int, ...]) -> list[str]:
    year, number = month
    rows = []
    for day, wait in zip((10, 11, 12), waits, strict=False):
        created = datetime(year, number, day, 10, 0)
        replied = created + timedelta(minutes=wait)
        ident = f"{team}-{year}{number:02d}-{day}"
        rows.append(f"{ident},{created:%Y-%m-%d %H:%M:%S},{replied:%Y-%m-%d %H:%M:%S},open,{team}")
    return rows


def build_target_history(directory: Path) -> Workspace:
    """The workspace described above, imported through the importer."""
    settings = default_settings(country="IL")
    settings = dataclasses.replace(settings, metrics=dataclasses.replace(settings.metrics, small_sample=3))
    ws = kpidesk.init_workspace(directory, settings=settings)
    lines = ["ticket_id,created_at,first_reply_at,status,team_id"]
    for month, m in BILLING.items():
        lines += _rows("billing", month, (m - 5, m, m + 20))
    lines += _rows("billing", (2025, 7), BILLING_JULY)
    for month, m in SUPPORT.items():
        lines += _rows("support", month, (m - 10, m, m + 30))
    csv = directory / "tickets.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kpidesk.import_files([csv], "tickets", workspace=ws, source="desk")
    return ws
