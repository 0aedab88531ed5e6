"""The languages a reader can choose, their writing direction, and the choice from a request."""

from __future__ import annotations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "choose_language", "direction"]

LANGUAGES = ("en", "he", "ar")
DEFAULT_LANGUAGE = "en"
_RIGHT_TO_LEFT = frozenset({"he", "ar"})
#: Language tags older software still sends for a supported language.
_ALIASES = {"iw": "he"}


def direction(lang: str) -> str:
    """`rtl` for Hebrew and Arabic, `ltr` otherwise: the value of the page's `dir` attribute."""
    return "rtl" if lang in _RIGHT_TO_LEFT else "ltr"


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """The language to answer in: `?lang=` when it names a supported language, else the supported
    language the browser's Accept-Language header prefers most (by q-value, then order), else English."""
    asked = _supported(query_lang)
    if asked is not None:
        return asked
    for tag in _preferences(accept_language or ""):
        found = _supported(tag)
        if found is not None:
            return found
    return DEFAULT_LANGUAGE


def _supported(tag: str | None) -> str | None:
    """The supported language a tag such as `he-IL`, `AR_sa` or `iw` names, or None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def _preferences(header: str) -> list[str]:
    """The header's language tags, most preferred first; tags with q=0 or a q that is not a number
    between 0 and 1 are left out (a broken part of a header never breaks the page)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = _quality(params)
        if quality is not None and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def _quality(params: str) -> float | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
            return quality if 0 <= quality <= 1 else None
    return 1.0
