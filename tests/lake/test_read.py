"""Reading the lake through `lake_tables`: KPIs computed on DuckDB from the lake's tables, with facts
derived there from them, equal the warehouse's; `fact_tables`, `facts_location` and `record_facts` over
folders of Parquet files; the lake's last day equals the warehouse's."""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest
from demo_fixture import copy_workspace
from lake_fixture import with_lake

import kpidesk
from kpidesk.calendars import SLOTS_TABLE, build_slots, slot_range_for
from kpidesk.facts import CALL_FACTS_TABLE, MANAGER_REACH_TABLE, build_call_facts, build_ticket_facts
from kpidesk.lake import (
    LakeError,
    LakeFacts,
    LakeManifest,
    export_lake,
    fact_tables,
    facts_location,
    lake_tables,
    read_manifest,
    record_facts,
)
from kpidesk.metrics import KpiQuery, KpiTables, compute_kpis
from kpidesk.workspace import Workspace

#: Every instant a fact or a per-day metric may read, per table: the slots must cover them all.
_INSTANTS = {
    "tickets": ("created_at", "first_reply_at", "first_solved_at", "last_solved_at", "closed_at"),
    "ticket_events": ("at",),
    "calls": ("arrived_at", "answered_at", "abandoned_at", "ended_at"),
    "agent_states": ("start", "end"),
    "surveys": ("sent_at", "responded_at"),
    "qa_reviews": ("reviewed_at",),
}


