"""Metrics: the catalogue of KPI definitions and the engine that computes them with intervals."""

from kpidesk.metrics._availability import NO_DATA, NO_VALUE, gaps_by_source
from kpidesk.metrics._catalogue import CATALOGUE, METRIC_OPTIONS, Metric, get_metric
from kpidesk.metrics._compute import (
    PERIODS,
    RESULT_COLUMNS,
    STATE_COLUMNS,
    KpiQuery,
    KpiTables,
    compute_kpis,
    parse_stat,
)
from kpidesk.metrics._kinds import KINDS, Estimate, MetricKind, format_quantity
from kpidesk.metrics._records import RECORD_COLUMNS, metric_records
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

__all__ = [
    "CATALOGUE",
    "COMMENT_COLUMNS",
    "DIMENSIONS",
    "KINDS",
    "METRIC_OPTIONS",
    "NO_DATA",
    "NO_VALUE",
    "PERIODS",
    "RECORD_COLUMNS",
    "RESULT_COLUMNS",
    "STATE_COLUMNS",
    "Estimate",
    "KpiQuery",
    "KpiTables",
    "Metric",
    "MetricKind",
    "compute_kpis",
    "format_quantity",
    "gaps_by_source",
    "get_metric",
    "mean_interval",
    "metric_records",
    "nps_interval",
    "parse_stat",
    "poisson_rate_interval",
    "quantile_rank_interval",
    "ratio_interval",
    "survey_comments",
    "wilson_interval",
]
