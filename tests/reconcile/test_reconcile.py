"""`kpidesk.reconcile` on real exports: the UCI ServiceNow log, the Zendesk fixture and the bank's calls.

Expected figures are computed here from the raw files (pandas on the CSV, the JSON as written), never
taken from kpidesk's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from bank_fixture import BankImport

import kpidesk
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace

SERVICENOW_LOG = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "datasets"
    / "uci-incident-event-log"
    / "incident_event_log_full_stripped.csv"
)
ZENDESK = Path(__file__).resolve().parents[1] / "ingest" / "exports" / "fixtures" / "zendesk"
ZENDESK_FILES = [
    ZENDESK / name
    for name in ("tickets.json", "ticket_metrics.json", "audits.json", "users.json", "agent_opened.json")
]
_STAMP = "%d/%m/%Y %H:%M"


def _row(result: Any, figure: str) -> dict[str, Any]:
    rows = result.summary[result.summary.figure == figure].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def _reasons(result: Any, figure: str) -> dict[str, int]:
    mine = result.reasons[result.reasons.figure == figure]
    return dict(zip(mine.reason_key, mine.units, strict=True))


@pytest.fixture(scope="module")
def uci_log() -> pd.DataFrame:
    """The log in file order, with ServiceNow's `?` as missing."""
    if not SERVICENOW_LOG.exists():
        pytest.skip(f"the UCI incident event log is not at {SERVICENOW_LOG}")
    frame = pd.read_csv(SERVICENOW_LOG, dtype=str, keep_default_na=False)
    frame.columns = ["incident_state" if c == "ident_state" else c for c in frame.columns]
    return frame.replace("?", np.nan)


@pytest.fixture(scope="module")
def uci_result(servicenow_workspace: Workspace) -> Any:
    return kpidesk.reconcile(servicenow_workspace)


@pytest.mark.dataset
def test_uci_full_resolution_against_resolved_at(uci_log: pd.DataFrame, uci_result: Any) -> None:
    log = uci_log
    first = log.number != log.number.shift()
    updated = pd.to_datetime(log.sys_updated_at, format=_STAMP)
    # An update timed before an earlier one of its incident is placed at the earlier one's time.
    placed = updated.groupby(log.number).cummax()
    solved = log.incident_state.isin(["Resolved", "Closed"])
    moves_in = solved & (first | ~solved.shift(fill_value=False))
    last_solve = placed[moves_in].groupby(log.number[moves_in]).last()
    last = log.groupby("number", sort=False).tail(1).set_index("number")
    opened = pd.to_datetime(last.opened_at, format=_STAMP)
    ours = (last_solve.reindex(last.index) - opened).dt.total_seconds()
    theirs = (pd.to_datetime(last.resolved_at, format=_STAMP) - opened).dt.total_seconds()
    gap = (theirs - ours)[theirs.notna()]
    first_state = log[first].set_index("number").incident_state
    ever_resolved = log[log.incident_state == "Resolved"].number.unique()
    no_stamp = last.index[theirs.isna()]
    expected = {
        "units": len(last),
        "compared": int(theirs.notna().sum()),
        "exact": int((gap == 0).sum()),
        "within": int(((gap != 0) & (gap.abs() <= 60)).sum()),
        "differ": int((gap.abs() > 60).sum()),
        "source_missing": len(no_stamp),
    }
    row = _row(uci_result, "full_resolution_time")
    assert {k: row[k] for k in expected} == expected
    assert expected == {
        "units": 24_918,
        "compared": 23_362,
        "exact": 23_066,
        "within": 23,
        "differ": 273,
        "source_missing": 1_556,
    }
    assert row["exact_share"] == pytest.approx(23_066 / 23_362)  # 98.73%
    assert round(row["exact_share"], 3) == 0.987
    assert row["agree_share"] == pytest.approx(23_089 / 23_362)  # 98.83% within the minute
    opened_resolved = int((first_state.reindex(no_stamp) == "Resolved").sum())
    never_resolved = int((~no_stamp.isin(ever_resolved)).sum())
    assert (opened_resolved, never_resolved) == (1_543, 13)
    assert (
        _reasons(uci_result, "full_resolution_time")
        == {
            "restamped": int((gap > 60).sum()),
            "solved_later": int((gap < -60).sum()),
            "opened_solved": opened_resolved,
            "closed_unsolved": never_resolved,
        }
        == {"restamped": 272, "solved_later": 1, "opened_solved": 1_543, "closed_unsolved": 13}
    )
    units = uci_result.units
    named = units[(units.figure == "full_resolution_time") & (units.reason_key == "opened_solved")]
    assert set(named.unit_id) == {f"INC{n}" for n in no_stamp[first_state.reindex(no_stamp) == "Resolved"]}


