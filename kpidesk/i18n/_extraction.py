"""The messages a catalogue must translate: those kpidesk's code looks up (`required_messages`) and those
found in Python and Jinja2 sources; which of them a language lacks; and bringing the catalogues up to date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from kpidesk.i18n._catalogues import DOMAIN, TRANSLATED, catalogue, catalogue_path, forget_catalogues
from kpidesk.i18n._vocabulary import required_messages

__all__ = ["PACKAGE", "Message", "all_messages", "extract_messages", "untranslated", "update_catalogues"]

PACKAGE = Path(__file__).resolve().parent.parent
_PO_WIDTH = 110


@dataclass(frozen=True)
class Message:
    """One message to translate: its English text (`plural` for `ngettext`), its context, where it is."""

    id: str
    context: str | None = None
    plural: str | None = None
    location: str = ""


def extract_messages(paths: Iterable[Path | str], *, trimmed: bool = False) -> list[Message]:
    """The messages marked for translation in the Python (`_`, `gettext`, `ngettext`, `pgettext`…) and
    Jinja2 (`*.html`: `{{ _("…") }}`, `{% trans %}`) files under `paths`. `trimmed` must match the Jinja2
    environment's `i18n.trimmed` policy, so a `{% trans %}` block's text is the msgid it looks up."""
    method_map = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
    options_map = {"**.html": {"trimmed": "true" if trimmed else "false"}}
    found: list[Message] = []
    for path in map(Path, paths):
        for filename, line, text, _comments, context in extract_from_dir(
            path, method_map, options_map, keywords=_KEYWORDS
        ):
            singular, plural = (text[0], text[1]) if isinstance(text, tuple) else (text, None)
            found.append(Message(singular, context, plural, f"{path / filename}:{line}"))
    return found


#: Babel's default keywords; `pgettext` and `npgettext` take the context first.
_KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def all_messages(paths: Iterable[Path | str] = (PACKAGE,)) -> list[Message]:
    """What the catalogues must hold: kpidesk's own vocabulary and the messages found under `paths`
    (the whole package by default, the web app's templates included)."""
    own = [Message(msgid, context, location="kpidesk.i18n") for context, msgid in required_messages()]
    return own + extract_messages(paths)


def untranslated(lang: str, messages: Iterable[Message]) -> list[Message]:
    """The messages `lang` does not translate: absent from its catalogue, with an empty translation (or an
    empty plural form), or fuzzy. English, the source language, translates everything."""
    if lang not in TRANSLATED:
        return []
    entries = catalogue(lang)
    missing = []
    for message in messages:
        entry = entries.get(message.id, message.context)
        strings = entry.string if entry is not None else ""
        texts = strings if isinstance(strings, tuple | list) else (strings,)
        if entry is None or entry.fuzzy or not all(texts):
            missing.append(message)
    return missing


def update_catalogues(messages: Iterable[Message] | None = None) -> dict[str, int]:
    """Rewrite each catalogue to hold exactly `messages` (by default `all_messages()`): new messages get an
    empty translation, a message whose English changed keeps its old translation marked fuzzy for a
    translator to check, and messages no longer used are dropped. Returns each language's untranslated
    count."""
    wanted = list(all_messages() if messages is None else messages)
    template = Catalog(domain=DOMAIN)
    for message in wanted:
        msgid = message.id if message.plural is None else (message.id, message.plural)
        template.add(msgid, context=message.context, locations=[])
    counts = {}
    for lang in TRANSLATED:
        current = catalogue(lang)
        current.update(template, update_header_comment=False, update_creation_date=False)
        current.revision_date = datetime.now(UTC)
        with catalogue_path(lang).open("wb") as po:
            write_po(po, current, width=_PO_WIDTH, ignore_obsolete=True, include_previous=True)
        forget_catalogues()
        counts[lang] = len(untranslated(lang, wanted))
    return counts
