"""Shared fixtures: fresh workspaces on disk (a real DuckDB file, never an in-memory stand-in)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bank_fixture import BankImport
from demo_fixture import copy_workspace
from real_datasets import BANK_LOG, BANK_MAPPING, FOUR_SOURCES, SERVICENOW_LOG, SHARED_DATASETS

from kpidesk import DemoResult
from kpidesk.workspace import Workspace, init_workspace


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: Any) -> None:
    """Start pytest-xdist's workers without the terminal size GNU readline wrote into this process's
    environment. pytest imports readline early; its setup puts COLUMNS=80 and LINES=24 in the C environment
    (not in `os.environ`), which the workers would inherit. There the CLI's Rich consoles, made when
    kpidesk.cli is imported, would fix their width from it and ignore the COLUMNS a test gives CliRunner.
    A size the user really set is in `os.environ` and is kept."""
    for name in ("COLUMNS", "LINES"):
        if name not in os.environ:
            os.unsetenv(name)


@pytest.fixture(scope="session")
def bank_import(tmp_path_factory: pytest.TempPathFactory) -> BankImport:
    """Shared by every test that reads the bank's calls; none of them writes to it."""
    from kpidesk.ingest.exports import import_export

    if not BANK_LOG.exists():
        pytest.skip(f"the Anonymous Bank log is not at {BANK_LOG.resolve()} (datasets sit beside the repo)")
    copy = tmp_path_factory.mktemp("bank") / BANK_LOG.name
    shutil.copyfile(BANK_LOG, copy)
    ws = init_workspace(tmp_path_factory.mktemp("bank-ws") / "ws", country="IL")
    with ws.connect() as con:
        summaries = {s.kind: s for s in import_export(con, [copy], "call-log", mapping=BANK_MAPPING)}
    summary = summaries["calls"]
    return BankImport(ws, summary, copy)


@pytest.fixture(scope="session")
def servicenow_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The whole UCI ServiceNow log imported once, facts derived; shared by every test that reads it."""
    import kpidesk
    from kpidesk.ingest.exports import import_export

    if not SERVICENOW_LOG.exists():
        pytest.skip(
            f"the UCI incident event log is not at {SERVICENOW_LOG.resolve()} (datasets sit beside the repo)"
        )
    ws = init_workspace(tmp_path_factory.mktemp("servicenow") / "full", country="IL")
    with ws.connect() as con:
        import_export(con, [SERVICENOW_LOG], "servicenow")
    kpidesk.refresh_facts(ws)
    return ws


@pytest.fixture
def management_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked escalation ladder and absences of tests/management_fixture.py."""
    from management_fixture import load_management

    ws = init_workspace(tmp_path / "management", country="IL")
    with ws.connect() as con:
        load_management(con)
    return ws


@pytest.fixture(scope="session")
def plan_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Four weeks of simulated calls with a known pattern (tests/plan_fixture.py); read, never written."""
    from plan_fixture import load_plan_history

    ws = init_workspace(tmp_path_factory.mktemp("plan") / "ws", country="IL")
    with ws.connect() as con:
        load_plan_history(con)
    return ws


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An empty Israeli workspace (Sunday–Thursday, 09:00–17:00, Asia/Jerusalem)."""
    return init_workspace(tmp_path / "ws", country="IL")


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED_DATASETS.exists():
        pytest.skip(f"real datasets not found at {SHARED_DATASETS} (they sit beside the project, not in it)")
    return SHARED_DATASETS


@pytest.fixture
def ticket_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked helpdesk of tests/ticket_fixture.py in an Israeli workspace with an SLA policy."""
    from ticket_fixture import load_fixture, with_sla

    from kpidesk.workspace import default_settings

    ws = init_workspace(tmp_path / "tickets", settings=with_sla(default_settings(country="IL")))
    with ws.connect() as con:
        load_fixture(con)
    return ws


@pytest.fixture
def call_workspace(tmp_path: Path) -> Workspace:
    """The hand-worked call center of tests/call_fixture.py in an Israeli workspace, without tickets."""
    from call_fixture import load_calls

    ws = init_workspace(tmp_path / "calls", country="IL")
    with ws.connect() as con:
        load_calls(con)
    return ws


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Spark local-mode session for the whole run (starting the JVM is the slow part)."""
    sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (pip install -e '.[spark]')")
    try:
        session = (
            sql.SparkSession.builder.master("local[2]")
            .appName("kpidesk-tests")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
            .getOrCreate()
        )
    except Exception as exc:
        pytest.skip(f"Spark local mode could not start (needs Java 17 on PATH or JAVA_HOME): {exc}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_cluster() -> Iterator[str]:
    """A Spark standalone cluster on loopback (a master and two one-core workers launched from the pyspark
    package, tests/spark_cluster.py) for the whole run; yields its `spark://127.0.0.1:PORT` URL."""
    from spark_cluster import LoopbackCluster, cluster_unavailable_reason

    reason = cluster_unavailable_reason()
    if reason is not None:
        pytest.skip(f"no Spark standalone cluster: {reason}")
    with LoopbackCluster(workers=2, cores_per_worker=1, memory_per_worker="2g") as cluster:
        yield cluster.url


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """A small demo (300 tickets with their calls, surveys, people and customers, seed 3), built once for
    the run; its workspace is only read."""
    from kpidesk import build_demo

    return build_demo(tmp_path_factory.mktemp("demo-template") / "demo", n_tickets=300, seed=3)


@pytest.fixture(scope="session")
def demo_template(demo_build: DemoResult) -> Path:
    """The folder of the small demo workspace (`demo_build`): a fixture that needs the demo copies this
    folder (a fraction of a second) instead of building its own (many seconds)."""
    return demo_build.workspace.path


@pytest.fixture(scope="session")
def medium_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-ticket demo (seed 7), built once for the run: enough agents per team and tickets per week
    for significant changes, team averages and target statuses; only read — copy it to change it."""
    from demo_fixture import demo_workspace

    # Its data only: no test of it reads the report, plan or users `build_demo` adds, most of a build's time.
    return demo_workspace(tmp_path_factory.mktemp("medium-demo") / "demo", 3000, seed=7).path


@pytest.fixture(scope="session")
def small_demo(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the small demo workspace (`demo_template`); read, never written."""
    return copy_workspace(demo_template, tmp_path_factory.mktemp("demo") / "demo")


@pytest.fixture(scope="session")
def four_sources(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The four real exports imported into one Israeli workspace, once for the run; read, never written."""
    import kpidesk
    from kpidesk.ingest.exports import import_export

    missing = [str(path) for path, _, _ in FOUR_SOURCES if not path.exists()]
    if missing:
        pytest.skip(f"real datasets not found: {', '.join(missing)} (they sit beside the project)")
    ws = init_workspace(tmp_path_factory.mktemp("four-sources") / "ws", country="IL")
    with ws.connect() as con:
        for path, fmt, mapping in FOUR_SOURCES:
            import_export(con, [path], fmt, mapping=mapping)
    kpidesk.refresh_facts(ws)
    return ws


@pytest.fixture(scope="session")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Two sources imported through the importer, one import undone, one row rejected
    (tests/contents_fixture.py); read, never written."""
    from contents_fixture import load_two_sources

    ws = init_workspace(tmp_path_factory.mktemp("two-sources") / "ws", country="IL")
    load_two_sources(ws)
    return ws


@pytest.fixture(scope="session")
def target_history(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Two teams' monthly first reply times chosen by hand (tests/target_history_fixture.py); read, never
    written."""
    from target_history_fixture import build_target_history

    return build_target_history(tmp_path_factory.mktemp("target-history") / "ws")
