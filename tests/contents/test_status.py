"""`kpidesk.status`: settings, sources, imports, rejected rows and fact freshness, against the figures
worked out by hand in tests/contents_fixture.py and counted independently from the demo's files."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import kpidesk
from kpidesk.workspace import Workspace

DEMO_FILES = {
    "tickets": ("tickets", "created_at"),
    "events": ("events", "at"),
    "calls": ("calls", "arrived_at"),
    "surveys": ("surveys", None),
    "agents": ("agents", None),
    "agent_states": ("agent_states", "start"),
    "customers": ("customers", None),
    "qa": ("qa", "reviewed_at"),
}


def test_two_sources_one_undone_import_and_a_rejected_row(two_sources: Workspace) -> None:
    result = kpidesk.status(two_sources)
    assert (result.country, result.timezone, result.week_start, result.locale) == (
        "IL",
        "Asia/Jerusalem",
        "sun",
        "he",
    )
    assert [(c.name, c.hours, c.country) for c in result.calendars] == [
        ("default", "sun–thu 09:00-17:00", "IL")
    ]
    # alpha: A1 and A2 (A3 rejected, A4 undone); A2 at 23:30 UTC is 01:30 on 3 March in Jerusalem.
    tables = {s.source: [(t.kind, t.rows, t.first, t.last) for t in s.tables] for s in result.sources}
    assert tables == {
        "alpha": [("tickets", 2, date(2026, 3, 1), date(2026, 3, 3)), ("agents", 3, None, None)],
        "beta": [
            ("tickets", 2, date(2026, 3, 4), date(2026, 3, 5)),
            ("calls", 3, date(2026, 3, 4), date(2026, 3, 5)),
        ],
    }
    assert [(s.first, s.last) for s in result.sources] == [
        (date(2026, 3, 1), date(2026, 3, 3)),
        (date(2026, 3, 4), date(2026, 3, 5)),
    ]
    assert result.import_count == 5
    assert [
        (i.import_id, i.kind, i.source, i.read, i.inserted, i.rejected, i.undone) for i in result.imports
    ] == [
        (1, "tickets", "alpha", 3, 2, 1, False),
        (2, "agents", "alpha", 3, 3, 0, False),
        (3, "tickets", "beta", 2, 2, 0, False),
        (4, "calls", "beta", 3, 3, 0, False),
        (5, "tickets", "alpha", 1, 1, 0, True),
    ]
    assert [Path(f).name for f in result.imports[-1].files] == ["late.csv"]
    assert [(r.import_id, r.kind, r.rejected, r.repaired) for r in result.rejected] == [(1, "tickets", 1, 0)]
    facts = result.facts
    # The undo derived the facts again: current with import 4, the last one kept.
    assert (facts.current, facts.derived, facts.last_import, facts.pending_tickets) == (True, True, 4, 0)
    assert (facts.tickets, facts.calls) == (4, 3)
    started = result.imports[-1].started_at
    assert facts.derived_at is not None and started is not None and facts.derived_at >= started
    assert facts.describe() == (
        f"current with import 4 · derived {facts.derived_at:%Y-%m-%d %H:%M} UTC · 4 tickets, 3 calls"
    )


def test_last_imports_keeps_the_newest(two_sources: Workspace) -> None:
    result = kpidesk.status(two_sources, last_imports=2)
    assert [i.import_id for i in result.imports] == [4, 5] and result.import_count == 5
    assert kpidesk.status(two_sources, last_imports=0).imports == ()


def test_as_dict_is_plain_json(two_sources: Workspace) -> None:
    data = kpidesk.status(two_sources).as_dict()
    assert data["week_start"] == "sun" and data["import_count"] == 5
    assert data["sources"][1] == {
        "source": "beta",
        "first": "2026-03-04",
        "last": "2026-03-05",
        "tables": [
            {"table": "tickets", "kind": "tickets", "rows": 2, "first": "2026-03-04", "last": "2026-03-05"},
            {"table": "calls", "kind": "calls", "rows": 3, "first": "2026-03-04", "last": "2026-03-05"},
        ],
    }
    assert data["rejected"] == [{"import_id": 1, "kind": "tickets", "rejected": 1, "repaired": 0}]
    assert data["imports"][4]["undone"] is True and data["imports"][0]["undone"] is False
    assert data["facts"]["current"] is True and data["facts"]["last_import"] == 4
    assert data["facts"]["text"].startswith("current with import 4 · derived ")


def test_an_empty_workspace(workspace: Workspace) -> None:
    result = kpidesk.status(workspace)
    assert (result.sources, result.imports, result.import_count, result.rejected) == ((), (), 0, ())
    assert result.facts.last_import is None and (result.facts.tickets, result.facts.calls) == (0, 0)
    assert result.facts.describe() == "not derived yet; the next KPI query derives them"


def test_facts_out_of_date_say_why(workspace: Workspace, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("ticket_id,created_at,status\nT1,2026-03-01T06:00:00Z,open\n", encoding="utf-8")
    kpidesk.import_files([first], "tickets", workspace=workspace, derive_facts=False)
    assert kpidesk.status(workspace).facts.describe() == "not derived yet; the next KPI query derives them"

    kpidesk.refresh_facts(workspace)
    derived = kpidesk.status(workspace).facts
    assert derived.current and derived.last_import == 1 and derived.derived_at is not None
    assert derived.describe().endswith("· 1 ticket, 0 calls")

    more = tmp_path / "more.csv"
    more.write_text(
        "ticket_id,created_at,status\nT2,2026-03-02T06:00:00Z,open\nT3,2026-03-02T07:00:00Z,open\n",
        encoding="utf-8",
    )
    kpidesk.import_files([more], "tickets", workspace=workspace, derive_facts=False)
    stale = kpidesk.status(workspace).facts
    assert (stale.current, stale.pending_tickets, stale.last_import, stale.tickets) == (False, 2, 2, 1)
    when = f"{derived.derived_at:%Y-%m-%d %H:%M}"
    assert stale.describe() == (
        f"out of date: 2 tickets imported since they were derived (derived {when} UTC); the next KPI query "
        "derives them again"
    )

    kpidesk.refresh_facts(workspace)
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name\na1,Dana\n", encoding="utf-8")
    kpidesk.import_files([agents], "agents", workspace=workspace, derive_facts=False)
    changed = kpidesk.status(workspace).facts
    assert (changed.current, changed.pending_tickets) == (False, 0)
    assert changed.describe().startswith(
        "out of date: calls, agents, calendars or the dates held changed since they were derived (derived "
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _local_day(text: str) -> date:
    instant = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return instant.astimezone(ZoneInfo("Asia/Jerusalem")).date()


def test_the_demo_holds_what_its_files_hold(small_demo: Workspace) -> None:
    result = kpidesk.status(small_demo, last_imports=10)
    assert [s.source for s in result.sources] == ["demo"]
    held = {t.kind: t for t in result.sources[0].tables}
    assert set(held) == set(DEMO_FILES)
    for kind, (file, dated_by) in DEMO_FILES.items():
        rows = _csv_rows(small_demo.path / "data" / f"{file}.csv")
        assert held[kind].rows == len(rows), kind
        if dated_by is not None:
            days = [_local_day(r[dated_by]) for r in rows if r[dated_by]]
            assert (held[kind].first, held[kind].last) == (min(days), max(days)), kind
    surveys = _csv_rows(small_demo.path / "data" / "surveys.csv")
    answered = [_local_day(r["responded_at"] or r["sent_at"]) for r in surveys]
    assert (held["surveys"].first, held["surveys"].last) == (min(answered), max(answered))
    assert [(i.import_id, i.kind, i.undone) for i in result.imports] == [
        (n, kind, False)
        for n, kind in enumerate(
            ("agents", "customers", "agent_states", "tickets", "events", "calls", "surveys", "qa"), start=1
        )
    ]
    assert result.rejected == ()
    assert result.facts.current and result.facts.last_import == 8
    assert result.facts.tickets == len(_csv_rows(small_demo.path / "data" / "tickets.csv"))
    assert result.facts.calls == len(_csv_rows(small_demo.path / "data" / "calls.csv"))
