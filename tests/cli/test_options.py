"""`--engine` on the commands that compute (kpis, targets status, report run, serve): it overrides
kpidesk.toml's `[engine] backend`, and when Spark cannot answer the command says why in a sentence — no
lake configured, no lake exported, a master that does not answer — with exit code 2 and no traceback.

The demo's copy is told to compute on a Spark master at a loopback port nobody listens on: DuckDB's
answers must come back unchanged through `--engine duckdb`, and every Spark command must fail in seconds
with the master's address (no Spark session is ever started here)."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from demo_fixture import copy_workspace
from kpi_rows import assert_same_values

from kpidesk.cli import main
from kpidesk.workspace import EngineSettings, LakeSettings, Workspace, open_workspace, save_settings

#: Each command that takes `--engine`, with what it needs besides (the demo's weekly report).
COMPUTING = {
    "kpis": [
        "kpis",
        "--metric",
        "first_reply_time",
        "--metric",
        "fcr_rate",
        "--by",
        "team",
        "--period",
        "week",
    ],
    "targets status": ["targets", "status"],
    "report run": ["report", "run", "weekly-service"],
}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def _sentence(text: str) -> str:
    """The output as one line: messages are wrapped at 80 columns."""
    return " ".join(text.split())


def _closed_port() -> int:
    """A loopback port that was free a moment ago: nothing listens there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _configure(ws: Workspace, *, lake: bool, master: str = "local[1]") -> Workspace:
    """`ws` with `[engine] backend = "spark"` on `master`, and a `[lake]` in its folder when `lake`."""
    settings = dataclasses.replace(
        ws.settings,
        engine=EngineSettings(backend="spark", master=master),
        lake=LakeSettings("lake") if lake else None,
    )
    save_settings(settings, ws.path / "kpidesk.toml")
    return open_workspace(ws.path)


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(demo_template, tmp_path / "demo")


@pytest.mark.parametrize("command", [*COMPUTING, "serve"])
def test_every_computing_command_takes_engine(command: str) -> None:
    code, out = _run(*command.split(), "--help")
    assert code == 0, out
    assert "--engine [duckdb|spark]" in out


def test_engine_duckdb_overrides_a_spark_backend(demo: Workspace) -> None:
    folder = str(demo.path)
    before = {
        name: _run(*args, "--as", "json", "-w", folder)
        for name, args in COMPUTING.items()
        if name != "report run"
    }
    _configure(demo, lake=True, master=f"spark://127.0.0.1:{_closed_port()}")
    for name, (code, out) in before.items():
        assert code == 0, out
        assert json.loads(out), f"{name}: the demo gave no rows, nothing would be compared"
        again_code, again = _run(*COMPUTING[name], "--as", "json", "--engine", "duckdb", "-w", folder)
        assert again_code == 0, again
        assert_same_values(json.loads(again), json.loads(out), name)
    code, out = _run(
        *COMPUTING["report run"], "--engine", "duckdb", "--output", str(demo.path / "out"), "-w", folder
    )
    assert code == 0, out


@pytest.mark.parametrize("command", list(COMPUTING))
def test_spark_without_a_lake_says_what_to_add(demo: Workspace, command: str) -> None:
    code, out = _run(*COMPUTING[command], "--engine", "spark", "-w", str(demo.path))
    assert code == 2, out
    assert _sentence(out) == (
        'error: kpidesk.toml has no lake yet: add a [lake] section with path = "…" (a local folder, or a '
        "path such as s3a://bucket/kpidesk that Spark and DuckDB can both read)"
    )


def test_spark_before_the_lake_is_exported_says_to_export(demo: Workspace) -> None:
    _configure(demo, lake=True)
    code, out = _run("kpis", "-w", str(demo.path))
    assert code == 2, out
    expected = (
        f"error: there is no lake at {demo.path / 'lake'} yet (no _manifest.json); run `kpidesk lake export` "
        "to write it"
    )
    # A long temporary path may be broken anywhere at 80 columns: compared without the line breaks.
    assert "".join(out.split()) == "".join(expected.split())


@pytest.mark.parametrize("command", list(COMPUTING))
def test_an_unreachable_master_is_named(demo: Workspace, command: str) -> None:
    pytest.importorskip("pyspark", reason="the Spark engine is an extra: pip install 'kpidesk[spark]'")
    port = _closed_port()
    _configure(demo, lake=True, master=f"spark://127.0.0.1:{port}")
    assert _run("lake", "export", "-w", str(demo.path))[0] == 0
    code, out = _run(*COMPUTING[command], "-w", str(demo.path))
    assert code == 2, out
    assert _sentence(out).startswith(
        f"error: cannot reach the Spark master spark://127.0.0.1:{port} (127.0.0.1:{port}: Connection "
        "refused); check that the master is running there"
    )
    assert "Traceback" not in out
