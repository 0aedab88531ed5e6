"""The words of the target detail and its forms in the reader's language: each version of a target's
history, the choices of the forms (metrics, periods, teams), and a refused input's message naming the
field."""

from __future__ import annotations

from typing import Any

from kpidesk.targets import TARGET_PERIODS, Target, TargetVersion
from kpidesk.web._target_edit import FieldError

__all__ = ["field_labels", "form_choices", "history_table", "present_history", "refusal"]


def field_labels(lang: str) -> dict[str, str]:
    """Each form field's label in `lang`."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return {
        "id": _("Target id"),
        "metric": _("Metric"),
        "stat": _("Statistic"),
        "business_hours": _("Business hours"),
        "team": _("Team"),
        "per": _("For each agent"),
        "period": _("Period"),
        "target": _("Threshold"),
        "stretch": _("Stretch"),
        "direction": _("Direction"),
        "min_n": _("Fewest items"),
        "guardrails": _("Guardrails"),
        "owner": _("Owner"),
        "description": _("Description"),
        "effective": _("Effective from"),
        "reason": _("Reason"),
    }


def refusal(error: FieldError, lang: str) -> str:
    """A translated sentence for `error` naming its field; the targets module's English detail stays in
    English pages and in the API."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    general = {
        "number": _("Enter a number."),
        "whole": _("Enter a whole number of 0 or more."),
        "date": _("Enter a date."),
        "metric": _("Choose a metric from the list."),
        "choice": _("Choose one of the options."),
        "required": _("This field is required."),
        "refused": _("The targets file cannot take this."),
    }[error.problem]
    text = general if error.field is None else f"{field_labels(lang)[error.field]}: {general}"
    return f"{text} ({error})" if lang == "en" and error.problem == "refused" else text


def form_choices(lang: str, teams: list[str]) -> dict[str, Any]:
    """The options of the forms' lists, translated: metrics by name, statistics, periods, directions,
    teams."""
    from kpidesk.i18n import metric_name, term, translator
    from kpidesk.metrics import CATALOGUE

    _ = translator(lang).gettext
    metrics = sorted(((m.id, metric_name(m.id, lang)) for m in CATALOGUE), key=lambda pair: pair[1])
    return {
        "metrics": metrics,
        "periods": [(p, term("period", p, lang)) for p in TARGET_PERIODS],
        "directions": [(d, term("direction", d, lang)) for d in ("higher", "lower")],
        "stats": [
            ("", _("The metric's own")),
            *((s, term("statistic", s, lang)) for s in ("mean", "median")),
            *((f"p{n}", _("Percentile {n}").format(n=n)) for n in (90, 95)),
        ],
        "teams": teams,
        "labels": field_labels(lang),
    }


def _values_text(target: Target, keys: tuple[str, ...], lang: str) -> list[str]:
    from kpidesk.i18n import format_number, format_value, metric_name, term, translator

    _ = translator(lang).gettext
    labels = field_labels(lang)
    unit = target.catalogue_metric.unit
    texts = []
    for key in keys:
        value = getattr(target, key, None)
        if key in ("target", "stretch"):
            shown = format_value(value, unit, lang) if value is not None else _("none")
        elif key == "guardrails":
            shown = ", ".join(metric_name(g.metric, lang) for g in target.guardrails) or _("none")
        elif key == "scope":
            parts = [
                v if d == "team" else f"{term('dimension', d, lang)} {v}" for d, v in target.scope.items()
            ]
            shown = ", ".join(parts) or _("Whole organisation")
            key = "team"
        elif key == "per":
            shown = _("yes") if target.per == "agent" else _("no")
        elif key == "min_n":
            shown = format_number(value, lang, digits=0) if value is not None else _("none")
        else:
            shown = str(value) if value else _("none")
        texts.append(f"{labels[key]}: {shown}")
    return texts


def present_history(versions: list[TargetVersion], lang: str) -> list[dict[str, Any]]:
    """One dict of texts per version, newest first: when it took effect, who changed it and why, and
    the values it set (all of them for the target as first set)."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    rows = []
    for version in versions:
        if version.effective is None:
            keys: tuple[str, ...] = ("target", "stretch", "scope", "per", "min_n", "guardrails")
            when = _("As first set")
        else:
            keys = version.changed
            when = format_date(version.effective, lang)
        rows.append(
            {
                "when": when,
                "by": version.by or "",
                "reason": version.reason or "",
                "recorded": format_date(version.recorded, lang) if version.recorded else "",
                "values": _values_text(version.target, keys, lang),
            }
        )
    return rows[::-1]


def history_table(rows: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]]]:
    """A target's history as the page shows it (for downloads): one row per version, newest first."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    header = [_("Effective from"), _("Changed by"), _("Reason"), _("What it set")]
    return header, [[r["when"], r["by"], r["reason"], "; ".join(r["values"])] for r in rows]
