"""Alerts: volume that moves away from its business-calendar baseline, and targets at risk, off track or
with a breached guardrail; one problem is one alert, notified once when raised and once when resolved, by
e-mail or a signed webhook."""

from kpidesk.alerts._anomaly import GRAINS_BY_NAME, Assessment, Thresholds, assess, scan
from kpidesk.alerts._baseline import (
    MAD_SCALE,
    Baseline,
    ComparableDays,
    day_class,
    robust_baseline,
    window_baseline,
)
from kpidesk.alerts._check import AlertCheck, AlertEvent, NoticeFailure, check_alerts, list_alerts
from kpidesk.alerts._counts import SOURCES, VolumeSeries
from kpidesk.alerts._judgement import Learning
from kpidesk.alerts._notify import webhook_body
from kpidesk.alerts._rules import (
    ALERT_KINDS,
    COMPARE_MODES,
    GRAINS,
    TARGET_EVENTS,
    VOLUME_SOURCES,
    AlertRule,
    TargetsRule,
    VolumeRule,
    Webhook,
    load_alert_rules,
    parse_alert_rules,
)
from kpidesk.alerts._signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify_signature
from kpidesk.alerts._state import ALERTS_FILE, AlertStore
from kpidesk.alerts._text import format_number, measured, notice_subject, notice_text

__all__ = [
    "ALERTS_FILE",
    "ALERT_KINDS",
    "COMPARE_MODES",
    "GRAINS",
    "GRAINS_BY_NAME",
    "MAD_SCALE",
    "SIGNATURE_HEADER",
    "SOURCES",
    "TARGET_EVENTS",
    "TIMESTAMP_HEADER",
    "VOLUME_SOURCES",
    "AlertCheck",
    "AlertEvent",
    "AlertRule",
    "AlertStore",
    "Assessment",
    "Baseline",
    "ComparableDays",
    "Learning",
    "NoticeFailure",
    "TargetsRule",
    "Thresholds",
    "VolumeRule",
    "VolumeSeries",
    "Webhook",
    "assess",
    "check_alerts",
    "day_class",
    "format_number",
    "list_alerts",
    "load_alert_rules",
    "measured",
    "notice_subject",
    "notice_text",
    "parse_alert_rules",
    "robust_baseline",
    "scan",
    "sign",
    "verify_signature",
    "webhook_body",
    "window_baseline",
]
