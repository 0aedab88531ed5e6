"""The four real exports in one workspace: every metric has a value or is not available with its reason,
each source's backlog ends where its data ends, and the figures the importer tests pin stay the same.

Expected figures come from the raw files with pandas, independently of kpidesk (the workspace is the
session's `four_sources`: ServiceNow, the BPI 2013 Volvo log, the Twitter sample and the Anonymous Bank
calls, in an Israeli workspace).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from kpi_rows import one_result
from real_datasets import FOUR_SOURCES

import kpidesk
from kpidesk.workspace import Workspace

pytestmark = pytest.mark.dataset

SERVICENOW, VOLVO, TWITTER, BANK = (path for path, _, _ in FOUR_SOURCES)
ISRAEL = "Asia/Jerusalem"
NO_MESSAGES = ("first_reply_time", "reply_time", "agent_replies", "one_touch_rate", "fcr_rate")
NO_SOLVES = (
    "solved",
    "backlog",
    "backlog_age",
    "first_resolution_time",
    "full_resolution_time",
    "reassignments",
    "resolution_rate",
    "reopen_rate",
    "repeat_contact_rate",
)


@pytest.fixture(scope="module")
def by_source(four_sources: Workspace) -> pd.DataFrame:
    return kpidesk.kpis(four_sources, period="all", by=["source"])


@pytest.fixture(scope="module")
def volvo() -> pd.DataFrame:
    """Each Volvo case's rows in time order (file order among equal times), instants in UTC."""
    log = pd.read_csv(VOLVO, encoding="utf-8-sig", dtype=str)
    log["when"] = pd.to_datetime(log["Change Date+Time"], utc=True, format="ISO8601")
    log["line"] = range(len(log))
    return log.sort_values(["SR Number", "when", "line"], kind="stable")


def test_every_metric_has_a_value_or_a_reason(by_source: pd.DataFrame) -> None:
    assert len(by_source) > 50
    for row in by_source.to_dict(orient="records"):
        if row["available"]:
            assert pd.notna(row["value"]) and row["n"] > 0 and row["reason"] is None, row
        else:
            assert pd.isna(row["value"]) and isinstance(row["reason"], str) and row["reason"], row


def test_what_each_source_cannot_measure(by_source: pd.DataFrame) -> None:
    # The incident logs hold no message at all (ServiceNow's columns and Volvo's are state changes).
    for source in ("servicenow", "status-log"):
        for metric in NO_MESSAGES:
            row = one_result(by_source, metric, source=source)
            assert not row["available"]
            assert row["reason"].startswith(f"{source} holds no public agent message, so "), row
    # Twitter threads carry no status: none is ever solved.
    for metric in NO_SOLVES:
        row = one_result(by_source, metric, source="social-threads")
        assert not row["available"]
        assert row["reason"].startswith("social-threads never records a ticket as solved, so "), row
    assert not one_result(by_source, "escalation_rate", source="social-threads")["available"]
    # What they do hold is measured.
    for metric, source in (
        ("first_reply_time", "social-threads"),
        ("reply_time", "social-threads"),
        ("backlog", "status-log"),
        ("full_resolution_time", "servicenow"),
        ("escalation_rate", "status-log"),
        ("asa", "anonymous-bank"),
    ):
        assert one_result(by_source, metric, source=source)["available"], (metric, source)


def test_pooled_values_say_which_sources_are_left_out(four_sources: Workspace) -> None:
    frame = kpidesk.kpis(four_sources, metrics=["fcr_rate", "first_reply_time", "backlog"], period="all")
    fcr = one_result(frame, "fcr_rate")
    # No source holds both messages and solves: FCR is not available at all, not 0%.
    assert not fcr["available"] and pd.isna(fcr["value"])
    assert "servicenow holds no public agent message" in fcr["reason"]
    assert "social-threads never records a ticket as solved" in fcr["reason"]
    frt = one_result(frame, "first_reply_time")
    assert frt["available"] and frt["note"].startswith("without servicenow, status-log: ")
    backlog = one_result(frame, "backlog")
    assert backlog["note"].startswith("without social-threads: ")


