"""The call-log format: a hand-worked bank-style log, generic timestamp logs, bad input, and the real
Anonymous Bank log of August 1999, whose figures are recomputed here from the raw CSV."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bank_fixture import BankImport

import kpidesk
from kpidesk.ingest import ImportFailed, MappingError
from kpidesk.ingest.exports import import_export
from kpidesk.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
MAPPING = ROOT / "examples" / "mappings" / "anonymous-bank.yaml"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "call_log" / "bank_small.csv"
NEVER = "0:00:00"
CALL_KPIS = ["offered", "answered", "abandoned", "abandonment_rate", "asa", "service_level", "aht"]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def calls(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    cursor = con.execute("SELECT * FROM calls ORDER BY call_id")
    names = [d[0] for d in cursor.description]
    return {row[names.index("call_id")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def call_figures(con: duckdb.DuckDBPyConnection, threshold_s: int = 20) -> dict[str, float]:
    """The call KPIs by their definitions, in SQL over the canonical calls table."""
    row = con.execute(
        f"""
        WITH c AS (
            SELECT *, epoch(answered_at) - epoch(arrived_at) AS wait_s FROM calls WHERE arrived_at IS NOT NULL
        )
        SELECT count(*), count(answered_at), count(*) FILTER (WHERE answered_at IS NULL),
               avg(wait_s) FILTER (WHERE answered_at IS NOT NULL),
               count(*) FILTER (WHERE answered_at IS NOT NULL AND wait_s <= {threshold_s}),
               avg(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
                   FILTER (WHERE answered_at IS NOT NULL)
        FROM c
        """
    ).fetchone()
    assert row is not None
    offered, answered, abandoned, asa, in_time, aht = row
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "abandonment_rate": abandoned / offered,
        "asa": asa,
        "service_level": in_time / offered,
        "aht": aht,
    }


def import_bank(con: duckdb.DuckDBPyConnection, path: Path, **kwargs: Any) -> Any:
    summary, *_ = import_export(con, [path], "call-log", mapping=MAPPING, **kwargs)
    return summary


def kpi_values(ws: Workspace) -> dict[str, tuple[float, int]]:
    """(value, n) of each call KPI over the whole warehouse, the mean for durations."""
    frame = kpidesk.kpis(ws, metrics=CALL_KPIS, period="all", stat="mean")
    return {str(r.metric): (float(r.value), int(r.n)) for r in frame.itertuples()}


# The hand-worked log ------------------------------------------------------------------------------


@pytest.fixture
def small_bank(con: duckdb.DuckDBPyConnection) -> Any:
    return import_bank(con, FIXTURE)


def test_each_kind_of_call_lands_as_worked_out_by_hand(
    con: duckdb.DuckDBPyConnection, small_bank: Any
) -> None:
    assert (small_bank.read, small_bank.inserted, small_bank.rejected) == (12, 7, 5)
    rows = calls(con)
    assert sorted(rows) == [
        "1999-08-01/AA0101/1001",
        "1999-08-01/AA0101/1002",
        "1999-08-01/AA0102/1003",
        "1999-08-01/AA0103/1004",
        "1999-08-01/AA0105/1006",
        "1999-08-02/AA0101/1002",
        "1999-08-02/AA0107/1008",
    ]
    # IVR only (line 2): never offered; the row keeps when the call left the IVR (09:00:20 IDT = UTC+3).
    ivr = rows["1999-08-01/AA0101/1001"]
    assert ivr["outcome"] == "ivr"
    assert (ivr["arrived_at"], ivr["answered_at"], ivr["abandoned_at"]) == (None, None, None)
    assert ivr["ended_at"] == utc("1999-08-01 06:00:20")
    assert ivr["customer_id"] is None  # customer 0 is "not identified" in the example mapping
    # Served after 30 s in the queue (line 3).
    served = rows["1999-08-01/AA0101/1002"]
    assert served["arrived_at"] == utc("1999-08-01 07:00:05")
    assert served["answered_at"] == utc("1999-08-01 07:00:35")
    assert served["ended_at"] == utc("1999-08-01 07:05:35")
    assert (served["agent_id"], served["talk_s"], served["queue"]) == ("ANAT", 300, "PS")
    assert served["customer_id"] == "123"
    assert (served["hold_s"], served["wrap_s"], served["outcome"]) == (None, None, "answered")
    # Hung up after 90 s in the queue (line 4): abandoned at its queue exit.
    gone = rows["1999-08-01/AA0102/1003"]
    assert gone["arrived_at"] == utc("1999-08-01 08:00:06")
    assert gone["abandoned_at"] == utc("1999-08-01 08:01:36")
    assert (gone["answered_at"], gone["ended_at"], gone["agent_id"]) == (None, None, None)
    assert gone["outcome"] == "abandoned"
    # Queued at 23:59:10 on 1 August, left the queue and was answered at 0:00:40, i.e. on 2 August (line 5).
    midnight = rows["1999-08-01/AA0103/1004"]
    assert midnight["arrived_at"] == utc("1999-08-01 20:59:10")
    assert midnight["answered_at"] == utc("1999-08-01 21:00:40")
    assert midnight["ended_at"] == utc("1999-08-01 21:03:40")
    # Served at once without queueing, agent NO_SERVER (line 7): offered and answered with no wait.
    direct = rows["1999-08-01/AA0105/1006"]
    assert direct["arrived_at"] == direct["answered_at"] == utc("1999-08-01 09:00:10")
    assert (direct["agent_id"], direct["talk_s"]) == (None, 120)
    # The same call id and line a day later is another call (line 9).
    assert rows["1999-08-02/AA0101/1002"]["arrived_at"] == utc("1999-08-02 12:00:05")
    # Service from 23:58:00 to 0:02:00 the next day: 240 s (line 10).
    late = rows["1999-08-02/AA0107/1008"]
    assert late["answered_at"] == utc("1999-08-02 20:58:00")
    assert late["ended_at"] == utc("1999-08-02 21:02:00")
    assert late["talk_s"] == 240


def test_rows_the_format_cannot_use_are_rejected_with_the_file_column_and_reason(
    con: duckdb.DuckDBPyConnection, small_bank: Any, rejected_rows: Callable[..., list[tuple[Any, ...]]]
) -> None:
    found = rejected_rows(con)
    assert [(f, line, column, value) for f, line, column, value, _ in found] == [
        ("bank_small.csv", 6, "outcome", "PHANTOM"),
        ("bank_small.csv", 8, "q_start", "25:00:00"),
        ("bank_small.csv", 11, "ser_start", "0:00:00"),
        ("bank_small.csv", 12, "q_time", "30"),
        ("bank_small.csv", 13, "ser_start", "18:00:50"),
    ]
    reasons = [r[4] for r in found]
    assert "not a real call" in reasons[0]
    assert reasons[1] == "expected a time of day h:mm:ss (e.g. 9:05:30), got 25:00:00"
    assert reasons[2] == "outcome AGENT says an agent served the call, but it has no service start"
    assert reasons[3] == "wait_s says 30 s but queue exit − queue entry is 20 s"
    assert reasons[4] == "outcome HANG says the caller hung up, but the call has a service start (18:00:50)"


def test_call_figures_of_the_hand_worked_log(con: duckdb.DuckDBPyConnection, small_bank: Any) -> None:
    figures = call_figures(con)
    # Offered: lines 3, 4, 5, 7, 9, 10; answered all but line 4; waits 30, 90, 0, 15, 475 s.
    assert figures == pytest.approx(
        {
            "offered": 6,
            "answered": 5,
            "abandoned": 1,
            "abandonment_rate": 1 / 6,
            "asa": 610 / 5,
            "service_level": 2 / 6,
            "aht": (300 + 180 + 120 + 240 + 240) / 5,
        }
    )


def test_call_kpis_of_the_hand_worked_log(workspace: Workspace) -> None:
    with workspace.connect() as con:
        import_bank(con, FIXTURE)
    values = kpi_values(workspace)
    assert (values["offered"][0], values["answered"][0], values["abandoned"][0]) == (6, 5, 1)
    assert values["abandonment_rate"][0] == pytest.approx(1 / 6)
    assert values["asa"][0] == pytest.approx(122)
    assert values["service_level"][0] == pytest.approx(2 / 6)
    assert values["aht"][0] == pytest.approx(216)


def test_importing_the_same_log_twice_changes_nothing(
    con: duckdb.DuckDBPyConnection, small_bank: Any
) -> None:
    before = calls(con)
    again = import_bank(con, FIXTURE)
    assert (again.read, again.inserted, again.updated, again.unchanged, again.rejected) == (12, 0, 0, 7, 5)
    assert calls(con) == before


def test_a_newer_log_updates_the_calls_that_changed(
    con: duckdb.DuckDBPyConnection, small_bank: Any, write: Callable[..., Path]
) -> None:
    text = FIXTURE.read_text().replace("10:05:35,300,ANAT", "10:06:35,360,DORIT")
    newer = import_bank(con, write("bank_newer.csv", text))
    assert (newer.inserted, newer.updated, newer.unchanged) == (0, 1, 6)
    changed = calls(con)["1999-08-01/AA0101/1002"]
    assert (changed["agent_id"], changed["talk_s"], changed["ended_at"]) == (
        "DORIT",
        360,
        utc("1999-08-01 07:06:35"),
    )


def test_answer_instant_queue_exit_makes_the_wait_the_logs_queue_time(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    header = FIXTURE.read_text().splitlines()[0] + "\n"
    row = "AA0101,7,0,2,PS,990805,10:00:00,10:00:05,5,10:00:05,10:00:35,30,AGENT,10:00:34,10:02:34,120,ANAT\n"
    from kpidesk.ingest._mapping import read_mapping_file

    mapping = read_mapping_file(MAPPING)
    mapping["settings"] = {**mapping["settings"], "answer_instant": "queue_exit", "queue_by_priority": True}
    import_export(con, [write("bank_exit.csv", header + row)], "call-log", mapping=mapping)
    call = calls(con)["1999-08-05/AA0101/7"]
    assert call["answered_at"] - call["arrived_at"] == dt.timedelta(seconds=30)  # q_time, not 29 s
    assert (call["talk_s"], call["queue"]) == (120, "PS / priority 2")


# Generic logs: default column names, full timestamps ----------------------------------------------


def test_a_log_with_full_timestamps_and_the_default_names_needs_no_mapping(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    log = write(
        "acd.csv",
        (
            "call_id,queue,agent,queue_entry,queue_exit,service_start,service_end,outcome,hold_s,wrap_s\n"
            "c1,billing,a1,2026-03-01 10:00:00,2026-03-01 10:00:12,2026-03-01 10:00:12,2026-03-01 10:04:12,"
            "Answered,15,30\n"
            "c2,billing,,2026-03-01 23:59:00,2026-03-02 00:01:00,,,abandoned,,\n"
            "c3,sales,a2,,,2026-03-01T12:00:00+02:00,2026-03-01T12:01:00+02:00,,,\n"
            "c4,sales,a2,2026-03-01 13:00:00,2026-03-01 13:00:05,not a time,,answered,,\n"
        ),
    )
    summary, *_ = import_export(con, [log], "call-log", timezone="Asia/Jerusalem")
    assert (summary.inserted, summary.rejected) == (3, 1)
    rows = calls(con)
    # Call ids carry the local date of the call's first instant (call_id_scope defaults to date and line).
    c1, c2, c3 = rows["2026-03-01/c1"], rows["2026-03-01/c2"], rows["2026-03-01/c3"]
    assert (c1["arrived_at"], c1["answered_at"]) == (utc("2026-03-01 08:00:00"), utc("2026-03-01 08:00:12"))
    assert (c1["talk_s"], c1["hold_s"], c1["wrap_s"], c1["outcome"]) == (240, 15, 30, "answered")
    assert (c2["abandoned_at"], c2["outcome"]) == (utc("2026-03-01 22:01:00"), "abandoned")
    assert (c3["arrived_at"], c3["answered_at"], c3["talk_s"]) == (
        utc("2026-03-01 10:00:00"),
        utc("2026-03-01 10:00:00"),
        60,
    )
    problem = con.execute('SELECT line, "column", reason FROM rejected_rows').fetchall()
    assert problem == [(5, "service_start", "expected a timestamp in the format ISO 8601, got not a time")]


# Bad input ----------------------------------------------------------------------------------------


def test_a_missing_required_column_fails_naming_file_and_column(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path], warehouse_snapshot: Callable[..., Any]
) -> None:
    import_bank(con, FIXTURE)
    before = warehouse_snapshot(con)
    generic = write("no_service.csv", "call_id,queue_entry\nc1,2026-03-01 10:00:00\n")
    with pytest.raises(ImportFailed, match=r"no_service\.csv.*missing column\(s\).*service_start"):
        import_export(con, [generic], "call-log")
    lines = FIXTURE.read_text().splitlines()
    dropped = "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != 13) for line in lines)
    bank = write("bank_no_ser_start.csv", dropped + "\n")
    with pytest.raises(MappingError, match=r"bank_no_ser_start\.csv.*columns\.service_start.*'ser_start'"):
        import_bank(con, bank)
    assert warehouse_snapshot(con) == before


def test_a_bad_date_and_a_time_that_is_not_h_mm_ss_are_rejected(
    con: duckdb.DuckDBPyConnection,
    write: Callable[..., Path],
    rejected_rows: Callable[..., list[tuple[Any, ...]]],
) -> None:
    header = FIXTURE.read_text().splitlines()[0]
    log = write(
        "bank_bad.csv",
        "\n".join(
            [
                header,
                "AA0101,1,0,0,PS,990832,9:00:00,9:00:20,20,0:00:00,0:00:00,0,HANG,0:00:00,0:00:00,0,NO_SERVER",
                "AA0101,2,0,0,PS,990801,9:00:00,9:00:20,20,9:00:20,9:1:30,70,HANG,0:00:00,0:00:00,0,NO_SERVER",
                "AA0101,3,0,0,PS,990801,9:00:00,9:00:20,20,9:00:20,9:01:30,seventy,HANG,0:00:00,0:00:00,0,NO_SERVER",
                "AA0101,4,0,0,PS,990801,9:00:00,9:00:20,20,9:00:20,9:01:30,70,HANG,0:00:00,0:00:00,0,NO_SERVER",
            ]
        )
        + "\n",
    )
    summary = import_bank(con, log)
    assert (summary.inserted, summary.rejected) == (1, 3)
    assert [r[1:] for r in rejected_rows(con)] == [
        (2, "date", "990832", "expected a date in the format %y%m%d, got 990832"),
        (3, "q_exit", "9:1:30", "expected a time of day h:mm:ss (e.g. 9:05:30), got 9:1:30"),
        (4, "q_time", "seventy", "expected a number of seconds, got seventy"),
    ]


def test_a_queue_exit_just_before_its_entry_is_rejected_not_moved_a_day(
    con: duckdb.DuckDBPyConnection,
    write: Callable[..., Path],
    rejected_rows: Callable[..., list[tuple[Any, ...]]],
) -> None:
    header = FIXTURE.read_text().splitlines()[0]
    log = write(
        "bank_order.csv",
        header + "\n"
        "AA0101,1,0,0,PS,990801,9:00:00,9:00:20,20,9:00:20,9:00:10,-10,HANG,0:00:00,0:00:00,0,NO_SERVER\n",
    )
    summary = import_bank(con, log)
    assert (summary.inserted, summary.rejected) == (0, 1)
    assert rejected_rows(con) == [
        ("bank_order.csv", 2, "q_exit", "9:00:10", "queue exit 9:00:10 is before the queue entry 9:00:20")
    ]


def test_unknown_settings_and_contradicting_settings_are_mapping_errors(
    con: duckdb.DuckDBPyConnection, write: Callable[..., Path]
) -> None:
    log = write("acd.csv", "call_id,service_start\nc1,2026-03-01 10:00:00\n")
    with pytest.raises(MappingError, match=r"settings\.answer_instant: 'pickup' is not one of"):
        import_export(con, [log], "call-log", mapping={"settings": {"answer_instant": "pickup"}})
    with pytest.raises(MappingError, match=r"settings\.times is time_of_day but the file has no date column"):
        import_export(con, [log], "call-log", mapping={"settings": {"times": "time_of_day"}})
    with pytest.raises(MappingError, match=r"settings\.call_id_scope: 'week' is not one of date, line"):
        import_export(con, [log], "call-log", mapping={"settings": {"call_id_scope": ["week"]}})


# The real log: Anonymous Bank, August 1999 --------------------------------------------------------


def _seconds(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _elapsed(start: str, end: str) -> int:
    """end − start in seconds, the end on the next day when it is more than 12 hours earlier."""
    difference = _seconds(end) - _seconds(start)
    return difference + 86400 if difference < -43200 else difference


def expected_bank_figures(path: Path) -> dict[str, Any]:
    """The documented rules applied to the raw CSV with the csv module, independently of the importer."""
    rejected: Counter[str] = Counter()
    offered = answered = abandoned = in_time = imported = 0
    waits: list[int] = []
    queue_times: list[int] = []
    talks: list[int] = []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        queued, served = row["q_start"] != NEVER, row["ser_start"] != NEVER
        if queued:
            assert int(row["q_time"]) == _elapsed(row["q_start"], row["q_exit"])
        if served:
            assert int(row["ser_time"]) == _elapsed(row["ser_start"], row["ser_exit"])
        if row["outcome"] == "PHANTOM":
            rejected["phantom"] += 1
            continue
        if row["outcome"] == "AGENT" and not served:
            rejected["served without service start"] += 1
            continue
        if row["outcome"] == "HANG" and served:
            rejected["hung up with a service start"] += 1
            continue
        wait = _elapsed(row["q_start"], row["ser_start"]) if queued and served else 0
        if wait < 0:
            rejected["service start before queue entry"] += 1
            continue
        imported += 1
        if served:
            offered += 1
            answered += 1
            waits.append(wait)
            queue_times.append(int(row["q_time"]))
            talks.append(int(row["ser_time"]))
            in_time += wait <= 20
        elif queued:
            offered += 1
            abandoned += 1
    return {
        "rows": len(rows),
        "imported": imported,
        "rejected": rejected,
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "asa": statistics.fmean(waits),
        "mean_q_time": statistics.fmean(queue_times),
        "in_time": in_time,
        "aht": statistics.fmean(talks),
        "call_keys": len({(r["date"], r["vru+line"], r["call_id"]) for r in rows}),
        "bare_ids": len({r["call_id"] for r in rows}),
    }


@pytest.fixture(scope="module")
def bank(bank_import: BankImport) -> tuple[Workspace, Any, dict[str, Any]]:
    return bank_import.workspace, bank_import.summary, expected_bank_figures(bank_import.log)


@pytest.mark.dataset
def test_bank_log_counts_match_the_raw_file(bank: tuple[Workspace, Any, dict[str, Any]]) -> None:
    ws, summary, expected = bank
    assert expected["rows"] == 42_078
    # call_id alone repeats (19,727 distinct ids); date + line + call_id is unique.
    assert (expected["bare_ids"], expected["call_keys"]) == (19_727, 42_078)
    assert expected["rejected"] == {
        "phantom": 310,
        "served without service start": 57,
        "hung up with a service start": 126,
        "service start before queue entry": 27,
    }
    assert (summary.read, summary.inserted, summary.rejected) == (
        42_078,
        expected["imported"],
        sum(expected["rejected"].values()),
    )
    assert expected["imported"] == 41_558
    with ws.connect(read_only=True) as con:
        stored = con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone()
        assert stored == (41_558, 41_558)
        assert con.execute("SELECT count(DISTINCT line) FROM rejected_rows").fetchone() == (520,)
        columns = dict(con.execute('SELECT "column", count(*) FROM rejected_rows GROUP BY 1').fetchall())
        early = con.execute(
            "SELECT count(*) FROM rejected_rows "
            "WHERE reason LIKE 'service start % is before the queue entry %'"
        ).fetchone()
    assert columns == {"outcome": 310, "ser_start": 57 + 126 + 27}
    assert early == (27,)
    with ws.connect(read_only=True) as con:
        by_outcome = dict(con.execute("SELECT outcome, count(*) FROM calls GROUP BY 1").fetchall())
    assert by_outcome == {"answered": expected["answered"], "abandoned": expected["abandoned"], "ivr": 3_057}


@pytest.mark.dataset
def test_bank_log_call_figures_match_the_raw_file(bank: tuple[Workspace, Any, dict[str, Any]]) -> None:
    ws, _, expected = bank
    with ws.connect(read_only=True) as con:
        figures = call_figures(con)
    offered = expected["offered"]
    assert (
        (figures["offered"], figures["answered"], figures["abandoned"])
        == (offered, expected["answered"], expected["abandoned"])
        == (38_501, 31_318, 7_183)
    )
    assert figures["abandonment_rate"] == pytest.approx(expected["abandoned"] / offered)
    assert figures["asa"] == pytest.approx(expected["asa"])
    # The wait runs to the service start, which the switch logs up to 2 s before the queue exit.
    assert figures["asa"] == pytest.approx(expected["mean_q_time"], abs=1.5)
    assert figures["service_level"] == pytest.approx(expected["in_time"] / offered)
    assert figures["aht"] == pytest.approx(expected["aht"])


@pytest.mark.dataset
def test_bank_log_call_kpis_match_the_raw_file(bank: tuple[Workspace, Any, dict[str, Any]]) -> None:
    ws, _, expected = bank
    values = kpi_values(ws)
    offered = expected["offered"]
    assert values["offered"][0] == offered
    assert values["answered"][0] == expected["answered"]
    assert values["abandoned"][0] == expected["abandoned"]
    assert values["abandonment_rate"][0] == pytest.approx(expected["abandoned"] / offered)
    assert values["asa"][0] == pytest.approx(expected["asa"])
    assert values["service_level"][0] == pytest.approx(expected["in_time"] / offered)
    assert values["aht"][0] == pytest.approx(expected["aht"])


@pytest.mark.dataset
def test_bank_log_instants_are_israel_summer_time(bank: tuple[Workspace, Any, dict[str, Any]]) -> None:
    ws, _, _ = bank
    with ws.connect(read_only=True) as con:
        # Line 2 of the file: AA0204 call 43678 left the VRU at 0:10:27 on 1 August 1999 (IDT, UTC+3).
        first = con.execute(
            "SELECT ended_at, outcome FROM calls WHERE call_id = '1999-08-01/AA0204/43678'"
        ).fetchone()
        # AA0208 call 7582 queued at 23:59:29 on 2 August and was answered at 0:00:56 on 3 August.
        midnight = con.execute(
            "SELECT arrived_at, answered_at, ended_at, agent_id, talk_s FROM calls "
            "WHERE call_id = '1999-08-02/AA0208/7582'"
        ).fetchone()
    assert first == (utc("1999-07-31 21:10:27"), "ivr")
    assert midnight == (
        utc("1999-08-02 20:59:29"),
        utc("1999-08-02 21:00:56"),
        utc("1999-08-02 21:01:15"),
        "GELBER",
        19,
    )
