"""Done when: on a real Spark standalone cluster on loopback (a master and two workers launched from the
pyspark package), the demo workspace and the UCI ServiceNow log, exported to a lake, give through
`kpidesk kpis --engine spark` and `kpidesk targets status --engine spark` every value DuckDB gives.

Every command runs as the user runs it: the `kpidesk` command in a process of its own (so each Spark
run is a driver of its own on the cluster, and the first one derives the facts into the lake)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from demo_fixture import copy_workspace
from kpi_rows import assert_same_values

import kpidesk
from kpidesk import add_target
from kpidesk.lake import read_manifest
from kpidesk.workspace import EngineSettings, LakeSettings, Workspace, open_workspace, save_settings

pytestmark = pytest.mark.spark

#: Small executors (one core each, from the workers' one core), few shuffle partitions for small data.
CLUSTER_CONF = {
    "spark.executor.memory": "1g",
    "spark.executor.cores": "1",
    "spark.driver.memory": "1g",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
}
#: Each command's arguments; run once with --engine spark and once with --engine duckdb. Between them:
#: calendar and business hours (the targets), means, percentiles and their intervals, agents' names, teams,
#: weeks and months. Each Spark run is a driver of its own, started in seconds to minutes: few commands.
COMMANDS = {
    "kpis": ["kpis", "--by", "agent", "--period", "week", "--stat", "mean", "--stat", "p90"],
    "targets-status": ["targets", "status"],
}


#: Lines Spark's default logging writes at start-up, which a kpidesk command must not show its user. (The
#: JVM's own "WARNING: Using incubator modules" line, which no logging setting silences, is not one.)
SPARK_LOG_NOISE = (" WARN ", " INFO ", "log4j", "Setting default log level", "sc.setLogLevel")


def kpidesk_command(args: list[str], workspace: Path) -> str:
    """Run `kpidesk ARGS -w WORKSPACE` in a process of its own with this checkout's kpidesk; its stdout.
    Its stderr must hold none of Spark's start-up log lines."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(kpidesk.__file__).resolve().parents[1]),
        "PYSPARK_PYTHON": sys.executable,
    }
    script = Path(sys.executable).with_name("kpidesk")
    done = subprocess.run(
        [str(script), *args, "-w", str(workspace)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"kpidesk {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}"
    noise = [line for line in done.stderr.splitlines() if any(word in line for word in SPARK_LOG_NOISE)]
    assert not noise, f"kpidesk {' '.join(args)} printed Spark's log: {noise}"
    return done.stdout


def on_cluster(ws: Workspace, master: str) -> Workspace:
    """`ws` with a lake in its folder and `[engine]` on the cluster, written to its kpidesk.toml."""
    engine = EngineSettings(backend="spark", master=master, conf=dict(CLUSTER_CONF))
    save_settings(
        dataclasses.replace(ws.settings, lake=LakeSettings("lake"), engine=engine), ws.path / "kpidesk.toml"
    )
    return open_workspace(ws.path)


@pytest.fixture(scope="module")
def demo_on_cluster(
    spark_cluster: str, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    ws = on_cluster(
        copy_workspace(demo_template, tmp_path_factory.mktemp("cluster-demo") / "demo"), spark_cluster
    )
    kpidesk_command(["lake", "export"], ws.path)
    return ws.path


@pytest.fixture(scope="module")
def servicenow_on_cluster(
    spark_cluster: str, servicenow_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A copy of the ServiceNow workspace with two targets of its own (the log comes without any)."""
    copy = copy_workspace(servicenow_workspace.path, tmp_path_factory.mktemp("cluster-sn") / "servicenow")
    ws = on_cluster(copy, spark_cluster)
    add_target(ws, "resolution", "full_resolution_time", 5 * 86400, stat="median", period="month")
    add_target(ws, "reopens", "reopen_rate", 0.05, period="month", business_hours=False)
    kpidesk_command(["lake", "export"], ws.path)
    return ws.path


@pytest.mark.parametrize("command", list(COMMANDS), ids=list(COMMANDS))
@pytest.mark.parametrize("workspace", ["demo_on_cluster", "servicenow_on_cluster"])
def test_the_cluster_gives_duckdbs_values(
    command: str, workspace: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(workspace)
    args = [*COMMANDS[command], "--as", "json"]
    on_spark = json.loads(kpidesk_command([*args, "--engine", "spark"], folder))
    on_duckdb = json.loads(kpidesk_command([*args, "--engine", "duckdb"], folder))
    assert on_duckdb, "DuckDB gave no rows: nothing would be compared"
    assert_same_values(on_spark, on_duckdb)
    # The facts the cluster derived are in the lake, for the lake's current data.
    manifest = read_manifest(open_workspace(folder).lake_location)
    assert manifest.facts is not None and manifest.facts.key.startswith(f"g{manifest.generation}-")
