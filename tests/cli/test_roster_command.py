"""`kpidesk staffing roster` as a user runs it: the issue's script form, a team's week from the demo plan,
the table at 80 columns, iCalendar files, and mistakes told with file, line and column."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpidesk.cli import main
from kpidesk.workspace import Workspace


def run(*args: str, cwd: Path | None = None, columns: int = 80) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(main, list(args), env={"COLUMNS": str(columns)})
    else:
        with runner.isolated_filesystem(temp_dir=cwd):
            result = runner.invoke(main, list(args), env={"COLUMNS": str(columns)})
    return result.exit_code, result.stdout, result.stderr


def write_requirements(path: Path) -> Path:
    lines = ["interval_start,required"]
    for hour in range(6, 22):
        need = 4 if 12 <= hour < 16 else 2 if 8 <= hour < 20 else 0
        lines.append(f"2026-12-07T{hour:02d}:00,{need}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_script_form_prints_shifts_coverage_hours_and_optimality(tmp_path: Path) -> None:
    req = write_requirements(tmp_path / "req.csv")
    code, out, err = run(
        "staffing", "roster", "--requirements", str(req), "--shift", "8h", "--starts", "06:00-12:00",
        "--step", "60m", "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert code == 0, err
    answer = json.loads(out)
    assert [(s["start"], s["end"], s["agents"]) for s in answer["shifts"]] == [
        ("2026-12-07T08:00:00+00:00", "2026-12-07T16:00:00+00:00", 2),
        ("2026-12-07T12:00:00+00:00", "2026-12-07T20:00:00+00:00", 2),
    ]
    assert answer["agent_hours"] == 32 and answer["optimal"] is True
    assert [(c["interval_start"][11:16], c["required"], c["scheduled"]) for c in answer["coverage"]][:4] == [
        ("06:00", 0, 0),
        ("07:00", 0, 0),
        ("08:00", 2, 2),
        ("09:00", 2, 2),
    ]
    assert all(c["service_level"] is None for c in answer["coverage"])
    assert answer["service_level_note"] == "the requirements give agents only, not calls and handle time"


def test_the_table_fits_80_columns_and_says_what_it_cost(tmp_path: Path) -> None:
    req = write_requirements(tmp_path / "req.csv")
    code, out, _ = run(
        "staffing", "roster", "--requirements", str(req), "--shift", "8h", "--step", "1h", cwd=tmp_path
    )
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Mon 2026-12-07  08:00–16:00" in out and "proven optimal" in " ".join(out.split())
    assert "32.0 paid agent-hours for 32.0 required" in " ".join(out.split())


def test_a_team_week_from_the_demo_plan_with_calendars(small_demo: Workspace, tmp_path: Path) -> None:
    import kpidesk

    first = _plan_start(small_demo)
    plan_week = kpidesk.staffing_roster(
        small_demo, start=first, end=first + timedelta(days=6), queue="billing", team="billing",
        model="erlang-a", shrinkage=0.3,
    )  # fmt: skip
    args = (
        "staffing", "roster", "--queue", "billing", "--team", "billing", "--from", str(first),
        "--to", str(first + timedelta(days=6)), "--model", "erlang-a", "--shrinkage", "0.3",
        "-w", str(small_demo.path),
    )  # fmt: skip
    code, out, err = run(*args, "--ics", str(tmp_path / "ics"))
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    assert f"Week {first:%Y-%m-%d}" in out
    names = [row["name"] for row in plan_week.agent_rows()]
    assert all(name[:18] in out or name[:17] + "…" in out for name in names)
    files = sorted(p.name for p in (tmp_path / "ics").iterdir())
    assert files == sorted(f"{row['agent_id']}.ics" for row in plan_week.agent_rows())
    code, out, _ = run(*args, "--as", "json")
    answer = json.loads(out)
    assert answer["agent_hours"] == pytest.approx(plan_week.agent_hours)
    levels = [
        c for c in answer["coverage"] if c["service_level"] is not None and c["under"] == 0 and c["required"]
    ]
    assert levels and all(c["service_level"] >= c["target_service_level"] - 1e-9 for c in levels)
    code, out, _ = run(*args, "--as", "csv")
    assert out.splitlines()[0] == "agent_id,name,team,start,end,break_start,break_end,evening"
    assert len(out.splitlines()) - 1 == sum(row["shifts"] for row in plan_week.agent_rows())


def _plan_start(ws: Workspace):  # type: ignore[no-untyped-def]
    from datetime import UTC

    from kpidesk.calendars import BusinessCalendar

    with ws.connect(read_only=True) as con:
        last = con.execute("SELECT max(arrived_at) FROM calls").fetchall()[0][0]
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    day = last.replace(tzinfo=UTC).astimezone(calendar.zone).date()
    return day + timedelta(days=(calendar.week_start - day.weekday()) % 7 or 7)


def test_mistakes_name_the_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "req.csv"
    bad.write_text("interval_start,required\n2026-12-07T08:00,2\n2026-12-07T09:00,two\n", encoding="utf-8")
    code, _, err = run("staffing", "roster", "--requirements", str(bad), cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert f"{bad}, line 3, column 2 (required): expected a number, got 'two'" in " ".join(err.split())
    bad.write_text("interval_start,required\n2026-12-07 08:00,1.5\n2026-12-07 09:00,1\n", encoding="utf-8")
    code, _, err = run("staffing", "roster", "--requirements", str(bad), cwd=tmp_path)
    assert code == 2 and "line 2, column 2 (required): expected a whole number of agents" in " ".join(
        err.split()
    )
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,max_weekly_hours\na1,forty\n", encoding="utf-8")
    good = write_requirements(tmp_path / "good.csv")
    code, _, err = run(
        "staffing", "roster", "--requirements", str(good), "--agents", str(agents), cwd=tmp_path
    )
    assert code == 2
    assert "line 2, column 2 (max_weekly_hours): expected a number, got 'forty'" in " ".join(err.split())


def test_rules_that_cannot_hold_are_told_in_words(tmp_path: Path) -> None:
    good = write_requirements(tmp_path / "good.csv")
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,min_weekly_hours\na1,Dana,48\n", encoding="utf-8")
    code, _, err = run(
        "staffing", "roster", "--requirements", str(good), "--agents", str(agents), "--days-off", "2",
        "--shift", "8h", cwd=tmp_path,
    )  # fmt: skip
    text = " ".join(err.split())
    assert code == 2 and "Traceback" not in err
    assert "the roster's rules cannot all hold" in text
    assert "weekly hours: agent Dana (a1) needs at least 48 h a week, but with 2 days off a week" in text
    code, _, err = run("staffing", "roster", "--requirements", str(good), "--starts", "6am", cwd=tmp_path)
    assert code == 2 and "--starts: expected a time of day such as 06:00, got '6am'" in " ".join(err.split())