@pytest.fixture(scope="module")
def exported(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the small demo, exported to its lake once; read, never written."""
    ws = with_lake(copy_workspace(demo_template, tmp_path_factory.mktemp("lake-read") / "demo"))
    export_lake(ws)
    return ws


def _lake_kpi_tables(ws: Workspace, manifest: LakeManifest) -> KpiTables:
    """KpiTables on an in-memory DuckDB: canonical tables read from the lake, slots built from the
    calendars over the lake's instants, facts derived there by the same Ibis code as the warehouse's."""
    icon = ibis.duckdb.connect()
    tables = lake_tables(icon, manifest)
    bounds = [(tables[t][c].min(), tables[t][c].max()) for t, columns in _INSTANTS.items() for c in columns]
    values = [v for pair in bounds for v in (pair[0].execute(), pair[1].execute()) if v is not None]
    start, end = slot_range_for(min(values), max(values))
    icon.create_table(SLOTS_TABLE, build_slots(ws.settings.calendars, start, end))

    def materialize(name: str, expr: ir.Table, temporary: bool) -> ir.Table:
        return icon.create_table(name, expr, overwrite=True)

    build_ticket_facts(icon, ws.settings, materialize)
    return KpiTables(
        facts=icon.table("ticket_facts"),
        stretches=icon.table("reply_stretches"),
        spans=icon.table("ticket_open_spans"),
        calls=build_call_facts(icon, ws.settings, materialize),
        slots=icon.table(SLOTS_TABLE),
        surveys=tables["surveys"],
        agents=tables["agents"],
        agent_states=tables["agent_states"],
        customers=tables["customers"],
        qa=tables["qa_reviews"],
        events=tables["ticket_events"],
        manager_reach=icon.table(MANAGER_REACH_TABLE),
    )


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> None:
    """The same rows and values (`left` from `kpidesk.kpis`, which adds the agents' names afterwards)."""
    assert len(left) == len(right) > 0
    left = left.drop(columns=[c for c in ("agent_name",) if c in left.columns and c not in right.columns])
    assert list(left.columns) == list(right.columns)
    left = left.sort_values(keys, na_position="last").reset_index(drop=True)
    right = right.sort_values(keys, na_position="last").reset_index(drop=True)
    for column in left.columns:
        for i, (a, b) in enumerate(zip(left[column], right[column], strict=True)):
            a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT
            b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
            if a_missing or b_missing:
                assert a_missing and b_missing, (column, i, a, b)
            elif isinstance(a, float):
                assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (column, i, a, b)
            else:
                assert a == b, (column, i, a, b)


@pytest.mark.parametrize(
    "query",
    [
        KpiQuery(by=["team"], period="week"),
        KpiQuery(by=["channel"], period="month", business_hours=True, stat="p90"),
        KpiQuery(by=["queue"], period="all", business_hours=True, stat="mean"),
    ],
    ids=["team-week", "channel-month-business-p90", "queue-all-business-mean"],
)
def test_kpis_over_the_lake_equal_the_warehouses(exported: Workspace, query: KpiQuery) -> None:
    lake = compute_kpis(
        _lake_kpi_tables(exported, read_manifest(exported.lake_location)), exported.settings, query
    )
    warehouse = kpidesk.kpis(
        exported,
        metrics=query.metrics,
        by=query.by,
        period=query.period,
        business_hours=query.business_hours,
        stat=query.stat,
    )
    keys = ["metric", "stat", "period_start", *query.by, *(["sla_metric"] if "sla_metric" in lake else [])]
    _same(warehouse, lake, keys)
    # Not vacuous: ticket and call metrics with values.
    assert lake["value"].notna().sum() > 10


def test_a_table_without_rows_keeps_its_columns(exported: Workspace) -> None:
    icon = ibis.duckdb.connect()
    figures = lake_tables(icon, read_manifest(exported.lake_location))["source_figures"]
    with exported.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM source_figures").fetchall()[0] == (0,)
        warehouse_schema = ibis.duckdb.from_connection(con).table("source_figures").schema()
    assert figures.count().execute() == 0
    assert figures.schema() == warehouse_schema


def test_last_day_equals_the_warehouses(exported: Workspace) -> None:
    manifest = read_manifest(exported.lake_location)
    assert manifest.last_day(exported.settings.timezone) == kpidesk.last_data_day(exported)
    with exported.connect(read_only=True) as con:
        spans = con.execute(
            "SELECT 'tickets', source, min(created_at), max(created_at) FROM tickets GROUP BY ALL UNION ALL "
            "SELECT 'calls', source, min(arrived_at), max(arrived_at) FROM calls "
            "WHERE arrived_at IS NOT NULL GROUP BY ALL UNION ALL "
            "SELECT 'surveys', source, min(responded_at), max(responded_at) "
            "FROM surveys WHERE responded_at IS NOT NULL GROUP BY ALL"
        ).fetchall()
    assert sorted(manifest.spans()) == sorted(spans)


@pytest.mark.parametrize(
    ("instant", "zone"), [("2026-08-31 22:30", "Asia/Jerusalem"), ("2026-09-01 03:00", "America/New_York")]
)
def test_last_day_is_the_local_day_of_the_last_instant(lake_demo: Workspace, instant: str, zone: str) -> None:
    """A last ticket late in the UTC evening is the next local day in Jerusalem (UTC+3 in summer), and one
    early in the UTC morning the day before in New York (UTC-4)."""
    with lake_demo.connect() as con:
        con.execute(
            "INSERT INTO tickets (source, ticket_id, created_at, status) VALUES ('late', 'L1', ?, 'open')",
            [datetime.fromisoformat(instant)],
        )
    settings = lake_demo.path / "kpidesk.toml"
    text = settings.read_text(encoding="utf-8")
    zone_line = next(line for line in text.splitlines() if line.startswith("timezone"))
    settings.write_text(text.replace(zone_line, f'timezone = "{zone}"'), encoding="utf-8")
    ws = kpidesk.open_workspace(lake_demo.path)
    export_lake(ws)
    expected = "2026-09-01" if zone == "Asia/Jerusalem" else "2026-08-31"
    assert str(kpidesk.last_data_day(ws)) == expected
    assert str(read_manifest(ws.lake_location).last_day(zone)) == expected


def _write_facts(con: duckdb.DuckDBPyConnection, folder: Path, rows: list[tuple[str, int]]) -> None:
    """A fact table's folder as Spark leaves it: part files, an empty marker and a checksum file."""
    folder.mkdir(parents=True)
    for i, (ticket, seconds) in enumerate(rows):
        target = folder / f"part-{i:05d}.parquet"
        con.execute(
            f"COPY (SELECT '{ticket}' AS ticket_id, {seconds}::BIGINT AS first_reply_s) TO '{target}' "
            "(FORMAT parquet)"
        )
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-00000.parquet.crc").write_text("not parquet")


def test_facts_are_recorded_read_and_replaced(exported: Workspace, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(exported.lake_location, lake)
    manifest = read_manifest(str(lake))
    assert manifest.facts is None
    with pytest.raises(LakeError, match="holds no facts yet"):
        fact_tables(ibis.duckdb.connect(), manifest)

    con = duckdb.connect()
    absolute, relative = facts_location(manifest, "generation 1, settings abc")
    assert absolute == f"{lake}/{relative}" and relative.startswith("facts/")
    _write_facts(con, Path(absolute) / "ticket_facts", [("T1", 60), ("T2", 120)])
    _write_facts(con, Path(absolute) / CALL_FACTS_TABLE, [("C1", 5)])
    derived = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    facts = LakeFacts(
        "generation 1, settings abc",
        {"ticket_facts": f"{relative}/ticket_facts", CALL_FACTS_TABLE: f"{relative}/{CALL_FACTS_TABLE}"},
        derived,
    )
    recorded = record_facts(str(lake), facts)
    assert recorded.facts == facts == read_manifest(str(lake)).facts
    assert recorded.generation == manifest.generation
    read = fact_tables(ibis.duckdb.connect(), recorded)
    assert sorted(read["ticket_facts"].to_pyarrow().to_pylist(), key=str) == [
        {"ticket_id": "T1", "first_reply_s": 60},
        {"ticket_id": "T2", "first_reply_s": 120},
    ]
    assert read[CALL_FACTS_TABLE].count().execute() == 1

    # New facts replace them; the replaced folder is deleted; an export keeps the facts it finds.
    newer, newer_relative = facts_location(recorded, "generation 1, settings def")
    assert newer != absolute
    _write_facts(con, Path(newer) / "ticket_facts", [("T3", 30)])
    record_facts(
        str(lake),
        LakeFacts("generation 1, settings def", {"ticket_facts": f"{newer_relative}/ticket_facts"}, derived),
    )
    assert not Path(absolute).exists()
    assert Path(newer).is_dir()
    kept = read_manifest(str(lake))
    assert kept.facts is not None and kept.facts.key == "generation 1, settings def"
    assert fact_tables(ibis.duckdb.connect(), kept)["ticket_facts"].count().execute() == 1

    shutil.rmtree(Path(newer) / "ticket_facts")
    with pytest.raises(LakeError, match=r"fact table ticket_facts has no Parquet file in .*derive the facts"):
        fact_tables(ibis.duckdb.connect(), kept)


def test_an_export_keeps_the_facts_of_the_manifest(lake_demo: Workspace) -> None:
    export_lake(lake_demo)
    manifest = read_manifest(lake_demo.lake_location)
    absolute, relative = facts_location(manifest, "g1")
    _write_facts(duckdb.connect(), Path(absolute) / "ticket_facts", [("T1", 1)])
    facts = LakeFacts("g1", {"ticket_facts": f"{relative}/ticket_facts"}, datetime(2026, 12, 1, tzinfo=UTC))
    record_facts(lake_demo.lake_location, facts)
    with lake_demo.connect() as con:
        con.execute("DELETE FROM tickets WHERE created_at < '2026-02-01'")
    result = export_lake(lake_demo)
    assert result.generation == 2
    after = read_manifest(lake_demo.lake_location)
    assert after.facts == facts
    assert fact_tables(ibis.duckdb.connect(), after)["ticket_facts"].count().execute() == 1