@pytest.mark.dataset
def test_uci_reopens_and_reassignments(uci_log: pd.DataFrame, uci_result: Any) -> None:
    log = uci_log
    first = log.number != log.number.shift()
    solved = log.incident_state.isin(["Resolved", "Closed"])
    reopened = ~solved & solved.shift(fill_value=False) & ~first
    last = log.groupby("number", sort=False).tail(1).set_index("number")
    ours_reopens = reopened.groupby(log.number).sum().reindex(last.index)
    assert int((ours_reopens == last.reopen_count.astype(int)).sum()) == 24_918
    assert _row(uci_result, "reopens")["exact"] == 24_918
    # Reassignments: changes of group or assignee after the first update that has either.
    group, agent = log.assignment_group, log.assigned_to
    assigned = (group.notna() | agent.notna()).astype(int)
    before = (assigned.groupby(log.number).cumsum() - assigned) > 0
    group_moved = group.fillna("") != group.shift().fillna("")
    moved = group_moved | (agent.fillna("") != agent.shift().fillna(""))
    ours = (before & ~first & moved).groupby(log.number).sum().reindex(last.index)
    groups = (before & ~first & group_moved).groupby(log.number).sum().reindex(last.index)
    theirs = last.reassignment_count.astype(int)
    group_only = (ours > theirs) & (groups == theirs)
    unseen = (groups < theirs) & (theirs < ours)
    row = _row(uci_result, "reassignments")
    assert (row["exact"], row["differ"]) == (int((ours == theirs).sum()), int((ours != theirs).sum()))
    assert (row["exact"], row["differ"]) == (16_813, 8_105)
    assert (
        _reasons(uci_result, "reassignments")
        == {
            "group_only": int(group_only.sum()),
            "source_more_reassignments": int((theirs > ours).sum()),
            "group_only_and_unseen": int(unseen.sum()),
        }
        == {"group_only": 7_912, "source_more_reassignments": 163, "group_only_and_unseen": 30}
    )


@pytest.fixture(scope="module")
def zendesk_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = kpidesk.init_workspace(tmp_path_factory.mktemp("zendesk") / "ws", country="IL")
    with ws.connect() as con:
        import_export(con, ZENDESK_FILES, "zendesk")
    return ws


def _zendesk_metrics() -> dict[str, dict[str, Any]]:
    records = [
        *json.loads((ZENDESK / "ticket_metrics.json").read_text())["ticket_metrics"],
        *json.loads((ZENDESK / "agent_opened.json").read_text())["ticket_metrics"],
    ]
    return {str(m["ticket_id"]): m for m in records}


def test_zendesk_figures_against_the_audits(zendesk_workspace: Workspace) -> None:
    metrics = _zendesk_metrics()
    theirs = {t: m["reply_time_in_minutes"]["calendar"] for t, m in metrics.items()}
    # Source: minutes as written; 104 was never answered (null).
    assert theirs == {"101": 60, "102": 120, "103": 45, "104": None, "106": 90}
    # kpidesk, from the audits: 101 07:00 → Noa 08:00 (the bot at 07:00:40 and the note at 07:30 do not
    # count): 60 min; 102 10:00 → 12:00: 120 min; 103 has no audits, its summary comes from the metrics:
    # 45 min; 106 was opened by Noa at 09:00, Omar wrote at 10:00, Noa replied at 10:30: 30 min.
    result = kpidesk.reconcile(zendesk_workspace, source="zendesk")
    frt = result.units[result.units.figure == "first_reply_time"].set_index("unit_id")
    assert frt.kpidesk_value.fillna(-1).to_dict() == {
        "101": 3600,
        "102": 7200,
        "103": 2700,
        "104": -1,
        "106": 1800,
    }
    assert frt.source_value.fillna(-1).to_dict() == {
        t: -1 if m is None else m * 60 for t, m in theirs.items()
    }
    assert frt.reason_key.dropna().to_dict() == {"104": "unanswered", "106": "agent_opened"}
    row = _row(result, "first_reply_time")
    assert {k: row[k] for k in ("units", "exact", "within", "differ", "neither")} == {
        "units": 5,
        "exact": 3,
        "within": 0,
        "differ": 1,
        "neither": 1,
    }
    assert row["tolerance_s"] == 60


