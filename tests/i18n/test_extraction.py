"""Finding the messages of Python files and Jinja2 templates, and telling which a language lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpidesk.i18n import (
    Message,
    all_messages,
    catalogue,
    catalogue_path,
    extract_messages,
    translator,
    untranslated,
    update_catalogues,
)


def _write(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        "<h1>{{ _('Weekly overview') }}</h1>\n"
        "<p>{{ pgettext('period', 'month') }}</p>\n"
        "{% trans count=n %}{{ count }} ticket{% pluralize %}{{ count }} tickets{% endtrans %}\n"
        "{% trans %}\n   Signed in\n{% endtrans %}\n",
        encoding="utf-8",
    )
    (root / "views.py").write_text(
        "from gettext import gettext as _\n\nTITLE = _('Dashboard')\nROLE = pgettext('role', 'admin')\n",
        encoding="utf-8",
    )


def test_extract_messages_from_templates_and_python(tmp_path: Path) -> None:
    _write(tmp_path)
    found = {(m.context, m.id, m.plural) for m in extract_messages([tmp_path])}
    assert found == {
        (None, "Weekly overview", None),
        ("period", "month", None),
        (None, "%(count)s ticket", "%(count)s tickets"),
        (None, "\n   Signed in\n", None),
        (None, "Dashboard", None),
        ("role", "admin", None),
    }
    trimmed = {m.id for m in extract_messages([tmp_path], trimmed=True)}
    assert "Signed in" in trimmed
    locations = {m.location for m in extract_messages([tmp_path])}
    assert str(tmp_path / "templates" / "page.html") + ":1" in locations


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_untranslated_names_what_the_catalogue_lacks(tmp_path: Path, lang: str) -> None:
    _write(tmp_path)
    missing = {(m.context, m.id) for m in untranslated(lang, extract_messages([tmp_path]))}
    # `month` in context `period` and the role `admin` are translated; the rest is not in the catalogue.
    assert missing == {
        (None, "Weekly overview"),
        (None, "%(count)s ticket"),
        (None, "\n   Signed in\n"),
        (None, "Dashboard"),
    }
    assert untranslated("en", extract_messages([tmp_path])) == []
    # The right context matters: `month` is a period, not a role.
    assert untranslated(lang, [Message("month", "role")]) == [Message("month", "role")]


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_the_package_needs_nothing_untranslated(lang: str) -> None:
    """Every message of kpidesk's code and templates is in both catalogues (the web app's included)."""
    missing = untranslated(lang, all_messages())
    assert missing == [], "\n".join(f"{m.location}: {m.context or ''} {m.id!r}" for m in missing)


@pytest.fixture
def catalogue_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The catalogues copied to a temporary folder, read from there for the test."""
    locales = tmp_path / "locales"
    shutil.copytree(catalogue_path("he").parents[2], locales)
    monkeypatch.setattr("kpidesk.i18n._catalogues.LOCALES", locales)
    catalogue.cache_clear()
    translator.cache_clear()
    yield locales
    catalogue.cache_clear()
    translator.cache_clear()


def test_update_catalogues_adds_marks_changed_and_drops_unused(catalogue_copies: Path) -> None:
    wanted = [
        Message("month", "period"),
        Message("Xylophone lessons"),
        # The English of "Tickets created in the period." changed: the old translation is kept, fuzzy.
        Message("Tickets created in the period, by their creation.", "metric-definition"),
    ]
    assert update_catalogues(wanted) == {"he": 2, "ar": 2}
    he = catalogue("he")
    assert {(m.context, m.id) for m in he if m.id} == {(m.context, m.id) for m in wanted}
    changed = he.get("Tickets created in the period, by their creation.", "metric-definition")
    assert changed.fuzzy and changed.string == "פניות שנפתחו בתקופה."
    assert he.get("Xylophone lessons").string == ""
    # A fuzzy translation is not used: the English shows until a translator checks it.
    assert translator("he").pgettext("metric-definition", changed.id) == changed.id
    assert translator("he").pgettext("period", "month") == "חודש"
    text = (catalogue_copies / "he" / "LC_MESSAGES" / "kpidesk.po").read_text(encoding="utf-8")
    assert '#| msgid "Tickets created in the period."' in text
    assert "Backlog age" not in text
