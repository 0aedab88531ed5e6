"""bench/bench_roster.py: the month it rosters, the baseline's shifts and its section of performance.md."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_roster  # noqa: E402
from _doc_section import replace_section  # noqa: E402

from kpidesk.staffing._cover import cover_matrix  # noqa: E402
from kpidesk.staffing._shifts import candidate_shifts  # noqa: E402


def test_the_month_peaks_at_thirty_to_forty_agents_and_is_quieter_at_weekends() -> None:
    needs = bench_roster.needs()
    required = needs.intervals.required.to_numpy().reshape(bench_roster.DAYS, bench_roster.PERIODS)
    assert 30 <= required.max() <= 40
    hours = np.arange(bench_roster.PERIODS) * bench_roster.MINUTES / 60
    assert not required[:, (hours < 6) | (hours >= 22)].any()
    weekend = np.array([d.weekday() >= 5 for d in bench_roster.days()])
    assert required[weekend].sum(axis=1).max() < required[~weekend].sum(axis=1).min()
    # No clock change: every local day has its 48 half hours, so pyworkforce's days are kpidesk's.
    assert len(needs.intervals) == bench_roster.DAYS * bench_roster.PERIODS
    assert (np.diff(needs.intervals.start.to_numpy()) == 1800).all()


def test_the_baseline_has_the_same_shifts_as_kpidesk_on_every_day() -> None:
    needs = bench_roster.needs()
    rules = bench_roster.rules()
    patterns = bench_roster.shift_patterns(rules)
    shifts = list(candidate_shifts(rules, bench_roster.days(), bench_roster.ZONE, bench_roster.MINUTES * 60))
    assert len(shifts) == len(patterns) * bench_roster.DAYS == 68 * 30
    matrix = cover_matrix(needs, shifts).toarray()
    for k, shift in enumerate(shifts):
        offset = None if shift.break_start is None else shift.break_start - shift.start
        day = (shift.day - bench_roster.FIRST_DAY).days
        works = matrix[:, k].reshape(bench_roster.DAYS, bench_roster.PERIODS)
        assert works[day].tolist() == patterns[(shift.start_clock, shift.length, offset)]
        assert works.sum() == works[day].sum()


def _summary() -> dict:
    run = {
        "seconds": 0.4,
        "solver_s": 0.3,
        "rss_before_mb": 150.0,
        "peak_rss_mb": 180.0,
        "cpu_s": 2.5,
        "load_before": 1.0,
        "status": "optimal",
        "optimal": True,
        "gap": 0.0,
        "agent_hours": 10_012.5,
        "runs": 5,
    }
    stage = {
        "solver_s": 2.0,
        "optimal": True,
        "status": "optimal",
        "gap": 0.0,
        "objective": 47.65625,
        "bound": 47.65625,
        "integers": 9,
        "rows": 9,
    }
    return {
        "date": "2026-12-03",
        "time_limit_s": 600.0,
        "machine": {"cores": "2", "cpu": "a CPU", "python": "3.11.7"},
        "results": {
            "kpidesk step 1 (cover)": {
                **run,
                "calls": 1000.0,
                "required_agent_hours": 8270.0,
                "required_peak": 39,
                "candidate_shifts": 2040,
                "shifts_worked": 1335,
                "distinct_shifts_worked": 391,
            },
            "kpidesk step 2 (agents)": {
                **run,
                "seconds": 80.0,
                "stages": [stage, {**stage, "solver_s": 78.0}],
                "unfilled": 0,
                "hours_min": 97.5,
                "hours_max": 105.0,
                "evenings_min": 4,
                "evenings_max": 5,
            },
            "pyworkforce (cover)": {**run, "seconds": 4.0, "patterns": 68, "status": "OPTIMAL"},
            "kpidesk step 2 (agents), 60 s limit": {
                **run,
                "seconds": 66.0,
                "cpu_s": 34.0,
                "optimal": False,
                "status": "time limit",
                "gap": 0.25,
                "unfilled": 0,
                "stages": [
                    stage,
                    {**stage, "optimal": False, "status": "time limit", "objective": 80.0, "bound": 4.74},
                ],
            },
        },
    }


def test_its_section_replaces_the_old_one_and_keeps_the_rest(tmp_path: Path) -> None:
    section = bench_roster.doc_section(_summary())
    assert section.startswith(bench_roster.START) and section.endswith(bench_roster.END)
    assert "10.0× faster" in section  # pyworkforce 4 s against kpidesk's 0.4 s
    assert "stopped at the limit in stage 2 with a gap of 25.0%" in section
    assert "its fairness is 80.00 against the optimum's 47.66" in section
    assert "the run had 34 s of CPU in its 66 s" in section
    doc = tmp_path / "performance.md"
    doc.write_text(
        f"# Performance\n\nbefore\n\n{bench_roster.START}\nPREVIOUS RUN\n{bench_roster.END}\n\nafter\n"
    )
    replace_section(section, bench_roster.START, bench_roster.END, doc)
    text = doc.read_text()
    assert "PREVIOUS RUN" not in text and section in text
    assert text.startswith("# Performance\n\nbefore\n\n") and text.endswith("\n\nafter\n")


@pytest.mark.parametrize("marker", [bench_roster.START, bench_roster.END])
def test_performance_md_has_the_generated_section_once(marker: str) -> None:
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert text.count(marker) == 1
    generated = text.split(bench_roster.START, 1)[1].split(bench_roster.END, 1)[0]
    assert generated.lstrip().startswith("## Rosters: a month for 100 agents")
