"""The words kpidesk itself shows: metric names, definitions and anchors, units, statistics, periods, target
statuses, directions, dimensions and roles. Each is looked up in the catalogue under a context
(`msgctxt`) with its English text as the msgid, so one English word can be translated differently in two
places (`agent` the dimension, `agent` the role)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from kpidesk.i18n._catalogues import translator
from kpidesk.metrics import CATALOGUE, DIMENSIONS, KINDS, PERIODS, get_metric
from kpidesk.targets import STATUSES

__all__ = [
    "LANGUAGE_NAMES",
    "VOCABULARIES",
    "metric_anchor",
    "metric_definition",
    "metric_name",
    "required_messages",
    "term",
]

#: Each language's name in itself, for a language switch.
LANGUAGE_NAMES = {"en": "English", "he": "עברית", "ar": "العربية"}

METRIC_NAME = "metric-name"
METRIC_DEFINITION = "metric-definition"
METRIC_ANCHOR = "metric-anchor"
#: Duration and change texts: `{value}` is the number, already formatted for the language.
PATTERN = "pattern"

_DIMENSION_TEXT = {"sla_policy": "SLA policy"}
_STATUS_TEXT = {"not_enough_data": "not enough data"}
_DIRECTION_TEXT = {
    "higher": "higher is better",
    "lower": "lower is better",
    "neutral": "neither higher nor lower is better",
}
_PERCENTILE = re.compile(r"p(\d+(?:\.\d+)?)")
_PERCENTILE_TEXT = "p{n}"


def _words(ids: tuple[str, ...], text: Mapping[str, str] | None = None) -> dict[str, str]:
    text = text or {}
    return {word: text.get(word, word.replace("_", " ")) for word in ids}


#: Vocabulary (the msgctxt) → word id → its English text. Statistics also take any percentile `pNN`.
VOCABULARIES: dict[str, dict[str, str]] = {
    "unit": _words((*dict.fromkeys(m.unit for m in CATALOGUE), "pp")),
    "statistic": _words(("count", "rate", "score", "ratio", "mean", "median")),
    "kind": _words(tuple(KINDS), {"nps": "NPS"}),
    "period": _words(PERIODS),
    "target-status": _words(STATUSES, _STATUS_TEXT),
    "direction": _words(tuple(_DIRECTION_TEXT), _DIRECTION_TEXT),
    "dimension": _words(tuple(DIMENSIONS), _DIMENSION_TEXT),
    "role": _words(("admin", "manager", "agent")),
}
#: The patterns formatting fills in (see `kpidesk.i18n._formatting`).
PATTERNS = ("{value} s", "{value} min", "{value} h", "{value} d", "{value} pp")


def metric_name(metric_id: str, lang: str) -> str:
    """The metric's name (`label`) in `lang`."""
    return _lookup(lang, METRIC_NAME, get_metric(metric_id).label)


def metric_definition(metric_id: str, lang: str) -> str:
    """The metric's written definition in `lang`."""
    return _lookup(lang, METRIC_DEFINITION, get_metric(metric_id).definition)


def metric_anchor(metric_id: str, lang: str) -> str:
    """What puts a unit of the metric in a period (its `anchor`: "the ticket's creation") in `lang`."""
    return _lookup(lang, METRIC_ANCHOR, get_metric(metric_id).anchor)


def term(vocabulary: str, word: str, lang: str) -> str:
    """A word of one of the `VOCABULARIES` in `lang`: `term("period", "month", "he")` → "חודש"."""
    try:
        words = VOCABULARIES[vocabulary]
    except KeyError:
        raise ValueError(
            f"unknown vocabulary {vocabulary!r}; expected one of: {', '.join(VOCABULARIES)}"
        ) from None
    percentile = _PERCENTILE.fullmatch(word) if vocabulary == "statistic" else None
    if percentile is not None:
        return _lookup(lang, vocabulary, _PERCENTILE_TEXT).format(n=percentile[1])
    try:
        english = words[word]
    except KeyError:
        raise ValueError(f"unknown {vocabulary} {word!r}; expected one of: {', '.join(words)}") from None
    return _lookup(lang, vocabulary, english)


def pattern(text: str, lang: str) -> str:
    """One of the `PATTERNS` in `lang`."""
    return _lookup(lang, PATTERN, text)


def _lookup(lang: str, context: str, msgid: str) -> str:
    """The translation of `msgid` in `context`, or `msgid` itself where there is none."""
    return str(translator(lang).pgettext(context, msgid))


def required_messages() -> Iterator[tuple[str, str]]:
    """(msgctxt, msgid) of every message kpidesk's own code looks up: each catalogue must translate them."""
    for metric in CATALOGUE:
        yield METRIC_NAME, metric.label
        yield METRIC_DEFINITION, metric.definition
    for anchor in dict.fromkeys(metric.anchor for metric in CATALOGUE):
        yield METRIC_ANCHOR, anchor
    for vocabulary, words in VOCABULARIES.items():
        yield from ((vocabulary, english) for english in words.values())
    yield "statistic", _PERCENTILE_TEXT
    yield from ((PATTERN, text) for text in PATTERNS)