def test_zendesk_resolutions_and_counts(zendesk_workspace: Workspace) -> None:
    metrics = _zendesk_metrics()
    result = kpidesk.reconcile(zendesk_workspace)
    for figure, field in (
        ("full_resolution_time", "full_resolution_time_in_minutes"),
        ("first_resolution_time", "first_resolution_time_in_minutes"),
    ):
        solved = [t for t, m in metrics.items() if m[field]["calendar"] is not None]
        row = _row(result, figure)
        # 101: first solve 09:30 (150 min), last 03-02 08:00 (1500 min); 102, 103 120 min; 106 90 min;
        # all as Zendesk says. 104 is open: neither side has one.
        assert (row["exact"], row["neither"]) == (len(solved), 1) == (4, 1)
    # kpidesk from the audits: 101 reopened once, replies 2 (Noa, Sami), 102 1, 104 0, 106 2 (Noa's
    # opening message and her answer); 103 from its metrics.
    hand_worked = {
        "reopens": {"101": 1, "102": 0, "103": 0, "104": 0, "106": 0},
        "agent_replies": {"101": 2, "102": 1, "103": 2, "104": 0, "106": 2},
    }
    for figure, field in (("reopens", "reopens"), ("agent_replies", "replies")):
        units = result.units[result.units.figure == figure].set_index("unit_id")
        assert units.source_value.to_dict() == {t: m[field] for t, m in metrics.items()}
        assert units.kpidesk_value.to_dict() == hand_worked[figure] == units.source_value.to_dict()
        assert _row(result, figure)["exact"] == 5
    # Business-hours figures are kept, not compared (Zendesk's schedule is not kpidesk's calendar).
    with zendesk_workspace.connect() as con:
        kept = con.execute("SELECT count(*) FROM source_figures WHERE figure LIKE '%_business'").fetchone()
    assert kept == (3 * 4,)  # three business figures of 101, 102, 103 and 106
    assert not result.summary.figure.str.endswith("_business").any()


@pytest.mark.dataset
def test_bank_waits_and_service_times(bank_import: BankImport) -> None:
    raw = pd.read_csv(bank_import.log, dtype=str)
    raw["line"] = range(2, len(raw) + 2)
    with bank_import.workspace.connect() as con:
        lines = con.execute("SELECT line FROM rejected_rows WHERE kind = 'calls'").fetchall()
    rejected = {line for (line,) in lines}
    # The calls imported are the rows the import did not reject (PHANTOM records, bad rows).
    kept = raw[~raw.line.isin(rejected)]
    assert len(kept) == bank_import.summary.inserted == 41_558

    def seconds(column: str) -> pd.Series:
        return pd.to_timedelta(kept[column]).dt.total_seconds()

    queued, served = kept.q_start != "0:00:00", kept.ser_start != "0:00:00"
    # kpidesk's wait: queue entry → service start (answered) or → queue exit (abandoned); 0 s for a call
    # served without queueing; none for a call that never reached the agents. Past midnight: mod 1 day.
    ours = pd.Series(np.nan, index=kept.index)
    ours[queued & served] = ((seconds("ser_start") - seconds("q_start")) % 86400)[queued & served]
    ours[queued & ~served] = ((seconds("q_exit") - seconds("q_start")) % 86400)[queued & ~served]
    ours[~queued & served] = 0.0
    gap = kept.q_time.astype(float) - ours
    # The log's q_time ends at its queue exit, a second or more after the service start.
    explained = (
        queued
        & served
        & ((ours - kept.q_time.astype(float)) - (seconds("ser_start") - seconds("q_exit"))).abs().le(1)
    )
    result = kpidesk.reconcile(bank_import.workspace, source="anonymous-bank")
    wait = _row(result, "wait_time")
    expected = {
        "exact": int((gap == 0).sum()),
        "within": int(((gap != 0) & (gap.abs() <= 1)).sum()),
        "differ": int((gap.abs() > 1).sum()),
        "kpidesk_missing": int(ours.isna().sum()),
    }
    assert (
        {k: wait[k] for k in expected}
        == expected
        == {
            "exact": 24_134,
            "within": 12_646,
            "differ": 1_721,
            "kpidesk_missing": 3_057,
        }
    )
    assert wait["tolerance_s"] == 1
    assert _reasons(result, "wait_time") == {
        "wait_ends_at_answer": int((explained & (gap.abs() > 1)).sum()),
        "never_queued": expected["kpidesk_missing"],
    }
    handle = _row(result, "handle_time")
    # ser_time is the talk time kpidesk stores; the log has no hold or wrap: every served call agrees.
    assert (handle["exact"], handle["neither"]) == (int(served.sum()), int((~served).sum()))
    assert (handle["exact"], handle["neither"]) == (31_318, 10_240)
