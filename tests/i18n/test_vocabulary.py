"""Metric names and definitions and kpidesk's other words, in every language."""

from __future__ import annotations

import re

import pytest

from kpidesk.i18n import (
    VOCABULARIES,
    Message,
    metric_anchor,
    metric_definition,
    metric_name,
    required_messages,
    term,
    untranslated,
)
from kpidesk.metrics import CATALOGUE, DIMENSIONS, KINDS, PERIODS
from kpidesk.targets import STATUSES

SCRIPT = {"he": re.compile(r"[\u0590-\u05FF]"), "ar": re.compile(r"[\u0600-\u06FF]")}


@pytest.mark.parametrize("lang", ["he", "ar"])
@pytest.mark.parametrize("metric", CATALOGUE, ids=lambda m: m.id)
def test_every_metric_has_a_name_and_definition(metric, lang: str) -> None:
    name, definition = metric_name(metric.id, lang), metric_definition(metric.id, lang)
    anchor = metric_anchor(metric.id, lang)
    assert name.strip() and definition.strip() and anchor.strip()
    assert name != metric.label and definition != metric.definition and anchor != metric.anchor
    assert SCRIPT[lang].search(name) and SCRIPT[lang].search(definition) and SCRIPT[lang].search(anchor)


def test_english_is_the_catalogue_itself() -> None:
    for metric in CATALOGUE:
        assert metric_name(metric.id, "en") == metric.label
        assert metric_definition(metric.id, "en") == metric.definition
        assert metric_anchor(metric.id, "en") == metric.anchor


def test_sample_names_read_as_written() -> None:
    assert metric_name("first_reply_time", "he") == "זמן מענה ראשון"
    assert metric_name("first_reply_time", "ar") == "وقت الرد الأول"
    assert metric_name("fcr_rate", "he") == "פתרון בפנייה ראשונה"
    assert metric_name("abandonment_rate", "ar") == "معدل ترك المكالمات"
    assert metric_definition("volume", "he") == "פניות שנפתחו בתקופה."
    assert metric_definition("volume", "ar") == "التذاكر التي أُنشئت في الفترة."
    assert metric_anchor("solved", "he") == "התקופה של הפתרון האחרון של הפנייה"
    assert metric_anchor("asa", "ar") == "وصول المكالمة إلى قائمة انتظار الموظفين"


def test_vocabularies_cover_what_the_code_names() -> None:
    assert set(VOCABULARIES["unit"]) == {m.unit for m in CATALOGUE} | {"pp"}
    assert set(VOCABULARIES["period"]) == set(PERIODS)
    assert set(VOCABULARIES["kind"]) == set(KINDS)
    assert set(VOCABULARIES["target-status"]) == set(STATUSES)
    assert set(VOCABULARIES["dimension"]) == set(DIMENSIONS)
    assert set(VOCABULARIES["direction"]) == {m.direction for m in CATALOGUE}
    assert set(VOCABULARIES["role"]) == {"admin", "manager", "agent"}
    assert {m.statistic for m in CATALOGUE} <= set(VOCABULARIES["statistic"])


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_every_word_is_translated(lang: str) -> None:
    messages = [Message(msgid, context) for context, msgid in required_messages()]
    assert untranslated(lang, messages) == []
    for vocabulary, words in VOCABULARIES.items():
        for word, english in words.items():
            translated = term(vocabulary, word, lang)
            assert translated.strip(), (vocabulary, word)
            if english != "NPS":
                assert translated != english, (vocabulary, word)


@pytest.mark.parametrize(
    ("vocabulary", "word", "he", "ar", "en"),
    [
        ("period", "month", "חודש", "شهر", "month"),
        ("period", "quarter", "רבעון", "ربع سنة", "quarter"),
        ("target-status", "on_track", "בדרך להשגה", "على المسار الصحيح", "on track"),
        ("target-status", "not_enough_data", "אין די נתונים", "لا تكفي البيانات", "not enough data"),
        ("statistic", "median", "חציון", "الوسيط", "median"),
        ("statistic", "p90", "אחוזון 90", "المئين 90", "p90"),
        ("statistic", "p99.5", "אחוזון 99.5", "المئين 99.5", "p99.5"),
        ("dimension", "sla_policy", "מדיניות SLA", "سياسة SLA", "SLA policy"),
        ("direction", "lower", "נמוך יותר עדיף", "الأدنى أفضل", "lower is better"),
        ("role", "manager", "מנהל", "مدير", "manager"),
        ("unit", "pp", "נק׳ אחוז", "نقطة مئوية", "pp"),
    ],
)
def test_term(vocabulary: str, word: str, he: str, ar: str, en: str) -> None:
    assert (term(vocabulary, word, "he"), term(vocabulary, word, "ar"), term(vocabulary, word, "en")) == (
        he,
        ar,
        en,
    )


def test_unknown_words_are_named() -> None:
    with pytest.raises(ValueError, match="unknown period 'fortnight'; expected one of: day, week"):
        term("period", "fortnight", "he")
    with pytest.raises(ValueError, match="unknown vocabulary 'colour'"):
        term("colour", "red", "he")
