"""KPIs on the Spark engine read the lake: facts derived on Spark (local mode) from the exported demo give
every value DuckDB gives on the warehouse; they are written to the lake and reused until the lake changes;
a partition file gone from the lake is named."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from demo_fixture import copy_workspace

from kpidesk import import_files, kpis
from kpidesk.engine import EngineTables, facts_key, spark_tables
from kpidesk.lake import LakeError, export_lake, read_manifest
from kpidesk.metrics import CATALOGUE, KpiQuery, compute_kpis
from kpidesk.workspace import EngineSettings, LakeSettings, Workspace, open_workspace, save_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "metrics"))
from test_spark_parity import _same

pytestmark = pytest.mark.spark

CALL_METRICS = [m.id for m in CATALOGUE if m.area == "calls"]


def on_spark(ws: Workspace, master: str, conf: dict[str, str] | None = None) -> Workspace:
    """`ws` with a lake in its folder and KPIs computed on Spark at `master`, as kpidesk.toml says it."""
    engine = EngineSettings(backend="spark", master=master, conf=dict(conf or {}))
    settings = dataclasses.replace(ws.settings, lake=LakeSettings("lake"), engine=engine)
    save_settings(settings, ws.path / "kpidesk.toml")
    return open_workspace(ws.path)


def assert_same_kpis(ws: Workspace, tables: EngineTables, query: KpiQuery) -> None:
    duck = kpis(
        ws,
        metrics=query.metrics,
        by=query.by,
        period=query.period,
        business_hours=query.business_hours,
        stat=query.stat,
    )
    spark = compute_kpis(tables.tables, ws.settings, query)
    keys = ["metric", "stat", "period_start", *query.by, *(["sla_metric"] if "sla_metric" in duck else [])]
    _same(duck, spark, keys)


@pytest.fixture(scope="module")
def lake_demo(spark: Any, demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the small demo with its lake exported, computed on the test session's Spark (local[2])."""
    ws = on_spark(copy_workspace(demo_template, tmp_path_factory.mktemp("lake-demo") / "demo"), "local[2]")
    export_lake(ws)
    return ws


@pytest.fixture(scope="module")
def demo_tables(lake_demo: Workspace) -> EngineTables:
    return spark_tables(lake_demo)


@pytest.mark.parametrize(
    "query",
    [
        KpiQuery(by=["team"], period="week"),
        KpiQuery(
            metrics=[
                "first_reply_time",
                "reply_time",
                "full_resolution_time",
                "sla_attainment",
                "asa",
                "aht",
            ],
            by=["agent"],
            period="month",
            business_hours=True,
            stat=["mean", "p90"],
        ),
        KpiQuery(
            metrics=[
                m.id for m in CATALOGUE if m.area in ("surveys", "people", "qa", "staffing", "customers")
            ],
            period="month",
        ),
    ],
    ids=["team-week", "agent-month-business-mean-p90", "surveys-people-qa-staffing-customers-month"],
)
def test_kpis_on_the_lake_equal_duckdbs(
    lake_demo: Workspace, demo_tables: EngineTables, query: KpiQuery
) -> None:
    assert_same_kpis(lake_demo, demo_tables, query)


def test_the_facts_are_in_the_lake_and_reused(
    lake_demo: Workspace, demo_tables: EngineTables, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = read_manifest(lake_demo.lake_location)
    assert manifest.facts is not None
    assert manifest.facts.key == facts_key(manifest.generation, lake_demo.settings)
    assert set(manifest.facts.tables) == {
        "ticket_facts",
        "reply_stretches",
        "ticket_open_spans",
        "manager_reach",
        "call_facts",
        "calendar_slots",
    }
    for folder in manifest.facts.tables.values():
        assert list((Path(lake_demo.lake_location) / folder).glob("*.parquet"))
    # Within the process: the same tables, nothing read again.
    assert spark_tables(lake_demo) is demo_tables
    # Another process (here: a copy of the workspace, which this process has not loaded) reads the facts
    # the lake holds and derives nothing.
    copy = open_workspace(shutil.copytree(lake_demo.path, tmp_path / "copy"))
    capsys.readouterr()
    loaded = spark_tables(copy, progress=True)
    said = capsys.readouterr().err
    assert "read the lake: done in" in said
    assert "derive" not in said
    again = read_manifest(copy.lake_location)
    assert again.facts == manifest.facts
    assert loaded.generation != demo_tables.generation
    assert_same_kpis(copy, loaded, KpiQuery(metrics=CALL_METRICS, by=["queue"], period="all"))


def test_a_missing_partition_file_is_named(lake_demo: Workspace, tmp_path: Path) -> None:
    copy = open_workspace(shutil.copytree(lake_demo.path, tmp_path / "copy"))
    gone = Path(read_manifest(copy.lake_location).files("calls")[0])
    gone.unlink()
    with pytest.raises(LakeError) as caught:
        spark_tables(copy)
    message = str(caught.value)
    assert "the lake's table calls, partition source=demo, month=" in message
    assert str(gone) in message
    assert "run `kpidesk lake export` again" in message


def test_new_data_in_the_lake_derives_the_facts_again(
    lake_demo: Workspace, demo_tables: EngineTables, tmp_path: Path
) -> None:
    """Runs last in this module: it imports 20 more calls into the shared workspace."""
    before = read_manifest(lake_demo.lake_location)
    assert before.facts is not None
    calls = tmp_path / "more_calls.csv"
    with (
        (lake_demo.path / "data" / "calls.csv").open(newline="") as source,
        calls.open("w", newline="") as out,
    ):
        rows = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=rows.fieldnames or [])
        writer.writeheader()
        for row, _ in zip(rows, range(20), strict=False):
            writer.writerow({**row, "call_id": "X" + row["call_id"]})
    import_files([calls], "calls", workspace=lake_demo, source="demo")
    export_lake(lake_demo)
    changed = read_manifest(lake_demo.lake_location)
    assert changed.generation == before.generation + 1

    tables = spark_tables(lake_demo)
    after = read_manifest(lake_demo.lake_location)
    assert tables is not demo_tables
    assert after.facts is not None
    assert after.facts.key == facts_key(changed.generation, lake_demo.settings) != before.facts.key
    assert set(after.facts.tables.values()).isdisjoint(before.facts.tables.values())
    # The facts they replace are deleted from the lake.
    for folder in before.facts.tables.values():
        assert not (Path(lake_demo.lake_location) / folder).exists()
    assert_same_kpis(lake_demo, tables, KpiQuery(metrics=CALL_METRICS, by=["queue"], period="month"))
