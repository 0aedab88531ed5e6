"""Undoing an import: the warehouse, facts included, exactly as before it; refused when a later import
changed the same rows; a built-in export's imports undone together. Real warehouse files throughout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kpidesk
from kpidesk.ingest import UndoRefused
from kpidesk.warehouse import CANONICAL_TABLES
from kpidesk.workspace import Workspace

ZENDESK = Path(__file__).resolve().parent / "exports" / "fixtures" / "zendesk"
DERIVED = ("ticket_facts", "reply_stretches", "ticket_open_spans", "manager_reach", "call_facts")

HEBREW = (
    "ticket_id,created_at,status,team_id,subject,first_reply_at,first_solved_at,last_solved_at\n"
    "H1,2026-03-01 08:00:00,solved,billing,שלום עולם,2026-03-01 09:00:00,2026-03-01 10:00:00,"
    "2026-03-01 10:00:00\n"
    "H2,2026-03-02 08:00:00,open,billing,החזר כספי,,,\n"
    "H3,2026-03-03 08:00:00,solved,billing,תודה רבה,2026-03-03 08:30:00,2026-03-03 12:00:00,"
    "2026-03-03 12:00:00\n"
    "H4,2026-03-04 08:00:00,open,billing,invoice copy,,,\n"
)


def warehouse_rows(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every canonical table, of rejected_rows and of the derived facts."""
    tables = [t.name for t in CANONICAL_TABLES] + ["rejected_rows", *DERIVED]
    with ws.connect(read_only=True) as con:
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def test_undo_of_a_misread_file_gives_back_the_rows_byte_for_byte(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    good = write("hebrew.csv", HEBREW)
    # The same rows saved by Excel in windows-1255, then declared as Latin-1 by mistake.
    misread = write("hebrew-1255.csv", HEBREW, encoding="windows-1255")
    kpidesk.import_files([good], "tickets", workspace=workspace)
    before = warehouse_rows(workspace)
    assert len(before["ticket_facts"]) == 4

    summary = kpidesk.import_files([misread], "tickets", workspace=workspace, encoding="latin-1")
    # H1–H3 have Hebrew subjects, each read as other letters; H4's English subject reads the same.
    assert (summary.import_id, summary.updated, summary.unchanged) == (2, 3, 1)
    (warning,) = summary.warnings
    assert warning.startswith(
        f"import 2 replaced Hebrew text with Latin letters in 3 rows of tickets.subject ({misread} line 2, "
        "column subject: 'שלום עולם' → 'ùìåí òåìí'); the file was read as latin-1 but is probably "
        "windows-1255"
    )
    assert "`kpidesk imports undo 2`" in warning and "--encoding windows-1255" in warning
    assert f"warning: {warning}" in summary.lines()
    damaged = warehouse_rows(workspace)
    assert damaged["tickets"] != before["tickets"]

    result = kpidesk.undo_import(2, workspace=workspace)
    assert (result.import_ids, result.deleted, result.restored) == ([2], {"tickets": 0}, {"tickets": 3})
    after = warehouse_rows(workspace)
    assert after == before
    with workspace.connect(read_only=True) as con:
        subjects = con.execute("SELECT ticket_id, subject, import_id FROM tickets ORDER BY 1").fetchall()
    assert [s.encode("utf-8") for _, s, _ in subjects] == [
        "שלום עולם".encode(),
        "החזר כספי".encode(),
        "תודה רבה".encode(),
        b"invoice copy",
    ]
    assert {i for _, _, i in subjects} == {1}

    frame = kpidesk.imports(workspace)
    assert frame[["import_id", "updated", "undone"]].values.tolist() == [[1, 0, False], [2, 3, True]]
    with pytest.raises(UndoRefused, match=r"^import 2 is already undone \(at "):
        kpidesk.undo_import(2, workspace=workspace)


def test_undo_of_new_rows_removes_them_and_their_facts(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    kpidesk.import_files([write("first.csv", HEBREW)], "tickets", workspace=workspace)
    before = warehouse_rows(workspace)
    # Two years later: the calendar slots grow to cover them, and shrink back after the undo.
    later = write(
        "later.csv",
        "ticket_id,created_at,status,team_id,subject\n"
        "N1,2028-06-01 08:00:00,open,billing,new one\n"
        "N2,2028-06-02 08:00:00,bogus,billing,rejected\n",
    )
    summary = kpidesk.import_files([later], "tickets", workspace=workspace)
    assert (summary.inserted, summary.rejected) == (1, 1)
    assert len(warehouse_rows(workspace)["ticket_facts"]) == 5

    result = kpidesk.undo_import(summary.import_id, workspace=workspace)
    assert (result.deleted, result.restored, result.rejected) == ({"tickets": 1}, {"tickets": 0}, 1)
    assert warehouse_rows(workspace) == before


def test_undo_is_refused_while_a_later_import_changed_the_same_rows(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    kpidesk.import_files([write("first.csv", HEBREW)], "tickets", workspace=workspace)
    empty_facts = warehouse_rows(workspace)
    update = write(
        "update.csv",
        "ticket_id,created_at,status,team_id,subject\n"
        "H2,2026-03-02 08:00:00,solved,billing,החזר כספי\n"  # H2 solved now: updated
        "H5,2026-03-05 08:00:00,open,billing,חדש\n",  # inserted
    )
    second = kpidesk.import_files([update], "tickets", workspace=workspace)
    assert (second.import_id, second.inserted, second.updated) == (2, 1, 1)
    with pytest.raises(UndoRefused) as refused:
        kpidesk.undo_import(1, workspace=workspace)
    assert str(refused.value) == (
        "rows of import 1 were changed again by import 2 (tickets, 1 row); undo 2 first. Nothing was changed"
    )
    assert len(warehouse_rows(workspace)["tickets"]) == 5

    assert kpidesk.undo_import(2, workspace=workspace).lines() == [
        "undid import 2",
        "  tickets: 1 inserted rows deleted, 1 replaced rows put back",
        "  0 rejected rows removed",
    ]
    assert warehouse_rows(workspace) == empty_facts
    kpidesk.undo_import(1, workspace=workspace)
    assert all(not rows for rows in warehouse_rows(workspace).values())


def test_one_import_of_two_files_goes_back_to_the_rows_before_it(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    header = "ticket_id,created_at,status\n"
    first_file = write("a.csv", header + "K1,2026-03-01 08:00:00,new\n")
    kpidesk.import_files([first_file], "tickets", workspace=workspace)
    before = warehouse_rows(workspace)
    # File 1 replaces K1 and inserts K2; file 2 replaces both again, within the same import.
    first = write("b.csv", header + "K1,2026-03-01 08:00:00,open\nK2,2026-03-02 08:00:00,new\n")
    second = write("c.csv", header + "K1,2026-03-01 08:00:00,solved\nK2,2026-03-02 08:00:00,open\n")
    summary = kpidesk.import_files([first, second], "tickets", workspace=workspace)
    assert (summary.inserted, summary.updated) == (1, 3)
    kpidesk.undo_import(summary.import_id, workspace=workspace)
    assert warehouse_rows(workspace) == before


def test_a_built_in_export_is_undone_as_one_import(workspace: Workspace) -> None:
    kpidesk.refresh_facts(workspace)
    before = warehouse_rows(workspace)
    files = [ZENDESK / n for n in ("tickets.json", "audits.json", "users.json", "satisfaction_ratings.json")]
    summaries = kpidesk.import_export(files, "zendesk", workspace=workspace)
    ids = [s.import_id for s in summaries]
    assert len(ids) >= 3 and ids == list(range(1, len(ids) + 1))
    assert {s.kind for s in summaries} >= {"tickets", "events", "surveys"}

    result = kpidesk.undo_import(ids[1], workspace=workspace)
    assert result.import_ids == sorted(ids, reverse=True)
    assert warehouse_rows(workspace) == before
    assert kpidesk.imports(workspace)["undone"].tolist() == [True] * len(ids)
    assert kpidesk.rejected(workspace).empty


def test_unknown_import(workspace: Workspace) -> None:
    with pytest.raises(UndoRefused, match=r"^there is no import 4; `kpidesk imports` lists them$"):
        kpidesk.undo_import(4, workspace=workspace)


def test_undo_of_changed_calls_derives_their_facts_again(
    workspace: Workspace, write: Callable[..., Path]
) -> None:
    header = "call_id,queue,arrived_at,answered_at,ended_at,talk_s\n"
    first = write(
        "calls.csv",
        header + "C1,billing,2026-03-01 08:00:00,2026-03-01 08:00:30,2026-03-01 08:05:00,270\n"
        "C2,billing,2026-03-01 09:00:00,,,\n",
    )
    kpidesk.import_files([first], "calls", workspace=workspace)
    before = warehouse_rows(workspace)
    # C2 was answered after all, after 60 s in the queue: its facts change.
    fixed = write(
        "fixed.csv", header + "C2,billing,2026-03-01 09:00:00,2026-03-01 09:01:00,2026-03-01 09:03:00,120\n"
    )
    assert kpidesk.import_files([fixed], "calls", workspace=workspace).updated == 1
    assert warehouse_rows(workspace)["call_facts"] != before["call_facts"]
    kpidesk.undo_import(2, workspace=workspace)
    assert warehouse_rows(workspace) == before
