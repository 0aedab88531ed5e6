"""Where the real third-party exports sit (beside the project, not in it) and how each is imported."""

from __future__ import annotations

from pathlib import Path

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
BANK_LOG = SHARED_DATASETS / "anonymous-bank-1999-08" / "august_calls_1999.csv"
BANK_MAPPING = Path(__file__).resolve().parents[1] / "examples" / "mappings" / "anonymous-bank.yaml"
#: The UCI ServiceNow incident event log, every one of its 141,712 updates (label prefixes stripped).
SERVICENOW_LOG = SHARED_DATASETS / "uci-incident-event-log" / "incident_event_log_full_stripped.csv"

#: The four real exports and how each is imported (see docs/importers.md).
FOUR_SOURCES = (
    (SHARED_DATASETS / "uci-incident-event-log" / "incident_event_log_full_stripped.csv", "servicenow", None),
    (SHARED_DATASETS / "bpi2013-volvo-incidents" / "VINST-new.csv", "status-log", None),
    (SHARED_DATASETS / "twcs-sample" / "twcs_head.csv", "social-threads", None),
    (BANK_LOG, "call-log", BANK_MAPPING),
)