def test_each_source_ends_where_its_data_ends(four_sources: Workspace, volvo: pd.DataFrame) -> None:
    last_rows = volvo.groupby("SR Number").tail(1).set_index("SR Number")
    opened = volvo.groupby("SR Number").head(1).set_index("SR Number")["when"]
    still_open = last_rows.index[last_rows.Status != "Completed"]
    end = volvo["when"].max()
    ages = (end - opened[still_open]).dt.total_seconds()
    assert (len(still_open), str(end)) == (8, "2012-05-22 23:22:25+00:00")
    frame = kpidesk.kpis(four_sources, metrics=["backlog", "backlog_age"], period="year", by=["source"])
    rows = frame[(frame.source == "status-log") & frame.available]
    # Volvo's backlog stops in 2012, its last year, measured at its last instant: the 8 cases still open,
    # aged a median 18.5 days there (not 2,039 days at the end of another source's data in 2017).
    assert max(rows.period_start) == date(2012, 1, 1)
    assert one_result(rows, "backlog", period_start=date(2012, 1, 1))["value"] == len(still_open)
    assert one_result(rows, "backlog_age", period_start=date(2012, 1, 1))["value"] == ages.median()
    assert ages.median() == 1_596_290.5
    twitter = pd.read_csv(TWITTER, dtype=str)
    posted = pd.to_datetime(twitter.created_at, format="%a %b %d %H:%M:%S %z %Y", utc=True, errors="coerce")
    whole = kpidesk.kpis(four_sources, metrics=["volume"], period="all", by=["source"])
    # Each source's period is its own data's, in local dates of the workspace (Israel).
    for source, first, last in (
        ("status-log", volvo["when"].min(), end),
        ("social-threads", posted.min(), posted.max()),
    ):
        row = one_result(whole, "volume", source=source)
        assert (row["period_start"], row["period_end"]) == (
            first.tz_convert(ISRAEL).date(),
            last.tz_convert(ISRAEL).date(),
        )
        assert not row["partial"]


def test_figures_pinned_by_the_importer_tests_are_unchanged(by_source: pd.DataFrame) -> None:
    log = pd.read_csv(SERVICENOW, dtype=str, keep_default_na=False)
    last = log.groupby("number", sort=False).tail(1)
    incidents = log.number.nunique()
    assert incidents == 24_918
    assert one_result(by_source, "volume", source="servicenow")["value"] == incidents
    reopened = int((last.reopen_count.astype(int) > 0).sum())
    reopen = one_result(by_source, "reopen_rate", source="servicenow")
    assert reopen["value"] == pytest.approx(reopened / incidents)
    sla = one_result(by_source, "sla_attainment", source="servicenow")
    assert (sla["value"], sla["n"]) == (pytest.approx(float((last.made_sla == "true").mean())), incidents)
    # tests/ingest/exports/test_servicenow.py works these out from the raw log.
    full = one_result(by_source, "full_resolution_time", source="servicenow")
    assert (full["value"], full["n"]) == (54_420, 24_918)
    escalation = one_result(by_source, "escalation_rate", source="servicenow")
    assert escalation["value"] == pytest.approx(297 / 24_918)
    # tests/ingest/exports/test_social_threads.py: every one of the 1,288 threads has a brand reply.
    twitter = one_result(by_source, "first_reply_time", source="social-threads")
    assert (twitter["n"], twitter["unanswered"]) == (1_288, 0)
    assert one_result(by_source, "volume", source="status-log")["value"] == 7_554
    # tests/ingest/exports/test_call_log.py: the bank's calls by the documented rules.
    for metric, value in (("offered", 38_501), ("answered", 31_318), ("abandoned", 7_183)):
        assert one_result(by_source, metric, source="anonymous-bank")["value"] == value
