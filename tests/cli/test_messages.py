"""What the command line says when an answer is empty or a request is wrong: in words, with the way out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from kpidesk.cli import main
from kpidesk.workspace import Workspace


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, " ".join(result.output.split())


def _local_span(ws: Workspace, table: str, column: str) -> tuple[str, str]:
    """The first and last local day of a table, worked out apart from the command: UTC in pandas."""
    with duckdb.connect(str(ws.warehouse_path), read_only=True) as con:
        frame = con.execute(f"SELECT {column} AS at FROM {table} WHERE {column} IS NOT NULL").df()
    local = pd.to_datetime(frame["at"]).dt.tz_localize("UTC").dt.tz_convert(ws.settings.timezone).dt.date
    return str(local.min()), str(local.max())


def test_an_empty_answer_says_where_the_data_is(small_demo: Workspace) -> None:
    code, out = _run("kpis", "--from", "2030-01-01", "-w", str(small_demo.path))
    assert code == 0, out
    first, last = _local_span(small_demo, "tickets", "created_at")
    assert out.startswith("no results for any metric from 2030-01-01 on;")
    assert f"tickets of demo span {first} → {last}" in out
    first, last = _local_span(small_demo, "calls", "arrived_at")
    assert f"calls of demo span {first} → {last}" in out
    code, out = _run(
        "kpis", "--metric", "csat", "--from", "2020-01-01", "--to", "2020-01-31", "-w", str(small_demo.path)
    )
    assert code == 0 and out.startswith("no results for csat between 2020-01-01 and 2020-01-31;"), out


def test_an_empty_workspace_says_how_to_fill_it(workspace: Workspace) -> None:
    code, out = _run("kpis", "-w", str(workspace.path))
    assert code == 0 and "holds no tickets, calls or surveys yet" in out and "kpidesk import" in out, out


@pytest.mark.parametrize(
    "command",
    [
        ("kpis",),
        ("resilience", "--metric", "aht", "--person", "A001"),
        ("calls", "intervals"),
        ("staffing", "plan"),
        ("staffing", "simulate"),
    ],
)
def test_from_after_to_is_refused(workspace: Workspace, command: tuple[str, ...]) -> None:
    code, out = _run(*command, "--from", "2026-03-10", "--to", "2026-03-01", "-w", str(workspace.path))
    assert code == 2
    assert "Invalid value for --from: 2026-03-10 is after --to 2026-03-01" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--format", "zendsk"), "unknown format zendsk; did you mean zendesk?"),
        (("--kind", "tikets"), "unknown kind tikets; did you mean tickets?"),
    ],
)
def test_a_misspelt_import_name_gets_the_closest(
    tmp_path: Path, workspace: Workspace, args: tuple[str, ...], said: str
) -> None:
    data = tmp_path / "tickets.csv"
    data.write_text("ticket_id,created_at\nT1,2026-03-01 09:00\n", encoding="utf-8")
    code, out = _run("import", str(data), *args, "-w", str(workspace.path))
    assert code == 2 and said in out, out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--metric", "first_reply_tme"), "unknown metric first_reply_tme; did you mean first_reply_time?"),
        (("--by", "tem"), "unknown dimension tem; did you mean team?"),
        (("--period", "mnth"), "unknown period mnth; did you mean month?"),
        (("--as", "jsn"), "unknown output style jsn; did you mean json?"),
    ],
)
def test_a_misspelt_kpi_option_gets_the_closest(
    workspace: Workspace, args: tuple[str, ...], said: str
) -> None:
    code, out = _run("kpis", *args, "-w", str(workspace.path))
    assert code == 2 and said in out, out


def test_init_refuses_what_is_not_a_country(tmp_path: Path) -> None:
    code, out = _run("init", str(tmp_path / "zz"), "--country", "ZZ")
    assert code == 2 and "'ZZ' is not a country code" in out, out
    assert not (tmp_path / "zz" / "kpidesk.toml").exists()


def test_init_says_what_it_chose_for_a_country_without_defaults(tmp_path: Path) -> None:
    code, out = _run("init", str(tmp_path / "fr"), "--country", "FR")
    assert code == 0, out
    # France has one zone in the time zone database, Europe/Paris, and no built-in week: Monday–Friday.
    assert "FR has no built-in work week: kpidesk chose the time zone Europe/Paris and a Monday–Friday" in out
    assert "--timezone" in out and "kpidesk.toml" in out
    text = (tmp_path / "fr" / "kpidesk.toml").read_text(encoding="utf-8")
    assert 'timezone = "Europe/Paris"' in text and 'week_start = "mon"' in text
    code, out = _run("init", str(tmp_path / "br"), "--country", "BR")
    assert code == 0 and "chose the time zone UTC (BR has" in out, out
    code, out = _run("init", str(tmp_path / "il"), "--country", "IL")
    assert code == 0 and "no built-in" not in out


def test_an_unstable_queue_is_said_in_words() -> None:
    # 100 calls of 180 s in 30 minutes bring 100 × 180 / 1800 = 10 erlangs: 9 agents cannot keep up and
    # 11 is the fewest above 10.
    load = ("--calls", "100", "--interval", "30m", "--aht", "180")
    code, out = _run("staffing", "evaluate", *load, "--agents", "9")
    assert code == 0, out
    assert "The queue grows without bound: calls bring 10.00 erlangs of work" in out
    assert "It is stable from 11 agents taking calls." in out
    assert "None" not in out and "nan" not in out and "inf" not in out
    # With 20% shrinkage 12 scheduled agents leave floor(9.6) = 9 on the phones; 11 on the phones need
    # 14 scheduled (floor(13 × 0.8) = 10, floor(14 × 0.8) = 11).
    code, out = _run("staffing", "evaluate", *load, "--agents", "12", "--shrinkage", "20%")
    assert "stable from 11 agents taking calls (14 scheduled with 20% shrinkage)" in out, out
    code, out = _run("staffing", "evaluate", *load, "--agents", "14")
    assert code == 0 and "grows without bound" not in out


def test_one_interval_length_spelt_several_ways() -> None:
    answers = set()
    for spelling in ("30m", "30", "1800s", "0.5h"):
        code, out = _run("staffing", "required", "--calls", "100", "--aht", "180", "--target", "80/20",
                         "--interval", spelling, "--as", "json")  # fmt: skip
        assert code == 0, out
        record = json.loads(out)
        answers.add((record["interval_s"], record["agents"]))
    assert answers == {(1800.0, 14)}  # the published Erlang C example: 14 agents


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield f"{prefix}{name}", command
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_one_word_per_concept_on_every_command() -> None:
    """--format names a built-in export format (on import); the output style is --as everywhere (the
    roster also takes a hidden --format for scripts that spell it so); the interval length is --interval;
    --from comes with --to."""
    for name, command in _commands(main):
        options = {
            opt for p in command.params for opt in getattr(p, "opts", []) if not getattr(p, "hidden", False)
        }
        assert "--minutes" not in options, name
        if "--format" in options:
            assert name == "import", name
        styles = [p for p in command.params if p.name == "style"]
        assert all(p.opts == ["--as"] for p in styles), name
        assert ("--from" in options) == ("--to" in options), name


def test_init_says_the_week_in_runs_of_days() -> None:
    from kpidesk.cli._main import _week_words

    assert (
        _week_words({d: "09:00-17:00" for d in ("sun", "mon", "tue", "wed", "thu")}) == "sun–thu 09:00-17:00"
    )
    hours = {"mon": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-13:00"}
    assert _week_words(hours) == "mon 09:00-17:00, wed–thu 09:00-17:00, fri 09:00-13:00"
