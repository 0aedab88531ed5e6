"""The tables KPIs are computed from on the Spark engine: the lake's canonical tables and the facts derived
from them on the cluster, loaded once per process and lake state (a web app asks many questions of one
state of the lake, and registering the tables or deriving the facts again per request would cost minutes)."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import ibis
import ibis.expr.types as ir

from kpidesk.calendars import SLOTS_TABLE
from kpidesk.engine._progress import SparkProgress
from kpidesk.engine._session import spark_session
from kpidesk.engine._spark_facts import derive_lake_facts, facts_key
from kpidesk.facts import CALL_FACTS_TABLE, MANAGER_REACH_TABLE
from kpidesk.lake import (
    LakeFacts,
    LakeManifest,
    fact_tables,
    facts_location,
    lake_tables,
    read_manifest,
    record_facts,
)
from kpidesk.metrics import KpiTables
from kpidesk.workspace import Workspace

__all__ = ["EngineTables", "spark_tables"]


@dataclass(frozen=True)
class EngineTables:
    """The KPI tables of one engine, and a stamp that changes whenever a figure computed from them may."""

    tables: KpiTables
    generation: Hashable


_lock = threading.Lock()
#: Per lake and engine settings: what was loaded, under the stamp of the lake state it was loaded for.
_loaded: dict[tuple[object, ...], EngineTables] = {}
_lake_locks: dict[tuple[object, ...], threading.Lock] = {}


def spark_tables(ws: Workspace, *, progress: bool = False) -> EngineTables:
    """The KPI tables of `ws`'s lake on Spark (`[engine]` master and conf), the facts derived on the
    cluster and written to the lake first when the lake holds none for its current data and settings.

    Reused while the lake's manifest names the same data and facts; with `progress`, says on stderr what
    runs. LakeError when the lake has no manifest or misses a file; EngineUnavailable when Spark cannot
    start or reach its master."""
    location = ws.lake_location
    engine = ws.settings.engine
    slot = (location, engine.master, tuple(sorted(engine.conf.items())))
    with _lock:
        lake_lock = _lake_locks.setdefault(slot, threading.Lock())
    with lake_lock:
        manifest = read_manifest(location)
        key = facts_key(manifest.generation, ws.settings)
        loaded = _loaded.get(slot)
        if loaded is not None and manifest.facts is not None and loaded.generation == _stamp(manifest, key):
            return loaded
        session = spark_session(engine)
        with SparkProgress(session.sparkContext, enabled=progress) as report:
            # A session of its own per lake state: its temporary views (the tables by their canonical
            # names) are apart from those of other lakes this process reads.
            lake_session = session.newSession()
            for name, value in engine.conf.items():
                if lake_session.conf.isModifiable(name):
                    lake_session.conf.set(name, value)
            icon = ibis.pyspark.connect(lake_session)
            with report.stage("read the lake"):
                canonical = lake_tables(icon, manifest)
            if manifest.facts is None or manifest.facts.key != key:
                directory, relative = facts_location(manifest, key)
                written = derive_lake_facts(lake_session, icon, ws.settings, directory, relative, report)
                with report.stage("record the facts in the lake"):
                    facts = LakeFacts(key=key, tables=written, derived_at=datetime.now(UTC))
                    manifest = record_facts(location, facts)
            derived = fact_tables(icon, manifest)
        loaded = EngineTables(_kpi_tables(canonical, derived), _stamp(manifest, key))
        _loaded[slot] = loaded
        return loaded


def _stamp(manifest: LakeManifest, key: str) -> Hashable:
    """The lake state tables were loaded for: its data and the facts it names (another process may derive
    them again, which deletes the folders of the ones they replace)."""
    facts = manifest.facts
    named = tuple(sorted(facts.tables.items())) if facts is not None else None
    return (manifest.location, manifest.generation, key, facts.key if facts else None, named)


def _kpi_tables(canonical: Mapping[str, ir.Table], derived: Mapping[str, ir.Table]) -> KpiTables:
    return KpiTables(
        facts=derived["ticket_facts"],
        stretches=derived["reply_stretches"],
        spans=derived["ticket_open_spans"],
        calls=derived[CALL_FACTS_TABLE],
        slots=derived[SLOTS_TABLE],
        surveys=canonical["surveys"],
        agents=canonical["agents"],
        agent_states=canonical["agent_states"],
        customers=canonical["customers"],
        qa=canonical["qa_reviews"],
        events=canonical["ticket_events"],
        manager_reach=derived[MANAGER_REACH_TABLE],
    )
