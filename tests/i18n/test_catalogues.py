"""The Hebrew and Arabic catalogues: complete, checked, and read as gettext translations."""

from __future__ import annotations

import re

import pytest
from jinja2 import Environment

from kpidesk.i18n import catalogue, catalogue_path, translator

TRANSLATED = ("he", "ar")
#: What a translation must carry over unchanged: `{placeholders}`, `%(named)s` / `%s` printf fields and
#: `code` spans (option names, values, column names).
_KEPT = re.compile(r"\{\w*\}|%(?:\(\w+\))?[sdif]|`[^`]+`")


def _entries(lang: str) -> list:
    return [m for m in catalogue(lang) if m.id]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_checked(lang: str) -> None:
    entries = _entries(lang)
    assert len(entries) > 150
    for message in entries:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}: {message.context} {message.id!r} has no translation"
        assert not message.fuzzy, f"{lang}: {message.context} {message.id!r} is fuzzy"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_code(lang: str) -> None:
    """Each translation, and each plural form of one (`ngettext`), keeps what its English carries."""
    plurals = 0
    for message in _entries(lang):
        english = message.id if isinstance(message.id, tuple | list) else (message.id,)
        expected = set(_KEPT.findall(english[-1]))
        assert all(set(_KEPT.findall(text)) == expected for text in english), f"{message.id!r} differ"
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        plurals += len(forms) > 1
        for form in forms:
            assert set(_KEPT.findall(form)) == expected, (
                f"{lang}: {message.id!r} → {form!r} does not keep {expected}"
            )
    assert plurals, "the plural forms are checked too"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_are_in_their_script(lang: str) -> None:
    script = {"he": r"[\u0590-\u05FF]", "ar": r"[\u0600-\u06FF]"}[lang]
    for message in _entries(lang):
        if message.context in ("kind",) and message.id == "NPS":
            continue
        if message.context == "pattern" and not re.search(r"[a-z]", message.id.replace("{value}", "")):
            continue
        assert re.search(script, str(message.string)), f"{lang}: {message.id!r} → {message.string!r}"


def test_catalogue_files_are_where_the_package_ships_them() -> None:
    for lang in TRANSLATED:
        path = catalogue_path(lang)
        assert path.parts[-4:] == ("locales", lang, "LC_MESSAGES", "kpidesk.po")
        assert path.is_file()
    with pytest.raises(ValueError, match="no catalogue for language 'en'"):
        catalogue_path("en")


def test_translator_translates_with_context_and_falls_back_to_english() -> None:
    he = translator("he")
    assert he.pgettext("period", "month") == "חודש"
    assert translator("ar").pgettext("period", "month") == "شهر"
    # The same English word, two contexts: the role "agent" and the dimension "agent".
    assert he.pgettext("role", "admin") == "מנהל מערכת"
    assert translator("ar").pgettext("role", "agent") == "موظف خدمة"
    assert translator("ar").pgettext("dimension", "agent") == "الموظف"
    # Not in the catalogue: the English text itself.
    assert he.gettext("Not a message") == "Not a message"
    assert he.ngettext("one ticket", "%(num)d tickets", 3) == "%(num)d tickets"
    en = translator("en")
    assert en.pgettext("period", "month") == "month"
    assert en.ngettext("one ticket", "%(num)d tickets", 1) == "one ticket"


def test_translator_serves_jinja2_newstyle_gettext() -> None:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    template = env.from_string(
        '{{ pgettext("period", "quarter") }} · {{ _("Nothing here") }} · '
        '{{ ngettext("%(num)d day", "%(num)d days", n) }}'
    )
    rendered = {}
    for lang in ("en", "he", "ar"):
        env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        rendered[lang] = template.render(n=2)
    assert rendered == {
        "en": "quarter · Nothing here · 2 days",
        "he": "רבעון · Nothing here · 2 days",
        "ar": "ربع سنة · Nothing here · 2 days",
    }
