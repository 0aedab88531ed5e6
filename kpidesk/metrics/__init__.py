"""Metrics: the catalogue of KPI definitions and the engine that computes them with intervals."""

from kpidesk.metrics._availability import NO_DATA, NO_VALUE, gaps_by_source
from kpidesk.metrics._call_intervals import INTERVAL_COLUMNS, INTERVAL_MINUTES, call_intervals
from kpidesk.metrics._catalogue import CATALOGUE, METRIC_OPTIONS, Metric, get_metric
from kpidesk.metrics._compute import (
    PERIODS,
    RESULT_COLUMNS,
    STATE_COLUMNS,
    KpiQuery,
    parse_stat,
)
from kpidesk.metrics._docs import catalogue_json, catalogue_markdown
from kpidesk.metrics._explain import MetricTrace, TicketExplanation, TicketNotFound, explain_ticket
from kpidesk.metrics._kinds import KINDS, Estimate, MetricKind, format_quantity
from kpidesk.metrics._kpis import compute_kpis
from kpidesk.metrics._projection import Projection, count_projection, quantile_projection, share_projection
from kpidesk.metrics._records import RECORD_COLUMNS, metric_records
from kpidesk.metrics._resilience import RESILIENCE_COLUMNS, resilience
from kpidesk.metrics._samples import DIMENSIONS
from kpidesk.metrics._stats import (
    mean_interval,
    nps_interval,
    poisson_rate_interval,
    quantile_rank_interval,
    ratio_interval,
    wilson_interval,
)
from kpidesk.metrics._survey_comments import COMMENT_COLUMNS, survey_comments
from kpidesk.metrics._tables import KpiTables
from kpidesk.metrics._values import number_or_none

__all__ = [
    "CATALOGUE",
    "COMMENT_COLUMNS",
    "DIMENSIONS",
    "INTERVAL_COLUMNS",
    "INTERVAL_MINUTES",
    "KINDS",
    "METRIC_OPTIONS",
    "NO_DATA",
    "NO_VALUE",
    "PERIODS",
    "RECORD_COLUMNS",
    "RESILIENCE_COLUMNS",
    "RESULT_COLUMNS",
    "STATE_COLUMNS",
    "Estimate",
    "KpiQuery",
    "KpiTables",
    "Metric",
    "MetricKind",
    "MetricTrace",
    "Projection",
    "TicketExplanation",
    "TicketNotFound",
    "call_intervals",
    "catalogue_json",
    "catalogue_markdown",
    "compute_kpis",
    "count_projection",
    "explain_ticket",
    "format_quantity",
    "gaps_by_source",
    "get_metric",
    "mean_interval",
    "metric_records",
    "nps_interval",
    "number_or_none",
    "parse_stat",
    "poisson_rate_interval",
    "quantile_projection",
    "quantile_rank_interval",
    "ratio_interval",
    "resilience",
    "share_projection",
    "survey_comments",
    "wilson_interval",
]
