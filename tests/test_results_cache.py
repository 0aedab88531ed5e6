"""KPI results reused until the warehouse changes: every import, undo, fact refresh and settings change
gives new figures, and an unchanged warehouse answers from memory without computing again."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kpidesk
from kpidesk import _api
from kpidesk._results_cache import ResultsCache
from kpidesk.facts import facts_generation
from kpidesk.workspace import SETTINGS_FILE, Workspace, load_settings, save_settings

HEADER = "ticket_id,created_at,status,team_id,first_reply_at,first_solved_at,last_solved_at\n"
# Sunday and Monday 1–2 March 2026, Asia/Jerusalem, open 09:00–17:00. Business first-reply times:
# T1 08:00 → 10:00 counts from 09:00, 3600 s; T2 09:00 → 09:30, 1800 s; T3 09:00 → 11:00, 7200 s.
FIRST = (
    "T1,2026-03-01 08:00:00,solved,billing,2026-03-01 10:00:00,2026-03-01 12:00:00,2026-03-01 12:00:00\n"
    "T2,2026-03-02 09:00:00,solved,billing,2026-03-02 09:30:00,2026-03-02 12:00:00,2026-03-02 12:00:00\n"
)
LATER = "T3,2026-03-03 09:00:00,open,billing,2026-03-03 11:00:00,,\n"


def _figures(ws: Path) -> tuple[int, float]:
    """Tickets created, and the mean business first-reply time."""
    frame = kpidesk.kpis(
        ws, metrics=["volume", "first_reply_time"], period="all", stat="mean", business_hours=True
    )
    rows = frame.set_index("metric")
    return int(rows.loc["volume", "n"]), float(rows.loc["first_reply_time", "value"])


def _write(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture
def no_computing(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Makes computing a KPI fail, so only a stored result can answer."""

    def refuse(*args: Any, **kwargs: Any) -> pd.DataFrame:
        raise AssertionError("computed again although the warehouse did not change")

    return lambda: monkeypatch.setattr(_api, "compute_kpis", refuse)


def test_each_import_undo_and_settings_change_gives_new_figures(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_computing: Any
) -> None:
    ws = workspace.path
    kpidesk.import_files([_write(tmp_path, "first.csv", FIRST)], "tickets", workspace=ws)
    assert _figures(ws) == (2, 2700.0)

    computing = _api.compute_kpis
    no_computing()
    assert _figures(ws) == (2, 2700.0)
    monkeypatch.setattr(_api, "compute_kpis", computing)

    later = kpidesk.import_files([_write(tmp_path, "later.csv", LATER)], "tickets", workspace=ws)
    assert _figures(ws) == (3, 4200.0)

    kpidesk.undo_import(later.import_id, workspace=ws)
    assert _figures(ws) == (2, 2700.0)

    # Sunday 1 March becomes a holiday: T1's reply comes before any business second of its week.
    settings = load_settings(ws / SETTINGS_FILE)
    settings.calendars[settings.default_calendar].extra_holidays.append("2026-03-01")
    save_settings(settings, ws / SETTINGS_FILE)
    assert _figures(ws) == (2, 900.0)


def test_a_result_taken_from_memory_is_a_copy(
    workspace: Workspace, tmp_path: Path, no_computing: Any
) -> None:
    ws = workspace.path
    kpidesk.import_files([_write(tmp_path, "first.csv", FIRST)], "tickets", workspace=ws)
    first = kpidesk.kpis(ws, metrics=["volume"], period="all")
    first.loc[0, "n"] = 99
    no_computing()
    again = kpidesk.kpis(ws, metrics=["volume"], period="all")
    assert again.loc[0, "n"] == 2
    again.loc[0, "n"] = 98
    assert kpidesk.kpis(ws, metrics=["volume"], period="all").loc[0, "n"] == 2


def test_a_full_refresh_and_an_import_change_the_generation(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace.path
    kpidesk.import_files([_write(tmp_path, "first.csv", FIRST)], "tickets", workspace=ws)
    generations = []
    for step in (
        lambda: None,
        lambda: kpidesk.refresh_facts(ws, full=True),
        lambda: kpidesk.import_files([_write(tmp_path, "later.csv", LATER)], "tickets", workspace=ws),
    ):
        step()
        with workspace.connect(read_only=True) as con:
            generations.append(facts_generation(con))
    assert None not in generations
    assert len(set(generations)) == 3


def test_the_cache_answers_only_for_the_same_generation_and_keeps_the_latest() -> None:
    cache = ResultsCache(capacity=2)
    frame = pd.DataFrame({"n": [1]})
    cache.put("a", 1, frame)
    assert cache.get("a", 2) is None
    stored = cache.get("a", 1)
    assert stored is not None and stored.equals(frame) and stored is not frame
    cache.put("b", 1, frame)
    cache.get("a", 1)
    cache.put("c", 1, frame)
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) is not None and cache.get("c", 1) is not None


def test_a_stamp_stands_for_the_generation_it_was_confirmed_at() -> None:
    cache = ResultsCache()
    frame = pd.DataFrame({"n": [1]})
    cache.put("a", 1, frame)
    assert cache.get_unchanged("a", "stamp") is None
    assert cache.get("a", 1, "stamp") is not None
    assert cache.get_unchanged("a", "stamp") is not None
    assert cache.get_unchanged("a", "other") is None
    assert cache.get_unchanged("a", None) is None
    cache.put("a", 2, frame)
    assert cache.get_unchanged("a", "stamp") is None


def test_target_status_is_kept_until_the_targets_or_the_data_change(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace.path
    kpidesk.import_files([_write(tmp_path, "first.csv", FIRST)], "tickets", workspace=ws)
    targets = ws / "targets.yaml"
    targets.write_text(
        "targets:\n  - id: volume\n    metric: volume\n    direction: higher\n"
        "    period: month\n    target: 10\n",
        encoding="utf-8",
    )

    def volume() -> tuple[float, float]:
        row = kpidesk.targets_status(ws).iloc[0]
        return float(row["target"]), float(row["value"])

    assert volume() == (10.0, 2.0)
    computing = _api_target_status()
    monkeypatch.setattr("kpidesk.targets.target_status", _refusing)
    assert volume() == (10.0, 2.0)
    assert kpidesk.last_data_day(ws) == date(2026, 3, 2)

    targets.write_text(targets.read_text(encoding="utf-8").replace("10", "12"), encoding="utf-8")
    with pytest.raises(AssertionError, match="computed again"):
        volume()
    monkeypatch.setattr("kpidesk.targets.target_status", computing)
    assert volume() == (12.0, 2.0)

    kpidesk.import_files([_write(tmp_path, "later.csv", LATER)], "tickets", workspace=ws)
    assert volume() == (12.0, 3.0)
    assert kpidesk.last_data_day(ws) == date(2026, 3, 3)


def _api_target_status() -> Any:
    from kpidesk import targets

    return targets.target_status


def _refusing(*args: Any, **kwargs: Any) -> pd.DataFrame:
    raise AssertionError("computed again although neither the targets nor the warehouse changed")
