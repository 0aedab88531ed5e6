"""The Import page's texts in the reader's language: what the files may hold, each import's counts,
the rejected rows and the list of past imports. The importer's own explanations (English) are passed on
as they are, for the page to mark as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kpidesk.web._imports import ImportChoice, ImportOutcome

__all__ = [
    "choice_labels",
    "history_rows",
    "history_table",
    "rejected_table",
    "summary_rows",
]


def _kind_names(lang: str) -> dict[str, str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return {
        "tickets": _("Tickets"),
        "events": _("Ticket events"),
        "calls": _("Calls"),
        "surveys": _("Survey ratings"),
        "agents": _("Agents"),
        "agent_states": _("Agent states"),
        "customers": _("Customers"),
        "qa": _("Quality reviews"),
        "figures": _("The system's own figures"),
    }


def _export_names(lang: str) -> dict[str, str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return {
        "call-log": _("Call log export"),
        "chatwoot": _("Chatwoot export"),
        "freshdesk": _("Freshdesk export"),
        "servicenow": _("ServiceNow incident log export"),
        "social-threads": _("Social-media threads export"),
        "status-log": _("Case status log export"),
        "zammad": _("Zammad export"),
        "zendesk": _("Zendesk Support export"),
    }


def choice_labels(choices: list[ImportChoice], lang: str) -> list[dict[str, Any]]:
    """Each choice of what the files hold, as a value and a label, tables first."""
    kinds, exports = _kind_names(lang), _export_names(lang)
    return [
        {
            "value": c.value,
            "label": (exports if c.is_export else kinds).get(c.value, c.value),
            "export": c.is_export,
        }
        for c in choices
    ]


def _count(value: Any, lang: str) -> str:
    from kpidesk.i18n import format_number

    return format_number(int(value), lang, digits=0)


def summary_rows(outcome: ImportOutcome, lang: str) -> list[dict[str, Any]]:
    """One row per table the import wrote: its counts, files and the importer's warnings."""
    kinds = _kind_names(lang)
    return [
        {
            "import_id": s.import_id,
            "kind": kinds.get(s.kind, s.kind),
            "files": ", ".join(Path(f).name for f in s.files),
            "source": s.source,
            "read": _count(s.read, lang),
            "inserted": _count(s.inserted, lang),
            "updated": _count(s.updated, lang),
            "unchanged": _count(s.unchanged, lang),
            "rejected": _count(s.rejected, lang),
            "repaired": _count(s.repaired, lang),
            "notes": [
                *s.warnings,
                *([f"ignored columns: {', '.join(s.ignored_columns)}"] * bool(s.ignored_columns)),
            ],
        }
        for s in outcome.summaries
    ]


def rejected_table(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """The rejected (and repaired) rows as the page and its downloads show them."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    kinds = _kind_names(lang)
    header = [
        _("Import"),
        _("Table"),
        _("File"),
        _("Line"),
        _("Column"),
        _("Value"),
        _("Outcome"),
        _("What was expected (importer's words)"),
    ]
    rows = [
        [
            _count(r["import_id"], lang),
            kinds.get(str(r["kind"]), str(r["kind"])),
            Path(str(r["file"])).name,
            "" if pd.isna(r["line"]) else _count(r["line"], lang),
            "" if pd.isna(r["column"]) else str(r["column"]),
            "" if pd.isna(r["value"]) else str(r["value"]),
            _("Imported after a repair") if bool(r["repaired"]) else _("Not imported"),
            str(r["reason"]),
        ]
        for r in frame.to_dict(orient="records")
    ]
    return header, rows


def history_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Each past import, newest first, with whether it can still be undone."""
    from kpidesk.i18n import format_date, translator

    _ = translator(lang).gettext
    kinds = _kind_names(lang)

    def when(value: Any) -> str:
        if value is None or pd.isna(value):
            return ""
        stamp = pd.Timestamp(value)
        return f"{format_date(stamp, lang, 'short')} {stamp:%H:%M}"

    rows = []
    for r in frame.to_dict(orient="records"):
        undone = bool(r["undone"])
        files = r["files"] if isinstance(r["files"], list | tuple) else list(r["files"] or [])
        rows.append(
            {
                "import_id": int(r["import_id"]),
                "started": when(r["started_at"]),
                "kind": kinds.get(str(r["kind"]), str(r["kind"])),
                "source": str(r["source"]),
                "files": ", ".join(Path(str(f)).name for f in files),
                "read": _count(r["read"], lang),
                "inserted": _count(r["inserted"], lang),
                "updated": _count(r["updated"], lang),
                "rejected": _count(r["rejected"], lang),
                "has_rejected": int(r["rejected"]) + int(r["repaired"] or 0) > 0,
                "undone": undone,
                "state": (_("Undone") + " " + when(r["undone_at"])).strip() if undone else _("Imported"),
            }
        )
    return rows


def history_table(rows: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]]]:
    """The past imports' table as the page shows it (for downloads)."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    header = [
        _("Import"),
        _("Started (UTC)"),
        _("Table"),
        _("Source"),
        _("Files"),
        _("Rows read"),
        _("New"),
        _("Updated"),
        _("Rejected"),
        _("State"),
    ]
    keys = ("started", "kind", "source", "files", "read", "inserted", "updated", "rejected", "state")
    return header, [[str(r["import_id"]), *(str(r[k]) for k in keys)] for r in rows]
