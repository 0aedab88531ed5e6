from __future__ import annotations

import pytest

from kpidesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, choose_language, direction


def test_the_three_languages_and_their_direction() -> None:
    assert LANGUAGES == ("en", "he", "ar")
    assert DEFAULT_LANGUAGE == "en"
    assert [direction(lang) for lang in LANGUAGES] == ["ltr", "rtl", "rtl"]


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        # ?lang= wins over the browser when it names a supported language…
        ("he", "ar-SA,ar;q=0.9", "he"),
        ("AR", "en-US", "ar"),
        ("en", "he-IL", "en"),
        ("iw", None, "he"),
        # …and is ignored when it does not.
        ("fr", "ar-SA,en;q=0.5", "ar"),
        ("", "he-IL", "he"),
        # Accept-Language: regional tags name their language; q-values order them.
        (None, "he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7", "he"),
        (None, "ar-SA", "ar"),
        (None, "fr-FR,fr;q=0.9,ar;q=0.8,he;q=0.7", "ar"),
        (None, "en;q=0.3, he;q=0.8", "he"),
        (None, "de, ar_EG;q=0.2", "ar"),
        (None, "iw-IL", "he"),
        # Equal q: the header's order decides.
        (None, "ar;q=0.5,he;q=0.5", "ar"),
        # q=0 means "not this one"; broken parts are skipped, never fatal.
        (None, "he;q=0,ar;q=0.1", "ar"),
        (None, "he;q=abc,ar;q=2,en-GB;q=0.4", "en"),
        (None, "*", "en"),
        (None, "", "en"),
        (None, None, "en"),
        (None, "fr-CA,de", "en"),
    ],
)
def test_choose_language(query: str | None, header: str | None, expected: str) -> None:
    assert choose_language(query, header) == expected
