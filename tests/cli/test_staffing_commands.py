"""`kpidesk staffing required` and `kpidesk staffing evaluate`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kpidesk.cli import main

LOAD = ["--calls", "100", "--interval", "30m", "--aht", "180"]


def _json(args: list[str]) -> dict[str, object]:
    result = CliRunner().invoke(main, ["staffing", *args, *LOAD, "--as", "json"])
    assert result.exit_code == 0, result.output
    record: dict[str, object] = json.loads(result.output)
    return record


def test_required_published_example() -> None:
    record = _json(["required", "--target", "80/20"])
    assert (record["agents"], record["scheduled_agents"], record["model"]) == (14, 14, "erlang-c")
    assert record["p_wait"] == pytest.approx(0.1741, abs=5e-5)
    assert record["asa_s"] == pytest.approx(7.84, abs=5e-3)
    assert record["occupancy"] == pytest.approx(0.714, abs=5e-4)
    assert record["traffic_erlangs"] == 10


def test_required_with_erlang_a_shrinkage_and_caps() -> None:
    record = _json(
        ["required", "--target", "80/20", "--model", "erlang-a", "--patience", "300", "--shrinkage", "0.3"]
    )
    assert (record["agents"], record["scheduled_agents"]) == (13, 19)  # 13 / 0.7 = 18.6 → 19
    assert record["abandonment"] == pytest.approx(0.02496, abs=1e-5)
    capped = _json(["required", "--target", "80/20", "--max-occupancy", "65%"])
    assert capped["agents"] == 16


def test_evaluate_given_agents() -> None:
    record = _json(["evaluate", "--agents", "13", "--target", "80/20"])
    assert record["agents"] == 13 and record["meets_target"] is False
    assert record["service_level"] == pytest.approx(0.795595, abs=1e-6)
    # 20 scheduled with 30% shrinkage leave 14 on the phones.
    shrunk = _json(["evaluate", "--agents", "20", "--shrinkage", "30%"])
    assert (shrunk["agents"], shrunk["scheduled_agents"]) == (14, 20)
    unstable = _json(["evaluate", "--agents", "10"])
    assert (unstable["stable"], unstable["asa_s"], unstable["service_level"]) == (False, None, 0.0)


def test_table_output_and_plain_errors() -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["staffing", "required", *LOAD, "--target", "80/20"])
    assert table.exit_code == 0 and "agents scheduled" in table.output and "88.8%" in table.output
    for args, message in (
        (["--target", "eighty"], "PERCENT/SECONDS"),
        ([], "at least one target"),
        (["--target", "80/20", "--model", "erlang-a"], "patience"),
        (["--target", "80/20", "--shrinkage", "3"], "percentage"),
    ):
        result = runner.invoke(main, ["staffing", "required", *LOAD, *args])
        assert result.exit_code == 2 and message in result.output, result.output
    bad_interval = runner.invoke(
        main,
        ["staffing", "required", "--calls", "1", "--aht", "1", "--interval", "soon", "--target", "80/20"],
    )
    assert bad_interval.exit_code == 2 and "15m, 30m, 1h" in bad_interval.output
    assert "Erlang C and Erlang A" in runner.invoke(main, ["staffing", "--help"]).output
