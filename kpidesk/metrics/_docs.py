"""The catalogue as Markdown and JSON: docs/metrics.md is generated from here and checked by a test."""

from __future__ import annotations

import json

from kpidesk.metrics._catalogue import CATALOGUE, METRIC_OPTIONS
from kpidesk.metrics._samples import DIMENSIONS

__all__ = ["catalogue_json", "catalogue_markdown"]


def catalogue_markdown() -> str:
    lines = [
        "# Metrics",
        "",
        "Generated from the catalogue in `kpidesk/metrics/_catalogue.py` by `make docs` "
        "(`kpidesk metrics --as markdown`); a test fails if this file falls behind.",
        "",
        "Rates are fractions in [0, 1]; durations are seconds, in calendar time or, with `--business-hours`, "
        "in business seconds of each ticket's calendar (its team's, else the workspace default). A caller "
        "waits in real time, so a call's wait (ASA, service level, abandonment) is always in calendar "
        "seconds. NPS and eNPS are scores from −100 to +100. Each metric has a default statistic, part of "
        "its definition (ASA and AHT: the mean; other durations: the median). Messages from "
        "bots and the system and private notes never count as replies. Every result carries `n`; groups "
        "with n below `small_sample` are flagged. Periods are local days, weeks (starting on the default "
        "calendar's `week_start`), months, quarters or years of the workspace's default calendar.",
        "",
        "A metric a source cannot measure is *not available* from it, with the reason, never 0: each metric "
        "below names what a source must hold (a public agent message, a solve, an answered call…), decided "
        "from the source's data in the warehouse. Pooled over several sources, a value is computed over "
        "those that can measure it and its `note` names the others; `--by source` gives each its own row. A "
        "group with no unit (n = 0) is `no data`. Each source's data ends at its own last instant: its "
        "backlog and pending SLA clocks stop there. Each row carries the days of its period the data covers "
        "(`covered_from`, `covered_to`, `days_covered`) and `partial` when that is less than the whole "
        "period, as the first and last periods of the data usually are. `--compare` sets a partial period "
        "beside the same days of the earlier one (1–5 July against 1–5 June), and tells the change of a "
        "rate in percentage points (`change_unit` `pp`).",
        "",
        "| metric | unit | better | default statistic | summarised as |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in CATALOGUE:
        lines.append(f"| `{m.id}` | {m.unit} | {m.direction} | {m.statistic} | {m.kind_object.summary} |")
    lines.append("")
    for m in CATALOGUE:
        chosen = m.kind_object.chooses_statistic
        other_stats = " (`--stat` asks for another: median, mean, pNN)" if chosen else ""
        lines += [
            f"## `{m.id}` — {m.label}",
            "",
            m.definition,
            "",
            f"- Period: {m.anchor}.",
            f"- Unit: {m.unit}; {m.direction} is better."
            if m.direction != "neutral"
            else f"- Unit: {m.unit}.",
            f"- Default statistic: {m.statistic}{other_stats}.",
        ]
        if m.options:
            lines.append(f"- Options: {', '.join(f'`{o}`' for o in m.options)}.")
        if m.needs:
            lacking = " or ".join(c.lacking for c in m.needs)
            lines.append(f"- Not available from a source that {lacking}.")
        lines.append("")
    lines += ["## Options", "", "Set in the `[metrics]` table of `kpidesk.toml`.", ""]
    lines += [f"- `{name}`: {text}" for name, text in METRIC_OPTIONS.items()]
    lines += ["", "## Dimensions", "", "`kpidesk kpis --by NAME` groups on:", ""]
    lines += [f"- `{name}` (column `{column}`)" for name, column in DIMENSIONS.items()]
    lines += [
        "",
        "A call's team is the team of the agent who answered it (from `agents`). A dimension a unit does "
        "not have (a call's channel, priority, category or SLA policy; a ticket's queue) is empty for its "
        "metrics; `kpidesk kpis` without `--metric` leaves such metrics out, and shows call metrics only "
        "when the warehouse holds calls.",
    ]
    lines += [
        "",
        "## Statistics",
        "",
        "- Proportions: Wilson score interval.",
        "- Means: Student-t interval from the sample standard deviation (n ≥ 2).",
        "- Medians and percentiles: exact (interpolated) value; distribution-free interval "
        "[x₍ₗ₎, x₍ᵤ₎] with l and u from the binomial distribution of the number of observations below the "
        "quantile; a bound is empty when no order statistic reaches the confidence (small n).",
        "- NPS: variance (p₊ + p₋ − (p₊ − p₋)²) / n.",
        "- Ratios of sums (occupancy): R = Σy / Σx over units, Student-t interval with the linearised "
        "variance Σ(y − R·x)² / ((n − 1) · n · x̄²), the units taken as independent draws.",
        "",
    ]
    return "\n".join(lines)


def catalogue_json() -> str:
    return json.dumps(
        {
            "metrics": [
                {**m.__dict__, "statistic": m.statistic, "needs": [c.id for c in m.needs]} for m in CATALOGUE
            ],
            "options": METRIC_OPTIONS,
            "dimensions": DIMENSIONS,
        },
        indent=2,
        ensure_ascii=False,
    )
