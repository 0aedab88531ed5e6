"""Hebrew, Arabic and English for everything a user reads: the language of a request, the gettext
catalogues, metric names and definitions and kpidesk's other words, locale formatting of numbers, dates
and durations (Latin digits in all three), and bidi isolation for right-to-left pages.

English is the source language; Hebrew and Arabic are read from `locales/<lang>/LC_MESSAGES/kpidesk.po`.
"""

from kpidesk.i18n._bidi import FSI, LRI, PDI, bdi, isolate, isolate_ltr
from kpidesk.i18n._catalogues import DOMAIN, catalogue, catalogue_path, translator
from kpidesk.i18n._chart_locale import time_locale
from kpidesk.i18n._extraction import Message, all_messages, extract_messages, untranslated, update_catalogues
from kpidesk.i18n._formatting import (
    MISSING,
    format_change,
    format_date,
    format_duration,
    format_number,
    format_percent,
    format_value,
)
from kpidesk.i18n._languages import DEFAULT_LANGUAGE, LANGUAGES, choose_language, direction
from kpidesk.i18n._vocabulary import (
    LANGUAGE_NAMES,
    VOCABULARIES,
    metric_anchor,
    metric_definition,
    metric_name,
    required_messages,
    term,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "FSI",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LRI",
    "MISSING",
    "PDI",
    "VOCABULARIES",
    "Message",
    "all_messages",
    "bdi",
    "catalogue",
    "catalogue_path",
    "choose_language",
    "direction",
    "extract_messages",
    "format_change",
    "format_date",
    "format_duration",
    "format_number",
    "format_percent",
    "format_value",
    "isolate",
    "isolate_ltr",
    "metric_anchor",
    "metric_definition",
    "metric_name",
    "required_messages",
    "term",
    "time_locale",
    "translator",
    "untranslated",
    "update_catalogues",
]
