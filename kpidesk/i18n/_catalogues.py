"""The gettext catalogues: one `.po` file per language, read with Babel and compiled in memory at first use,
so no compiled `.mo` file is kept or built. English is the source language: its text is the msgid."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from kpidesk.i18n._languages import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DOMAIN", "LOCALES", "catalogue", "catalogue_path", "forget_catalogues", "translator"]

DOMAIN = "kpidesk"
LOCALES = Path(__file__).resolve().parent / "locales"
#: The languages that have a catalogue: all but the source language.
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)


def catalogue_path(lang: str) -> Path:
    """Where `lang`'s catalogue is kept: `locales/<lang>/LC_MESSAGES/kpidesk.po`."""
    if lang not in TRANSLATED:
        raise ValueError(f"no catalogue for language {lang!r}; catalogues exist for: {', '.join(TRANSLATED)}")
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> Catalog:
    """`lang`'s catalogue as Babel reads it (entries, contexts, fuzzy flags, plural forms)."""
    with catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@cache
def translator(lang: str) -> NullTranslations:
    """The translations of `lang`: `gettext`, `ngettext`, `pgettext` and `npgettext`, usable as the object
    of Jinja2's `install_gettext_translations`. English returns its text as it is; a fuzzy entry (a
    translation not yet checked after its English changed) is not used."""
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang), use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def forget_catalogues() -> None:
    """Read the catalogues again at next use (after they were rewritten)."""
    catalogue.cache_clear()
    translator.cache_clear()
